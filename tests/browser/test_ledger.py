"""Browser journey for the service ledger 台账: a coordinator, on a phone-sized screen, records a walk-in's
services in a few taps, then a registered worker's recommendation, and sees the day's ledger with its
totals; the Excel file downloaded from the page reads back with Chinese headers and the same total.
"""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from lingong.gigs.tests.factories import make_worker
from lingong.ledger.models import LedgerEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_coordinator_records_a_walk_in_and_sees_the_days_ledger(phone_page, personas, catalog):
    page = phone_page
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    worker = make_worker(personas.coordinator_a, personas.station_a, phone="13766668888", name="梁亚伯")
    sign_in(page, "coord_a")
    page.get_by_role("link", name="服务台账").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("服务台账 · 记一笔")
    expect(page.locator(".today-persons")).to_have_text("1")  # this morning's assisted registration
    page.evaluate("window.__sameDocument = true")

    # An anonymous couple asks about careers and policies: two taps, the count, one tap to save.
    page.get_by_label("职业指导", exact=True).check()
    page.get_by_label("政策咨询", exact=True).check()
    page.get_by_label("人数", exact=True).fill("2")
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("已记录 2 项：职业指导、政策咨询（匿名来访 2 人）")
    expect(page.locator(".today-persons")).to_have_text("5")
    expect(page.get_by_label("职业指导", exact=True)).not_to_be_checked()  # ready for the next visitor
    assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload

    # A registered worker: find by the phone's last digits, pick, recommend a job with the outcome.
    page.get_by_label("或查找已登记的求职者", exact=False).fill("8888")
    page.get_by_label(f"梁亚伯 · 137****8888 · {worker.code}").check()
    page.get_by_label("岗位推荐", exact=True).check()
    page.get_by_text("③ 结果、备注、服务提供方").click()
    page.get_by_label("已推荐/转介", exact=True).check()
    page.get_by_label("结果说明").fill("推荐到小榄五金厂普工")
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("岗位推荐（梁*伯）")
    expect(page.locator(".today-persons")).to_have_text("6")
    assert page.evaluate("window.__sameDocument") is True

    page.get_by_role("link", name="当日台账与导出").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("当日台账")
    totals = page.locator("table.ledger-totals")
    expect(totals.locator("tr[data-service=guidance] td.persons")).to_have_text("2")
    expect(totals.locator("tr[data-service=recommendation] td.persons")).to_have_text("1")
    expect(totals.locator("tfoot td.persons")).to_have_text("6")
    entries = page.locator("table.ledger-entries")
    expect(entries).to_contain_text("匿名来访 2 人")
    expect(entries).to_contain_text("已推荐/转介：推荐到小榄五金厂普工")
    expect(page.locator("#ledger-chart svg")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = download.value.path()
    wb = load_workbook(BytesIO(Path(path).read_bytes()))
    rows = [list(r) for r in wb["台账明细"].iter_rows(values_only=True)]
    assert personas.station_a.name in rows[0][0]
    assert rows[2][:7] == ["序号", "日期", "时间", "服务类型", "服务对象", "求职编号", "人数"]
    assert rows[-1][0] == "合计" and rows[-1][6] == 6
    assert LedgerEntry.objects.filter(station=personas.station_a, source="manual").count() == 3
    assert violations == []
