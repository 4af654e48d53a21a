"""Events: the form and its validation, sign-up (capacity, duplicates, QR, walk-ins), attendance, outcomes,
holding the event and its ledger line, the public pages and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lingong.events import services, signups
from lingong.events.models import Event, EventStatus, Signup, SignupSource
from lingong.ledger.models import LedgerEntry

from .conftest import event_data

pytestmark = pytest.mark.django_db


def test_event_form_validation_and_scope(client, personas):
    coord = personas.coordinator_a
    client.force_login(coord)
    response = client.post(
        "/events/manage/new/",
        {**event_data(personas.station_a), "station": personas.station_a.code, "capacity": 30},
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.status == EventStatus.DRAFT and event.address == personas.station_a.address
    assert (event.lat, event.lng) == (personas.station_a.lat, personas.station_a.lng)

    # Bad input: Chinese messages per field, a 400, nothing saved.
    bad = {
        **event_data(personas.station_a, start="10:00", end="09:00", capacity=0, title=""),
        "station": personas.station_a.code,
    }
    response = client.post("/events/manage/new/", bad)
    page = response.content.decode()
    assert response.status_code == 400 and "结束时间要晚于开始时间" in page and "请填写名称" in page
    assert "名额应在 1 到 2000 人之间" in page
    with pytest.raises(ValidationError, match="请选择活动类型"):
        services.save_event(actor=coord, data=event_data(personas.station_a, kind="party"))
    with pytest.raises(ValidationError) as err:
        services.save_event(actor=coord, data={**event_data(personas.station_a), "lat": "0", "lng": "0"})
    assert "中山市" in str(err.value)
    # A coordinator organises for their own station only.
    with pytest.raises(ValidationError, match="您负责的站点"):
        services.save_event(actor=coord, data=event_data(personas.station_b))
    with pytest.raises(PermissionDenied):
        services.save_event(actor=personas.worker, data=event_data(personas.station_a))
    assert Event.objects.count() == 1


def test_signup_capacity_duplicates_and_cancel(client, personas, worker, other_worker):
    event = services.save_event(actor=personas.coordinator_a, data=event_data(personas.station_a, capacity=1))
    client.force_login(worker.user)
    url = f"/api/v1/events/{event.code}/signups"
    assert client.post(url, {}, content_type="application/json").status_code == 404  # a draft
    services.publish_event(event, actor=personas.coordinator_a)

    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "online"
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409 and "已经报过名" in again.json()["detail"]
    client.force_login(other_worker.user)
    full = client.post(url, {"via": "qr"}, content_type="application/json")
    assert full.status_code == 409 and "名额已满" in full.json()["detail"]
    event.refresh_from_db()
    assert event.signed_up == 1 and Signup.objects.filter(event=event).count() == 1

    # Not a worker: 403; not signed in: 401.
    client.force_login(personas.employer)
    assert client.post(url, {}, content_type="application/json").status_code == 403
    client.logout()
    assert client.post(url, {}, content_type="application/json").status_code == 401

    # Cancelling frees the place for the next person.
    mine = Signup.objects.get(event=event, worker=worker)
    signups.cancel_signup(mine, actor=worker.user)
    client.force_login(other_worker.user)
    assert client.post(url, {"via": "qr"}, content_type="application/json").status_code == 201
    event.refresh_from_db()
    assert event.signed_up == 1


def test_qr_signup_walk_ins_and_ledger_lines_on_the_day(client, personas, event, worker, other_worker):
    coord = personas.coordinator_a
    page = client.get(f"/events/{event.code}/").content.decode()
    assert 'class="segno"' in page and f"/events/{event.code}/signup/?via=qr" in page
    assert client.get(f"/events/{event.code}/qr.svg")["Content-Type"] == "image/svg+xml"

    # The page behind the QR code: signed out, it asks to sign in; a worker signs up in one tap.
    signup_page = client.get(f"/events/{event.code}/signup/?via=qr").content.decode()
    assert "登录后报名" in signup_page
    client.force_login(worker.user)
    response = client.post(f"/events/{event.code}/signup/", {"via": "qr"})
    assert response.status_code == 302
    by_qr = Signup.objects.get(event=event, worker=worker)
    assert by_qr.source == SignupSource.QR and by_qr.in_ledger
    line = LedgerEntry.objects.get(source="event", ref=by_qr.code)
    assert line.worker == worker and line.service == "recruitment" and line.station == personas.station_a
    assert client.post(f"/events/{event.code}/signup/", {"via": "qr"}).status_code == 409

    # Staff sign up walk-ins by phone: a registered phone links the worker; an unknown one needs a name.
    client.force_login(coord)
    response = client.post(f"/events/{event.code}/walk-in/", {"phone": "13700000072", "check_in": "on"})
    assert response.status_code == 302
    linked = Signup.objects.get(event=event, worker=other_worker)
    assert linked.checked_in_at is not None and linked.in_ledger
    response = client.post(f"/events/{event.code}/walk-in/", {"phone": "13912345678"})
    assert response.status_code == 400 and "请填写姓名" in response.content.decode()
    response = client.post(f"/events/{event.code}/walk-in/", {"phone": "139-1234-5678", "name": "黄大姐"})
    walk_in = Signup.objects.get(event=event, phone="13912345678")
    assert walk_in.worker is None and walk_in.display_name == "黄**"
    assert LedgerEntry.objects.get(source="event", ref=walk_in.code).walk_in_count == 1
    response = client.post(f"/events/{event.code}/walk-in/", {"phone": "13912345678", "name": "黄大姐"})
    assert response.status_code == 400 and "此人已报名" in response.content.decode()
    response = client.post(f"/events/{event.code}/walk-in/", {"phone": "12345", "name": "某人"})
    assert response.status_code == 400 and "手机号" in response.content.decode()
    event.refresh_from_db()
    assert event.signed_up == 3

    # A sign-up before the day is not on the spot: no ledger line until the event is held.
    # (Covered by test_attendance_outcomes_and_holding.)


def test_attendance_outcomes_and_holding(client, personas, event, worker, other_worker, employer, gig):
    coord = personas.coordinator_a
    online = signups.sign_up(event, actor=worker.user, source=SignupSource.ONLINE)
    absent = signups.sign_up(event, actor=other_worker.user, source=SignupSource.ONLINE)
    assert not online.in_ledger  # signed up online: counted when the event is held
    services.add_employer(event, actor=coord, employer=employer, booth="A3")
    participant = event.participants.get()
    assert list(participant.gigs.all()) == [gig]  # its open gigs come along

    # Check-in on the day (htmx row), once.
    client.force_login(coord)
    row = client.post(f"/events/{event.code}/signups/{online.code}/check-in/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "已签到" in row.content.decode()
    again = client.post(f"/events/{event.code}/signups/{online.code}/check-in/", HTTP_HX_REQUEST="true")
    assert again.status_code == 400 and "已经签到过了" in again.content.decode()

    # Outcomes: only for people who came, only with participating employers.
    with pytest.raises(ValidationError) as err:
        signups.record_outcome(absent, actor=coord, employer=employer, kind="intention")
    assert "已签到" in str(err.value)
    response = client.post(
        f"/events/{event.code}/outcomes/",
        {"signup": online.code, "employer": employer.code, "kind": "intention", "gig": gig.code},
    )
    assert response.status_code == 302
    signups.record_outcome(online, actor=coord, employer=employer, kind="hired", gig=gig)
    with pytest.raises(ValidationError, match="已登记过"):
        signups.record_outcome(online, actor=coord, employer=employer, kind="hired")
    assert services.outcome_totals(event) == {"intention": 1, "hired": 1}

    # Holding the event: one 招聘活动 line for everyone checked in and not yet in the ledger.
    before = LedgerEntry.objects.filter(source="event").count()
    response = client.post(f"/events/{event.code}/status/", {"action": "hold"})
    event.refresh_from_db()
    assert response.status_code == 302 and event.status == EventStatus.HELD
    line = LedgerEntry.objects.get(source="event", ref=event.code)
    assert line.walk_in_count == 1 and line.service == "recruitment" and line.station == personas.station_a
    assert "签到 1 人" in line.notes and "到岗 1 人" in line.outcome
    assert LedgerEntry.objects.filter(source="event").count() == before + 1
    with pytest.raises(ValidationError):
        services.hold_event(event, actor=coord)

    page = client.get(f"/events/{event.code}/").content.decode()
    assert "到岗 <strong>1</strong> 人" in page and gig.title in page
    sheet = client.get(f"/events/{event.code}/manage/", {"format": "xlsx"})
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxml")


def test_holding_needs_attendance_and_start(personas, tomorrow_event, worker):
    coord = personas.coordinator_a
    signups.sign_up(tomorrow_event, actor=worker.user, source=SignupSource.QR)
    assert not LedgerEntry.objects.filter(source="event").exists()  # a QR sign-up before the day
    with pytest.raises(ValidationError, match="还没开始"):
        services.hold_event(tomorrow_event, actor=coord)
    with pytest.raises(ValidationError, match="活动当天才能签到"):
        signups.check_in(tomorrow_event.signups.get(), actor=coord)
    with pytest.raises(PermissionDenied):
        services.hold_event(tomorrow_event, actor=personas.town_admin_b)  # another town's station
    services.cancel_event(tomorrow_event, actor=coord, reason="台风停办")
    with pytest.raises(ValidationError, match="活动已取消"):
        signups.sign_up(tomorrow_event, actor=worker.user, source=SignupSource.ONLINE)


def test_public_list_and_api(client, personas, event, tomorrow_event):
    draft = services.save_event(
        actor=personas.coordinator_a, data=event_data(personas.station_a, title="内部草稿")
    )
    page = client.get("/events/").content.decode()
    assert event.title in page and "内部草稿" not in page
    assert client.get(f"/events/{draft.code}/").status_code == 404
    body = client.get("/api/v1/events").json()
    assert body["count"] == 2 and {i["code"] for i in body["items"]} == {event.code, tomorrow_event.code}
    assert body["items"][0]["places_left"] == 50 and body["items"][0]["url"].endswith(
        f"/events/{event.code}/"
    )
    assert client.get("/api/v1/events", {"kind": "party"}).status_code == 422
    assert client.get("/api/v1/events", {"town": "442000002"}).json()["count"] == 0
    # The station's kiosk lists them too, each with a QR code; the LED ticker names today's.
    kiosk_page = client.get(f"/kiosk/{personas.station_a.code}/events/").content.decode()
    assert event.title in kiosk_page and "内部草稿" not in kiosk_page and 'class="segno"' in kiosk_page
    assert event.title in client.get(f"/kiosk/{personas.station_a.code}/led/").content.decode()
