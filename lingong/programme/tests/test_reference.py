"""The 2023 round as reference data: phases with the plan's dates, the budget table (113.5 万元)."""

import datetime as dt
from decimal import Decimal

import pytest

from lingong.places.models import Town
from lingong.programme import plan2023
from lingong.programme.models import Phase, Round, TownBudget
from lingong.programme.reference import check_budget_table, load_round_2023

pytestmark = pytest.mark.django_db


def test_budget_table_sums_to_113_5_with_four_demonstration_towns():
    assert sum(w for _, _, w, _ in plan2023.BUDGET_TABLE) == Decimal("113.5") == plan2023.BUDGET_TOTAL_WAN
    assert len(plan2023.BUDGET_TABLE) == 23
    demo = [(name, wan, grant) for _, name, wan, grant in plan2023.BUDGET_TABLE if grant]
    assert demo == [
        (n, Decimal("11.75"), Decimal("10")) for n in ("石岐街道", "东区街道", "南区街道", "小榄镇")
    ]
    assert {w for _, _, w, g in plan2023.BUDGET_TABLE if not g} == {Decimal("3.5")}


def test_budget_table_matches_the_towns_reference_data(towns):
    assert check_budget_table(list(Town.objects.all())) == []
    assert sum(t.budget_wan for t in Town.objects.all()) == Decimal("113.5")


def test_loaded_budgets_are_in_yuan_and_match_town_budget_wan(rnd):
    budgets = TownBudget.objects.filter(round=rnd).select_related("town")
    assert budgets.count() == 23
    for b in budgets:
        assert b.plan_amount == b.town.budget_wan * 10000
    assert sum(b.plan_amount for b in budgets) == Decimal("1135000.00")
    assert sum(b.demo_grant for b in budgets) == Decimal("400000.00")


def test_phases_carry_the_plan_dates(rnd):
    phases = {p.key: p for p in Phase.objects.filter(round=rnd)}
    assert [p.name for p in sorted(phases.values(), key=lambda p: p.seq)] == [
        "调研摸底",
        "建设实施",
        "验收运营",
    ]
    assert phases["survey"].due_on == dt.date(2023, 9, 15)
    assert phases["building"].due_on == dt.date(2023, 10, 31)
    assert phases["acceptance"].due_on == dt.date(2023, 12, 31)
    assert phases["acceptance"].demo_due_on == dt.date(2023, 11, 15)
    assert rnd.is_current


def test_reloading_is_idempotent_and_keeps_co_funding(rnd):
    b = TownBudget.objects.get(round=rnd, town__short="小榄")
    b.co_funding = Decimal("20000.00")
    b.save()
    result = load_round_2023()
    assert (result.round_created, result.budgets_created, result.budgets_updated) == (False, 0, 0)
    assert TownBudget.objects.get(pk=b.pk).co_funding == Decimal("20000.00")
    assert Round.objects.count() == 1


def test_a_town_whose_budget_disagrees_with_the_plan_is_refused(towns):
    Town.objects.filter(short="神湾").update(budget_wan=Decimal("4"))
    with pytest.raises(ValueError, match="神湾镇：预算表 3.5 万元，镇街数据 4"):
        load_round_2023()
