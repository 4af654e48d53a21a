"""Compute one day's figures from the raw records, for the city, every town, station and 大类.

The definitions are in definitions.py. Each figure is one grouped query (or a few for the distinct
counts), attributed to the place it belongs to:

- gigs (open, new, open places): the gig's town, the station that posted it for the employer (if any)
  and its occupation's 大类;
- applications, bookings, completions and pay: the gig's town and 大类, and the station that serves the
  worker (a station's placements are its own people's, wherever the work is);
- arrears: the case's town (the employer's, whose staff handle it) and the station following it, and the
  gig's 大类;
- job seekers: their home town (else their station's town), their station, the 大类 of each occupation
  they list (so one seeker may count in several categories, and categories do not sum to the city);
- ledger services, hardship service and events: the station (and its town); no category;
- hardship placements: as bookings, or the station of the assistance plan.

A `People` map of the seekers is loaded once per run so a backfill of many days reads it once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from lingong.assistance.models import AssistancePlan
from lingong.assistance.models import Outcome as PlanOutcome
from lingong.events.models import Event, Outcome, OutcomeKind, Signup
from lingong.gigs.models import HOLDS_PLACE, Application, AppStatus, Gig, GigStatus, PayRecord, Shift
from lingong.ledger.models import LedgerEntry
from lingong.places.models import Station, Town
from lingong.rights.models import ArrearsCase
from lingong.workers.models import HardshipRecord, HardshipStatus, Worker, WorkerOccupation, WorkerStatus

from .definitions import ACTIVE_DAYS
from .models import DailySnapshot, Scope, SeekerActivity

CATEGORIES = [str(d) for d in range(1, 9)]
PLACED_OUTCOMES = (PlanOutcome.MARKET, PlanOutcome.PUBLIC_WELFARE)
# A booking still held a place at a moment if it is held now, or ended as a no-show (it held the place
# until the shift), or was cancelled after that moment (its last change is the cancellation).
HELD_AFTER = (*HOLDS_PLACE, AppStatus.NO_SHOW)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def category_of(occupation_code: str | None) -> str | None:
    return occupation_code[0] if occupation_code else None


@dataclass
class People:
    """Where each registered seeker counts: town, station, categories, and since when."""

    town: dict[int, int | None] = field(default_factory=dict)
    station: dict[int, int | None] = field(default_factory=dict)
    registered: dict[int, dt.datetime] = field(default_factory=dict)
    categories: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    hardship: dict[int, list[tuple[dt.date | None, dt.date | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def load(cls) -> People:
        people = cls()
        rows = Worker.objects.filter(status=WorkerStatus.ACTIVE).values_list(
            "id", "home_town_id", "station_id", "station__town_id", "registered_at"
        )
        for wid, home_town, station, station_town, registered_at in rows.iterator(chunk_size=5000):
            people.town[wid] = home_town or station_town
            people.station[wid] = station
            people.registered[wid] = registered_at
        occupations = WorkerOccupation.objects.values_list("worker_id", "occupation__code")
        for wid, code in occupations.iterator(chunk_size=5000):
            if wid in people.town:
                people.categories[wid].add(code[0])
        hardships = HardshipRecord.objects.filter(status=HardshipStatus.VERIFIED).values_list(
            "worker_id", "verified_at", "valid_until"
        )
        for wid, verified_at, valid_until in hardships:
            since = timezone.localdate(verified_at) if verified_at else None
            people.hardship[wid].append((since, valid_until))
        return people

    def registered_by(self, moment: dt.datetime) -> list[int]:
        return [wid for wid, at in self.registered.items() if at < moment]

    def in_hardship(self, wid: int, day: dt.date) -> bool:
        return any(
            (since is None or since <= day) and (until is None or until >= day)
            for since, until in self.hardship.get(wid, ())
        )


# (identity, town id, station id, categories) of someone or something counted once per scope.
Member = tuple[object, int | None, int | None, Iterable[str | None]]


class Tally:
    """Adds figures into every scope they belong to: the city, a town, a station, a category."""

    def __init__(self, towns: dict[int, str], stations: dict[int, tuple[str, int]]):
        self.towns = towns
        self.stations = stations
        self.values: dict[tuple[str, str], dict[str, object]] = defaultdict(dict)

    def keys(
        self, town: int | None, station: int | None, categories: Iterable[str | None]
    ) -> list[tuple[str, str]]:
        keys = [(Scope.CITY.value, "city")]
        if station in self.stations:
            code, station_town = self.stations[station]
            keys.append((Scope.STATION.value, code))
            town = town or station_town
        if town in self.towns:
            keys.append((Scope.TOWN.value, self.towns[town]))
        keys.extend((Scope.CATEGORY.value, c) for c in categories if c)
        return keys

    def add(self, metric: str, n, town: int | None, station: int | None = None, categories=()) -> None:
        for key in self.keys(town, station, categories):
            bucket = self.values[key]
            bucket[metric] = bucket.get(metric, 0) + n  # type: ignore[operator]

    def add_distinct(self, metric: str, members: Iterable[Member]):
        """Count distinct members per scope: members are (identity, town, station, categories)."""
        seen: dict[tuple[str, str], set[object]] = defaultdict(set)
        for identity, town, station, categories in members:
            for key in self.keys(town, station, categories):
                seen[key].add(identity)
        for key, ids in seen.items():
            self.values[key][metric] = len(ids)

    def add_services(self, service: str, n: int, town: int | None, station: int | None) -> None:
        for key in self.keys(town, station, ()):
            by_type = cast(dict[str, int], self.values[key].setdefault("services_by_type", {}))
            by_type[service] = by_type.get(service, 0) + n


def compute_day(day: dt.date, people: People | None = None) -> list[DailySnapshot]:
    """The snapshot rows of `day` (unsaved): one for the city, each town, station and category."""
    people = people or People.load()
    start, end = day_bounds(day)
    towns = dict(Town.objects.values_list("id", "code"))
    stations = {sid: (code, town) for sid, code, town in Station.objects.values_list("id", "code", "town_id")}
    tally = Tally(towns, stations)

    _seekers(tally, people, day, end)
    _gigs(tally, start, end)
    _flows(tally, start, end)
    _arrears(tally, start, end)
    _services(tally, people, day, start, end)
    _events(tally, start, end)

    town_ids = {code: tid for tid, code in towns.items()}
    station_refs = {code: (sid, town) for sid, (code, town) in stations.items()}
    rows = [DailySnapshot(day=day, scope=Scope.CITY, key="city")]
    rows += [
        DailySnapshot(day=day, scope=Scope.TOWN, key=code, town_id=town_ids[code]) for code in towns.values()
    ]
    rows += [
        DailySnapshot(day=day, scope=Scope.STATION, key=code, station_id=sid, town_id=town)
        for code, (sid, town) in station_refs.items()
    ]
    rows += [DailySnapshot(day=day, scope=Scope.CATEGORY, key=c) for c in CATEGORIES]
    for row in rows:
        for metric, value in tally.values.get((row.scope, row.key), {}).items():
            setattr(row, metric, value)
    return rows


def active_seekers(day: dt.date) -> set[int]:
    """Workers who searched, applied or were served in the ACTIVE_DAYS days ending on `day`."""
    since = day - dt.timedelta(days=ACTIVE_DAYS - 1)
    window_start, _ = day_bounds(since)
    _, end = day_bounds(day)
    active: set[int] = set()
    active.update(
        SeekerActivity.objects.filter(day__gte=since, day__lte=day).values_list("worker_id", flat=True)
    )
    active.update(
        Application.objects.filter(created_at__gte=window_start, created_at__lt=end).values_list(
            "worker_id", flat=True
        )
    )
    active.update(
        LedgerEntry.objects.filter(day__gte=since, day__lte=day, worker__isnull=False, voided_at__isnull=True)
        .values_list("worker_id", flat=True)
        .distinct()
    )
    return active


def _seekers(tally: Tally, people: People, day: dt.date, end: dt.datetime) -> None:
    for wid in people.registered_by(end):
        tally.add(
            "seekers_registered", 1, people.town[wid], people.station[wid], people.categories.get(wid, ())
        )
    for wid in active_seekers(day):
        if wid in people.registered and people.registered[wid] < end:
            tally.add(
                "seekers_active", 1, people.town[wid], people.station[wid], people.categories.get(wid, ())
            )


def _open_at(end: dt.datetime) -> Q:
    """Gigs published by `end` and still recruiting then (closed or cancelled: until last changed)."""
    return Q(published_at__lt=end) & (
        Q(status=GigStatus.OPEN) | Q(status__in=[GigStatus.CLOSED, GigStatus.CANCELLED], updated_at__gte=end)
    )


def open_places(end: dt.datetime, horizon: dt.datetime | None = None) -> list[tuple]:
    """(shift id, open places, gig id, town id, station id, occupation id, occupation code) for every shift
    starting at or after `end` (and before `horizon`) of a gig still recruiting at `end`."""
    shifts = Shift.objects.filter(starts_at__gte=end, gig__in=Gig.objects.filter(_open_at(end)))
    if horizon is not None:
        shifts = shifts.filter(starts_at__lt=horizon)
    rows = list(
        shifts.values_list(
            "id",
            "headcount",
            "gig_id",
            "gig__town_id",
            "gig__station_id",
            "gig__occupation_id",
            "gig__occupation__code",
        )
    )
    held = dict(
        # A subquery, not a list of ids: a city's future shifts may outnumber a query's parameters.
        Application.objects.filter(shift__in=shifts.values("id"), booked_at__lt=end)
        .filter(Q(status__in=HELD_AFTER) | Q(status=AppStatus.CANCELLED, updated_at__gte=end))
        .values("shift_id")
        .annotate(n=Count("id"))
        .values_list("shift_id", "n")
    )
    return [(sid, max(0, headcount - held.get(sid, 0)), *rest) for sid, headcount, *rest in rows]


def _gigs(tally: Tally, start: dt.datetime, end: dt.datetime) -> None:
    open_gigs: list[Member] = []
    for _shift, places, gig_id, town, station, _occupation, code in open_places(end):
        categories = [category_of(code)]
        tally.add("open_headcount", places, town, station, categories)
        open_gigs.append((gig_id, town, station, categories))
    tally.add_distinct("gigs_open", open_gigs)

    new = (
        Gig.objects.filter(published_at__gte=start, published_at__lt=end)
        .values("town_id", "station_id", "occupation__code")
        .annotate(n=Count("id"))
    )
    for row in new:
        tally.add(
            "gigs_new", row["n"], row["town_id"], row["station_id"], [category_of(row["occupation__code"])]
        )


# Work done: where the work is (the gig's town and 大类) and the station that serves the worker (so a
# station's placements are its own people's, wherever the job).
WORK_PLACE = ("gig__town_id", "worker__station_id", "gig__occupation__code")


def _by_work(tally: Tally, metric: str, rows) -> None:
    for town, station, occupation, n in rows.annotate(n=Count("id")).values_list(*WORK_PLACE, "n"):
        tally.add(metric, n, town, station, [category_of(occupation)])


def _flows(tally: Tally, start: dt.datetime, end: dt.datetime) -> None:
    apps = Application.objects.values(*WORK_PLACE)
    _by_work(tally, "applications", apps.filter(created_at__gte=start, created_at__lt=end))
    _by_work(tally, "bookings", apps.filter(booked_at__gte=start, booked_at__lt=end))
    done = apps.filter(status=AppStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end)
    _by_work(tally, "completions", done)
    pay = (
        PayRecord.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
        .values(*(f"application__{p}" for p in WORK_PLACE))
        .annotate(n=Count("id"), yuan=Sum("amount"))
        .values_list(*(f"application__{p}" for p in WORK_PLACE), "n", "yuan")
    )
    for town, station, occupation, n, yuan in pay:
        categories = [category_of(occupation)]
        tally.add("pay_confirmed", n, town, station, categories)
        tally.add("pay_confirmed_yuan", yuan or Decimal(0), town, station, categories)


def _arrears(tally: Tally, start: dt.datetime, end: dt.datetime) -> None:
    place = ("town_id", "station_id", "gig__occupation__code")
    cases = ArrearsCase.objects.values(*place)
    groups = [
        ("arrears_opened", cases.filter(opened_at__gte=start, opened_at__lt=end)),
        ("arrears_closed", cases.filter(resolved_at__gte=start, resolved_at__lt=end)),
        (
            "arrears_open",
            cases.filter(opened_at__lt=end).filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)),
        ),
    ]
    for metric, qs in groups:
        for row in qs.annotate(n=Count("id")):
            tally.add(
                metric,
                row["n"],
                row["town_id"],
                row["station_id"],
                [category_of(row["gig__occupation__code"])],
            )


def _services(tally: Tally, people: People, day: dt.date, start: dt.datetime, end: dt.datetime) -> None:
    lines = LedgerEntry.objects.filter(day=day, voided_at__isnull=True)
    served: list[Member] = []
    for station, town, service, worker, walk_ins in lines.values_list(
        "station_id", "station__town_id", "service", "worker_id", "walk_in_count"
    ):
        n = 1 if worker else max(walk_ins, 1)
        tally.add("services", n, town, station)
        tally.add_services(service, n, town, station)
        if worker and people.in_hardship(worker, day):
            served.append((worker, town, station, ()))
    tally.add_distinct("hardship_served", served)

    placed: list[Member] = []
    booked = Application.objects.filter(booked_at__gte=start, booked_at__lt=end).values_list(
        "worker_id", *WORK_PLACE
    )
    for worker, town, station, occupation in booked:
        if people.in_hardship(worker, day):
            placed.append((worker, town, station, [category_of(occupation)]))
    plans = AssistancePlan.objects.filter(
        closed_at__gte=start, closed_at__lt=end, outcome__in=PLACED_OUTCOMES
    ).values_list("worker_id", "station__town_id", "station_id")
    # A plan may be for a 重点服务 seeker without a hardship record (大龄, long wait): not 困难人员上岗.
    placed.extend(
        (worker, town, station, ()) for worker, town, station in plans if people.in_hardship(worker, day)
    )
    tally.add_distinct("hardship_placed", placed)


def _events(tally: Tally, start: dt.datetime, end: dt.datetime) -> None:
    held = Event.objects.filter(held_at__gte=start, held_at__lt=end).values("town_id", "station_id")
    for row in held.annotate(n=Count("id")):
        tally.add("events_held", row["n"], row["town_id"], row["station_id"])
    signups = Signup.objects.filter(created_at__gte=start, created_at__lt=end).values(
        town_id=F("event__town_id"), station_id=F("event__station_id")
    )
    for row in signups.annotate(n=Count("id")):
        tally.add("event_signups", row["n"], row["town_id"], row["station_id"])
    outcomes = Outcome.objects.filter(recorded_at__gte=start, recorded_at__lt=end).values(
        "kind", town_id=F("event__town_id"), station_id=F("event__station_id")
    )
    for row in outcomes.annotate(n=Count("id")):
        metric = "event_hires" if row["kind"] == OutcomeKind.HIRED else "event_intentions"
        tally.add(metric, row["n"], row["town_id"], row["station_id"])
