"""Permission matrix for the report and typical-case pages, in the style of tests/test_permissions.py.

Columns are the personas from conftest.py; "anon" is a visitor who is not signed in (302 = sent to the
login page). {RC}/{RA}/{RB}: the March reports of the city, 小榄 (station A's town) and 东区 (town B);
{CA}/{CB}: typical-case proposals for stations A and B. town_admin_b is 东区's admin.
"""

from __future__ import annotations

import datetime as dt

import pytest

from lingong.monitoring import services
from lingong.monitoring.models import CaseProposal

from .test_reports_support import snapshots

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
ADMINS = [302, 403, 403, 403, 403, 200, 200]
CITY_ONLY = [302, 403, 403, 403, 403, 403, 200]
NO_PDF = [302, 403, 403, 403, 403, 404, 404]  # no WeasyPrint here: the page says to print to PDF

MATRIX = [
    ("get", "/reports/", {}, ADMINS),
    ("get", "/reports/?kind=quarter&area={TB}", {}, ADMINS),
    (
        "post",
        "/reports/",
        {"kind": "month", "period": "2024-03", "area": "{TB}"},
        [302, 403, 403, 403, 403, 302, 302],
    ),
    (
        "post",
        "/reports/",
        {"kind": "month", "period": "2024-03", "area": "city"},
        [302, 403, 403, 403, 403, 403, 302],
    ),
    (
        "post",
        "/reports/",
        {"kind": "month", "period": "2024-03", "area": "{TA}"},
        [302, 403, 403, 403, 403, 403, 302],
    ),
    ("get", "/reports/{RC}/", {}, CITY_ONLY),
    ("get", "/reports/{RA}/", {}, CITY_ONLY),
    ("get", "/reports/{RB}/", {}, ADMINS),
    ("get", "/reports/{RC}/xlsx", {}, CITY_ONLY),
    ("get", "/reports/{RA}/xlsx", {}, CITY_ONLY),
    ("get", "/reports/{RB}/xlsx", {}, ADMINS),
    ("get", "/reports/{RB}/pdf", {}, NO_PDF),
    ("get", "/reports/{RA}/pdf", {}, [302, 403, 403, 403, 403, 403, 404]),
    ("get", "/reports/RNOSUCH/", {}, [302, 403, 403, 403, 403, 404, 404]),
    ("get", "/reports/cases/", {}, ADMINS),
    ("get", "/reports/cases/?status=proposed", {}, ADMINS),
    ("post", "/reports/cases/", {"kind": "month", "period": "2024-02"}, [302, 403, 403, 403, 403, 403, 302]),
    ("get", "/reports/cases/{CA}/", {}, CITY_ONLY),
    ("get", "/reports/cases/{CB}/", {}, ADMINS),
    ("get", "/reports/cases/TCNOSUCH/", {}, [302, 403, 403, 403, 403, 404, 404]),
    ("post", "/reports/cases/{CB}/", {"action": "dismiss"}, [302, 403, 403, 403, 403, 403, 302]),
    ("post", "/reports/cases/{CA}/", {"action": "draft"}, [302, 403, 403, 403, 403, 403, 302]),
]


@pytest.fixture
def objects(personas, towns, clock):
    clock.at(dt.date(2024, 4, 5))
    snapshots(personas, towns, dt.date(2024, 2, 1), dt.date(2024, 3, 31))
    ta, tb = towns["小榄"].code, towns["东区"].code
    reports = {
        key: services.generate_report(actor=None, kind="month", period="2024-03", area=area).code
        for key, area in (("RC", "city"), ("RA", ta), ("RB", tb))
    }
    services.propose_cases(actor=None, kind="month", period="2024-03")
    proposals = CaseProposal.objects.filter(kind="placements")
    return {
        **reports,
        "TA": ta,
        "TB": tb,
        "CA": proposals.get(station=personas.station_a).code,
        "CB": proposals.get(station=personas.station_b).code,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, personas, objects, role):
    """One role against every row (one setup per role keeps the matrix fast); all mismatches reported."""
    if role != "anon":
        client.force_login(getattr(personas, role))
    column = ROLES.index(role)
    wrong = []
    for method, path, data, expected in MATRIX:
        url = path.format(**objects)
        if method == "post":
            response = client.post(url, {k: v.format(**objects) for k, v in data.items()})
        else:
            response = client.get(url)
        if response.status_code != expected[column]:
            wrong.append(f"{method} {url} {data}: {response.status_code}, expected {expected[column]}")
    assert wrong == []
