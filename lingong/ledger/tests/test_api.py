"""The ledger API: the day's lines, recording a line (201), voiding, monthly summaries; bad input 422."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.accounts.services import issue_token
from lingong.ledger.models import LedgerEntry
from lingong.ledger.partners import create_partner

pytestmark = pytest.mark.django_db
URL = "/api/v1/ledger/entries"


def post(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


class TestLedgerApi:
    def test_record_read_and_void_with_a_bearer_token(self, client, world):
        p = world.p
        token = issue_token(actor=p.coordinator_a, name="站点平板")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        partner = create_partner(
            actor=p.coordinator_a, station=p.station_a, data={"kind": "volunteer", "name": "陈姨"}
        )
        body = {
            "station": p.station_a.code,
            "service": "guidance",
            "worker": world.worker_a.code.lower(),
            "notes": "想做家政",
            "outcome": "推荐参加家政培训",
            "result": "referred",
            "partner": partner.code,
        }
        resp = post(client, body, **auth)
        assert resp.status_code == 201, resp.content
        out = resp.json()
        assert out["service_label"] == "职业指导" and out["worker"] == world.worker_a.code
        assert out["worker_name"] == "梁*英" and out["persons"] == 1 and out["partner_name"] == "陈姨"
        assert out["coordinator"] == str(p.coordinator_a) and out["source"] == "manual" and not out["voided"]

        day = client.get(URL, **auth).json()  # the coordinator's only station, today
        assert day["station"] == p.station_a.code and day["date"] == timezone.localdate().isoformat()
        assert out["code"] in [e["code"] for e in day["items"]]
        guidance = next(t for t in day["totals"] if t["service"] == "guidance")
        assert guidance == {"service": "guidance", "label": "职业指导", "lines": 1, "persons": 1}

        voided = client.post(
            f"{URL}/{out['code']}/void", {"reason": "重复"}, content_type="application/json", **auth
        ).json()
        assert voided["voided"] and voided["void_reason"] == "重复"
        day = client.get(f"{URL}?station={p.station_a.code}&include_voided=false", **auth).json()
        assert out["code"] not in [e["code"] for e in day["items"]] and day["persons"] == 1  # registration

    @pytest.mark.parametrize(
        ("body", "field", "message"),
        [
            ({"service": "spa", "walk_in_count": 1}, "service", "未知的服务类型"),
            ({"service": "guidance"}, "walk_in_count", "至少 1 人"),
            ({"service": "guidance", "walk_in_count": 99999}, "walk_in_count", "不大于"),
            ({"service": "guidance", "walk_in_count": 1, "result": "maybe"}, "result", "结果应为"),
            ({"service": "guidance", "worker": "WKNOSUCH1"}, "worker", "找不到该求职者"),
            (
                {"service": "guidance", "walk_in_count": 1, "partner": "PTNOSUCH1"},
                "partner",
                "没有这个合作伙伴",
            ),
            ({"service": "guidance", "walk_in_count": 1, "at": "2001-01-01T08:00:00+08:00"}, "at", "补录"),
            ({"service": "guidance", "walk_in_count": 1, "at": "明天"}, "at", "取值无效"),
            (
                {"service": "guidance", "walk_in_count": 1, "at": "0001-01-01T00:00:00+14:00"},
                "at",
                "服务时间无效",
            ),
        ],
    )
    def test_bad_input_is_422_in_chinese_and_saves_nothing(self, client, world, body, field, message):
        client.force_login(world.p.coordinator_a)
        before = LedgerEntry.objects.count()
        resp = post(client, {"station": world.p.station_a.code, **body})
        assert resp.status_code == 422, resp.content
        errors = resp.json()["errors"]
        assert any(e["field"] == field and message in e["message"] for e in errors), errors
        assert LedgerEntry.objects.count() == before

    def test_scope(self, client, world):
        p = world.p
        client.force_login(p.coordinator_a)
        body = {"station": p.station_b.code, "service": "guidance", "walk_in_count": 1}
        resp = post(client, body)
        assert resp.status_code == 403 and "本站点" in resp.json()["detail"]
        assert client.get(f"{URL}?station={p.station_b.code}").status_code == 403
        assert client.get(f"{URL}?station=NOSUCH").status_code == 404
        client.force_login(p.city_admin)
        assert client.get(URL).status_code == 422  # many stations: say which
        assert post(client, body).status_code == 201
        client.logout()
        assert client.get(URL).status_code == 401

    def test_summaries_for_a_station_a_town_and_the_city(self, client, world):
        p = world.p
        client.force_login(p.coordinator_a)
        for service in ("guidance", "policy"):
            post(client, {"station": p.station_a.code, "service": service, "walk_in_count": 2})
        month = f"{timezone.localdate():%Y-%m}"
        out = client.get(f"/api/v1/ledger/summary?station={p.station_a.code}&month={month}").json()
        assert out["scope"] == "station" and out["month"] == month
        assert out["persons"] == 5  # two walk-ins twice, plus this morning's registration
        today = next(r for r in out["rows"] if r["key"] == timezone.localdate().isoformat())
        assert today["total"] == 5 and today["by_service"]["policy"] == 2
        assert client.get(f"/api/v1/ledger/summary?town={world.towns['小榄'].code}").status_code == 403
        bad = client.get("/api/v1/ledger/summary?station=" + p.station_a.code + "&month=2024-13")
        assert bad.status_code == 422 and "月份" in bad.json()["detail"]

        client.force_login(p.town_admin_b)
        town = client.get(f"/api/v1/ledger/summary?town={world.towns['东区'].code}").json()
        assert town["scope"] == "town" and [r["key"] for r in town["rows"]] == [p.station_b.code]
        assert town["persons"] == 1  # worker_b's registration

        client.force_login(p.city_admin)
        city = client.get("/api/v1/ledger/summary").json()
        assert city["scope"] == "city" and len(city["rows"]) == 23 and city["persons"] == 6
        xl = next(r for r in city["rows"] if r["label"] == "小榄镇")
        assert xl["by_service"]["guidance"] == 2 and xl["total"] == 5

    def test_backfilled_lines_land_on_their_day(self, client, world):
        client.force_login(world.p.coordinator_a)
        when = timezone.localtime() - dt.timedelta(days=2)
        body = {
            "station": world.p.station_a.code,
            "service": "rest",
            "walk_in_count": 3,
            "at": when.isoformat(),
        }
        assert post(client, body).json()["day"] == when.date().isoformat()
