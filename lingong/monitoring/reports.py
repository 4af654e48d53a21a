"""Monthly and quarterly reports: periods, areas, and the figures of each topic as plain JSON.

Everything is read from the daily snapshots (never from personal records): flow figures are summed
over the period's days, stock figures are taken on the period's last day with data. The JSON keeps one
table per topic (headers, rows, 合计), so the workbook, the printable page and the PDF all show exactly
what was generated.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Min, Sum

from lingong.ledger.models import ServiceType
from lingong.places.models import Station, Town

from .definitions import ATTRIBUTION, ATTRIBUTION_LABEL, BY_FIELD, METRICS, RATIO_DEFINITION, RATIO_LABEL
from .models import DailySnapshot, ReportKind, Scope
from .read import FLOW_FIELDS, STOCK_FIELDS, figures, ratio, station_league

CITY = "city"
CITY_NAME = "中山市"
RATIO = "job_seeker_ratio"
# The headline cards of the printable page, in order.
CARDS = [
    "seekers_active",
    "open_headcount",
    RATIO,
    "bookings",
    "completions",
    "pay_confirmed_yuan",
    "services",
    "arrears_open",
    "hardship_placed",
]


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == ReportKind.QUARTER:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def slug(self) -> str:
        if self.kind == ReportKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)

    def previous(self) -> Period:
        return period_of(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return period_of(self.kind, self.end + dt.timedelta(days=1))


def period_of(kind: str, day: dt.date) -> Period:
    """The month or quarter containing `day`."""
    first_month = day.month if kind == ReportKind.MONTH else (day.month - 1) // 3 * 3 + 1
    last_month = first_month if kind == ReportKind.MONTH else first_month + 2
    last_day = calendar.monthrange(day.year, last_month)[1]
    return Period(kind, dt.date(day.year, first_month, 1), dt.date(day.year, last_month, last_day))


def parse_period(kind: object, text: object) -> Period:
    """'2024-03' (a month; for a quarter, any month of it) or '2024-Q1'; ValidationError in Chinese."""
    kind = str(kind or "")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": ["请选择报表类型：月报或季报"]})
    raw = str(text or "").strip()
    quarter = re.fullmatch(r"(\d{4})-?Q([1-4])", raw, flags=re.IGNORECASE)
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
    if quarter and kind == ReportKind.QUARTER:
        year, first_month = int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1
    elif month and 1 <= int(month.group(2)) <= 12:
        year, first_month = int(month.group(1)), int(month.group(2))
    else:
        example = "2024-03（季报填该季度任一月份，或 2024-Q1）" if kind == ReportKind.QUARTER else "2024-03"
        raise ValidationError(
            {"period": [f"期间“{raw}”无效，请写成 {example} 这样的格式" if raw else "请选择期间"]}
        )
    if not 2000 <= year <= 2100:
        raise ValidationError({"period": [f"期间“{raw}”超出范围"]})
    return period_of(kind, dt.date(year, first_month, 1))


@dataclass(frozen=True)
class Area:
    key: str  # "city" or the town code
    name: str
    town: Town | None

    @property
    def scope(self) -> str:
        return Scope.CITY.value if self.town is None else Scope.TOWN.value


def city_area() -> Area:
    return Area(CITY, CITY_NAME, None)


def area_for(key: object) -> Area:
    key = str(key or "").strip()
    if key in ("", CITY):
        return city_area()
    town = Town.objects.filter(code=key).first()
    if town is None:
        raise ValidationError({"area": [f"找不到镇街“{key}”，请从列表中选择"]})
    return Area(town.code, town.name, town)


def data_days(area: Area, period: Period) -> tuple[dt.date | None, dt.date | None, int]:
    """First and last snapshot day of the area within the period, and how many days have one."""
    found = DailySnapshot.objects.filter(
        scope=area.scope, key=area.key, day__range=(period.start, period.end)
    ).aggregate(first=Min("day"), last=Max("day"))
    if found["last"] is None:
        return None, None, 0
    count = DailySnapshot.objects.filter(
        scope=area.scope, key=area.key, day__range=(period.start, period.end)
    ).count()
    return found["first"], found["last"], count


def _num(value: object) -> object:
    """JSON-friendly numbers: money as yuan with 2 decimals, None kept (shown as a blank or —)."""
    if isinstance(value, Decimal):
        return float(round(value, 2))
    if isinstance(value, float):
        return round(value, 2)
    return value


def period_unit(field: str) -> str:
    """A day's distinct people (人) summed over several days are person-days (人次)."""
    m = BY_FIELD[field]
    return "人次" if m.kind == "flow" and m.unit == "人" else m.unit


def _describe(field: str) -> tuple[str, str, str]:
    """Label, unit and 口径 of a figure (the ratio included)."""
    if field == RATIO:
        return RATIO_LABEL, "", "期末数"
    m = BY_FIELD[field]
    return m.label, period_unit(field), "期末数" if m.kind == "stock" else "期间合计"


def _change(now: object, before: object) -> str | None:
    if before in (None, 0) or now is None:
        return None
    pct = (float(now) - float(before)) / float(before) * 100  # type: ignore[arg-type]
    return f"{pct:+.1f}%"


@dataclass
class Unit:
    """One row of a per-town or per-station table: its stocks at the end, flows summed, services."""

    key: str
    name: str
    values: dict[str, object]
    services: dict[str, int]


def units(area: Area, period: Period, as_of: dt.date) -> list[Unit]:
    """Towns (city report) or the town's stations (town report), with their figures for the period."""
    rows = DailySnapshot.objects.filter(day__range=(period.start, as_of))
    if area.town is None:
        rows = rows.filter(scope=Scope.TOWN)
        names = list(Town.objects.order_by("plan_seq").values_list("code", "name"))
    else:
        rows = rows.filter(scope=Scope.STATION, town=area.town)
        keys = set(rows.values_list("key", flat=True).distinct())
        names = list(
            Station.objects.filter(code__in=keys).order_by("kind", "name").values_list("code", "name")
        )
    stocks = {r["key"]: r for r in rows.filter(day=as_of).values("key", *STOCK_FIELDS)}
    flows = {r["key"]: r for r in rows.order_by().values("key").annotate(**{f: Sum(f) for f in FLOW_FIELDS})}
    services: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, by_type in rows.values_list("key", "services_by_type"):
        for code, n in (by_type or {}).items():
            services[key][code] += int(n or 0)
    out = []
    for key, name in names:
        values: dict[str, object] = {f: (stocks.get(key) or {}).get(f, 0) for f in STOCK_FIELDS}
        values |= {f: _num((flows.get(key) or {}).get(f) or 0) for f in FLOW_FIELDS}
        out.append(Unit(key, name, values, dict(services[key])))
    return out


def _table(key: str, name: str, note: str, headers: list[str], rows: list[list], totals=None) -> dict:
    return {"key": key, "name": name, "note": note, "headers": headers, "rows": rows, "totals": totals}


def _minus(a: object, b: object) -> object:
    """a − b, whole numbers staying whole (money keeps its 2 decimals)."""
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return _num(Decimal(str(a)) - Decimal(str(b)))


def _sum(rows: list[list], col: int) -> object:
    values = [r[col] or 0 for r in rows]
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return _num(sum(Decimal(str(v)) for v in values))


def _totals(rows: list[list], columns: range) -> list[object]:
    return ["合计", *(_sum(rows, c) for c in columns)]


def overview(area: Area, period: Period, as_of: dt.date) -> tuple[dict, list[dict]]:
    """概况: every figure this period and last, and the headline cards."""
    now = figures(area.scope, area.key, as_of, days=(as_of - period.start).days + 1)
    prev_period = period.previous()
    _first, prev_as_of, _n = data_days(area, prev_period)
    before = (
        figures(area.scope, area.key, prev_as_of, days=(prev_as_of - prev_period.start).days + 1)
        if prev_as_of
        else {}
    )
    fields = [m.field for m in METRICS]
    fields.insert(fields.index("open_headcount") + 1, RATIO)
    rows = []
    for f in fields:
        cur, old = _num(now[f]), _num(before.get(f)) if before else None
        diff = _minus(cur, old) if cur is not None and old is not None else None
        rows.append([*_describe(f), cur, old, diff, _change(cur, old)])
    note = (
        f"本期：{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}；上期：{prev_period.label}"
        f"{'' if before else '（无快照数据）'}。期末数为 {as_of:%Y年%m月%d日} 的数，其余为期间合计。"
    )
    headers = ["指标", "单位", "口径", "本期", "上期", "增减", "增减幅度"]
    table = _table("overview", "概况", note, headers, rows)
    cards = [
        {
            "label": _describe(f)[0],
            "unit": _describe(f)[1],
            "value": _num(now[f]),
            "change": _change(now[f], before.get(f)),
        }
        for f in CARDS
    ]
    return table, cards


def supply_demand(label: str, rows_in: list[Unit], as_of: dt.date) -> dict:
    fields = ["seekers_registered", "seekers_active", "open_headcount"]
    flows = ["gigs_new", "applications", "bookings", "completions"]
    rows = []
    for u in rows_in:
        v = u.values
        r = ratio(float(v["open_headcount"]), float(v["seekers_active"]))  # type: ignore[arg-type]
        rows.append([u.name, *(v[f] for f in fields), r, *(v[f] for f in flows)])
    headers = [label, *(BY_FIELD[f].label for f in fields), RATIO_LABEL, *(BY_FIELD[f].label for f in flows)]
    totals = _totals(rows, range(1, len(headers)))
    totals[4] = ratio(float(totals[3]), float(totals[2]))  # type: ignore[arg-type]
    note = (
        f"登记求职者、活跃求职者、在招人数为期末（{as_of:%m月%d日}）数，求人倍率 = 在招人数 ÷ 活跃求职者；"
        "其余为期间合计。"
    )
    if label == "站点":
        note += "站点合计不含未归属站点的岗位和求职者，全镇数见“概况”。"
    return _table("supply", "求职与岗位", note, headers, rows, totals)


def services_table(label: str, rows_in: list[Unit]) -> dict:
    codes = list(ServiceType.values)
    codes += sorted({c for u in rows_in for c in u.services} - set(codes))
    labels = dict(ServiceType.choices)
    rows = [[u.name, *(u.services.get(c, 0) for c in codes), sum(u.services.values())] for u in rows_in]
    headers = [label, *(labels.get(c, c) for c in codes), "合计"]
    note = "单位：服务人次（求职者每条计 1 人次，匿名来访按人数计，作废的不计）。"
    return _table("services", "服务台账", note, headers, rows, _totals(rows, range(1, len(headers))))


def simple_table(key: str, name: str, label: str, rows_in: list[Unit], columns, note: str) -> dict:
    headers = [label, *(head for head, _f in columns)]
    rows = [[u.name, *(u.values[f] for _h, f in columns)] for u in rows_in]
    return _table(key, name, note, headers, rows, _totals(rows, range(1, len(headers))))


def shortage(area: Area, period: Period) -> dict:
    weeks = max(1, math.ceil(period.days / 7))
    headers = ["序号", "职业代码", "职业", "需求人数", "活跃求职者", "供求比", "缺口", "判断"]
    try:
        from .shortage import shortage_table

        found = shortage_table(area=area.key, weeks=weeks, limit=15)
    except ImportError:
        found = []
    rows = [
        [
            n,
            r.occupation_code,
            r.occupation_name,
            r.demand,
            r.supply,
            _num(r.ratio),
            r.gap,
            r.status_label,
        ]
        for n, r in enumerate(found, start=1)
    ]
    note = (
        "生成报表时最近一周的职业供求（紧缺的在前，富余的在后）：需求为在招人数，供给为有意向从事该职业的"
        "活跃求职者，供求比 = 需求 ÷ 供给，缺口 = 需求 − 供给。"
    )
    if not rows:
        note += "本期没有可比较的职业供求数据。"
    return _table("shortage", "短缺职业", note, headers, rows)


def league(area: Area, period: Period, as_of: dt.date) -> dict:
    found = station_league(
        as_of, days=(as_of - period.start).days + 1, town_code=area.town.code if area.town else None
    )
    fields = ("services", "bookings", "hardship_served", "events_held")
    rows = [
        [n, r["station__name"], r["town__name"], *(r[f] or 0 for f in fields)]
        for n, r in enumerate(found, start=1)
    ]
    headers = ["名次", "站点", "镇街", "台账服务人次", "录用", "服务困难人员", "举办活动"]
    note = "按期间台账服务人次排序，相同时按录用人次；列前 20 名。"
    return _table("league", "站点排行", note, headers, rows)


def definitions_table() -> dict:
    rows = [[m.label, m.unit, "期末数" if m.kind == "stock" else "期间合计", m.definition] for m in METRICS]
    rows.append([RATIO_LABEL, "", "期末数", RATIO_DEFINITION])
    rows.append([ATTRIBUTION_LABEL, "", "", ATTRIBUTION])
    note = "期末数：期间最后一天结束时的数；期间合计：期间内每天的数相加（按日去重的人数相加后为人次）。"
    return _table("definitions", "指标说明", note, ["指标", "单位", "口径", "定义"], rows)


def build(area: Area, period: Period) -> dict:
    """The report's figures; the caller has checked that the area has snapshots in the period."""
    _first, as_of, count = data_days(area, period)
    assert as_of is not None
    label = "镇街" if area.town is None else "站点"
    per = units(area, period, as_of)
    summary, cards = overview(area, period, as_of)
    sheets = [
        summary,
        supply_demand(label, per, as_of),
        services_table(label, per),
        simple_table(
            "hardship",
            "困难人员",
            label,
            per,
            [("服务困难人员（人次）", "hardship_served"), ("困难人员上岗（人次）", "hardship_placed")],
            "按日去重后相加，同一人在不同日期各计一次。",
        ),
        simple_table(
            "arrears",
            "欠薪",
            label,
            per,
            [
                ("确认收款（笔）", "pay_confirmed"),
                ("确认收款金额（元）", "pay_confirmed_yuan"),
                ("新增疑似欠薪（件）", "arrears_opened"),
                ("办结疑似欠薪（件）", "arrears_closed"),
                ("期末在办（件）", "arrears_open"),
            ],
            f"期末在办为 {as_of:%m月%d日} 结束时尚未办结的件数，其余为期间合计。",
        ),
        simple_table(
            "events",
            "招聘活动",
            label,
            per,
            [
                ("举办活动（场）", "events_held"),
                ("活动报名（人次）", "event_signups"),
                ("达成意向（人次）", "event_intentions"),
                ("活动到岗（人次）", "event_hires"),
            ],
            "期间举办的招聘会、宣讲会、培训和流动招聘，按举办站点（或所在镇街）统计。",
        ),
        shortage(area, period),
        league(area, period, as_of),
        definitions_table(),
    ]
    return {
        "title": f"{area.name}零工市场运行{period.kind_label}（{period.label}）",
        "area_name": area.name,
        "kind_label": period.kind_label,
        "period_label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": as_of.isoformat(),
        "days": period.days,
        "days_with_data": count,
        "cards": cards,
        "sheets": sheets,
    }
