"""The station kiosk, the LED page and the LED controller feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lingong.content import kiosk

from .conftest import gig_at

# Around station B (东区, 22.5250, 113.4000).
NEAR = (22.5262, 113.4012)  # about 170 m
FARTHER = (22.5400, 113.4200)  # about 2.6 km
NEAREST = (22.5252, 113.4002)  # about 30 m
FAR_AWAY = (22.6720, 113.2500)  # 小榄, over 20 km
FEED_KEYS = ["code", "title", "pay", "settlement", "town", "distance_km", "minutes", "starts", "places_left"]
FEED_KEYS += ["url"]


def test_display_width_and_fit():
    assert kiosk.display_width("保洁ab") == 6
    assert kiosk.fit("保洁员", 5) == "保洁 "  # the third character would straddle the edge
    assert kiosk.fit("ab", 4) == "ab  "
    assert kiosk.fit("写字楼保洁\n日结", 40) == "写字楼保洁 日结" + " " * 25
    assert kiosk.display_width(kiosk.fit("Ｅ１保洁", 7)) == 7  # full-width Latin letters count as 2


@given(st.text(max_size=80), st.integers(min_value=1, max_value=120))
def test_every_feed_line_is_exactly_the_asked_width(text, width):
    line = kiosk.fit(text, width)
    assert kiosk.display_width(line) == width and "\n" not in line and "\r" not in line


@pytest.mark.django_db
def test_kiosk_shows_todays_and_tomorrows_gigs_nearest_first(client, personas, employer, early_today):
    today = timezone.localdate()
    tomorrow, later = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    farther = gig_at(personas, employer, "远一点的保洁", *FARTHER, today)
    near = gig_at(personas, employer, "近处保洁今晚", *NEAR, today)
    tomorrow_gig = gig_at(personas, employer, "明早保洁", *NEAREST, tomorrow, start="08:00", end="12:00")
    gig_at(personas, employer, "后天保洁", *NEAREST, later, start="08:00", end="12:00")
    gig_at(personas, employer, "小榄保洁", *FAR_AWAY, today)
    station = personas.station_b

    assert [g.title for g in kiosk.station_gigs(station, date="today")] == [near.title, farther.title]
    assert [g.title for g in kiosk.station_gigs(station, date="tomorrow")] == [tomorrow_gig.title]

    response = client.get(f"/kiosk/{station.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    today_part, tomorrow_part = page.split('id="day-2"')
    assert today_part.index(near.title) < today_part.index(farther.title)
    assert tomorrow_gig.title in tomorrow_part and near.title not in tomorrow_part
    assert "后天保洁" not in page and "小榄保洁" not in page
    assert page.count('class="segno"') >= 4  # a QR code per gig, and one to register on a phone
    assert f"/workers/register/?station={station.code}" in page
    assert 'src="/static/js/kiosk.js"' in page and 'data-idle-seconds="90"' in page

    # Category buttons narrow the list; a made-up category is refused in Chinese.
    assert near.title in client.get(f"/kiosk/{station.code}/", {"category": "4-09"}).content.decode()
    assert near.title not in client.get(f"/kiosk/{station.code}/", {"category": "4-03"}).content.decode()
    bad = client.get(f"/kiosk/{station.code}/", {"category": "drop table"})
    assert bad.status_code == 400 and "没有这个工种类别" in bad.content.decode()

    gig_page = client.get(f"/kiosk/{station.code}/gigs/{near.code}/").content.decode()
    assert near.title in gig_page and f"/gigs/{near.code}/" in gig_page
    assert client.get("/kiosk/NOPE/").status_code == 404

    # The LED page: nearest first, any day; its htmx partial comes from the same view.
    led = client.get(f"/kiosk/{station.code}/led/", {"refresh": "5"}).content.decode()
    assert 'hx-trigger="every 5s"' in led and 'src="/static/js/led.js"' in led
    assert led.index("明早保洁") < led.index(near.title) < led.index(farther.title)
    assert "小榄保洁" not in led
    partial = client.get(f"/kiosk/{station.code}/led/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        partial.lstrip().startswith("<ol")
        and near.title in partial
        and 'hx-trigger="every 60s"' not in partial
    )


@pytest.mark.django_db
def test_led_feed(client, personas, employer):
    station = personas.station_b
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    gig_at(personas, employer, "写字楼保洁长期日结包午餐", *NEAREST, tomorrow, start="08:00", end="17:00")
    gig_at(personas, employer, "商场保洁", *NEAR, tomorrow, start="09:00", end="17:00")
    gig_at(personas, employer, "小榄保洁", *FAR_AWAY, tomorrow)
    url = f"/api/v1/stations/{station.code}/feed"

    body = client.get(url).json()
    assert body["station"] == {"code": station.code, "name": station.name} and body["generated_at"]
    assert [i["title"] for i in body["items"]] == ["写字楼保洁长期日结包午餐", "商场保洁"]
    item = body["items"][0]
    assert set(item) == set(FEED_KEYS)
    assert item["pay"] == "180 元/天" and item["settlement"] == "日结" and item["town"] == "东区"
    assert item["distance_km"] == 0.0 and item["minutes"] == 0 and item["places_left"] == 3
    assert item["url"].endswith(f"/gigs/{item['code']}/")

    text = client.get(url, {"format": "text", "width": 24})
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    lines = text.content.decode().split("\n")
    assert lines[-1] == "" and len(lines) == 3
    assert all(kiosk.display_width(line) == 24 for line in lines[:2])
    assert lines[0].startswith("写字楼保洁长期日结包午餐")  # 12 CJK characters fill exactly 24 columns
    assert lines[0] == "写字楼保洁长期日结包午餐"
    assert lines[1].startswith("商场保洁 180元/天 日结")

    one = client.get(url, {"format": "text", "width": 60, "limit": 1}).content.decode()
    assert one.count("\n") == 1 and kiosk.display_width(one.rstrip("\n")) == 60 and "明天08:00" in one
    assert len(client.get(url, {"limit": 1}).json()["items"]) == 1

    assert client.get("/api/v1/stations/NOPE/feed").status_code == 404
    bad = client.get(url, {"format": "xml"})
    assert bad.status_code == 422 and "取值无效" in bad.json()["detail"]
    assert client.get(url, {"width": 2}).status_code == 422
    # The places router's station detail still answers next to the feed.
    assert client.get(f"/api/v1/stations/{station.code}").json()["code"] == station.code


@pytest.mark.django_db
def test_registration_opened_on_a_kiosk_keeps_the_idle_timer_but_a_phone_does_not(client, personas):
    station = personas.station_a
    register = f"/workers/register/?station={station.code}"
    # A phone that scanned the kiosk's QR code: an ordinary page, no timer.
    phone = client.get(register).content.decode()
    assert "data-kiosk-idle" not in phone and "kiosk.js" not in phone
    # The kiosk itself: its home screen marks the device, and the registration page it opens times out.
    assert client.get(f"/kiosk/{station.code}/").status_code == 200
    on_kiosk = client.get(register).content.decode()
    assert "data-kiosk-idle" in on_kiosk and 'src="/static/js/kiosk.js"' in on_kiosk
    assert f'data-home-url="/kiosk/{station.code}/"' in on_kiosk
    assert f'action="/kiosk/{station.code}/reset/"' in on_kiosk
    # Going home through the reset signs out and keeps the device a kiosk.
    response = client.post(f"/kiosk/{station.code}/reset/")
    assert response.status_code == 302 and response["Location"] == f"/kiosk/{station.code}/"


@pytest.mark.django_db
def test_staff_previewing_the_kiosk_are_not_timed_out(client, personas):
    station = personas.station_a
    client.force_login(personas.coordinator_a)
    assert client.get(f"/kiosk/{station.code}/").status_code == 200
    assert "data-kiosk-idle" not in client.get("/ledger/").content.decode()
