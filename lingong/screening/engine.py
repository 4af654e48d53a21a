"""The screening engine: a gig posting (title, description, pay) → findings, each quoting the original text.

    result = screen(title="普工", description="限男，交押金200", pay_amount=Decimal("15"), pay_unit="hour")
    result.ok          # False: at least one finding blocks publication
    result.findings    # [Finding(category="sex", severity="block", text="限男", message=…, law=…), …]

Rules come from the database through ruleset.current_ruleset() (compiled once per process, rebuilt when
the rules change); pass `rules=` to screen against other rules (the admin page's preview, tests). The
minimum wage and the required fields are checked in code (wages.py): they compare numbers, not words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .models import Category, Severity
from .normalise import Normalised, normalise
from .rules import RuleSet, build_ruleset
from .scan import first_chars, scan
from .wages import CHECKED_UNITS, PAY_UNITS, current_minimum

MAX_FINDINGS = 50
CATEGORY_LABELS = dict(Category.choices)
MIN_WAGE_LAW = "《劳动法》第四十八条；《最低工资规定》第十二条"
MISSING_LAW = "《就业服务与就业管理规定》第十一条"

# Pay written in the text ("时薪12元", "100元/天", "日结150"); the slash between 元 and a Chinese unit is
# gone after normalisation ("12元小时"). Group 1 is the amount (the lower end of a range).
_AMOUNT = r"(\d+(?:\.\d+)?)(?:(?:-|~|至|到)\d+(?:\.\d+)?)?"
_PAY_IN_TEXT = (
    (re.compile(rf"(?<![\d.]){_AMOUNT}(?:(?:元|块)/?|/)(?:每)?(?:小时|时|h)(?![间长段期])"), "hour"),
    (re.compile(rf"(?:时薪|每小时|小时工资|一小时)(?:工资)?{_AMOUNT}(?:元|块)?"), "hour"),
    (re.compile(rf"(?<![\d.]){_AMOUNT}(?:(?:元|块)/?|/)(?:每)?(?:天|日)"), "day"),
    (re.compile(rf"(?:日薪|日结|每天|一天|每日)(?:工资)?{_AMOUNT}(?:元|块)"), "day"),
    (re.compile(r"(?:日薪|日结)(\d+(?:\.\d+)?)(?![\d.元块%])"), "day"),
    (re.compile(rf"(?<![\d.]){_AMOUNT}(?:(?:元|块)/?|/)(?:每)?个?月"), "month"),
    (re.compile(rf"(?:月薪|每月工资|月工资)(?:为)?{_AMOUNT}(?:元|块)?"), "month"),
)
_PAY_SCANS = tuple((pattern, first_chars(pattern), unit) for pattern, unit in _PAY_IN_TEXT)
# An amount right after one of these is an allowance, a bonus or a charge, not the pay itself.
_NOT_PAY_BEFORE = re.compile(r"补|贴|奖|费|押|扣|罚|提成|加班|餐|房租|住宿|水电|保险|社保|收|交|缴")
_CLAUSE_END = re.compile(r"[,。、;:!?\n]")


@dataclass(frozen=True)
class Finding:
    """One problem: what was found (the original text), why it matters and what to write instead.

    field is "title", "description" or "pay"; start/end index the original text of that field (pay and
    missing-field findings have start = end = 0).
    """

    category: str
    severity: str
    text: str
    message: str
    law: str
    rule: str = ""
    rule_name: str = ""
    field: str = "description"
    start: int = 0
    end: int = 0

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def is_block(self) -> bool:
        return self.severity == Severity.BLOCK


@dataclass(frozen=True)
class ScreenResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks publication (warnings may remain)."""
        return not any(f.is_block for f in self.findings)

    @property
    def blocked(self) -> list[Finding]:
        return [f for f in self.findings if f.is_block]

    @property
    def warned(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_block]

    @property
    def categories(self) -> set[str]:
        return {f.category for f in self.findings}


def _resolve(rules: RuleSet | Iterable[Any] | None) -> RuleSet:
    if rules is None:
        from .ruleset import current_ruleset

        return current_ruleset()
    if isinstance(rules, RuleSet):
        return rules
    return build_ruleset(rules)


def _locate(norm: Normalised, start: int, end: int, title_len: int) -> tuple[str, str, int, int]:
    """Normalised [start, end) → (field, original text, start, end within that field)."""
    a, b = norm.original_span(start, end)
    text = norm.original[a:b]
    if a < title_len:
        return "title", text, a, min(b, title_len)
    offset = title_len + 1
    return "description", text, a - offset, b - offset


def _rule_findings(ruleset: RuleSet, norm: Normalised, title_len: int) -> list[Finding]:
    text = norm.text
    found: list[Finding] = []
    for rule in ruleset.rules:
        allowed: list[tuple[int, int]] | None = None
        seen: set[str] = set()
        for m in scan(rule.regex, rule.first, text):
            s, e = m.span()
            if rule.allow is not None:
                if allowed is None:
                    allowed = [a.span() for a in scan(rule.allow, rule.allow_first, text)]
                if any(a < e and s < b for a, b in allowed):
                    continue
            key = text[s:e]
            if key in seen:
                continue
            seen.add(key)
            where, quoted, start, end = _locate(norm, s, e, title_len)
            found.append(
                Finding(
                    category=rule.category,
                    severity=rule.severity,
                    text=quoted.strip(),
                    message=rule.message,
                    law=rule.law,
                    rule=rule.code,
                    rule_name=rule.name,
                    field=where,
                    start=start,
                    end=end,
                )
            )
    return found


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _format_amount(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount == amount.to_integral() else str(amount)


def _wage_finding(text: str, unit: str, minimum: Decimal, *, where: str, start: int = 0, end: int = 0):
    standard = current_minimum()
    return Finding(
        category=Category.MIN_WAGE.value,
        severity=Severity.BLOCK.value,
        text=text,
        message=f"工价低于最低工资标准：{standard.explain(unit)}。请把工价提高到不低于{minimum}元/{PAY_UNITS[unit]}。",
        law=f"{MIN_WAGE_LAW}；{standard.source}",
        rule="min-wage",
        rule_name="最低工资",
        field=where,
        start=start,
        end=end,
    )


def _pay_findings(pay_amount: Any, pay_unit: str | None, norm: Normalised, title_len: int) -> list[Finding]:
    found: list[Finding] = []
    standard = current_minimum()
    amount = _to_decimal(pay_amount)
    if amount is not None and pay_unit in CHECKED_UNITS:
        minimum = standard.minimum_for(pay_unit)
        if minimum is not None and amount < minimum:
            text = f"{_format_amount(amount)}元/{PAY_UNITS[pay_unit]}"
            found.append(_wage_finding(text, pay_unit, minimum, where="pay"))
    text = norm.text
    seen: set[tuple[int, int]] = set()
    for pattern, first, unit in _PAY_SCANS:
        for m in scan(pattern, first, text):
            before = _CLAUSE_END.split(text[max(0, m.start() - 5) : m.start()])[-1]
            if _NOT_PAY_BEFORE.search(before) or _NOT_PAY_BEFORE.search(text[m.start() : m.start(1)]):
                continue
            mentioned = _to_decimal(m.group(1))
            minimum = standard.minimum_for(unit)
            if mentioned is None or minimum is None or mentioned >= minimum:
                continue
            if any(a < m.end() and m.start() < b for a, b in seen):
                continue
            seen.add(m.span())
            where, quoted, start, end = _locate(norm, m.start(), m.end(), title_len)
            found.append(_wage_finding(quoted, unit, minimum, where=where, start=start, end=end))
    return found


def _missing(title: str, description: str) -> list[Finding]:
    found = []
    if not title.strip():
        found.append(
            Finding(
                category=Category.MISSING.value,
                severity=Severity.BLOCK.value,
                text="",
                message="请填写岗位名称，如“包装工”“保洁员”。",
                law=MISSING_LAW,
                rule="missing-title",
                rule_name="必填项",
                field="title",
            )
        )
    if not description.strip():
        found.append(
            Finding(
                category=Category.MISSING.value,
                severity=Severity.BLOCK.value,
                text="",
                message="请填写岗位描述：工作内容、时间地点、工价和结算方式、需要的证书。",
                law=MISSING_LAW,
                rule="missing-description",
                rule_name="必填项",
                field="description",
            )
        )
    return found


def _order(f: Finding) -> tuple:
    return (not f.is_block, {"title": 0, "description": 1, "pay": 2}.get(f.field, 3), f.start)


def screen(
    *,
    title: str,
    description: str,
    pay_amount: Decimal | str | int | float | None = None,
    pay_unit: str | None = None,
    rules: RuleSet | Iterable[Any] | None = None,
) -> ScreenResult:
    """Screen one posting. Never raises on any text; unknown pay units are not checked."""
    title = title or ""
    description = description or ""
    ruleset = _resolve(rules)
    # The line break keeps title and description apart: no rule matches across it.
    norm = normalise(f"{title}\n{description}")
    findings = _missing(title, description)
    findings += _rule_findings(ruleset, norm, len(title))
    findings += _pay_findings(pay_amount, pay_unit, norm, len(title))
    findings.sort(key=_order)
    return ScreenResult(findings[:MAX_FINDINGS])
