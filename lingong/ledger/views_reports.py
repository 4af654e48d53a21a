"""Daily and monthly ledgers per station, town and city roll-ups, and their Excel files."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from lingong.places.models import Town

from . import export
from .access import admin_towns, ledger_stations, pick_station, require_staff
from .models import LedgerEntry
from .reports import (
    PeriodError,
    by_service,
    city_month,
    parse_day,
    parse_month,
    shift_month,
    station_month,
    town_month,
)
from .views import choose_station, day_context


def _bad_period(request, exc: PeriodError):
    return render(request, "ledger/bad_request.html", {"message": str(exc)}, status=400)


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _month_entries(station, first: dt.date) -> list[LedgerEntry]:
    last = shift_month(first, 1) - dt.timedelta(days=1)
    return list(
        LedgerEntry.objects.valid()
        .filter(station=station, day__range=(first, last))
        .select_related("worker", "partner", "coordinator")
        .order_by("day", "at", "id")
    )


@login_required
def day(request):
    """One station's ledger for one day: every line, totals by service, Excel for filing."""
    user = request.user
    require_staff(user)
    station = pick_station(request, request.GET.get("station"))
    if station is None:
        return choose_station(request, "ledger:day")
    today = timezone.localdate()
    try:
        when = parse_day(request.GET.get("date"), today)
    except PeriodError as exc:
        return _bad_period(request, exc)
    ctx = day_context(user, station, when)
    if _wants_xlsx(request):
        valid = [e for e in sorted(ctx["entries"], key=lambda e: (e.at, e.id)) if not e.is_voided]
        content = export.day_workbook(station, when, valid, ctx["totals"])
        return export.response(f"服务台账_{station.name}_{when.isoformat()}.xlsx", content)
    return render(
        request,
        "ledger/day.html",
        {
            "station": station,
            "prev": when - dt.timedelta(days=1),
            "next": when + dt.timedelta(days=1) if when < today else None,
            "is_today": when == today,
            "stations": ledger_stations(user),
            "keep": [("date", when.isoformat())],
            **ctx,
        },
    )


@login_required
def month(request):
    """One station's month: services × days, totals, a bar chart by service."""
    user = request.user
    require_staff(user)
    station = pick_station(request, request.GET.get("station"))
    if station is None:
        return choose_station(request, "ledger:month")
    try:
        first = parse_month(request.GET.get("month"), timezone.localdate())
    except PeriodError as exc:
        return _bad_period(request, exc)
    grid = station_month(station, first)
    if _wants_xlsx(request):
        content = export.month_workbook(station, grid, _month_entries(station, first))
        return export.response(f"服务台账_{station.name}_{first:%Y-%m}.xlsx", content)
    last = shift_month(first, 1) - dt.timedelta(days=1)
    totals = by_service(LedgerEntry.objects.filter(station=station, day__range=(first, last)))
    return render(
        request,
        "ledger/month.html",
        {
            "station": station,
            "first": first,
            "grid": grid,
            "totals": totals,
            "prev": shift_month(first, -1),
            "next": _next_month(first),
            "stations": ledger_stations(user),
            "keep": [("month", f"{first:%Y-%m}")],
        },
    )


def _next_month(first: dt.date) -> dt.date | None:
    """Link to the next month only once it has begun."""
    following = shift_month(first, 1)
    return following if following <= timezone.localdate() else None


def _month_param(request):
    return parse_month(request.GET.get("month"), timezone.localdate())


@login_required
def town(request):
    """A town's stations × services for a month (town admins: their towns; city admins: any town)."""
    user = request.user
    require_staff(user)
    towns = admin_towns(user)
    if not towns.exists():
        raise PermissionDenied("只有镇街和市级管理员可以查看镇街汇总")
    code = request.GET.get("town")
    chosen = towns.filter(code=code).first() if code else towns.order_by("plan_seq").first()
    if chosen is None:
        if not Town.objects.filter(code=code).exists():
            raise Http404("未找到该镇街")
        raise PermissionDenied("只能查看本镇街的台账汇总")
    try:
        first = _month_param(request)
    except PeriodError as exc:
        return _bad_period(request, exc)
    grid = town_month(chosen, first)
    if _wants_xlsx(request):
        content = export.rollup_workbook(grid, "站点")
        return export.response(f"服务台账汇总_{chosen.name}_{first:%Y-%m}.xlsx", content)
    return render(
        request,
        "ledger/rollup.html",
        {
            "grid": grid,
            "first": first,
            "town": chosen,
            "towns": towns.order_by("plan_seq") if user.is_city_admin or towns.count() > 1 else None,
            "row_header": "站点",
            "section": "town",
            "prev": shift_month(first, -1),
            "next": _next_month(first),
        },
    )


@login_required
def city(request):
    """All towns × services for a month (city admins)."""
    user = request.user
    require_staff(user)
    if not user.is_city_admin:
        raise PermissionDenied("只有市级管理员可以查看全市汇总")
    try:
        first = _month_param(request)
    except PeriodError as exc:
        return _bad_period(request, exc)
    grid = city_month(first)
    if _wants_xlsx(request):
        return export.response(
            f"服务台账汇总_中山市_{first:%Y-%m}.xlsx", export.rollup_workbook(grid, "镇街")
        )
    return render(
        request,
        "ledger/rollup.html",
        {
            "grid": grid,
            "first": first,
            "row_header": "镇街",
            "section": "city",
            "prev": shift_month(first, -1),
            "next": _next_month(first),
        },
    )
