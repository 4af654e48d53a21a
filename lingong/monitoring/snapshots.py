"""Write the daily snapshots, and fill every missing day after downtime.

A day is written whole in one transaction (delete then insert), so a snapshot is never half there and
re-running a day gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from lingong.gigs.models import Gig
from lingong.ledger.models import LedgerEntry
from lingong.workers.models import Worker

from .metrics import People, compute_day
from .models import DailySnapshot, Scope

# How far back the runs look for days without a snapshot.
MAX_BACKFILL_DAYS = 400


@transaction.atomic
def write_day(day: dt.date, people: People | None = None) -> int:
    rows = compute_day(day, people)
    DailySnapshot.objects.filter(day=day).delete()
    DailySnapshot.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def first_record_day() -> dt.date | None:
    """The first day anything happened: a seeker registered, a gig was published, a service was given."""
    days = [
        Worker.objects.aggregate(d=Min("registered_at"))["d"],
        Gig.objects.aggregate(d=Min("published_at"))["d"],
    ]
    found = [timezone.localdate(d) for d in days if d is not None]
    ledger_day = LedgerEntry.objects.aggregate(d=Min("day"))["d"]
    if ledger_day is not None:
        found.append(ledger_day)
    return min(found) if found else None


def missing_days(today: dt.date) -> list[dt.date]:
    """Days before today without a snapshot, from the first record (at most MAX_BACKFILL_DAYS back).

    Gaps count too, not only the days after the newest snapshot: a range written ahead by hand
    (`snapshot_metrics --from`) must not hide the days before it.
    """
    first = first_record_day()
    if first is None:
        return []
    start = max(first, today - dt.timedelta(days=MAX_BACKFILL_DAYS))
    done = set(
        DailySnapshot.objects.filter(scope=Scope.CITY, day__gte=start, day__lt=today).values_list(
            "day", flat=True
        )
    )
    days = (start + dt.timedelta(days=i) for i in range((today - start).days))
    return [d for d in days if d not in done]


def backfill(
    today: dt.date | None = None,
    *,
    days: list[dt.date] | None = None,
    progress: Callable[[int, int, dt.date], None] | None = None,
) -> list[dt.date]:
    """Write every missing day up to yesterday (or the given days). Returns the days written.

    Today and later days are never written: their figures are not final, and a snapshot of today would
    be taken as done, so the hourly run would never write the whole day.
    """
    today = today or timezone.localdate()
    todo = missing_days(today) if days is None else [d for d in days if d < today]
    if not todo:
        return []
    people = People.load()
    for i, day in enumerate(todo, start=1):
        write_day(day, people)
        if progress:
            progress(i, len(todo), day)
    return todo
