"""POST /api/v1/gigs/screen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/gigs/screen"


def post(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


def test_findings_are_returned(client, personas):
    client.force_login(personas.employer)
    body = {
        "title": "普工",
        "description": "限男，乙肝勿扰，月入过万轻松",
        "pay_amount": "120",
        "pay_unit": "day",
    }
    response = post(client, body)
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is False
    by_category = {f["category"]: f for f in data["findings"]}
    assert set(by_category) == {"sex", "health", "pay_promise", "min_wage"}
    assert by_category["sex"] == {
        "category": "sex",
        "category_label": "性别",
        "severity": "block",
        "text": "限男",
        "message": by_category["sex"]["message"],
        "law": "《就业促进法》第二十七条；《妇女权益保障法》第四十三条",
        "field": "description",
    }
    assert by_category["pay_promise"]["severity"] == "warn"
    assert by_category["min_wage"]["text"] == "120元/天" and by_category["min_wage"]["field"] == "pay"


def test_a_clean_posting_is_ok(client, personas):
    from lingong.accounts.services import issue_token

    _, key = issue_token(actor=personas.employer)
    body = {"title": "包装工", "description": "男女不限，年满16周岁，包吃住，月结。"}
    response = post(client, body, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json() == {"ok": True, "findings": []}


def test_missing_text_is_a_finding_not_an_error(client, personas):
    client.force_login(personas.worker)
    response = post(client, {"title": " ", "description": ""})
    assert response.status_code == 200
    assert [f["category"] for f in response.json()["findings"]] == ["missing", "missing"]


def test_anonymous_callers_get_401(client):
    response = post(client, {"title": "普工", "description": "限男"})
    assert response.status_code == 401 and "登录" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "x"}, "title"),
        ({"title": "x" * 61, "description": "x"}, "title"),
        ({"title": "x", "description": "x" * 2001}, "description"),
        ({"title": "x", "description": "x", "pay_amount": "abc"}, "pay_amount"),
        ({"title": "x", "description": "x", "pay_amount": "-1"}, "pay_amount"),
        ({"title": "x", "description": "x", "pay_amount": "10", "pay_unit": "year"}, "pay_unit"),
    ],
)
def test_bad_input_is_422_in_chinese(client, personas, body, field):
    client.force_login(personas.employer)
    response = post(client, body)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"].startswith("参数无效")
    assert any(field in e["field"] for e in data["errors"])
    assert all(any("\u4e00" <= c <= "\u9fff" for c in e["message"]) for e in data["errors"])


def test_it_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/gigs/screen"]
