"""Station directory health on a constructed case: missing public information, silent ledgers, towns
short of an operating 零工市场 or 就业驿站; scoped by role, downloadable, with a flat query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import weekday_hours
from lingong.ledger.models import LedgerEntry
from lingong.places.models import Station
from lingong.places.services import create_station

from .test_dashboard import read_xlsx, tables_of

pytestmark = pytest.mark.django_db

URL = "/monitoring/health/"


def station(personas, town, name: str, *, status="operating", complete=True, kind="employment_station"):
    data = {"name": name, "kind": kind, "town": town, "lat": town.lat, "lng": town.lng, "status": status}
    if complete:
        data |= {
            "address": f"{town.name}某路1号",
            "phone": "0760-88990022",
            "contact_name": "李站长",
            "services": ["recommendation"],
            "occupations": ["普工"],
        }
    return create_station(actor=personas.city_admin, data=data, hours=weekday_hours() if complete else None)


def ledger(s: Station, days_ago: int, *, voided: bool = False) -> None:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    LedgerEntry.objects.create(
        code=f"LE{s.pk:03d}{days_ago:03d}{int(voided)}",
        station=s,
        day=day,
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        service="guidance",
        walk_in_count=1,
        voided_at=timezone.now() if voided else None,
        void_reason="录错站点" if voided else "",
    )


@pytest.fixture
def case(personas, towns):
    east = towns["东区"]
    bare = station(personas, east, "中山市（东区街道测试一社区）就业驿站", complete=False)
    building = station(personas, east, "中山市（东区街道测试二社区）就业驿站", status="building")
    revoked = station(
        personas, east, "中山市（东区街道测试三社区）就业驿站", status="revoked", complete=False
    )
    ledger(personas.station_a, 2)
    ledger(personas.station_b, 7)
    ledger(personas.station_b, 1, voided=True)
    return {"bare": bare, "building": building, "revoked": revoked}


def test_city_admin_sees_the_three_lists(client, personas, towns, case):
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert response.status_code == 200
    tables = tables_of(response)

    missing = tables["missing"]
    assert missing[0] == ["站点", "类型", "镇街", "状态", "缺少的信息"]
    assert missing[1:] == [
        [
            case["bare"].name,
            "就业驿站",
            "东区街道",
            "运营中",
            "地址、开放时间、服务工种、联系人和电话、服务项目",
        ]
    ]

    silent = {r[0]: r for r in tables["silent"][1:]}
    assert set(silent) == {personas.station_b.name, case["bare"].name}  # not A (2 days), not building
    seven = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert silent[personas.station_b.name][3:] == [seven, "7"]  # the voided line of yesterday does not count
    assert silent[case["bare"].name][3:] == ["从未记录", "—"]
    assert tables["silent"][1][0] == case["bare"].name  # never recorded comes first

    short = {r[0]: r for r in tables["towns"][1:]}
    assert "东区街道" not in short  # B is an operating 零工市场, "bare" an operating 就业驿站
    assert short["小榄镇"][1:] == ["0", "1", "0", "0", "零工市场"]
    assert short["南区街道"][1:] == ["0", "0", "0", "0", "零工市场、就业驿站"]
    assert len(short) == len(towns) - 1


def test_a_town_with_only_a_station_in_building_is_short(client, personas, towns):
    station(personas, towns["南区"], "中山市（南区街道测试社区）就业驿站", status="building")
    client.force_login(personas.city_admin)
    short = {r[0]: r for r in tables_of(client.get(URL))["towns"][1:]}
    assert short["南区街道"][1:] == ["0", "0", "0", "1", "零工市场、就业驿站"]
    assert short["东区街道"][1:] == ["1", "0", "0", "0", "就业驿站"]


def test_town_admin_sees_only_their_town(client, personas, towns, case):
    client.force_login(personas.town_admin_b)
    tables = tables_of(client.get(URL))
    assert {r[2] for r in tables["missing"][1:]} == {"东区街道"}
    assert {r[2] for r in tables["silent"][1:]} == {"东区街道"}
    assert personas.station_a.name not in {r[0] for r in tables["silent"][1:]}
    assert tables["towns"][1:] == []  # 东区 has both kinds operating
    assert "每个镇街都已有运营中的零工市场和就业驿站" in client.get(URL).text
    assert client.get(URL + f"?town={towns['小榄'].code}").status_code == 403


def test_city_admin_may_look_at_one_town(client, personas, towns, case):
    client.force_login(personas.city_admin)
    tables = tables_of(client.get(URL + f"?town={towns['小榄'].code}"))
    assert tables["missing"][1:] == []
    assert tables["silent"][1:] == []
    assert [r[0] for r in tables["towns"][1:]] == ["小榄镇"]


def test_lists_download_as_excel(client, personas, towns, case):
    client.force_login(personas.city_admin)
    response = client.get(URL + "?export=silent")
    assert response.status_code == 200
    above, rows = read_xlsx(response.content)
    assert above[0] == f"全市·台账沉寂的站点（{timezone.localdate():%Y-%m-%d}）"
    assert rows[0] == ["站点", "类型", "镇街", "最近台账记录", "未记录天数"]
    assert rows[1] == [case["bare"].name, "就业驿站", "东区街道", "从未记录", None]
    assert rows[2][0] == personas.station_b.name and rows[2][4] == 7
    _above, rows = read_xlsx(client.get(URL + "?export=missing").content)
    assert rows[1][0] == case["bare"].name and str(rows[1][4]).startswith("地址")
    _above, rows = read_xlsx(client.get(URL + f"?town={towns['小榄'].code}&export=towns").content)
    assert rows == [
        ["镇街", "运营中的零工市场", "运营中的就业驿站", "在建的零工市场", "在建的就业驿站", "缺少"],
        ["小榄镇", 0, 1, 0, 0, "零工市场"],
    ]
    assert client.get(URL + "?export=nothing").status_code == 404


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_stations(client, personas, towns, case):
    client.force_login(personas.city_admin)
    before = _count(client)
    for i in range(4):
        s = station(personas, towns["石岐"], f"中山市（石岐街道测试{i}社区）就业驿站", complete=i % 2 == 0)
        ledger(s, i * 5)
    assert _count(client) == before
