"""Budget versus actual per town and category, the alerts, and the rows of the finance office's exports.

Rules (P-12):
- A town's budget is the plan's figure plus approved adjustments (市级专项资金). Town co-funding
  (镇街配套资金) is tracked beside it and compared with what was spent from it.
- Category breakdowns are of the city funds, the money the plan accounts for.
- Alerts: city spending above the budget (超预算); town spending above the recorded co-funding;
  a category above its allocation; any spending in a category the plan does not list (其他); spending
  without a voucher; pending adjustments. Spending is recorded even when it raises an alert: the
  ledger must show what was really paid, and the alert makes the town and the city act on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import (
    PLAN_CATEGORIES,
    AdjustmentStatus,
    Allocation,
    BudgetAdjustment,
    Category,
    Expenditure,
    FundSource,
    TownBudget,
)
from .money import wan_text

ZERO = Decimal(0)
NEAR_LIMIT = Decimal("0.9")


@dataclass(frozen=True)
class Alert:
    level: str  # "danger" | "warning" | "info"
    text: str


@dataclass
class Figures:
    budget: TownBudget
    approved: Decimal = ZERO
    pending: Decimal = ZERO
    pending_count: int = 0
    spent_city: Decimal = ZERO
    spent_town: Decimal = ZERO
    city_by_category: dict[str, Decimal] = field(default_factory=dict)
    town_by_category: dict[str, Decimal] = field(default_factory=dict)
    allocations: dict[str, Decimal] = field(default_factory=dict)
    other_count: int = 0
    other_amount: Decimal = ZERO
    missing_vouchers: int = 0

    @property
    def town(self):
        return self.budget.town

    @property
    def effective(self) -> Decimal:
        """The budget the town answers for: the plan's figure plus approved adjustments."""
        return self.budget.plan_amount + self.approved

    @property
    def remaining(self) -> Decimal:
        return self.effective - self.spent_city

    @property
    def spent_total(self) -> Decimal:
        return self.spent_city + self.spent_town

    @property
    def rate(self) -> Decimal | None:
        return (self.spent_city / self.effective) if self.effective else None

    @property
    def over_budget(self) -> bool:
        return self.spent_city > self.effective

    @property
    def alerts(self) -> list[Alert]:
        return alerts_for(self)

    @property
    def level(self) -> str:
        levels = {a.level for a in self.alerts}
        return next((lv for lv in ("danger", "warning", "info") if lv in levels), "")


def figures_for(budgets: Iterable[TownBudget]) -> list[Figures]:
    """Figures for many budgets in a handful of queries (no per-town queries)."""
    out = {b.id: Figures(b) for b in budgets}
    ids = list(out)
    adj = (
        BudgetAdjustment.objects.filter(budget_id__in=ids)
        .values("budget_id", "status")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    for row in adj:
        fig = out[row["budget_id"]]
        if row["status"] == AdjustmentStatus.APPROVED:
            fig.approved = row["total"] or ZERO
        elif row["status"] == AdjustmentStatus.PENDING:
            fig.pending, fig.pending_count = row["total"] or ZERO, row["n"]
    spending = (
        Expenditure.objects.live()
        .filter(budget_id__in=ids)
        .values("budget_id", "source", "category")
        .annotate(total=Sum("amount"), n=Count("id"), no_voucher=Count("id", filter=Q(voucher="")))
    )
    for row in spending:
        fig = out[row["budget_id"]]
        total, cat = row["total"] or ZERO, row["category"]
        if row["source"] == FundSource.TOWN:
            fig.spent_town += total
            fig.town_by_category[cat] = fig.town_by_category.get(cat, ZERO) + total
        else:
            fig.spent_city += total
            fig.city_by_category[cat] = fig.city_by_category.get(cat, ZERO) + total
        if cat not in PLAN_CATEGORIES:
            fig.other_count += row["n"]
            fig.other_amount += total
        fig.missing_vouchers += row["no_voucher"]
    for alloc in Allocation.objects.filter(budget_id__in=ids).values("budget_id", "category", "amount"):
        out[alloc["budget_id"]].allocations[alloc["category"]] = alloc["amount"]
    return list(out.values())


def alerts_for(fig: Figures) -> list[Alert]:
    alerts = []
    if fig.over_budget:
        alerts.append(
            Alert(
                "danger",
                f"市级专项资金已支出 {wan_text(fig.spent_city)} 万元，超过预算 {wan_text(fig.effective)} 万元"
                f"（超出 {fig.spent_city - fig.effective:,.2f} 元）",
            )
        )
    elif fig.effective and fig.spent_city >= fig.effective * NEAR_LIMIT:
        alerts.append(
            Alert(
                "info", f"预算执行率已达 {fig.spent_city / fig.effective:.0%}，剩余 {fig.remaining:,.2f} 元"
            )
        )
    if fig.spent_town > fig.budget.co_funding:
        alerts.append(
            Alert(
                "warning",
                f"镇街配套资金已支出 {wan_text(fig.spent_town)} 万元，超过登记的配套资金 "
                f"{wan_text(fig.budget.co_funding)} 万元",
            )
        )
    if fig.allocations:
        for cat in PLAN_CATEGORIES:
            spent, allotted = fig.city_by_category.get(cat, ZERO), fig.allocations.get(cat, ZERO)
            if spent > allotted:
                alerts.append(
                    Alert(
                        "warning",
                        f"{Category(cat).label}支出 {wan_text(spent)} 万元，"
                        f"超过分配的 {wan_text(allotted)} 万元",
                    )
                )
    if fig.other_count:
        alerts.append(
            Alert(
                "warning",
                f"有 {fig.other_count} 笔支出（{fig.other_amount:,.2f} 元）"
                "不属于建设方案允许的资金使用范围，需市级复核",
            )
        )
    if fig.missing_vouchers:
        alerts.append(Alert("info", f"有 {fig.missing_vouchers} 笔支出尚未上传凭证"))
    if fig.pending_count:
        alerts.append(Alert("info", f"有 {fig.pending_count} 项预算调整待市级审批"))
    return alerts


# --- exports ---------------------------------------------------------------------------------------

SUMMARY_HEADERS = [
    "序号",
    "镇街",
    "方案预算(万元)",
    "其中示范点补助(万元)",
    "已批准调整(万元)",
    "调整后预算(万元)",
    *[f"{Category(c).label}(万元)" for c in Category.values],
    "市级资金支出(万元)",
    "结余(万元)",
    "执行率",
    "镇街配套资金(万元)",
    "配套资金支出(万元)",
    "预警",
]


def _wan(yuan: Decimal) -> Decimal:
    """万元 to the 分 (6 decimals), so the exported sheet adds up exactly to the ledger."""
    return (yuan / Decimal(10000)).quantize(Decimal("0.000001"))


def summary_rows(figs: Sequence[Figures]) -> Iterator[list[object]]:
    """One row per town and a 合计 row; amounts as numbers in 万元 so the finance office can add them up."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for fig in figs:
        b = fig.budget
        cats = [fig.city_by_category.get(c, ZERO) for c in Category.values]
        values = {
            "plan": b.plan_amount,
            "grant": b.demo_grant,
            "adj": fig.approved,
            "eff": fig.effective,
            "spent": fig.spent_city,
            "rem": fig.remaining,
            "co": b.co_funding,
            "co_spent": fig.spent_town,
        }
        for k, v in values.items():
            sums[k] += v
        for c, v in zip(Category.values, cats, strict=True):
            sums[c] += v
        rate = f"{fig.rate:.1%}" if fig.rate is not None else "—"
        yield [
            b.town.plan_seq,
            b.town.name_in_plan or b.town.name,
            _wan(b.plan_amount),
            _wan(b.demo_grant),
            _wan(fig.approved),
            _wan(fig.effective),
            *[_wan(v) for v in cats],
            _wan(fig.spent_city),
            _wan(fig.remaining),
            rate,
            _wan(b.co_funding),
            _wan(fig.spent_town),
            "；".join(a.text for a in fig.alerts if a.level != "info"),
        ]
    total_rate = f"{sums['spent'] / sums['eff']:.1%}" if sums["eff"] else "—"
    yield [
        "合计",
        "",
        _wan(sums["plan"]),
        _wan(sums["grant"]),
        _wan(sums["adj"]),
        _wan(sums["eff"]),
        *[_wan(sums[c]) for c in Category.values],
        _wan(sums["spent"]),
        _wan(sums["rem"]),
        total_rate,
        _wan(sums["co"]),
        _wan(sums["co_spent"]),
        "",
    ]


EXPENDITURE_HEADERS = [
    "编号",
    "支出日期",
    "镇街",
    "站点",
    "类别",
    "项目",
    "金额(元)",
    "资金来源",
    "供应商/收款方",
    "用途说明",
    "方案允许的使用范围",
    "凭证",
    "录入人",
    "录入时间",
]


def expenditure_rows(expenditures: Iterable[Expenditure]) -> Iterator[list[object]]:
    total = ZERO
    count = 0
    for e in expenditures:
        total += e.amount
        count += 1
        yield [
            e.code,
            e.spent_on,
            e.budget.town.name,
            e.station.name if e.station else "",
            e.get_category_display(),
            e.item,
            e.amount,
            e.get_source_display(),
            e.supplier,
            e.description,
            "是" if e.in_plan else "否",
            e.voucher_name or "缺凭证",
            str(e.recorded_by),
            timezone.localtime(e.recorded_at).strftime("%Y-%m-%d %H:%M"),
        ]
    yield ["合计", f"{count} 笔", "", "", "", "", total, "", "", "", "", "", "", ""]
