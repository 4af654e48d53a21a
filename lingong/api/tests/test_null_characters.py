"""Text holding a NUL character (U+0000) is refused with a Chinese 422 anywhere in the API: PostgreSQL
can neither store nor compare it, so it used to end as a server error there."""

from __future__ import annotations

import json

import pytest

from lingong.accounts.services import issue_token
from lingong.gigs.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(personas):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(actor=personas.coordinator_a)[1]}"}


def test_json_body(client, coordinator):
    rows = [{"worker": "W1", "gig": "G\x00", "shift": 1}]
    response = client.post(
        "/api/v1/dispatch/send", json.dumps({"rows": rows}), content_type="application/json", **coordinator
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "rows.0.gig", "message": "不能包含空字符（U+0000）"}]
    assert "参数无效" in response.json()["detail"]
    assert not Application.objects.exists()


def test_query_and_path(client):
    response = client.get("/api/v1/gigs", {"q": "保洁\x00"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "q"
    assert client.get("/api/v1/stations/ST%00").status_code == 422


def test_ordinary_text_and_a_literal_backslash_u_pass(client, coordinator):
    assert client.get("/api/v1/gigs", {"q": "保洁"}).status_code == 200
    body = json.dumps({"rows": [{"worker": "W1", "gig": "\\u0000", "shift": 1}]})
    response = client.post("/api/v1/dispatch/send", body, content_type="application/json", **coordinator)
    assert response.status_code != 422 or "空字符" not in response.json()["detail"]
