"""Totals for the ledger views, roll-ups and exports: one place that counts, so pages and files agree.

服务人次 (persons served) counts a named worker as one and an anonymous line as its walk-in count;
voided lines never count.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Sum, Value, When

from lingong.places.models import Station, Town

from .models import LedgerEntry, LedgerEntryQuerySet, ServiceType

SERVICES: list[tuple[str, str]] = list(ServiceType.choices)
PERSONS = Sum(
    Case(When(worker__isnull=False, then=Value(1)), default=F("walk_in_count"), output_field=IntegerField())
)


class PeriodError(ValueError):
    """A date or month people can fix; the message is shown to them as is."""


# The ledger starts with the 2023 plan; a bound on the other side keeps date arithmetic safe.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_day(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"日期“{text}”无效，请写成 2024-03-05 这样的格式") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(f"日期“{text}”超出范围")
    return day


def parse_month(text: str | None, default: dt.date) -> dt.date:
    """The first day of the month named 'YYYY-MM' (or of the default's month)."""
    if not text:
        return default.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise PeriodError(f"月份“{text}”无效，请写成 2024-03 这样的格式")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_days(first: dt.date) -> list[dt.date]:
    count = calendar.monthrange(first.year, first.month)[1]
    return [first.replace(day=d) for d in range(1, count + 1)]


def shift_month(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class ServiceTotal:
    code: str
    label: str
    lines: int = 0
    persons: int = 0


@dataclass
class ByService:
    """Totals per service type for a station's day or month, in the fixed order of ServiceType."""

    rows: list[ServiceTotal]
    lines: int = 0
    persons: int = 0

    @property
    def chart(self) -> dict:
        return {"labels": [r.label for r in self.rows], "values": [r.persons for r in self.rows]}

    @property
    def peak(self) -> int:
        return max([r.persons for r in self.rows] + [1])


def by_service(entries: LedgerEntryQuerySet) -> ByService:
    counted = {
        row["service"]: row
        for row in entries.valid().order_by().values("service").annotate(lines=Count("id"), persons=PERSONS)
    }
    rows = [
        ServiceTotal(
            code, label, counted.get(code, {}).get("lines", 0), counted.get(code, {}).get("persons") or 0
        )
        for code, label in SERVICES
    ]
    return ByService(rows, sum(r.lines for r in rows), sum(r.persons for r in rows))


@dataclass
class Row:
    key: str
    label: str
    cells: list[int]
    total: int = 0


@dataclass
class Grid:
    """A table of 服务人次: rows (services, stations or towns) × columns (days or services), with totals."""

    title: str
    columns: list[tuple[str, str]]
    rows: list[Row]
    totals: list[int] = field(default_factory=list)
    grand: int = 0

    def finish(self) -> Grid:
        for row in self.rows:
            row.total = sum(row.cells)
        self.totals = [sum(r.cells[i] for r in self.rows) for i in range(len(self.columns))]
        self.grand = sum(self.totals)
        return self

    @property
    def chart(self) -> dict:
        return {"labels": [r.label for r in self.rows], "values": [r.total for r in self.rows]}


def _month_range(first: dt.date) -> tuple[dt.date, dt.date]:
    return first, shift_month(first, 1) - dt.timedelta(days=1)


def station_month(station: Station, first: dt.date) -> Grid:
    """Services × days of the month for one station."""
    start, end = _month_range(first)
    days = month_days(first)
    cells: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in (
        LedgerEntry.objects.valid()
        .filter(station=station, day__range=(start, end))
        .order_by()
        .values("service", "day")
        .annotate(persons=PERSONS)
    ):
        cells[row["service"]][row["day"]] = row["persons"] or 0
    grid = Grid(
        title=f"{station.name} {first.year}年{first.month}月服务台账汇总",
        columns=[(d.isoformat(), f"{d.day}日") for d in days],
        rows=[Row(code, label, [cells[code].get(d, 0) for d in days]) for code, label in SERVICES],
    )
    return grid.finish()


def _by_service_for(group: str, entries: LedgerEntryQuerySet) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in entries.valid().order_by().values(group, "service").annotate(persons=PERSONS):
        out[row[group]][row["service"]] = row["persons"] or 0
    return out


def town_month(town: Town, first: dt.date) -> Grid:
    """Stations of one town × services for the month."""
    start, end = _month_range(first)
    stations = list(Station.objects.filter(town=town).order_by("kind", "name"))
    counted = _by_service_for(
        "station_id", LedgerEntry.objects.filter(station__town=town, day__range=(start, end))
    )
    grid = Grid(
        title=f"{town.name} {first.year}年{first.month}月各站点服务台账汇总",
        columns=SERVICES,
        rows=[Row(s.code, s.name, [counted[s.pk].get(code, 0) for code, _ in SERVICES]) for s in stations],
    )
    return grid.finish()


def city_month(first: dt.date) -> Grid:
    """Towns × services for the month, across the city."""
    start, end = _month_range(first)
    towns = list(Town.objects.order_by("plan_seq"))
    counted = _by_service_for("station__town_id", LedgerEntry.objects.filter(day__range=(start, end)))
    grid = Grid(
        title=f"中山市 {first.year}年{first.month}月各镇街服务台账汇总",
        columns=SERVICES,
        rows=[Row(t.code, t.name, [counted[t.pk].get(code, 0) for code, _ in SERVICES]) for t in towns],
    )
    return grid.finish()
