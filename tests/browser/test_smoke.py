"""Proves the browser plumbing: Chromium starts, reaches the live server, and reads a response."""

import json

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_openapi_schema_loads_in_phone_browser(phone_page, live_server):
    response = phone_page.goto(live_server.url + "/api/v1/openapi.json")
    assert response is not None
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/json")
    schema = json.loads(response.text())
    assert "openapi" in schema
    assert schema["paths"]
