"""Permission matrix for the gig pages and API: every role against every page and endpoint.

{G} is an open gig of the employer persona's company (approved for these tests), {D} a draft of it,
{P} a booking of a worker registered at station A on {G}. One test per role walks every row and reports
all mismatches at once, so the matrix stays cheap to run as it grows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lingong.gigs import booking, services
from lingong.gigs.tests.factories import approved_employer, gig_data, make_worker, open_gig

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]

MATRIX: list[tuple] = [
    ("get", "/gigs/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/gigs/rules/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/gigs/{G}/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/gigs/{D}/", [404, 404, 200, 404, 404, 200, 200]),
    # Anyone signed in may open these: people without an employer are told how to register one.
    ("get", "/gigs/new/", [302, 200, 200, 200, 200, 200, 200]),
    ("get", "/gigs/mine/", [302, 200, 200, 200, 200, 200, 200]),
    # None of the personas has a worker record: they are sent to worker registration.
    ("get", "/gigs/me/", [302, 302, 302, 302, 302, 302, 302]),
    ("get", "/gigs/review/", [302, 403, 403, 403, 403, 200, 200]),
    # {G} has a booking, so its managers are sent to the manage page instead of the form.
    ("get", "/gigs/{G}/edit/", [302, 404, 302, 404, 404, 302, 302]),
    ("get", "/gigs/{D}/edit/", [302, 404, 200, 404, 404, 200, 200]),
    ("get", "/gigs/{G}/manage/", [302, 404, 200, 404, 404, 200, 200]),
    ("get", "/gigs/{G}/shifts/1/attendance/", [302, 404, 200, 404, 404, 200, 200]),
    ("get", "/gigs/{G}/bookings/{P}/", [302, 404, 200, 404, 404, 200, 200]),
    ("get", "/api/v1/gigs", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/gigs/{G}", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/gigs/{D}", [404, 404, 200, 404, 404, 200, 200]),
    ("get", "/api/v1/gigs/{G}/applications", [401, 404, 200, 404, 404, 200, 200]),
    ("get", "/api/v1/workers/me/applications", [401, 200, 200, 200, 200, 200, 200]),
    (
        "post",
        "/api/v1/gigs/screen",
        [401, 200, 200, 200, 200, 200, 200],
        {"title": "保洁", "description": "日结"},
    ),
    ("post", "/api/v1/applications/{P}/offer", [401, 404, 422, 404, 404, 422, 422], {}),
    (
        "post",
        "/api/v1/applications/{P}/pay",
        [401, 404, 422, 404, 404, 422, 422],
        {"amount": "10", "method": "cash"},
    ),
    ("post", "/api/v1/gigs/{G}/claim", [401, 403, 403, 403, 403, 403, 403], {}),
]


@pytest.fixture
def objects(personas):
    employer = approved_employer(personas)
    gig = open_gig(personas.employer, employer)
    draft = services.save_draft(actor=personas.employer, employer=employer, data=gig_data(employer.town))
    worker = make_worker(personas.coordinator_a, personas.station_a)
    app = booking.offer(booking.apply(gig.shifts.get(), actor=worker.user), actor=personas.employer)
    app = booking.accept(app, actor=worker.user)
    return {"G": gig.code, "D": draft.code, "P": app.code}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_gig_permission_matrix(client, personas, objects, role):
    if role != "anon":
        client.force_login(getattr(personas, role))
    wrong = []
    for row in MATRIX:
        method, path, expected = row[0], row[1], row[2][ROLES.index(role)]
        url = path.format(**objects)
        if len(row) > 3:
            response = getattr(client, method)(url, row[3], content_type="application/json")
        else:
            response = getattr(client, method)(url)
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {url}: {response.status_code} (expected {expected})")
        if expected == 302 and role == "anon":
            assert "/accounts/login/" in response["Location"]
    assert not wrong, "\n".join(wrong)


def test_matrix_covers_every_role():
    assert all(len(row[2]) == len(ROLES) for row in MATRIX)
    assert dt.date.today()  # the fixture's shifts are relative to today
