"""A later round: its own phases and budgets; stations can be moved into it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lingong.programme import services
from lingong.programme.access import current_round
from lingong.programme.models import Round, TownBudget
from lingong.programme.progress import overdue_items, phases_of
from lingong.programme.rounds import create_round

from .helpers import building_station

pytestmark = pytest.mark.django_db

PHASES_2025 = {
    "survey": (dt.date(2025, 3, 31), None),
    "building": (dt.date(2025, 6, 30), None),
    "acceptance": (dt.date(2025, 9, 30), dt.date(2025, 8, 31)),
}


def test_a_later_round_has_its_own_dates_and_budgets(personas, towns, rnd):
    with pytest.raises(PermissionDenied):
        create_round(
            actor=personas.town_admin_b, code="2025", name="2025年", starts_on=dt.date(2025, 1, 1), phases={}
        )
    with pytest.raises(ValidationError, match="三个阶段"):
        create_round(
            actor=personas.city_admin, code="2025", name="2025年", starts_on=dt.date(2025, 1, 1), phases={}
        )
    backwards = PHASES_2025 | {"survey": (dt.date(2025, 7, 1), None)}
    with pytest.raises(ValidationError, match="按阶段先后排列"):
        create_round(
            actor=personas.city_admin,
            code="2025",
            name="2025年",
            starts_on=dt.date(2025, 1, 1),
            phases=backwards,
        )
    later = create_round(
        actor=personas.city_admin,
        code="2025",
        name="2025年社区就业驿站扩面",
        starts_on=dt.date(2025, 1, 1),
        phases=PHASES_2025,
        budgets_wan={towns["东区"]: Decimal("5"), towns["神湾"]: Decimal("2.5")},
        make_current=True,
    )
    assert current_round() == later and Round.objects.get(code="2023").is_current is False
    assert {b.town.short: b.plan_amount for b in TownBudget.objects.filter(round=later)} == {
        "东区": Decimal("50000.00"),
        "神湾": Decimal("25000.00"),
    }
    station = building_station(personas, towns["东区"], name="中山市（东区街道新村社区）零工市场")
    services.set_plan(station, actor=personas.town_admin_b, round_code="2025", kiosk_planned=False)
    assert station.programme.round == later
    phases = phases_of(later)
    assert overdue_items(station, station.programme, phases, dt.date(2025, 7, 1)) == [
        "建设实施应于 2025-06-30 前完成"
    ]
    with pytest.raises(ValidationError, match="已有相同编号"):
        create_round(
            actor=personas.city_admin,
            code="2025",
            name="重复",
            starts_on=dt.date(2025, 1, 1),
            phases=PHASES_2025,
        )
