"""Department referral pages: the section on a case page (complaint, arrears case, assistance plan)
and the staff list with its Excel export.

The section is not a page of its own: the case page's view calls `referral_section`, which handles
the section's POSTs and, for htmx requests, answers with the section alone. Without JavaScript the
forms post to the case page and come back to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lingong.lib.excel import xlsx_response
from lingong.lib.forms import apply_errors

from . import referrals
from .access import require_staff
from .forms import ReferralForm, ReferralNoteForm, ReferralStatusForm
from .models import Department, DepartmentReferral, ReferralEvent, ReferralStatus

SECTION_TEMPLATE = "rights/_referrals.html"
ACTIONS = ("referral_new", "referral_status", "referral_note")
STATUS_FILTERS = [("open", "待回复"), *ReferralStatus.choices]
EXPORT_LIMIT = 5000


@dataclass
class ReferralSection:
    """What a case page needs: a response to return at once (a redirect, or the section for htmx),
    else the section's context and the status the page should answer with."""

    response: HttpResponse | None = None
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def _rows(case, *, can_handle: bool, bound: dict[tuple[str, str], Any]) -> list[dict[str, Any]]:
    events = ReferralEvent.objects.select_related("actor")
    if not can_handle:
        events = events.filter(internal=False)
    today = timezone.localdate()
    rows = []
    for referral in case.referrals.select_related("referred_by").prefetch_related(
        Prefetch("events", queryset=events)
    ):
        code = referral.code
        statuses = referral.next_statuses()
        row: dict[str, Any] = {
            "referral": referral,
            "events": list(referral.events.all()),
            "overdue": referral.is_overdue(today),
        }
        if can_handle:
            row["status_form"] = bound.get(("referral_status", code)) or ReferralStatusForm(
                prefix=f"s-{code}", statuses=statuses
            )
            row["note_form"] = bound.get(("referral_note", code)) or ReferralNoteForm(prefix=f"n-{code}")
            row["can_move"] = bool(statuses)
        rows.append(row)
    return rows


def _context(request, case, *, can_handle: bool, page_url: str, bound: dict, done: str = "", error: str = ""):
    closed = referrals.case_closed_reason(case)
    return {
        "referral_case": case,
        "referral_rows": _rows(case, can_handle=can_handle, bound=bound),
        "referral_can_handle": can_handle,
        "referral_can_create": can_handle and not closed,
        "referral_form": bound.get(("referral_new", "")) or ReferralForm(prefix="referral"),
        "referral_page_url": page_url,
        "referral_done": done,
        "referral_error": error,
        "referral_days": referrals.reply_days(),
    }


def _act(request, case, action: str, bound: dict) -> str:
    """Run one POSTed action; returns what was done. Forms with errors are left in `bound`."""
    user = request.user
    if action == "referral_new":
        form: Any = ReferralForm(request.POST, prefix="referral")
        bound[(action, "")] = form
        if form.is_valid():
            try:
                referral = referrals.create_referral(case, actor=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return f"已转介{referral.department_label}（{referral.code}）"
        return ""
    code = request.POST.get("referral", "")
    referral = case.referrals.filter(code=code).first()
    if referral is None:
        raise ValidationError("未找到该转介记录")
    if action == "referral_status":
        form = ReferralStatusForm(request.POST, prefix=f"s-{code}", statuses=referral.next_statuses())
    else:
        form = ReferralNoteForm(request.POST, prefix=f"n-{code}")
    bound[(action, code)] = form
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "referral_status":
                referrals.update_status(
                    referral, actor=user, status=data["status"], reply=data["reply"], note=data["note"]
                )
            else:
                referrals.add_note(referral, actor=user, note=data["note"], internal=data["internal"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return "转介状态已更新" if action == "referral_status" else "已记录跟进"
    return ""


def referral_action(request) -> str:
    """The referral action a POST asks for ('' for the case page's own actions and for GETs)."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    return action if action.startswith("referral") else ""


def referral_section(request, case, *, can_handle: bool, page_url: str) -> ReferralSection:
    """The referral section of a case page. Staff handling the case refer it and update referrals;
    the worker the case is about sees where it went and how far it got (no internal notes, not the
    reasons); anyone else (an employer on an arrears case) sees no section at all."""
    action = referral_action(request)
    if action and not can_handle:
        raise PermissionDenied("只有负责该案件的工作人员可以转介其他部门")
    if not (can_handle or case.worker.user_id == request.user.pk):
        return ReferralSection(context={"referral_visible": False})
    bound: dict[tuple[str, str], Any] = {}
    done = error = ""
    status = 200
    if action:
        if action not in ACTIONS:
            error = "请选择要进行的操作"
        else:
            try:
                done = _act(request, case, action, bound)
            except ValidationError as exc:
                error = "；".join(exc.messages)
        if done and not request.htmx:
            messages.success(request, done)
            return ReferralSection(response=redirect(page_url + "#referrals"))
        if not done:
            status = 400
            bound = {key: form for key, form in bound.items() if form.errors}
    context = _context(
        request, case, can_handle=can_handle, page_url=page_url, bound=bound, done=done, error=error
    )
    context["referral_visible"] = True
    if request.htmx and (action or request.htmx.target == "referrals"):
        # htmx swaps 2xx answers only: the section with its errors comes back as 200.
        return ReferralSection(response=render(request, SECTION_TEMPLATE, context))
    return ReferralSection(context=context, status=status)


# --- the staff list ------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "编号",
    "案件",
    "零工",
    "转介部门",
    "请协助事项",
    "状态",
    "转介时间",
    "应回复日期",
    "逾期未回复",
    "接收时间",
    "回复时间",
    "办结或退回时间",
    "部门回复",
    "对方联系人",
    "对方联系电话",
    "转介人",
]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _export(qs, today):
    rows = (
        [
            r.code,
            r.case_label,
            r.worker.masked_name,
            r.department_label,
            r.request_detail,
            r.get_status_display(),
            _when(r.referred_at),
            r.reply_due_on.isoformat(),
            "是" if r.is_overdue(today) else "",
            _when(r.received_at),
            _when(r.replied_at),
            _when(r.closed_at),
            r.reply,
            r.contact_name,
            r.contact_phone,
            str(r.referred_by),
        ]
        for r in qs[:EXPORT_LIMIT]
    )
    return xlsx_response(f"部门转介-{today:%Y%m%d}.xlsx", "部门转介", EXPORT_HEADERS, rows)


@login_required
def referral_list(request):
    """Referrals on the cases the user handles: by department and status, the overdue ones flagged."""
    user = request.user
    require_staff(user)
    g = request.GET
    department, status, overdue = g.get("department", ""), g.get("status", ""), g.get("overdue", "")
    today = timezone.localdate()
    qs = DepartmentReferral.objects.handled_by(user).select_related(
        "complaint", "arrears_case", "plan", "worker", "referred_by"
    )
    error = ""
    if department and department not in Department.values:
        error = "部门筛选无效"
    elif department:
        qs = qs.filter(department=department)
    if status == "open":
        qs = qs.awaiting_reply()
    elif status and status not in ReferralStatus.values:
        error = "状态筛选无效"
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue(today).order_by("reply_due_on", "id")
    if error:
        qs = qs.none()
    elif g.get("format") == "xlsx":
        return _export(qs, today)
    page = Paginator(qs, 50).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    export = query.copy()
    export["format"] = "xlsx"
    context = {
        "page": page,
        "rows": [(r, r.is_overdue(today)) for r in page],
        "department": department,
        "status": status,
        "overdue": overdue,
        "departments": Department.choices,
        "statuses": STATUS_FILTERS,
        "error": error,
        "query": query.urlencode(),
        "export_query": export.urlencode(),
        "overdue_count": DepartmentReferral.objects.handled_by(user).overdue(today).count(),
        "reply_days": referrals.reply_days(),
    }
    return render(request, "rights/referral_list.html", context, status=400 if error else 200)
