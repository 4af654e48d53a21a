"""Permission matrix for the monitoring pages, in the style of tests/test_permissions.py.

Columns are the personas from conftest.py; "anon" is a visitor who is not signed in (302 = sent to the
login page). {TA}/{TB}: the towns of stations A (小榄) and B (东区); town_admin_b is 东区's admin.
"""

import datetime as dt

import pytest

from lingong.monitoring.models import DailySnapshot, Scope

ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]
ADMINS = [302, 403, 403, 403, 403, 200, 200]
CITY_ONLY = [302, 403, 403, 403, 403, 403, 200]

MATRIX = [
    ("/monitoring/", ADMINS),
    ("/monitoring/?town={TB}", ADMINS),
    ("/monitoring/?town={TA}", CITY_ONLY),
    ("/monitoring/?export=supply", ADMINS),
    ("/monitoring/?town={TB}&export=stations", ADMINS),
    ("/monitoring/?town={TA}&export=stations", CITY_ONLY),
    ("/monitoring/?export=towns", [302, 403, 403, 403, 403, 404, 200]),  # towns: the city view only
    ("/monitoring/screen/", ADMINS),
    ("/monitoring/screen/?town={TB}", ADMINS),
    ("/monitoring/screen/?town={TA}", CITY_ONLY),
    ("/monitoring/health/", ADMINS),
    ("/monitoring/health/?town={TB}", ADMINS),
    ("/monitoring/health/?town={TA}", CITY_ONLY),
    ("/monitoring/health/?export=silent", ADMINS),
    ("/monitoring/health/?town={TA}&export=missing", CITY_ONLY),
]


@pytest.fixture
def objects(personas, towns):
    day = dt.date(2025, 3, 31)
    DailySnapshot.objects.create(day=day, scope=Scope.CITY, key="city", seekers_active=10)
    for town in (towns["东区"], towns["小榄"]):
        DailySnapshot.objects.create(day=day, scope=Scope.TOWN, key=town.code, town=town, seekers_active=5)
    return {"TA": towns["小榄"].code, "TB": towns["东区"].code}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, personas, objects, role):
    """One role against every row; all mismatches reported together."""
    if role != "anon":
        client.force_login(getattr(personas, role))
    column = ROLES.index(role)
    wrong = []
    for path, expected in MATRIX:
        url = path.format(**objects)
        response = client.get(url)
        if response.status_code != expected[column]:
            wrong.append(f"get {url}: {response.status_code}, expected {expected[column]}")
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    assert wrong == []


@pytest.mark.django_db
def test_refusals_say_why_in_chinese(client, personas, objects):
    client.force_login(personas.worker)
    assert "只有镇街分局和市人力资源管理办公室的管理员可以查看运行监测" in client.get("/monitoring/").text
    client.force_login(personas.town_admin_b)
    for page in ("/monitoring/", "/monitoring/screen/", "/monitoring/health/"):
        assert "只能查看本镇街的运行监测数据" in client.get(f"{page}?town={objects['TA']}").text


@pytest.mark.django_db
def test_nav_link_shows_for_admins_only(client, personas, objects):
    link = '<a href="/monitoring/"'
    for persona, shown in [
        ("city_admin", True),
        ("town_admin_b", True),
        ("coordinator_a", False),
        ("worker", False),
    ]:
        client.force_login(getattr(personas, persona))
        assert (link in client.get("/").text) is shown, persona
    client.logout()
    assert link not in client.get("/").text
