"""Normalisation: full-width, traditional, spacers inside words, and the map back to the original."""

from __future__ import annotations

import pytest

from lingong.screening.normalise import normalise, normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＱＱ：１２３４５６", "qq:123456"),
        ("ＣＮＣ操作工，两班倒！", "cnc操作工,两班倒!"),
        ("須押身份證，體檢費自理", "须押身份证,体检费自理"),
        ("年齡35歲以下", "年龄35岁以下"),
        ("限 男", "限男"),
        ("限*男", "限男"),
        ("限-男", "限男"),
        ("限/男", "限男"),
        ("限／女", "限女"),
        ("只.招.男", "只招男"),
        ("加 微 信", "加微信"),
        ("限　男", "限男"),  # ideographic space
        ("只“男”性", "只男性"),
        ("乙\u200b肝", "乙肝"),  # zero-width space
        ("Hello World", "hello world"),
    ],
)
def test_folding_and_spacers(raw, expected):
    assert normalise_text(raw) == expected


def test_spacers_stay_where_they_carry_meaning():
    assert normalise_text("18 - 45 岁") == "18-45岁"
    assert normalise_text("0760-88123456") == "0760-88123456"
    assert normalise_text("12.5元") == "12.5元"
    assert normalise_text("手机 138 0013 8000") == "手机138 0013 8000"
    assert normalise_text("zs_job888") == "zs_job888"


def test_sentence_punctuation_is_not_a_spacer():
    # "名额有限。男女均可" must not turn into "…限男…".
    assert normalise_text("名额有限。男女均可") == "名额有限。男女均可"
    assert normalise_text("工作轻松，男女不限") == "工作轻松,男女不限"
    assert normalise_text("第一行\n 男") == "第一行\n男"


def test_positions_map_back_to_the_original():
    raw = "急招：只.招.男性，包吃住"
    norm = normalise(raw)
    assert len(norm.positions) == len(norm.text)
    start = norm.text.index("只招男性")
    a, b = norm.original_span(start, start + 4)
    assert raw[a:b] == "只.招.男性"
    assert norm.original_text(start, start + 4) == "只.招.男性"


def test_positions_survive_characters_that_change_length():
    raw = "好…限 男"  # … folds to one dot; the zero-width space below disappears
    norm = normalise(raw + "\u200b")
    start = norm.text.index("限男")
    assert norm.original_text(start, start + 2) == "限 男"
    expanded = normalise("㎏限男")  # NFKC turns ㎏ into two letters
    assert expanded.text.startswith("kg")
    i = expanded.text.index("限男")
    assert expanded.original_text(0, 2) == "㎏"
    assert expanded.original_text(i, i + 2) == "限男"


def test_empty_text():
    norm = normalise("")
    assert norm.text == "" and norm.positions == ()
    assert norm.original_span(0, 0) == (0, 0)
