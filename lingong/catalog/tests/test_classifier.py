"""The occupation classifier: the pure core (built from data/*.csv, no database) and its properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingong.catalog.classifier import (
    GENERIC_TERMS,
    OccupationRecord,
    Surface,
    build_index,
    naive_classify,
    normalize,
    pinyin_keys,
    split_gig_name,
    term_weight,
)

HOUSEKEEPING, CLEANER, LOADER, FORKLIFT = "4-10-01-06", "4-09-08-01", "4-02-05-01", "6-30-05-01"


def top(index, text, n=1):
    return [m.code for m in index.classify(text, n)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("保姆", HOUSEKEEPING),
        ("住家保姆", HOUSEKEEPING),
        ("月嫂", HOUSEKEEPING),
        ("钟点工", HOUSEKEEPING),
        ("保洁", CLEANER),
        ("开荒保洁", CLEANER),
        ("搬运", LOADER),
        ("装卸", LOADER),
        ("搬运/装卸", LOADER),
        ("卸货 搬家", LOADER),
        ("叉车", FORKLIFT),
        ("叉车司机 持证", FORKLIFT),
        ("外卖骑手 兼职", "4-10-08-01"),
        ("酒楼传菜员 日结", "4-03-02-05"),
        ("电工", "6-31-01-03"),
        ("古镇灯饰组装 计件", "6-24-07-02"),
        ("东凤小家电装配工", "6-24-05-04"),
        ("沙溪制衣厂车位", "6-05-01-03"),
        ("ＣＮＣ操机", "6-18-01-07"),
        ("家政服务员", HOUSEKEEPING),
    ],
)
def test_everyday_words(file_index, text, code):
    assert top(file_index, text) == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [("bj", CLEANER), ("baojie", CLEANER), ("bao jie", CLEANER), ("jzfw", HOUSEKEEPING), ("banyun", LOADER)],
)
def test_pinyin_and_initials(file_index, text, code):
    assert top(file_index, text) == [code]


def test_exact_matches_score_near_one_and_scores_are_ordered(file_index):
    matches = file_index.classify("保姆", 5)
    assert matches[0].score > 0.95
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_recruitment_filler_and_places_are_ignored(file_index):
    plain = file_index.classify("搬运工", 1)[0]
    noisy = file_index.classify("急招日结搬运工 2名 小榄 包吃住", 1)[0]
    assert noisy.code == plain.code == LOADER
    assert noisy.score == pytest.approx(plain.score, abs=0.02)
    assert file_index.classify("急招 日结 2名 中山", 5) == []


def test_generic_words_yield_to_the_industry(file_index):
    assert "普工" in GENERIC_TERMS
    assert top(file_index, "普工") == ["6-31-05-00"]  # the documented default when no industry is given
    assert top(file_index, "电子厂普工") == ["6-25-04-07"]
    assert top(file_index, "灯饰厂普工") == ["6-24-07-02"]
    assert top(file_index, "电子厂小时工") == ["6-25-04-07"]  # not 家政 although 小时工 maps there
    # A specific task beats the workplace it is done in.
    assert top(file_index, "小榄灯饰厂包装普工") == ["6-31-05-00"]


def test_agent_nouns_name_the_job(file_index):
    assert term_weight("保姆") > term_weight("照顾老人") > term_weight("灯饰厂") > term_weight("普工")
    assert top(file_index, "招住家保姆照顾老人") == [HOUSEKEEPING]
    # Titles are head-final: a term followed by 工/员/师傅 is the job, earlier words say where.
    assert top(file_index, "家具厂 喷漆工") == ["6-18-03-03"]
    assert top(file_index, "灯饰厂 质检员") == ["6-31-03-05"]
    assert top(file_index, "服装厂 包装员") == ["6-31-05-00"]


def test_typing_the_first_characters_already_suggests(file_index):
    assert top(file_index, "厨") == ["4-03-02-01"]
    assert "4-07-05-01" in top(file_index, "保", 5) and HOUSEKEEPING in top(file_index, "保", 5)
    assert top(file_index, "住家保") == [HOUSEKEEPING]


@pytest.mark.parametrize(
    "text", ["", "   ", "asdkjh", "qwertyuiop", "!!!", "12345", "的的的", "😀😀", "\x00\n\t"]
)
def test_gibberish_gives_nothing(file_index, text):
    assert file_index.classify(text, 5) == []


@pytest.mark.parametrize("text", ["今天天气很好", "我什么都能干", "zzzz 啊啊啊", "床前明月光"])
def test_unrelated_text_scores_low(file_index, text):
    assert all(m.score < 0.3 for m in file_index.classify(text, 5))


def test_limit(file_index):
    assert len(file_index.classify("维修", 3)) == 3
    assert file_index.classify("维修", 0) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_crashes_on_any_text(file_index, text):
    matches = file_index.classify(text, 7)
    assert len(matches) <= 7
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert len({m.code for m in matches}) == len(matches)
    assert all(m.code in file_index.by_code for m in matches)


CJK_ISH = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list("保洁搬运工普厂日结名元 ，。/（）abcjz0123456789")),
    ),
    max_size=120,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CJK_ISH)
def test_never_crashes_on_chinese_like_text(file_index, text):
    matches = file_index.classify(text, 5)
    assert all(0.0 <= m.score <= 1.0 for m in matches)


def test_helpers():
    assert normalize("ＣＮＣ  操机！") == "cnc 操机"
    assert split_gig_name("车位工/衣车工（缝纫工）") == (["车位工", "衣车工"], ["缝纫工"])
    assert split_gig_name("装修木工（吊顶/隔墙）") == (["装修木工"], ["吊顶", "隔墙"])
    assert pinyin_keys("保洁") == ("baojie", "bj")
    assert pinyin_keys("家政服务员") == ("jiazhengfuwuyuan", "jzfwy")


def test_a_tiny_index_built_by_hand():
    records = [OccupationRecord("1-00-00-01", "甲工"), OccupationRecord("1-00-00-02", "乙员")]
    index = build_index(records, [Surface("小甲", "1-00-00-01", "synonym"), Surface("x", "9-9", "synonym")])
    assert len(index) == 2
    assert top(index, "小甲") == ["1-00-00-01"] and top(index, "乙员") == ["1-00-00-02"]
    assert index.classify("丙", 5) == []


def test_naive_baseline_is_plain_substring_search():
    records = [OccupationRecord("4-09-08-01", "保洁员"), OccupationRecord("4-02-05-01", "装卸搬运工")]
    assert [m.code for m in naive_classify(records, {}, "招保洁员")] == ["4-09-08-01"]
    assert naive_classify(records, {}, "保姆") == []
    assert [m.code for m in naive_classify(records, {"4-02-05-01": ["搬运工"]}, "急招搬运工")] == [
        "4-02-05-01"
    ]
