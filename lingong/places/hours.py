"""Opening hours: parsing what staff type, and deciding whether a station is open at a moment."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from .models import WEEKDAYS, Station, StationStatus

INTERVAL_RE = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-－—~～至到]\s*(\d{1,2})[:：](\d{2})$")


def parse_intervals(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "09:00-12:00, 14:00-17:30" → intervals. Blank means closed. Raises ValueError in Chinese."""
    intervals: list[tuple[dt.time, dt.time]] = []
    # "08:30 - 12:00" is one interval: close the gaps around separators before splitting on spaces.
    compact = re.sub(r"\s*([-－—~～至到:：])\s*", r"\1", (text or "").strip())
    for part in re.split(r"[,，;；、\s]+", compact):
        if not part:
            continue
        m = INTERVAL_RE.match(part)
        if not m:
            raise ValueError(f"“{part}”不是有效的时间段，请写成 09:00-12:00")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 > 0):
            raise ValueError(f"“{part}”中的时间不存在")
        opens = dt.time(h1, m1)
        closes = dt.time(23, 59) if h2 == 24 else dt.time(h2, m2)
        if opens >= closes:
            raise ValueError(f"“{part}”的开门时间应早于关门时间")
        intervals.append((opens, closes))
    intervals.sort()
    for (_, c1), (o2, _) in zip(intervals, intervals[1:], strict=False):
        if o2 < c1:
            raise ValueError("同一天的时间段不能重叠")
    return intervals


def format_intervals(intervals) -> str:
    return "，".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in intervals)


def weekly_summary(station: Station) -> list[tuple[str, str]]:
    """[(周一, "09:00-12:00，14:00-17:30"), …] with 休息 for closed days."""
    by_day: dict[int, list] = {d: [] for d in range(7)}
    for h in station.opening_hours.all():
        by_day[h.weekday].append((h.opens, h.closes))
    return [(WEEKDAYS[d], format_intervals(by_day[d]) or "休息") for d in range(7)]


def intervals_on(station: Station, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The hours that apply on a date: an exception for that date replaces the weekly pattern."""
    for exc in station.hours_exceptions.all():
        if exc.date == day:
            if exc.closed or exc.opens is None or exc.closes is None:
                return []
            return [(exc.opens, exc.closes)]
    return [(h.opens, h.closes) for h in station.opening_hours.all() if h.weekday == day.weekday()]


def is_open_at(station: Station, when: dt.datetime | None = None) -> bool:
    """Open when operating and the local time falls inside one of that date's intervals."""
    if station.status != StationStatus.OPERATING:
        return False
    local = timezone.localtime(when) if when is not None else timezone.localtime()
    now = local.time()
    return any(o <= now < c for o, c in intervals_on(station, local.date()))


def parse_exceptions(text: str) -> list[dict]:
    """Lines like "2026-10-01 闭馆 国庆节" or "2026-12-24 09:00-12:00 平安夜" → exception dicts."""
    rows: list[dict] = []
    seen: set[dt.date] = set()
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise ValueError(f"第{n}行：日期应写成 2026-10-01 这样的格式") from None
        if day in seen:
            raise ValueError(f"第{n}行：{day} 重复了")
        seen.add(day)
        if len(parts) < 2:
            raise ValueError(f"第{n}行：请在日期后写“闭馆”或时间段，如 09:00-12:00")
        note = " ".join(parts[2:])[:60]
        if parts[1] in {"闭馆", "休息", "关闭"}:
            rows.append({"date": day, "closed": True, "opens": None, "closes": None, "note": note})
            continue
        try:
            intervals = parse_intervals(parts[1])
        except ValueError as exc:
            raise ValueError(f"第{n}行：{exc}") from None
        if len(intervals) != 1:
            raise ValueError(f"第{n}行：特殊开放日只填一个时间段")
        (opens, closes) = intervals[0]
        rows.append({"date": day, "closed": False, "opens": opens, "closes": closes, "note": note})
    return rows


def format_exceptions(station: Station) -> str:
    lines = []
    for exc in station.hours_exceptions.all():
        when = "闭馆" if exc.closed else f"{exc.opens:%H:%M}-{exc.closes:%H:%M}"
        lines.append(f"{exc.date.isoformat()} {when} {exc.note}".strip())
    return "\n".join(lines)
