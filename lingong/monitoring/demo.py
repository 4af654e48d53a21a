"""Demo history for `manage.py seed_demo`: 90 days of work, pay, station services and search activity,
then the daily snapshots and weekly demand/supply written for those days, so the dashboard has trends,
and the monthly reports and typical-case proposals the scheduled task would have made.

Past work goes through the same services as real work (post_gig, claim, check_out, record_pay,
confirm_pay, the arrears scan, record_service); the services only accept present and future times, so a
past gig is posted for the coming days and then moved back to its day with all its timestamps. The
seeded random generator makes the same database get the same history.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lingong.accounts.models import User
from lingong.employers.models import Employer, EmployerStatus
from lingong.gigs import attendance, booking, pay, services
from lingong.gigs.demo import demo_gig_data, employer_manager
from lingong.gigs.models import Application, AppStatus, CheckMethod, Gig, PayMethod, Shift
from lingong.ledger.models import LedgerEntry, ServiceType
from lingong.ledger.services import record_service
from lingong.places.models import Station, StationStatus
from lingong.rights.arrears import scan_arrears
from lingong.workers.demo import CatalogView, pick_work
from lingong.workers.models import HardshipRecord, Worker, WorkerStatus

from .models import SeekerActivity
from .services import produce_due_reports
from .shortage import backfill_weeks
from .snapshots import backfill

SEED = 90
DESK_SERVICES = [
    (ServiceType.GUIDANCE, 3),
    (ServiceType.POLICY, 3),
    (ServiceType.RECOMMENDATION, 4),
    (ServiceType.REST, 2),
    (ServiceType.RIGHTS, 1),
    (ServiceType.TRAINING, 1),
    (ServiceType.ENTREPRENEURSHIP, 1),
]


def seed_history(
    *, admin: User, days: int = 90, today: dt.date | None = None, seed: int = SEED
) -> dict[str, Any]:
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    workers = list(Worker.objects.filter(status=WorkerStatus.ACTIVE).select_related("user").order_by("pk"))
    _spread_registrations(rng, workers, days)
    _spread_current_gigs(rng, days=45)
    past = _past_work(rng, workers, today, days)
    attendance.sweep(timezone.now())
    for back in range(days, -1, -1):
        scan_arrears(_at(today - dt.timedelta(days=back), 12))
    lines = _ledger(rng, admin, workers, today, days)
    searches = _searches(rng, workers, today, days)
    written = backfill(today)  # every day from the first registration to yesterday
    weeks = backfill_weeks(today)
    reports = produce_due_reports(today)  # as the monthly task would have: the archive and case proposals
    return {
        "past_gigs": past["gigs"],
        "completed": past["completed"],
        "ledger_lines": lines,
        "search_days": searches,
        "snapshot_days": len(written),
        "weeks": len(weeks),
        "reports": len(reports),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _at(day: dt.date, hour: float) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) + dt.timedelta(hours=hour)


def _spread_registrations(rng: random.Random, workers: list[Worker], days: int) -> None:
    """Registrations over the last months, more of them recently (the network grows)."""
    now = timezone.now()
    for worker in workers:
        worker.registered_at = now - dt.timedelta(days=(days + 60) * rng.random() ** 1.6, hours=rng.random())
    Worker.objects.bulk_update(workers, ["registered_at"], batch_size=1000)
    # Hardship was recorded and verified at registration, as a coordinator does it at the desk.
    registered = {w.pk: w.registered_at for w in workers}
    records = list(HardshipRecord.objects.filter(worker_id__in=registered))
    for record in records:
        record.recorded_at = registered[record.worker_id]
        if record.verified_at is not None:
            record.verified_at = registered[record.worker_id] + dt.timedelta(hours=rng.uniform(0.1, 48))
    HardshipRecord.objects.bulk_update(records, ["recorded_at", "verified_at"], batch_size=1000)


def _spread_current_gigs(rng: random.Random, days: int) -> None:
    """Today's open demo gigs were posted over the last weeks, more of them lately (some employers
    post long-running work well ahead); their applications came after."""
    now = timezone.now()
    for gig in Gig.objects.filter(published_at__isnull=False, first_start__gt=now).only("pk"):
        back = dt.timedelta(days=days * rng.random() ** 2)
        Gig.objects.filter(pk=gig.pk).update(
            published_at=F("published_at") - back, created_at=F("created_at") - back
        )
        later = dt.timedelta(hours=rng.uniform(1, 48))
        apps = Application.objects.filter(gig=gig)
        apps.update(created_at=F("created_at") - back + later)
        apps.filter(booked_at__isnull=False).update(booked_at=F("created_at"))


def _past_work(rng: random.Random, workers: list[Worker], today: dt.date, days: int) -> dict[str, int]:
    employers = list(
        Employer.objects.filter(status=EmployerStatus.APPROVED).select_related("town").order_by("pk")
    )
    catalog = CatalogView.load({e.town.short for e in employers}, today)
    gigs = completed = 0
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        for _ in range(rng.randint(1, 4)):
            employer = rng.choice(employers)
            manager = employer_manager(employer)
            works = catalog.by_town.get(employer.town.short) or []
            if manager is None or not works:
                continue
            data = demo_gig_data(rng, employer, pick_work(rng, works, 1)[0], today)
            data.update(booking_mode="instant", headcount=rng.randint(2, 5), shifts=data["shifts"][:1])
            try:
                gig = services.post_gig(actor=manager, employer=employer, data=data)
            except ValidationError:
                continue
            gigs += 1
            completed += _work_the_day(rng, gig, manager, workers, day)
    return {"gigs": gigs, "completed": completed}


@transaction.atomic
def _work_the_day(rng: random.Random, gig: Gig, manager: User, workers: list[Worker], day: dt.date) -> int:
    """Claims now, then the gig moved back to `day`; most workers come, most get paid, a few do not."""
    shift = gig.shifts.get()
    claimed = []
    for worker in rng.sample(workers, min(len(workers), rng.randint(1, shift.headcount + 1))):
        try:
            claimed.append(booking.claim(shift, actor=worker.user))
        except (ValidationError, booking.ShiftFull):
            continue
    back = dt.timedelta(days=(timezone.localdate(shift.starts_at) - day).days)
    posted = dt.timedelta(days=rng.uniform(0.5, 7))
    Shift.objects.filter(pk=shift.pk).update(starts_at=F("starts_at") - back, ends_at=F("ends_at") - back)
    Gig.objects.filter(pk=gig.pk).update(
        first_start=F("first_start") - back,
        last_end=F("last_end") - back,
        published_at=F("first_start") - back - posted,
        created_at=F("first_start") - back - posted,
    )
    shift.refresh_from_db()
    for app in claimed:
        at = shift.starts_at - posted + dt.timedelta(hours=rng.uniform(1, 12))
        Application.objects.filter(pk=app.pk).update(
            created_at=min(at, shift.starts_at), booked_at=min(at, shift.starts_at)
        )
    done = 0
    for app in Application.objects.filter(pk__in=[a.pk for a in claimed]):
        if rng.random() < 0.08:
            continue  # did not come: the sweep records the no-show
        app = attendance.check_out(app, actor=manager, method=CheckMethod.MANUAL, now=shift.ends_at)
        done += 1
        if rng.random() < 0.04:
            continue  # not paid: the arrears scan opens a case
        paid_at = min(shift.ends_at + dt.timedelta(hours=rng.uniform(0.5, 30)), timezone.now())
        amount = rng.choice([150, 180, 200, 220, 260])
        pay.record_pay(
            app, actor=manager, amount=amount, method=rng.choice(PayMethod.values), paid_at=paid_at
        )
        if rng.random() < 0.98:
            record = pay.confirm_pay(app, actor=app.worker.user)
            type(record).objects.filter(pk=record.pk).update(
                recorded_at=paid_at,
                confirmed_at=min(paid_at + dt.timedelta(hours=rng.uniform(0.2, 6)), timezone.now()),
            )
    Application.objects.filter(pk__in=[a.pk for a in claimed], status=AppStatus.COMPLETED).update(
        completed_at=shift.ends_at
    )
    return done


def _ledger(rng: random.Random, admin: User, workers: list[Worker], today: dt.date, days: int) -> int:
    """Desk services at a sample of operating stations each day (weekdays busier), some to walk-ins."""
    stations = list(Station.objects.filter(status=StationStatus.OPERATING).order_by("pk"))
    by_station: dict[int, list[Worker]] = {}
    for seeker in workers:
        if seeker.station_id:
            by_station.setdefault(seeker.station_id, []).append(seeker)
    services_, weights = zip(*DESK_SERVICES, strict=True)
    lines = 0
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        busy = 1.0 if day.weekday() < 5 else 0.4
        for station in rng.sample(stations, max(1, int(len(stations) * 0.3 * busy))):
            with transaction.atomic():
                for _ in range(rng.randint(1, 4)):
                    at = _at(day, rng.uniform(9, 17))
                    people = [w for w in by_station.get(station.pk, []) if w.registered_at < at]
                    worker = rng.choice(people) if people and rng.random() < 0.7 else None
                    line = record_service(
                        station=station,
                        service=rng.choices(services_, weights)[0],
                        actor=admin,
                        worker=worker,
                        walk_in_count=0 if worker else rng.randint(1, 3),
                    )
                    # The ledger takes late entries for 7 days only; older demo lines are moved back.
                    LedgerEntry.objects.filter(pk=line.pk).update(at=at, day=day, created_at=at)
                    lines += 1
    return lines


def _searches(rng: random.Random, workers: list[Worker], today: dt.date, days: int) -> int:
    """Days on which workers looked for work online: some look often, most now and then."""
    rows = []
    for worker in workers:
        keenness = rng.choice([0.0, 0.02, 0.05, 0.1, 0.25])
        since = max(timezone.localdate(worker.registered_at), today - dt.timedelta(days=days))
        for back in range((today - since).days):
            if rng.random() < keenness:
                rows.append(SeekerActivity(worker=worker, day=since + dt.timedelta(days=back)))
    SeekerActivity.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
