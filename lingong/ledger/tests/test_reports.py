"""Daily and monthly totals, town and city roll-ups (scoped), and the Excel files read back."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lingong.ledger import services
from lingong.ledger.export import DETAIL_HEADERS
from lingong.ledger.models import LedgerEntry
from lingong.ledger.reports import by_service, city_month, parse_month, shift_month, station_month, town_month

pytestmark = pytest.mark.django_db

LAST_MONTH = shift_month(timezone.localdate().replace(day=1), -1)


def at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(LAST_MONTH.year, LAST_MONTH.month, day, hour))


@pytest.fixture
def month_of_lines(world):
    """Last month's lines, written up from paper (source "paper" so they may be older than a week).

    Station A (小榄): day 1 职业指导 ×3 walk-ins + 政策咨询 worker_a; day 2 职业指导 worker_a;
    day 15 培训推荐 ×2 walk-ins, and 便民休憩 ×10 that was voided. Station B (东区): day 1 职业指导 ×4.
    """
    p = world.p
    n = iter(range(1, 100))

    def line(station, actor, service, day, **kw):
        return services.record_service(
            station=station, service=service, actor=actor, source="paper", ref=f"P{next(n)}", at=at(day), **kw
        )

    a, b = p.station_a, p.station_b
    line(a, p.coordinator_a, "guidance", 1, walk_in_count=3)
    line(a, p.coordinator_a, "policy", 1, worker=world.worker_a, outcome="了解灵活就业社保补贴")
    line(a, p.coordinator_a, "guidance", 2, worker=world.worker_a)
    line(a, p.coordinator_a, "training", 15, walk_in_count=2)
    rest = line(a, p.coordinator_a, "rest", 15, walk_in_count=10)
    services.void_entry(rest, actor=p.city_admin, reason="误记")
    line(b, p.town_admin_b, "guidance", 1, walk_in_count=4)


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


class TestTotals:
    def test_station_month_is_services_by_day_without_voided_lines(self, world, month_of_lines):
        grid = station_month(world.p.station_a, LAST_MONTH)
        row = {r.key: r for r in grid.rows}
        assert row["guidance"].cells[0] == 3 and row["guidance"].cells[1] == 1 and row["guidance"].total == 4
        assert row["policy"].total == 1 and row["training"].cells[14] == 2 and row["rest"].total == 0
        assert grid.totals[0] == 4 and grid.grand == 7
        assert len(grid.columns) == len(grid.rows[0].cells) >= 28

    def test_by_service_counts_lines_and_persons(self, world, month_of_lines):
        qs = LedgerEntry.objects.filter(station=world.p.station_a, day=at(1).date())
        totals = by_service(qs)
        got = {r.code: (r.lines, r.persons) for r in totals.rows}
        assert got["guidance"] == (1, 3) and got["policy"] == (1, 1) and got["other"] == (0, 0)
        assert (totals.lines, totals.persons) == (2, 4)
        assert [label for label in totals.chart["labels"]][:2] == ["求职登记", "岗位推荐"]

    def test_town_and_city_roll_ups(self, world, month_of_lines):
        xl = town_month(world.towns["小榄"], LAST_MONTH)
        station_row = next(r for r in xl.rows if r.key == world.p.station_a.code)
        assert station_row.total == 7 and xl.grand == 7
        assert all(r.key != world.p.station_b.code for r in xl.rows)
        assert town_month(world.towns["东区"], LAST_MONTH).grand == 4
        city = city_month(LAST_MONTH)
        by_town = {r.label: r.total for r in city.rows}
        assert by_town["小榄镇"] == 7 and by_town["东区街道"] == 4 and city.grand == 11
        assert len(city.rows) == 23

    def test_month_parsing(self):
        today = dt.date(2024, 3, 17)
        assert parse_month("", today) == dt.date(2024, 3, 1)
        assert parse_month("2023-12", today) == dt.date(2023, 12, 1)
        for bad in ("2023-13", "三月", "2023/01", "1999-01", "9999-12"):
            with pytest.raises(ValueError, match="月份"):
                parse_month(bad, today)


class TestPagesAndExports:
    def test_day_page_and_export(self, client, world, month_of_lines):
        client.force_login(world.p.coordinator_a)
        day = at(1).date()
        url = f"/ledger/day/?station={world.p.station_a.code}&date={day.isoformat()}"
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert (
            "2 条记录" in html
            and '<span class="day-persons">4</span>' in html
            and "了解灵活就业社保补贴" in html
        )
        resp = client.get(url + "&format=xlsx")
        assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(BytesIO(resp.content))
        assert wb.sheetnames == ["台账明细", "分类合计"]
        rows = rows_of(wb["台账明细"])
        assert world.p.station_a.name in rows[0][0] and f"{day.month}月{day.day}日" in rows[0][0]
        assert rows[2] == DETAIL_HEADERS
        body = rows[3:]
        assert [r[3] for r in body[:-1]] == ["职业指导", "政策咨询"]
        assert body[0][4] == "匿名来访" and body[1][4] == "梁*英" and body[1][5] == world.worker_a.code
        assert body[-1][0] == "合计" and body[-1][DETAIL_HEADERS.index("人数")] == 4
        totals = {r[0]: r[1:] for r in rows_of(wb["分类合计"])[3:]}
        assert totals["职业指导"] == [1, 3] and totals["合计"] == [2, 4]

    def test_month_page_and_export(self, client, world, month_of_lines):
        client.force_login(world.p.coordinator_a)
        url = f"/ledger/month/?station={world.p.station_a.code}&month={LAST_MONTH:%Y-%m}"
        page = client.get(url)
        assert page.status_code == 200 and '<span class="month-persons">7</span>' in page.content.decode()
        wb = load_workbook(BytesIO(client.get(url + "&format=xlsx").content))
        assert wb.sheetnames == ["按日汇总", "台账明细"]
        summary = rows_of(wb["按日汇总"])
        assert f"{LAST_MONTH.year}年{LAST_MONTH.month}月" in summary[0][0]
        header = summary[2]
        assert header[0] == "服务类型" and header[1] == "1日" and header[-1] == "合计"
        by_service = {r[0]: r for r in summary[3:]}
        assert by_service["职业指导"][1:3] == [3, 1] and by_service["职业指导"][-1] == 4
        assert by_service["便民休憩"][-1] == 0
        assert by_service["合计"][1] == 4 and by_service["合计"][-1] == 7
        detail = rows_of(wb["台账明细"])
        assert len(detail) == 3 + 4 + 1 and detail[-1][DETAIL_HEADERS.index("人数")] == 7

    def test_roll_up_pages_and_exports_are_scoped(self, client, world, month_of_lines):
        p = world.p
        month = f"month={LAST_MONTH:%Y-%m}"
        xl, dq = world.towns["小榄"].code, world.towns["东区"].code
        client.force_login(p.town_admin_b)
        page = client.get(f"/ledger/town/?{month}")
        assert page.status_code == 200 and p.station_b.name in page.content.decode()
        assert p.station_a.name not in page.content.decode()
        assert client.get(f"/ledger/town/?town={xl}&{month}").status_code == 403
        assert client.get("/ledger/town/?town=999999999").status_code == 404
        assert client.get(f"/ledger/city/?{month}").status_code == 403
        wb = load_workbook(BytesIO(client.get(f"/ledger/town/?town={dq}&{month}&format=xlsx").content))
        rows = rows_of(wb.active)
        assert "东区街道" in rows[0][0] and rows[2][0] == "站点" and rows[2][-1] == "合计"
        assert rows[-1][0] == "合计" and rows[-1][-1] == 4

        client.force_login(p.city_admin)
        assert client.get(f"/ledger/town/?town={xl}&{month}").status_code == 200
        page = client.get(f"/ledger/city/?{month}")
        assert page.status_code == 200 and '<strong class="grand">11</strong>' in page.content.decode()
        rows = rows_of(
            load_workbook(BytesIO(client.get(f"/ledger/city/?{month}&format=xlsx").content)).active
        )
        assert rows[2][0] == "镇街" and len(rows) == 3 + 23 + 1 and rows[-1][-1] == 11

        client.force_login(p.coordinator_a)
        assert client.get(f"/ledger/town/?{month}").status_code == 403

    def test_bad_periods_are_a_clear_400(self, client, world):
        client.force_login(world.p.coordinator_a)
        resp = client.get(f"/ledger/month/?station={world.p.station_a.code}&month=2024-13")
        assert resp.status_code == 400 and "月份“2024-13”无效" in resp.content.decode()
        resp = client.get(f"/ledger/day/?station={world.p.station_a.code}&date=昨天")
        assert resp.status_code == 400 and "日期" in resp.content.decode()
        resp = client.get(f"/ledger/day/?station={world.p.station_a.code}&date=0001-01-01")
        assert resp.status_code == 400 and "超出范围" in resp.content.decode()
        assert client.get("/ledger/city/?month=x").status_code == 403  # permission speaks first
