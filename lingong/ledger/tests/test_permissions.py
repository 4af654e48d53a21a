"""Permission matrix for the ledger and partner pages and endpoints (pattern: tests/test_permissions.py).

Columns are the personas from conftest.py; "anon" is a visitor who is not signed in (302 = sent to the
login page; 401 from the API). {A}/{B}: stations A (小榄, coordinator_a's) and B (东区, town_admin_b's);
{TA}/{TB}: their towns; {EA}: a line coordinator_a recorded at A today; {PA}: a partner of A.
Web POSTs are sent empty: permission must refuse before validation; permitted roles get the form back
with its errors (200). API writes carry a body that passes the schema.
"""

from __future__ import annotations

import json

import pytest

from lingong.ledger import partners, services

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
STAFF = [302, 403, 403, 403, 200, 200, 200]
ONLY_A = [302, 403, 403, 403, 200, 403, 200]
ONLY_B = [302, 403, 403, 403, 403, 200, 200]
ADMINS = [302, 403, 403, 403, 403, 200, 200]
LINE_A = [302, 403, 403, 403, 200, 404, 200]  # town_admin_b cannot even see station A's lines
API_A = [401, 403, 403, 403, 200, 403, 200]
REST_AT_A = {"station": "{A}", "service": "rest", "walk_in_count": 1}
REST_AT_B = {"station": "{B}", "service": "rest", "walk_in_count": 1}

MATRIX: list[tuple] = [
    ("get", "/ledger/", STAFF),
    ("post", "/ledger/", STAFF),
    ("get", "/ledger/?station={A}", ONLY_A),
    ("post", "/ledger/?station={B}", ONLY_B),
    ("get", "/ledger/?station={B}", ONLY_B),
    ("get", "/ledger/workers/?q=0001", STAFF),
    ("get", "/ledger/day/?station={A}", ONLY_A),
    ("get", "/ledger/day/?station={A}&format=xlsx", ONLY_A),
    ("get", "/ledger/day/?station={B}", ONLY_B),
    ("get", "/ledger/month/?station={A}", ONLY_A),
    ("get", "/ledger/month/?station={B}&format=xlsx", ONLY_B),
    ("get", "/ledger/town/", ADMINS),
    ("get", "/ledger/town/?town={TA}", [302, 403, 403, 403, 403, 403, 200]),
    ("get", "/ledger/town/?town={TB}&format=xlsx", ADMINS),
    ("get", "/ledger/city/", [302, 403, 403, 403, 403, 403, 200]),
    ("get", "/ledger/city/?format=xlsx", [302, 403, 403, 403, 403, 403, 200]),
    ("get", "/ledger/e/{EA}/edit/", [302, 403, 403, 403, 200, 404, 403]),
    ("post", "/ledger/e/{EA}/edit/", [302, 403, 403, 403, 200, 404, 403]),
    ("get", "/ledger/e/{EA}/void/", LINE_A),
    ("post", "/ledger/e/{EA}/void/", LINE_A),
    ("get", "/ledger/partners/", STAFF),
    ("get", "/ledger/partners/?station={B}", ONLY_B),
    ("get", "/ledger/partners/new/", STAFF),
    ("post", "/ledger/partners/new/", STAFF),
    ("get", "/ledger/partners/{PA}/", LINE_A),
    ("get", "/ledger/partners/{PA}/edit/", LINE_A),
    ("post", "/ledger/partners/{PA}/edit/", LINE_A),
    ("get", "/api/v1/ledger/entries?station={A}", API_A),
    ("get", "/api/v1/ledger/entries?station={B}", [401, 403, 403, 403, 403, 200, 200]),
    ("get", "/api/v1/ledger/entries", [401, 403, 403, 403, 200, 200, 422]),
    ("post", "/api/v1/ledger/entries", [401, 403, 403, 403, 201, 403, 201], REST_AT_A),
    ("post", "/api/v1/ledger/entries", [401, 403, 403, 403, 403, 201, 201], REST_AT_B),
    ("post", "/api/v1/ledger/entries/{EA}/void", [401, 403, 403, 403, 200, 404, 200], {"reason": "记重了"}),
    ("get", "/api/v1/ledger/summary?station={A}", API_A),
    ("get", "/api/v1/ledger/summary?town={TB}", [401, 403, 403, 403, 403, 200, 200]),
    ("get", "/api/v1/ledger/summary?town={TA}", [401, 403, 403, 403, 403, 403, 200]),
    ("get", "/api/v1/ledger/summary", [401, 403, 403, 403, 422, 422, 200]),
]  # fmt: skip

CASES = [
    pytest.param(
        row[0], row[1], role, row[2][i], row[3] if len(row) > 3 else None, id=f"{row[0]} {row[1]} as {role}"
    )
    for row in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def codes(world) -> dict[str, str]:
    p = world.p
    (line,) = services.record_visit(
        station=p.station_a, services=["guidance"], actor=p.coordinator_a, walk_in_count=1
    )
    partner = partners.create_partner(
        actor=p.coordinator_a, station=p.station_a, data={"kind": "volunteer", "name": "志愿者甲"}
    )
    return {
        "A": p.station_a.code,
        "B": p.station_b.code,
        "TA": world.towns["小榄"].code,
        "TB": world.towns["东区"].code,
        "EA": line.code,
        "PA": partner.code,
    }  # fmt: skip


@pytest.mark.django_db
class TestLedgerPermissions:
    @pytest.mark.parametrize(("method", "path", "role", "expected", "body"), CASES)
    def test_matrix(self, client, world, codes, method, path, role, expected, body):
        if role != "anon":
            client.force_login(getattr(world.p, role))
        url = path.format(**codes)
        if body is None:
            response = getattr(client, method)(url)
        else:
            payload = json.loads(json.dumps(body).replace("{A}", codes["A"]).replace("{B}", codes["B"]))
            response = getattr(client, method)(url, payload, content_type="application/json")
        assert response.status_code == expected, (
            f"{method.upper()} {url} as {role}: {response.content[:300]!r}"
        )
        if expected == 302 and role == "anon":
            assert "/accounts/login/" in response["Location"]


def test_matrix_covers_every_role():
    assert all(len(row[2]) == len(ROLES) for row in MATRIX)
