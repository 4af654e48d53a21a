"""Weekly demand and supply per occupation and town: the figures, the status, the trend, the backfill."""

import datetime as dt

import pytest
from django.utils import timezone

from lingong.catalog.models import Occupation
from lingong.gigs.tests.factories import approved_employer, make_worker, open_gig
from lingong.ledger.models import LedgerEntry
from lingong.monitoring.metrics import People
from lingong.monitoring.models import SeekerActivity, ShortageWeek
from lingong.monitoring.shortage import (
    TREND_WEEKS,
    backfill_weeks,
    compute_week,
    shortage_table,
    status_of,
    week_start,
)
from lingong.training.shortage import MIN_OPENINGS, SHORTAGE_RATIO
from lingong.workers.models import Worker, WorkerOccupation

pytestmark = pytest.mark.django_db

CLEANER = "4-09-08-01"  # 保洁员


def lists(worker, code: str) -> None:
    WorkerOccupation.objects.create(worker=worker, occupation=Occupation.objects.get(code=code))


def figures(rows, area: str, code: str) -> tuple[int, int]:
    found = [r for r in rows if r.area == area and r.occupation.code == code]
    return (found[0].demand, found[0].supply) if found else (0, 0)


def test_week_counts_open_places_in_the_gigs_town_and_seekers_where_they_live(personas, towns):
    employer = approved_employer(personas)
    later = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    open_gig(
        personas.employer, employer, headcount=5, shifts=[{"date": later, "start": "08:00", "end": "17:00"}]
    )
    seeker = make_worker(personas.coordinator_a, personas.station_a)  # lives where the station is: 小榄
    lists(seeker, CLEANER)
    rows = compute_week(week_start(timezone.localdate()), People.load())
    assert figures(rows, "city", CLEANER) == (5, 1)
    assert figures(rows, towns["东区"].code, CLEANER) == (5, 0)
    assert figures(rows, towns["小榄"].code, CLEANER) == (0, 1)


def test_shifts_beyond_the_horizon_and_seekers_not_active_are_left_out(personas):
    employer = approved_employer(personas)
    far = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    open_gig(
        personas.employer, employer, headcount=4, shifts=[{"date": far, "start": "08:00", "end": "17:00"}]
    )
    idle = make_worker(personas.coordinator_a, personas.station_a)
    LedgerEntry.objects.filter(
        worker=idle
    ).delete()  # registered long ago, not searched, applied or served since
    lists(idle, CLEANER)
    rows = compute_week(week_start(timezone.localdate()), People.load())
    assert figures(rows, "city", CLEANER) == (0, 0)


def test_status_follows_the_training_thresholds():
    assert status_of(MIN_OPENINGS, 0) == "short"
    assert status_of(MIN_OPENINGS - 1, 0) == "balanced"  # too few places to call it a shortage
    assert status_of(int(SHORTAGE_RATIO * 10), 10) == "short"
    assert status_of(int(SHORTAGE_RATIO * 10) - 1, 10) == "balanced"
    assert status_of(0, MIN_OPENINGS) == "surplus"
    assert status_of(5, 10) == "surplus"
    assert status_of(6, 10) == "balanced"


def _week_rows(area: str, town, monday: dt.date, figures: dict[str, tuple[int, int]]) -> None:
    for code, (demand, supply) in figures.items():
        ShortageWeek.objects.create(
            week=monday,
            area=area,
            town=town,
            occupation=Occupation.objects.get(code=code),
            demand=demand,
            supply=supply,
        )


def test_table_lists_short_then_surplus_with_a_full_trend(towns):
    newest = week_start(timezone.localdate()) - dt.timedelta(days=7)
    code = towns["小榄"].code
    porter, cook = "4-02-05-01", "4-03-01-01"
    for back in range(TREND_WEEKS):
        monday = newest - dt.timedelta(weeks=back)
        week = {CLEANER: (10 + back, 2)} if back != 3 else {}  # one week with no row at all
        week[porter] = (0, 6)
        week[cook] = (4, 4)
        _week_rows(code, towns["小榄"], monday, week)
    _week_rows("city", None, newest, {cook: (30, 1)})  # other areas do not leak in

    table = shortage_table(code)
    assert [(r.occupation_code, r.status) for r in table] == [(CLEANER, "short"), (porter, "surplus")]
    cleaner = table[0]
    assert (cleaner.demand, cleaner.supply, cleaner.gap, cleaner.ratio) == (10, 2, 8, 5.0)
    assert len(cleaner.trend) == TREND_WEEKS
    assert cleaner.trend[-1] == (newest, 10, 2)
    assert cleaner.trend[TREND_WEEKS - 1 - 3] == (newest - dt.timedelta(weeks=3), 0, 0)
    assert shortage_table("city")[0].occupation_code == cook
    assert shortage_table(towns["东区"].code) == []


def test_backfill_writes_the_finished_weeks_and_catches_up(personas):
    today = timezone.localdate()
    seeker = make_worker(personas.coordinator_a, personas.station_a)
    Worker.objects.filter(pk=seeker.pk).update(registered_at=timezone.now() - dt.timedelta(days=400))
    lists(seeker, CLEANER)
    SeekerActivity.objects.bulk_create(
        SeekerActivity(worker=seeker, day=today - dt.timedelta(days=d)) for d in range(-30, 80)
    )
    written = backfill_weeks(today)
    assert len(written) == TREND_WEEKS
    assert written[-1] == week_start(today) - dt.timedelta(days=7)
    assert all(w.weekday() == 0 for w in written)
    assert backfill_weeks(today) == []
    # Three weeks later (the system was down): exactly the three finished weeks since.
    later = backfill_weeks(today + dt.timedelta(weeks=3))
    assert later == [written[-1] + dt.timedelta(weeks=i) for i in (1, 2, 3)]
