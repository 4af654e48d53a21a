"""Employer pages: my gigs, one gig's applicants, attendance with the QR code, pay and ratings."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lingong.gigs import attendance, booking, pay
from lingong.gigs.models import Application, AppStatus, Gig, GigStatus, PayRecord, PayStatus, Rating, Shift
from lingong.workers.models import Worker

from .factories import approved_employer, make_worker, open_gig

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def worker(personas):
    return make_worker(personas.coordinator_a, personas.station_a, name="梁志强")


@pytest.fixture
def gig(personas, employer, catalog):
    return open_gig(personas.employer, employer)


def soon(personas, employer, **overrides) -> Gig:
    """A gig whose only shift starts in half an hour: check-in is open."""
    start = timezone.localtime(timezone.now() + dt.timedelta(minutes=30))
    end = start + dt.timedelta(hours=4)
    shifts = [{"date": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}]
    return open_gig(personas.employer, employer, shifts=shifts, **overrides)


def shift1(gig) -> Shift:
    return gig.shifts.order_by("starts_at", "id").first()


HTMX = {"HX-Request": "true"}


class TestAccess:
    def test_anonymous_goes_to_login(self, client, gig):
        for url in ("/gigs/mine/", f"/gigs/{gig.code}/manage/", f"/gigs/{gig.code}/shifts/1/attendance/"):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_outsiders_and_other_staff_get_404(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        urls = [
            f"/gigs/{gig.code}/manage/",
            f"/gigs/{gig.code}/shifts/1/attendance/",
            f"/gigs/{gig.code}/bookings/{app.code}/",
            f"/gigs/{gig.code}/edit/",
            f"/gigs/{gig.code}/posted/",
        ]
        for user in (personas.outsider, personas.worker, personas.coordinator_a, worker.user):
            client.force_login(user)
            for url in urls:
                assert client.get(url).status_code == 404, (user, url)
            response = client.post(f"/gigs/{gig.code}/manage/", {"app": app.code, "action": "offer"})
            assert response.status_code == 404
        app.refresh_from_db()
        assert app.status == AppStatus.APPLIED

    def test_town_staff_in_scope_may_manage(self, client, personas, gig):
        client.force_login(personas.town_admin_b)  # 东区, the gig's town
        assert client.get(f"/gigs/{gig.code}/manage/").status_code == 200

    def test_unknown_shift_number_is_404(self, client, personas, gig):
        client.force_login(personas.employer)
        for n in (0, 2, 99):
            assert client.get(f"/gigs/{gig.code}/shifts/{n}/attendance/").status_code == 404

    def test_get_only_for_reads(self, client, personas, gig):
        client.force_login(personas.employer)
        assert client.put(f"/gigs/{gig.code}/manage/").status_code == 405


class TestMine:
    def test_lists_by_status_with_counts(self, client, personas, employer, gig, worker, catalog):
        booking.apply(shift1(gig), actor=worker.user)
        other = make_worker(personas.coordinator_a, personas.station_a, name="何秀英")
        booking.accept(booking.invite(shift1(gig), other, actor=personas.employer), actor=other.user)
        closed = open_gig(personas.employer, employer, title="已满的搬运")
        client.force_login(personas.employer)
        client.post(f"/gigs/{closed.code}/manage/", {"action": "close"})
        page = client.get("/gigs/mine/").content.decode()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert gig.title in page and "已满的搬运" in page
        assert "报名 1 · 已录用 1 · 人数 3" in text
        assert "招聘中 1" in text and "已结束 1" in text
        page = client.get("/gigs/mine/?status=closed").content.decode()
        assert "已满的搬运" in page and gig.title not in page
        assert client.get("/gigs/mine/?status=bogus&page=x").status_code == 200

    def test_query_count_does_not_grow_with_gigs(self, client, personas, employer, worker, catalog):
        client.force_login(personas.employer)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/gigs/mine/").status_code == 200
            return len(ctx)

        first = open_gig(personas.employer, employer)
        booking.apply(shift1(first), actor=worker.user)
        one = count()
        for n in range(5):
            g = open_gig(personas.employer, employer, title=f"保洁 {n}")
            booking.apply(shift1(g), actor=worker.user)
        assert count() == one


class TestApplicants:
    def test_applicants_are_masked_and_priority_shown_without_details(self, client, personas, gig, worker):
        Worker.objects.filter(pk=worker.pk).update(tier=2, tier_reason="就业困难人员：残疾人")
        booking.apply(shift1(gig), actor=worker.user, note="会用洗地机")
        client.force_login(personas.employer)
        page = client.get(f"/gigs/{gig.code}/manage/").content.decode()
        assert "梁*强" in page and "梁志强" not in page
        assert "优先帮扶对象" in page and "残疾" not in page and "就业困难人员" not in page
        assert worker.id_masked not in page and worker.user.phone not in page
        assert "暂无记录" in page and "会用洗地机" in page
        assert "style=" not in page and "<script>" not in page

    def test_offer_over_htmx_returns_the_shift_block(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        client.force_login(personas.employer)
        response = client.post(
            f"/gigs/{gig.code}/manage/",
            {"app": app.code, "action": "offer"},
            headers={**HTMX, "HX-Target": "shift-1"},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "<html" not in page and 'id="shift-1"' in page
        assert "已向 梁*强 发出录用" in page
        app.refresh_from_db()
        assert app.status == AppStatus.OFFERED

    def test_phone_only_after_booking(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        booking.offer(app, actor=personas.employer)
        client.force_login(personas.employer)
        assert worker.user.phone not in client.get(f"/gigs/{gig.code}/manage/").content.decode()
        booking.accept(app, actor=worker.user)
        assert worker.user.phone in client.get(f"/gigs/{gig.code}/manage/").content.decode()

    def test_reject(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        client.force_login(personas.employer)
        response = client.post(f"/gigs/{gig.code}/manage/", {"app": app.code, "action": "reject"})
        assert response.status_code == 302 and response["Location"].endswith("#shift-1")
        app.refresh_from_db()
        assert app.status == AppStatus.REJECTED

    def test_cancel_needs_a_reason_next_to_the_field(self, client, personas, gig, worker):
        app = booking.accept(booking.invite(shift1(gig), worker, actor=personas.employer), actor=worker.user)
        client.force_login(personas.employer)
        response = client.post(
            f"/gigs/{gig.code}/manage/", {"app": app.code, "action": "cancel", "reason": ""}
        )
        page = response.content.decode()
        assert response.status_code == 400 and "请写明取消原因" in page
        assert re.search(rf'id="reason-{app.code}".*?请写明取消原因', page, re.S)
        client.post(f"/gigs/{gig.code}/manage/", {"app": app.code, "action": "cancel", "reason": "活动取消"})
        app.refresh_from_db()
        assert app.status == AppStatus.CANCELLED and app.cancelled_by == "employer"

    def test_offer_on_a_full_shift_says_so(self, client, personas, employer, worker, catalog):
        g = open_gig(personas.employer, employer, headcount=1)
        other = make_worker(personas.coordinator_a, personas.station_a, name="何秀英")
        app = booking.apply(shift1(g), actor=worker.user)
        booking.accept(booking.invite(shift1(g), other, actor=personas.employer), actor=other.user)
        client.force_login(personas.employer)
        response = client.post(f"/gigs/{g.code}/manage/", {"app": app.code, "action": "offer"})
        assert response.status_code == 409 and "已招满" in response.content.decode()

    def test_unknown_action_is_404(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        client.force_login(personas.employer)
        assert client.post(f"/gigs/{gig.code}/manage/", {"app": app.code, "action": "x"}).status_code == 404
        assert client.post(f"/gigs/{gig.code}/manage/", {"action": "x"}).status_code == 404
        assert client.post(f"/gigs/{gig.code}/manage/", {"app": "nope", "action": "offer"}).status_code == 404


class TestGigActions:
    def test_close(self, client, personas, gig):
        client.force_login(personas.employer)
        client.post(f"/gigs/{gig.code}/manage/", {"action": "close"})
        gig.refresh_from_db()
        assert gig.status == GigStatus.CLOSED

    def test_cancel_with_reason(self, client, personas, gig, worker):
        app = booking.apply(shift1(gig), actor=worker.user)
        client.force_login(personas.employer)
        response = client.post(f"/gigs/{gig.code}/manage/", {"action": "cancel", "reason": ""})
        assert response.status_code == 400 and "请写明取消原因" in response.content.decode()
        client.post(f"/gigs/{gig.code}/manage/", {"action": "cancel", "reason": "客户取消了活动"})
        gig.refresh_from_db()
        app.refresh_from_db()
        assert gig.status == GigStatus.CANCELLED and app.status == AppStatus.CANCELLED

    def test_edit_link_only_before_anyone_applies(self, client, personas, gig, worker):
        client.force_login(personas.employer)
        assert f"/gigs/{gig.code}/edit/" in client.get(f"/gigs/{gig.code}/manage/").content.decode()
        booking.apply(shift1(gig), actor=worker.user)
        assert f"/gigs/{gig.code}/edit/" not in client.get(f"/gigs/{gig.code}/manage/").content.decode()
        response = client.get(f"/gigs/{gig.code}/edit/")
        assert response.status_code == 302 and response["Location"] == f"/gigs/{gig.code}/manage/"


class TestAttendance:
    def test_qr_code_encodes_the_check_in_address_and_refreshes(self, client, personas, employer, catalog):
        g = soon(personas, employer)
        client.force_login(personas.employer)
        page = client.get(f"/gigs/{g.code}/shifts/1/attendance/").content.decode()
        token = attendance.qr_token(shift1(g))
        assert f'data-checkin-url="http://testserver/gigs/checkin/{g.code}/1/?t={token}"' in page
        assert 'hx-trigger="every 30s"' in page and "<svg" in page and "扫码签到" in page
        assert "style=" not in page and "<script>" not in page
        partial = client.get(
            f"/gigs/{g.code}/shifts/1/attendance/", headers={**HTMX, "HX-Target": "checkin-qr"}
        ).content.decode()
        assert partial.lstrip().startswith('<figure id="checkin-qr"') and "<html" not in partial

    def test_worker_checks_in_through_the_qr_link(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        app = booking.claim(shift1(g), actor=worker.user)
        client.force_login(personas.employer)
        page = client.get(f"/gigs/{g.code}/shifts/1/attendance/").content.decode()
        found = re.search(r'data-checkin-url="http://testserver([^"]+)"', page)
        assert found is not None
        url = found.group(1).replace("&amp;", "&")
        client.force_login(worker.user)
        token = url.split("t=")[1]
        client.post(url, {"t": token, "method": "qr", "action": "in"})
        app.refresh_from_db()
        assert app.checked_in_at is not None
        client.force_login(personas.employer)
        page = client.get(f"/gigs/{g.code}/shifts/1/attendance/").content.decode()
        assert f"签到 {timezone.localtime(app.checked_in_at):%H:%M}（扫码）" in page and "准时" in page

    def test_manual_confirm_and_finish(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        app = booking.claim(shift1(g), actor=worker.user)
        client.force_login(personas.employer)
        url = f"/gigs/{g.code}/shifts/1/attendance/"
        response = client.post(url, {"app": app.code, "action": "arrive"})
        assert response.status_code == 302
        app.refresh_from_db()
        assert app.check_in_method == "manual"
        response = client.post(
            url, {"app": app.code, "action": "finish"}, headers={**HTMX, "HX-Target": "attendance-rows"}
        )
        page = response.content.decode()
        assert response.status_code == 200 and "<html" not in page and "请登记工资" in page
        app.refresh_from_db()
        assert app.status == AppStatus.COMPLETED
        assert f"/gigs/{g.code}/bookings/{app.code}/" in page

    def test_no_show_too_early_is_explained(self, client, personas, employer, worker, catalog):
        g = soon(personas, employer, booking_mode="instant")
        app = booking.claim(shift1(g), actor=worker.user)
        client.force_login(personas.employer)
        url = f"/gigs/{g.code}/shifts/1/attendance/"
        response = client.post(url, {"app": app.code, "action": "no_show"})
        assert response.status_code == 400 and "开工 30 分钟后才能标记未到岗" in response.content.decode()
        # Later in the day: the shift started an hour ago.
        Shift.objects.filter(pk=app.shift_id).update(starts_at=timezone.now() - dt.timedelta(hours=1))
        client.post(url, {"app": app.code, "action": "no_show"})
        app.refresh_from_db()
        assert app.status == AppStatus.NO_SHOW

    def test_other_shift_application_is_404(self, client, personas, employer, gig, worker, catalog):
        g = soon(personas, employer)
        app = booking.apply(shift1(gig), actor=worker.user)
        client.force_login(personas.employer)
        response = client.post(f"/gigs/{g.code}/shifts/1/attendance/", {"app": app.code, "action": "arrive"})
        assert response.status_code == 404


class TestPayAndRating:
    @pytest.fixture
    def done(self, personas, employer, worker, catalog) -> Application:
        g = open_gig(personas.employer, employer, booking_mode="instant", pay_amount="25", pay_unit="hour")
        app = booking.claim(shift1(g), actor=worker.user)
        return attendance.check_out(app, actor=personas.employer, method="manual", now=app.shift.ends_at)

    def test_pay_is_prefilled_and_recorded(self, client, personas, done):
        url = f"/gigs/{done.gig.code}/bookings/{done.code}/"
        client.force_login(personas.employer)
        page = client.get(url).content.decode()
        assert 'value="225.00"' in page  # 25 元/时 × 9 hours
        response = client.post(url, {"action": "pay", "amount": "abc", "method": "wechat"})
        assert response.status_code == 400 and "请填写实际支付的金额" in response.content.decode()
        response = client.post(url, {"action": "pay", "amount": "225", "method": "wechat", "paid_at": ""})
        assert response.status_code == 302
        record = PayRecord.objects.get(application=done)
        assert record.amount == Decimal("225.00") and record.status == PayStatus.RECORDED
        assert "待确认" in client.get(url).content.decode()

    def test_bad_paid_at_is_marked(self, client, personas, done):
        url = f"/gigs/{done.gig.code}/bookings/{done.code}/"
        client.force_login(personas.employer)
        response = client.post(
            url, {"action": "pay", "amount": "225", "method": "cash", "paid_at": "tomorrow"}
        )
        assert response.status_code == 400 and "支付时间格式不对" in response.content.decode()
        early = {"action": "pay", "amount": "225", "method": "cash", "paid_at": "0001-01-01T00:00"}
        response = client.post(url, early)
        assert response.status_code == 400 and "请核对年份" in response.content.decode()
        future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(url, {"action": "pay", "amount": "225", "method": "cash", "paid_at": future})
        assert response.status_code == 400 and "支付时间不能晚于现在" in response.content.decode()
        assert not PayRecord.objects.exists()

    def test_dispute_then_record_again_then_confirm(self, client, personas, done, worker):
        url = f"/gigs/{done.gig.code}/bookings/{done.code}/"
        pay.record_pay(done, actor=personas.employer, amount="150", method="cash")
        pay.dispute_pay(done, actor=worker.user, reason="约定225只收到150")
        client.force_login(personas.employer)
        page = client.get(url).content.decode()
        assert "有异议" in page and "约定225只收到150" in page and "重新登记工资" in page
        client.post(url, {"action": "pay", "amount": "225", "method": "cash"})
        pay.confirm_pay(done, actor=worker.user)
        page = client.get(url).content.decode()
        assert "已确认" in page and "确认收款" in page and "重新登记工资" not in page

    def test_employer_rates_the_worker_once(self, client, personas, done):
        url = f"/gigs/{done.gig.code}/bookings/{done.code}/"
        client.force_login(personas.employer)
        response = client.post(url, {"action": "rate", "stars": ""})
        assert response.status_code == 400 and "请选择 1 到 5 颗星" in response.content.decode()
        client.post(url, {"action": "rate", "stars": "4", "comment": "干活认真"})
        rating = Rating.objects.get(application=done)
        assert rating.side == "employer" and rating.stars == 4
        page = client.get(url).content.decode()
        assert "已评价：4 星" in page and 'name="stars"' not in page

    def test_not_completed_cannot_be_paid(self, client, personas, gig, worker):
        app = booking.accept(booking.invite(shift1(gig), worker, actor=personas.employer), actor=worker.user)
        url = f"/gigs/{gig.code}/bookings/{app.code}/"
        client.force_login(personas.employer)
        page = client.get(url).content.decode()
        assert "完工后才能登记工资" in page and 'value="pay"' not in page
        response = client.post(url, {"action": "pay", "amount": "180", "method": "cash"})
        assert response.status_code == 400 and "完工后才能登记工资支付" in response.content.decode()
