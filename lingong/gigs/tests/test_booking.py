"""Posting, booking, attendance, pay and ratings through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.catalog.models import Certificate
from lingong.employers.models import Employer
from lingong.gigs import attendance, booking, pay, ratings, reliability, services
from lingong.gigs.models import AppStatus, Gig, PayStatus, Reliability, Shift
from lingong.notify.models import OutboxMessage
from lingong.workers.models import WorkerCertificate

from .factories import approved_employer, gig_data, make_worker, open_gig

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def worker(personas):
    return make_worker(personas.coordinator_a, personas.station_a)


def first_shift(gig: Gig) -> Shift:
    return gig.shifts.order_by("starts_at")[0]


def record_of(worker) -> Reliability:
    return Reliability.objects.get(worker=worker)


class TestPosting:
    def test_clean_posting_is_public_with_shifts(self, personas, employer):
        gig = open_gig(personas.employer, employer)
        assert gig.status == "open" and gig.published_at is not None
        assert Gig.objects.public().filter(pk=gig.pk).exists()
        shift = first_shift(gig)
        assert shift.headcount == 3 and shift.booked == 0
        assert gig.hourly_pay == Decimal("20.00")  # 180 a day over a 9-hour shift
        assert AuditEntry.objects.filter(action="gig.submit", object_id=gig.code).exists()

    def test_unverified_employer_cannot_publish(self, personas):
        pending = Employer.objects.get(pk=next(iter(personas.employer.employer_ids)))
        gig = services.save_draft(actor=personas.employer, employer=pending, data=gig_data(pending.town))
        with pytest.raises(ValidationError, match="尚未通过认证"):
            services.submit(gig, actor=personas.employer)
        assert not Gig.objects.public().exists()

    def test_blocked_posting_saves_nothing(self, personas, employer):
        data = gig_data(employer.town, description="招保洁员，限男性，需交押金200元。")
        with pytest.raises(services.PostingBlocked) as blocked:
            services.post_gig(actor=personas.employer, employer=employer, data=data)
        categories = {f["category"] for f in blocked.value.findings}
        assert {"sex", "fee"} <= categories
        assert not Gig.objects.exists()

    def test_warned_posting_waits_for_staff_review(self, personas, employer):
        data = gig_data(employer.town, description="招保洁员，年龄35岁以下，工具我方提供。")
        gig = services.post_gig(actor=personas.employer, employer=employer, data=data)
        assert gig.status == "review" and not Gig.objects.public().exists()
        assert services.review_queue(personas.town_admin_b).filter(pk=gig.pk).exists()
        assert not services.review_queue(personas.coordinator_a).exists()
        with pytest.raises(ValidationError):
            services.review(gig, actor=personas.town_admin_b, approve=False, note="")
        gig = services.review(gig, actor=personas.town_admin_b, approve=True)
        assert Gig.objects.public().filter(pk=gig.pk).exists()

    def test_bad_fields_get_chinese_errors(self, personas, employer):
        data = gig_data(
            employer.town,
            title="",
            headcount=0,
            pay_amount="-5",
            lat=30.0,
            shifts=[{"date": "x", "start": "8"}],
        )
        with pytest.raises(ValidationError) as err:
            services.save_draft(actor=personas.employer, employer=employer, data=data)
        fields = err.value.message_dict
        assert {"title", "headcount", "pay_amount", "lat", "shifts"} <= set(fields)
        assert not Gig.objects.exists()

    def test_overnight_shift_and_overlap(self, personas, employer):
        day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
        gig = services.save_draft(
            actor=personas.employer,
            employer=employer,
            data=gig_data(employer.town, shifts=[{"date": day, "start": "22:00", "end": "06:00"}]),
        )
        shift = first_shift(gig)
        assert (shift.ends_at - shift.starts_at) == dt.timedelta(hours=8)
        overlapping = [
            {"date": day, "start": "08:00", "end": "12:00"},
            {"date": day, "start": "11:00", "end": "15:00"},
        ]
        with pytest.raises(ValidationError, match="重叠"):
            services.save_draft(
                actor=personas.employer, employer=employer, data=gig_data(employer.town, shifts=overlapping)
            )

    def test_outsider_cannot_post_for_an_employer(self, personas, employer):
        with pytest.raises(PermissionDenied):
            services.save_draft(actor=personas.outsider, employer=employer, data=gig_data(employer.town))

    def test_staff_post_for_a_walk_in_employer(self, personas, employer):
        gig = open_gig(personas.town_admin_b, employer)
        assert gig.created_by == personas.town_admin_b
        assert Gig.objects.managed_by(personas.employer).filter(pk=gig.pk).exists()


class TestBooking:
    def test_claim_books_and_counts(self, personas, employer, worker):
        gig = open_gig(personas.employer, employer, booking_mode="instant")
        app = booking.claim(first_shift(gig), actor=worker.user)
        assert app.status == AppStatus.BOOKED
        assert first_shift(gig).booked == 1
        assert OutboxMessage.objects.filter(template="gig_booked", recipient=worker.user.phone).exists()
        with pytest.raises(ValidationError, match="不用重复"):
            booking.claim(first_shift(gig), actor=worker.user)

    def test_claim_when_full(self, personas, employer):
        gig = open_gig(personas.employer, employer, booking_mode="instant", headcount=1)
        first = make_worker(personas.coordinator_a, personas.station_a)
        second = make_worker(personas.coordinator_a, personas.station_a)
        booking.claim(first_shift(gig), actor=first.user)
        with pytest.raises(booking.ShiftFull):
            booking.claim(first_shift(gig), actor=second.user)
        assert first_shift(gig).booked == 1

    def test_overlapping_shifts_are_refused(self, personas, employer, worker):
        one = open_gig(personas.employer, employer, booking_mode="instant")
        day = first_shift(one).day.isoformat()
        other = open_gig(
            personas.employer,
            employer,
            booking_mode="instant",
            shifts=[{"date": day, "start": "16:00", "end": "20:00"}],
        )
        booking.claim(first_shift(one), actor=worker.user)
        with pytest.raises(ValidationError, match="时间冲突"):
            booking.claim(first_shift(other), actor=worker.user)

    def test_apply_offer_accept(self, personas, employer, worker):
        gig = open_gig(personas.employer, employer)
        app = booking.apply(first_shift(gig), actor=worker.user, note="做过三年保洁")
        assert app.status == AppStatus.APPLIED
        with pytest.raises(PermissionDenied):
            booking.offer(app, actor=worker.user)
        app = booking.offer(app, actor=personas.employer)
        assert app.status == AppStatus.OFFERED and first_shift(gig).booked == 0
        app = booking.accept(app, actor=worker.user)
        assert app.status == AppStatus.BOOKED and first_shift(gig).booked == 1

    def test_decline_withdraw_reject(self, personas, employer):
        gig = open_gig(personas.employer, employer)
        a, b, c = (make_worker(personas.coordinator_a, personas.station_a) for _ in range(3))
        app_a = booking.apply(first_shift(gig), actor=a.user)
        assert booking.withdraw(app_a, actor=a.user).status == AppStatus.WITHDRAWN
        app_b = booking.offer(booking.apply(first_shift(gig), actor=b.user), actor=personas.employer)
        assert booking.decline(app_b, actor=b.user).status == AppStatus.DECLINED
        app_c = booking.apply(first_shift(gig), actor=c.user)
        assert booking.reject(app_c, actor=personas.employer).status == AppStatus.REJECTED
        # Withdrawn: the worker may apply again.
        assert booking.apply(first_shift(gig), actor=a.user).status == AppStatus.APPLIED

    def test_invitation_accepted(self, personas, employer, worker):
        gig = open_gig(personas.employer, employer)
        app = booking.invite(first_shift(gig), worker, actor=personas.employer)
        assert OutboxMessage.objects.filter(template="gig_invited").exists()
        assert booking.accept(app, actor=worker.user).status == AppStatus.BOOKED

    def test_certificates_and_public_welfare(self, personas, employer, worker):
        cert = Certificate.objects.active().first()
        gig = open_gig(personas.employer, employer, booking_mode="instant", certificates=[cert.code])
        assert f"需要持有{cert.name}" in booking.eligibility_problems(worker, first_shift(gig))[0]
        WorkerCertificate.objects.create(worker=worker, certificate=cert, expires_on=dt.date.today())
        assert "已过期" in booking.eligibility_problems(worker, first_shift(gig))[0]
        WorkerCertificate.objects.filter(worker=worker).update(expires_on=None)
        assert booking.eligibility_problems(worker, first_shift(gig)) == []
        welfare = open_gig(personas.town_admin_b, employer, kind="public_welfare", booking_mode="instant")
        with pytest.raises(ValidationError, match="就业困难人员"):
            booking.claim(first_shift(welfare), actor=worker.user)

    def test_cancellation_rules(self, personas, employer):
        # Starts within the next hours (a late cancellation), whatever the time of day: a shift that
        # runs past midnight ends the next day.
        soon = (timezone.localtime() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
        end = soon + dt.timedelta(hours=2)
        shifts = [
            {"date": soon.date().isoformat(), "start": soon.strftime("%H:%M"), "end": end.strftime("%H:%M")}
        ]
        late_gig = open_gig(personas.employer, employer, booking_mode="instant", shifts=shifts)
        far_gig = open_gig(
            personas.employer,
            employer,
            booking_mode="instant",
            shifts=[
                {
                    "date": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
                    "start": "08:00",
                    "end": "12:00",
                }
            ],
        )
        w1 = make_worker(personas.coordinator_a, personas.station_a)
        free = booking.cancel_by_worker(
            booking.claim(first_shift(far_gig), actor=w1.user), actor=w1.user, reason=""
        )
        assert free.status == AppStatus.CANCELLED and not free.cancelled_late
        assert first_shift(far_gig).booked == 0
        late = booking.cancel_by_worker(
            booking.claim(first_shift(late_gig), actor=w1.user), actor=w1.user, reason="病了"
        )
        assert late.cancelled_late
        assert record_of(w1).late_cancels == 1
        w2 = make_worker(personas.coordinator_a, personas.station_a)
        app = booking.claim(first_shift(late_gig), actor=w2.user)
        booking.cancel_by_employer(app, actor=personas.employer, reason="活干完了")
        employer.refresh_from_db()
        assert employer.warnings == 1


class TestAttendanceAndPay:
    @pytest.fixture
    def booked(self, personas, employer, worker):
        gig = open_gig(personas.employer, employer, booking_mode="instant")
        return booking.claim(first_shift(gig), actor=worker.user)

    def test_qr_check_in_and_out(self, booked, worker):
        shift = booked.shift
        at = shift.starts_at + dt.timedelta(minutes=15)
        with pytest.raises(ValidationError, match="二维码"):
            attendance.check_in(booked, actor=worker.user, method="qr", token="0000000000", now=at)
        old = attendance.qr_token(shift, at - dt.timedelta(minutes=5))
        with pytest.raises(ValidationError, match="二维码"):
            attendance.check_in(booked, actor=worker.user, method="qr", token=old, now=at)
        token = attendance.qr_token(shift, at - dt.timedelta(seconds=attendance.QR_STEP_SECONDS))
        app = attendance.check_in(booked, actor=worker.user, method="qr", token=token, now=at)
        assert app.late_minutes == 15 and app.check_in_method == "qr"
        end = shift.ends_at - dt.timedelta(minutes=1)
        app = attendance.check_out(
            app, actor=worker.user, method="qr", token=attendance.qr_token(shift, end), now=end
        )
        assert app.status == AppStatus.COMPLETED
        record = worker.reliability
        record.refresh_from_db()
        assert record.completed == 1 and record.on_time == 0
        assert "准时 0 次" in reliability.describe(record)

    def test_location_check_in(self, booked, worker):
        at = booked.shift.starts_at - dt.timedelta(minutes=10)
        gig = booked.gig
        with pytest.raises(ValidationError, match="米内"):
            attendance.check_in(
                booked, actor=worker.user, method="location", lat=gig.lat + 0.01, lng=gig.lng, now=at
            )
        app = attendance.check_in(
            booked, actor=worker.user, method="location", lat=gig.lat, lng=gig.lng, now=at
        )
        assert app.late_minutes == 0

    def test_only_the_employer_confirms_manually(self, booked, personas, worker):
        at = booked.shift.starts_at
        with pytest.raises(PermissionDenied):
            attendance.check_in(booked, actor=worker.user, method="manual", now=at)
        app = attendance.check_out(booked, actor=personas.employer, method="manual", now=booked.shift.ends_at)
        assert app.status == AppStatus.COMPLETED and app.check_in_method == "manual"

    def test_sweep_records_no_shows_and_closes_shifts(self, personas, employer):
        gig = open_gig(personas.employer, employer, booking_mode="instant")
        absent = make_worker(personas.coordinator_a, personas.station_a)
        present = make_worker(personas.coordinator_a, personas.station_a)
        shift = first_shift(gig)
        a = booking.claim(shift, actor=absent.user)
        p = booking.claim(shift, actor=present.user)
        attendance.check_in(p, actor=personas.employer, method="manual", now=shift.starts_at)
        assert attendance.sweep(shift.ends_at) == {"no_show": 0, "completed": 0}
        later = shift.ends_at + attendance.SWEEP_AFTER
        assert attendance.sweep(later) == {"no_show": 1, "completed": 1}
        assert attendance.sweep(later) == {"no_show": 0, "completed": 0}
        a.refresh_from_db()
        p.refresh_from_db()
        assert a.status == AppStatus.NO_SHOW and p.status == AppStatus.COMPLETED
        assert p.check_out_method == "auto" and p.completed_at == shift.ends_at
        record = record_of(absent)
        assert record.no_shows == 1 and record.score == 0

    def test_pay_recorded_confirmed_and_disputed(self, booked, personas, worker):
        with pytest.raises(ValidationError, match="完工后"):
            pay.record_pay(booked, actor=personas.employer, amount="180", method="wechat")
        app = attendance.check_out(booked, actor=personas.employer, method="manual", now=booked.shift.ends_at)
        with pytest.raises(PermissionDenied):
            pay.record_pay(app, actor=worker.user, amount="180", method="wechat")
        with pytest.raises(ValidationError):
            pay.record_pay(app, actor=personas.employer, amount="abc", method="wechat")
        record = pay.record_pay(app, actor=personas.employer, amount="150", method="wechat")
        assert OutboxMessage.objects.filter(template="gig_pay_recorded").exists()
        with pytest.raises(ValidationError, match="已经登记"):
            pay.record_pay(app, actor=personas.employer, amount="150", method="wechat")
        record = pay.dispute_pay(app, actor=worker.user, reason="约定180元，只收到150元")
        assert record.status == PayStatus.DISPUTED
        record = pay.record_pay(app, actor=personas.employer, amount="180", method="wechat")
        assert record.status == PayStatus.RECORDED and record.amount == Decimal("180.00")
        with pytest.raises(PermissionDenied):
            pay.confirm_pay(app, actor=personas.employer)
        record = pay.confirm_pay(app, actor=worker.user)
        assert record.status == PayStatus.CONFIRMED and record.confirmed_at

    def test_ratings_both_ways(self, booked, personas, worker, employer):
        with pytest.raises(ValidationError, match="完工后"):
            ratings.rate(booked, actor=worker.user, stars=5)
        app = attendance.check_out(booked, actor=personas.employer, method="manual", now=booked.shift.ends_at)
        ratings.rate(app, actor=worker.user, stars=4, comment="老板人好，按时结账")
        ratings.rate(app, actor=personas.employer, stars=5)
        with pytest.raises(ValidationError, match="评价过"):
            ratings.rate(app, actor=worker.user, stars=1)
        with pytest.raises(PermissionDenied):
            ratings.rate(app, actor=personas.outsider, stars=1)
        employer.refresh_from_db()
        assert employer.rating_avg == Decimal("4.00") and employer.rating_count == 1


def test_finished_gigs_stop_taking_applications(personas):
    from lingong.gigs.tasks import close_finished

    employer = approved_employer(personas)
    gig = open_gig(personas.employer, employer)
    assert gig.last_end is not None
    assert close_finished(gig.last_end - dt.timedelta(minutes=1)) == 0
    assert close_finished(gig.last_end) == 1
    gig.refresh_from_db()
    assert gig.status == "closed" and not Gig.objects.public().exists()
    assert close_finished(gig.last_end) == 0


def test_pay_is_checked_per_hour_of_the_actual_shift(personas):
    employer = approved_employer(personas)
    day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    short = [{"date": day, "start": "08:00", "end": "13:00"}]
    gig = open_gig(personas.employer, employer, pay_amount="120", shifts=short)  # 24 元/时 over 5 hours
    assert gig.hourly_pay == Decimal("24.00")
    long_day = [{"date": day, "start": "08:00", "end": "20:00"}]
    with pytest.raises(services.PostingBlocked) as blocked:
        services.post_gig(
            actor=personas.employer,
            employer=employer,
            data=gig_data(employer.town, pay_amount="120", shifts=long_day),  # 10 元/时 over 12 hours
        )
    assert "min_wage" in {f["category"] for f in blocked.value.findings}
