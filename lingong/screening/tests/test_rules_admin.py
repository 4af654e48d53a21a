"""Rules as data: admin-added rules take effect at once, built-ins can be switched off but not edited,
broken regular expressions are refused in Chinese with nothing saved, and every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lingong.accounts.models import AuditEntry
from lingong.screening import ruleset, services
from lingong.screening.engine import screen
from lingong.screening.models import ScreeningRule

pytestmark = pytest.mark.django_db

TEA_RULE = {
    "name": "收取茶水费",
    "category": "fee",
    "severity": "block",
    "kind": "keywords",
    "pattern": "茶水费、水电押金",
    "allow": "不收茶水费",
    "message": "不得向劳动者收取茶水费。",
    "law": "《劳动合同法》第九条",
}


def test_builtin_rules_are_loaded_and_screen_from_the_database():
    assert ScreeningRule.objects.filter(built_in=True, active=True).count() >= 20
    result = screen(title="普工", description="限男，交押金200")
    assert {f.category for f in result.blocked} == {"sex", "fee"}


def test_an_added_rule_takes_effect_immediately_in_the_same_process(personas):
    screen(title="普工", description="每月扣茶水费")  # warm the cache first
    assert screen(title="普工", description="每月扣茶水费").findings == []
    rule = services.add_rule(actor=personas.city_admin, data=TEA_RULE)
    assert rule.code.startswith("SR") and rule.created_by == personas.city_admin and not rule.built_in
    result = screen(title="普工", description="每月扣 茶 水 费")
    assert [(f.category, f.text, f.rule) for f in result.findings] == [("fee", "茶 水 费", rule.code)]
    assert screen(title="普工", description="本店不收茶水费").findings == []
    entry = AuditEntry.objects.get(action="screening.rule.add", object_id=rule.code)
    assert entry.actor == personas.city_admin
    assert entry.after is not None and entry.after["pattern"] == TEA_RULE["pattern"]


def test_a_deactivated_builtin_stops_firing_and_can_come_back(personas):
    assert not screen(title="普工", description="乙肝勿扰").ok
    services.set_rule_active(actor=personas.city_admin, code="builtin-health-hbv", active=False)
    assert screen(title="普工", description="乙肝勿扰").findings == []
    assert AuditEntry.objects.filter(
        action="screening.rule.deactivate", object_id="builtin-health-hbv"
    ).exists()
    services.set_rule_active(actor=personas.city_admin, code="builtin-health-hbv", active=True)
    assert not screen(title="普工", description="乙肝勿扰").ok


def test_other_processes_follow_within_the_recheck_interval(personas, settings):
    settings.SCREENING_RULES_RECHECK_SECONDS = 3600
    screen(title="普工", description="x")
    # A write by another process: the table changes without this process's services being called.
    ScreeningRule.objects.create(code="other-proc", **TEA_RULE)
    assert screen(title="普工", description="茶水费").findings == []  # still within the interval
    settings.SCREENING_RULES_RECHECK_SECONDS = 0
    assert [f.rule for f in screen(title="普工", description="茶水费").findings] == ["other-proc"]


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("限(男", "缺少右括号"),
        ("[男女", "方括号"),
        ("*男", "缺少要重复的字"),
        ("(?<=a+)男", "固定长度"),
        ("男?", "匹配空白内容"),
    ],
)
def test_an_invalid_regex_is_refused_in_chinese_and_nothing_is_saved(personas, pattern, fragment):
    before = ScreeningRule.objects.count()
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.add_rule(actor=personas.city_admin, data={**TEA_RULE, "kind": "regex", "pattern": pattern})
    messages = exc.value.message_dict["pattern"]
    assert fragment in messages[0] and "第1行" in messages[0]
    assert ScreeningRule.objects.count() == before and AuditEntry.objects.count() == audits


def test_an_invalid_allow_line_is_refused_with_its_line_number(personas):
    data = {**TEA_RULE, "kind": "regex", "pattern": "茶水费", "allow": "不收茶水费\n不(收"}
    with pytest.raises(ValidationError) as exc:
        services.add_rule(actor=personas.city_admin, data=data)
    assert "第2行" in exc.value.message_dict["allow"][0]


def test_required_fields_are_explained():
    with pytest.raises(ValidationError) as exc:
        services.clean_rule_data({"kind": "keywords"})
    errors = exc.value.message_dict
    assert set(errors) >= {"name", "category", "severity", "pattern", "message", "law"}
    assert "关键词" in errors["pattern"][0]


def test_builtin_rules_cannot_be_edited(personas):
    rule = ScreeningRule.objects.get(code="builtin-sex-restrict")
    with pytest.raises(ValidationError) as exc:
        services.update_rule(actor=personas.city_admin, code=rule.code, data=TEA_RULE)
    assert "系统内置规则不能修改" in exc.value.messages[0]
    rule.refresh_from_db()
    assert rule.name == "限定或优先某一性别"


def test_an_admin_rule_is_edited_and_the_change_applies(personas):
    rule = services.add_rule(actor=personas.city_admin, data=TEA_RULE)
    services.update_rule(
        actor=personas.city_admin, code=rule.code, data={**TEA_RULE, "pattern": "卫生费", "severity": "warn"}
    )
    assert screen(title="普工", description="茶水费").findings == []
    assert [f.severity for f in screen(title="普工", description="卫生费").findings] == ["warn"]
    entry = AuditEntry.objects.get(action="screening.rule.edit", object_id=rule.code)
    assert entry.before == {"pattern": "茶水费、水电押金", "severity": "block"}
    assert entry.after == {"pattern": "卫生费", "severity": "warn"}


@pytest.mark.parametrize("role", ["worker", "employer", "coordinator_a", "town_admin_b", "outsider"])
def test_only_city_admins_may_change_rules(personas, role):
    actor = getattr(personas, role)
    with pytest.raises(PermissionDenied):
        services.add_rule(actor=actor, data=TEA_RULE)
    with pytest.raises(PermissionDenied):
        services.set_rule_active(actor=actor, code="builtin-fee", active=False)
    assert ScreeningRule.objects.get(code="builtin-fee").active


def test_cache_is_not_rebuilt_when_nothing_changed(django_assert_num_queries):
    ruleset.reset()
    first = ruleset.current_ruleset()
    ruleset.invalidate()
    with django_assert_num_queries(1):  # only the version query
        assert ruleset.current_ruleset() is first
    with django_assert_num_queries(0):  # within the recheck interval: no query at all
        assert ruleset.current_ruleset() is first
