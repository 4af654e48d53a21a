"""Public station finder, detail, directory and compliance list; back-office station editing and coverage."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lingong.lib.excel import xlsx_response
from lingong.lib.geo import MODE_LABELS, parse_point

from . import services
from .access import get_station_for_user
from .coverage import town_coverage
from .forms import HOURS_HELP, StationForm, StationOperationsForm
from .hours import intervals_on, is_open_at, weekly_summary
from .models import Service, Station, StationKind, Town
from .queries import FilterError, StationFilter, find_stations


def _station_qs(user):
    return (
        Station.objects.visible_to(user)
        .select_related("town")
        .prefetch_related("opening_hours", "hours_exceptions")
    )


def finder(request):
    """List + map of stations; filters by town, kind, service, open now; nearest first from a point."""
    g = request.GET
    error = ""
    near = None
    town_for_point = None
    try:
        if g.get("near"):
            near = parse_point(g["near"])
        elif g.get("near_town"):
            # "Near a town": measure from the town's centre.
            town_for_point = Town.objects.filter(code=g["near_town"]).first()
            if town_for_point is None:
                raise FilterError("请选择有效的镇街")
            near = (town_for_point.lat, town_for_point.lng)
        within = float(g["within"]) if g.get("within") else None
        if within is not None and not 0 < within <= 180:
            raise FilterError("分钟数应在 1 到 180 之间")
        f = StationFilter(
            town=g.get("town", ""),
            kind=g.get("kind", ""),
            service=g.get("service", ""),
            open_now=g.get("open_now") == "1",
            near=near,
            within_minutes=within,
            mode=g.get("mode") or "walk",
        )
        reaches, mode, _ = find_stations(request.user, f)
    except (FilterError, ValueError) as exc:
        error = str(exc) if not str(exc).startswith("could not convert") else "分钟数必须是数字"
        reaches, mode = [], None
    now = timezone.localtime()
    rows = [{"reach": r, "open": is_open_at(r.station, now)} for r in reaches]
    markers = [
        {
            "code": r.station.code,
            "name": r.station.name,
            "lat": r.station.lat,
            "lng": r.station.lng,
            "kind": r.station.kind,
            "url": f"/stations/{r.station.code}/",
        }
        for r in reaches
    ]
    context = {
        "rows": rows,
        "markers": markers,
        "point": {"lat": near[0], "lng": near[1]} if near else None,
        "error": error,
        "has_point": near is not None,
        "mode": mode,
        "towns": Town.objects.all(),
        "kinds": StationKind.choices,
        "services": Service.choices,
        "modes": MODE_LABELS.items(),
        "q": g,
    }
    template = "places/_finder_results.html" if request.htmx else "places/finder.html"
    return render(request, template, context, status=400 if error and not request.htmx else 200)


def detail(request, code: str):
    station = get_object_or_404(_station_qs(request.user), code=code)
    today = timezone.localdate()
    coordinators = [
        m.user.display_name or m.user.username
        for m in station.membership_set.filter(active=True, role="coordinator").select_related("user")
    ]
    can_operate = Station.objects.operable_by(request.user).filter(pk=station.pk).exists()
    context = {
        "station": station,
        "hours": weekly_summary(station),
        "today_hours": intervals_on(station, today),
        "open_now": is_open_at(station),
        "upcoming_exceptions": [e for e in station.hours_exceptions.all() if e.date >= today][:5],
        "coordinators": coordinators,
        "can_operate": can_operate,
        "qr_svg": segno.make(request.build_absolute_uri(), error="m").svg_inline(scale=4, title=station.name),
        "marker": {"lat": station.lat, "lng": station.lng, "name": station.name},
    }
    return render(request, "places/detail.html", context)


def qr_code(request, code: str):
    """A printable QR code linking to the station's page, for posters and the 零工橱窗."""
    station = get_object_or_404(Station.objects.visible_to(request.user), code=code)
    url = request.build_absolute_uri(f"/stations/{station.code}/")
    return HttpResponse(segno.make(url, error="m").svg_inline(scale=8), content_type="image/svg+xml")


DIRECTORY_HEADERS = [
    "名称",
    "类型",
    "镇街",
    "地址",
    "联系人",
    "联系电话",
    "开放时间",
    "服务项目",
    "主要服务工种",
    "依托场所",
    "运营模式",
    "示范点",
    "状态",
    "状态起始",
    "验收日期",
    "是否规范运行",
    "待完善",
]


def _directory_rows(stations, today):
    for s in stations:
        problems = s.compliance_problems(today)
        hours = "；".join(f"{d} {h}" for d, h in weekly_summary(s) if h != "休息")
        yield [
            s.name,
            s.get_kind_display(),
            s.town.name,
            s.address,
            s.contact_name,
            s.phone,
            hours,
            s.service_labels,
            s.occupations,
            s.host_venue_name or s.get_host_venue_display(),
            s.get_operating_mode_display(),
            "是" if s.is_demo_site else "",
            s.get_status_display(),
            s.status_since,
            s.accepted_on,
            "是" if not problems else "否",
            problems,
        ]


def directory(request, compliant_only: bool = False):
    """动态管理名录 (every station that is not revoked) and 规范运行清单 (the compliant ones), P-18."""
    today = timezone.localdate()
    stations = Station.objects.public().select_related("town").prefetch_related("opening_hours")
    town = request.GET.get("town", "")
    if town:
        stations = stations.filter(town__code=town)
    rows = [(s, s.compliance_problems(today)) for s in stations]
    if compliant_only:
        rows = [(s, p) for s, p in rows if not p]
    title = "规范运行清单" if compliant_only else "动态管理名录"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"中山市零工市场及就业驿站{title}-{today:%Y%m%d}.xlsx",
            title,
            DIRECTORY_HEADERS,
            _directory_rows([s for s, _ in rows], today),
        )
    context = {
        "rows": rows,
        "title": title,
        "compliant_only": compliant_only,
        "towns": Town.objects.all(),
        "town": town,
        "today": today,
    }
    return render(request, "places/directory.html", context)


@login_required
def manage(request):
    """The stations this person looks after, with what each still lacks."""
    user = request.user
    stations = Station.objects.operable_by(user).select_related("town").prefetch_related("opening_hours")
    if not user.is_back_office:
        raise PermissionDenied("没有站点管理权限")
    today = timezone.localdate()
    editable = set(Station.objects.editable_by(user).values_list("id", flat=True))
    rows = [(s, s.compliance_problems(today), s.id in editable) for s in stations]
    can_create = user.is_city_admin or bool(user.admin_town_ids)
    return render(request, "places/manage.html", {"rows": rows, "can_create": can_create})


def _admin_towns(user):
    return Town.objects.all() if user.is_city_admin else Town.objects.filter(id__in=user.admin_town_ids)


def _apply_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


@login_required
def station_new(request):
    user = request.user
    if not (user.is_city_admin or user.admin_town_ids):
        raise PermissionDenied("只有镇街或市级管理员可以新建站点")
    form = StationForm(request.POST or None, towns=_admin_towns(user), allow_demo_flag=user.is_city_admin)
    if request.method == "POST" and form.is_valid():
        try:
            station = services.create_station(
                actor=user,
                data=form.service_data(),
                hours=form.cleaned_data["hours"],
                exceptions=form.cleaned_data["exception_rows"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已新建：{station.name}")
            return redirect("places:detail", code=station.code)
    return render(
        request,
        "places/station_form.html",
        {"form": form, "station": None, "full": True, "hours_help": HOURS_HELP},
    )


@login_required
def station_edit(request, code: str):
    """Admins get the full form; a station's own coordinators get hours, contacts and services."""
    station, can_edit_all = get_station_for_user(request, code)
    user = request.user
    if can_edit_all:
        form: StationOperationsForm = StationForm(
            request.POST or None,
            station=station,
            towns=_admin_towns(user),
            allow_demo_flag=user.is_city_admin,
        )
    else:
        form = StationOperationsForm(request.POST or None, station=station)
    if request.method == "POST" and form.is_valid():
        write = services.update_station if can_edit_all else services.update_station_operations
        try:
            write(
                station,
                actor=user,
                data=form.service_data(),
                hours=form.cleaned_data["hours"],
                exceptions=form.cleaned_data["exception_rows"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("places:detail", code=station.code)
    return render(
        request,
        "places/station_form.html",
        {"form": form, "station": station, "full": can_edit_all, "hours_help": HOURS_HELP},
    )


@login_required
def coverage(request):
    """P-13: every town needs at least one operating 零工市场 and one 就业驿站."""
    user = request.user
    if not (user.is_city_admin or user.admin_town_ids):
        raise PermissionDenied("只有镇街或市级管理员可以查看覆盖情况")
    rows = town_coverage()
    short = [r for r in rows if r.missing]
    return render(
        request, "places/coverage.html", {"rows": rows, "short": short, "my_towns": user.admin_town_ids}
    )
