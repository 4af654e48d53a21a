"""What the dashboard and the big screen show for one area on the newest snapshot day.

Everything is read from the daily snapshots (read.py) and the weekly shortage table, with a fixed
number of queries however long the history is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from .access import Area
from .dashboard_tables import Table, Trend, bar_chart, cell_text, line_chart, total
from .definitions import BY_FIELD, HEADLINE, RATIO_DEFINITION, RATIO_LABEL, Metric
from .read import Headline, headlines, ratio, series, station_league, towns_on
from .shortage import TREND_WEEKS, shortage_table

TREND_DAYS = 90
LEAGUE_DAYS = 30
LEAGUE_SIZE = 20
TREND_FIELDS = [
    "applications",
    "bookings",
    "completions",
    "services",
    "hardship_served",
    "hardship_placed",
    "arrears_opened",
    "arrears_closed",
    "arrears_open",
]
RATIO_METRIC = Metric("job_seeker_ratio", RATIO_LABEL, "", "stock", RATIO_DEFINITION)
# Figures where a rise is bad news; for the others a rise is good news (the ratio is neither).
BAD_WHEN_UP = {"arrears_open", "arrears_opened"}
NEUTRAL = {"job_seeker_ratio"}


@dataclass(frozen=True)
class RatioHeadline(Headline):
    """The 求人倍率 card: the ratio may be missing (nobody looking), and then nothing is compared."""

    @staticmethod
    def change(now, before) -> float | None:
        return None if now is None else Headline.change(now, before)


@dataclass(frozen=True)
class Change:
    percent: float | None
    field: str

    @property
    def text(self) -> str:
        if self.percent is None:
            return "—"
        if self.percent == 0:
            return "持平"
        return f"{'▲' if self.percent > 0 else '▼'} {abs(self.percent):.1f}%"

    @property
    def css(self) -> str:
        if not self.percent:
            return "flat"
        up = self.percent > 0
        if self.field in NEUTRAL:
            return "up" if up else "down"
        good = up != (self.field in BAD_WHEN_UP)
        return f"{'up' if up else 'down'} {'good' if good else 'bad'}"


@dataclass(frozen=True)
class Card:
    headline: Headline

    @property
    def metric(self) -> Metric:
        return self.headline.metric

    @property
    def period(self) -> str:
        return "当日" if self.metric.kind == "stock" else "近7天"

    @property
    def value(self) -> object:
        return self.headline.value

    @property
    def value_text(self) -> str:
        return cell_text(self.value)

    @property
    def vs_week(self) -> Change:
        return Change(self.headline.vs_week, self.metric.field)

    @property
    def vs_month(self) -> Change:
        return Change(self.headline.vs_month, self.metric.field)


class Dashboard:
    """The figures of one area (city or town) on one snapshot day."""

    def __init__(self, area: Area, day: dt.date):
        self.area = area
        self.day = day

    @cached_property
    def cards(self) -> list[Card]:
        found = headlines(self.area.scope, self.area.key, self.day, HEADLINE)
        by_field = {h.metric.field: h for h in found}
        seekers, places = by_field["seekers_active"], by_field["open_headcount"]
        pairs = [(places.value, seekers.value), (places.week_ago, seekers.week_ago)]
        pairs.append((places.month_ago, seekers.month_ago))
        # A ratio is None when nobody is looking; RatioHeadline compares nothing then.
        ratios = RatioHeadline(RATIO_METRIC, *(ratio(float(p), float(s)) for p, s in pairs))  # type: ignore[arg-type]
        return [Card(h) for h in [*found, ratios]]

    @cached_property
    def history(self) -> list[dict[str, object]]:
        return series(self.area.scope, self.area.key, TREND_FIELDS, self.day, days=TREND_DAYS)

    def _by_day(self, name: str, title: str, fields: list[str], *, totals: bool = True) -> Table:
        rows = [[r["day"], *(r[f] for f in fields)] for r in self.history]
        headers = ["日期", *(BY_FIELD[f].label if f in BY_FIELD else RATIO_LABEL for f in fields)]
        sums: list[object] | None = (
            ["合计", *(total(rows, i + 1) for i in range(len(fields)))] if totals else None
        )
        return Table(name, title, headers, rows, sums, note=f"近 {TREND_DAYS} 天，每日数值")

    # The tables, by download name. Each is built on first use.

    @cached_property
    def headline(self) -> Table:
        headers = ["指标", "口径", "数值", "单位", "一周前", "较上周(%)", "一个月前", "较上月(%)"]
        rows: list[list[object]] = [
            [
                c.metric.label,
                c.period,
                c.value,
                c.metric.unit,
                c.headline.week_ago,
                c.headline.vs_week,
                c.headline.month_ago,
                c.headline.vs_month,
            ]
            for c in self.cards
        ]
        return Table("headline", "主要指标", headers, rows, note="存量指标为当日数，流量指标为近 7 天合计")

    @cached_property
    def supply(self) -> Table:
        table = self._by_day(
            "supply", "供求趋势", ["seekers_active", "open_headcount", "job_seeker_ratio"], totals=False
        )
        table.chart = line_chart(table, [1, 2, 3], ratio=3)
        return table

    @cached_property
    def flows(self) -> Table:
        table = self._by_day("flows", "报名、录用与完工", ["applications", "bookings", "completions"])
        table.chart = line_chart(table, [1, 2, 3])
        return table

    @cached_property
    def services(self) -> Table:
        table = self._by_day("services", "站点台账服务", ["services"])
        table.chart = line_chart(table, [1], kinds={1: "bar"})
        return table

    @cached_property
    def hardship(self) -> Table:
        table = self._by_day("hardship", "困难人员服务", ["hardship_served", "hardship_placed"])
        table.chart = line_chart(table, [1, 2], kinds={1: "bar", 2: "bar"})
        return table

    @cached_property
    def arrears(self) -> Table:
        table = self._by_day("arrears", "疑似欠薪", ["arrears_opened", "arrears_closed", "arrears_open"])
        if table.totals:
            table.totals[3] = None  # a stock figure: its sum means nothing (the newest is on the card)
        table.chart = line_chart(table, [1, 2, 3], kinds={1: "bar", 2: "bar"})
        return table

    @cached_property
    def towns(self) -> Table:
        """求人倍率 and its parts per town (city view), with the city's own figures as the last row."""
        rows: list[list[object]] = [
            [
                r["town__name"],
                r["seekers_active"],
                r["open_headcount"],
                r["job_seeker_ratio"],
                r["gigs_open"],
                r["bookings"],
            ]
            for r in self.town_rows
        ]
        c = {card.metric.field: card.value for card in self.cards}
        city = ["全市", c["seekers_active"], c["open_headcount"], c["job_seeker_ratio"], c["gigs_open"]]
        headers = ["镇街", "活跃求职者", "在招人数", RATIO_LABEL, "在招岗位", "近7天录用"]
        table = Table("towns", "各镇街求人倍率", headers, rows, [*city, c["bookings"]])
        table.chart = bar_chart([r[0] for r in rows], [(RATIO_LABEL, [r[3] for r in rows])])
        return table

    @cached_property
    def town_rows(self) -> list[dict[str, object]]:
        return towns_on(self.day) if self.area.town is None else []

    @cached_property
    def map_points(self) -> list[dict[str, object]]:
        return [
            {
                "name": r["town__name"],
                "lat": r["town__lat"],
                "lng": r["town__lng"],
                "ratio": r["job_seeker_ratio"],
                "seekers": r["seekers_active"],
                "places": r["open_headcount"],
            }
            for r in self.town_rows
        ]

    @cached_property
    def shortage(self) -> Table:
        found = shortage_table(self.area.key, weeks=TREND_WEEKS)
        headers = [
            "职业编码",
            "职业",
            "需求人数",
            "活跃求职者",
            "供求比",
            "缺口",
            "状态",
            f"近{TREND_WEEKS}周走势",
        ]
        rows: list[list[object]] = [
            [
                r.occupation_code,
                r.occupation_name,
                r.demand,
                r.supply,
                r.ratio,
                r.gap,
                r.status_label,
                Trend(r.trend),
            ]
            for r in found
        ]
        week = found[0].trend[-1][0] if found and found[0].trend else None
        note = f"{week:%Y-%m-%d} 起的一周" if week else ""
        table = Table("shortage", "紧缺与富余职业", headers, rows, note=note)
        labels = [r[1] for r in rows]
        table.chart = bar_chart(
            labels,
            [("需求人数", [r[2] for r in rows]), ("活跃求职者", [r[3] for r in rows])],
            horizontal=True,
        )
        return table

    @cached_property
    def stations(self) -> Table:
        town = self.area.town.code if self.area.town else None
        found = station_league(self.day, days=LEAGUE_DAYS, town_code=town, limit=LEAGUE_SIZE)
        rows: list[list[object]] = [
            [
                i,
                r["station__name"],
                r["town__name"],
                r["services"] or 0,
                r["bookings"] or 0,
                r["hardship_served"] or 0,
                r["events_held"] or 0,
            ]
            for i, r in enumerate(found, start=1)
        ]
        headers = ["名次", "站点", "镇街", "台账服务人次", "录用", "服务困难人员", "举办活动"]
        table = Table(
            "stations", "站点活跃度排行", headers, rows, note=f"近 {LEAGUE_DAYS} 天，前 {LEAGUE_SIZE} 名"
        )
        table.chart = bar_chart(
            [r[1] for r in rows], [("台账服务人次", [r[3] for r in rows])], horizontal=True
        )
        return table

    @property
    def table_names(self) -> list[str]:
        names = ["headline", "supply", "flows", "services"]
        if self.area.town is None:
            names.append("towns")
        return [*names, "shortage", "stations", "hardship", "arrears"]

    def table(self, name: str) -> Table | None:
        return getattr(self, name) if name in self.table_names else None

    def charts(self, names: list[str]) -> dict[str, object]:
        return {name: getattr(self, name).chart for name in names if name in self.table_names}
