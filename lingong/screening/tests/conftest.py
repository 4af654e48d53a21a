"""Screening fixtures: the built-in rules are in the table (migration 0002) unless a transactional test
flushed it; the process's compiled rules are rechecked around every test, because rolled-back writes of
an earlier test (an added rule) must not linger in the cache."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def _builtin_rules_loaded(request):
    from lingong.screening import ruleset

    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("db")
        from lingong.screening.models import ScreeningRule
        from lingong.screening.reference import load_rules

        if not ScreeningRule.objects.filter(built_in=True).exists():
            load_rules()
    ruleset.invalidate()
    yield
    ruleset.invalidate()


@pytest.fixture(scope="session")
def file_rules():
    """The built-in rules compiled straight from data/rules.toml: no database."""
    from lingong.screening.reference import builtin_rules
    from lingong.screening.rules import build_ruleset

    return build_ruleset(builtin_rules())


@pytest.fixture
def check(file_rules):
    """screen() against the shipped rules; returns the result."""
    from lingong.screening.engine import screen

    def run(description: str, title: str = "普工", pay: str | None = None, unit: str | None = None):
        amount = Decimal(pay) if pay is not None else None
        return screen(
            title=title, description=description, pay_amount=amount, pay_unit=unit, rules=file_rules
        )

    return run
