"""Employer side of a gig: my postings, one posting's applicants, attendance with the rotating QR code,
and pay and rating for each completed booking.

Every page reaches the gig through `gig_for_manager` (Gig.objects.managed_by) and every write goes
through the services; employers see applicants masked, with "优先帮扶对象" in place of any hardship
detail, and a phone number only once the person is booked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from lingong.accounts.models import User
from lingong.lib.forms import apply_errors, error_messages

from . import attendance, booking, pay, ratings, reliability, services
from .forms import PayForm, RatingForm
from .models import (
    HOLDS_PLACE,
    Application,
    AppStatus,
    Gig,
    GigStatus,
    PayMethod,
    PayRecord,
    PayStatus,
    PayUnit,
    Rating,
    RatingSide,
    Reliability,
    Shift,
)

# Applications still waiting for someone's decision (counted as 报名 on the list of my gigs).
WAITING = (AppStatus.APPLIED, AppStatus.INVITED, AppStatus.OFFERED)
STATUS_ORDER = [
    GigStatus.OPEN,
    GigStatus.REVIEW,
    GigStatus.DRAFT,
    GigStatus.REJECTED,
    GigStatus.CLOSED,
    GigStatus.CANCELLED,
]
PAGE_SIZE = 30


class HtmxRequest(HttpRequest):
    """A request that went through django-htmx's middleware (typing only)."""

    htmx: HtmxDetails


# --- access -------------------------------------------------------------------------------------------


def gig_for_manager(request: HtmxRequest, code: str) -> Gig:
    """The gig if the user manages it (the employer's members; staff in scope), else 404."""
    return get_object_or_404(
        Gig.objects.managed_by(actor(request)).select_related("employer", "town", "occupation"), code=code
    )


def numbered_shifts(gig: Gig) -> list[Shift]:
    """Shifts in the order their public number (1, 2, …) counts them: by start time."""
    return list(Shift.objects.filter(gig=gig).order_by("starts_at", "id"))


def shift_number(gig: Gig, n: int) -> Shift:
    shifts = numbered_shifts(gig)
    if not 1 <= n <= len(shifts):
        raise Http404("没有这个班次")
    return shifts[n - 1]


def is_editable(gig: Gig) -> bool:
    return gig.status not in (GigStatus.CLOSED, GigStatus.CANCELLED) and not gig.applications.exists()


def reliability_of(worker) -> Reliability | None:
    try:
        return worker.reliability
    except Reliability.DoesNotExist:
        return None


def applicant_view(app: Application, errors: dict | None = None) -> dict[str, Any]:
    """What an employer may see of an applicant: never the real name, ID, sex or hardship details.
    `errors` are the messages of the last action on this row ("done" holds a success note)."""
    worker = app.worker
    return {
        "app": app,
        "errors": (errors or {}).get(app.code, {}),
        "name": worker.masked_name,
        "reliability": reliability.describe(reliability_of(worker)),
        "priority": worker.tier >= 2,
        "phone": worker.user.phone if app.status in HOLDS_PLACE else "",
    }


def actor(request: HtmxRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A service's messages by field for a template; form-wide ones under "all" (templates cannot read
    Django's "__all__" key)."""
    return {("all" if k == NON_FIELD_ERRORS else k): v for k, v in error_messages(exc).items()}


def htmx_target(request: HtmxRequest) -> str:
    """The id of the element an htmx request will swap ("" for ordinary requests)."""
    return str(request.htmx.target or "") if request.htmx else ""


# --- my gigs ------------------------------------------------------------------------------------------


@login_required
def mine(request: HtmxRequest) -> HttpResponse:
    """The postings the user manages, filtered by status, with applicant and booking counts."""
    managed = Gig.objects.managed_by(actor(request))
    counts = dict(managed.order_by().values_list("status").annotate(n=Count("pk")))
    status = request.GET.get("status", "")
    if status and status not in GigStatus.values:
        status = ""
    qs = managed.select_related("employer", "town").order_by("-updated_at", "-id")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    gigs = list(page.object_list)
    ids = [g.pk for g in gigs]
    app_counts = {
        row["gig_id"]: row
        for row in Application.objects.filter(gig_id__in=ids)
        .order_by()
        .values("gig_id")
        .annotate(
            waiting=Count("pk", filter=Q(status__in=WAITING)),
            hired=Count("pk", filter=Q(status__in=HOLDS_PLACE)),
        )
    }
    shift_counts = {
        row["gig_id"]: row
        for row in Shift.objects.filter(gig_id__in=ids)
        .order_by()
        .values("gig_id")
        .annotate(n=Count("pk"), places=Sum("headcount"))
    }
    rows = [
        {
            "gig": g,
            "waiting": app_counts.get(g.pk, {}).get("waiting", 0),
            "hired": app_counts.get(g.pk, {}).get("hired", 0),
            "shifts": shift_counts.get(g.pk, {}).get("n", 0),
            "places": shift_counts.get(g.pk, {}).get("places", 0) or 0,
        }
        for g in gigs
    ]
    tabs = [(s, GigStatus(s).label, counts.get(s, 0)) for s in STATUS_ORDER]
    context = {
        "rows": rows,
        "page": page,
        "tabs": tabs,
        "status": status,
        "total": sum(counts.values()),
    }
    return render(request, "gigs/mine.html", context)


# --- one gig ------------------------------------------------------------------------------------------


def _shift_blocks(gig: Gig, shifts: list[Shift], row_errors: dict) -> list[dict[str, Any]]:
    apps = (
        Application.objects.filter(gig=gig)
        .select_related("worker", "worker__user", "worker__reliability")
        .order_by("created_at", "id")
    )
    by_shift: dict[int, list[dict[str, Any]]] = {s.pk: [] for s in shifts}
    for app in apps:
        by_shift.setdefault(app.shift_id, []).append(applicant_view(app, row_errors))
    return [{"n": n, "shift": s, "applicants": by_shift[s.pk]} for n, s in enumerate(shifts, start=1)]


def _manage_context(gig: Gig, row_errors: dict | None = None, gig_errors: dict | None = None) -> dict:
    shifts = numbered_shifts(gig)
    return {
        "gig": gig,
        "blocks": _shift_blocks(gig, shifts, row_errors or {}),
        "editable": is_editable(gig),
        "gig_errors": gig_errors or {},
        "cancel_free_hours": booking.CANCEL_FREE_HOURS,
    }


def _gig_action(request: HtmxRequest, gig: Gig, action: str) -> HttpResponse | None:
    """close / submit / cancel the whole posting. Returns a redirect, or None after adding errors."""
    user = actor(request)
    if action == "close":
        services.close(gig, actor=user, reason="用工方停止招聘")
        messages.success(request, "已停止招聘，已录用的人照常上岗")
        return redirect("gigs:manage", code=gig.code)
    if action == "cancel":
        services.cancel(gig, actor=user, reason=request.POST.get("reason", ""))
        messages.success(request, "岗位已取消，已短信告知报名和录用的人")
        return redirect("gigs:manage", code=gig.code)
    if action == "submit":
        gig = services.submit(gig, actor=user)
        return redirect("gigs:posted", code=gig.code)
    raise Http404("未知操作")


def _app_action(request: HtmxRequest, gig: Gig, app: Application, action: str) -> str:
    """offer / reject / cancel one application; returns the message to show."""
    user = actor(request)
    if action == "offer":
        booking.offer(app, actor=user)
        return f"已向 {app.worker.masked_name} 发出录用，等待对方确认"
    if action == "reject":
        booking.reject(app, actor=user)
        return f"已婉拒 {app.worker.masked_name}"
    if action == "cancel":
        booking.cancel_by_employer(app, actor=user, reason=request.POST.get("reason", ""))
        return f"已取消 {app.worker.masked_name} 的报名/录用，已短信告知"
    raise Http404("未知操作")


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HtmxRequest, code: str) -> HttpResponse:
    """One posting: its state, what to do next, and its applicants shift by shift."""
    gig = gig_for_manager(request, code)
    row_errors: dict[str, dict[str, list[str]]] = {}
    gig_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        app_code = request.POST.get("app", "")
        try:
            if not app_code:
                response = _gig_action(request, gig, action)
                if response is not None:
                    return response
            else:
                app = get_object_or_404(gig.applications.select_related("worker", "shift"), code=app_code)
                done = _app_action(request, gig, app, action)
                if not request.htmx:
                    messages.success(request, done)
                    return redirect(f"{reverse('gigs:manage', args=[gig.code])}#shift-{_n_of(gig, app)}")
                row_errors[app.code] = {"done": [done]}
        except booking.ShiftFull as exc:
            status = 409
            bucket = row_errors.setdefault(app_code, {}) if app_code else gig_errors
            bucket.setdefault("all", []).append(str(exc))
        except ValidationError as exc:
            status = 400
            errors = field_errors(exc)
            if app_code:
                row_errors[app_code] = errors
            else:
                gig_errors = errors
        gig.refresh_from_db()
    context = _manage_context(gig, row_errors, gig_errors)
    target = htmx_target(request)
    if target.startswith("shift-"):
        block = next((b for b in context["blocks"] if f"shift-{b['n']}" == target), None)
        if block is not None:
            return render(request, "gigs/_manage_shift.html", {**context, "block": block}, status=status)
    return render(request, "gigs/manage.html", context, status=status)


def _n_of(gig: Gig, app: Application) -> int:
    return next((n for n, s in enumerate(numbered_shifts(gig), start=1) if s.pk == app.shift_id), 1)


# --- attendance ---------------------------------------------------------------------------------------


def checkin_url(request: HtmxRequest, gig: Gig, n: int, shift: Shift) -> str:
    """The absolute address the QR code encodes: SITE_URL when set (what phones outside reach)."""
    path = reverse("gigs:checkin", args=[gig.code, n]) + "?t=" + attendance.qr_token(shift)
    base = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    return base + path


def _qr_context(request: HtmxRequest, gig: Gig, n: int, shift: Shift) -> dict[str, Any]:
    url = checkin_url(request, gig, n, shift)
    svg = segno.make(url, error="m").svg_inline(scale=8, omitsize=True, title="扫码签到")
    return {"qr_url": url, "qr_svg": svg, "qr_time": timezone.localtime(), "n": n, "gig": gig}


ATTENDANCE_STATUSES = (AppStatus.BOOKED, AppStatus.COMPLETED, AppStatus.NO_SHOW)


def _attendance_rows(shift: Shift, row_errors: dict) -> list[dict[str, Any]]:
    apps = (
        Application.objects.filter(shift=shift, status__in=ATTENDANCE_STATUSES)
        .select_related("worker", "worker__user", "worker__reliability", "pay")
        .order_by("booked_at", "id")
    )
    rows = []
    for app in apps:
        row = applicant_view(app, row_errors)
        row["late"] = app.late_minutes > reliability.LATE_GRACE_MINUTES
        rows.append(row)
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def attendance_page(request: HtmxRequest, code: str, n: int) -> HttpResponse:
    """The employer's phone at the site: a QR code that changes every minute, and who has arrived."""
    gig = gig_for_manager(request, code)
    shift = shift_number(gig, n)
    target = htmx_target(request)
    if request.method == "GET" and target == "checkin-qr":
        return render(request, "gigs/_qr.html", _qr_context(request, gig, n, shift))
    row_errors: dict[str, dict[str, list[str]]] = {}
    status = 200
    if request.method == "POST":
        app = get_object_or_404(
            Application.objects.filter(shift=shift).select_related("worker"), code=request.POST.get("app", "")
        )
        action = request.POST.get("action", "")
        user = actor(request)
        try:
            if action == "arrive":
                attendance.check_in(app, actor=user, method="manual")
                done = f"已确认 {app.worker.masked_name} 到岗"
            elif action == "finish":
                attendance.check_out(app, actor=user, method="manual")
                done = f"已确认 {app.worker.masked_name} 完工，请登记工资"
            elif action == "no_show":
                attendance.mark_no_show(app, actor=user)
                done = f"已记录 {app.worker.masked_name} 未到岗"
            else:
                raise Http404("未知操作")
        except ValidationError as exc:
            status = 400
            row_errors[app.code] = field_errors(exc)
        else:
            if not request.htmx:
                messages.success(request, done)
                return redirect("gigs:attendance", code=gig.code, n=n)
            row_errors[app.code] = {"done": [done]}
    context = {
        **_qr_context(request, gig, n, shift),
        "shift": shift,
        "rows": _attendance_rows(shift, row_errors),
        "qr_step": attendance.QR_STEP_SECONDS,
        "radius": attendance.CHECKIN_RADIUS_M,
        "early_minutes": int(attendance.EARLY_CHECKIN.total_seconds() // 60),
        "late_grace": reliability.LATE_GRACE_MINUTES,
    }
    if target == "attendance-rows":
        return render(request, "gigs/_attendance_rows.html", context, status=status)
    return render(request, "gigs/attendance.html", context, status=status)


# --- pay and rating for one booking ------------------------------------------------------------------


def suggested_pay(gig: Gig, shift: Shift) -> Decimal:
    """The agreed pay for one shift: hourly pay times the shift's hours, else the quoted amount."""
    if gig.pay_unit == PayUnit.HOUR:
        hours = Decimal((shift.ends_at - shift.starts_at).total_seconds()) / Decimal(3600)
        return (gig.pay_amount * hours).quantize(Decimal("0.01"))
    return gig.pay_amount


def _local_input(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%dT%H:%M}"


@login_required
@require_http_methods(["GET", "POST"])
def booking_page(request: HtmxRequest, code: str, app_code: str) -> HttpResponse:
    """One booking: attendance, the pay record (record it; see the worker's confirmation or dispute),
    and the employer's rating of the worker."""
    gig = gig_for_manager(request, code)
    app = get_object_or_404(
        gig.applications.select_related("worker", "worker__user", "worker__reliability", "shift"),
        code=app_code,
    )
    pay_form = PayForm(initial={"amount": suggested_pay(gig, app.shift), "method": PayMethod.WECHAT})
    rating_form = RatingForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("pay", "rate"):
            raise Http404("未知操作")
        form: PayForm | RatingForm
        if action == "pay":
            form = pay_form = PayForm(request.POST)
        else:
            form = rating_form = RatingForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "pay":
                    pay.record_pay(
                        app,
                        actor=actor(request),
                        amount=d["amount"],
                        method=d["method"],
                        paid_at=d["paid_at"],
                    )
                    messages.success(request, "已登记工资支付，等待零工确认收款")
                else:
                    ratings.rate(app, actor=actor(request), stars=d["stars"], comment=d["comment"])
                    messages.success(request, "已评价，谢谢")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("gigs:booking", code=gig.code, app_code=app.code)
        status = 400
    record = PayRecord.objects.filter(application=app).first()
    rated = Rating.objects.filter(application=app, side=RatingSide.EMPLOYER).first()
    context = {
        "gig": gig,
        "app": app,
        "n": _n_of(gig, app),
        "view": applicant_view(app),
        "record": record,
        "rated": rated,
        "pay_form": pay_form,
        "rating_form": rating_form,
        "can_pay": app.status == AppStatus.COMPLETED
        and (record is None or record.status == PayStatus.DISPUTED),
        "can_rate": app.status == AppStatus.COMPLETED and rated is None,
    }
    return render(request, "gigs/booking.html", context, status=status)
