"""Races: 50 workers claiming 3 places at once, and one Idempotency-Key replayed at once.

Each thread has its own database connection (the SQLite file or PostgreSQL), as separate requests would.
"""

from __future__ import annotations

import pytest
from django.test import Client

from lingong.accounts.services import issue_token
from lingong.gigs import booking
from lingong.gigs.models import Application, AppStatus, IdempotencyKey, Shift
from lingong.notify.tests.test_concurrency import race

from .factories import approved_employer, make_worker, open_gig

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_claims_for_three_places(personas):
    employer = approved_employer(personas)
    gig = open_gig(personas.employer, employer, booking_mode="instant", headcount=3)
    shift = gig.shifts.get()
    workers = [make_worker(personas.coordinator_a, personas.station_a) for _ in range(50)]

    def claim(i: int) -> str:
        return booking.claim(shift.pk, actor=workers[i].user).status

    results, errors = race(50, claim)
    assert results.count(AppStatus.BOOKED) == 3
    assert len(errors) == 47 and all(isinstance(e, booking.ShiftFull) for e in errors), errors[:3]
    shift = Shift.objects.get(pk=shift.pk)
    assert shift.booked == 3
    assert Application.objects.filter(shift=shift, status=AppStatus.BOOKED).count() == 3


def test_one_worker_racing_into_two_overlapping_shifts_gets_one(personas):
    employer = approved_employer(personas)
    a = open_gig(personas.employer, employer, booking_mode="instant")
    b = open_gig(personas.employer, employer, booking_mode="instant")
    worker = make_worker(personas.coordinator_a, personas.station_a)
    shifts = [a.shifts.get().pk, b.shifts.get().pk]
    results, errors = race(2, lambda i: booking.claim(shifts[i], actor=worker.user).status)
    assert results == [AppStatus.BOOKED] and len(errors) == 1
    assert Application.objects.filter(worker=worker, status=AppStatus.BOOKED).count() == 1


def test_replayed_idempotency_key_at_once_makes_one_application(personas):
    employer = approved_employer(personas)
    gig = open_gig(personas.employer, employer, booking_mode="instant", headcount=5)
    worker = make_worker(personas.coordinator_a, personas.station_a)
    _, key = issue_token(actor=worker.user, name="手机")

    def post(i: int) -> tuple[int, str]:
        response = Client().post(
            f"/api/v1/gigs/{gig.code}/claim",
            {},
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "tap-once-1"},
        )
        return response.status_code, response.json().get("code", "")

    results, errors = race(8, post)
    assert not errors, errors
    answers = [r for r in results if isinstance(r, tuple)]
    assert {status for status, _ in answers} == {201}
    assert len({code for _, code in answers}) == 1
    assert Application.objects.filter(worker=worker).count() == 1
    assert IdempotencyKey.objects.filter(key="tap-once-1").count() == 1
