"""Pages of matching: 为你推荐 for a worker, 推荐人选 on a gig's manage page, the coordinator's one-to-one
console for a worker, and the staff batch dispatch page.

Every page calls lingong.matching.services (who may see what is decided there) and writes only through
booking.invite, services.send_invitations and the station ledger.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lingong.accounts.models import User
from lingong.gigs import booking
from lingong.gigs.models import Gig, Shift
from lingong.gigs.views_manage import numbered_shifts
from lingong.ledger import services as ledger
from lingong.ledger.models import Result
from lingong.places.models import Station, Town
from lingong.workers.models import Worker, WorkerStatus

from . import services

FOR_YOU = 5
CANDIDATES = 10
CONSOLE_GIGS = 10


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _staff_only(user: User) -> None:
    if not user.is_back_office:
        raise PermissionDenied("只有工作人员可以使用这个页面")


def _error_text(exc: Exception) -> str:
    return "；".join(str(m) for m in (getattr(exc, "messages", None) or [str(exc)]))


# --- worker: 为你推荐 -----------------------------------------------------------------------------------


def for_you_context(user: User | Any) -> dict[str, Any]:
    """What matching/_for_you.html shows: the signed-in worker's best gigs (empty for anyone else)."""
    worker = None
    if user is not None and user.is_authenticated:
        worker = Worker.objects.filter(user=user).exclude(status=WorkerStatus.ERASED).first()
    items = services.recommend_gigs(worker, FOR_YOU) if worker is not None else []
    return {"for_you_loaded": True, "for_you_worker": worker is not None, "for_you": items}


@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    """The 为你推荐 block on its own (the home and 我的求职 pages load it)."""
    return render(request, "matching/_for_you.html", for_you_context(request.user))


# --- employer: 推荐人选 on a gig ------------------------------------------------------------------------


def _managed_gig(user: User, code: str) -> Gig:
    return get_object_or_404(Gig.objects.managed_by(user).select_related("employer"), code=code)


def _number_of(gig: Gig, shift: Shift | None) -> int:
    if shift is None:
        return 0
    return next((n for n, s in enumerate(numbered_shifts(gig), start=1) if s.pk == shift.pk), 0)


@login_required
@require_GET
def candidates(request: HttpRequest, code: str) -> HttpResponse:
    """The 推荐人选 section of a gig's manage page: the best workers for its next open shift, masked."""
    user = _user(request)
    gig = _managed_gig(user, code)
    shift = services.default_shift(gig)
    items = services.recommend_workers(gig, shift, CANDIDATES, viewer=user) if shift else []
    for item in items:
        item.tier = None  # the manage page shows only 优先候选, whoever looks at it
    context = {
        "gig": gig,
        "shift": shift,
        "n": _number_of(gig, shift),
        "candidates": items,
        "candidates_loaded": True,
    }
    return render(request, "matching/_candidates.html", context)


def _invite(request: HttpRequest, worker: Worker, gig: Gig, raw_n: str) -> None:
    """booking.invite for shift number raw_n of the gig; the outcome goes to the messages."""
    try:
        n = int(raw_n)
    except ValueError:
        raise Http404("没有这个班次") from None
    shifts = numbered_shifts(gig)
    if not 1 <= n <= len(shifts):
        raise Http404("没有这个班次")
    try:
        with transaction.atomic():
            booking.invite(shifts[n - 1], worker, actor=_user(request), note="推荐邀请")
    except booking.ShiftFull as exc:
        messages.error(request, f"邀请没有发出：{exc}")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"邀请没有发出：{_error_text(exc)}")
    else:
        messages.success(request, f"已邀请 {worker.masked_name}，对方确认后会通知您")
    services.index.invalidate()


@login_required
@require_POST
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """One tap 邀请 from the manage page: the worker found by code is invited to shift `shift`."""
    gig = _managed_gig(_user(request), code)
    worker = Worker.objects.filter(code=request.POST.get("worker", "")).first()
    if worker is None:
        messages.error(request, "没有找到这位求职者")
    else:
        _invite(request, worker, gig, request.POST.get("shift", ""))
    return redirect(f"{reverse('gigs:manage', args=[gig.code])}#recommended")


# --- coordinator: one-to-one console ------------------------------------------------------------------


def _served_worker(user: User, code: str) -> Worker:
    return get_object_or_404(
        Worker.objects.served_by(user).exclude(status=WorkerStatus.ERASED).select_related("station"),
        code=code,
    )


def _ledger_stations(user: User, worker: Worker) -> list[Station]:
    """Stations whose ledger the user keeps, the worker's own station first."""
    stations = list(Station.objects.operable_by(user).order_by("name"))
    stations.sort(key=lambda s: s.pk != worker.station_id)
    return stations


@login_required
@require_http_methods(["GET", "POST"])
def console(request: HttpRequest, code: str) -> HttpResponse:
    """One worker, one coordinator: the worker's best gigs with reasons and whom to call, 邀请 in one
    tap, and the outcome recorded in the station ledger."""
    user = _user(request)
    _staff_only(user)
    worker = _served_worker(user, code)
    stations = _ledger_stations(user, worker)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "invite":
            gig = get_object_or_404(Gig.objects.all(), code=request.POST.get("gig", ""))
            _invite(request, worker, gig, request.POST.get("shift", ""))
            return redirect("matching:console", code=worker.code)
        if action != "record":
            raise Http404("未知操作")
        station = next((s for s in stations if s.code == request.POST.get("station", "")), None)
        result = request.POST.get("result", "")
        if station is None:
            errors.setdefault("station", []).append("请选择您负责记录台账的站点")
        if result not in Result.values:
            errors.setdefault("result", []).append("请选择结果")
        if not errors and station is not None:
            try:
                with transaction.atomic():
                    ledger.record_service(
                        station=station,
                        service="recommendation",
                        actor=user,
                        worker=worker,
                        outcome=request.POST.get("outcome", "").strip(),
                        result=result,
                        source="manual",
                    )
            except (ValidationError, PermissionDenied) as exc:
                errors.setdefault("all", []).append(_error_text(exc))
            else:
                messages.success(request, "已记入服务台账")
                return redirect("matching:console", code=worker.code)
    gigs = services.recommend_gigs(worker, CONSOLE_GIGS)
    phones = dict(
        Gig.objects.filter(code__in=[g.gig for g in gigs]).values_list("code", "employer__contact_phone")
    )
    managed = set(Gig.objects.managed_by(user).filter(code__in=phones).values_list("code", flat=True))
    rows = [{"rec": g, "phone": phones.get(g.gig, ""), "may_invite": g.gig in managed} for g in gigs]
    context = {
        "worker": worker,
        "rows": rows,
        "stations": stations,
        "results": Result.choices,
        "errors": errors,
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "matching/console.html", context, status=400 if errors else 200)


# --- staff: batch dispatch ----------------------------------------------------------------------------


def _areas(user: User) -> tuple[list[Station], list[Town]]:
    stations = [
        s
        for s in Station.objects.select_related("town").order_by("town__name", "name")
        if services.may_dispatch(user, station=s, town=None)
    ]
    towns = [t for t in Town.objects.order_by("name") if services.may_dispatch(user, station=None, town=t)]
    return stations, towns


def _parse_rows(raw: list[str]) -> list[tuple[str, str, int]]:
    rows = []
    for item in raw:
        parts = item.split("|")
        if len(parts) == 3 and parts[2].isdigit():
            rows.append((parts[0], parts[1], int(parts[2])))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: HttpRequest) -> HttpResponse:
    """Choose a station or a town and a date, see the proposal, and send its invitations."""
    user = _user(request)
    _staff_only(user)
    stations, towns = _areas(user)
    data = request.POST if request.method == "POST" else request.GET
    area = data.get("area", "")
    raw_date = data.get("date", "") or (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    context: dict[str, Any] = {
        "stations": stations,
        "towns": towns,
        "area": area,
        "date": raw_date,
        "proposal": None,
        "results": None,
        "error": "",
    }
    if request.method == "POST":
        rows = _parse_rows(request.POST.getlist("row"))
        if not rows:
            context["error"] = "没有要发送的邀请"
        else:
            try:
                context["results"] = services.send_invitations(rows, actor=user)
            except PermissionDenied as exc:
                context["error"] = str(exc)
        return render(request, "matching/dispatch.html", context)
    if area:
        kind, _, code = area.partition(":")
        station = next((s for s in stations if kind == "station" and s.code == code), None)
        town = next((t for t in towns if kind == "town" and t.code == code), None)
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError:
            context["error"] = "日期格式不对"
        else:
            if station is None and town is None:
                context["error"] = "请选择您负责的站点或镇街"
            else:
                try:
                    context["proposal"] = services.dispatch(actor=user, date=date, station=station, town=town)
                except (ValidationError, PermissionDenied) as exc:
                    context["error"] = _error_text(exc)
    return render(request, "matching/dispatch.html", context, status=400 if context["error"] else 200)
