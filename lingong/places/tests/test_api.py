"""The public towns and stations API, including bad parameters (4xx with a Chinese message, never 500)."""

import pytest

pytestmark = pytest.mark.django_db


def test_towns(client, towns):
    data = client.get("/api/v1/towns").json()
    assert len(data) == 23
    xiaolan = next(t for t in data if t["short"] == "小榄")
    assert xiaolan["code"] == "442000118" and "东升镇" in xiaolan["aliases"]
    assert set(xiaolan) == {"code", "name", "short", "kind", "aliases", "lat", "lng"}


def test_stations_filters(client, personas):
    data = client.get("/api/v1/stations").json()
    assert data["count"] == 2
    item = data["items"][0]
    for key in (
        "code",
        "name",
        "kind",
        "town",
        "address",
        "lat",
        "lng",
        "hours",
        "phone",
        "services",
        "is_demo_site",
        "status",
    ):
        assert key in item
    assert item["distance_m"] is None
    by_alias = client.get("/api/v1/stations", {"town": "东区"}).json()
    assert [i["name"] for i in by_alias["items"]] == ["中山市（东区街道）零工市场"]
    kind = client.get("/api/v1/stations", {"kind": "employment_station"}).json()
    assert [i["code"] for i in kind["items"]] == [personas.station_a.code]
    service = client.get("/api/v1/stations", {"service": "quick_hire"}).json()
    assert [i["code"] for i in service["items"]] == [personas.station_b.code]


def test_near_within_minutes_sorted(client, personas):
    near = client.get("/api/v1/stations", {"near": "22.5243,113.3979", "mode": "car"}).json()
    assert [i["code"] for i in near["items"]] == [personas.station_b.code, personas.station_a.code]
    assert near["items"][0]["minutes"] < near["items"][1]["minutes"]
    assert near["items"][0]["distance_m"] < 500
    inside = client.get(
        "/api/v1/stations", {"near": "22.5243,113.3979", "within_minutes": 15, "mode": "walk"}
    ).json()
    assert [i["code"] for i in inside["items"]] == [personas.station_b.code]


def test_station_detail_and_404(client, personas):
    data = client.get(f"/api/v1/stations/{personas.station_a.code}").json()
    assert data["name"] == "中山市（小榄镇）就业驿站"
    assert data["hours"]["周一"] == "08:30-17:30" and data["hours"]["周日"] == "休息"
    missing = client.get("/api/v1/stations/STNOPE")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"town": "广州"}, "找不到镇街"),
        ({"kind": "shop"}, "取值无效"),
        ({"service": "massage"}, "未知的服务项目"),
        ({"near": "abc"}, "纬度"),
        ({"near": "95,200"}, "纬度应在"),
        ({"near": "22.5,113.4", "within_minutes": "-3"}, "within_minutes"),
        ({"near": "22.5,113.4", "within_minutes": "lots"}, "应为数字"),
        ({"within_minutes": "15"}, "需要同时提供位置"),
        ({"mode": "plane"}, "取值无效"),
        ({"open_now": "maybe"}, "true 或 false"),
    ],
)
def test_bad_parameters_are_4xx_in_chinese(client, personas, params, fragment):
    response = client.get("/api/v1/stations", params)
    assert 400 <= response.status_code < 500
    assert fragment in response.json()["detail"]


def test_open_now_filter(client, personas, monkeypatch):
    import datetime as dt
    import zoneinfo

    from django.utils import timezone

    # Monday 07:00: the 东区 morning market (06:30–11:30 daily) is open, 小榄 (08:30–17:30) is not.
    fixed = dt.datetime(2026, 11, 30, 7, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    data = client.get("/api/v1/stations", {"open_now": "true"}).json()
    assert [i["code"] for i in data["items"]] == [personas.station_b.code]


def test_openapi(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/stations" in spec["paths"] and "/api/v1/auth/token" in spec["paths"]
