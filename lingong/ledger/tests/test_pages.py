"""The quick-entry page (plain and htmx), worker search, correction and voiding, partners pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lingong.ledger import services
from lingong.ledger.models import LedgerEntry, Partner

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def manual(world):
    return LedgerEntry.objects.filter(station=world.p.station_a, source="manual")


class TestQuickEntry:
    def test_page_shows_the_station_the_service_buttons_and_today(self, client, world):
        client.force_login(world.p.coordinator_a)
        html = client.get("/ledger/").content.decode()
        assert world.p.station_a.name in html and "记一笔" in html
        for label in ("求职登记", "岗位推荐", "职业指导", "创业指导", "劳动权益咨询", "便民休憩", "招聘活动"):
            assert f"<span>{label}</span>" in html
        assert "今天（" in html and world.worker_a.code in html  # the registration line of this morning
        assert "<script>" not in html and " style=" not in html

    def test_a_walk_in_with_two_services_in_one_post(self, client, world):
        client.force_login(world.p.coordinator_a)
        data = {"station": world.p.station_a.code, "services": ["guidance", "policy"], "walk_in_count": "2"}
        resp = client.post("/ledger/", data)
        assert resp.status_code == 302 and resp["Location"] == f"/ledger/?station={world.p.station_a.code}"
        lines = manual(world).order_by("service")
        assert [(e.service, e.walk_in_count) for e in lines] == [("guidance", 2), ("policy", 2)]

    def test_htmx_post_returns_the_workspace_with_the_new_lines_and_a_fresh_form(self, client, world):
        client.force_login(world.p.coordinator_a)
        data = {"station": world.p.station_a.code, "services": ["rights"], "worker": world.worker_a.code}
        resp = client.post("/ledger/", data, **HTMX)
        html = resp.content.decode()
        assert resp.status_code == 200 and "<html" not in html and 'id="ledger-workspace"' in html
        assert "已记录 1 项：劳动权益咨询（梁*英）" in html
        assert 'value="rights" checked' not in html  # the form is ready for the next visitor
        entry = manual(world).get()
        assert entry.worker == world.worker_a and entry.walk_in_count == 0 and entry.persons == 1

    def test_bad_posts_explain_and_save_nothing(self, client, world):
        client.force_login(world.p.coordinator_a)
        station = world.p.station_a.code
        cases = [
            ({"station": station}, "请至少选择一项服务"),
            ({"station": station, "services": ["guidance"], "walk_in_count": "0"}, "来访人数至少 1 人"),
            (
                {"station": station, "services": ["guidance"], "worker": world.worker_b.code},
                "不在您服务的范围内",
            ),
            ({"station": station, "services": ["spa"]}, "选择一个有效的选项"),
            ({"station": station, "services": ["guidance"], "notes": "长" * 501}, "备注"),
        ]
        for data, message in cases:
            resp = client.post("/ledger/", data, **HTMX)
            assert resp.status_code == 200 and message in resp.content.decode(), data
        assert not manual(world).exists()

    def test_another_stations_ledger_is_refused(self, client, world):
        client.force_login(world.p.coordinator_a)
        data = {"station": world.p.station_b.code, "services": ["guidance"], "walk_in_count": "1"}
        assert client.post("/ledger/", data).status_code == 403
        assert client.get(f"/ledger/?station={world.p.station_b.code}").status_code == 403
        assert client.get("/ledger/?station=NOSUCH").status_code == 404
        assert not LedgerEntry.objects.filter(station=world.p.station_b, source="manual").exists()

    def test_staff_with_several_stations_choose_and_the_choice_is_remembered(self, client, world):
        client.force_login(world.p.city_admin)
        html = client.get("/ledger/").content.decode()
        assert "选择站点" in html and world.p.station_a.name in html and world.p.station_b.name in html
        client.get(f"/ledger/?station={world.p.station_b.code}")
        html = client.get("/ledger/day/").content.decode()
        assert "当日台账" in html and world.p.station_b.name in html

    def test_worker_search_by_phone_tail_or_name_within_scope(self, client, world):
        client.force_login(world.p.coordinator_a)
        html = client.get("/ledger/workers/?q=0001", **HTMX).content.decode()
        assert world.worker_a.code in html and "137****0001" in html and "13711110001" not in html
        assert world.worker_a.code in client.get("/ledger/workers/?q=秀英").content.decode()
        html = client.get("/ledger/workers/?q=0002").content.decode()
        assert world.worker_b.code not in html and "没有找到" in html
        # Without scripts, the search button reloads the page with the results in the form.
        page = client.get(f"/ledger/?station={world.p.station_a.code}&q=0001").content.decode()
        assert f'value="{world.worker_a.code}"' in page

    def test_the_day_page_does_not_query_per_line(self, client, world):
        client.force_login(world.p.coordinator_a)
        url = f"/ledger/day/?station={world.p.station_a.code}"

        def queries() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            return len(ctx.captured_queries)

        services.record_visit(
            station=world.p.station_a,
            services=["guidance"],
            actor=world.p.coordinator_a,
            worker=world.worker_a,
        )
        few = queries()
        for _ in range(5):
            services.record_visit(
                station=world.p.station_a,
                services=["policy", "rest"],
                actor=world.p.coordinator_a,
                worker=world.worker_a,
            )
        assert queries() == few


class TestCorrectAndVoidPages:
    def test_correct_then_void_own_line(self, client, world):
        p = world.p
        client.force_login(p.coordinator_a)
        (entry,) = services.record_visit(
            station=p.station_a, services=["guidance"], actor=p.coordinator_a, walk_in_count=1
        )
        page = client.get(f"/ledger/?station={p.station_a.code}").content.decode()
        assert f"/ledger/e/{entry.code}/edit/" in page and f"/ledger/e/{entry.code}/void/" in page
        resp = client.post(
            f"/ledger/e/{entry.code}/edit/", {"service": "entrepreneurship", "walk_in_count": "3"}
        )
        assert resp.status_code == 302
        entry.refresh_from_db()
        assert (entry.service, entry.walk_in_count) == ("entrepreneurship", 3)
        bad = client.post(f"/ledger/e/{entry.code}/void/", {"reason": ""})
        assert bad.status_code == 200 and "请写明作废原因" in bad.content.decode()
        assert client.post(f"/ledger/e/{entry.code}/void/", {"reason": "来访者记重了"}).status_code == 302
        entry.refresh_from_db()
        assert entry.is_voided
        page = client.get(f"/ledger/day/?station={p.station_a.code}").content.decode()
        assert "已作废：来访者记重了" in page and f"/ledger/e/{entry.code}/edit/" not in page
        assert client.get(f"/ledger/e/{entry.code}/edit/").status_code == 403

    def test_others_lines_cannot_be_corrected(self, client, world):
        p = world.p
        (entry,) = services.record_visit(
            station=p.station_a, services=["guidance"], actor=p.city_admin, walk_in_count=1
        )
        client.force_login(p.coordinator_a)
        assert client.get(f"/ledger/e/{entry.code}/edit/").status_code == 403
        assert client.post(f"/ledger/e/{entry.code}/void/", {"reason": "不对"}).status_code == 403
        client.force_login(p.town_admin_b)
        assert client.get(f"/ledger/e/{entry.code}/void/").status_code == 404


class TestPartnerPages:
    def test_register_list_masked_use_in_the_ledger_and_see_activity(self, client, world):
        p = world.p
        client.force_login(p.coordinator_a)
        data = {
            "station": p.station_a.code,
            "kind": "hr_agency",
            "name": "小榄人力资源服务有限公司",
            "contact_name": "吴经理",
            "phone": "13812345678",
            "offers": "每周三驻点招聘，提供普工岗位",
        }
        resp = client.post("/ledger/partners/new/", data)
        partner = Partner.objects.get(name=data["name"])
        assert resp.status_code == 302 and resp["Location"] == f"/ledger/partners/{partner.code}/"
        listing = client.get("/ledger/partners/").content.decode()
        assert "138****5678" in listing and "13812345678" not in listing
        assert client.post("/ledger/partners/new/", data).status_code == 200  # same name again: explained
        assert Partner.objects.filter(name=data["name"]).count() == 1

        entry_page = client.get("/ledger/").content.decode()
        assert partner.code in entry_page
        post = {
            "station": p.station_a.code,
            "services": ["recruitment"],
            "walk_in_count": "12",
            "partner": partner.code,
        }
        assert client.post("/ledger/", post).status_code == 302
        detail = client.get(f"/ledger/partners/{partner.code}/").content.decode()
        assert "13812345678" in detail and "招聘活动" in detail and "匿名来访 12 人" in detail

        resp = client.post(
            f"/ledger/partners/{partner.code}/edit/",
            {"kind": "hr_agency", "name": partner.name, "phone": "0760-2233", "offers": ""},
        )
        assert resp.status_code == 200 and "联系电话格式不正确" in resp.content.decode()
        resp = client.post(
            f"/ledger/partners/{partner.code}/edit/", {"kind": "hr_agency", "name": partner.name}
        )
        assert resp.status_code == 302 and not Partner.objects.get(pk=partner.pk).active

    def test_partners_are_scoped_to_the_station(self, client, world):
        p = world.p
        from lingong.ledger.partners import create_partner

        theirs = create_partner(
            actor=p.town_admin_b, station=p.station_b, data={"kind": "volunteer", "name": "东区志愿队"}
        )
        client.force_login(p.coordinator_a)
        assert "东区志愿队" not in client.get("/ledger/partners/").content.decode()
        assert client.get(f"/ledger/partners/{theirs.code}/").status_code == 404
        bad = {"station": p.station_b.code, "kind": "volunteer", "name": "冒名"}
        resp = client.post("/ledger/partners/new/", bad)
        assert resp.status_code == 200 and not Partner.objects.filter(name="冒名").exists()
        client.force_login(p.town_admin_b)
        assert "东区志愿队" in client.get("/ledger/partners/").content.decode()
