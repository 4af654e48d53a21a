"""Shortage and surplus occupations week by week: demand against available supply, per town and city.

For a week (Monday to Sunday) and an occupation (细类) in an area (a town, or the city):

    demand = open places at the end of the week on shifts that start within the next HORIZON_DAYS days
             (the places of gigs still recruiting then, as in the daily snapshot's 在招人数)
    supply = active seekers at the end of the week (definitions.ACTIVE_DAYS) who list the occupation and
             live in the area (home town; their station's town when they gave none)

The thresholds are the training app's (training.shortage), so the 急需紧缺工种 a worker is advised to
train for and the trend the city watches agree: short when demand ≥ MIN_OPENINGS and demand/supply ≥
SHORTAGE_RATIO; surplus when supply ≥ MIN_OPENINGS and demand/supply ≤ SURPLUS_RATIO.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lingong.catalog.models import Occupation
from lingong.places.models import Town
from lingong.training.shortage import HORIZON_DAYS, MIN_OPENINGS, SHORTAGE_RATIO
from lingong.workers.models import WorkerOccupation

from .metrics import People, active_seekers, day_bounds, open_places
from .models import ShortageWeek

SURPLUS_RATIO = 0.5
TREND_WEEKS = 8
CITY = "city"


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def compute_week(monday: dt.date, people: People) -> list[ShortageWeek]:
    sunday = monday + dt.timedelta(days=6)
    _, end = day_bounds(sunday)
    towns = dict(Town.objects.values_list("id", "code"))
    demand: dict[tuple[str, int], int] = defaultdict(int)
    for _shift, places, _gig, town, _station, occupation, _code in open_places(
        end, end + dt.timedelta(days=HORIZON_DAYS)
    ):
        if places:
            demand[(CITY, occupation)] += places
            if town in towns:
                demand[(towns[town], occupation)] += places
    supply: dict[tuple[str, int], int] = defaultdict(int)
    active = {w for w in active_seekers(sunday) if w in people.registered and people.registered[w] < end}
    listed = WorkerOccupation.objects.filter(worker_id__in=active).values_list("worker_id", "occupation_id")
    for worker, occupation in listed.iterator(chunk_size=5000):
        supply[(CITY, occupation)] += 1
        town = people.town.get(worker)
        if town in towns:
            supply[(towns[town], occupation)] += 1
    town_ids = {code: tid for tid, code in towns.items()}
    return [
        ShortageWeek(
            week=monday,
            area=area,
            town_id=town_ids.get(area),
            occupation_id=occupation,
            demand=demand.get((area, occupation), 0),
            supply=supply.get((area, occupation), 0),
        )
        for area, occupation in sorted(set(demand) | set(supply))
    ]


@transaction.atomic
def write_week(monday: dt.date, people: People | None = None) -> int:
    rows = compute_week(monday, people or People.load())
    ShortageWeek.objects.filter(week=monday).delete()
    ShortageWeek.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def backfill_weeks(today: dt.date | None = None, people: People | None = None) -> list[dt.date]:
    """Write every finished week still missing, at most TREND_WEEKS back. Returns the Mondays written.

    A week with neither demand nor supply anywhere leaves no row, so it is looked at again next run;
    that only happens before anyone uses the system and costs a few queries.
    """
    today = today or timezone.localdate()
    last_finished = week_start(today) - dt.timedelta(days=7)
    newest = ShortageWeek.objects.aggregate(w=Max("week"))["w"]
    first = newest + dt.timedelta(days=7) if newest else last_finished - dt.timedelta(weeks=TREND_WEEKS - 1)
    first = max(first, last_finished - dt.timedelta(weeks=TREND_WEEKS - 1))
    weeks = [first + dt.timedelta(weeks=i) for i in range((last_finished - first).days // 7 + 1)]
    if weeks:
        people = people or People.load()
        for monday in weeks:
            write_week(monday, people)
    return weeks


def status_of(demand: int, supply: int) -> str:
    share = demand / supply if supply else (float("inf") if demand else 0.0)
    if demand >= MIN_OPENINGS and share >= SHORTAGE_RATIO:
        return "short"
    if supply >= MIN_OPENINGS and share <= SURPLUS_RATIO:
        return "surplus"
    return "balanced"


STATUS_LABELS = {"short": "紧缺", "surplus": "富余", "balanced": "基本平衡"}


@dataclass
class ShortageRow:
    occupation_code: str
    occupation_name: str
    demand: int
    supply: int
    trend: list[tuple[dt.date, int, int]] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return round(self.demand / self.supply, 2) if self.supply else None

    @property
    def gap(self) -> int:
        return self.demand - self.supply

    @property
    def status(self) -> str:
        return status_of(self.demand, self.supply)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def shortage_table(area: str = CITY, weeks: int = TREND_WEEKS, limit: int = 15) -> list[ShortageRow]:
    """Occupations short or in surplus in the newest finished week, with their trend over `weeks` weeks.

    Short ones first (most missing people first), then surplus ones (most spare people first).
    """
    newest = ShortageWeek.objects.filter(area=area).aggregate(w=Max("week"))["w"]
    if newest is None:
        return []
    since = newest - dt.timedelta(weeks=weeks - 1)
    history = ShortageWeek.objects.filter(area=area, week__gte=since).order_by("week")
    trend: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    latest: dict[int, tuple[int, int]] = {}
    for week, occupation, demand, supply in history.values_list("week", "occupation_id", "demand", "supply"):
        trend[occupation].append((week, demand, supply))
        if week == newest:
            latest[occupation] = (demand, supply)
    flagged = {o: ds for o, ds in latest.items() if status_of(*ds) != "balanced"}
    names = dict(Occupation.objects.filter(id__in=flagged).values_list("id", "code"))
    labels = dict(Occupation.objects.filter(id__in=flagged).values_list("id", "name"))
    rows = [
        ShortageRow(names[o], labels[o], d, s, _weekly(trend[o], since, newest))
        for o, (d, s) in flagged.items()
    ]
    short = sorted((r for r in rows if r.status == "short"), key=lambda r: (-r.gap, r.occupation_code))
    surplus = sorted((r for r in rows if r.status == "surplus"), key=lambda r: (r.gap, r.occupation_code))
    return (short + surplus)[:limit]


def _weekly(points: list[tuple[dt.date, int, int]], since: dt.date, newest: dt.date):
    """Every week from `since` to `newest`, zeros where the occupation had no row."""
    by_week = {w: (d, s) for w, d, s in points}
    out = []
    week = since
    while week <= newest:
        d, s = by_week.get(week, (0, 0))
        out.append((week, d, s))
        week += dt.timedelta(days=7)
    return out


def weeks_short(areas: list[str], weeks: int = TREND_WEEKS) -> dict[str, int]:
    """occupation code → in how many of the last `weeks` finished weeks it was short in any of `areas`
    (town codes and/or "city"). A lasting shortage is worth training for; one busy week is not."""
    newest = ShortageWeek.objects.filter(area__in=areas).aggregate(w=Max("week"))["w"]
    if newest is None:
        return {}
    rows = ShortageWeek.objects.filter(
        area__in=areas, week__gt=newest - dt.timedelta(weeks=weeks), demand__gte=MIN_OPENINGS
    ).values_list("week", "occupation__code", "demand", "supply")
    short: dict[str, set[dt.date]] = defaultdict(set)
    for week, code, demand, supply in rows:
        if status_of(demand, supply) == "short":
            short[code].add(week)
    return {code: len(found) for code, found in short.items()}
