"""The public gig pages (list with search and map, one gig) and the public search API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lingong.accounts.services import issue_token
from lingong.gigs import booking, services
from lingong.gigs.models import Shift

from .factories import approved_employer, gig_data, make_worker, open_gig

pytestmark = pytest.mark.django_db

BROWSE = "/gigs/"
API = "/api/v1/gigs"


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def cleaning(personas, employer):
    return open_gig(personas.employer, employer, title="写字楼保洁 日结")


@pytest.fixture
def movers(personas, employer, towns):
    data = gig_data(
        towns["小榄"],
        occupation="4-02-05-01",  # 装卸搬运工
        title="仓库搬运 抢单",
        description="小榄物流仓库装卸货，按件计酬。",
        lat=22.6760,
        lng=113.2470,
        pay_amount="30",
        pay_unit="hour",
        settlement="weekly",
        booking_mode="instant",
        insurance="none",
        provided=[],
    )
    gig = services.save_draft(actor=personas.employer, employer=employer, data=data)
    return services.submit(gig, actor=personas.employer)


def bearer(user) -> dict[str, str]:
    _, key = issue_token(actor=user, name="测试")
    return {"Authorization": f"Bearer {key}"}


class TestBrowsePage:
    def test_cards_show_pay_settlement_place_shift_and_employer(self, client, cleaning, movers):
        page = client.get(BROWSE).content.decode()
        assert "找零工活" in page and "<form" in page and 'id="map"' in page
        assert "写字楼保洁 日结" in page and "180 元/天" in page and "settle-daily" in page
        assert "仓库搬运 抢单" in page and "30 元/时" in page and "badge instant" in page
        assert "有意外险" in page and "包餐" in page
        assert "中山市东区示例物业管理有限公司" in page and "信用良好" in page
        assert "明天 08:00–17:00" in page and "还缺 <strong>3</strong> 人" in page
        assert "找到 2 个岗位" in page

    def test_keyword_and_filters_through_the_form(self, client, cleaning, movers):
        assert "仓库搬运" not in client.get(BROWSE, {"q": "保洁"}).content.decode()
        page = client.get(BROWSE, {"settlement": "daily", "date": "tomorrow"}).content.decode()
        assert "写字楼保洁" in page and "仓库搬运" not in page
        page = client.get(BROWSE, {"instant": "1"}).content.decode()
        assert "仓库搬运" in page and "写字楼保洁" not in page

    def test_near_a_point_shows_minutes_and_orders_by_distance(self, client, cleaning, movers):
        page = client.get(BROWSE, {"near": "22.6750,113.2456", "mode": "ebike"}).content.decode()
        assert page.index("仓库搬运") < page.index("写字楼保洁")
        assert "电动车约" in page and "距离按电动车估算" in page

    def test_htmx_gets_the_results_partial_only(self, client, cleaning):
        response = client.get(BROWSE, {"q": "保洁"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200 and "<html" not in body and "<form" not in body
        assert "写字楼保洁" in body and 'id="gig-markers"' in body
        assert "<html" in client.get(BROWSE, {"q": "保洁"}).content.decode()

    def test_bad_parameters_are_a_clear_error(self, client, cleaning):
        response = client.get(BROWSE, {"within": "15"})
        assert response.status_code == 400 and "定位" in response.content.decode()
        response = client.get(BROWSE, {"near": "north"})
        assert response.status_code == 400 and "纬度" in response.content.decode()

    def test_pages_keep_the_filters(self, client, personas, employer):
        for n in range(21):
            open_gig(personas.employer, employer, title=f"保洁 {n} 号楼")
        page = client.get(BROWSE, {"q": "保洁", "settlement": "daily"}).content.decode()
        assert "第 1 / 2 页" in page and "q=%E4%BF%9D%E6%B4%81&amp;settlement=daily&amp;page=2" in page

    def test_list_page_query_count_is_flat(self, client, personas, employer, django_assert_max_num_queries):
        for n in range(8):
            open_gig(personas.employer, employer, title=f"保洁 {n} 号楼")
        with django_assert_max_num_queries(12):
            client.get(BROWSE, {"q": "保洁"})
        with django_assert_max_num_queries(8):
            client.get(BROWSE, {"q": "保洁"}, HTTP_HX_REQUEST="true")

    def test_navigation_links_the_list_for_everyone(self, client, personas):
        assert 'href="/gigs/"' in client.get("/").content.decode()
        client.force_login(personas.employer)
        assert 'href="/gigs/"' in client.get("/").content.decode()


class TestDetailPage:
    def test_public_sees_everything_but_the_full_phone(self, client, cleaning):
        page = client.get(reverse("gigs:detail", args=[cleaning.code])).content.decode()
        assert "写字楼保洁 日结" in page and "负责写字楼公共区域日常清洁" in page
        assert "139****0005" in page and "13900000005" not in page
        assert "信用等级" in page and "良好" in page and "暂无评价" in page
        assert "剩 <strong>3</strong> / 3" in page and "<svg" in page
        assert "/accounts/login/?next=" in page

    def test_managers_see_the_full_phone(self, client, personas, cleaning):
        client.force_login(personas.employer)
        assert "13900000005" in client.get(reverse("gigs:detail", args=[cleaning.code])).content.decode()
        client.force_login(personas.town_admin_b)  # the gig's town
        assert "13900000005" in client.get(reverse("gigs:detail", args=[cleaning.code])).content.decode()

    def test_a_booked_worker_sees_the_full_phone(self, client, personas, movers):
        worker = make_worker(personas.coordinator_a, personas.station_a)
        client.force_login(worker.user)
        url = reverse("gigs:detail", args=[movers.code])
        assert "13900000005" not in client.get(url).content.decode()
        booking.claim(Shift.objects.get(gig=movers), actor=worker.user)
        assert "13900000005" in client.get(url).content.decode()

    def test_drafts_are_404_to_the_public_and_visible_to_their_managers(self, client, personas, employer):
        draft = services.save_draft(actor=personas.employer, employer=employer, data=gig_data(employer.town))
        url = reverse("gigs:detail", args=[draft.code])
        assert client.get(url).status_code == 404
        client.force_login(personas.outsider)
        assert client.get(url).status_code == 404
        client.force_login(personas.employer)
        page = client.get(url).content.decode()
        assert "当前未公开" in page and "13900000005" in page

    def test_closed_gig_leaves_the_public(self, client, personas, cleaning):
        services.close(cleaning, actor=personas.employer)
        assert client.get(reverse("gigs:detail", args=[cleaning.code])).status_code == 404
        assert "写字楼保洁" not in client.get(BROWSE).content.decode()


class TestApi:
    def test_list_with_filters_and_masked_contact(self, client, cleaning, movers):
        body = client.get(API).json()
        assert body["count"] == 2 and body["page_size"] == 20
        item = next(i for i in body["items"] if i["code"] == cleaning.code)
        assert item["contact_phone"] == "139****0005" and item["settlement_label"] == "日结"
        assert item["employer"]["credit_level"] == "良好" and item["next_shift"]["places_left"] == 3
        assert item["url"] == f"/gigs/{cleaning.code}/"
        assert [i["code"] for i in client.get(API, {"q": "xzl"}).json()["items"]] == [cleaning.code]
        assert [i["code"] for i in client.get(API, {"town": "小榄"}).json()["items"]] == [movers.code]
        assert [i["code"] for i in client.get(API, {"settlement": "daily"}).json()["items"]] == [
            cleaning.code
        ]
        assert [i["code"] for i in client.get(API, {"instant": "true"}).json()["items"]] == [movers.code]
        assert client.get(API, {"pay_min": "25"}).json()["count"] == 1
        assert client.get(API, {"date": "tomorrow"}).json()["count"] == 2
        assert client.get(API, {"category": "4-02"}).json()["count"] == 1

    def test_near_sorts_by_distance_with_minutes(self, client, cleaning, movers):
        body = client.get(API, {"near": "22.675,113.2456", "within_minutes": 30, "mode": "ebike"}).json()
        assert [i["code"] for i in body["items"]] == [movers.code]
        assert body["items"][0]["distance_m"] < 300 and body["items"][0]["minutes"] < 2

    @pytest.mark.parametrize(
        "params, word",
        [
            ({"mode": "plane"}, "参数无效"),
            ({"date": "yesterday"}, "参数无效"),
            ({"page": "0"}, "参数无效"),
            ({"pay_min": "abc"}, "参数无效"),
            ({"category": "4-1"}, "参数无效"),
            ({"near": "abc"}, "纬度"),
            ({"town": "火星"}, "镇街"),
            ({"within_minutes": "15"}, "定位"),
            ({"sort": "distance"}, "定位"),
        ],
    )
    def test_bad_parameters_are_422_in_chinese(self, client, cleaning, params, word):
        response = client.get(API, params)
        assert response.status_code == 422 and word in response.json()["detail"]

    def test_detail_masks_the_phone_and_hides_drafts(self, client, personas, employer, cleaning):
        body = client.get(f"{API}/{cleaning.code}").json()
        assert body["contact_phone"] == "139****0005" and body["status"] == "open"
        assert body["description"].startswith("负责写字楼") and len(body["shifts"]) == 1
        manager = client.get(f"{API}/{cleaning.code}", headers=bearer(personas.employer)).json()
        assert manager["contact_phone"] == "13900000005"
        draft = services.save_draft(actor=personas.employer, employer=employer, data=gig_data(employer.town))
        assert client.get(f"{API}/{draft.code}").status_code == 404
        assert client.get(f"{API}/{draft.code}", headers=bearer(personas.outsider)).status_code == 404
        shown = client.get(f"{API}/{draft.code}", headers=bearer(personas.employer))
        assert shown.status_code == 200 and shown.json()["status"] == "draft"

    def test_full_gigs_leave_the_list(self, client, personas, movers):
        worker = make_worker(personas.coordinator_a, personas.station_a)
        booking.claim(Shift.objects.get(gig=movers), actor=worker.user)
        assert client.get(API, {"town": "小榄"}).json()["items"][0]["next_shift"]["places_left"] == 2
        Shift.objects.filter(gig=movers).update(booked=3)
        assert client.get(API, {"town": "小榄"}).json()["count"] == 0
