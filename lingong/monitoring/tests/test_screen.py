"""The big screen (数据大屏): no site chrome, big figures from the snapshot, tables kept for screen
readers, and a body that htmx reloads from the same view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lingong.monitoring.models import DailySnapshot

from .test_dashboard import END, card, history, snap, tables_of

pytestmark = pytest.mark.django_db

URL = "/monitoring/screen/"


def test_screen_is_dark_full_screen_with_big_figures(client, personas, towns):
    snap(END, seekers_active=321, open_headcount=642)
    snap(END, town=towns["东区"], seekers_active=21, open_headcount=42)
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert '<body class="screen">' in text
    assert "主导航" not in text and "site-footer" not in text  # no nav chrome on the wall
    assert 'id="screen-clock"' in text
    assert "数据截至 2025年3月31日" in text
    assert card(response, "seekers_active") == "321"
    assert card(response, "job_seeker_ratio") == "2.00"
    assert 'hx-trigger="every 300s"' in text and 'hx-get="/monitoring/screen/"' in text
    charts = {name for name in ("supply", "towns", "shortage", "stations", "flows", "arrears")}
    assert {c for c in charts if f'data-chart="{c}"' in text} == charts
    tables = tables_of(response)
    assert tables["supply"][1] == ["2025-03-31", "321", "642", "2.00"]
    assert tables["towns"][1][:4] == ["东区街道", "21", "42", "2.00"]
    assert "下载 Excel" not in text
    assert "monitoring-chart-data" in text


def test_htmx_gets_the_body_only(client, personas):
    snap(END, seekers_active=5)
    client.force_login(personas.city_admin)
    response = client.get(URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<main id="screen-body"')
    assert "<html" not in response.text and "monitoring-chart-data" in response.text
    assert card(response, "seekers_active") == "5"


def test_town_screen_keeps_the_town_on_reload(client, personas, towns):
    east = towns["东区"]
    snap(END, seekers_active=500)
    snap(END, town=east, seekers_active=40)
    client.force_login(personas.town_admin_b)
    response = client.get(URL)
    assert card(response, "seekers_active") == "40"
    assert f'hx-get="/monitoring/screen/?town={east.code}"' in response.text
    assert 'data-chart="towns"' not in response.text
    assert f"运行监测 · {east.name}" in response.text


def test_screen_without_snapshots(client, personas):
    client.force_login(personas.city_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "尚无运行快照" in response.text and "snapshot_metrics" in response.text


def test_dashboard_links_to_the_screen(client, personas, towns):
    snap(END)
    client.force_login(personas.city_admin)
    text = client.get(f"/monitoring/?town={towns['东区'].code}").text
    assert f'href="/monitoring/screen/?town={towns["东区"].code}">打开数据大屏' in text


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_screen_queries_do_not_grow_with_the_history(client, personas):
    client.force_login(personas.city_admin)
    history(30)
    short = _count(client)
    DailySnapshot.objects.all().delete()
    history(90, end=END + dt.timedelta(days=1))
    assert _count(client) == short
