"""Browser journey for the monitoring dashboard, in the real Chromium.

A city admin opens 运行监测 from the navigation, sees the charts (ECharts from our own static files)
and the map of towns drawn without breaking the Content Security Policy, switches to 东区, downloads
one table as Excel and reads it back, then opens the big screen.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from lingong.ledger.models import LedgerEntry
from lingong.monitoring.models import DailySnapshot, Scope
from lingong.monitoring.snapshots import write_day
from lingong.monitoring.tests.test_dashboard import read_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(personas, towns) -> list[dt.date]:
    """Three days of ledger work at 东区's market, written into the snapshots as the nightly task does."""
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1)]
    for i, day in enumerate(days):
        LedgerEntry.objects.create(
            code=f"LEB{i:03d}",
            station=personas.station_b,
            day=day,
            at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))),
            service="guidance",
            walk_in_count=i + 2,
        )
        write_day(day)
    # Seekers and places for two towns, so the ratio chart and the map have something to show.
    for short, seekers, places in (("东区", 40, 100), ("小榄", 80, 20)):
        DailySnapshot.objects.filter(scope=Scope.TOWN, key=towns[short].code).update(
            seekers_active=seekers, open_headcount=places
        )
    return days


def test_city_admin_reads_the_dashboard_downloads_a_table_and_opens_the_big_screen(
    desktop_page, personas, towns
):
    days = _history(personas, towns)
    page = desktop_page
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13900000001")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="运行监测").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("运行监测 · 全市")
    expect(page.locator(".summary")).to_contain_text(
        f"数据截至 {days[-1]:%Y}年{days[-1].month}月{days[-1].day}日"
    )
    for chart in ("supply", "flows", "services", "towns", "stations"):
        expect(page.locator(f'[data-chart="{chart}"] svg')).to_be_visible()
    expect(page.locator("#town-map.leaflet-container")).to_be_visible()
    expect(page.locator("#town-map path.leaflet-interactive")).to_have_count(len(towns))
    expect(page.locator(".map-list")).to_contain_text("东区街道：2.50")

    page.get_by_label("查看范围").select_option(label="东区街道")
    page.get_by_role("button", name="切换").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("运行监测 · 东区街道")
    expect(page.locator('[data-chart="services"] svg')).to_be_visible()
    expect(page.locator('table[data-table="stations"]')).to_contain_text(personas.station_b.name)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel：站点台账服务").click()
    assert download.value.suggested_filename.startswith("运行监测-东区街道-站点台账服务-")
    with open(download.value.path(), "rb") as f:
        above, rows = read_xlsx(f.read())
    assert above[0].startswith("东区街道·站点台账服务")
    assert rows[0] == ["日期", "台账服务人次"]
    assert [(r[0].date(), r[1]) for r in rows[1:-1]] == list(zip(days, [2, 3, 4], strict=True))  # type: ignore[attr-defined]
    assert rows[-1] == ["合计", 9]

    page.get_by_role("link", name="打开数据大屏").first.click()
    expect(page).to_have_url(
        f"{page.url.split('/monitoring/')[0]}/monitoring/screen/?town={towns['东区'].code}"
    )
    expect(page.locator("body.screen")).to_be_visible()
    expect(page.locator("#screen-clock")).not_to_be_empty()
    expect(page.locator('.screen-cards [data-field="services"]')).to_have_text("9")
    expect(page.locator('[data-chart="supply"] svg')).to_be_visible()
    assert violations == []
