"""Typical cases (典型案例, P-22): outstanding stations of a period, picked from the station snapshots,
with the figures that justify each pick, and the text of a draft article about one.

Three kinds, up to TOP stations each:
- 录用人次最多: most bookings on the station's gigs (ties: more completions);
- 欠薪防控最好: among stations with at least MIN_BOOKINGS_PER_MONTH bookings a month (so an idle
  station with no arrears does not win), the fewest suspected arrears opened per booking (ties: more
  bookings);
- 帮扶困难人员上岗最多: most hardship workers placed (ties: more hardship workers served).

Only station and town names and counts are used: the draft article never names a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from .models import CaseKind, DailySnapshot, Scope
from .reports import Period

TOP = 3
MIN_BOOKINGS_PER_MONTH = 10
FIELDS = ("bookings", "completions", "arrears_opened", "hardship_placed", "hardship_served", "services")


@dataclass
class Candidate:
    kind: str
    rank: int
    station_id: int
    town_id: int
    figures: dict
    reason: str


def min_bookings(period: Period) -> int:
    months = 3 if period.kind == "quarter" else 1
    return MIN_BOOKINGS_PER_MONTH * months


def station_totals(period: Period) -> list[dict]:
    """Each station's flows summed over the period, with its name and town."""
    rows = (
        DailySnapshot.objects.filter(scope=Scope.STATION, day__range=(period.start, period.end))
        .order_by()
        .values("key", "station_id", "station__name", "town_id", "town__name")
        .annotate(**{f: Sum(f) for f in FIELDS})
    )
    return [{**r, **{f: r[f] or 0 for f in FIELDS}} for r in rows if r["town_id"] is not None]


def _per_hundred(row: dict) -> float:
    return round(row["arrears_opened"] * 100 / row["bookings"], 1) if row["bookings"] else 0.0


def _reason(kind: str, rank: int, row: dict, period: Period, among: int) -> str:
    where = f"全市第 {rank} 名（共 {among} 个站点参与比较）"
    if kind == CaseKind.PLACEMENTS:
        return f"{period.label}录用 {row['bookings']} 人次、完工 {row['completions']} 人次，{where}。"
    if kind == CaseKind.ARREARS:
        return (
            f"{period.label}录用 {row['bookings']} 人次，新增疑似欠薪 {row['arrears_opened']} 件"
            f"（每百人次 {_per_hundred(row)} 件），{where}。"
        )
    return (
        f"{period.label}帮助就业困难人员上岗 {row['hardship_placed']} 人次、"
        f"服务困难人员 {row['hardship_served']} 人次，{where}。"
    )


def _figures(row: dict, period: Period) -> dict:
    return {
        "station_name": row["station__name"],
        "town_name": row["town__name"],
        "station_code": row["key"],
        "period_label": period.label,
        **{f: row[f] for f in FIELDS},
        "arrears_per_hundred": _per_hundred(row),
    }


def pick(period: Period) -> list[Candidate]:
    """The stations to propose for the period, best first within each kind."""
    rows = station_totals(period)
    floor = min_bookings(period)
    ranked = {
        CaseKind.PLACEMENTS: sorted(
            (r for r in rows if r["bookings"] > 0),
            key=lambda r: (-r["bookings"], -r["completions"], r["key"]),
        ),
        CaseKind.ARREARS: sorted(
            (r for r in rows if r["bookings"] >= floor),
            key=lambda r: (r["arrears_opened"] / r["bookings"], -r["bookings"], r["key"]),
        ),
        CaseKind.HARDSHIP: sorted(
            (r for r in rows if r["hardship_placed"] > 0),
            key=lambda r: (-r["hardship_placed"], -r["hardship_served"], r["key"]),
        ),
    }
    out = []
    for kind, found in ranked.items():
        for rank, row in enumerate(found[:TOP], start=1):
            out.append(
                Candidate(
                    kind=str(kind),
                    rank=rank,
                    station_id=row["station_id"],
                    town_id=row["town_id"],
                    figures=_figures(row, period),
                    reason=_reason(kind, rank, row, period, len(found)),
                )
            )
    return out


def article_text(kind: str, figures: dict, reason: str, start: str, end: str) -> dict[str, str]:
    """Title, summary and body of the draft article: names of the station and town, and counts only."""
    station, town, period = figures["station_name"], figures["town_name"], figures["period_label"]
    where = f"{period}，{station}（{town}）"
    if kind == CaseKind.PLACEMENTS:
        headline = f"{period}录用 {figures['bookings']} 人次"
        lead = f"{where}通过零工市场促成录用 {figures['bookings']} 人次，完工 {figures['completions']} 人次。"
    elif kind == CaseKind.ARREARS:
        clean, rate = not figures["arrears_opened"], figures["arrears_per_hundred"]
        headline = f"{period}录用 {figures['bookings']} 人次，" + (
            "零新增疑似欠薪" if clean else f"每百人次疑似欠薪 {rate} 件"
        )
        lead = f"{where}促成录用 {figures['bookings']} 人次，" + (
            "期间没有新增疑似欠薪。"
            if clean
            else f"新增疑似欠薪 {figures['arrears_opened']} 件，每百人次 {rate} 件。"
        )
    else:
        headline = f"{period}帮助 {figures['hardship_placed']} 人次困难人员上岗"
        lead = (
            f"{where}服务就业困难人员 {figures['hardship_served']} 人次，"
            f"帮助 {figures['hardship_placed']} 人次实现上岗。"
        )
    body = "\n\n".join(
        [
            lead,
            f"推荐依据：{reason}",
            f"同期该站点台账服务 {figures['services']} 人次。",
            "【请在此补充站点的具体做法、服务特色和经验体会，核实后发布。】",
            f"数据来源：中山零工市场信息系统运行监测，统计期间 {start} 至 {end}。",
        ]
    )
    title = f"典型案例｜{station}：{headline}"
    return {"title": title[:120], "summary": lead[:300], "body": body}
