"""Department referrals in the API: list, make, and record what the department did.

The same services (referrals.py) and access paths (access.py) as the pages. Staff handling a case see
everything about its referrals; the worker the case is about sees where it went, its status, the
department's reply and the trail without internal notes (reasons and contacts come back null).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lingong.api.auth import token_or_session

from . import referrals
from .access import referral_case_for_user, referral_for_user
from .models import Department, DepartmentReferral, ReferralStatus

router = Router(auth=token_or_session)

DepartmentCode = Literal[
    "civil_affairs",
    "disabled_persons",
    "housing",
    "market_regulation",
    "medical_insurance",
    "health",
    "police",
    "justice",
    "trade_union",
    "womens_federation",
    "labour_inspection",
    "other",
]
StatusCode = Literal["referred", "received", "replied", "concluded", "returned"]
DEPARTMENTS_HELP = "；".join(f"{d.value} {d.label}" for d in Department)


class ReferralIn(Schema):
    case_kind: Literal["complaint", "arrears", "plan"] = Field(
        description="complaint 投诉 / arrears 疑似欠薪案件 / plan 就业帮扶计划"
    )
    case_code: str = Field(max_length=12, description="案件编号")
    department: DepartmentCode = Field(description=DEPARTMENTS_HELP)
    department_name: str = Field(default="", max_length=60, description="部门名称（选 other 时必填）")
    reason: str = Field(max_length=1000, description="转介原因")
    request_detail: str = Field(max_length=1000, description="请协助事项")
    contact_name: str = Field(default="", max_length=40, description="对方联系人")
    contact_phone: str = Field(default="", max_length=30, description="对方联系电话")


class ReferralStatusIn(Schema):
    status: StatusCode = Field(
        description="received 已接收 / replied 已回复 / concluded 已办结 / returned 退回"
    )
    reply: str = Field(default="", max_length=1000, description="部门回复或办理结果（已回复时必填）")
    note: str = Field(default="", max_length=1000, description="说明（退回时必填）")


class ReferralEventOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    status_to: str
    note: str
    internal: bool


class ReferralOut(Schema):
    code: str
    case_kind: str
    case_code: str
    worker_code: str
    department: str
    department_label: str
    status: str
    status_label: str
    referred_at: dt.datetime
    reply_due_on: dt.date
    overdue: bool
    received_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    reply: str
    reason: str | None = Field(description="转介原因（仅工作人员）")
    request_detail: str | None = Field(description="请协助事项（仅工作人员）")
    contact_name: str | None = Field(description="对方联系人（仅工作人员）")
    contact_phone: str | None = Field(description="对方联系电话（仅工作人员）")
    referred_by: str | None = Field(description="转介人（仅工作人员）")
    events: list[ReferralEventOut]


class ReferralList(Schema):
    count: int
    items: list[ReferralOut]


class ReferralQuery(Schema):
    department: DepartmentCode | Literal[""] = ""
    status: StatusCode | Literal["open", ""] = Field(default="", description="open = 待回复")
    overdue: bool = Field(default=False, description="只看逾期未回复的")
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=100_000)  # bounded: a huge offset overflows the database


def referral_out(r: DepartmentReferral, *, staff_view: bool, today: dt.date) -> dict:
    events = r.events.select_related("actor").order_by("at", "id")
    if not staff_view:
        events = events.filter(internal=False)
    return {
        "code": r.code,
        "case_kind": r.case_kind,
        "case_code": r.case.code,
        "worker_code": r.worker.code,
        "department": r.department,
        "department_label": r.department_label,
        "status": r.status,
        "status_label": r.get_status_display(),
        "referred_at": r.referred_at,
        "reply_due_on": r.reply_due_on,
        "overdue": r.is_overdue(today),
        "received_at": r.received_at,
        "replied_at": r.replied_at,
        "closed_at": r.closed_at,
        "reply": r.reply,
        "reason": r.reason if staff_view else None,
        "request_detail": r.request_detail if staff_view else None,
        "contact_name": r.contact_name if staff_view else None,
        "contact_phone": r.contact_phone if staff_view else None,
        "referred_by": str(r.referred_by) if staff_view else None,
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "status_to": e.status_to,
                "note": e.note,
                "internal": e.internal,
            }
            for e in events
        ],
    }


@router.get(
    "/referrals",
    response=ReferralList,
    summary="部门转介（工作人员看所办案件的转介；零工看本人案件的转介）",
)
def list_referrals(request, filters: Query[ReferralQuery]):
    user = request.auth
    today = timezone.localdate()
    qs = DepartmentReferral.objects.visible_to(user).select_related(
        "complaint", "arrears_case", "plan", "worker", "referred_by"
    )
    if filters.department:
        qs = qs.filter(department=filters.department)
    if filters.status == "open":
        qs = qs.awaiting_reply()
    elif filters.status:
        qs = qs.filter(status=ReferralStatus(filters.status))
    if filters.overdue:
        qs = qs.overdue(today)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    handled = set(
        DepartmentReferral.objects.handled_by(user)
        .filter(pk__in=[r.pk for r in page])
        .values_list("pk", flat=True)
    )
    items = [referral_out(r, staff_view=r.pk in handled, today=today) for r in page]
    return {"count": qs.count(), "items": items}


@router.post("/referrals", response={201: ReferralOut}, summary="转介其他部门（负责该案件的工作人员）")
def create_referral(request, payload: ReferralIn):
    user = request.auth
    case = referral_case_for_user(user, payload.case_kind, payload.case_code)
    referral = referrals.create_referral(
        case,
        actor=user,
        department=payload.department,
        department_name=payload.department_name,
        reason=payload.reason,
        request_detail=payload.request_detail,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
    return Status(201, referral_out(referral, staff_view=True, today=timezone.localdate()))


@router.post(
    "/referrals/{code}/status",
    response=ReferralOut,
    summary="登记转介进展：已接收、已回复、已办结或退回（负责该案件的工作人员）",
)
def update_referral_status(request, code: str, payload: ReferralStatusIn):
    user = request.auth
    referral, _ = referral_for_user(user, code)
    referral = referrals.update_status(
        referral, actor=user, status=payload.status, reply=payload.reply, note=payload.note
    )
    return referral_out(referral, staff_view=True, today=timezone.localdate())
