"""The gig API: posting, claim and apply, the application steps, attendance, pay and ratings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.accounts.services import issue_token
from lingong.gigs import attendance
from lingong.gigs.models import Application, AppStatus, Gig, PayRecord

from .factories import approved_employer, gig_data, make_worker, open_gig

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, key = issue_token(actor=user, name="测试")
    return {"Authorization": f"Bearer {key}"}


def post(client, path, body, user, **headers):
    return client.post(path, body, content_type="application/json", headers={**bearer(user), **headers})


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def worker(personas):
    return make_worker(personas.coordinator_a, personas.station_a)


def api_gig_body(employer, **overrides):
    data = gig_data(employer.town, **overrides)
    data["employer"], data["town"] = employer.code, employer.town.code
    return data


class TestPosting:
    def test_post_publishes(self, client, personas, employer):
        response = post(client, "/api/v1/gigs", api_gig_body(employer), personas.employer)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "open" and body["findings"] == []
        assert Gig.objects.public().filter(code=body["code"]).exists()

    def test_blocked_posting_is_422_with_findings_and_saves_nothing(self, client, personas, employer):
        body = api_gig_body(employer, description="招搬运工，只招男性，要求本地户口。")
        response = post(client, "/api/v1/gigs", body, personas.employer)
        assert response.status_code == 422
        assert "sex" in {f["category"] for f in response.json()["findings"]}
        assert not Gig.objects.exists()

    def test_bad_body_is_422_in_chinese(self, client, personas, employer):
        body = api_gig_body(employer, headcount=0, pay_unit="year")
        response = post(client, "/api/v1/gigs", body, personas.employer)
        assert response.status_code == 422 and "参数无效" in response.json()["detail"]

    def test_others_cannot_post_for_the_employer(self, client, personas, employer):
        assert post(client, "/api/v1/gigs", api_gig_body(employer), personas.outsider).status_code == 403
        anonymous = client.post("/api/v1/gigs", api_gig_body(employer), content_type="application/json")
        assert anonymous.status_code == 401


class TestBookingFlow:
    def test_claim_201_then_409_when_full(self, client, personas, employer):
        gig = open_gig(personas.employer, employer, booking_mode="instant", headcount=1)
        first, second = (make_worker(personas.coordinator_a, personas.station_a) for _ in range(2))
        ok = post(client, f"/api/v1/gigs/{gig.code}/claim", {}, first.user)
        assert ok.status_code == 201 and ok.json()["status"] == "booked"
        full = post(client, f"/api/v1/gigs/{gig.code}/claim", {}, second.user)
        assert full.status_code == 409 and "招满" in full.json()["detail"]

    def test_apply_offer_accept_through_steps(self, client, personas, employer, worker):
        gig = open_gig(personas.employer, employer)
        applied = post(client, f"/api/v1/gigs/{gig.code}/applications", {"note": "有经验"}, worker.user)
        assert applied.status_code == 201
        code = applied.json()["code"]
        listed = client.get(f"/api/v1/gigs/{gig.code}/applications", headers=bearer(personas.employer))
        assert [a["code"] for a in listed.json()] == [code]
        assert (
            client.get(f"/api/v1/gigs/{gig.code}/applications", headers=bearer(worker.user)).status_code
            == 404
        )
        assert post(client, f"/api/v1/applications/{code}/offer", {}, worker.user).status_code == 403
        assert (
            post(client, f"/api/v1/applications/{code}/offer", {}, personas.employer).json()["status"]
            == "offered"
        )
        assert (
            post(client, f"/api/v1/applications/{code}/accept", {}, worker.user).json()["status"] == "booked"
        )
        mine = client.get("/api/v1/workers/me/applications", headers=bearer(worker.user)).json()
        assert mine[0]["code"] == code and mine[0]["shift"]["n"] == 1
        assert post(client, f"/api/v1/applications/{code}/offer", {}, personas.outsider).status_code == 404
        assert post(client, f"/api/v1/applications/{code}/fly", {}, worker.user).status_code == 422

    def test_cancel_needs_a_reason_from_the_employer(self, client, personas, employer, worker):
        gig = open_gig(personas.employer, employer, booking_mode="instant")
        code = post(client, f"/api/v1/gigs/{gig.code}/claim", {}, worker.user).json()["code"]
        assert post(client, f"/api/v1/applications/{code}/cancel", {}, personas.employer).status_code == 422
        cancelled = post(client, f"/api/v1/applications/{code}/cancel", {"reason": "临时有事"}, worker.user)
        assert cancelled.json()["status"] == "cancelled"


class TestIdempotency:
    def test_replay_returns_the_first_answer(self, client, personas, employer, worker):
        gig = open_gig(personas.employer, employer)
        path = f"/api/v1/gigs/{gig.code}/applications"
        headers = {"Idempotency-Key": "apply-1"}
        first = post(client, path, {"note": "你好"}, worker.user, **headers)
        again = post(client, path, {"note": "你好"}, worker.user, **headers)
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert Application.objects.count() == 1
        other = post(client, path, {"note": "换了内容"}, worker.user, **headers)
        assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
        assert Application.objects.count() == 1

    def test_pay_and_confirmation_are_recorded_once(self, client, personas, employer, worker):
        gig = open_gig(personas.employer, employer, booking_mode="instant")
        code = post(client, f"/api/v1/gigs/{gig.code}/claim", {}, worker.user).json()["code"]
        app = Application.objects.get(code=code)
        attendance.check_out(app, actor=personas.employer, method="manual", now=app.shift.ends_at)
        body = {"amount": "180.00", "method": "cash"}
        for _ in range(2):
            paid = post(
                client,
                f"/api/v1/applications/{code}/pay",
                body,
                personas.employer,
                **{"Idempotency-Key": "p1"},
            )
            assert paid.status_code == 201 and paid.json()["pay"]["status"] == "recorded"
        assert PayRecord.objects.count() == 1
        without_key = post(client, f"/api/v1/applications/{code}/pay", body, personas.employer)
        assert without_key.status_code == 422  # a second record without the key is refused by the service
        for _ in range(2):
            confirmed = post(
                client,
                f"/api/v1/applications/{code}/pay/confirm",
                {},
                worker.user,
                **{"Idempotency-Key": "c1"},
            )
            assert confirmed.status_code == 200 and confirmed.json()["pay"]["status"] == "confirmed"


class TestAttendanceAndRatings:
    def test_check_in_by_qr_then_ratings(self, client, personas, employer, worker):
        # A gig starting within the hour, so the check-in window is open now.
        now = timezone.localtime()
        start = now + dt.timedelta(minutes=30)
        if start.date() != now.date() or start.hour >= 23:
            pytest.skip("too close to midnight for a same-day shift")
        shifts = [{"date": start.date().isoformat(), "start": start.strftime("%H:%M"), "end": "23:59"}]
        gig = open_gig(personas.employer, employer, booking_mode="instant", shifts=shifts)
        code = post(client, f"/api/v1/gigs/{gig.code}/claim", {}, worker.user).json()["code"]
        shift = gig.shifts.get()
        bad = post(
            client, f"/api/v1/applications/{code}/check-in", {"method": "qr", "token": "x"}, worker.user
        )
        assert bad.status_code == 422
        token = attendance.qr_token(shift)
        checked = post(
            client, f"/api/v1/applications/{code}/check-in", {"method": "qr", "token": token}, worker.user
        )
        assert checked.status_code == 200 and checked.json()["checked_in_at"]
        done = post(client, f"/api/v1/applications/{code}/check-out", {"method": "manual"}, personas.employer)
        assert done.json()["status"] == AppStatus.COMPLETED
        assert (
            post(client, f"/api/v1/applications/{code}/ratings", {"stars": 5}, worker.user).status_code == 201
        )
        assert (
            post(client, f"/api/v1/applications/{code}/ratings", {"stars": 4}, personas.employer).status_code
            == 201
        )
        assert (
            post(client, f"/api/v1/applications/{code}/ratings", {"stars": 9}, worker.user).status_code == 422
        )
