"""Fast scanning for rules whose regex starts with a lookbehind or an alternation.

Python's re skips ahead quickly only when a pattern starts with a literal or a character class; a rule
that starts with (?<![\\d.]) or with several alternatives is tried in full at every position, which
makes a 2,000-character description cost milliseconds. first_chars() reads the parsed pattern and
returns a character class that every match must start with; scanning then jumps between those positions
(a C-speed class search) and tries the rule only there, with pattern.match(text, pos), which still sees
the text before pos for lookbehinds. Matches are the same as finditer's (leftmost, non-overlapping).
When the analysis cannot be sure (an inline (?i), a backreference, a negated class, "."), the rule is
scanned with finditer as usual.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

# The regular expression parser of the standard library (private, stable since Python 3.11). If a
# future Python changes it, first_chars() answers None and every rule is scanned in full: slower, same
# findings.
P: Any = importlib.import_module("re._parser")
C: Any = importlib.import_module("re._constants")

_CATEGORIES = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = {C.ASSERT, C.ASSERT_NOT, C.AT}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


class _Unknown(Exception):
    pass


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class_items(items) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(_char(av))
        elif op is C.RANGE:
            out.add(f"{_char(av[0])}-{_char(av[1])}")
        elif op is C.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:  # NEGATE and anything unusual
            raise _Unknown
    return out


def _item(op, av) -> tuple[set[str], bool]:
    """(possible first characters, can this item match nothing)"""
    if op is C.LITERAL:
        return {_char(av)}, False
    if op is C.IN:
        return _class_items(av), False
    if op in _ZERO_WIDTH:
        return set(), True
    if op is C.BRANCH:
        chars: set[str] = set()
        nullable = False
        for alternative in av[1]:
            first, empty = _sequence(alternative)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            raise _Unknown
        return _sequence(sub)
    if op in _REPEATS:
        low, _high, sub = av
        first, empty = _sequence(sub)
        return first, empty or low == 0
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(av)
    raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS …


def _sequence(items) -> tuple[set[str], bool]:
    chars: set[str] = set()
    for op, av in items:
        first, empty = _item(op, av)
        chars |= first
        if not empty:
            return chars, False
    return chars, True


def first_chars(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A class matching every character a match of `pattern` can start with, or None if unsure."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = P.parse(pattern.pattern, pattern.flags)
        chars, empty = _sequence(parsed)
    except (_Unknown, re.error, RecursionError, AttributeError):
        return None
    if empty or not chars:
        return None
    return re.compile("[" + "".join(sorted(chars)) + "]")


def scan(pattern: re.Pattern[str], first: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    """Like pattern.finditer(text) without empty matches, trying the pattern only where `first` says a
    match can start."""
    if first is None:
        for found in pattern.finditer(text):
            if found.end() > found.start():
                yield found
        return
    match = pattern.match
    end = 0
    for candidate in first.finditer(text):
        pos = candidate.start()
        if pos < end:
            continue
        hit = match(text, pos)
        if hit is not None and hit.end() > pos:
            yield hit
            end = hit.end()
