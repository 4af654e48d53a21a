"""The matching API: the routes resolve (no shadowing), and who may call what (401/403/404 per role)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import resolve
from django.utils import timezone

from lingong.accounts.services import issue_token
from lingong.workers.models import Worker

from .helpers import employer_gig, worker_with

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, key = issue_token(actor=user, name="测试")
    return {"Authorization": f"Bearer {key}"}


def get(client, path, user=None):
    return client.get(path, headers=bearer(user) if user else {})


def post(client, path, body, user=None):
    return client.post(path, body, content_type="application/json", headers=bearer(user) if user else {})


def test_routes_are_not_shadowed():
    match = resolve("/api/v1/gigs/GABC/recommendations")
    assert (match.url_name, match.route) == ("gig_recommendations", "api/v1/gigs/<code>/recommendations")
    assert resolve("/api/v1/workers/me/recommendations").url_name == "my_recommendations"
    assert resolve("/api/v1/dispatch/send").url_name == "send_dispatch"


def test_my_recommendations(client, personas):
    gig = employer_gig(personas)
    worker = worker_with(personas)
    assert get(client, "/api/v1/workers/me/recommendations").status_code == 401
    assert get(client, "/api/v1/workers/me/recommendations", personas.employer).status_code == 403
    response = get(client, "/api/v1/workers/me/recommendations?limit=5", worker.user)
    assert response.status_code == 200, response.content
    item = response.json()["items"][0]
    assert item["gig"] == gig.code and item["shift"] == 1 and item["instant"] is False
    assert item["reasons"][0] == {"kind": "fit", "text": "会做保洁员（3年以上经验）"}
    assert set(item["parts"]) == {"fit", "travel", "pay", "reliability", "freshness", "priority", "exposure"}
    assert get(client, "/api/v1/workers/me/recommendations?limit=0", worker.user).status_code == 422


def test_gig_recommendations_per_role(client, personas):
    gig = employer_gig(personas)
    worker = worker_with(personas, tier=2)
    path = f"/api/v1/gigs/{gig.code}/recommendations"
    assert get(client, path).status_code == 401
    assert get(client, path, personas.outsider).status_code == 403  # public gig, not theirs
    assert get(client, path, worker.user).status_code == 403
    assert get(client, "/api/v1/gigs/GNOPE/recommendations", personas.employer).status_code == 404
    own = get(client, path, personas.employer)
    assert own.status_code == 200, own.content
    body = own.json()
    assert body["gig"] == gig.code and body["shift"] == 1
    assert body["items"][0]["worker"] == worker.code and body["items"][0]["name"] == "梁*"
    assert body["items"][0]["tier"] is None and body["items"][0]["priority"] is True
    assert "优先候选" in [r["text"] for r in body["items"][0]["reasons"]]
    # The coordinator who serves this worker sees the tier; the city admin too.
    for staff in (personas.coordinator_a, personas.city_admin):
        item = get(client, path, staff).json()["items"][0]
        assert item["tier"] == 2
    assert get(client, path + "?shift=9", personas.employer).status_code == 422


def test_dispatch_per_role(client, personas, towns):
    gig = employer_gig(personas)
    worker = worker_with(personas)
    Worker.objects.filter(pk=worker.pk).update(home_town=towns["东区"])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = {"date": tomorrow, "town": "东区"}
    assert post(client, "/api/v1/dispatch", body).status_code == 401
    for user in (personas.worker, personas.employer, personas.outsider, personas.coordinator_a):
        assert post(client, "/api/v1/dispatch", body, user).status_code == 403, user
    assert (
        post(client, "/api/v1/dispatch", {"date": tomorrow, "town": "火星"}, personas.city_admin).status_code
        == 422
    )
    assert post(client, "/api/v1/dispatch", {"date": tomorrow}, personas.city_admin).status_code == 422
    assert (
        post(
            client, "/api/v1/dispatch", {"date": tomorrow, "station": "NOPE"}, personas.city_admin
        ).status_code
        == 404
    )
    response = post(client, "/api/v1/dispatch", body, personas.town_admin_b)
    assert response.status_code == 200, response.content
    proposal = response.json()
    assert proposal["area"] == towns["东区"].name
    assert [(a["worker"], a["gig"], a["shift"]) for a in proposal["assignments"]] == [
        (worker.code, gig.code, 1)
    ]
    assert proposal["total"] >= proposal["greedy_total"] > 0
    # A coordinator dispatches for their own station's town (小榄), not for 东区.
    own = {"date": tomorrow, "station": personas.station_a.code}
    assert post(client, "/api/v1/dispatch", own, personas.coordinator_a).status_code == 200
    assert post(client, "/api/v1/dispatch", own, personas.town_admin_b).status_code == 403

    rows = {
        "rows": [
            {"worker": worker.code, "gig": gig.code, "shift": 1},
            {"worker": "WKNOPE", "gig": gig.code, "shift": 1},
        ]
    }
    assert post(client, "/api/v1/dispatch/send", rows).status_code == 401
    assert post(client, "/api/v1/dispatch/send", rows, personas.employer).status_code == 403
    sent = post(client, "/api/v1/dispatch/send", rows, personas.town_admin_b)
    assert sent.status_code == 200, sent.content
    assert [(r["ok"], bool(r["application"]), bool(r["error"])) for r in sent.json()] == [
        (True, True, False),
        (False, False, True),
    ]
