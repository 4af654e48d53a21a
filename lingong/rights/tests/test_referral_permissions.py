"""Permission matrix for department referrals: every role against every new page, action and endpoint.

Columns as in test_permissions.py: "case_worker" is the worker ({W}, of station A 小榄) whom the
complaint {P}, the arrears case {C} and the assistance plan {AP} are about; each case has one referral
({RP}, {RC}, {RA}). {C} is against the 东区 employer that personas.employer manages; town_admin_b
handles it (东区) but not {P} or {AP} (小榄). Page POSTs name an action with empty fields: permission
refuses first (404 when the case is out of sight, 403 when it is in sight but not the user's to
handle); the permitted get 400 with what is missing. API writes send incomplete bodies the same way.
"""

from __future__ import annotations

import json

import pytest

from .referral_helpers import a_complaint, a_plan, refer

ROLES = [
    "anon",
    "worker",
    "employer",
    "outsider",
    "coordinator_a",
    "town_admin_b",
    "city_admin",
    "case_worker",
]
NEW = {"action": "referral_new"}
STATUS = {"action": "referral_status"}
NOTE = {"action": "referral_note"}

# Handled by coordinator A and the city admin; seen also by the worker concerned.
OF_A = [302, 404, 404, 404, 400, 404, 400, 403]
# The arrears case: the employer sees the case page but may not act on it; 东区 handles it.
OF_C = [302, 404, 403, 404, 400, 400, 400, 403]
API_OF_A = [401, 404, 404, 404, 422, 404, 422, 403]
API_OF_C = [401, 404, 403, 404, 422, 422, 422, 403]
API_STATUS_OF_C = [401, 404, 404, 404, 422, 422, 422, 403]  # employers never see the referral itself

MATRIX: list[tuple] = [
    ("get", "/rights/referrals/", None, [302, 403, 403, 403, 200, 200, 200, 403]),
    (
        "get",
        "/rights/referrals/?overdue=1&department=civil_affairs",
        None,
        [302, 403, 403, 403, 200, 200, 200, 403],
    ),
    ("get", "/rights/referrals/?format=xlsx", None, [302, 403, 403, 403, 200, 200, 200, 403]),
    ("get", "/rights/referrals/?status=nope", None, [302, 403, 403, 403, 400, 400, 400, 403]),
    ("post", "/rights/complaints/{P}/", NEW, OF_A),
    ("post", "/rights/complaints/{P}/", {**STATUS, "R": "RP"}, OF_A),
    ("post", "/rights/complaints/{P}/", {**NOTE, "R": "RP"}, OF_A),
    ("post", "/rights/arrears/{C}/", NEW, OF_C),
    ("post", "/rights/arrears/{C}/", {**STATUS, "R": "RC"}, OF_C),
    ("post", "/rights/arrears/{C}/", {**NOTE, "R": "RC"}, OF_C),
    ("post", "/assistance/p/{AP}/", NEW, OF_A),
    ("post", "/assistance/p/{AP}/", {**STATUS, "R": "RA"}, OF_A),
    ("post", "/assistance/p/{AP}/", {**NOTE, "R": "RA"}, OF_A),
    ("get", "/api/v1/rights/referrals", None, [401, 200, 200, 200, 200, 200, 200, 200]),
    (
        "get",
        "/api/v1/rights/referrals?overdue=true&status=open",
        None,
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    ("api", "/api/v1/rights/referrals", {"case_kind": "complaint", "case_code": "{P}"}, API_OF_A),
    ("api", "/api/v1/rights/referrals", {"case_kind": "arrears", "case_code": "{C}"}, API_OF_C),
    ("api", "/api/v1/rights/referrals", {"case_kind": "plan", "case_code": "{AP}"}, API_OF_A),
    ("api", "/api/v1/rights/referrals/{RP}/status", {"status": "replied"}, API_OF_A),
    ("api", "/api/v1/rights/referrals/{RC}/status", {"status": "replied"}, API_STATUS_OF_C),
    ("api", "/api/v1/rights/referrals/{RA}/status", {"status": "replied"}, API_OF_A),
]
API_BODY = {"department": "civil_affairs", "reason": "", "request_detail": ""}

ROWS = [pytest.param(row, id=f"{row[0]} {row[1]} {(row[2] or {}).get('action', '')}") for row in MATRIX]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS)
def test_permission_matrix(client, personas, worker, case, row):
    method, path, body, expected = row
    complaint = a_complaint(worker)
    plan = a_plan(personas.coordinator_a, worker)
    codes = {
        "P": complaint.code,
        "C": case.code,
        "AP": plan.code,
        "RP": refer(complaint, personas.coordinator_a).code,
        "RC": refer(case, personas.town_admin_b, department="housing").code,
        "RA": refer(plan, personas.coordinator_a, department="disabled_persons").code,
    }
    url = path.format(**codes)
    data: dict[str, str] = {}
    if body is not None:
        data = {k: str(v).format(**codes) for k, v in body.items() if k != "R"}
        if "R" in body:
            data["referral"] = codes[body["R"]]
    wrong = []
    for role, want in zip(ROLES, expected, strict=True):
        client.logout()
        if role == "case_worker":
            client.force_login(worker.user)
        elif role != "anon":
            client.force_login(getattr(personas, role))
        if method == "api":
            payload = {**API_BODY, **data} if "case_kind" in data else data
            response = client.post(url, json.dumps(payload), content_type="application/json")
        elif method == "post":
            response = client.post(url, data)
        else:
            response = client.get(url)
        if response.status_code != want:
            wrong.append(f"{role}: {response.status_code} (expected {want})")
        elif want == 302:
            assert "/accounts/login/" in response["Location"]
    assert not wrong, f"{method.upper()} {url} {data}: " + "; ".join(wrong)


def test_matrix_covers_every_role():
    assert all(len(row[3]) == len(ROLES) for row in MATRIX)
