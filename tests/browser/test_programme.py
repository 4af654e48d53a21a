"""Browser journey for the construction funds, in the real Chromium.

A town admin of 东区 records an expenditure that takes the town past its budget, attaches the voucher,
and sees the over-budget alert right after saving; the funds page draws its chart (ECharts from our own
static files) without breaking the Content Security Policy.
"""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lingong.programme.models import Expenditure
from lingong.programme.reference import load_round_2023

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_town_admin_records_expenditure_over_budget_and_sees_the_alert(
    desktop_page, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_round_2023()
    page = desktop_page
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="建设与资金").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("零工市场及就业驿站建设进度")
    page.locator(".subnav").get_by_role("link", name="录入支出").click()

    page.get_by_label("站点").select_option(label="中山市（东区街道）零工市场（东区）")
    page.get_by_label("类别").select_option(label="设备购置")
    page.get_by_label("项目").fill("LED屏")
    page.get_by_label("支出日期").fill("2023-10-20")
    page.get_by_label("金额（元）").fill("120000")
    page.get_by_label("供应商/收款方").fill("中山市某显示科技有限公司")
    page.get_by_label("用途说明").fill("站点LED显示屏及安装")
    page.get_by_label("凭证（发票、收据或合同）").set_input_files(
        files=[{"name": "发票.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="保存支出").click()

    expect(page.locator(".messages")).to_contain_text("已录入支出 120,000.00 元")
    expect(page.locator(".messages .error")).to_contain_text("超过预算 11.75 万元（超出 2,500.00 元）")
    expect(page.locator(".alert.danger")).to_contain_text("市级专项资金已支出 12 万元，超过预算 11.75 万元")
    expect(page.get_by_role("link", name="发票.pdf")).to_be_visible()
    saved = Expenditure.objects.get()
    assert saved.amount == 120000 and saved.recorded_by == personas.town_admin_b

    page.locator(".subnav").get_by_role("link", name="资金").click()
    expect(page.locator(".alerts")).to_contain_text("东区：市级专项资金已支出 12 万元")
    expect(page.locator("tr.over").first).to_contain_text("东区")
    expect(page.locator("#funds-chart svg")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载预算执行表（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert violations == []
