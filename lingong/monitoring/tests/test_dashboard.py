"""The monitoring dashboard: who sees which area, the snapshot figures it prints, and its queries.

Snapshot rows are written straight into DailySnapshot (and once through snapshots.write_day), so every
figure on the page can be checked against the value stored for it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lingong.accounts.models import Role
from lingong.accounts.services import grant_membership
from lingong.monitoring.models import DailySnapshot, Scope

pytestmark = pytest.mark.django_db

END = dt.date(2025, 3, 31)
URL = "/monitoring/"


def snap(day: dt.date, town=None, station=None, **values) -> DailySnapshot:
    """One snapshot row: the city's, a town's (town given) or a station's (station given)."""
    if station is not None:
        scope, key, town = Scope.STATION, station.code, station.town
    elif town is not None:
        scope, key = Scope.TOWN, town.code
    else:
        scope, key = Scope.CITY, "city"
    return DailySnapshot.objects.create(day=day, scope=scope, key=key, town=town, station=station, **values)


def history(days: int, town=None, end: dt.date = END) -> None:
    """`days` days of rows ending on `end`, each day's figures derived from its index."""
    DailySnapshot.objects.bulk_create(
        DailySnapshot(
            day=end - dt.timedelta(days=i),
            scope=Scope.TOWN if town else Scope.CITY,
            key=town.code if town else "city",
            town=town,
            seekers_active=100 + i,
            open_headcount=50 + i,
            applications=i % 5,
            bookings=i % 3,
            services=i % 7,
            arrears_open=i % 4,
        )
        for i in range(days)
    )


class TableParser(HTMLParser):
    """Collects the text of every cell of the tables marked data-table="<name>" (captions left out)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.empty = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("data-table"):
            self.current = a["data-table"]
            self.tables[self.current] = []
        elif self.current and tag == "tr":
            self.row = []
        elif self.current and tag in {"td", "th"} and self.row is not None:
            self.cell = []
            self.empty = self.empty or "empty-row" in (a.get("class") or "")

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag in {"td", "th"} and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.current:
            if not self.empty:  # the "nothing to show" line is no row of figures
                self.tables[self.current].append(self.row)
            self.row, self.empty = None, False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables_of(response) -> dict[str, list[list[str]]]:
    parser = TableParser()
    parser.feed(response.content.decode())
    return parser.tables


def read_xlsx(content: bytes) -> tuple[list[str], list[list[object]]]:
    """The lines above the table (title, note) and the table itself, headers first."""
    ws = load_workbook(BytesIO(content)).active
    assert ws is not None
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    above = []
    while rows and all(v is None for v in rows[0][1:]):  # a merged title or note line
        above.append(str(rows.pop(0)[0]))
    return above, rows


def card(response, field: str) -> str:
    match = re.search(rf'data-field="{field}">([^<]*)<', response.content.decode())
    assert match, f"no card for {field}"
    return match.group(1)


def test_without_snapshots_staff_are_told_how_to_make_them(client, personas):
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "尚无运行快照" in response.text and "manage.py snapshot_metrics" in response.text
    assert client.get(URL + "?export=supply").status_code == 404


def test_headline_cards_compare_with_a_week_and_a_month_before(client, personas):
    stock: dict[int, dict[str, Any]] = {
        0: {
            "seekers_active": 200,
            "open_headcount": 300,
            "arrears_open": 4,
            "pay_confirmed_yuan": Decimal("800.50"),
        },
        7: {"seekers_active": 160, "open_headcount": 120, "arrears_open": 2},
    }
    for i in range(14):  # bookings: 2 a day this week, 1 a day the week before; nothing a month before
        snap(END - dt.timedelta(days=i), bookings=2 if i < 7 else 1, **stock.get(i, {}))
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "数据截至 2025年3月31日" in response.text
    assert card(response, "seekers_active") == "200"
    assert card(response, "open_headcount") == "300"
    assert card(response, "bookings") == "14"
    assert card(response, "pay_confirmed_yuan") == "800.50"
    assert card(response, "job_seeker_ratio") == "1.50"
    rows = {r[0]: r for r in tables_of(response)["headline"][1:]}
    # 指标, 口径, 数值, 单位, 一周前, 较上周(%), 一个月前, 较上月(%)
    assert rows["活跃求职者"] == ["活跃求职者", "当日", "200", "人", "160", "25.00", "0", "—"]
    assert rows["录用"][2:6] == ["14", "人次", "7", "100.00"]
    assert rows["在办疑似欠薪"][5] == "100.00"
    assert rows["求人倍率"][2:6] == ["1.50", "", "0.75", "100.00"]
    text = response.text
    assert "较上周 ▲ 25.0%" in text and "较上月 —" in text
    # More arrears is bad news, more bookings good news.
    assert re.search(r'class="change up bad">较上周 ▲ 100.0%', text)
    assert re.search(r'class="change up good">较上周 ▲ 100.0%', text)


def test_trend_tables_print_the_snapshot_values(client, personas):
    history(30)
    client.force_login(personas.city_admin)
    response = client.get(URL)
    tables = tables_of(response)
    supply = tables["supply"]
    assert supply[0] == ["日期", "活跃求职者", "在招人数", "求人倍率"]
    stored = DailySnapshot.objects.filter(scope=Scope.CITY).order_by("day")
    assert len(supply) == 1 + stored.count()
    for row, s in zip(supply[1:], stored, strict=True):
        assert row == [
            s.day.isoformat(),
            str(s.seekers_active),
            str(s.open_headcount),
            f"{s.job_seeker_ratio:.2f}",
        ]
    flows = tables["flows"]
    assert flows[-1] == [
        "合计",
        str(sum(s.applications for s in stored)),
        str(sum(s.bookings for s in stored)),
        str(sum(s.completions for s in stored)),
    ]
    assert tables["arrears"][-1][3] == "—"
    assert tables["services"][-1] == ["合计", str(sum(s.services for s in stored))]


def test_trends_cover_ninety_days(client, personas):
    history(120)
    client.force_login(personas.city_admin)
    supply = tables_of(client.get(URL))["supply"]
    assert len(supply) == 1 + 90
    assert supply[1][0] == (END - dt.timedelta(days=89)).isoformat()


def test_city_view_compares_towns_and_town_view_is_the_towns_own(client, personas, towns):
    east, xiaolan = towns["东区"], towns["小榄"]
    snap(END, seekers_active=500, open_headcount=400, gigs_open=30, bookings=9)
    snap(END, town=east, seekers_active=40, open_headcount=100, gigs_open=5, bookings=3)
    snap(END, town=xiaolan, seekers_active=80, open_headcount=20, gigs_open=2)
    snap(END, station=personas.station_b, services=12, bookings=3)
    snap(END, station=personas.station_a, services=30)
    client.force_login(personas.city_admin)
    response = client.get(URL)
    towns_table = tables_of(response)["towns"]
    by_name = {r[0]: r for r in towns_table[1:]}
    assert by_name[east.name] == [east.name, "40", "100", "2.50", "5", "3"]
    assert by_name[xiaolan.name] == [xiaolan.name, "80", "20", "0.25", "2", "0"]
    assert towns_table[-1] == ["全市", "500", "400", "0.80", "30", "9"]
    assert 'id="town-map"' in response.text and "monitoring-map-data" in response.text
    league = tables_of(response)["stations"]
    assert [r[1] for r in league[1:]] == [personas.station_a.name, personas.station_b.name]
    assert league[1][3] == "30"

    response = client.get(URL + f"?town={east.code}")
    assert response.status_code == 200
    assert "运行监测 · 东区街道" in response.text or f"运行监测 · {east.name}" in response.text
    assert card(response, "seekers_active") == "40"
    assert card(response, "job_seeker_ratio") == "2.50"
    tables = tables_of(response)
    assert "towns" not in tables and 'id="town-map"' not in response.text
    assert [r[1] for r in tables["stations"][1:]] == [personas.station_b.name]
    assert f'<option value="{east.code}" selected>' in response.text


def test_town_admin_sees_their_town_and_is_refused_another(client, personas, towns):
    east, xiaolan = towns["东区"], towns["小榄"]
    snap(END, seekers_active=500)
    snap(END, town=east, seekers_active=40)
    snap(END, town=xiaolan, seekers_active=80)
    client.force_login(personas.town_admin_b)
    response = client.get(URL)
    assert response.status_code == 200
    assert card(response, "seekers_active") == "40"
    assert 'name="town"' not in response.text  # one town: nothing to choose
    refused = client.get(URL + f"?town={xiaolan.code}")
    assert refused.status_code == 403
    assert "只能查看本镇街的运行监测数据" in refused.text
    assert client.get(URL + "?town=999999999").status_code == 404


def test_town_admin_of_two_towns_chooses_between_them(client, personas, towns):
    east, xiaolan = towns["东区"], towns["小榄"]
    grant_membership(
        actor=personas.city_admin, user=personas.town_admin_b, role=Role.TOWN_ADMIN, town=xiaolan
    )
    snap(END, seekers_active=500)
    snap(END, town=east, seekers_active=40)
    snap(END, town=xiaolan, seekers_active=80)
    client.force_login(personas.town_admin_b)
    response = client.get(URL)
    options = re.findall(r'<option value="([^"]*)"', response.text)
    assert sorted(options) == sorted([east.code, xiaolan.code])  # no 全市
    assert card(client.get(URL + f"?town={xiaolan.code}"), "seekers_active") == "80"


def test_shortage_section_lists_the_weekly_table(client, personas, towns):
    from lingong.catalog.models import Occupation
    from lingong.monitoring.models import ShortageWeek

    snap(END, seekers_active=10)
    occupation = Occupation.objects.filter(code__regex=r"^\d-\d\d-\d\d-\d\d$").order_by("code").first()
    assert occupation is not None
    monday = dt.date(2025, 3, 24)
    for weeks_back, demand in [(1, 8), (0, 20)]:
        ShortageWeek.objects.create(
            week=monday - dt.timedelta(weeks=weeks_back),
            area="city",
            occupation=occupation,
            demand=demand,
            supply=2,
        )
    client.force_login(personas.city_admin)
    response = client.get(URL)
    shortage = tables_of(response)["shortage"]
    assert shortage[1][:7] == [occupation.code, occupation.name, "20", "2", "10.00", "18", "紧缺"]
    assert "<polyline" in response.text


def test_empty_shortage_section_says_so(client, personas):
    snap(END, seekers_active=10)
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert "上一周没有明显紧缺或富余的职业" in response.text


def test_glossary_prints_every_definition(client, personas):
    from lingong.monitoring.definitions import METRICS, RATIO_DEFINITION

    snap(END)
    client.force_login(personas.city_admin)
    text = client.get(URL).text
    assert all(m.definition in text for m in METRICS)
    assert RATIO_DEFINITION in text


def test_figures_written_by_write_day_reach_the_page(client, personas):
    from lingong.ledger.models import LedgerEntry, ServiceType
    from lingong.monitoring.snapshots import write_day

    day = dt.date.today() - dt.timedelta(days=1)
    for n in (3, 2):
        LedgerEntry.objects.create(
            code=f"LE-T{n}",
            station=personas.station_b,
            day=day,
            at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
            service=ServiceType.values[0],
            walk_in_count=n,
        )
    write_day(day)
    city = DailySnapshot.objects.get(day=day, scope=Scope.CITY)
    assert city.services == 5
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert card(response, "services") == "5"
    assert tables_of(response)["services"][1] == [day.isoformat(), "5"]
    league = tables_of(response)["stations"]
    assert league[1][1:4] == [personas.station_b.name, personas.station_b.town.name, "5"]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("town", [False, True])
def test_queries_do_not_grow_with_the_history(client, personas, towns, town):
    east = towns["东区"]
    client.force_login(personas.city_admin)
    url = URL + (f"?town={east.code}" if town else "")
    history(30)
    history(30, town=east)
    short = _count(client, url)
    DailySnapshot.objects.all().delete()
    history(90)
    history(90, town=east)
    assert _count(client, url) == short
    assert short <= 20
