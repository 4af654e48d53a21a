"""Permission matrix for the employer pages and API: every role against every page and endpoint.

Same pattern as tests/test_permissions.py. {E} is the 东区 employer that personas.employer manages
(registered in conftest.py, waiting for review); {X} is a 小榄 employer of someone else; {T} is an
open invitation of {E} for a phone none of the personas has. "anon" is a visitor who is not signed in
(302 = sent to the login page; 401 from the API).
"""

import json

import pytest

from lingong.employers.models import Employer

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]

# (method, path template, expected status per role[, JSON body for API writes]).
# Web POSTs are sent empty: permission must refuse before validation; permitted roles get the form
# back with its errors (200). API writes carry a body that passes the schema, so the answer shows
# whether permission (403/404) or the service's validation (422) spoke.
MATRIX: list[tuple] = [
    ("get", "/employers/register/", [302, 200, 200, 200, 200, 200, 200]),
    ("post", "/employers/register/", [302, 200, 200, 200, 200, 200, 200]),
    ("get", "/employers/mine/", [302, 200, 200, 200, 200, 200, 200]),
    ("get", "/employers/{E}/", [302, 404, 200, 404, 404, 200, 200]),
    ("get", "/employers/{X}/", [302, 404, 404, 404, 404, 404, 200]),
    ("get", "/employers/{E}/edit/", [302, 404, 200, 404, 404, 403, 403]),
    ("post", "/employers/{E}/edit/", [302, 404, 200, 404, 404, 403, 403]),
    ("get", "/employers/{X}/edit/", [302, 404, 404, 404, 404, 404, 403]),
    ("get", "/employers/{E}/resubmit/", [302, 404, 200, 404, 404, 403, 403]),
    ("post", "/employers/{E}/resubmit/", [302, 404, 200, 404, 404, 403, 403]),
    ("get", "/employers/{E}/members/", [302, 404, 200, 404, 404, 200, 200]),
    ("post", "/employers/{E}/members/", [302, 404, 200, 404, 404, 403, 403]),
    ("get", "/employers/{X}/members/", [302, 404, 404, 404, 404, 404, 200]),
    ("post", "/employers/{X}/members/", [302, 404, 404, 404, 404, 404, 403]),
    ("get", "/employers/invite/{T}/", [302, 200, 200, 200, 200, 200, 200]),
    ("post", "/employers/invite/{T}/", [302, 403, 403, 403, 403, 403, 403]),
    ("get", "/employers/invite/not-a-token/", [302, 404, 404, 404, 404, 404, 404]),
    ("get", "/employers/review/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/employers/{E}/review/", [302, 403, 403, 403, 403, 200, 200]),
    ("post", "/employers/{E}/review/", [302, 403, 403, 403, 403, 200, 200]),
    ("get", "/employers/{X}/review/", [302, 403, 403, 403, 403, 403, 200]),
    ("post", "/employers/{X}/review/", [302, 403, 403, 403, 403, 403, 200]),
    ("post", "/api/v1/employers/", [401, 422, 422, 422, 422, 422, 422], {}),
    ("get", "/api/v1/employers/mine", [401, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/employers/review-queue", [401, 403, 403, 403, 403, 200, 200]),
    ("get", "/api/v1/employers/{E}", [401, 404, 200, 404, 404, 200, 200]),
    ("get", "/api/v1/employers/{X}", [401, 404, 404, 404, 404, 404, 200]),
    ("patch", "/api/v1/employers/{E}", [401, 404, 200, 404, 404, 403, 403], {}),
    ("patch", "/api/v1/employers/{X}", [401, 404, 404, 404, 404, 404, 403], {}),
    ("post", "/api/v1/employers/{E}/review", [401, 403, 403, 403, 403, 422, 422], {"decision": "more_info"}),
    ("post", "/api/v1/employers/{X}/review", [401, 403, 403, 403, 403, 403, 422], {"decision": "more_info"}),
    ("post", "/api/v1/employers/{E}/resubmit", [401, 404, 422, 404, 404, 403, 403], {"note": ""}),
]

CASES = [
    pytest.param(
        row[0], row[1], role, row[2][i], row[3] if len(row) > 3 else None, id=f"{row[0]} {row[1]} as {role}"
    )
    for row in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def codes(personas, towns):
    from lingong.employers.services import invite_member
    from lingong.employers.tests.helpers import make_user, persona_employer, register

    dongqu = persona_employer(personas)
    assert dongqu.town.short == "东区" and dongqu.status == "pending"
    xiaolan = register(make_user("boss_x", "13900000011"), towns["小榄"])
    invitation = invite_member(dongqu, actor=personas.employer, phone="13900000099")
    return {"E": dongqu.code, "X": xiaolan.code, "T": invitation.token}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "role", "expected", "body"), CASES)
def test_permission_matrix(client, personas, codes, method, path, role, expected, body):
    if role != "anon":
        client.force_login(getattr(personas, role))
    url = path.format(**codes)
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    assert response.status_code == expected, f"{method.upper()} {url} as {role}: {response.content[:300]!r}"
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_refused_writes_change_nothing(client, personas, codes):
    """A refused review or edit leaves the employer exactly as it was."""
    before = list(Employer.objects.order_by("id").values())
    client.force_login(personas.town_admin_b)
    client.post(f"/employers/{codes['X']}/review/", {"decision": "approve"})
    client.post(f"/employers/{codes['E']}/edit/", {"name": "改名"})
    assert list(Employer.objects.order_by("id").values()) == before


def test_matrix_covers_every_role():
    assert all(len(row[2]) == len(ROLES) for row in MATRIX)
