"""Compiling screening rules: keyword lists and regular expressions → one regex per rule.

No database access here. services.clean_rule_data uses compile_pattern to refuse a broken rule with a
Chinese message before anything is saved; engine.py compiles the stored rules into a RuleSet.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .normalise import normalise_text, to_simplified
from .scan import first_chars

logger = logging.getLogger(__name__)

MAX_PATTERN_CHARS = 4000
MAX_LINE_CHARS = 500
MAX_KEYWORD_CHARS = 40
_KEYWORD_SPLIT = re.compile(r"[\n,，、;；|]+")
# Python's messages for the usual mistakes, in plain Chinese.
_RE_ERRORS = (
    ("missing ), unterminated subpattern", "缺少右括号“)”"),
    ("unbalanced parenthesis", "括号不配对，多了一个“)”"),
    ("unterminated character set", "方括号“[”没有闭合"),
    ("nothing to repeat", "“*”“+”“?”或“{}”前面缺少要重复的字"),
    ("multiple repeat", "重复符号连用（如“**”或“+*”）"),
    ("bad escape", "“\\”后面的转义写法无效"),
    ("look-behind requires fixed-width pattern", "“(?<=…)”“(?<!…)”里只能写固定长度的内容"),
    ("bad character range", "方括号里的范围写反了（如“[9-0]”）"),
    ("unknown extension", "“(?”后面的写法无效"),
    ("redefinition of group name", "同一个分组名用了两次"),
    ("missing", "写法不完整"),
)


class RuleError(ValueError):
    """A rule that cannot be compiled; `field` is "pattern" or "allow", `message` is Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def explain_regex_error(exc: re.error) -> str:
    text = str(exc.msg)
    for english, chinese in _RE_ERRORS:
        if text.startswith(english):
            return chinese
    return "语法错误"


def split_keywords(pattern: str) -> list[str]:
    """Keywords as an admin types them: one per line, or separated by 、 , ; | — normalised, unique."""
    words: list[str] = []
    for raw in _KEYWORD_SPLIT.split(pattern or ""):
        word = normalise_text(raw.strip()).strip()
        if word and word not in words:
            words.append(word)
    return words


def regex_lines(pattern: str) -> list[str]:
    return [line.strip() for line in (pattern or "").splitlines() if line.strip()]


def _lower_outside_escapes(line: str) -> str:
    """Lower-case a regular expression the way the text is lower-cased, leaving escapes (\\D, \\S, \\W,
    \\B) as written. Matching without IGNORECASE keeps the first-character scan exact (scan.py)."""
    out: list[str] = []
    escaped = False
    for ch in line:
        out.append(ch if escaped else ch.lower())
        escaped = not escaped and ch == "\\"
    return "".join(out)


def compile_pattern(kind: str, pattern: str, *, field: str = "pattern") -> re.Pattern[str] | None:
    """The one regex for a keyword list or a list of regular expressions; None for an empty allow list.

    Raises RuleError with a Chinese message naming the line at fault.
    """
    if len(pattern or "") > MAX_PATTERN_CHARS:
        raise RuleError(field, f"内容太长（最多{MAX_PATTERN_CHARS}个字符），请拆成几条规则")
    if kind == "keywords":
        words = split_keywords(pattern)
        if not words:
            _require(field)
            return None
        for word in words:
            if len(word) > MAX_KEYWORD_CHARS:
                raise RuleError(field, f"关键词“{word[:20]}…”太长（最多{MAX_KEYWORD_CHARS}个字）")
        # Longest first, so 已婚已育 wins over 已婚 at the same position.
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    if kind != "regex":
        raise RuleError("kind", "请选择“关键词”或“正则表达式”")
    lines = regex_lines(pattern)
    if not lines:
        _require(field)
        return None
    parts: list[str] = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise RuleError(field, f"第{number}行太长（每行最多{MAX_LINE_CHARS}个字符）")
        line = _lower_outside_escapes(to_simplified(line))
        try:
            compiled = re.compile(line)
        except re.error as exc:
            where = f"（第{exc.pos + 1}个字符附近）" if exc.pos is not None else ""
            raise RuleError(
                field, f"第{number}行不是有效的正则表达式：{explain_regex_error(exc)}{where}"
            ) from exc
        if compiled.search("") is not None:
            raise RuleError(field, f"第{number}行会匹配空白内容，请写出要查找的具体字词")
        parts.append(f"(?:{line})")
    try:
        return re.compile("|".join(parts))
    except re.error as exc:  # e.g. the same group name on two lines
        raise RuleError(field, f"几行合在一起时出错：{explain_regex_error(exc)}") from exc


def _require(field: str) -> None:
    """An empty allow list is fine; an empty pattern is not."""
    if field == "pattern":
        raise RuleError(field, "请填写要查找的关键词或正则表达式")


@dataclass(frozen=True)
class CompiledRule:
    code: str
    name: str
    category: str
    severity: str
    message: str
    law: str
    regex: re.Pattern[str]
    allow: re.Pattern[str] | None
    # Where a match (of regex, of allow) can start; None means scan every position (scan.py).
    first: re.Pattern[str] | None = None
    allow_first: re.Pattern[str] | None = None


@dataclass(frozen=True)
class RuleSet:
    """The compiled active rules, in order. `version` identifies the database state they came from."""

    rules: tuple[CompiledRule, ...]
    version: tuple = ()
    skipped: tuple[str, ...] = ()


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def compile_rule(row: Any) -> CompiledRule:
    """A ScreeningRule (or a dict with the same fields) → CompiledRule. Raises RuleError."""
    kind = _get(row, "kind")
    regex = compile_pattern(kind, _get(row, "pattern"), field="pattern")
    assert regex is not None
    allow = compile_pattern(kind, _get(row, "allow") or "", field="allow")
    return CompiledRule(
        code=_get(row, "code"),
        name=_get(row, "name"),
        category=_get(row, "category"),
        severity=_get(row, "severity"),
        message=_get(row, "message"),
        law=_get(row, "law"),
        regex=regex,
        allow=allow,
        first=first_chars(regex),
        allow_first=first_chars(allow) if allow is not None else None,
    )


def build_ruleset(rows: Iterable[Any], version: tuple = ()) -> RuleSet:
    """Compile every rule; one that no longer compiles (e.g. edited in the database by hand) is skipped
    and logged rather than stopping all screening."""
    compiled: list[CompiledRule] = []
    skipped: list[str] = []
    for row in rows:
        try:
            compiled.append(compile_rule(row))
        except RuleError as exc:
            skipped.append(_get(row, "code"))
            logger.error("screening rule %s skipped: %s", _get(row, "code"), exc.message)
    return RuleSet(tuple(compiled), version, tuple(skipped))
