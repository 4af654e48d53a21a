"""Permission matrix: every role against every protected page and endpoint.

Add a row for each new page or endpoint. Columns are the personas from conftest.py; "anon" is a
visitor who is not signed in (302 = sent to the login page).
"""

import pytest

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]

# (method, path template, expected status per role). {A} is 小榄 station A, {B} is 东区 station B.
MATRIX = [
    ("get", "/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/stations/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/stations/{A}/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/stations/{A}/qr.svg", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/directory/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/directory/compliant/", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/directory/?format=xlsx", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/manage/stations/", [302, 403, 403, 403, 200, 200, 200]),
    ("get", "/manage/stations/new/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/manage/stations/{A}/edit/", [302, 403, 403, 403, 200, 403, 200]),
    ("get", "/manage/stations/{B}/edit/", [302, 403, 403, 403, 403, 200, 200]),
    ("post", "/manage/stations/{B}/edit/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/manage/coverage/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/accounts/audit/", [302, 403, 403, 403, 403, 403, 200]),
    ("get", "/accounts/tokens/", [302, 200, 200, 200, 200, 200, 200]),
    ("get", "/accounts/password/", [302, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/auth/me", [401, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/stations", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/stations/{A}", [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/towns", [200, 200, 200, 200, 200, 200, 200]),
]

CASES = [
    pytest.param(method, path, role, expected[i], id=f"{method} {path} as {role}")
    for method, path, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "role", "expected"), CASES)
def test_permission_matrix(client, personas, method, path, role, expected):
    if role != "anon":
        client.force_login(getattr(personas, role))
    url = path.format(A=personas.station_a.code, B=personas.station_b.code)
    # An empty POST must be refused by permission before validation; for permitted roles it re-renders (200).
    response = getattr(client, method)(url)
    assert response.status_code == expected, f"{method.upper()} {url} as {role}"
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_matrix_covers_every_role():
    assert all(len(expected) == len(ROLES) for _, _, expected in MATRIX)
