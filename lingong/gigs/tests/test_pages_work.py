"""Worker pages: apply and claim on the gig page, 我的零工, the check-in page, and the published rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lingong.catalog.models import Certificate
from lingong.gigs import attendance, booking, pay, reliability
from lingong.gigs.models import Application, AppStatus, PayRecord, PayStatus, Rating, Shift

from .factories import approved_employer, make_worker, open_gig

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def worker(personas):
    return make_worker(personas.coordinator_a, personas.station_a, name="梁伯")


@pytest.fixture
def gig(personas, employer, catalog):
    return open_gig(personas.employer, employer)


@pytest.fixture
def instant(personas, employer, catalog):
    return open_gig(personas.employer, employer, title="仓库搬运 抢单", booking_mode="instant", headcount=1)


def soon(personas, employer, **overrides):
    """A gig whose only shift starts in half an hour: check-in is open."""
    start = timezone.localtime(timezone.now() + dt.timedelta(minutes=30))
    end = start + dt.timedelta(hours=4)
    shifts = [{"date": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}]
    return open_gig(personas.employer, employer, shifts=shifts, **overrides)


def shift1(gig) -> Shift:
    return gig.shifts.order_by("starts_at", "id").first()


def actions(client, gig, **data):
    return client.post(f"/gigs/{gig.code}/actions/", data)


class TestGigPageActions:
    def test_anonymous_is_asked_to_log_in_and_come_back(self, client, gig):
        page = client.get(f"/gigs/{gig.code}/").content.decode()
        assert "登录后报名" in page and f"next=/gigs/{gig.code}/" in page

    def test_signed_in_non_worker_is_sent_to_registration(self, client, personas, gig):
        client.force_login(personas.outsider)
        page = client.get(f"/gigs/{gig.code}/").content.decode()
        assert "去求职登记" in page and "/workers/register/" in page

    def test_worker_applies_and_sees_the_status(self, client, gig, worker):
        client.force_login(worker.user)
        page = client.get(f"/gigs/{gig.code}/").content.decode()
        assert 'value="apply"' in page and "报名" in page and "抢单" not in page
        response = actions(client, gig, action="apply", shift="1")
        assert response.status_code == 302 and response["Location"] == f"/gigs/{gig.code}/"
        app = Application.objects.get(worker=worker)
        assert app.status == AppStatus.APPLIED
        page = client.get(f"/gigs/{gig.code}/").content.decode()
        assert "已报名，等用工方确认" in page and "撤回报名" in page

    def test_htmx_apply_returns_the_box(self, client, gig, worker):
        client.force_login(worker.user)
        response = client.post(
            f"/gigs/{gig.code}/actions/", {"action": "apply", "shift": "1"}, headers={"HX-Request": "true"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="gig-take"' in page and "<html" not in page and "已报名" in page

    def test_second_apply_is_refused_in_words(self, client, gig, worker):
        client.force_login(worker.user)
        actions(client, gig, action="apply", shift="1")
        response = client.post(
            f"/gigs/{gig.code}/actions/", {"action": "apply", "shift": "1"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 400 and "不用重复操作" in response.content.decode()

    def test_bad_shift_number_is_404(self, client, gig, worker):
        client.force_login(worker.user)
        for raw in ("0", "9", "x", ""):
            assert actions(client, gig, action="apply", shift=raw).status_code == 404

    def test_eligibility_problems_in_plain_words(self, client, personas, employer, worker, catalog):
        cert = Certificate.objects.get(code="TZ-1.2")
        gig = open_gig(personas.employer, employer, certificates=[cert.code], title="电工 日结")
        client.force_login(worker.user)
        page = client.get(f"/gigs/{gig.code}/").content.decode()
        assert f"该岗位需要持有{cert.name}" in page and 'value="apply"' not in page

    def test_claim_books_at_once(self, client, instant, worker):
        client.force_login(worker.user)
        page = client.get(f"/gigs/{instant.code}/").content.decode()
        assert 'value="claim"' in page and "抢单" in page
        actions(client, instant, action="claim", shift="1")
        assert Application.objects.get(worker=worker).status == AppStatus.BOOKED
        assert "抢单成功" in client.get(f"/gigs/{instant.code}/").content.decode()

    def test_claim_when_full_says_so(self, client, personas, instant, worker):
        other = make_worker(personas.coordinator_a, personas.station_a, name="何姨")
        client.force_login(worker.user)
        page = client.get(f"/gigs/{instant.code}/").content.decode()  # the button is still there
        assert 'value="claim"' in page
        booking.claim(shift1(instant), actor=other.user)  # someone else was faster
        response = client.post(
            f"/gigs/{instant.code}/actions/",
            {"action": "claim", "shift": "1"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 409 and "已招满" in response.content.decode()
        response = actions(client, instant, action="claim", shift="1")
        assert "已招满" in client.get(response["Location"]).content.decode()
        assert not Application.objects.filter(worker=worker).exists()

    def test_offer_then_accept_on_the_gig_page(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        booking.offer(app, actor=personas.employer)
        client.force_login(worker.user)
        page = client.get(f"/gigs/{gig.code}/").content.decode()
        assert "用工方愿意录用您" in page and 'value="accept"' in page
        actions(client, gig, action="accept", app=app.code)
        app.refresh_from_db()
        assert app.status == AppStatus.BOOKED

    def test_cannot_act_on_someone_elses_application(self, client, personas, gig, worker):
        other = make_worker(personas.coordinator_a, personas.station_a, name="何姨")
        app = booking.apply(shift1(gig), actor=other.user)
        client.force_login(worker.user)
        assert actions(client, gig, action="withdraw", app=app.code).status_code == 404
        app.refresh_from_db()
        assert app.status == AppStatus.APPLIED

    def test_get_without_htmx_is_a_whole_page(self, client, gig, worker):
        client.force_login(worker.user)
        page = client.get(f"/gigs/{gig.code}/actions/").content.decode()
        assert "<html" in page and 'id="gig-take"' in page


class TestMyGigs:
    def test_needs_a_worker_registration(self, client, personas):
        client.force_login(personas.outsider)
        response = client.get("/gigs/me/")
        assert response.status_code == 302 and response["Location"] == "/workers/register/"

    def test_groups_and_next_actions(self, client, personas, employer, gig, worker):
        # Two days ahead, so the free-cancellation deadline is still ahead at any time of day.
        day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
        shifts = [{"date": day, "start": "08:00", "end": "17:00"}]
        instant = open_gig(
            personas.employer,
            employer,
            title="仓库搬运 抢单",
            booking_mode="instant",
            headcount=1,
            shifts=shifts,
        )
        invited = booking.invite(shift1(gig), worker, actor=personas.employer)
        booked = booking.claim(shift1(instant), actor=worker.user)
        client.force_login(worker.user)
        page = client.get("/gigs/me/").content.decode()
        assert "待确认" in page and "用工方邀请您来做" in page and f'value="{invited.code}"' in page
        assert "已录用" in page and "13900000005" in page and instant.address in page
        free_until = timezone.localtime(
            shift1(instant).starts_at - dt.timedelta(hours=booking.CANCEL_FREE_HOURS)
        )
        assert f"{free_until:%H:%M} 前可以免费取消" in page
        assert "我的可靠度" in page and reliability.EXPLANATION in page and "暂无记录" in page
        assert booked.code in page

    def test_accept_and_decline(self, client, personas, gig, worker):
        app = booking.invite(shift1(gig), worker, actor=personas.employer)
        client.force_login(worker.user)
        response = client.post("/gigs/me/", {"app": app.code, "action": "accept"})
        assert response.status_code == 302
        app.refresh_from_db()
        assert app.status == AppStatus.BOOKED

    def test_cancel_a_booking_over_htmx(self, client, instant, worker):
        app = booking.claim(shift1(instant), actor=worker.user)
        client.force_login(worker.user)
        response = client.post(
            "/gigs/me/",
            {"app": app.code, "action": "cancel", "reason": "家里有事"},
            headers={"HX-Request": "true", "HX-Target": "my-gigs"},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "<html" not in page and "已取消这个班次" in page
        app.refresh_from_db()
        assert app.status == AppStatus.CANCELLED and app.cancel_reason == "家里有事"

    def test_someone_elses_application_is_404(self, client, personas, instant, worker):
        other = make_worker(personas.coordinator_a, personas.station_a, name="何姨")
        app = booking.claim(shift1(instant), actor=other.user)
        client.force_login(worker.user)
        assert client.post("/gigs/me/", {"app": app.code, "action": "cancel"}).status_code == 404
        client.force_login(personas.employer)  # the employer manages it but is not the worker
        assert client.post("/gigs/me/", {"app": app.code, "action": "cancel"}).status_code == 302

    def test_confirm_pay(self, client, personas, instant, worker):
        app = booking.claim(shift1(instant), actor=worker.user)
        attendance.check_out(app, actor=personas.employer, method="manual", now=app.shift.ends_at)
        pay.record_pay(app, actor=personas.employer, amount="180", method="wechat")
        client.force_login(worker.user)
        page = client.get("/gigs/me/").content.decode()
        assert "用工方说已付" in page and "180" in page and "确认收到" in page
        client.post("/gigs/me/", {"app": app.code, "action": "confirm_pay"})
        assert PayRecord.objects.get(application=app).status == PayStatus.CONFIRMED

    def test_dispute_pay_needs_a_reason(self, client, personas, instant, worker):
        app = booking.claim(shift1(instant), actor=worker.user)
        attendance.check_out(app, actor=personas.employer, method="manual", now=app.shift.ends_at)
        pay.record_pay(app, actor=personas.employer, amount="150", method="cash")
        client.force_login(worker.user)
        response = client.post("/gigs/me/", {"app": app.code, "action": "dispute_pay", "reason": ""})
        assert response.status_code == 400 and "请说明哪里不对" in response.content.decode()
        client.post("/gigs/me/", {"app": app.code, "action": "dispute_pay", "reason": "约定180只收到150"})
        page = client.get("/gigs/me/").content.decode()
        assert "您已提出异议：约定180只收到150" in page

    def test_rate_the_employer(self, client, personas, instant, worker):
        app = booking.claim(shift1(instant), actor=worker.user)
        attendance.check_out(app, actor=personas.employer, method="manual", now=app.shift.ends_at)
        client.force_login(worker.user)
        page = client.get("/gigs/me/").content.decode()
        assert "待评价" in page and "等用工方登记工资" in page
        response = client.post("/gigs/me/", {"app": app.code, "action": "rate", "stars": "9"})
        assert response.status_code == 400 and "请选择 1 到 5 颗星" in response.content.decode()
        client.post("/gigs/me/", {"app": app.code, "action": "rate", "stars": "5", "comment": "老板很好"})
        rating = Rating.objects.get(application=app)
        assert rating.stars == 5 and rating.side == "worker"
        pay.record_pay(app, actor=personas.employer, amount="180", method="cash")
        pay.confirm_pay(app, actor=worker.user)
        page = client.get("/gigs/me/").content.decode()
        assert "历史记录" in page and "180.00 元（已确认）" in page and "待评价" not in page
        employer = instant.employer
        employer.refresh_from_db()
        assert employer.rating_count == 1

    def test_query_count_does_not_grow_with_applications(self, client, personas, employer, worker, catalog):
        client.force_login(worker.user)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/gigs/me/").status_code == 200
            return len(ctx)

        first = open_gig(personas.employer, employer, booking_mode="instant")
        booking.claim(shift1(first), actor=worker.user)
        one = count()
        for n in range(4):
            day = (timezone.localdate() + dt.timedelta(days=n + 2)).isoformat()
            g = open_gig(
                personas.employer,
                employer,
                booking_mode="instant" if n % 2 else "choose",
                shifts=[{"date": day, "start": "08:00", "end": "17:00"}],
            )
            if n % 2:
                booking.claim(shift1(g), actor=worker.user)
            else:
                booking.apply(shift1(g), actor=worker.user)
        assert count() == one


class TestCheckIn:
    def test_anonymous_goes_to_login_and_back(self, client, personas, employer, catalog):
        g = soon(personas, employer)
        token = attendance.qr_token(shift1(g))
        response = client.get(f"/gigs/checkin/{g.code}/1/?t={token}")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"] and token in response["Location"]

    def test_qr_check_in_and_out(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        app = booking.claim(shift1(g), actor=worker.user)
        token = attendance.qr_token(shift1(g))
        url = f"/gigs/checkin/{g.code}/1/?t={token}"
        client.force_login(worker.user)
        page = client.get(url).content.decode()
        assert ">签到</button>" in page and "用定位签到" in page
        response = client.post(url, {"t": token, "method": "qr", "action": "in"})
        assert response.status_code == 302
        app.refresh_from_db()
        assert app.checked_in_at is not None and app.check_in_method == "qr"
        page = client.get(response["Location"]).content.decode()
        assert "签到成功" in page and ">签退</button>" in page
        client.post(url, {"t": token, "method": "qr", "action": "out"})
        app.refresh_from_db()
        assert app.status == AppStatus.COMPLETED

    def test_wrong_token_is_explained(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        app = booking.claim(shift1(g), actor=worker.user)
        client.force_login(worker.user)
        url = f"/gigs/checkin/{g.code}/1/?t=0000000000"
        response = client.post(url, {"t": "0000000000", "method": "qr", "action": "in"})
        assert response.status_code == 400 and "二维码已过期" in response.content.decode()
        app.refresh_from_db()
        assert app.checked_in_at is None

    def test_location_check_in_checks_the_distance(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        app = booking.claim(shift1(g), actor=worker.user)
        client.force_login(worker.user)
        url = f"/gigs/checkin/{g.code}/1/"
        response = client.post(url, {"method": "location", "action": "in", "lat": "22.60", "lng": "113.30"})
        assert (
            response.status_code == 400
            and f"需在 {attendance.CHECKIN_RADIUS_M} 米内" in response.content.decode()
        )
        client.post(url, {"method": "location", "action": "in", "lat": str(g.lat), "lng": str(g.lng)})
        app.refresh_from_db()
        assert app.check_in_method == "location"

    def test_someone_not_booked_cannot_check_in(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer)
        token = attendance.qr_token(shift1(g))
        client.force_login(worker.user)
        response = client.get(f"/gigs/checkin/{g.code}/1/?t={token}")
        assert response.status_code == 404 and "您没有被录用到这个班次" in response.content.decode()
        assert client.get(f"/gigs/checkin/{g.code}/7/").status_code == 404
        assert client.get("/gigs/checkin/NOPE/1/").status_code == 404
        response = client.post(f"/gigs/checkin/{g.code}/1/", {"method": "qr", "action": "in", "t": token})
        assert response.status_code == 404

    def test_unknown_method_is_refused(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        booking.claim(shift1(g), actor=worker.user)
        client.force_login(worker.user)
        response = client.post(f"/gigs/checkin/{g.code}/1/", {"method": "manual", "action": "in"})
        assert response.status_code == 404


def test_rules_page_renders_the_constants(client):
    page = client.get("/gigs/rules/").content.decode()
    text = re.sub(r"<[^>]+>", "", page)
    assert f"开工前 {booking.CANCEL_FREE_HOURS} 小时以前" in text
    assert f"{attendance.CHECKIN_RADIUS_M} 米" in text and f"每 {attendance.QR_STEP_SECONDS} 秒" in text
    assert f"晚于开工 {reliability.LATE_GRACE_MINUTES} 分钟" in text
    assert f"最近 {reliability.WINDOW_DAYS} 天" in text and reliability.EXPLANATION in text
    assert f"{int(attendance.EARLY_CHECKIN.total_seconds() // 60)} 分钟" in text
    assert "确认收到" in text and "疑似欠薪" in text
