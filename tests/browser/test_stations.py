"""Browser journeys for the station network, in the real Chromium.

1. On a phone, a person in 小榄 uses their location, keeps only stations open now, and opens the
   nearest one.
2. A town admin signs in, edits a station of their own town, and is refused on another town's station.
3. Large-text mode stays on across pages.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from lingong.places.hours import parse_exceptions
from lingong.places.models import Station
from lingong.places.services import create_station, update_station_operations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XIAOLAN_POINT = {"latitude": 22.6745, "longitude": 113.2460}
ALL_DAY = {d: [(dt.time(0, 0), dt.time(23, 59))] for d in range(7)}


def test_phone_finds_nearest_open_station_in_xiaolan(phone_page, personas, towns):
    city = personas.city_admin
    # The closest station is closed today; the next closest is open all day; a third is farther away.
    closed = create_station(
        actor=city,
        data={
            "name": "中山市（小榄镇永宁社区）就业驿站",
            "kind": "employment_station",
            "town": towns["小榄"],
            "lat": 22.6746,
            "lng": 113.2462,
            "status": "operating",
            "address": "永宁社区",
            "phone": "0760-22110001",
            "contact_name": "甲",
        },
        hours=ALL_DAY,
    )
    update_station_operations(
        closed,
        actor=city,
        data={},
        exceptions=parse_exceptions(f"{timezone.localdate().isoformat()} 闭馆 内部培训"),
    )
    create_station(
        actor=city,
        data={
            "name": "中山市（小榄镇）零工市场",
            "kind": "gig_market",
            "town": towns["小榄"],
            "lat": 22.6790,
            "lng": 113.2480,
            "status": "operating",
            "address": "中山市小榄镇民安中路88号",
            "phone": "0760-22110002",
            "contact_name": "乙",
            "services": ["recommendation", "quick_hire"],
        },
        hours=ALL_DAY,
    )
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(XIAOLAN_POINT)
    page.goto("/")
    page.get_by_role("link", name="找离我最近的站点").click()
    # The home link asks the finder to locate straight away.
    expect(page.locator(".count")).to_contain_text("由近到远排列")
    first = page.locator(".station-item").first
    expect(first.locator(".station-name")).to_have_text("中山市（小榄镇永宁社区）就业驿站")
    expect(first).to_contain_text("现在休息")
    expect(page.locator("#locate-status")).to_have_text("已定位")
    page.get_by_label("只看现在开放的").check()
    expect(page.locator(".station-item").first.locator(".station-name")).to_have_text(
        "中山市（小榄镇）零工市场"
    )
    expect(page.locator(".station-item").first).to_contain_text("正在开放")
    assert "open_now=1" in page.url and "near=22.67" in page.url
    page.locator(".station-item").first.locator(".station-name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("中山市（小榄镇）零工市场")
    expect(page.locator(".tag.open")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.get_by_role("link", name="0760-22110002")).to_have_attribute("href", "tel:0760-22110002")


def test_phone_near_a_town_without_location(phone_page, personas, towns):
    page = phone_page
    page.goto("/stations/")
    page.get_by_label("或从镇街中心算起").select_option(label="东区街道")
    expect(page.locator(".count")).to_contain_text("按步行时间由近到远排列")
    expect(page.locator(".station-item").first.locator(".station-name")).to_have_text(
        "中山市（东区街道）零工市场"
    )


def test_town_admin_edits_own_station_and_is_refused_elsewhere(desktop_page, personas):
    page = desktop_page
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="站点管理").click()
    row = page.get_by_role("row", name=re.compile("中山市（东区街道）零工市场"))
    row.get_by_role("link", name="编辑").click()
    page.get_by_label("地址").fill("中山市东区中山四路88号")
    page.get_by_label("周六").fill("07:00 - 11:00")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.get_by_role("heading", level=1)).to_have_text("中山市（东区街道）零工市场")
    expect(page.locator(".facts")).to_contain_text("中山市东区中山四路88号")
    expect(page.locator("table.hours")).to_contain_text("07:00-11:00")
    saved = Station.objects.get(pk=personas.station_b.pk)
    assert saved.address == "中山市东区中山四路88号"
    assert saved.status_since == personas.station_b.status_since  # dates survive a round trip

    # A mistake is explained next to the field and nothing is saved.
    page.goto(f"/manage/stations/{personas.station_b.code}/edit/")
    page.get_by_label("联系电话").fill("123")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field.has-error")).to_contain_text("联系电话格式不正确")
    assert Station.objects.get(pk=personas.station_b.pk).phone == "0760-88990011"

    # Station A belongs to 小榄: not this admin's town.
    response = page.goto(f"/manage/stations/{personas.station_a.code}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("没有权限")


def test_large_text_mode_persists(phone_page, personas):
    page = phone_page
    page.goto("/")
    size_before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="大字模式").click()
    expect(page.locator("html")).to_have_class("a11y-large")
    page.wait_for_load_state()
    size_after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size_after > size_before
    page.get_by_role("link", name="站点名录").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("动态管理名录")
    expect(page.locator("html")).to_have_class("a11y-large")
    page.get_by_role("button", name="标准字体").click()
    expect(page.locator("html")).not_to_have_class("a11y-large")


def test_pages_break_no_content_security_policy_rule(phone_page, personas):
    violations: list[str] = []
    phone_page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    for path in (
        "/",
        "/stations/?near_town=442000118",
        f"/stations/{personas.station_a.code}/",
        "/directory/",
    ):
        phone_page.goto(path)
        phone_page.wait_for_load_state("networkidle")
    assert violations == []
