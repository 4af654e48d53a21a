"""The daily snapshots under a moving clock: first run, the next day, downtime, re-runs, corrections."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from lingong.ledger.services import record_service
from lingong.monitoring import tasks
from lingong.monitoring.metrics import compute_day
from lingong.monitoring.models import DailySnapshot
from lingong.monitoring.snapshots import backfill, missing_days, write_day
from lingong.places.models import Station, Town

from .scenario import METRIC_FIELDS, at, day, expected_row, recompute, snapshot_row

pytestmark = pytest.mark.django_db


def run_task() -> int:
    """The hourly task as Huey runs it (inline under the tests; Huey keeps no result of a periodic task):
    the number of days it wrote."""
    before = len(days_written())
    tasks.daily_snapshots()
    return len(days_written()) - before


def days_written() -> list[dt.date]:
    return sorted(set(DailySnapshot.objects.values_list("day", flat=True)))


def rows_per_day() -> int:
    return 1 + Town.objects.count() + Station.objects.count() + 8


def stored(d: dt.date) -> dict[tuple[str, str], dict]:
    return {(r.scope, r.key): snapshot_row(r) for r in DailySnapshot.objects.filter(day=d)}


def fresh(d: dt.date) -> dict[tuple[str, str], dict]:
    return {(r.scope, r.key): snapshot_row(r) for r in compute_day(d)}


def span(first: int, last: int) -> list[dt.date]:
    return [day(n) for n in range(first, last + 1)]


def test_the_hourly_task_is_scheduled_every_hour():
    task = tasks.daily_snapshots.s()
    assert task.validate_datetime(dt.datetime(2026, 11, 10, 0, 20))
    assert task.validate_datetime(dt.datetime(2026, 11, 10, 13, 20))
    assert not task.validate_datetime(dt.datetime(2026, 11, 10, 13, 21))


def test_nothing_to_write_without_records(personas, clock):
    assert missing_days(clock.today) == []
    assert run_task() == 0
    assert DailySnapshot.objects.count() == 0


def test_backfill_follows_a_moving_clock(scenario, clock):
    per_day = rows_per_day()
    assert clock.today == day(9) and DailySnapshot.objects.count() == 0

    # First run: from the first record (day 1, the first registration) to yesterday.
    assert missing_days(clock.today) == span(1, 8)
    assert run_task() == 8
    assert days_written() == span(1, 8)
    assert DailySnapshot.objects.count() == 8 * per_day
    for d in (day(3), day(7)):
        assert stored(d) == fresh(d)

    # Later the same day, every hour: nothing more to do.
    clock.advance(hours=1)
    assert run_task() == 0
    clock.advance(hours=22)
    assert run_task() == 0 and DailySnapshot.objects.count() == 8 * per_day

    # Shortly after midnight: exactly yesterday.
    clock.advance(hours=1)
    assert clock.today == day(10)
    assert run_task() == 1
    assert days_written() == span(1, 9)
    assert DailySnapshot.objects.count() == 9 * per_day

    # Five days down: the next run writes the five missing days, and they are what a fresh compute gives;
    # every day so far agrees with the recomputation from the raw records.
    clock.advance(days=5)
    assert clock.today == day(15)
    assert missing_days(clock.today) == span(10, 14)
    assert run_task() == 5
    assert days_written() == span(1, 14)
    assert DailySnapshot.objects.count() == 14 * per_day
    for d in span(10, 14):
        assert stored(d) == fresh(d), d
    for d in span(1, 14):  # every day written by the runs, against the raw records
        figures = recompute(d)
        for (scope, key), values in stored(d).items():
            assert values == expected_row(figures, scope, key), (d, scope, key)
    # g4 (5 places, shift on day 10) is open until day 9 only; seekers stay registered.
    assert DailySnapshot.objects.get(day=day(9), scope="city").open_headcount == 5
    assert DailySnapshot.objects.get(day=day(10), scope="city").open_headcount == 0
    assert DailySnapshot.objects.get(day=day(14), scope="city").seekers_registered == 5

    # Writing a day again changes nothing: same rows, same figures.
    before = stored(day(12))
    assert write_day(day(12)) == per_day
    assert stored(day(12)) == before
    assert backfill(days=[day(12), day(13)]) == [day(12), day(13)]
    assert stored(day(12)) == before
    assert DailySnapshot.objects.count() == 14 * per_day
    assert run_task() == 0 and DailySnapshot.objects.count() == 14 * per_day


def test_a_late_record_shows_after_recomputing_with_the_command(scenario, clock):
    run_task()  # days 1–8
    clock.at(day(9), 10)
    a = scenario.p.station_a
    before = stored(day(7))
    city_key, station_key = ("city", "city"), ("station", a.code)
    assert before[city_key]["services"] == 0

    # A paper ledger written up two days late: 4 walk-ins on day 7.
    with transaction.atomic():
        record_service(
            station=a, service="policy", actor=scenario.p.coordinator_a, walk_in_count=4, at=at(7, 15)
        )
    assert run_task() == 0  # day 7 is done: the hourly run does not look back
    assert stored(day(7)) == before

    out = StringIO()
    call_command("snapshot_metrics", "--from", day(7).isoformat(), stdout=out)
    assert "已写入 2 天的快照" in out.getvalue()
    assert f"2/2 {day(8).isoformat()}" in out.getvalue()
    after = stored(day(7))
    assert after[city_key]["services"] == 4 and after[station_key]["services"] == 4
    assert after[station_key]["services_by_type"] == {"policy": 4}
    assert after[("town", a.town.code)]["services"] == 4
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {city_key, station_key, ("town", a.town.code)}
    assert stored(day(7)) == fresh(day(7))
    assert stored(day(8)) == fresh(day(8))
    assert days_written() == span(1, 8)


def test_the_command_never_writes_a_day_that_is_not_over(scenario, clock):
    out = StringIO()
    call_command("snapshot_metrics", "--from", day(8).isoformat(), "--to", day(10).isoformat(), stdout=out)
    assert "已写入 1 天的快照" in out.getvalue()
    assert days_written() == [day(8)]
    # Without --from it fills the missing days up to yesterday, as the task does.
    out = StringIO()
    call_command("snapshot_metrics", stdout=out)
    assert "已写入 7 天的快照" in out.getvalue()
    assert days_written() == span(1, 8)
    # The next day, day 9 is written whole by the hourly run.
    clock.advance(days=1)
    assert run_task() == 1 and days_written() == span(1, 9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "日期格式应为 YYYY-MM-DD"),
        (["--from", "2026-11-05", "--to", "2026-11-04"], "截止日期早于起始日期"),
    ],
)
def test_the_command_refuses_bad_dates(personas, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("snapshot_metrics", *args, stdout=StringIO())
    assert DailySnapshot.objects.count() == 0


def test_every_metric_is_a_column():
    fields = {f.name for f in DailySnapshot._meta.get_fields()}
    assert set(METRIC_FIELDS) <= fields
