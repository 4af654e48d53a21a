"""Every dashboard table downloads as Excel with exactly the figures the page prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from lingong.monitoring.models import DailySnapshot, Scope

from .test_dashboard import END, URL, history, read_xlsx, snap

pytestmark = pytest.mark.django_db


def sheet(response) -> tuple[list[str], list[list[object]]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_xlsx(response.content)


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("''", 1)[1])


def test_trend_download_has_the_snapshot_values_and_totals(client, personas):
    history(20)
    client.force_login(personas.city_admin)
    response = client.get(URL + "?export=flows")
    above, rows = sheet(response)
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None and ws.title == "全市报名、录用与完工"
    assert ws.cell(ws.max_row, 1).value == "合计" and ws.cell(ws.max_row, 1).font.b
    assert above == ["全市·报名、录用与完工（2025-03-31）", "近 90 天，每日数值"]
    assert rows[0] == ["日期", "报名", "录用", "完工人次"]
    stored = list(DailySnapshot.objects.filter(scope=Scope.CITY).order_by("day"))
    assert len(rows) == 1 + len(stored) + 1
    for row, s in zip(rows[1:-1], stored, strict=True):
        assert row[0] == dt.datetime.combine(s.day, dt.time())
        assert row[1:] == [s.applications, s.bookings, s.completions]
    assert rows[-1] == [
        "合计",
        *(sum(getattr(s, f) for s in stored) for f in ("applications", "bookings", "completions")),
    ]


def test_supply_download_carries_the_ratio(client, personas):
    snap(END, seekers_active=40, open_headcount=50)
    client.force_login(personas.city_admin)
    response = client.get(URL + "?export=supply")
    assert filename(response) == "运行监测-全市-供求趋势-20250331.xlsx"
    _above, rows = sheet(response)
    assert rows == [["日期", "活跃求职者", "在招人数", "求人倍率"], [dt.datetime(2025, 3, 31), 40, 50, 1.25]]


def test_headline_download(client, personas):
    snap(END, seekers_active=200, open_headcount=100, pay_confirmed_yuan=Decimal("1234.56"))
    snap(END - dt.timedelta(days=7), seekers_active=100, open_headcount=100)
    client.force_login(personas.city_admin)
    _above, rows = sheet(client.get(URL + "?export=headline"))
    assert rows[0] == ["指标", "口径", "数值", "单位", "一周前", "较上周(%)", "一个月前", "较上月(%)"]
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["活跃求职者"] == ["活跃求职者", "当日", 200, "人", 100, 100.0, 0, None]
    assert by_label["确认收款金额"][2] == pytest.approx(1234.56)
    assert by_label["求人倍率"][2:6] == [0.5, None, 1.0, -50.0]


def test_towns_download_ends_with_the_city(client, personas, towns):
    east = towns["东区"]
    snap(END, seekers_active=500, open_headcount=400, gigs_open=30, bookings=9)
    snap(END, town=east, seekers_active=40, open_headcount=100, gigs_open=5, bookings=3)
    client.force_login(personas.city_admin)
    _above, rows = sheet(client.get(URL + "?export=towns"))
    assert rows == [
        ["镇街", "活跃求职者", "在招人数", "求人倍率", "在招岗位", "近7天录用"],
        [east.name, 40, 100, 2.5, 5, 3],
        ["全市", 500, 400, 0.8, 30, 9],
    ]


def test_town_view_downloads_are_the_towns(client, personas, towns):
    east = towns["东区"]
    snap(END, seekers_active=500)
    snap(END, town=east, seekers_active=40, hardship_served=3, hardship_placed=1)
    snap(END, station=personas.station_b, services=7, bookings=2, hardship_served=3, events_held=1)
    snap(END, station=personas.station_a, services=70)
    client.force_login(personas.town_admin_b)
    response = client.get(URL + "?export=hardship")
    assert filename(response).startswith(f"运行监测-{east.name}-困难人员服务-")
    _above, rows = sheet(response)
    assert rows[1][1:] == [3, 1] and rows[-1] == ["合计", 3, 1]
    _above, rows = sheet(client.get(URL + "?export=stations"))
    assert rows == [
        ["名次", "站点", "镇街", "台账服务人次", "录用", "服务困难人员", "举办活动"],
        [1, personas.station_b.name, east.name, 7, 2, 3, 1],
    ]


def test_arrears_download_leaves_the_stock_out_of_the_totals(client, personas):
    snap(END - dt.timedelta(days=1), arrears_opened=2, arrears_open=2)
    snap(END, arrears_opened=1, arrears_closed=2, arrears_open=1)
    client.force_login(personas.city_admin)
    _above, rows = sheet(client.get(URL + "?export=arrears"))
    assert rows[0] == ["日期", "新增疑似欠薪", "办结疑似欠薪", "在办疑似欠薪"]
    assert rows[-1] == ["合计", 3, 2, None]


def test_unknown_table_is_not_found(client, personas):
    snap(END)
    client.force_login(personas.city_admin)
    assert client.get(URL + "?export=nothing").status_code == 404
