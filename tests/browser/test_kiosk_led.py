"""A station's gig window / LED screen and its kiosk, in the real Chromium.

1. The LED page shows the open gigs near the station in very large type. An employer then posts a new
   gig nearby (through the gigs service, as the posting form would); without anyone touching the
   screen, the page shows it after its next refresh. The refresh interval comes from the page's address
   (?refresh=2), so the test waits seconds instead of the minute a real screen waits.
2. The kiosk goes back to its home screen when nobody touches it (the idle time comes from settings).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lingong.gigs import services as gig_services
from lingong.gigs.tests.factories import approved_employer, gig_data, open_gig

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_led_page_shows_nearby_gigs_and_picks_up_a_new_one(desktop_page: Page, personas, catalog):
    page = desktop_page
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    employer = approved_employer(personas)
    station = personas.station_b  # 东区 (22.5250, 113.4000)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    shift = [{"date": tomorrow, "start": "08:00", "end": "17:00"}]
    open_gig(personas.employer, employer, title="写字楼保洁 日结", lat=22.5260, lng=113.4010, shifts=shift)
    open_gig(personas.employer, employer, title="小榄仓库搬运", lat=22.6720, lng=113.2500, shifts=shift)

    page.goto(f"/kiosk/{station.code}/led/?refresh=2")
    expect(page.get_by_role("heading", level=1)).to_contain_text(station.name)
    gigs = page.locator("#led-list .led-gig")
    expect(gigs).to_have_count(1)
    expect(gigs.first).to_contain_text("写字楼保洁 日结")
    expect(gigs.first).to_contain_text("180 元/天 日结")
    expect(gigs.first).to_contain_text("明天 08:00")
    expect(page.locator("#led-list")).not_to_contain_text("小榄仓库搬运")  # far from this station
    # Very large type: readable from across the room.
    size = page.locator(".led-title").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 40, size

    # A new gig is posted near the station; the screen shows it at its next refresh, nearest first.
    data = gig_data(employer.town, title="商场夜班保洁", lat=22.5252, lng=113.4002, shifts=shift)
    posted = gig_services.post_gig(actor=personas.employer, employer=employer, data=data)
    assert posted.status == "open"
    expect(gigs).to_have_count(2, timeout=10_000)
    expect(gigs.first).to_contain_text("商场夜班保洁")
    expect(gigs.nth(1)).to_contain_text("写字楼保洁 日结")
    assert not violations, violations


def test_kiosk_returns_home_when_left_alone(phone_page: Page, personas, catalog, settings):
    settings.KIOSK_IDLE_SECONDS = 3
    page = phone_page
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    station = personas.station_a
    home = f"/kiosk/{station.code}/"
    page.goto(home + "policies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("政策资讯")
    # Nobody touches the screen: back to the home screen, ready for the next person.
    page.wait_for_url(f"**{home}", timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("附近的零工活")
    expect(page.get_by_role("link", name="保洁绿化")).to_be_visible()
    assert not violations, violations


def test_registration_left_half_filled_on_the_kiosk_is_cleared(phone_page: Page, personas, catalog, settings):
    settings.KIOSK_IDLE_SECONDS = 3
    page = phone_page
    station = personas.station_a
    home = f"/kiosk/{station.code}/"
    page.goto(home)
    page.get_by_role("link", name="在一体机上登记").click()
    page.get_by_label("手机号").fill("13712345678")
    # The person walks away: the screen goes back to the kiosk's home, the typed number gone.
    page.wait_for_url(f"**{home}", timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("附近的零工活")
    page.get_by_role("link", name="在一体机上登记").click()
    expect(page.get_by_label("手机号")).to_have_value("")
