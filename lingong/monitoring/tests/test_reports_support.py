"""Builders for the report and typical-case tests: daily snapshots constructed directly, so the expected
figures are plain sums over the rows (no test functions here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from lingong.monitoring.models import DailySnapshot, Scope


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def values(day: dt.date, scale: int) -> dict:
    """A day's figures: flows and stocks that change from day to day, so sums and end values differ."""
    d = day.day
    return {
        "seekers_registered": 100 * scale + d,
        "seekers_active": 50 * scale + d % 5,
        "gigs_open": 10 * scale,
        "open_headcount": 30 * scale + d,
        "gigs_new": scale,
        "applications": 2 * scale + d % 2,
        "bookings": scale + d % 3,
        "completions": scale,
        "pay_confirmed": scale,
        "pay_confirmed_yuan": Decimal("150.50") * scale,
        "arrears_opened": scale if d == 15 else 0,
        "arrears_closed": scale if d == 20 else 0,
        "arrears_open": scale + (1 if 15 <= d < 20 else 0),
        "hardship_served": scale,
        "hardship_placed": d % 2 * scale,
        "services": 4 * scale,
        "services_by_type": {"registration": scale, "recommendation": 3 * scale},
        "events_held": 1 if d == 10 else 0,
        "event_signups": 5 * scale if d == 10 else 0,
        "event_intentions": scale if d == 10 else 0,
        "event_hires": 1 if d == 10 else 0,
    }


def snapshots(personas, towns, start: dt.date, end: dt.date) -> None:
    """The city, 小榄 and 东区, and stations A (小榄) and B (东区), every day from start to end."""
    xl, dq = towns["小榄"], towns["东区"]
    scopes = [
        (Scope.CITY, "city", None, None, 3),
        (Scope.TOWN, xl.code, xl, None, 1),
        (Scope.TOWN, dq.code, dq, None, 2),
        (Scope.STATION, personas.station_a.code, xl, personas.station_a, 1),
        (Scope.STATION, personas.station_b.code, dq, personas.station_b, 2),
    ]
    DailySnapshot.objects.bulk_create(
        DailySnapshot(day=day, scope=scope, key=key, town=town, station=station, **values(day, scale))
        for day in days(start, end)
        for scope, key, town, station, scale in scopes
    )


def flow_sum(scope: str, key: str, field: str, start: dt.date, end: dt.date):
    return (
        DailySnapshot.objects.filter(scope=scope, key=key, day__range=(start, end)).aggregate(n=Sum(field))[
            "n"
        ]
        or 0
    )


def stock_on(scope: str, key: str, field: str, day: dt.date):
    return DailySnapshot.objects.get(scope=scope, key=key, day=day).__dict__[field]


def station_month(station, start: dt.date, end: dt.date, **totals: int) -> None:
    """Spread a station's totals for a period over its first days (the rest of the day's figures 0)."""
    spread = days(start, end)[:3]
    rows = []
    for i, day in enumerate(spread):
        share = {k: v // len(spread) + (v % len(spread) if i == 0 else 0) for k, v in totals.items()}
        rows.append(
            DailySnapshot(
                day=day, scope=Scope.STATION, key=station.code, station=station, town=station.town, **share
            )
        )
    DailySnapshot.objects.bulk_create(rows)
