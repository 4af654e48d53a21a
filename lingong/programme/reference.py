"""Loading the 2023 round (phases and budget table) into the database; safe to run on every deploy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lingong.places.models import Town

from . import plan2023
from .models import YUAN_PER_WAN, Phase, Round, TownBudget


@dataclass
class LoadResult:
    round_created: bool
    phases_changed: int
    budgets_created: int
    budgets_updated: int

    def summary(self) -> str:
        return (
            f"建设批次 {plan2023.ROUND_CODE}：{'新建' if self.round_created else '已存在'}，"
            f"阶段更新 {self.phases_changed} 个，"
            f"镇街预算新建 {self.budgets_created} 个、更新 {self.budgets_updated} 个"
        )


def check_budget_table(towns: list[Town]) -> list[str]:
    """Where the plan's budget table and the towns reference data disagree (empty when they agree)."""
    problems = []
    total = sum(wan for _, _, wan, _ in plan2023.BUDGET_TABLE)
    if total != plan2023.BUDGET_TOTAL_WAN:
        problems.append(f"预算表合计 {total} 万元，与方案合计 {plan2023.BUDGET_TOTAL_WAN} 万元不符")
    by_seq = {t.plan_seq: t for t in towns}
    for seq, plan_name, wan, _ in plan2023.BUDGET_TABLE:
        town = by_seq.get(seq)
        if town is None:
            problems.append(f"预算表第{seq}行（{plan_name}）找不到对应镇街")
        elif town.name_in_plan != plan_name:
            problems.append(f"预算表第{seq}行是“{plan_name}”，镇街数据为“{town.name_in_plan}”")
        elif town.budget_wan != wan:
            problems.append(f"{town.name}：预算表 {wan} 万元，镇街数据 {town.budget_wan} 万元")
    return problems


@transaction.atomic
def load_round_2023() -> LoadResult:
    """Upsert the 2023 round, its phases and the 23 towns' budgets. Co-funding entered by towns is kept."""
    rnd, created = Round.objects.get_or_create(
        code=plan2023.ROUND_CODE,
        defaults={**plan2023.ROUND, "is_current": not Round.objects.filter(is_current=True).exists()},
    )
    phases_changed = 0
    for seq, key, name, due, demo_due, description in plan2023.PHASES:
        values = {
            "seq": seq,
            "name": name,
            "due_on": due,
            "demo_due_on": demo_due,
            "description": description,
        }
        phase = Phase.objects.filter(round=rnd, key=key).first()
        if phase is None:
            Phase.objects.create(round=rnd, key=key, **values)
            phases_changed += 1
        elif any(getattr(phase, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(phase, f, v)
            phase.save()
            phases_changed += 1
    towns = list(Town.objects.all())
    budgets_created = budgets_updated = 0
    if towns:
        problems = check_budget_table(towns)
        if problems:
            raise ValueError("；".join(problems))
        by_seq = {t.plan_seq: t for t in towns}
        existing = {b.town_id: b for b in TownBudget.objects.filter(round=rnd)}
        for seq, _, wan, grant in plan2023.BUDGET_TABLE:
            town = by_seq[seq]
            plan_amount, demo_grant = wan * YUAN_PER_WAN, grant * YUAN_PER_WAN
            budget = existing.get(town.id)
            if budget is None:
                TownBudget.objects.create(
                    round=rnd, town=town, plan_amount=plan_amount, demo_grant=demo_grant
                )
                budgets_created += 1
            elif (budget.plan_amount, budget.demo_grant) != (plan_amount, demo_grant):
                budget.plan_amount, budget.demo_grant = plan_amount, demo_grant
                budget.save(update_fields=["plan_amount", "demo_grant", "updated_at"])
                budgets_updated += 1
    return LoadResult(created, phases_changed, budgets_created, budgets_updated)
