"""Permission matrix for the rights pages and API: every role against every page and endpoint.

Same pattern as tests/test_permissions.py, plus one column: "case_worker" is the worker ({W}, of
station A 小榄) whom the arrears case {C} and the complaint {P} (with evidence {V}) are about; the
"worker" persona holds the worker role but has no registration. {C} is against the 东区 employer that
personas.employer manages. "anon" is not signed in (302 = the login page; 401 from the API).
Web POSTs are sent empty: permission refuses first; permitted roles get 400 (nothing chosen) or the
page back.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lingong.rights import complaints

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

MATRIX: list[tuple] = [
    ("get", "/rights/mine/", [302, 404, 404, 404, 404, 404, 404, 200]),
    ("get", "/rights/employer/", [302, 403, 200, 403, 403, 403, 403, 403]),
    ("get", "/rights/arrears/", [302, 403, 403, 403, 200, 200, 200, 403]),
    ("get", "/rights/arrears/{C}/", [302, 404, 200, 404, 200, 200, 200, 200]),
    ("post", "/rights/arrears/{C}/", [302, 404, 403, 404, 400, 400, 400, 403]),
    ("get", "/rights/arrears/ARNOSUCH/", [302, 404, 404, 404, 404, 404, 404, 404]),
    ("get", "/rights/complaints/", [302, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/rights/complaints/new/", [302, 404, 404, 404, 200, 200, 200, 200]),
    ("post", "/rights/complaints/new/", [302, 404, 404, 404, 200, 200, 200, 400]),
    ("get", "/rights/complaints/new/?worker={W}", [302, 404, 404, 404, 200, 404, 200, 404]),
    ("get", "/rights/complaints/{P}/", [302, 404, 404, 404, 200, 404, 200, 200]),
    ("post", "/rights/complaints/{P}/", [302, 404, 404, 404, 400, 404, 400, 400]),
    ("get", "/rights/complaints/{P}/evidence/{V}/", [302, 404, 404, 404, 200, 404, 200, 200]),
    ("get", "/rights/insurance/", [302, 403, 200, 403, 200, 200, 200, 403]),
    ("post", "/rights/insurance/", [302, 403, 400, 403, 400, 400, 400, 403]),
    ("get", "/api/v1/rights/complaints", [401, 200, 200, 200, 200, 200, 200, 200]),
    (
        "post",
        "/api/v1/rights/complaints",
        [401, 422, 422, 422, 422, 422, 422, 422],
        {"kind": "other", "description": ""},
    ),
    ("get", "/api/v1/rights/arrears", [401, 200, 200, 200, 200, 200, 200, 200]),
]

ROWS = [pytest.param(row, id=f"{row[0]} {row[1]}") for row in MATRIX]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS)
def test_permission_matrix(client, personas, worker, case, row):
    """One row, every role: the fixtures are built once per row (empty POSTs change nothing)."""
    method, path, expected = row[0], row[1], row[2]
    body = row[3] if len(row) > 3 else None
    complaint = complaints.file_complaint(
        actor=worker.user,
        worker=worker,
        kind="wages",
        description="工资未付",
        files=[SimpleUploadedFile("单据.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")],
    )
    url = path.format(C=case.code, W=worker.code, P=complaint.code, V=complaint.evidence.get().code)
    wrong = []
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if role == "case_worker":
            client.force_login(worker.user)
        elif role != "anon":
            client.force_login(getattr(personas, role))
        if body is not None:
            response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        else:
            response = getattr(client, method)(url)
        if response.status_code != status:
            wrong.append(f"{role}: {response.status_code} (expected {status})")
        elif status == 302 and role == "anon":
            assert "/accounts/login/" in response["Location"]
    assert not wrong, f"{method.upper()} {url}: " + "; ".join(wrong)


def test_matrix_covers_every_role():
    assert all(len(row[2]) == len(ROLES) for row in MATRIX)
