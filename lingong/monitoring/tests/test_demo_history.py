"""Demo history: past work through the services, moved to its days, then snapshots for every day."""

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from lingong.gigs.demo import seed_gigs
from lingong.gigs.models import Application, AppStatus, PayRecord
from lingong.ledger.models import LedgerEntry
from lingong.monitoring.demo import seed_history
from lingong.monitoring.models import DailySnapshot, Scope
from lingong.workers.demo import seed_people

pytestmark = pytest.mark.django_db


def test_history_fills_the_past_days_and_their_snapshots(personas, catalog):
    today = timezone.localdate()
    seed_people(admin=personas.city_admin, workers=60, employers=12, seed=5, today=today)
    seed_gigs(count=10, seed=3)
    summary = seed_history(admin=personas.city_admin, days=12, today=today)
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))

    assert summary["snapshot_days"] >= 12  # from the first registration, which may be earlier
    assert summary["past_gigs"] > 0 and summary["completed"] > 0
    city = DailySnapshot.objects.filter(scope=Scope.CITY)
    days = sorted(city.values_list("day", flat=True))
    assert days[-12:] == [today - dt.timedelta(days=d) for d in range(12, 0, -1)]
    assert len(days) == summary["snapshot_days"]
    assert summary["reports"] > 0
    # Past completions sit on their own days, and the snapshots count them there.
    done = Application.objects.filter(
        status=AppStatus.COMPLETED, completed_at__lt=timezone.now() - dt.timedelta(hours=1)
    )
    assert done.count() == summary["completed"]
    assert city.aggregate(n=Sum("completions"))["n"] == summary["completed"]
    assert (
        city.aggregate(n=Sum("pay_confirmed"))["n"]
        == PayRecord.objects.filter(confirmed_at__lt=midnight).count()
    )
    # Ledger lines spread over the days and counted per day.
    lines = LedgerEntry.objects.filter(day__lt=today, voided_at__isnull=True)
    assert lines.values("day").distinct().count() >= 10
    assert city.aggregate(n=Sum("services"))["n"] > 0
    newest = city.order_by("day").last()
    assert newest is not None and newest.seekers_active > 0
