"""Writes to the screening rules. City admins add, edit and switch rules; every change is checked (a
broken regular expression is refused in Chinese), saved whole or not at all, and audited in the same
transaction. The compiled rules follow (see ruleset.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lingong.accounts import audit
from lingong.accounts.models import User

from . import ruleset
from .models import Category, RuleKind, ScreeningRule, Severity
from .rules import RuleError, compile_pattern

EDIT_FIELDS = ("name", "category", "severity", "kind", "pattern", "allow", "message", "law")
LIMITS = {"name": 60, "message": 300, "law": 200}


def can_manage_rules(user: User | Any) -> bool:
    """The one rule for who may change screening rules: city admins (市人力资源管理办公室)."""
    return bool(user is not None and user.is_authenticated and user.is_city_admin)


def _check(actor: User) -> None:
    if not can_manage_rules(actor):
        raise PermissionDenied("只有市级管理员可以维护岗位审查规则")


def clean_rule_data(data: dict[str, Any]) -> dict[str, Any]:
    """The one validation path for a rule (form, API, tests). Raises ValidationError in Chinese."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {f: (data.get(f) or "").strip() for f in EDIT_FIELDS}
    if not cleaned["name"]:
        errors["name"] = ["请填写规则名称，如“限定性别”"]
    if cleaned["category"] not in Category.values:
        errors["category"] = ["请选择类别"]
    if cleaned["severity"] not in Severity.values:
        errors["severity"] = ["请选择处理方式：禁止发布或提醒修改"]
    if cleaned["kind"] not in RuleKind.values:
        errors["kind"] = ["请选择写法：关键词或正则表达式"]
    if not cleaned["message"]:
        errors["message"] = ["请填写修改提示：哪里不对，应该怎么写"]
    if not cleaned["law"]:
        errors["law"] = ["请填写依据的法律法规条款，如“《就业促进法》第二十七条”"]
    for f, limit in LIMITS.items():
        if len(cleaned[f]) > limit:
            errors[f] = [f"不能超过{limit}个字"]
    if "kind" not in errors:
        for f in ("pattern", "allow"):
            try:
                compile_pattern(cleaned["kind"], cleaned[f], field=f)
            except RuleError as exc:
                errors.setdefault(exc.field, []).append(exc.message)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _snapshot(rule: ScreeningRule) -> dict[str, Any]:
    return {**{f: getattr(rule, f) for f in EDIT_FIELDS}, "active": rule.active}


def _refresh() -> None:
    # This process rechecks the rules version on its next screen (so this request sees the change) and
    # again after commit; other processes follow within the recheck interval.
    ruleset.invalidate()
    transaction.on_commit(ruleset.invalidate)


@transaction.atomic
def add_rule(*, actor: User, data: dict[str, Any]) -> ScreeningRule:
    """Add a rule; it takes effect at once."""
    _check(actor)
    cleaned = clean_rule_data(data)
    rule = ScreeningRule(**cleaned, created_by=actor, built_in=False, active=True)
    rule.save()
    audit.record(
        actor,
        "screening.rule.add",
        rule,
        summary=f"新增审查规则：{rule.get_category_display()} · {rule.name}",
        after=_snapshot(rule),
    )
    _refresh()
    return rule


def _locked(code: str) -> ScreeningRule:
    rule = ScreeningRule.objects.select_for_update(of=("self",)).filter(code=code).first()
    if rule is None:
        raise ValidationError({"code": [f"找不到审查规则 {code}"]})
    return rule


@transaction.atomic
def update_rule(*, actor: User, code: str, data: dict[str, Any]) -> ScreeningRule:
    """Edit a rule an admin added. Built-in rules follow the shipped data file and can only be
    switched off here."""
    _check(actor)
    rule = _locked(code)
    if rule.built_in:
        raise ValidationError("系统内置规则不能修改，只能停用；如需不同的写法，请新增一条规则")
    cleaned = clean_rule_data(data)
    before = _snapshot(rule)
    changed = [f for f in EDIT_FIELDS if getattr(rule, f) != cleaned[f]]
    if not changed:
        return rule
    for f in changed:
        setattr(rule, f, cleaned[f])
    rule.save(update_fields=[*changed, "updated_at"])
    old, new = audit.diff(before, _snapshot(rule))
    audit.record(
        actor,
        "screening.rule.edit",
        rule,
        summary=f"修改审查规则：{rule.name}（{'、'.join(changed)}）",
        before=old,
        after=new,
    )
    _refresh()
    return rule


@transaction.atomic
def set_rule_active(*, actor: User, code: str, active: bool) -> ScreeningRule:
    """Switch a rule off (screening stops using it) or on again. Rules are never deleted."""
    _check(actor)
    rule = _locked(code)
    if rule.active == active:
        return rule
    rule.active = active
    rule.save(update_fields=["active", "updated_at"])
    audit.record(
        actor,
        "screening.rule.activate" if active else "screening.rule.deactivate",
        rule,
        summary=f"{'启用' if active else '停用'}审查规则：{rule.name}",
        before={"active": not active},
        after={"active": active},
    )
    _refresh()
    return rule
