"""Public API for the programme: aggregates only (budget and spending per town, construction counts).

No personal data and no single expenditure is exposed; suppliers and vouchers stay in the back office.
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from lingong.places.models import StationStatus, Town

from .access import current_round
from .budget import figures_for
from .models import Category, TownBudget
from .money import wan_float
from .progress import overview

router = Router()


class RoundQuery(Schema):
    round: str = Field(default="", max_length=12, description="建设批次编号，如 2023；不填为当前批次")


class CategorySpending(Schema):
    category: str
    label: str
    in_plan: bool = Field(description="是否属于建设方案允许的资金使用范围")
    spent_wan: float


class TownBudgetOut(Schema):
    town: str
    town_code: str
    name_in_plan: str
    plan_wan: float = Field(description="建设方案资金使用计划表中的预算（万元）")
    demo_grant_wan: float = Field(description="其中市级示范点补助（万元）")
    budget_wan: float = Field(description="方案预算加已批准的调整（万元）")
    spent_wan: float = Field(description="市级专项资金已支出（万元）")
    remaining_wan: float
    co_funding_wan: float = Field(description="镇街配套资金（万元）")
    co_spent_wan: float = Field(description="镇街配套资金已支出（万元）")
    over_budget: bool
    by_category: list[CategorySpending] = Field(description="市级专项资金按类别的支出")


class BudgetOut(Schema):
    round: str
    round_name: str
    plan_total_wan: float = Field(description="方案预算合计（2023 年为 113.5 万元）")
    budget_total_wan: float
    spent_total_wan: float
    towns: list[TownBudgetOut]


class TownProgressOut(Schema):
    town: str
    town_code: str
    survey: int
    building: int
    awaiting_acceptance: int
    operating: int
    overdue: int = Field(description="有逾期事项的站点数")
    missing_kinds: list[str] = Field(
        description="尚无运营中站点的类型（每个镇街至少一个零工市场、一个就业驿站）"
    )


class ProgressOut(Schema):
    round: str
    date: str
    towns: list[TownProgressOut]


@router.get("/budget", response=BudgetOut, auth=None, summary="各镇街建设资金预算与支出（汇总）")
def budget(request, q: Query[RoundQuery]):
    rnd = current_round(q.round or None)
    figs = figures_for(TownBudget.objects.filter(round=rnd).select_related("town"))
    towns = []
    for f in figs:
        towns.append(
            {
                "town": f.town.name,
                "town_code": f.town.code,
                "name_in_plan": f.town.name_in_plan,
                "plan_wan": wan_float(f.budget.plan_amount),
                "demo_grant_wan": wan_float(f.budget.demo_grant),
                "budget_wan": wan_float(f.effective),
                "spent_wan": wan_float(f.spent_city),
                "remaining_wan": wan_float(f.remaining),
                "co_funding_wan": wan_float(f.budget.co_funding),
                "co_spent_wan": wan_float(f.spent_town),
                "over_budget": f.over_budget,
                "by_category": [
                    {
                        "category": c,
                        "label": label,
                        "in_plan": c != Category.OTHER,
                        "spent_wan": wan_float(f.city_by_category.get(c, 0)),
                    }
                    for c, label in Category.choices
                ],
            }
        )
    return {
        "round": rnd.code,
        "round_name": rnd.name,
        "plan_total_wan": wan_float(sum(f.budget.plan_amount for f in figs)),
        "budget_total_wan": wan_float(sum(f.effective for f in figs)),
        "spent_total_wan": wan_float(sum(f.spent_city for f in figs)),
        "towns": towns,
    }


@router.get("/progress", response=ProgressOut, auth=None, summary="各镇街站点建设进度（汇总）")
def progress(request, q: Query[RoundQuery]):
    rnd = current_round(q.round or None)
    today = timezone.localdate()
    rows = overview(Town.objects.all(), rnd, today)
    return {
        "round": rnd.code,
        "date": today.isoformat(),
        "towns": [
            {
                "town": r.town.name,
                "town_code": r.town.code,
                "survey": r.counts[StationStatus.SURVEY],
                "building": r.counts[StationStatus.BUILDING],
                "awaiting_acceptance": r.counts[StationStatus.AWAITING_ACCEPTANCE],
                "operating": r.counts[StationStatus.OPERATING],
                "overdue": r.overdue_count,
                "missing_kinds": r.missing,
            }
            for r in rows
        ],
    }
