"""Training pages and API: the permission matrix, the pages' own flows, and the API (incl. routing)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lingong.gigs.tests.factories import make_worker
from lingong.ledger.models import LedgerEntry
from lingong.training.models import Course, Referral
from lingong.training.services import refer

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
# {W} worker of station A (小榄), {B} walk-in of station B (东区), {C} an open 小榄 course of the city office,
# {D} a draft course of 东区, {E} the entrepreneurship course, {R} a referral of {W} to {C}.
MATRIX = [
    ("get", "/training/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/training/?kind=free&town=小榄&q=护理", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/training/shortages/?town=东区", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/training/c/{C}/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/training/c/{D}/", [404, 404, 404, 404, 404, 200, 200]),
    ("get", "/training/mine/", [302, 200, 404, 404, 404, 404, 404]),
    ("get", "/training/desk/", [302, 403, 403, 403, 200, 200, 200]),
    ("get", "/training/desk/?q=13900000004", [302, 403, 403, 403, 200, 200, 200]),
    ("get", "/training/new/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/training/c/{C}/edit/", [302, 403, 403, 403, 403, 404, 200]),
    ("get", "/training/c/{D}/edit/", [302, 403, 403, 403, 403, 200, 200]),
    ("post", "/training/c/{D}/edit/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/training/refer/{W}/", [302, 403, 403, 403, 200, 404, 200]),
    ("get", "/training/refer/{B}/", [302, 403, 403, 403, 404, 200, 200]),
    ("post", "/training/refer/{W}/", [302, 403, 403, 403, 200, 404, 200]),
    ("get", "/training/r/{R}/", [302, 200, 404, 404, 200, 404, 200]),
    ("post", "/training/r/{R}/", [302, 200, 404, 404, 200, 404, 200]),
    ("post", "/training/c/{E}/request/", [302, 302, 404, 404, 404, 404, 404]),
    ("get", "/api/v1/training/courses", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/training/courses?kind=nonsense", [422, 422, 422, 422, 422, 422, 422]),
    ("get", "/api/v1/training/shortages?town=东区", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/training/shortages?town=火星", [422, 422, 422, 422, 422, 422, 422]),
    ("get", "/api/v1/workers/me/training-recommendations", [401, 200, 404, 404, 404, 404, 404]),
]


def test_permission_matrix(client, world):
    referral = refer(actor=world.coordinator_a, worker=world.worker, course=world.courses["care"])
    codes = {
        "W": world.worker.code,
        "B": world.walk_in_b.code,
        "C": world.courses["care"].code,
        "D": world.courses["draft_b"].code,
        "E": world.courses["entre"].code,
        "R": referral.code,
    }
    wrong = []
    for method, template, expected in MATRIX:
        url = template.format(**codes)
        for role, want in zip(ROLES, expected, strict=True):
            client.logout()
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            # An empty POST is refused by permission first; for permitted roles it re-renders (200) or, for
            # the worker's one-tap request, redirects.
            got = getattr(client, method)(url).status_code
            if got != want:
                wrong.append(f"{method.upper()} {url} as {role}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_coordinator_refers_from_the_desk_and_the_worker_signs_up(client, world):
    client.force_login(world.coordinator_a)
    page = client.get("/training/desk/", {"q": "13900000004"})
    assert world.worker.code in page.content.decode()
    page = client.get(f"/training/refer/{world.worker.code}/")
    assert "保洁员技能提升班" in page.content.decode() and "您会做“保洁员”" in page.content.decode()
    clean = world.courses["clean"]
    response = client.post(f"/training/refer/{world.worker.code}/", {"course": clean.code, "note": "周末班"})
    referral = Referral.objects.get(worker=world.worker, course=clean)
    assert response.status_code == 302 and response["Location"] == f"/training/r/{referral.code}/"
    assert referral.reasons[0].startswith("您会做“保洁员”") and referral.note == "周末班"
    assert LedgerEntry.objects.filter(ref=referral.code, service="training").count() == 1
    # Referring again is refused with a message and nothing new is saved.
    again = client.post(f"/training/refer/{world.worker.code}/", {"course": clean.code})
    assert again.status_code == 200 and "已经推荐过这门课程了" in again.content.decode()
    assert Referral.objects.filter(worker=world.worker).count() == 1

    client.force_login(world.worker_user)
    mine = client.get("/training/mine/").content.decode()
    assert "保洁员技能提升班" in mine and 'aria-current="step"' in mine
    page = client.get(f"/training/r/{referral.code}/").content.decode()
    assert "我要报名" in page and "不去了" in page and "改为：在训" not in page
    client.post(f"/training/r/{referral.code}/", {"status": "enrolled"})
    referral.refresh_from_db()
    assert referral.status == "enrolled"
    refused = client.post(f"/training/r/{referral.code}/", {"status": "training"})
    assert refused.status_code == 403
    bad = client.post(f"/training/r/{referral.code}/", {"status": "certified"})
    assert bad.status_code == 200 and "不能直接改为" in bad.content.decode()


def test_town_admin_publishes_a_course_through_the_form(client, world):
    client.force_login(world.town_admin_b)
    form = {
        "title": "家政服务员（初级）",
        "occupation": "4-10-01-06",
        "provider": "东区职业培训中心",
        "starts_on": "2030-01-10",
        "ends_on": "2030-01-05",
        "town": world.station_b.town.pk,
        "address": "东区文化站二楼",
        "fee": "800",
        "subsidy": "800",
        "capacity": "20",
        "status": "open",
    }
    response = client.post("/training/new/", form)
    assert response.status_code == 200 and "结业日期不能早于开班日期" in response.content.decode()
    assert not Course.objects.filter(title="家政服务员（初级）").exists()
    response = client.post("/training/new/", dict(form, ends_on="2030-02-10"))
    course = Course.objects.get(title="家政服务员（初级）")
    assert response["Location"] == f"/training/c/{course.code}/" and course.town == world.station_b.town


def test_api_courses_shortages_and_my_recommendations(client, world):
    body = client.get("/api/v1/training/courses", {"town": "小榄"}).json()
    titles = {c["title"] for c in body["items"]}
    assert titles == {"养老护理员（初级）培训班", "保洁员技能提升班", "SYB 创业培训"}, "drafts are not public"
    care = next(c for c in body["items"] if c["title"] == "养老护理员（初级）培训班")
    assert (
        care["places_left"] == 2
        and care["cost"] == "培训费 1800 元，全部可以申请补贴"
        and care["town"] == "小榄镇"
    )
    assert client.get("/api/v1/training/courses", {"kind": "entrepreneurship"}).json()["count"] == 1
    bad = client.get("/api/v1/training/shortages", {"town": "火星"})
    assert bad.status_code == 422 and "找不到镇街“火星”" in bad.json()["detail"]
    assert client.get("/api/v1/training/shortages").json() == {"area": "全市", "items": []}

    # The path has three segments: the workers router's /workers/{code} must not answer it.
    client.force_login(world.worker_user)
    recs = client.get("/api/v1/workers/me/training-recommendations")
    assert recs.status_code == 200
    items = recs.json()["items"]
    assert [i["course"]["title"] for i in items] == ["保洁员技能提升班"]
    assert "您会做“保洁员”" in items[0]["reasons"][0]
    assert client.get("/api/v1/workers/me/training-recommendations", {"limit": 0}).status_code == 422


def test_list_pages_do_not_query_per_row(client, world):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(world.coordinator_a)
    refer(actor=world.coordinator_a, worker=world.worker, course=world.courses["care"])
    one = (queries("/training/desk/"), queries("/training/"), queries("/api/v1/training/courses"))
    for name in ("周阿姨", "吴阿姨", "郑阿姨", "王阿姨"):
        other = make_worker(world.coordinator_a, world.station_a, name=name)
        refer(actor=world.coordinator_a, worker=other, course=world.courses["clean"])
    many = (queries("/training/desk/"), queries("/training/"), queries("/api/v1/training/courses"))
    assert many == one
