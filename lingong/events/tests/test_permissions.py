"""Permission matrix for the event pages and endpoints.

Columns are the personas from conftest.py; "anon" is a visitor who is not signed in (302 = sent to the
login page, 401 from the API). One database serves every role (setting it up is the slow part), so the
roles run in one test and every mismatch is reported together.
"""

import pytest

from lingong.events import services

from .conftest import event_data

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
ALL_200 = [200] * 7
STAFF_ONLY = [302, 403, 403, 403, 200, 200, 200]

# {EA}: a published event of station A (小榄); {DA}: a draft of station A; {EB}: a published event of
# station B (东区, town B). The worker persona holds the worker role but has no worker record yet.
MATRIX = [
    ("get", "/events/", ALL_200),
    ("get", "/events/{EA}/", ALL_200),
    ("get", "/events/{DA}/", [404, 404, 404, 404, 200, 404, 200]),
    ("get", "/events/{EA}/signup/", ALL_200),
    ("get", "/events/{EA}/qr.svg", ALL_200),
    ("get", "/events/{EA}/poster/", ALL_200),
    ("post", "/events/{EA}/signup/", [302, 403, 403, 403, 403, 403, 403]),
    ("post", "/events/{EA}/signup/cancel/", [302, 403, 403, 403, 403, 403, 403]),
    ("get", "/events/manage/", STAFF_ONLY),
    ("get", "/events/manage/new/", STAFF_ONLY),
    ("get", "/events/{EA}/manage/", [302, 403, 403, 403, 200, 403, 200]),
    ("get", "/events/{EB}/manage/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/events/{DA}/manage/", [302, 403, 403, 403, 200, 404, 200]),
    ("get", "/events/{EA}/edit/", [302, 403, 403, 403, 200, 403, 200]),
    ("get", "/events/{EA}/manage/?format=xlsx", [302, 403, 403, 403, 200, 403, 200]),
    ("post", "/events/{EA}/status/", [302, 403, 403, 403, 302, 403, 302]),
    ("post", "/events/{EA}/employers/", [302, 403, 403, 403, 400, 403, 400]),
    ("post", "/events/{EA}/walk-in/", [302, 403, 403, 403, 400, 403, 400]),
    ("post", "/events/{EA}/outcomes/", [302, 403, 403, 403, 400, 403, 400]),
    ("post", "/events/{EB}/walk-in/", [302, 403, 403, 403, 403, 400, 400]),
    ("get", "/api/v1/events", ALL_200),
    ("post", "/api/v1/events/{EA}/signups", [401, 403, 403, 403, 403, 403, 403]),
    ("post", "/api/v1/events/{DA}/signups", [401, 404, 404, 404, 404, 404, 404]),
]


def test_matrix_covers_every_role():
    assert all(len(expected) == len(ROLES) for _, _, expected in MATRIX)


@pytest.mark.django_db
def test_permission_matrix(client, personas):
    coord, town_b = personas.coordinator_a, personas.town_admin_b
    event_a = services.publish_event(
        services.save_event(actor=coord, data=event_data(personas.station_a)), actor=coord
    )
    draft_a = services.save_event(actor=coord, data=event_data(personas.station_a, title="草稿活动"))
    event_b = services.save_event(actor=town_b, data=event_data(personas.station_b, title="东区招聘会"))
    services.publish_event(event_b, actor=town_b)
    codes = {"EA": event_a.code, "DA": draft_a.code, "EB": event_b.code}
    wrong = []
    for i, role in enumerate(ROLES):
        client.logout()
        if role != "anon":
            client.force_login(getattr(personas, role))
        for method, path, expected in MATRIX:
            url = path.format(**codes)
            if method == "post" and url.startswith("/api/"):
                response = client.post(url, {}, content_type="application/json")
            else:
                response = getattr(client, method)(url)
            if response.status_code != expected[i]:
                wrong.append(
                    f"{method.upper()} {url} as {role}: {response.status_code}, expected {expected[i]}"
                )
            elif expected[i] == 302 and role == "anon":
                assert "/accounts/login/" in response["Location"], url
    assert not wrong, "\n".join(wrong)
