"""The live-check partial and the city admins' rules page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lingong.screening.models import ScreeningRule

pytestmark = pytest.mark.django_db
CHECK = "/screening/check/"
RULES = "/manage/screening/rules/"
TRY = "/manage/screening/rules/try/"


def test_urls():
    assert reverse("screening:check") == CHECK
    assert reverse("screening:rules") == RULES
    assert reverse("screening:rule_try") == TRY
    assert reverse("screening:rule_edit", args=["builtin-fee"]) == "/manage/screening/rules/builtin-fee/"
    assert (
        reverse("screening:rule_toggle", args=["builtin-fee"])
        == "/manage/screening/rules/builtin-fee/toggle/"
    )


def test_the_check_partial_lists_findings(client, personas):
    client.force_login(personas.employer)
    data = {
        "title": "急招普工",
        "description": "限 男，交押金200，35岁以下",
        "pay_amount": "15",
        "pay_unit": "hour",
    }
    page = client.post(CHECK, data, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page and "css/screening.css" in page  # self-contained
    assert "有 3 处必须修改后才能发布，另有 1 处建议修改" in page
    assert '“<span class="quote">限 男</span>”' in page and "押金" in page and "15元/小时" in page
    assert "《就业促进法》第二十七条" in page and "《劳动合同法》第九条" in page
    assert 'class="finding block"' in page and 'class="finding warn"' in page
    assert "style=" not in page and "<script" not in page  # CSP: no inline styles or scripts


def test_the_check_partial_says_when_nothing_is_wrong(client, personas):
    client.force_login(personas.employer)
    data = {
        "title": "包装工",
        "description": "男女不限，年满16周岁，包吃住",
        "pay_amount": "22",
        "pay_unit": "hour",
    }
    page = client.post(CHECK, data, HTTP_HX_REQUEST="true").content.decode()
    assert "未发现问题" in page and 'class="finding ' not in page and "必须修改" not in page


def test_the_check_reports_bad_input_and_still_screens(client, personas):
    client.force_login(personas.employer)
    data = {"title": "普工" * 40, "description": "限男", "pay_amount": "很多", "pay_unit": "year"}
    response = client.post(CHECK, data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "岗位名称：" in page and "工价：" in page and "计薪单位：" in page
    assert "限男" in page and "必须修改" in page


def test_the_check_needs_a_login_and_works_without_scripts(client, personas):
    response = client.post(CHECK, {"title": "普工", "description": "限男"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(personas.worker)
    full = client.post(CHECK, {"title": "普工", "description": "限男"}).content.decode()
    assert "<html" in full and "岗位内容自查" in full and "限男" in full
    form = client.get(CHECK).content.decode()
    assert "<html" in form and 'name="description"' in form and "未发现问题" not in form


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 302),
        ("worker", 403),
        ("employer", 403),
        ("outsider", 403),
        ("coordinator_a", 403),
        ("town_admin_b", 403),
        ("city_admin", 200),
    ],
)
def test_rules_pages_are_for_city_admins_only(client, personas, role, status):
    if role != "anon":
        client.force_login(getattr(personas, role))
    responses = [
        client.get(RULES),
        client.get("/manage/screening/rules/builtin-fee/"),
        client.post(TRY, {"title": "普工", "description": "限男"}, HTTP_HX_REQUEST="true"),
    ]
    assert [r.status_code for r in responses] == [status] * 3
    toggle = client.post("/manage/screening/rules/builtin-fee/toggle/", {"active": "0"})
    assert toggle.status_code == (status if status != 200 else 302)
    if role == "anon":
        assert all("/accounts/login/" in r["Location"] for r in responses)
    assert ScreeningRule.objects.get(code="builtin-fee").active is (role != "city_admin")


def test_city_admin_lists_adds_and_tries_rules(client, personas, django_assert_max_num_queries):
    client.force_login(personas.city_admin)
    client.get(RULES)
    with django_assert_max_num_queries(10):
        page = client.get(RULES).content.decode()
    assert "限定或优先某一性别" in page and "系统内置" in page and "试一试" in page
    response = client.post(
        RULES,
        {
            "name": "收取茶水费",
            "category": "fee",
            "severity": "warn",
            "kind": "keywords",
            "pattern": "茶水费",
            "allow": "",
            "message": "不得收取茶水费。",
            "law": "《劳动合同法》第九条",
        },
    )
    assert response.status_code == 302
    rule = ScreeningRule.objects.get(name="收取茶水费")
    assert rule.created_by == personas.city_admin
    tried = client.post(TRY, {"title": "普工", "description": "每月扣茶水费"}, HTTP_HX_REQUEST="true")
    text = tried.content.decode()
    assert "<html" not in text and "规则：收取茶水费" in text and "建议修改" in text
    filtered = client.get(RULES, {"category": "fee", "q": "茶水"}).content.decode()
    assert "收取茶水费" in filtered and "限定或优先某一性别" not in filtered


def test_an_invalid_regex_shows_a_chinese_error_on_the_page(client, personas):
    client.force_login(personas.city_admin)
    before = ScreeningRule.objects.count()
    data = {
        "name": "坏规则",
        "category": "sex",
        "severity": "block",
        "kind": "regex",
        "pattern": "限(男",
        "message": "x。",
        "law": "《就业促进法》第二十七条",
    }
    page = client.post(RULES, data).content.decode()
    assert "第1行不是有效的正则表达式：缺少右括号" in page and "修改前不会保存任何内容" in page
    assert ScreeningRule.objects.count() == before


def test_builtin_rule_page_is_read_only_and_admin_rules_are_editable(client, personas):
    client.force_login(personas.city_admin)
    builtin = client.get("/manage/screening/rules/builtin-fee/").content.decode()
    assert "不能在此修改" in builtin and 'name="pattern"' not in builtin and "押金" in builtin
    refused = client.post("/manage/screening/rules/builtin-fee/", {"name": "改名"}).content.decode()
    assert ScreeningRule.objects.get(code="builtin-fee").name == "向劳动者收取押金或费用"
    assert "不能" in refused
    from lingong.screening import services

    rule = services.add_rule(
        actor=personas.city_admin,
        data={
            "name": "茶水费",
            "category": "fee",
            "severity": "block",
            "kind": "keywords",
            "pattern": "茶水费",
            "message": "x。",
            "law": "《劳动合同法》第九条",
        },
    )
    url = f"/manage/screening/rules/{rule.code}/"
    assert 'name="pattern"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "茶水费和卫生费",
            "category": "fee",
            "severity": "warn",
            "kind": "keywords",
            "pattern": "茶水费、卫生费",
            "message": "不要收费。",
            "law": "《劳动合同法》第九条",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.severity) == ("茶水费和卫生费", "warn")
    toggled = client.post(f"{url}toggle/", {"active": "0"})
    assert toggled.status_code == 302
    rule.refresh_from_db()
    assert not rule.active
