"""The snapshots against the definitions: every figure recomputed from the raw rows, plus hand counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lingong.monitoring.metrics import CATEGORIES
from lingong.monitoring.models import DailySnapshot
from lingong.monitoring.snapshots import write_day
from lingong.places.models import Station, Town

from .scenario import day, expected_row, recompute, snapshot_row

pytestmark = pytest.mark.django_db

# The week, the day after, and both sides of the 30-day window of w4's last activity (day 5).
DAYS = [day(n) for n in range(1, 10)] + [day(5) + dt.timedelta(days=29), day(5) + dt.timedelta(days=30)]


def figures_of(d: dt.date) -> dict[tuple[str, str], DailySnapshot]:
    return {(r.scope, r.key): r for r in DailySnapshot.objects.filter(day=d)}


def test_every_figure_matches_a_recomputation_from_the_raw_records(scenario):
    for d in DAYS:
        written = write_day(d)
        rows = figures_of(d)
        expected_keys = (
            {("city", "city")}
            | {("town", code) for code in Town.objects.values_list("code", flat=True)}
            | {("station", code) for code in Station.objects.values_list("code", flat=True)}
            | {("category", c) for c in CATEGORIES}
        )
        assert written == len(rows) and set(rows) == expected_keys, d
        figures = recompute(d)
        assert set(figures) <= expected_keys, d
        for (scope, key), row in rows.items():
            assert snapshot_row(row) == expected_row(figures, scope, key), (d, scope, key)


def test_a_few_figures_counted_by_hand(scenario):
    for d in DAYS[:8]:
        write_day(d)
    city = {n: figures_of(day(n))[("city", "city")] for n in range(1, 9)}
    town = {name: t.code for name, t in scenario.towns.items()}
    a, b = scenario.p.station_a.code, scenario.p.station_b.code

    # 在招人数 at each day's end: g1's two shifts (3 each), g3 from day 2 (4), g2 from day 3 (2 + 2),
    # less the places held then; a cancelled booking holds its place until the day it is cancelled.
    assert [city[n].open_headcount for n in range(1, 9)] == [5, 6, 7, 3, 1, 0, 5, 5]
    assert [city[n].gigs_open for n in range(1, 9)] == [1, 2, 3, 2, 1, 0, 1, 1]
    day3 = figures_of(day(3))
    assert day3[("town", town["东区"])].open_headcount == 3  # g1 full, g3 4 - 1
    assert day3[("town", town["小榄"])].open_headcount == 4  # g2
    assert day3[("station", b)].open_headcount == 0 and day3[("station", b)].gigs_open == 1
    assert (day3[("category", "4")].open_headcount, day3[("category", "6")].open_headcount) == (3, 4)
    assert city[3].job_seeker_ratio == 2.33  # 7 places, 3 active seekers

    # Seekers: w5 asked to be deleted and never counts; w2 has no home town and counts in 东区.
    assert [city[n].seekers_registered for n in range(1, 9)] == [2, 3, 3, 4, 4, 5, 5, 5]
    assert [city[n].seekers_active for n in range(1, 9)] == [2, 3, 3, 4, 4, 5, 5, 5]
    day6 = figures_of(day(6))
    assert {
        name: day6[("town", town[name])].seekers_registered for name in ("石岐", "小榄", "东区", "南区")
    } == {
        "石岐": 1,
        "小榄": 1,
        "东区": 2,
        "南区": 1,
    }
    assert (day6[("category", "4")].seekers_registered, day6[("category", "6")].seekers_registered) == (3, 2)
    assert (day6[("station", a)].seekers_registered, day6[("station", b)].seekers_registered) == (2, 3)

    # Flows. a5 was made at 07:00 on day 4 (23:00 on day 3 in UTC): it is day 4's.
    assert [city[n].applications for n in range(1, 9)] == [2, 2, 2, 1, 0, 1, 0, 0]
    assert [city[n].bookings for n in range(1, 9)] == [1, 1, 3, 0, 1, 0, 0, 0]
    assert [city[n].completions for n in range(1, 9)] == [0, 1, 0, 0, 2, 0, 0, 0]
    assert [city[n].gigs_new for n in range(1, 9)] == [1, 1, 1, 0, 0, 0, 1, 0]
    assert (city[6].pay_confirmed, city[6].pay_confirmed_yuan) == (2, Decimal("380.00"))
    assert [city[n].arrears_open for n in range(1, 9)] == [0, 0, 0, 1, 1, 0, 1, 1]
    assert (city[4].arrears_opened, city[6].arrears_closed, city[7].arrears_opened) == (1, 1, 1)

    # The ledger: one line per registration at a station; 5 walk-ins count 5; the voided line nothing.
    assert [city[n].services for n in range(1, 9)] == [2, 4, 5, 3, 2, 1, 0, 0]
    assert city[3].services_by_type == {"policy": 5}
    assert city[5].services_by_type == {"recruitment": 2}
    # w2 (hardship valid days 2–3) was served on day 2; w3 (verified day 3) twice on day 4: one person.
    assert [city[n].hardship_served for n in range(1, 9)] == [0, 1, 0, 1, 0, 0, 0, 0]
    # Day 3: w2 booked twice and w3 once; day 6: w3's plan ended in a 公益性岗位; w4's plan on day 7 does
    # not count (no hardship record), nor w1's booking on day 5.
    assert [city[n].hardship_placed for n in range(1, 9)] == [0, 0, 2, 0, 0, 1, 0, 0]
    # A placement counts for the station that serves the worker: w2 is station B's, w3 station A's.
    assert figures_of(day(3))[("station", b)].hardship_placed == 1
    assert figures_of(day(3))[("station", a)].hardship_placed == 1

    # The event of station A (小榄).
    assert (city[4].event_signups, city[5].event_signups) == (1, 1)
    day5 = figures_of(day(5))
    for key in (("city", "city"), ("town", town["小榄"]), ("station", a)):
        row = day5[key]
        assert (row.events_held, row.event_intentions, row.event_hires) == (1, 1, 1), key
    assert day5[("town", town["东区"])].events_held == 0


def test_the_activity_window_is_thirty_days(scenario):
    """w4 registered on day 4 (a ledger line) and searched on day 5: active until day 5 + 29."""
    last, after = day(5) + dt.timedelta(days=29), day(5) + dt.timedelta(days=30)
    write_day(last)
    write_day(after)
    town = scenario.towns["东区"].code
    # In 东区 w2 last applied on day 4, so only w4 is left on day 5 + 29, and nobody the day after.
    assert figures_of(last)[("town", town)].seekers_active == 1
    assert figures_of(after)[("town", town)].seekers_active == 0
    assert figures_of(after)[("town", town)].seekers_registered == 2
    assert figures_of(after)[("town", town)].job_seeker_ratio is None
