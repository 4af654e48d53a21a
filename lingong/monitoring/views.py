"""The monitoring dashboard and its big-screen version, for the city or one town.

Both read the newest daily snapshot. Every table on the dashboard downloads as Excel from the same
view with ``?export=<table name>``; the big screen reloads its body every few minutes through htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .access import Area, area_for, require_monitoring_user, towns_for
from .dashboard import Dashboard
from .definitions import ATTRIBUTION, ATTRIBUTION_LABEL, METRICS, RATIO_DEFINITION, RATIO_LABEL
from .read import latest_day

NO_SNAPSHOT = "尚无运行快照"
# The big screen shows these charts; the dashboard shows every table.
SCREEN_CHARTS = ["supply", "towns", "shortage", "stations", "flows", "arrears"]
SCREEN_REFRESH_SECONDS = 300


def _area(request) -> tuple[Area, list]:
    user = require_monitoring_user(request.user)
    towns = towns_for(user)
    area = area_for(user, request.GET.get("town", ""), towns)
    choices = ([("", "全市")] if user.is_city_admin else []) + [(t.code, t.name) for t in towns]
    return area, choices if len(choices) > 1 else []


@login_required
def dashboard(request):
    """Headline cards, trends, towns, shortage occupations, station league, hardship and arrears."""
    area, choices = _area(request)
    day = latest_day()
    export = request.GET.get("export")
    if day is None:
        if export:
            raise Http404(NO_SNAPSHOT)
        return render(request, "monitoring/empty.html", {"area": area, "choices": choices})
    board = Dashboard(area, day)
    if export:
        table = board.table(export)
        if table is None:
            raise Http404("没有这张表")
        return table.download(area.name, day)
    context = {
        "area": area,
        "choices": choices,
        "day": day,
        "board": board,
        "charts": board.charts(board.table_names),
        "glossary": METRICS,
        "ratio_label": RATIO_LABEL,
        "ratio_definition": RATIO_DEFINITION,
        "attribution_label": ATTRIBUTION_LABEL,
        "attribution": ATTRIBUTION,
    }
    return render(request, "monitoring/dashboard.html", context)


@login_required
def screen(request):
    """数据大屏: dark, full screen, big numbers; htmx asks for the body again every few minutes."""
    area, _choices = _area(request)
    day = latest_day()
    board = Dashboard(area, day) if day else None
    context = {
        "area": area,
        "day": day,
        "board": board,
        "tables": [t for t in map(board.table, SCREEN_CHARTS) if t] if board else [],
        "charts": board.charts(SCREEN_CHARTS) if board else {},
        "refresh": SCREEN_REFRESH_SECONDS,
    }
    template = "monitoring/_screen_body.html" if request.htmx else "monitoring/screen.html"
    return render(request, template, context)
