"""Station directory health for the towns a person oversees (one town with ``?town=<code>``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .access import chosen_town, require_monitoring_user, towns_for
from .health import health_tables


@login_required
def health(request):
    user = require_monitoring_user(request.user)
    towns = towns_for(user)
    town = chosen_town(request.GET.get("town", ""), towns)
    scope = [town] if town else towns
    today = timezone.localdate()
    tables = health_tables(scope, today)
    export = request.GET.get("export")
    area_name = town.name if town else ("全市" if user.is_city_admin else "、".join(t.short for t in towns))
    if export:
        table = next((t for t in tables if t.name == export), None)
        if table is None:
            raise Http404("没有这张表")
        return table.download(area_name, today)
    context = {
        "tables": tables,
        "today": today,
        "town": town,
        "town_query": f"town={town.code}" if town else "",
        "area_name": area_name,
        "choices": [(t.code, t.name) for t in towns] if len(towns) > 1 else [],
    }
    return render(request, "monitoring/health.html", context)
