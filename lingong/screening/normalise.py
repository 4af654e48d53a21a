"""Text normalisation for screening, with a map back to the original text.

Job ads dodge keyword filters with full-width letters (ＱＱ), traditional characters (須押身份證),
and spacers inside words (限 男, 限*男, 只.招.男, 加 微 信). Rules are written once, against the
normalised form:

1. Each character is folded: a few Chinese punctuation marks NFKC leaves alone are mapped to their
   ASCII look-alikes (…, —, ～, quotes), then NFKC (full-width → half-width, compatibility ideographs and
   Kangxi radicals → ordinary characters), then traditional → simplified (OpenCC's character table), then
   lower case. Zero-width characters disappear. Line breaks stay: they separate title and lines.
2. Runs of spacers (blanks and * - / . _ | ~ + = ^ # ` ' " ·) are removed when they sit between two CJK
   characters. Elsewhere blanks go unless they separate two Latin letters or digits (kept as one space,
   so phone numbers and words stay apart), and the punctuation stays (18-45, 0760-8812, 12.5).
   Sentence punctuation (， 。 、 ； ：) is never a spacer, so two sentences do not run together.

Each normalised character remembers the index of the original character it came from, so a finding can
quote exactly what the employer wrote.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

# Punctuation that NFKC keeps but that stands for an ASCII mark in practice.
_PUNCT = {
    "～": "~",
    "〜": "~",
    "—": "-",
    "–": "-",
    "―": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "・": "·",
    "•": "·",
    "‧": "·",
    "∙": "·",
    "…": ".",
    "⋯": ".",
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "【": "[",
    "】": "]",
    "〔": "[",
    "〕": "]",
    "\r": "\n",
}
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_SPACER_PUNCT = "*-/._|\\~+=^#`'\"·"
_SPACER_RUN = re.compile(r"(?:[^\S\n]|[" + re.escape(_SPACER_PUNCT) + r"])+")
# Folded characters are cached per process; arbitrary input must not grow the cache without bound.
_TABLE_LIMIT = 60_000


@cache
def _t2s() -> dict[str, str]:
    """OpenCC's traditional → simplified character table (one character to one, first choice)."""
    from opencc_purepy import OpenCC

    table = OpenCC("t2s").dictionary.ts_characters
    pairs = table[0] if isinstance(table, tuple) else table
    return {k: v for k, v in pairs.items() if len(k) == 1 and len(v) == 1}


def _fold(ch: str) -> str:
    if ch in _DROP:
        return ""
    folded = _PUNCT.get(ch)
    if folded is None:
        folded = unicodedata.normalize("NFKC", ch)
    t2s = _t2s()
    return "".join(t2s.get(c, c) for c in folded).lower()


class _FoldTable(dict):
    """ord → folded text, filled lazily; str.translate reads it. `irregular` holds the characters whose
    folded form is not exactly one character (they need the slow path that tracks positions)."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()
        self.lock = threading.Lock()

    def __missing__(self, key: int) -> str:
        ch = chr(key)
        folded = _fold(ch)
        if len(folded) != 1:
            with self.lock:
                self.irregular.add(ch)
        if len(self) < _TABLE_LIMIT:
            self[key] = folded
        return folded


_table = _FoldTable()


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FA1F
        or o == 0x3007
    )


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each of its characters, the index of the original character."""

    original: str
    text: str
    positions: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that produced normalised text[start:end]."""
        if start >= end:
            at = self.positions[start] if start < len(self.positions) else len(self.original)
            return at, at
        return self.positions[start], self.positions[end - 1] + 1

    def original_text(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]


def fold(text: str) -> tuple[str, list[int] | range]:
    """Step 1 only: the folded text and its positions (a range when nothing changed length)."""
    folded = text.translate(_table)
    if len(folded) == len(text) and _table.irregular.isdisjoint(text):
        return folded, range(len(text))
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        for c in _table[ord(ch)]:
            chars.append(c)
            positions.append(i)
    return "".join(chars), positions


def _remove_spacers(text: str, positions: list[int] | range) -> tuple[str, list[int]]:
    out: list[str] = []
    out_pos: list[int] = []
    last = 0
    n = len(text)
    for m in _SPACER_RUN.finditer(text):
        a, b = m.span()
        out.append(text[last:a])
        out_pos.extend(positions[last:a])
        last = b
        left = text[a - 1] if a > 0 else ""
        right = text[b] if b < n else ""
        if left and right and is_cjk(left) and is_cjk(right):
            continue
        run = m.group()
        if run.isspace():
            if left and right and _is_alnum(left) and _is_alnum(right):
                out.append(" ")
                out_pos.append(positions[a])
            continue
        for i in range(a, b):
            if not text[i].isspace():
                out.append(text[i])
                out_pos.append(positions[i])
    out.append(text[last:])
    out_pos.extend(positions[last:])
    return "".join(out), out_pos


def normalise(text: str) -> Normalised:
    """Fold, convert to simplified Chinese, lower-case and remove spacers inside words."""
    text = text or ""
    folded, positions = fold(text)
    result, result_pos = _remove_spacers(folded, positions)
    return Normalised(text, result, tuple(result_pos))


def normalise_text(text: str) -> str:
    """Just the normalised text (for keywords and allow lists)."""
    return normalise(text).text


def to_simplified(text: str) -> str:
    """Traditional → simplified only, character by character (safe on regular expressions)."""
    t2s = _t2s()
    return "".join(t2s.get(c, c) for c in text or "")
