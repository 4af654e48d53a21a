"""Subsidy eligibility rules as data: structured conditions over a few facts about a worker.

A rule (SubsidyKind.conditions) is a list of conditions, each a JSON object

    {"group": 1, "fact": "age", "op": "between", "value": [16, 60]}

Conditions with the same group number are alternatives (any one is enough); every group must be met.
So [{"group": 1, …tier ≥ 2}, {"group": 1, …hardship any_of [disabled]}, {"group": 2, …age ≥ 16}] reads
“(服务等级为重点服务及以上 或 已认定为残疾人员) 并且 年满16周岁”. An empty rule means everyone qualifies.

The facts (worker_facts) and what each allows:

| fact | what | ops | value |
|---|---|---|---|
| age | age in full years | gte, lte, between, eq | whole number; between: [low, high] |
| sex | from the ID number | eq, ne | "M" or "F" |
| tier | service tier 1/2/3 (tiers.py) | gte, lte, eq | 1–3 |
| waiting_days | days since the worker started looking | gte, lte | whole number |
| hardship | verified hardship categories in force | any_of, none_of | category codes |
| assistance_hardship | a verified 就业困难人员 (援助) category | is | true/false |
| completed_training | a training referral reached 结业 or 取证 | is | true/false |
| certified | a training referral reached 取证 | is | true/false |
| entrepreneurship_training | finished an entrepreneurship course | is | true/false |
| in_plan | has an active individual assistance plan | is | true/false |
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from lingong.catalog.models import HardshipCategory
from lingong.workers.models import Tier

MAX_CONDITIONS = 12
MAX_GROUP = 9


@dataclass(frozen=True)
class Fact:
    label: str
    kind: str  # int, bool, set, sex
    ops: tuple[str, ...]
    yes: str = ""  # bool facts: the sentence when true
    no: str = ""  # … and when false


FACTS: dict[str, Fact] = {
    "age": Fact("年龄", "int", ("gte", "lte", "between", "eq")),
    "sex": Fact("性别", "sex", ("eq", "ne")),
    "tier": Fact("服务等级", "int", ("gte", "lte", "eq")),
    "waiting_days": Fact("求职天数", "int", ("gte", "lte")),
    "hardship": Fact("困难类别", "set", ("any_of", "none_of")),
    "assistance_hardship": Fact(
        "就业困难人员", "bool", ("is",), "已认定为就业困难人员", "没有就业困难人员认定"
    ),
    "completed_training": Fact("培训结业", "bool", ("is",), "参加培训并已结业", "没有参加过培训或还没结业"),
    "certified": Fact(
        "培训取证", "bool", ("is",), "培训后取得了职业资格或技能等级证书", "培训后还没有取得证书"
    ),
    "entrepreneurship_training": Fact(
        "创业培训", "bool", ("is",), "参加创业培训并已结业", "没有参加过创业培训"
    ),
    "in_plan": Fact("就业援助", "bool", ("is",), "正在接受个性化就业援助", "没有在接受个性化就业援助"),
}
OP_LABELS = {
    "gte": "不少于",
    "lte": "不超过",
    "between": "在……之间",
    "eq": "等于",
    "ne": "不等于",
    "any_of": "属于其中之一",
    "none_of": "都不属于",
    "is": "是/否",
}
SEX_LABELS = {"M": "男性", "F": "女性"}
TRUE_WORDS = {"true", "1", "yes", "是", "有", "对"}
FALSE_WORDS = {"false", "0", "no", "否", "没有", "无", "不是"}


# --- the facts about one worker ------------------------------------------------------------------------


def worker_facts(worker, today: dt.date) -> dict[str, Any]:
    """The facts the rules read, for one worker on one day (JSON-ready: stored with applications)."""
    from lingong.training.models import FINISHED_OK, ReferralStatus

    from .models import AssistancePlan, PlanStatus

    counted = [r for r in worker.hardships.select_related("category") if r.counts_on(today)]
    finished = list(
        worker.training_referrals.filter(status__in=FINISHED_OK).values_list(
            "status", "course__entrepreneurship"
        )
    )
    return {
        "age": worker.age(today),
        "sex": worker.sex,
        "tier": worker.tier,
        "waiting_days": max(0, (today - worker.looking_since).days),
        "hardship": sorted(r.category.code for r in counted),
        "assistance_hardship": any(r.category.assistance_level for r in counted),
        "completed_training": bool(finished),
        "certified": any(status == ReferralStatus.CERTIFIED for status, _ in finished),
        "entrepreneurship_training": any(entre for _, entre in finished),
        "in_plan": AssistancePlan.objects.filter(worker=worker, status=PlanStatus.ACTIVE).exists(),
    }


# --- checking conditions ------------------------------------------------------------------------------


def holds(cond: dict[str, Any], facts: dict[str, Any]) -> bool:
    fact, op, value = cond["fact"], cond["op"], cond["value"]
    have = facts.get(fact)
    if op == "is":
        return bool(have) is bool(value)
    if op == "any_of":
        return bool(set(have or ()) & set(value))
    if op == "none_of":
        return not set(have or ()) & set(value)
    if have is None:
        return False
    if op == "eq":
        return have == value
    if op == "ne":
        return have != value
    if op == "gte":
        return have >= value
    if op == "lte":
        return have <= value
    if op == "between":
        return value[0] <= have <= value[1]
    return False


def _groups(conditions: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    by_group: dict[int, list[dict[str, Any]]] = {}
    for cond in conditions:
        by_group.setdefault(int(cond.get("group") or 1), []).append(cond)
    return [by_group[g] for g in sorted(by_group)]


@dataclass(frozen=True)
class GroupResult:
    texts: list[str]
    met: bool

    @property
    def sentence(self) -> str:
        return " 或 ".join(self.texts)


def evaluate(conditions: list[dict[str, Any]], facts: dict[str, Any]) -> tuple[bool, list[GroupResult]]:
    """(eligible, one result per group with its sentence and whether the worker meets it)."""
    results = [
        GroupResult([describe(c) for c in group], any(holds(c, facts) for c in group))
        for group in _groups(conditions)
    ]
    return all(r.met for r in results), results


def _names(codes: list[str]) -> str:
    names = dict(HardshipCategory.objects.filter(code__in=codes).values_list("code", "name"))
    return "、".join(names.get(c, c) for c in codes)


def describe(cond: dict[str, Any]) -> str:
    """One condition in plain words: “年龄在16–60周岁”, “服务等级为重点服务及以上”."""
    fact, op, value = cond["fact"], cond["op"], cond["value"]
    info = FACTS[fact]
    if info.kind == "bool":
        return info.yes if value else info.no
    if fact == "sex":
        return SEX_LABELS[value] if op == "eq" else f"不是{SEX_LABELS[value]}"
    if fact == "hardship":
        names = _names(list(value))
        return f"已认定为以下困难类别之一：{names}" if op == "any_of" else f"不属于以下困难类别：{names}"
    if fact == "tier":
        label = Tier(value).label
        return {"gte": f"服务等级为“{label}”及以上", "lte": f"服务等级为“{label}”及以下"}.get(
            op, f"服务等级为“{label}”"
        )
    if fact == "age":
        if op == "between":
            return f"年龄在{value[0]}–{value[1]}周岁"
        return {"gte": f"年满{value}周岁", "lte": f"不超过{value}周岁"}.get(op, f"年龄为{value}周岁")
    return f"求职已满{value}天" if op == "gte" else f"求职不超过{value}天"


# --- validating what staff type -----------------------------------------------------------------------


def _int(raw: Any, low: int, high: int) -> int:
    value = int(str(raw).strip())
    if not low <= value <= high:
        raise ValueError
    return value


def parse_value(fact: str, op: str, raw: Any) -> Any:
    """The value for a condition, from JSON or from what staff typed. ValueError (Chinese) when wrong."""
    info = FACTS[fact]
    try:
        if info.kind == "bool":
            if isinstance(raw, bool):
                return raw
            word = str(raw).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValueError
        if info.kind == "sex":
            word = str(raw).strip().upper()
            found = {"M": "M", "F": "F", "男": "M", "女": "F"}.get(word)
            if found is None:
                raise ValueError
            return found
        if info.kind == "set":
            items = raw if isinstance(raw, list) else re.split(r"[,，、\s]+", str(raw).strip())
            wanted = [str(i).strip() for i in items if str(i).strip()]
            known = {c.code: c.code for c in HardshipCategory.objects.all()}
            known.update({c.name: c.code for c in HardshipCategory.objects.all()})
            codes = [known.get(w) for w in wanted]
            if not codes or None in codes:
                raise ValueError
            return sorted(set(c for c in codes if c))
        high = 3 if fact == "tier" else 150 if fact == "age" else 3650
        low = 1 if fact == "tier" else 0
        if op == "between":
            parts = raw if isinstance(raw, list) else re.split(r"\s*[-–—~,，至到]\s*", str(raw).strip())
            if len(parts) != 2:
                raise ValueError
            lo, hi = _int(parts[0], low, high), _int(parts[1], low, high)
            if lo > hi:
                raise ValueError
            return [lo, hi]
        if isinstance(raw, bool):
            raise ValueError
        return _int(raw, low, high)
    except (TypeError, ValueError):
        raise ValueError(_value_hint(fact, op)) from None


def _value_hint(fact: str, op: str) -> str:
    info = FACTS[fact]
    if info.kind == "bool":
        return f"“{info.label}”的值请填 是 或 否"
    if info.kind == "sex":
        return "性别请填 男 或 女"
    if info.kind == "set":
        return "困难类别请填类别代码或名称，多个用顿号分开，如：残疾人员、dibao"
    if op == "between":
        return f"“{info.label}”请填两个数，如 16-60"
    return f"“{info.label}”请填一个整数" + ("（1、2 或 3）" if fact == "tier" else "")


def clean_conditions(raw: Any) -> list[dict[str, Any]]:
    """Check a rule; the cleaned list, or a ValidationError saying which row is wrong and why."""
    if not isinstance(raw, list):
        raise ValidationError({"conditions": ["条件格式不对"]})
    if len(raw) > MAX_CONDITIONS:
        raise ValidationError({"conditions": [f"最多 {MAX_CONDITIONS} 个条件"]})
    errors: list[str] = []
    cleaned: list[dict[str, Any]] = []
    for n, cond in enumerate(raw, start=1):
        if not isinstance(cond, dict):
            errors.append(f"第 {n} 条：格式不对")
            continue
        fact, op = cond.get("fact"), cond.get("op")
        if fact not in FACTS:
            errors.append(f"第 {n} 条：没有“{fact}”这一项")
            continue
        if op not in FACTS[fact].ops:
            allowed = "、".join(OP_LABELS[o] for o in FACTS[fact].ops)
            errors.append(f"第 {n} 条：“{FACTS[fact].label}”只能用：{allowed}")
            continue
        try:
            group = _int(cond.get("group", 1) or 1, 1, MAX_GROUP)
        except (TypeError, ValueError):
            errors.append(f"第 {n} 条：组号应为 1 到 {MAX_GROUP}")
            continue
        try:
            value = parse_value(fact, op, cond.get("value"))
        except ValueError as exc:
            errors.append(f"第 {n} 条：{exc}")
            continue
        cleaned.append({"group": group, "fact": fact, "op": op, "value": value})
    if errors:
        raise ValidationError({"conditions": errors})
    return cleaned
