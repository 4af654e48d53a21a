"""Back-office event pages: the events one runs, the event form, and the day-of page (participating
employers and their gigs, sign-ups and check-in, walk-ins, outcomes, publish / cancel / hold)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lingong.employers.models import Employer
from lingong.gigs.models import Gig
from lingong.lib.excel import xlsx_response
from lingong.lib.forms import apply_errors, error_messages
from lingong.lib.masking import mask_phone

from . import services, signups
from .access import event_for_manager, require_staff
from .forms import CancelForm, EmployerForm, EventForm, OutcomeForm, WalkInForm
from .models import Event, EventEmployer, EventStatus, OutcomeKind, SignupStatus


def _flash(request, exc: ValidationError) -> None:
    for msgs in error_messages(exc).values():
        for msg in msgs:
            messages.error(request, msg)


@login_required
def manage_list(request):
    require_staff(request)
    now = timezone.now()
    qs = Event.objects.manageable_by(request.user).select_related("station", "town")
    context = {
        "current": qs.filter(status__in=[EventStatus.DRAFT, EventStatus.PUBLISHED]).order_by("starts_at")[
            :100
        ],
        "history": qs.filter(Q(status__in=[EventStatus.HELD, EventStatus.CANCELLED])).order_by("-starts_at")[
            :50
        ],
        "now": now,
    }
    return render(request, "events/manage_list.html", context)


@login_required
def event_new(request):
    require_staff(request)
    form = EventForm(request.POST or None, stations=services.stations_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.save_event(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存为草稿。添加参会单位后，点“发布”开始报名")
            return redirect("events:manage", code=event.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "event": None}, status=status)


@login_required
def event_edit(request, code: str):
    event = event_for_manager(request, code)
    form = EventForm(request.POST or None, stations=services.stations_for(request.user), event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event(actor=request.user, data=form.service_data(), event=event)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("events:manage", code=event.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


def _signup_rows(event: Event):
    return (
        event.signups.filter(status=SignupStatus.ACTIVE).select_related("worker").order_by("created_at", "id")
    )


EXPORT_HEADERS = ["报名编号", "姓名", "求职编号", "手机号", "报名方式", "报名时间", "签到时间"]


def _export(event: Event):
    rows = (
        [
            s.code,
            s.display_name,
            s.worker.code if s.worker_id else "",
            mask_phone(s.phone) if s.phone else "",
            s.get_source_display(),
            timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(s.checked_in_at).strftime("%Y-%m-%d %H:%M") if s.checked_in_at else "",
        ]
        for s in _signup_rows(event)
    )
    return xlsx_response(f"活动报名-{event.code}.xlsx", "报名与签到", EXPORT_HEADERS, rows)


@login_required
def event_manage(request, code: str):
    """The page staff keep open on the day: everything about one event."""
    event = event_for_manager(request, code)
    if request.GET.get("format") == "xlsx":
        return _export(event)
    return _manage_page(request, event)


def _manage_page(request, event: Event, *, walk_in=None, employer_form=None, outcome_form=None, status=200):
    participants = list(
        EventEmployer.objects.filter(event=event).select_related("employer").prefetch_related("gigs")
    )
    rows = list(_signup_rows(event))
    counts: dict[tuple[int, str], int] = {}
    for employer_id, kind in event.outcomes.values_list("employer_id", "kind"):
        counts[(employer_id, kind)] = counts.get((employer_id, kind), 0) + 1
    open_gigs: dict[int, list[Gig]] = {}
    for gig in Gig.objects.public().filter(employer_id__in=[p.employer_id for p in participants]):
        open_gigs.setdefault(gig.employer_id, []).append(gig)
    for p in participants:
        p.intentions = counts.get((p.employer_id, OutcomeKind.INTENTION), 0)  # type: ignore[attr-defined]
        p.hires = counts.get((p.employer_id, OutcomeKind.HIRED), 0)  # type: ignore[attr-defined]
        p.open_gigs = open_gigs.get(p.employer_id, [])  # type: ignore[attr-defined]
        p.linked = {g.pk for g in p.gigs.all()}  # type: ignore[attr-defined]
    attended = [s for s in rows if s.checked_in_at]
    context = {
        "event": event,
        "participants": participants,
        "signups": rows,
        "attended": len(attended),
        "walk_in": walk_in or WalkInForm(),
        "employer_form": employer_form or EmployerForm(),
        "outcome_form": outcome_form or OutcomeForm(signups=attended, participants=participants),
        "cancel_form": CancelForm(),
        "outcomes": event.outcomes.select_related("signup__worker", "employer", "gig"),
        "totals": services.outcome_totals(event),
        "employers": Employer.objects.filter(town_id=event.town_id, status="approved").order_by("name")[:300],
        "can_hold": event.status == EventStatus.PUBLISHED and timezone.now() >= event.starts_at,
    }
    return render(request, "events/manage.html", context, status=status)


@login_required
@require_POST
def event_status(request, code: str):
    """Publish, cancel or confirm holding the event (action = publish | cancel | hold)."""
    event = event_for_manager(request, code)
    action = request.POST.get("action", "")
    try:
        if action == "publish":
            services.publish_event(event, actor=request.user)
            messages.success(request, "已发布，现在可以报名了")
        elif action == "cancel":
            services.cancel_event(event, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "活动已取消")
        elif action == "hold":
            services.hold_event(event, actor=request.user)
            messages.success(request, "已确认举办，参会人数已记入站点台账")
        else:
            messages.error(request, "无效的操作")
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("events:manage", code=event.code)


@login_required
@require_POST
def add_employer(request, code: str):
    event = event_for_manager(request, code)
    form = EmployerForm(request.POST)
    if form.is_valid():
        employer = services.find_employer(form.cleaned_data["employer"])
        if employer is None:
            form.add_error("employer", "找不到该用工主体，请输入单位编号或全称")
        else:
            try:
                services.add_employer(
                    event, actor=request.user, employer=employer, booth=form.cleaned_data["booth"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已添加参会单位：{employer.name}")
                return redirect("events:manage", code=event.code)
    return _manage_page(request, event, employer_form=form, status=400)


@login_required
@require_POST
def employer_gigs(request, code: str, employer_code: str):
    """Set the gigs an employer brings (action=gigs), or take it off the list (action=remove)."""
    event = event_for_manager(request, code)
    participant = get_object_or_404(EventEmployer, event=event, employer__code=employer_code)
    try:
        if request.POST.get("action") == "remove":
            services.remove_employer(participant, actor=request.user)
            messages.success(request, f"已移出：{participant.employer.name}")
        else:
            gigs = services.set_gigs(participant, actor=request.user, gig_codes=request.POST.getlist("gigs"))
            messages.success(request, f"{participant.employer.name}：参会岗位 {len(gigs)} 个")
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("events:manage", code=event.code)


@login_required
@require_POST
def walk_in(request, code: str):
    """Staff sign up someone at the desk by phone (and check them in)."""
    event = event_for_manager(request, code)
    form = WalkInForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            signup = signups.sign_up(
                event,
                actor=request.user,
                source="staff",
                phone=d["phone"],
                name=d["name"],
                check_in=d["check_in"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记：{signup.display_name}")
            return redirect("events:manage", code=event.code)
    return _manage_page(request, event, walk_in=form, status=400)


@login_required
@require_POST
def check_in(request, code: str, signup_code: str):
    event = event_for_manager(request, code)
    signup = get_object_or_404(event.signups.select_related("worker"), code=signup_code)
    error = ""
    try:
        signup = signups.check_in(signup, actor=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        context = {"event": event, "s": signup, "error": error}
        return render(request, "events/_signup_row.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("events:manage", code=event.code)


@login_required
@require_POST
def outcome(request, code: str):
    event = event_for_manager(request, code)
    attended = [s for s in _signup_rows(event) if s.checked_in_at]
    participants = list(
        EventEmployer.objects.filter(event=event).select_related("employer").prefetch_related("gigs")
    )
    form = OutcomeForm(request.POST, signups=attended, participants=participants)
    if form.is_valid():
        d = form.cleaned_data
        signup = next(s for s in attended if s.code == d["signup"])
        employer = next(p.employer for p in participants if p.employer.code == d["employer"])
        gig = Gig.objects.filter(code=d["gig"]).first() if d["gig"] else None
        try:
            signups.record_outcome(
                signup, actor=request.user, employer=employer, kind=d["kind"], gig=gig, note=d["note"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记")
            return redirect("events:manage", code=event.code)
    return _manage_page(request, event, outcome_form=form, status=400)
