"""GET /api/v1/stats/summary: the city's or a town's figures, read from the snapshots only."""

from __future__ import annotations

import json

import pytest

from lingong.monitoring.models import DailySnapshot
from lingong.monitoring.snapshots import backfill

from .scenario import day

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/summary"
FIELDS = {
    "area",
    "town_code",
    "snapshot_date",
    "job_seekers_registered",
    "job_seekers_active",
    "open_gigs",
    "open_headcount",
    "job_seeker_ratio",
    "bookings_7d",
    "completions_7d",
    "pay_confirmed_yuan_7d",
    "services_7d",
    "arrears_open",
    "hardship_placed_7d",
}
# The API's name of each figure, and the snapshot column it comes from.
STOCK = {
    "job_seekers_registered": "seekers_registered",
    "job_seekers_active": "seekers_active",
    "open_gigs": "gigs_open",
    "open_headcount": "open_headcount",
    "arrears_open": "arrears_open",
}
FLOWS = {
    "bookings_7d": "bookings",
    "completions_7d": "completions",
    "pay_confirmed_yuan_7d": "pay_confirmed_yuan",
    "services_7d": "services",
    "hardship_placed_7d": "hardship_placed",
}
XIAOLAN = "442000118"


def summary(client, town: str | None = None):
    response = client.get(URL, {"town": town} if town is not None else {})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def from_snapshots(scope: str, key: str, last) -> dict:
    """What the summary should say: stock figures on `last`, flows summed over the 7 days ending then."""
    rows = {r.day: r for r in DailySnapshot.objects.filter(scope=scope, key=key)}
    out = {name: getattr(rows[last], column) for name, column in STOCK.items()}
    week = [rows[d] for d in rows if 0 <= (last - d).days < 7]
    assert len(week) == 7
    for name, column in FLOWS.items():
        out[name] = sum(getattr(r, column) for r in week)
    out["pay_confirmed_yuan_7d"] = float(out["pay_confirmed_yuan_7d"])
    active = out["job_seekers_active"]
    out["job_seeker_ratio"] = round(out["open_headcount"] / active, 2) if active else None
    return out


def test_no_snapshot_yet_gives_zeros(client, scenario):
    for town in (None, "小榄"):
        data = summary(client, town)
        assert set(data) == FIELDS
        assert data["snapshot_date"] is None and data["job_seeker_ratio"] is None
        assert all(data[f] == 0 for f in FIELDS - {"area", "town_code", "snapshot_date", "job_seeker_ratio"})
    assert data["area"] == "小榄镇" and data["town_code"] == XIAOLAN


def test_city_figures_are_the_snapshots(client, scenario):
    assert backfill() == [day(n) for n in range(1, 9)]
    data = summary(client)
    assert (data["area"], data["town_code"], data["snapshot_date"]) == ("全市", None, day(8).isoformat())
    assert {k: data[k] for k in (*STOCK, *FLOWS, "job_seeker_ratio")} == from_snapshots(
        "city", "city", day(8)
    )
    # By hand: g4's 5 places for 5 active seekers; days 2–8 hold 5 bookings, 3 completions, 380 yuan paid,
    # 15 people served, one case still open, 3 hardship placements (2 on day 3, 1 on day 6).
    assert data == {
        "area": "全市",
        "town_code": None,
        "snapshot_date": "2026-11-09",
        "job_seekers_registered": 5,
        "job_seekers_active": 5,
        "open_gigs": 1,
        "open_headcount": 5,
        "job_seeker_ratio": 1.0,
        "bookings_7d": 5,
        "completions_7d": 3,
        "pay_confirmed_yuan_7d": 380.0,
        "services_7d": 15,
        "arrears_open": 1,
        "hardship_placed_7d": 3,
    }
    for city in ("中山市", "中山"):
        assert summary(client, city) == data


def test_a_town_by_code_name_short_name_or_alias(client, scenario):
    backfill()
    answers = [summary(client, text) for text in (XIAOLAN, "小榄镇", "小榄", "菊城", " 东升镇 ")]
    assert all(a == answers[0] for a in answers)
    data = answers[0]
    assert (data["area"], data["town_code"], data["snapshot_date"]) == ("小榄镇", XIAOLAN, "2026-11-09")
    assert {k: data[k] for k in (*STOCK, *FLOWS, "job_seeker_ratio")} == from_snapshots(
        "town", XIAOLAN, day(8)
    )
    # In 小榄: w3 only (w1 lives in 石岐, w5 asked to be deleted); g4's 5 places; ratio 5.
    assert (data["job_seekers_registered"], data["job_seekers_active"], data["open_headcount"]) == (1, 1, 5)
    assert data["job_seeker_ratio"] == 5.0
    dongqu = summary(client, "东区")
    assert (dongqu["town_code"], dongqu["job_seekers_active"], dongqu["open_headcount"]) == (
        "442000002",
        2,
        0,
    )
    assert dongqu["job_seeker_ratio"] == 0.0
    assert dongqu == summary(client, "442000002") == summary(client, "东区街道")


def test_no_seekers_means_no_ratio(client, scenario):
    backfill()
    data = summary(client, "坦洲")
    assert data["area"] == "坦洲镇" and data["snapshot_date"] == "2026-11-09"
    assert (data["job_seekers_active"], data["open_headcount"], data["job_seeker_ratio"]) == (0, 0, None)


def test_the_ratio_is_rounded_to_two_places(client, scenario, clock):
    clock.at(day(4), 0, 30)
    assert backfill() == [day(1), day(2), day(3)]
    data = summary(client)
    # Day 3: 7 open places (g1 full, g3 3, g2 2 + 2) for 3 active seekers.
    assert data["snapshot_date"] == day(3).isoformat()
    assert (data["open_headcount"], data["job_seekers_active"], data["job_seeker_ratio"]) == (7, 3, 2.33)
    # Only three days so far: the flows are what there is.
    assert data["bookings_7d"] == 1 + 1 + 3


@pytest.mark.parametrize("town", ["火星镇", "4420001"])  # 4420001: the start of many codes
def test_unknown_town_is_404_in_chinese(client, scenario, town):
    backfill()
    response = client.get(URL, {"town": town})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert f"找不到镇街“{town}”" in detail and "镇街编号、名称或简称" in detail


def test_too_long_a_town_is_422_in_chinese(client, personas):
    response = client.get(URL, {"town": "小" * 21})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("参数无效")


def test_no_personal_data(client, scenario):
    backfill()
    body = client.get(URL).content.decode()
    town_body = client.get(URL, {"town": "东区"}).content.decode()
    for data in (json.loads(body), json.loads(town_body)):
        assert set(data) == FIELDS
    for worker in scenario.workers.values():
        for value in (worker.real_name, worker.code, worker.user.phone, worker.id_masked):
            assert value not in body and value not in town_body
    for forbidden in ("name", "phone", "id_", "worker", "birth", "address"):
        assert all(forbidden not in key for key in FIELDS)


def test_the_summary_is_public_and_described(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert operation.get("security") in (None, [])
    assert any(p["name"] == "town" for p in operation["parameters"])
