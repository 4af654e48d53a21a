"""Posting pages: the form, what the screen says, walk-in posting by staff, and the review queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import User
from lingong.employers.models import Employer
from lingong.employers.services import register_employer, review_employer
from lingong.gigs import services
from lingong.gigs.models import Gig, GigKind, GigStatus
from lingong.lib.uscc import make_uscc

from .factories import approved_employer, gig_data, open_gig

pytestmark = pytest.mark.django_db

NEW = "/gigs/new/"


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


def form(town, **overrides) -> dict:
    """What the posting form sends for a clean 保洁 posting tomorrow."""
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = {
        "occupation_text": "保洁员",
        "occupation_code": "4-09-08-01",
        "title": "写字楼保洁 日结",
        "description": "负责写字楼公共区域日常清洁，工具由我方提供。",
        "requirements": "",
        "headcount": "3",
        "town": town.name,
        "address": "中山市东区兴中道8号",
        "lat": "22.52",
        "lng": "113.395",
        "pay_amount": "180",
        "pay_unit": "day",
        "settlement": "daily",
        "provided": ["meals", "tools"],
        "insurance": "employer",
        "booking_mode": "choose",
        "contact_name": "周经理",
        "contact_phone": "13900000005",
        "shift_date": [day, ""],
        "shift_start": ["08:00", ""],
        "shift_end": ["17:00", ""],
        "action": "submit",
    }
    data.update(overrides)
    return data


class TestPostingForm:
    def test_anonymous_is_sent_to_login(self, client, personas):
        response = client.get(NEW)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_form_has_every_field_and_no_discriminatory_ones(self, client, personas, employer, catalog):
        client.force_login(personas.employer)
        page = client.get(NEW).content.decode()
        for name in ("title", "description", "headcount", "town", "lat", "pay_amount", "settlement"):
            assert f'name="{name}"' in page
        assert page.count('name="shift_date"') == 3  # three empty rows without scripts
        assert 'name="occupation_text"' in page and 'name="certificates"' in page
        assert 'name="kind"' not in page  # 公益性岗位 only through staff
        for forbidden in ('name="sex"', 'name="gender"', 'name="age"', 'name="hukou"', 'name="ethnicity"'):
            assert forbidden not in page
        assert f'hx-post="{reverse("screening:check")}"' in page and "delay:600ms" in page
        assert "style=" not in page and "<script>" not in page
        # Prefilled from the employer: its town, address and contact.
        assert "周经理" in page and 'value="中山市东区兴中道8号"' in page

    def test_clean_posting_is_published(self, client, personas, employer, towns, catalog):
        client.force_login(personas.employer)
        response = client.post(NEW, form(towns["东区"]))
        gig = Gig.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/gigs/{gig.code}/posted/"
        assert gig.status == GigStatus.OPEN and gig.shifts.count() == 1 and gig.employer == employer
        assert sorted(gig.provided) == ["meals", "tools"] and gig.occupation.code == "4-09-08-01"
        page = client.get(response["Location"]).content.decode()
        assert "已发布" in page and gig.title in page

    def test_occupation_typed_by_hand_without_scripts(self, client, personas, employer, towns, catalog):
        client.force_login(personas.employer)
        client.post(NEW, form(towns["东区"], occupation_code=""))
        assert Gig.objects.get().occupation.code == "4-09-08-01"

    def test_discriminatory_posting_is_blocked_with_reasons_and_nothing_saved(
        self, client, personas, employer, towns, catalog
    ):
        client.force_login(personas.employer)
        typed = "招保洁员，限男性，35岁以下，需交押金200元。"
        response = client.post(NEW, form(towns["东区"], description=typed))
        page = response.content.decode()
        assert response.status_code == 400
        assert not Gig.objects.exists()
        assert "不能发布" in page and "没有保存任何内容" in page
        assert "限男性" in page and "押金" in page and "必须修改" in page
        assert typed in page  # what was typed comes back
        assert 'value="写字楼保洁 日结"' in page

    def test_warned_posting_goes_to_review(self, client, personas, employer, towns, catalog):
        client.force_login(personas.employer)
        response = client.post(NEW, form(towns["东区"], description="招保洁员，年龄35岁以下，工具我方提供。"))
        gig = Gig.objects.get()
        assert gig.status == GigStatus.REVIEW
        page = client.get(response["Location"]).content.decode()
        assert "已提交人工审核" in page and "需人工审核" in page

    def test_unverified_employer_sees_the_reason_and_nothing_is_saved(self, client, personas, towns, catalog):
        client.force_login(personas.employer)  # its employer is still pending review
        response = client.post(NEW, form(towns["东区"]))
        page = response.content.decode()
        assert response.status_code == 400 and "尚未通过认证" in page
        assert not Gig.objects.exists()

    def test_unverified_employer_can_save_a_draft(self, client, personas, towns, catalog):
        client.force_login(personas.employer)
        response = client.post(NEW, form(towns["东区"], action="draft"))
        gig = Gig.objects.get()
        assert gig.status == GigStatus.DRAFT
        assert response["Location"] == f"/gigs/{gig.code}/manage/"
        assert "这是草稿" in client.get(response["Location"]).content.decode()

    def test_bad_fields_are_marked_in_chinese(self, client, personas, employer, towns, catalog):
        client.force_login(personas.employer)
        yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
        response = client.post(
            NEW,
            form(
                towns["东区"],
                title="",
                contact_phone="123",
                headcount="lots",
                lat="40",
                occupation_code="",
                occupation_text="不存在的工种",
                shift_date=[yesterday],
                shift_start=["08:00"],
                shift_end=["17:00"],
                pay_amount="-5",
            ),
        )
        page = response.content.decode()
        assert response.status_code == 400 and not Gig.objects.exists()
        for message in (
            "请填写标题",
            "每班人数应为",
            "请在地图上点选工作地点",
            "请从提示中选择职业",
            "已经过去",
        ):
            assert message in page
        assert "请填写报酬金额" in page and "has-error" in page

    def test_extra_shift_rows_and_night_shift(self, client, personas, employer, towns, catalog):
        client.force_login(personas.employer)
        d1 = timezone.localdate() + dt.timedelta(days=1)
        d2 = d1 + dt.timedelta(days=1)
        client.post(
            NEW,
            form(
                towns["东区"],
                shift_date=[d1.isoformat(), d2.isoformat(), "", ""],
                shift_start=["22:00", "22:00", "", ""],
                shift_end=["06:00", "06:00", "", ""],
            ),
        )
        gig = Gig.objects.get()
        assert gig.shifts.count() == 2
        first = gig.shifts.order_by("starts_at")[0]
        assert first.ends_at - first.starts_at == dt.timedelta(hours=8)

    def test_employer_cannot_make_a_public_welfare_post(self, client, personas, employer, towns, catalog):
        client.force_login(personas.employer)
        client.post(NEW, form(towns["东区"], kind="public_welfare"))
        assert Gig.objects.get().kind == GigKind.REGULAR

    def test_outsider_is_told_to_register_an_employer(self, client, personas):
        client.force_login(personas.outsider)
        page = client.get(NEW).content.decode()
        assert "登记用工主体" in page and 'name="title"' not in page

    def test_someone_elses_employer_is_not_found(self, client, personas, employer, xiaolan_employer, catalog):
        client.force_login(personas.outsider)
        page = client.get(f"{NEW}?employer={employer.code}").content.decode()
        assert employer.name not in page and 'name="title"' not in page
        client.force_login(User.objects.get(username="boss_xl"))  # a member of another employer
        assert client.get(f"{NEW}?employer={employer.code}").status_code == 404


class TestEdit:
    def test_edit_is_prefilled_and_saves_through_screening(self, client, personas, employer, catalog):
        gig = open_gig(personas.employer, employer)
        client.force_login(personas.employer)
        page = client.get(f"/gigs/{gig.code}/edit/").content.decode()
        assert 'value="写字楼保洁 日结"' in page and 'value="08:00"' in page
        data = form(employer.town, title="写字楼保洁 日结 包午餐")
        response = client.post(f"/gigs/{gig.code}/edit/", data)
        gig.refresh_from_db()
        assert response.status_code == 302 and gig.title == "写字楼保洁 日结 包午餐"
        assert gig.status == GigStatus.OPEN

    def test_other_people_cannot_edit(self, client, personas, employer, catalog):
        gig = open_gig(personas.employer, employer)
        for user in (personas.outsider, personas.worker, personas.coordinator_a):
            client.force_login(user)
            assert client.get(f"/gigs/{gig.code}/edit/").status_code == 404


@pytest.fixture
def xiaolan_employer(personas, towns):
    """A 小榄 business that walked into station A (coordinator_a's station)."""
    from lingong.accounts.services import create_user

    boss = create_user(actor=None, username="boss_xl", password="x-pass-2026!", phone="13900000021")
    employer = register_employer(
        actor=boss,
        data={
            "kind": "individual_business",
            "name": "小榄镇陈记五金店",
            "uscc": make_uscc("92442000MA4U5678N"),
            "contact_name": "陈老板",
            "contact_phone": "13900000021",
            "town": towns["小榄"],
            "address": "中山市小榄镇宝丰路2号",
        },
    )
    return review_employer(employer, actor=personas.city_admin, decision="approve")


class TestWalkInPosting:
    def test_coordinator_chooses_an_employer_of_their_town(
        self, client, personas, xiaolan_employer, employer, catalog
    ):
        client.force_login(personas.coordinator_a)
        page = client.get(NEW).content.decode()
        assert "为哪个单位发布" in page and "小榄镇陈记五金店" in page
        assert employer.name not in page  # 东区 is not the coordinator's town
        assert "陈记" in client.get(f"{NEW}?q=陈记").content.decode()

    def test_coordinator_posts_for_a_walk_in_employer(
        self, client, personas, xiaolan_employer, towns, catalog
    ):
        client.force_login(personas.coordinator_a)
        page = client.get(f"{NEW}?employer={xiaolan_employer.code}").content.decode()
        assert "小榄镇陈记五金店" in page and 'name="kind"' in page
        data = form(
            towns["小榄"], employer=xiaolan_employer.code, kind="public_welfare", lat="22.67", lng="113.25"
        )
        response = client.post(NEW, data)
        gig = Gig.objects.get()
        assert response.status_code == 302 and gig.employer == xiaolan_employer
        assert gig.station == personas.station_a and gig.kind == GigKind.PUBLIC_WELFARE
        assert gig.status == GigStatus.OPEN

    def test_staff_cannot_post_outside_their_scope(self, client, personas, employer, catalog):
        client.force_login(personas.coordinator_a)
        assert client.get(f"{NEW}?employer={employer.code}").status_code == 404
        response = client.post(NEW, form(employer.town, employer=employer.code))
        assert response.status_code == 404 and not Gig.objects.exists()


class TestReviewQueue:
    @pytest.fixture
    def warned(self, personas, employer, catalog):
        data = gig_data(employer.town, description="招保洁员，年龄35岁以下，工具我方提供。")
        return services.post_gig(actor=personas.employer, employer=employer, data=data)

    def test_only_town_and_city_admins(self, client, personas, warned):
        for user in (personas.employer, personas.coordinator_a, personas.worker, personas.outsider):
            client.force_login(user)
            assert client.get("/gigs/review/").status_code == 403
        client.force_login(personas.city_admin)
        assert warned.title in client.get("/gigs/review/").content.decode()

    def test_town_admin_approves(self, client, personas, warned):
        client.force_login(personas.town_admin_b)
        page = client.get("/gigs/review/").content.decode()
        assert warned.title in page and "年龄" in page and "需人工审核" in page
        response = client.post("/gigs/review/", {"gig": warned.code, "decision": "approve", "note": ""})
        warned.refresh_from_db()
        assert response.status_code == 302 and warned.status == GigStatus.OPEN

    def test_return_needs_a_note(self, client, personas, warned):
        client.force_login(personas.town_admin_b)
        response = client.post("/gigs/review/", {"gig": warned.code, "decision": "return", "note": " "})
        assert response.status_code == 400 and "退回时请写明原因" in response.content.decode()
        warned.refresh_from_db()
        assert warned.status == GigStatus.REVIEW
        client.post("/gigs/review/", {"gig": warned.code, "decision": "return", "note": "请删去年龄限制"})
        warned.refresh_from_db()
        assert warned.status == GigStatus.REJECTED
        client.force_login(personas.employer)
        page = client.get(f"/gigs/{warned.code}/manage/").content.decode()
        assert "请删去年龄限制" in page and "提交发布" in page

    def test_unknown_gig_is_404(self, client, personas):
        client.force_login(personas.town_admin_b)
        assert client.post("/gigs/review/", {"gig": "nope", "decision": "approve"}).status_code == 404


def test_navigation_entries(client, personas, employer):
    client.force_login(personas.employer)
    page = client.get("/gigs/rules/").content.decode()
    assert "发布零工" in page and "我的岗位" in page
    client.force_login(personas.town_admin_b)
    assert "岗位审核" in client.get("/gigs/rules/").content.decode()
    client.force_login(personas.worker)
    assert Employer.objects.exists() and "我的零工" in client.get("/gigs/rules/").content.decode()
