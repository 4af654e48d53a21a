"""Rights pages: my rights (worker), arrears against my employer, and the staff arrears desk.

Complaint and insurance pages are in views_complaints.py.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lingong.employers.models import managed_employer_ids
from lingong.gigs.models import Application, AppStatus, PayRecord
from lingong.lib.masking import mask_phone
from lingong.places.models import Town
from lingong.workers.access import own_worker

from . import arrears
from .access import arrears_for_user, require_staff
from .forms import ArrearsConfirmForm, ArrearsNoteForm, ArrearsReferForm, ArrearsResolveForm
from .insurance import coverage_for
from .models import ArrearsCase, CaseStatus, Complaint, InsuranceCoverage, Level
from .views_referrals import referral_action, referral_section

CASE_RELATED = ("employer", "worker", "gig", "town", "station")
STATUS_FILTERS = [("open", "处理中"), ("resolved", "已解决"), ("closed", "已结案"), ("all", "全部")]
# Open cases overdue this long have outlived the station's window and are shown highlighted.
HIGHLIGHT_AFTER = arrears.TOWN_AFTER


def apply_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _rows(cases, now: dt.datetime) -> list[tuple[ArrearsCase, int, bool]]:
    rows = []
    for case in cases:
        days = case.overdue_days(now)
        rows.append((case, days, case.is_open and now - case.due_at >= HIGHLIGHT_AFTER))
    return rows


@login_required
def mine(request):
    """A worker's rights in one place: arrears cases, complaints and insurance cover for their work."""
    worker = own_worker(request)
    now = timezone.now()
    today = timezone.localdate()
    cases = ArrearsCase.objects.filter(worker=worker).select_related(*CASE_RELATED)
    complaints = Complaint.objects.filter(worker=worker).select_related("employer", "owner")
    # Cover for the work that matters now: bookings from the last month and the ones coming up.
    apps = (
        Application.objects.filter(
            worker=worker,
            status__in=[AppStatus.BOOKED, AppStatus.COMPLETED],
            shift__ends_at__gte=now - dt.timedelta(days=30),
        )
        .select_related("gig__employer", "shift")
        .order_by("shift__starts_at")[:20]
    )
    work = [(app, coverage_for(worker, app.gig, app.shift.day)) for app in apps]
    policies = InsuranceCoverage.objects.filter(worker=worker, gig__isnull=True, valid_until__gte=today)
    context = {
        "worker": worker,
        "rows": _rows(cases, now),
        "complaints": complaints,
        "work": work,
        "policies": policies,
        "today": today,
    }
    return render(request, "rights/mine.html", context)


@login_required
def employer_cases(request):
    """Arrears cases against the employers the user manages, so they can pay and settle them."""
    managed = managed_employer_ids(request.user)
    if not managed:
        raise PermissionDenied("只有用工主体的管理员可以查看本单位的欠薪案件")
    cases = ArrearsCase.objects.filter(employer_id__in=managed).select_related(
        *CASE_RELATED, "application__shift"
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "rights/employer.html", {"page": page, "rows": _rows(page, now)})


@login_required
def arrears_list(request):
    """The staff desk: cases in the user's scope, open ones first by default, overdue highlighted."""
    user = request.user
    require_staff(user)
    g = request.GET
    status = g.get("status") or "open"
    level = g.get("level", "")
    town = g.get("town", "")
    error = ""
    qs = ArrearsCase.objects.handled_by(user).select_related(*CASE_RELATED)
    if status not in dict(STATUS_FILTERS):
        error = "状态筛选无效"
    elif status != "all":
        qs = qs.filter(status=status)
    if level and level not in Level.values:
        error = "层级筛选无效"
    elif level:
        qs = qs.filter(level=level)
    if town:
        qs = qs.filter(town__code=town)
    if error:
        qs = qs.none()
    qs = qs.order_by("due_at", "id") if status == "open" else qs.order_by("-due_at", "-id")
    page = Paginator(qs, 50).get_page(g.get("page"))
    towns = Town.objects.all() if user.is_city_admin else Town.objects.filter(id__in=user.admin_town_ids)
    query = g.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": _rows(page, timezone.now()),
        "status": status,
        "level": level,
        "town": town,
        "statuses": STATUS_FILTERS,
        "levels": Level.choices,
        "towns": towns,
        "error": error,
        "query": query.urlencode(),
        "highlight_days": HIGHLIGHT_AFTER.days,
    }
    return render(request, "rights/arrears_list.html", context, status=400 if error else 200)


ACTIONS = {
    "note": (ArrearsNoteForm, "已记录"),
    "confirm": (ArrearsConfirmForm, "已确认欠薪，用工方已暂停发布招工信息"),
    "refer": (ArrearsReferForm, "已转介劳动监察"),
    "resolve": (ArrearsResolveForm, "案件已办结"),
}


def _run(action: str, case: ArrearsCase, user, data: dict) -> None:
    if action == "note":
        arrears.add_note(case, actor=user, note=data["note"], share=data["share"])
    elif action == "confirm":
        arrears.confirm_arrears(case, actor=user, note=data["note"])
    elif action == "refer":
        arrears.refer_to_inspection(case, actor=user, note=data["note"])
    else:
        arrears.resolve_case(case, actor=user, resolution=data["resolution"], note=data["note"])


@login_required
def arrears_detail(request, code: str):
    """The case and its trail; staff in scope add notes, confirm, refer and resolve here."""
    case, can_handle = arrears_for_user(request, code)
    user = request.user
    section = referral_section(
        request, case, can_handle=can_handle, page_url=reverse("rights:arrears_detail", args=[case.code])
    )
    if section.response is not None:
        return section.response
    forms = {name: form_class(prefix=name) for name, (form_class, _) in ACTIONS.items()}
    status, error = section.status, ""
    if request.method == "POST" and not referral_action(request):
        if not can_handle:
            raise PermissionDenied("只有负责该案件的工作人员可以处理")
        status = 400
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            error = "请选择要进行的操作"
        else:
            form_class, done = ACTIONS[action]
            form = form_class(request.POST, prefix=action)
            forms[action] = form
            if form.is_valid():
                try:
                    _run(action, case, user, form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, done)
                    return redirect("rights:arrears_detail", code=case.code)
    events = case.events.select_related("actor")
    if not can_handle:
        events = events.filter(staff_only=False)
    pay = PayRecord.objects.filter(application_id=case.application_id).first()
    is_self = case.worker.user_id == user.pk
    context = {
        "case": case,
        "can_handle": can_handle,
        "events": events,
        "forms": forms,
        "pay": pay,
        # Staff and the worker see the name; the employer sees it masked, as on its applicant lists.
        "worker_name": case.worker.real_name if (can_handle or is_self) else case.worker.masked_name,
        "worker_phone": mask_phone(case.worker.user.phone) if can_handle else "",
        "overdue_days": case.overdue_days(timezone.now()),
        "is_open": case.status == CaseStatus.OPEN,
        "error": error,
        **section.context,
    }
    return render(request, "rights/arrears_detail.html", context, status=status)
