"""Later construction rounds (建设批次): the city sets up a new round with its phases, due dates and the
towns' budgets, the way the 2023 plan did. Stations join a round through their progress record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.places.models import Town

from .models import YUAN_PER_WAN, Phase, PhaseKey, Round, TownBudget
from .services import clean_text


@transaction.atomic
def create_round(
    *,
    actor: User,
    code: str,
    name: str,
    starts_on: dt.date,
    phases: dict[str, tuple[dt.date, dt.date | None]],
    budgets_wan: dict[Town, Decimal] | None = None,
    make_current: bool = False,
) -> Round:
    """phases: {"survey"|"building"|"acceptance": (due, due for demonstration sites or None)}, all three,
    in date order; budgets_wan: each town's budget in 万元 (towns left out get none)."""
    if not actor.is_city_admin:
        raise PermissionDenied("只有市级管理员可以设立建设批次")
    code = clean_text(code, field="code", max_length=12, required="请填写批次编号")
    name = clean_text(name, field="name", max_length=60, required="请填写批次名称")
    if Round.objects.filter(code=code).exists():
        raise ValidationError({"code": ["已有相同编号的建设批次"]})
    if set(phases) != set(PhaseKey.values):
        raise ValidationError({"phases": ["须填写调研摸底、建设实施、验收运营三个阶段的完成时间"]})
    dues = [phases[k][0] for k in PhaseKey.values]
    if dues != sorted(dues) or dues[0] < starts_on:
        raise ValidationError({"phases": ["各阶段完成时间须晚于开始日期并按阶段先后排列"]})
    budgets = {}
    for town, wan in (budgets_wan or {}).items():
        wan = Decimal(wan)
        if wan < 0 or wan != wan.quantize(Decimal("0.000001")):
            raise ValidationError({"budgets": [f"{town.name}的预算应为不小于 0 的万元数（精确到分）"]})
        budgets[town] = wan
    if make_current:
        Round.objects.filter(is_current=True).update(is_current=False)
    rnd = Round.objects.create(code=code, name=name, starts_on=starts_on, is_current=make_current)
    for seq, key in enumerate(PhaseKey.values, start=1):
        due, demo_due = phases[key]
        Phase.objects.create(
            round=rnd, seq=seq, key=key, name=PhaseKey(key).label, due_on=due, demo_due_on=demo_due
        )
    TownBudget.objects.bulk_create(
        TownBudget(round=rnd, town=town, plan_amount=wan * YUAN_PER_WAN) for town, wan in budgets.items()
    )
    audit.record(
        actor,
        "programme.round",
        rnd,
        summary=f"设立建设批次：{name}",
        after={
            "phases": {k: v[0] for k, v in phases.items()},
            "budget_wan": str(sum(budgets.values(), Decimal(0))),
        },
    )
    return rnd
