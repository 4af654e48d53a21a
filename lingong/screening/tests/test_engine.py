"""The engine against the shipped rules (compiled from data/rules.toml, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lingong.screening.engine import screen
from lingong.screening.wages import current_minimum


def categories(result) -> set[str]:
    return {f.category for f in result.findings}


@pytest.mark.parametrize(
    ("text", "category", "severity", "quoted", "law"),
    [
        ("限男性，包吃住", "sex", "block", "限男性", "《就业促进法》第二十七条"),
        ("男性优先", "sex", "block", "男性优先", "《就业促进法》第二十七条"),
        ("仅限女性，形象好", "sex", "block", "仅限女性", "《妇女权益保障法》第四十三条"),
        ("已婚已育优先", "marriage", "block", "已婚已育优先", "《妇女权益保障法》第四十三条"),
        ("入职两年内不得怀孕", "marriage", "block", "入职两年内不得怀孕", "《妇女权益保障法》第四十三条"),
        ("限汉族", "ethnicity", "block", "限汉族", "《就业促进法》第三条、第二十八条"),
        ("乙肝勿扰", "health", "block", "乙肝", "《就业服务与就业管理规定》第十九条"),
        ("病原携带者勿扰", "health", "block", "病原携带者", "《就业促进法》第三十条"),
        ("残疾人勿扰", "disability", "block", "残疾人勿扰", "《残疾人保障法》第三十八条"),
        ("不招新疆人", "origin", "block", "不招新疆人", "《就业促进法》第三条、第三十一条"),
        ("本地户口优先", "origin", "block", "本地户口优先", "《就业服务与就业管理规定》第二十条"),
        ("招收14岁以上学生工", "age", "block", "招收14岁", "《禁止使用童工规定》第二条"),
        ("交押金200元", "fee", "block", "押金", "《劳动合同法》第九条"),
        ("先交培训费500", "fee", "block", "培训费", "《劳动合同法》第九条"),
        ("身份证押在公司", "id_card", "block", "身份证押在", "《劳动合同法》第九条"),
        ("淘宝刷单，一单一结", "pay_promise", "block", "刷单", "《反电信网络诈骗法》"),
        ("加微信详聊", "off_platform", "block", "加微信", "《网络招聘服务管理规定》"),
    ],
)
def test_each_category_is_caught_with_its_law(check, text, category, severity, quoted, law):
    result = check(text)
    found = [f for f in result.findings if f.category == category]
    assert found, result.findings
    finding = found[0]
    assert finding.severity == severity
    assert finding.text == quoted
    assert law in finding.law
    assert finding.message and finding.category_label
    assert result.ok is (severity != "block")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("35岁以下", "age"),
        ("18-45岁", "age"),
        ("无传染病，身体健康", "health"),
        ("四肢健全", "disability"),
        ("体检费自理", "fee"),
        ("月入过万轻松", "pay_promise"),
        ("联系电话13800138000", "off_platform"),
        ("招保洁阿姨2名", "sex"),
        ("宝妈优先", "marriage"),
    ],
)
def test_warnings_do_not_block(check, text, category):
    result = check(text)
    assert categories(result) == {category}
    assert result.ok and result.warned and not result.blocked


@pytest.mark.parametrize(
    "text",
    [
        "石岐区清真餐厅招聘服务员，尊重清真饮食习惯",
        "沙溪镇女装店招周末导购",
        "提供男女宿舍，夫妻可安排夫妻房",
        "男女不限，年满16周岁，计件加保底",
        "不限户籍，欢迎外来务工人员",
        "需持健康证，身体健康",
        "年满16周岁，包吃住，月结工资",
        "欢迎残疾人朋友报名，厂区有无障碍通道",
        "不收押金、报名费、服装费等任何费用",
        "公司严禁扣押员工身份证件",
        "拒绝童工，须年满16周岁",
        "照看3-6岁儿童午睡",
        "辅导6-12岁小学生写作业",
        "50岁以上也可",
        "工资通过微信转账发放",
        "未满16周岁勿扰",
        "汉族、少数民族均可",
        "乙肝病原携带者可正常应聘，入职体检不查乙肝",
        "餐补15元/天，全勤奖200元/月",
        "培训费全免",
    ],
)
def test_lawful_wording_passes(check, text):
    result = check(text, pay="25", unit="hour")
    assert result.findings == [], [(f.category, f.text) for f in result.findings]
    assert result.ok


def test_under_16_blocks_while_an_age_cap_only_warns(check):
    child = check("15岁以上即可，包吃住")
    assert not child.ok and [f.category for f in child.blocked] == ["age"]
    assert "未满16周岁" in child.blocked[0].message
    capped = check("35岁以下，形象好")
    assert capped.ok and [f.category for f in capped.warned] == ["age"]
    assert check("年满16周岁").findings == []
    assert not check("十五岁以上可以").ok
    assert not check("年龄14-20岁").ok
    assert not check("未满16岁也可").ok
    assert check("五十岁以上也欢迎").findings == []


def test_obfuscated_and_traditional_wording_is_caught(check):
    for text in ("限 男", "限*男", "只.招.男", "限／女", "乙 肝 勿 扰", "無乙肝", "身份證押公司", "ＶＸ同号"):
        assert not check(text).ok, text
    result = check("只.招.男，能吃苦")
    assert result.blocked[0].text == "只.招.男"  # quoted as written


def test_finding_positions_point_into_the_right_field(check):
    result = check("包吃住，限男性", title="急招女工")
    title_hit = next(f for f in result.findings if f.field == "title")
    assert "急招女工"[title_hit.start : title_hit.end] == title_hit.text == "急招女工"
    body_hit = next(f for f in result.findings if f.field == "description")
    assert "包吃住，限男性"[body_hit.start : body_hit.end] == body_hit.text == "限男性"


def test_title_and_description_do_not_run_together(check):
    # "…有限" at the end of the title and "男…" at the start of the description must not make "限男".
    assert check("男女均可", title="名额有限").findings == []


@pytest.mark.parametrize(
    ("pay", "unit", "blocked"),
    [
        ("18", "hour", True),
        ("18.1", "hour", False),
        ("144", "day", True),
        ("144.8", "day", False),
        ("100", "shift", True),
        ("150", "shift", False),
        ("1899", "month", True),
        ("1900", "month", False),
        ("0.3", "piece", False),
        ("3", "order", False),
    ],
)
def test_minimum_wage_per_unit(check, pay, unit, blocked):
    result = check("包吃住，日结", pay=pay, unit=unit)
    wage = [f for f in result.findings if f.category == "min_wage"]
    assert bool(wage) is blocked
    assert result.ok is not blocked
    if blocked:
        standard = current_minimum()
        figure = {"hour": standard.hourly, "day": standard.daily, "shift": standard.daily}.get(
            unit, standard.monthly
        )
        assert str(figure) in wage[0].message
        assert wage[0].field == "pay" and wage[0].severity == "block"
        assert "《最低工资规定》" in wage[0].law


def test_minimum_wage_figures_follow_the_data_file():
    standard = current_minimum()
    assert standard.daily == standard.hourly * 8
    assert standard.minimum_for("shift") == standard.minimum_for("day")
    assert standard.minimum_for("piece") is None and standard.minimum_for("order") is None
    assert "广东省" in standard.source


def test_pay_written_in_the_text_is_checked_too(check):
    result = check("时薪12元，包一餐")
    assert [f.text for f in result.blocked] == ["时薪12元"]
    assert check("每小时15块钱").blocked
    assert check("80元/天").blocked
    assert not check("工资22元/小时").findings
    assert not check("夜班补贴20元/天").findings  # an allowance, not the pay


def test_missing_title_or_description_blocks(file_rules):
    result = screen(title="  ", description="", rules=file_rules)
    missing = [f for f in result.findings if f.category == "missing"]
    assert [f.field for f in missing] == ["title", "description"]
    assert all(f.severity == "block" and "第十一条" in f.law for f in missing)
    assert not result.ok
    only_title = screen(title="保洁员", description="   ", rules=file_rules)
    assert [f.field for f in only_title.blocked] == ["description"]


def test_several_problems_are_all_reported_blocks_first(check):
    result = check("限男，18-35岁，汉族，交押金300，加微信详聊。", pay="15", unit="hour")
    assert categories(result) == {"sex", "age", "ethnicity", "fee", "off_platform", "min_wage"}
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=lambda s: s != "block")


def test_a_list_of_rules_can_be_passed_directly():
    rule = {
        "code": "t1",
        "name": "测试",
        "category": "fee",
        "severity": "warn",
        "kind": "keywords",
        "pattern": "茶水费",
        "allow": "",
        "message": "不要收茶水费",
        "law": "《劳动合同法》第九条",
    }
    result = screen(title="普工", description="每月扣茶水费", rules=[rule])
    assert [(f.category, f.text, f.severity) for f in result.findings] == [("fee", "茶水费", "warn")]
    assert screen(title="普工", description="每月扣茶水费", rules=[]).findings == []
    # An unknown pay unit is not checked rather than refused (the form and the API validate units).
    assert (
        screen(title="普工", description="x", pay_amount=Decimal("1"), pay_unit="bogus", rules=[]).findings
        == []
    )
