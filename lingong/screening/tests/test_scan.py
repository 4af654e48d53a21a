"""First-character analysis of rule patterns (scan.py)."""

from __future__ import annotations

import re

import pytest

from lingong.screening.scan import first_chars, scan


@pytest.mark.parametrize(
    ("pattern", "starts", "not_starts"),
    [
        (r"(?<![\d.])(?:1[0-5]|[1-9])周?岁", ["1", "9"], ["周", "岁", "a"]),
        (r"(?:限|仅限)男|[(\[]女", ["限", "仅", "(", "["], ["男", "女"]),
        (r"周?岁", ["周", "岁"], ["年"]),
        (r"\d{2}岁", ["3", "٣"], ["岁"]),
        (r"(?<![^,;\n])(?:男|女)", ["男", "女"], [",", "限"]),
    ],
)
def test_first_characters(pattern, starts, not_starts):
    first = first_chars(re.compile(pattern))
    assert first is not None
    assert all(first.fullmatch(c) for c in starts)
    assert not any(first.fullmatch(c) for c in not_starts)


@pytest.mark.parametrize("pattern", [r".男", r"[^男]女", r"(a)?(?(1)b|c)", r"(?i)vx", r"男?", r"(?i:v)x"])
def test_unsure_patterns_fall_back_to_a_full_scan(pattern):
    assert first_chars(re.compile(pattern)) is None


def test_scan_sees_text_before_the_start_for_lookbehinds():
    pattern = re.compile(r"(?<![\d.])1[0-5]岁")
    first = first_chars(pattern)
    text = "招115岁 招15岁 招.15岁"
    assert [m.group() for m in scan(pattern, first, text)] == ["15岁"]
    assert [m.span() for m in scan(pattern, first, text)] == [m.span() for m in pattern.finditer(text)]
