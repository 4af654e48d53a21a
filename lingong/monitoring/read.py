"""Reading the snapshots: headline figures with their changes, trends, towns side by side, the station
league. The dashboard, the reports and the public API all read through here.

Headline figures: a stock figure (登记、活跃、在招、在办) is its value on the snapshot day; a flow figure
(录用、收款、服务…) is its total over the 7 days ending that day. "较上周" compares with the same figure
7 days earlier, "较上月" with the figure 30 days earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Sum

from .definitions import BY_FIELD, METRICS, Metric
from .models import DailySnapshot, Scope

WEEK = 7
MONTH = 30
NUMBER_FIELDS = [m.field for m in METRICS]
FLOW_FIELDS = [m.field for m in METRICS if m.kind == "flow"]
STOCK_FIELDS = [m.field for m in METRICS if m.kind == "stock"]


def latest_day() -> dt.date | None:
    return DailySnapshot.objects.filter(scope=Scope.CITY).aggregate(d=Max("day"))["d"]


def ratio(open_headcount: float, seekers_active: float) -> float | None:
    """求人倍率, rounded to 2 places; None when nobody is looking."""
    return round(open_headcount / seekers_active, 2) if seekers_active else None


def figures(scope: str, key: str, day: dt.date, days: int = WEEK) -> dict[str, object]:
    """Stock figures on `day` and flow totals over the `days` days ending on `day` (zeros when absent)."""
    rows = DailySnapshot.objects.filter(scope=scope, key=key)
    stock = rows.filter(day=day).values(*STOCK_FIELDS).first() or {}
    flows = rows.filter(day__gt=day - dt.timedelta(days=days), day__lte=day).aggregate(
        **{f: Sum(f) for f in FLOW_FIELDS}
    )
    out: dict[str, object] = {f: stock.get(f, 0) for f in STOCK_FIELDS}
    out.update({f: flows[f] or 0 for f in FLOW_FIELDS})
    out["job_seeker_ratio"] = ratio(float(out["open_headcount"]), float(out["seekers_active"]))  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class Headline:
    metric: Metric
    value: float | Decimal
    week_ago: float | Decimal
    month_ago: float | Decimal

    @staticmethod
    def change(now, before) -> float | None:
        """Percentage change; None when there is nothing to compare with."""
        if not before:
            return None
        return round((float(now) - float(before)) / float(before) * 100, 1)

    @property
    def vs_week(self) -> float | None:
        return self.change(self.value, self.week_ago)

    @property
    def vs_month(self) -> float | None:
        return self.change(self.value, self.month_ago)


def headlines(scope: str, key: str, day: dt.date, fields: list[str]) -> list[Headline]:
    now = figures(scope, key, day)
    week = figures(scope, key, day - dt.timedelta(days=WEEK))
    month = figures(scope, key, day - dt.timedelta(days=MONTH))
    return [Headline(BY_FIELD[f], now[f], week[f], month[f]) for f in fields]  # type: ignore[arg-type]


def series(scope: str, key: str, fields: list[str], end: dt.date, days: int = 90) -> list[dict[str, object]]:
    """One row per day (oldest first) with the asked fields and the 求人倍率."""
    rows = (
        DailySnapshot.objects.filter(
            scope=scope, key=key, day__gt=end - dt.timedelta(days=days), day__lte=end
        )
        .order_by("day")
        .values("day", "open_headcount", "seekers_active", *fields)
    )
    return [{**r, "job_seeker_ratio": ratio(r["open_headcount"], r["seekers_active"])} for r in rows]


def towns_on(day: dt.date, days: int = WEEK) -> list[dict[str, object]]:
    """Each town's figures on `day` (flows over `days` days), in the towns' order, with name and point."""
    stock = {
        r["key"]: r
        for r in DailySnapshot.objects.filter(scope=Scope.TOWN, day=day).values(
            "key", "town__name", "town__lat", "town__lng", *STOCK_FIELDS
        )
    }
    flows = {
        r["key"]: r
        for r in DailySnapshot.objects.filter(
            scope=Scope.TOWN, day__gt=day - dt.timedelta(days=days), day__lte=day
        )
        .values("key")
        .annotate(**{f: Sum(f) for f in FLOW_FIELDS})
    }
    out = []
    for key in sorted(stock):
        row = {**stock[key], **{f: (flows.get(key) or {}).get(f) or 0 for f in FLOW_FIELDS}}
        row["job_seeker_ratio"] = ratio(row["open_headcount"], row["seekers_active"])
        out.append(row)
    return out


def station_league(day: dt.date, days: int = MONTH, town_code: str | None = None, limit: int = 20):
    """Stations ranked by services given, then bookings, over the `days` days ending on `day`."""
    rows = DailySnapshot.objects.filter(
        scope=Scope.STATION, day__gt=day - dt.timedelta(days=days), day__lte=day
    )
    if town_code:
        rows = rows.filter(town__code=town_code)
    return list(
        rows.values("key", "station__name", "town__name")
        .annotate(
            services=Sum("services"),
            bookings=Sum("bookings"),
            hardship_served=Sum("hardship_served"),
            events_held=Sum("events_held"),
        )
        .order_by("-services", "-bookings", "key")[:limit]
    )
