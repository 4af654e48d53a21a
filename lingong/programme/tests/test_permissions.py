"""Permission matrix for the programme pages and endpoints, in the style of tests/test_permissions.py.

Columns are the personas from conftest.py; "anon" is a visitor who is not signed in (302 = sent to the
login page). {A}/{B}: stations A (小榄) and B (东区); {TA}/{TB}: their towns' codes; {EA}/{EB}: an
expenditure of each town (with a voucher); {CA}: a candidate site in 小榄.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lingong.programme import funds, services
from lingong.programme.models import TownBudget

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
ADMINS = [302, 403, 403, 403, 403, 200, 200]
CITY_ONLY = [302, 403, 403, 403, 403, 403, 200]
PUBLIC = [200] * 7

MATRIX = [
    ("get", "/programme/", ADMINS),
    ("get", "/programme/stations/{A}/", CITY_ONLY),
    ("get", "/programme/stations/{B}/", ADMINS),
    ("post", "/programme/stations/{A}/", [302, 403, 403, 403, 403, 403, 302]),
    ("post", "/programme/stations/{B}/", [302, 403, 403, 403, 403, 302, 302]),
    ("get", "/programme/funds/", ADMINS),
    ("get", "/programme/funds/?format=xlsx", ADMINS),
    ("get", "/programme/funds/expenditures/?format=xlsx", ADMINS),
    ("get", "/programme/funds/expenditures/new/", ADMINS),
    ("get", "/programme/funds/towns/{TA}/", CITY_ONLY),
    ("get", "/programme/funds/towns/{TB}/", ADMINS),
    ("get", "/programme/funds/expenditures/{EA}/", CITY_ONLY),
    ("get", "/programme/funds/expenditures/{EA}/voucher/", CITY_ONLY),
    ("get", "/programme/funds/expenditures/{EB}/", ADMINS),
    ("get", "/programme/funds/expenditures/{EB}/voucher/", ADMINS),
    ("get", "/programme/funds/adjustments/", ADMINS),
    ("get", "/programme/coverage/", ADMINS),
    ("post", "/programme/coverage/candidates/{CA}/off/", [302, 403, 403, 403, 403, 403, 302]),
    ("get", "/api/v1/programme/budget", PUBLIC),
    ("get", "/api/v1/programme/progress", PUBLIC),
]


@pytest.fixture
def objects(personas, rnd, towns):
    budgets = {b.town.short: b for b in TownBudget.objects.filter(round=rnd).select_related("town")}

    def spend(short):
        return funds.record_expenditure(
            budgets[short],
            actor=personas.city_admin,
            data={
                "category": "equipment",
                "amount": "100",
                "spent_on": dt.date(2023, 10, 1),
                "supplier": "某公司",
            },
            voucher=SimpleUploadedFile("v.pdf", b"%PDF-1.4\n%%EOF\n"),
        )

    site = services.add_candidate(
        actor=personas.city_admin,
        town=towns["小榄"],
        data={"name": "小榄某社区党群服务中心", "kind": "party_centre", "lat": 22.68, "lng": 113.25},
    )
    return {
        "A": personas.station_a.code,
        "B": personas.station_b.code,
        "TA": towns["小榄"].code,
        "TB": towns["东区"].code,
        "EA": spend("小榄").code,
        "EB": spend("东区").code,
        "CA": site.code,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, personas, objects, role):
    """One role against every row (one setup per role keeps the matrix fast); all mismatches reported."""
    if role != "anon":
        client.force_login(getattr(personas, role))
    column = ROLES.index(role)
    wrong = []
    for method, path, expected in MATRIX:
        url = path.format(**objects)
        if method == "post":
            response = client.post(url, {"action": "untick", "item": "signage"})
        else:
            response = client.get(url)
        if response.status_code != expected[column]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected[column]}")
    assert wrong == []
