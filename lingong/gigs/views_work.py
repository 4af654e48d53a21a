"""Worker side of a gig: apply or claim from the gig page, 我的零工 (offers, bookings, pay to confirm,
ratings, history), the check-in page the employer's QR code opens, and the published rules.

A worker reaches only their own applications (`application_for_user`); every write goes through the
booking, attendance, pay and ratings services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.apps import apps as django_apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lingong.workers.models import Worker, WorkerStatus

from . import attendance, booking, pay, ratings, reliability
from .forms import RatingForm
from .models import (
    LIVE,
    Application,
    AppStatus,
    CheckMethod,
    Gig,
    PayRecord,
    PayStatus,
    Rating,
    RatingSide,
    Reliability,
    Settlement,
    Shift,
    ShiftStatus,
)
from .views_manage import HtmxRequest, actor, field_errors, htmx_target, numbered_shifts, shift_number

HISTORY_LIMIT = 30


# --- access -------------------------------------------------------------------------------------------


def own_worker(request: HtmxRequest) -> Worker | None:
    if not request.user.is_authenticated:
        return None
    return Worker.objects.filter(user=request.user).exclude(status=WorkerStatus.ERASED).first()


def application_for_user(request: HtmxRequest, code: str) -> tuple[Application, str]:
    """(application, role): "worker" for the worker's own, "manager" for the gig's employer and staff in
    scope. 404 for anyone else, so codes cannot be probed."""
    app = (
        Application.objects.select_related("gig", "gig__employer", "shift", "worker", "worker__user")
        .filter(code=code)
        .first()
    )
    if app is None or not request.user.is_authenticated:
        raise Http404("没有这条报名记录")
    if app.worker.user_id == request.user.pk:
        return app, "worker"
    if Gig.objects.managed_by(actor(request)).filter(pk=app.gig_id).exists():
        return app, "manager"
    raise Http404("没有这条报名记录")


def public_url(gig: Gig) -> str:
    """The public page of a gig (from the browse pages), or 我的零工 while those are not installed."""
    try:
        return reverse("gigs:detail", args=[gig.code])
    except NoReverseMatch:
        return reverse("gigs:me")


# --- apply / claim on the gig page --------------------------------------------------------------------


def actions_context(request: HtmxRequest, gig: Gig, notice: str = "", error: str = "") -> dict[str, Any]:
    """Context for gigs/_actions.html: per shift, 报名 or 抢单, what stands in the way, and the worker's
    own application with what to do next. The gig page's view adds this to its context."""
    here = public_url(gig)
    context: dict[str, Any] = {
        "gig": gig,
        "gig_actions": True,
        "notice": notice,
        "error": error,
        "login_url": f"{reverse('accounts:login')}?next={quote(here)}",
        "register_url": reverse("workers:register"),
        "rows": [],
    }
    worker = own_worker(request)
    context["anonymous"] = not request.user.is_authenticated
    context["not_worker"] = request.user.is_authenticated and worker is None
    if worker is None:
        return context
    worker = Worker.objects.prefetch_related("certificates", "hardships").get(pk=worker.pk)
    prefetch_related_objects([gig], "certificates")
    latest: dict[int, Application] = {}
    for app in Application.objects.filter(worker=worker, gig=gig).order_by("-created_at", "-id"):
        latest.setdefault(app.shift_id, app)
    now = timezone.now()
    rows = []
    for n, shift in enumerate(numbered_shifts(gig), start=1):
        shift.gig = gig  # the same object: its prefetched certificates serve every shift
        app = latest.get(shift.pk)
        active = app is not None and app.status in (*LIVE, AppStatus.COMPLETED)
        started = shift.starts_at <= now or shift.status != ShiftStatus.OPEN
        problems = [] if active or started else booking.eligibility_problems(worker, shift, now=now)
        rows.append(
            {
                "n": n,
                "shift": shift,
                "app": app if active else None,
                "past": app if app is not None and not active else None,
                "started": started,
                "full": shift.places_left <= 0,
                "problems": problems,
            }
        )
    context["rows"] = rows
    context["worker"] = worker
    return context


@require_http_methods(["GET", "POST"])
def actions(request: HtmxRequest, code: str) -> HttpResponse:
    """The apply/claim box of a gig page (GET: the partial) and its buttons (POST)."""
    gig = get_object_or_404(
        Gig.objects.visible_to(actor(request) if request.user.is_authenticated else None).select_related(
            "employer"
        ),
        code=code,
    )
    if request.method == "GET":
        template = "gigs/_actions.html" if request.htmx else "gigs/actions_page.html"
        return render(request, template, actions_context(request, gig))
    if not request.user.is_authenticated:
        return redirect_to_login(public_url(gig))
    user = actor(request)
    notice, error, status = "", "", 200
    action = request.POST.get("action", "")
    try:
        if action in ("apply", "claim"):
            shift = _shift_of(gig, request.POST.get("shift", ""))
            if action == "claim":
                booking.claim(shift, actor=user)
                notice = f"抢单成功！已录用：{shift}。请按时到岗，到场后扫码签到。"
            else:
                booking.apply(shift, actor=user, note=request.POST.get("note", ""))
                notice = f"已报名 {shift}，用工方确认后会短信通知您。"
        elif action in ("accept", "decline", "withdraw"):
            app, role = application_for_user(request, request.POST.get("app", ""))
            if role != "worker" or app.gig_id != gig.pk:
                raise Http404("没有这条报名记录")
            getattr(booking, action)(app, actor=user)
            notice = {"accept": "已确认录用，请按时到岗", "decline": "已婉拒", "withdraw": "已撤回报名"}[
                action
            ]
        else:
            raise Http404("未知操作")
    except booking.ShiftFull as exc:
        error, status = f"很抱歉，{exc}，看看其他班次或岗位吧。", 409
    except PermissionDenied as exc:
        error, status = str(exc), 403
    except ValidationError as exc:
        error, status = "；".join(exc.messages), 400
    if request.htmx:
        return render(
            request, "gigs/_actions.html", actions_context(request, gig, notice, error), status=status
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(public_url(gig))


def _shift_of(gig: Gig, raw: str) -> Shift:
    try:
        n = int(raw)
    except ValueError:
        raise Http404("没有这个班次") from None
    return shift_number(gig, n)


# --- 我的零工 -----------------------------------------------------------------------------------------


def pay_record(app: Application) -> PayRecord | None:
    """The pay record of an application loaded with select_related("pay"), or None."""
    try:
        return app.pay
    except PayRecord.DoesNotExist:
        return None


def _shift_numbers(gig_ids: set[int]) -> dict[int, int]:
    """{shift id: its number within its gig}, for the check-in links, in one query."""
    numbers: dict[int, int] = {}
    last_gig, n = None, 0
    rows = Shift.objects.filter(gig_id__in=gig_ids).order_by("gig_id", "starts_at", "id")
    for gig_id, shift_id in rows.values_list("gig_id", "id"):
        n = n + 1 if gig_id == last_gig else 1
        last_gig = gig_id
        numbers[shift_id] = n
    return numbers


def _groups(worker: Worker, now: dt.datetime, errors: dict) -> dict[str, list[dict[str, Any]]]:
    """The worker's applications sorted into what they need to do; each item is a dict for the template.

    Everything that still needs someone's action is loaded; finished ones (ended, or completed with the
    pay confirmed and the employer rated) only as a short, recent history."""
    rated = Rating.objects.filter(application=OuterRef("pk"), side=RatingSide.WORKER)
    open_work = Q(status__in=LIVE) | Q(
        Q(status=AppStatus.COMPLETED)
        & (Q(pay__isnull=True) | ~Q(pay__status=PayStatus.CONFIRMED) | ~Exists(rated))
    )
    base = (
        Application.objects.filter(worker=worker)
        .select_related("gig", "gig__employer", "shift", "pay")
        .annotate(rated=Exists(rated))
    )
    current = list(base.filter(open_work).order_by("shift__starts_at", "id"))
    booked_gigs = {a.gig_id for a in current if a.status == AppStatus.BOOKED}
    numbers = _shift_numbers(booked_gigs) if booked_gigs else {}
    groups: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("respond", "applied", "booked", "pay", "rate", "history")
    }
    for app in current:
        free_until = app.shift.starts_at - dt.timedelta(hours=booking.CANCEL_FREE_HOURS)
        item: dict[str, Any] = {
            "app": app,
            "errors": errors.get(app.code, {}),
            "record": pay_record(app),
            "free_until": free_until,
            "late_cancel": now >= free_until,
            "n": numbers.get(app.shift_id),
            "checkin_open": app.shift.starts_at - attendance.EARLY_CHECKIN <= now <= app.shift.ends_at,
        }
        if app.status in (AppStatus.INVITED, AppStatus.OFFERED):
            groups["respond"].append(item)
        elif app.status == AppStatus.APPLIED:
            groups["applied"].append(item)
        elif app.status == AppStatus.BOOKED:
            groups["booked"].append(item)
        else:
            record = item["record"]
            if record is None or record.status != PayStatus.CONFIRMED:
                groups["pay"].append(item)
            if not app.rated:  # type: ignore[attr-defined]
                groups["rate"].append(item)
    history = base.exclude(open_work).order_by("-shift__starts_at", "-id")[:HISTORY_LIMIT]
    groups["history"] = [{"app": a, "record": pay_record(a)} for a in history]
    return groups


def _me_action(request: HtmxRequest, app: Application, action: str) -> str:
    user = actor(request)
    reason = request.POST.get("reason", "")
    if action in ("accept", "decline", "withdraw"):
        getattr(booking, action)(app, actor=user)
        return {"accept": "已确认录用，请按时到岗", "decline": "已婉拒", "withdraw": "已撤回报名"}[action]
    if action == "cancel":
        booking.cancel_by_worker(app, actor=user, reason=reason)
        return "已取消这个班次"
    if action == "confirm_pay":
        pay.confirm_pay(app, actor=user)
        return "已确认收到工资，谢谢"
    if action == "dispute_pay":
        pay.dispute_pay(app, actor=user, reason=reason)
        return "已把您的异议告诉用工方；超过约定时间仍未解决，可以投诉"
    if action == "rate":
        form = RatingForm(request.POST)
        form.is_valid()
        ratings.rate(
            app,
            actor=user,
            stars=form.cleaned_data.get("stars"),
            comment=form.cleaned_data.get("comment", ""),
        )
        return "已评价，谢谢"
    raise Http404("未知操作")


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HtmxRequest) -> HttpResponse:
    """我的零工: what needs the worker's answer first, then bookings, pay to confirm, ratings, history."""
    worker = own_worker(request)
    if worker is None:
        messages.info(request, "请先完成求职登记，再报名零工")
        return redirect("workers:register")
    errors: dict[str, dict[str, list[str]]] = {}
    status, notice = 200, ""
    if request.method == "POST":
        app, role = application_for_user(request, request.POST.get("app", ""))
        if role != "worker":
            raise Http404("没有这条报名记录")
        try:
            done = _me_action(request, app, request.POST.get("action", ""))
        except booking.ShiftFull as exc:
            errors[app.code] = {"all": [f"很抱歉，{exc}"]}
            status = 409
        except ValidationError as exc:
            errors[app.code] = field_errors(exc)
            status = 400
        else:
            if not request.htmx:
                messages.success(request, done)
                return redirect("gigs:me")
            notice = done
    now = timezone.now()
    record = Reliability.objects.filter(worker=worker).first()
    context = {
        "worker": worker,
        "groups": _groups(worker, now, errors),
        "notice": notice,
        "reliability": reliability.describe(record),
        "explanation": reliability.EXPLANATION,
        "cancel_free_hours": booking.CANCEL_FREE_HOURS,
        "star_choices": RatingForm.base_fields["stars"].widget.choices,  # type: ignore[attr-defined]
    }
    if request.htmx and htmx_target(request) == "my-gigs":
        return render(request, "gigs/_me_groups.html", context, status=status)
    return render(request, "gigs/me.html", context, status=status)


# --- check-in -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def checkin(request: HtmxRequest, code: str, n: int) -> HttpResponse:
    """The page the employer's QR code opens: one big 签到 (or 签退) button for the booked worker."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    token = (request.POST.get("t") or request.GET.get("t") or "").strip()[:32]
    gig = Gig.objects.filter(code=code).first()
    shift = None
    if gig is not None:
        shifts = numbered_shifts(gig)
        shift = shifts[n - 1] if 1 <= n <= len(shifts) else None
    app = (
        Application.objects.filter(
            shift=shift, worker__user=request.user, status__in=(AppStatus.BOOKED, AppStatus.COMPLETED)
        )
        .select_related("gig", "shift", "worker")
        .first()
        if shift is not None
        else None
    )
    if app is None:
        return render(request, "gigs/checkin.html", {"app": None}, status=404)
    error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        method = request.POST.get("method", "")
        if method not in (CheckMethod.QR, CheckMethod.LOCATION):
            raise Http404("签到方式不正确")
        lat, lng = request.POST.get("lat") or None, request.POST.get("lng") or None
        try:
            if action == "in":
                app = attendance.check_in(
                    app, actor=actor(request), method=method, token=token, lat=lat, lng=lng
                )
                late = app.late_minutes > reliability.LATE_GRACE_MINUTES
                messages.success(
                    request, f"签到成功{f'（迟到 {app.late_minutes} 分钟）' if late else ''}，祝工作顺利"
                )
            elif action == "out":
                attendance.check_out(app, actor=actor(request), method=method, token=token, lat=lat, lng=lng)
                messages.success(request, "签退成功，已完工。用工方登记工资后请在“我的零工”确认收款。")
            else:
                raise Http404("未知操作")
        except ValidationError as exc:
            error, status = "；".join(exc.messages), 400
        else:
            return redirect(request.get_full_path())
    context = {
        "app": app,
        "gig": app.gig,
        "shift": app.shift,
        "token": token,
        "error": error,
        "radius": attendance.CHECKIN_RADIUS_M,
    }
    return render(request, "gigs/checkin.html", context, status=status)


# --- published rules ----------------------------------------------------------------------------------


def rules(request: HtmxRequest) -> HttpResponse:
    """The rules every booking follows, rendered from the constants the code enforces."""
    context = {
        "cancel_free_hours": booking.CANCEL_FREE_HOURS,
        "qr_step": attendance.QR_STEP_SECONDS,
        "radius": attendance.CHECKIN_RADIUS_M,
        "early_minutes": int(attendance.EARLY_CHECKIN.total_seconds() // 60),
        "manual_grace_hours": int(attendance.MANUAL_GRACE.total_seconds() // 3600),
        "sweep_hours": int(attendance.SWEEP_AFTER.total_seconds() // 3600),
        "no_show_minutes": int(attendance.NO_SHOW_AFTER.total_seconds() // 60),
        "window_days": reliability.WINDOW_DAYS,
        "late_grace": reliability.LATE_GRACE_MINUTES,
        "late_penalty": reliability.LATE_PENALTY,
        "new_worker_score": reliability.NEW_WORKER_SCORE,
        "explanation": reliability.EXPLANATION,
        "settlements": Settlement.choices,
        "arrears": _arrears_rules(),
    }
    return render(request, "gigs/rules.html", context)


def _arrears_rules() -> dict[str, Any] | None:
    """The wage-protection schedule from rights.arrears, when that app is installed."""
    if not django_apps.is_installed("lingong.rights"):
        return None
    from lingong.rights import arrears

    days = lambda delta: int(delta.total_seconds() // 86400)  # noqa: E731
    return {
        "grace": [(Settlement(k).label, days(v)) for k, v in arrears.GRACE.items()],
        "town_days": days(arrears.TOWN_AFTER),
        "inspection_days": days(arrears.INSPECTION_AFTER),
    }
