"""Station directory health, computed live: stations missing public information, stations whose
service ledger has gone quiet, and towns short of an operating 零工市场 or 就业驿站.

Each list is one or two queries whatever the number of stations (hours are prefetched, the last
ledger day is an aggregate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max, Q

from lingong.places.coverage import town_coverage
from lingong.places.models import Station, StationKind, StationStatus, Town

from .dashboard_tables import Table

SILENT_DAYS = 7
NEVER = "从未记录"


def missing_items(station: Station) -> list[str]:
    """What the public directory lacks for this station: the directory's own rule, plus services."""
    missing = station.missing_public_info()
    if not station.services:
        missing.append("服务项目")
    return missing


def missing_info(towns: Iterable[Town]) -> Table:
    stations = (
        Station.objects.public()
        .filter(town__in=towns)
        .select_related("town")
        .prefetch_related("opening_hours")
    )
    rows: list[list[object]] = []
    for s in stations:
        missing = missing_items(s)
        if missing:
            rows.append(
                [s.name, s.get_kind_display(), s.town.name, s.get_status_display(), "、".join(missing)]
            )
    return Table(
        "missing",
        "公开信息不全的站点",
        ["站点", "类型", "镇街", "状态", "缺少的信息"],
        rows,
        note="名录要求公开地址、开放时间、服务工种、联系人和电话，并列出服务项目（已撤销的站点不计）。",
    )


def silent_ledgers(towns: Iterable[Town], today: dt.date) -> Table:
    """Operating stations with no valid ledger line in the last SILENT_DAYS days (or none ever)."""
    stations = (
        Station.objects.filter(status=StationStatus.OPERATING, town__in=towns)
        .select_related("town")
        .annotate(last=Max("ledger_entries__day", filter=Q(ledger_entries__voided_at__isnull=True)))
    )
    cutoff = today - dt.timedelta(days=SILENT_DAYS)
    quiet = [s for s in stations if s.last is None or s.last <= cutoff]
    quiet.sort(key=lambda s: (s.last is not None, s.last or today, s.town.plan_seq, s.name))
    rows: list[list[object]] = [
        [
            s.name,
            s.get_kind_display(),
            s.town.name,
            s.last or NEVER,
            (today - s.last).days if s.last else None,
        ]
        for s in quiet
    ]
    return Table(
        "silent",
        "台账沉寂的站点",
        ["站点", "类型", "镇街", "最近台账记录", "未记录天数"],
        rows,
        note=f"运营中的站点，{SILENT_DAYS} 天及以上没有有效台账记录（作废的记录不算）。",
    )


def towns_short(towns: Iterable[Town]) -> Table:
    """Towns without at least one operating 零工市场 and one operating 就业驿站 (the plan's rule)."""
    ids = {t.id for t in towns}
    gig, station = StationKind.GIG_MARKET, StationKind.EMPLOYMENT_STATION
    rows: list[list[object]] = [
        [
            c.town.name,
            c.operating[gig],
            c.operating[station],
            c.in_progress[gig],
            c.in_progress[station],
            "、".join(c.missing),
        ]
        for c in town_coverage()
        if c.town.id in ids and c.missing
    ]
    headers = [
        "镇街",
        "运营中的零工市场",
        "运营中的就业驿站",
        "在建的零工市场",
        "在建的就业驿站",
        "缺少",
    ]
    note = "建设方案要求每个镇街至少有一个运营中的零工市场和一个运营中的就业驿站。"
    return Table("towns", "站点不足的镇街", headers, rows, note=note)


def health_tables(towns: list[Town], today: dt.date) -> list[Table]:
    return [missing_info(towns), silent_ledgers(towns, today), towns_short(towns)]
