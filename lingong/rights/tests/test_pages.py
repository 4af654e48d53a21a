"""Rights pages for each role: navigation, the staff arrears desk, a case's detail and actions, the
employer's and the worker's own pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lingong.accounts.models import Role
from lingong.accounts.services import create_user, grant_membership
from lingong.gigs.tests.factories import make_worker
from lingong.rights import arrears
from lingong.rights.arrears import scan_arrears
from lingong.rights.models import ArrearsCase
from lingong.rights.tests.helpers import completed_days_ago

pytestmark = pytest.mark.django_db


def _clean(html: str) -> bool:
    """CSP: no inline style attributes or inline scripts."""
    return "style=" not in html and "<script>" not in html


class TestNavigation:
    def test_entries_by_role(self, client, personas, worker):
        client.force_login(worker.user)
        page = client.get(reverse("rights:mine")).content.decode()
        assert "我的权益" in page and "欠薪与投诉" not in page
        client.force_login(personas.coordinator_a)
        assert "欠薪与投诉" in client.get(reverse("rights:arrears_list")).content.decode()
        client.force_login(personas.employer)
        assert "本单位欠薪案件" in client.get(reverse("rights:employer")).content.decode()


class TestArrearsDesk:
    def test_who_may_open_it(self, client, personas, worker, case):
        url = reverse("rights:arrears_list")
        for user in (worker.user, personas.employer, personas.outsider):
            client.force_login(user)
            assert client.get(url).status_code == 403, user
        client.logout()
        assert client.get(url).status_code == 302
        for user in (personas.coordinator_a, personas.town_admin_b, personas.city_admin):
            client.force_login(user)
            response = client.get(url)
            page = response.content.decode()
            assert response.status_code == 200 and case.code in page, user
            assert _clean(page)

    def test_scope_filters_and_overdue_highlight(self, client, personas, employer, gig, worker, case):
        client.force_login(personas.town_admin_b)
        url = reverse("rights:arrears_list")
        page = client.get(url).content.decode()
        assert 'class="short"' in page and "逾期" in page and "梁*明" in page
        assert case.code not in client.get(url, {"status": "resolved"}).content.decode()
        assert case.code in client.get(url, {"status": "all"}).content.decode()
        assert case.code in client.get(url, {"level": "town"}).content.decode()
        assert case.code not in client.get(url, {"level": "station"}).content.decode()
        assert case.code in client.get(url, {"town": employer.town.code}).content.decode()
        assert case.code not in client.get(url, {"town": personas.station_a.town.code}).content.decode()
        bad = client.get(url, {"level": "nope"})
        assert bad.status_code == 400 and "层级筛选无效" in bad.content.decode()
        # A coordinator of another station (even one in the employer's town) sees nothing.
        other_coord = create_user(
            actor=None, username="coord_b", password="x-pass-2026!", phone="13900000031"
        )
        grant_membership(
            actor=personas.city_admin, user=other_coord, role=Role.COORDINATOR, station=personas.station_b
        )
        assert ArrearsCase.objects.handled_by(other_coord).count() == 0
        client.force_login(other_coord)
        assert case.code not in client.get(url).content.decode()
        assert ArrearsCase.objects.handled_by(personas.coordinator_a).count() == 1

    def test_list_queries_do_not_grow_with_cases(self, client, personas, gig, worker, case):
        client.force_login(personas.city_admin)
        url = reverse("rights:arrears_list")
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for name in ("何阿姨", "陈工友", "李工友"):
            completed_days_ago(
                gig, make_worker(personas.coordinator_a, personas.station_a, name=name), days=6
            )
        from django.utils import timezone

        scan_arrears(timezone.now())
        with CaptureQueriesContext(connection) as four:
            page = client.get(url).content.decode()
        assert ArrearsCase.objects.count() == 4 and page.count("逾期") >= 4
        assert len(four) == len(one)


class TestCaseDetail:
    def test_visibility_and_what_each_role_sees(self, client, personas, worker, case):
        arrears.add_note(case, actor=personas.coordinator_a, note="内部备注：用工方说周五付")
        url = reverse("rights:arrears_detail", args=[case.code])
        other = make_worker(personas.coordinator_a, personas.station_a, name="何阿姨")
        for user in (other.user, personas.outsider):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.force_login(worker.user)
        page = client.get(url).content.decode()
        assert "梁小明" in page and "内部备注" not in page and "立案" in page and "升级督办" in page
        assert 'name="action"' not in page and _clean(page)
        client.force_login(personas.employer)
        page = client.get(url).content.decode()
        assert "梁*明" in page and "梁小明" not in page and "内部备注" not in page
        assert client.post(url, {"action": "note", "note-note": "我们已付"}).status_code == 403
        client.force_login(personas.coordinator_a)
        page = client.get(url).content.decode()
        assert "内部备注" in page and 'value="resolve"' in page and "137****" in page

    def test_staff_actions(self, client, personas, employer, case):
        url = reverse("rights:arrears_detail", args=[case.code])
        client.force_login(personas.coordinator_a)
        response = client.post(url, {"action": "note", "note-note": "已电话联系", "note-share": "on"})
        assert response.status_code == 302
        assert case.events.filter(kind="note", staff_only=False).exists()
        bad = client.post(
            url, {"action": "resolve", "resolve-resolution": "paid_confirmed", "resolve-note": ""}
        )
        assert bad.status_code == 400 and "请写明处理情况" in bad.content.decode()
        case.refresh_from_db()
        assert case.is_open
        assert client.post(url, {"action": "confirm", "confirm-note": "双方确认未付"}).status_code == 302
        employer.refresh_from_db()
        assert employer.status == "suspended"
        done = {
            "action": "resolve",
            "resolve-resolution": "paid_confirmed",
            "resolve-note": "12月9日现金支付 180 元",
        }
        assert client.post(url, done).status_code == 302
        case.refresh_from_db()
        assert case.status == "resolved" and case.resolution == "paid_confirmed"
        page = client.get(url).content.decode()
        assert "经核实工资已足额支付" in page and 'value="refer"' not in page
        bogus = client.post(url, {"action": "bogus"})
        assert bogus.status_code == 400 and "请选择要进行的操作" in bogus.content.decode()


class TestOwnPages:
    def test_worker_page(self, client, personas, worker, case):
        client.force_login(worker.user)
        page = client.get(reverse("rights:mine")).content.decode()
        assert case.code in page and "镇街分局督办" in page and "我要投诉" in page and _clean(page)
        client.force_login(personas.outsider)
        assert client.get(reverse("rights:mine")).status_code == 404

    def test_employer_page(self, client, personas, worker, case):
        client.force_login(personas.employer)
        page = client.get(reverse("rights:employer")).content.decode()
        assert case.code in page and "梁*明" in page and "梁小明" not in page and _clean(page)
        for user in (worker.user, personas.outsider, personas.coordinator_a):
            client.force_login(user)
            assert client.get(reverse("rights:employer")).status_code == 403
