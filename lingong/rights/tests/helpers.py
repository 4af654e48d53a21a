"""Builders for rights tests: completed bookings and pay records made with the ORM (the booking and
pay services belong to the gigs app), and a clock the code under test follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from lingong.gigs import services as gig_services
from lingong.gigs.models import Application, Gig, PayRecord, Shift
from lingong.gigs.tests.factories import gig_data
from lingong.lib.codes import new_code
from lingong.workers.models import Worker

TZ = timezone.get_default_timezone()


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def posted_gig(actor, employer, **overrides) -> Gig:
    """An open gig: saved through the gigs service, then published directly. Publishing runs the
    posting screen, which these tests are not about; they need a live gig with real shifts."""
    gig = gig_services.save_draft(actor=actor, employer=employer, data=gig_data(employer.town, **overrides))
    Gig.objects.filter(pk=gig.pk).update(status="open", published_at=timezone.now())
    gig.refresh_from_db()
    return gig


def first_shift(gig: Gig) -> Shift:
    return gig.shifts.order_by("starts_at").first()  # type: ignore[return-value]


def completed(gig: Gig, worker: Worker, *, shift: Shift | None = None) -> Application:
    """A booking the worker finished: checked in and out, marked completed at the shift's end."""
    shift = shift or first_shift(gig)
    return Application.objects.create(
        code=new_code("AP"),
        shift=shift,
        gig=gig,
        worker=worker,
        status="completed",
        created_by=worker.user,
        booked_at=shift.starts_at - dt.timedelta(days=1),
        checked_in_at=shift.starts_at,
        checked_out_at=shift.ends_at,
        completed_at=shift.ends_at,
    )


def pay(
    application: Application,
    *,
    status: str = "recorded",
    paid_at: dt.datetime | None = None,
    confirmed_at: dt.datetime | None = None,
    amount: str = "180",
) -> PayRecord:
    return PayRecord.objects.create(
        application=application,
        amount=Decimal(amount),
        method="wechat",
        paid_at=paid_at or application.shift.ends_at,
        recorded_by=application.gig.created_by,
        status=status,
        confirmed_at=confirmed_at,
    )


def confirm(record: PayRecord, at: dt.datetime) -> PayRecord:
    record.status = "confirmed"
    record.confirmed_at = at
    record.save(update_fields=["status", "confirmed_at"])
    return record


class Clock:
    """The time as the code under test sees it: `timezone.now()` answers `self.now` while the test
    runs, and `scan()` hands the same time to the scan explicitly."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, when: dt.datetime) -> Clock:
        self.now = when
        return self

    def advance(self, **delta: float) -> Clock:
        self.now = self.now + dt.timedelta(**delta)
        return self

    def scan(self) -> dict[str, int]:
        from lingong.rights.arrears import scan_arrears

        return scan_arrears(self.now)


def completed_days_ago(gig: Gig, worker: Worker, *, days: int) -> Application:
    """A booking on a shift moved `days` into the past (postings only take future shifts), done."""
    shift = first_shift(gig)
    length = shift.ends_at - shift.starts_at
    start = timezone.now() - dt.timedelta(days=days)
    extra = Shift.objects.create(
        gig=gig, starts_at=start, ends_at=start + length, headcount=shift.headcount, checkin_secret="0" * 32
    )
    return completed(gig, worker, shift=extra)
