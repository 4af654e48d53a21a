"""The shipped rules file: every rule compiles, loading is idempotent and keeps the admins' choices."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lingong.screening.models import Category, RuleKind, ScreeningRule, Severity
from lingong.screening.reference import builtin_rules, load_rules
from lingong.screening.rules import compile_rule


def test_every_builtin_rule_is_valid_and_cites_a_law():
    rules = builtin_rules()
    assert len({r["code"] for r in rules}) == len(rules)
    for rule in rules:
        compile_rule(rule)  # raises RuleError if broken
        assert rule["category"] in Category.values
        assert rule["severity"] in Severity.values
        assert rule["kind"] in RuleKind.values
        assert "《" in rule["law"] and rule["message"].endswith("。")
    covered = {r["category"] for r in rules}
    assert covered == set(Category.values) - {"min_wage", "missing"}  # those two are checked in code


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_keeps_deactivations():
    ScreeningRule.objects.filter(code="builtin-phone").update(active=False)
    result = load_rules()
    assert (result.created, result.updated, result.retired) == (0, 0, 0)
    assert not ScreeningRule.objects.get(code="builtin-phone").active


@pytest.mark.django_db
def test_loading_restores_edited_wording_and_retires_removed_builtins():
    ScreeningRule.objects.filter(code="builtin-fee").update(pattern="被改动")
    ScreeningRule.objects.create(
        code="builtin-gone",
        name="旧规则",
        category="fee",
        pattern="旧",
        message="旧。",
        law="《旧》",
        built_in=True,
    )
    result = load_rules()
    assert result.updated == 1 and result.retired == 1
    assert "押金" in ScreeningRule.objects.get(code="builtin-fee").pattern
    assert not ScreeningRule.objects.get(code="builtin-gone").active


@pytest.mark.django_db
def test_load_reference_loads_the_rules():
    ScreeningRule.objects.all().delete()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "审查规则：新建" in out.getvalue()
    assert ScreeningRule.objects.filter(built_in=True).count() == len(builtin_rules())
