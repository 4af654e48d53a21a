"""Browser journey: the occupation type-ahead in the real Chromium, under the site's CSP.

A city admin types pinyin initials into the shared occupation field, picks a suggestion (htmx fetches
the list; occupation-suggest.js fills the hidden code) and adds a synonym that classification then uses.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lingong.catalog import autocode
from lingong.catalog.models import OccupationSynonym

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_ahead_fills_the_code_and_the_synonym_is_used(phone_page, personas, catalog):
    page = phone_page
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13900000001")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/occupations/synonyms/")
    page.get_by_label("词语").fill("擦窗工")
    field = page.get_by_label("对应职业")
    field.press_sequentially("bj", delay=50)
    suggestion = page.locator("#id_occupation_text-suggestions button[data-code='4-09-08-01']")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(field).to_have_value("保洁员")
    expect(page.locator("input[name=occupation_code]")).to_have_value("4-09-08-01")
    expect(page.locator("[data-occupation-chosen]")).to_contain_text("4-09-08-01")
    field.press_sequentially("x")  # typing again clears the choice
    expect(page.locator("input[name=occupation_code]")).to_have_value("")
    field.fill("")
    field.press_sequentially("保洁", delay=50)
    page.locator("#id_occupation_text-suggestions button[data-code='4-09-08-01']").click()
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_role("status")).to_contain_text("已添加：擦窗工 → 保洁员")
    assert OccupationSynonym.objects.get(term="擦窗工").occupation.code == "4-09-08-01"
    assert autocode.classify("擦窗工", 1)[0].code == "4-09-08-01"
    assert csp_errors == []
