"""Rights API: complaints (list, file without files) and arrears cases in the caller's scope;
department referrals are in api_referrals.py, mounted on the same router.

The same services and access paths as the pages; Django ValidationError becomes a 422 with Chinese
messages, PermissionDenied a 403 and Http404 a 404 (lingong/api/main.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.employers.models import Employer
from lingong.gigs.models import Gig
from lingong.workers.models import Worker, WorkerStatus

from . import complaints
from .api_referrals import router as referrals_router
from .models import ArrearsCase, CaseStatus, Complaint, ComplaintStatus, Level

router = Router(auth=token_or_session)
router.add_router("", referrals_router)


class ComplaintIn(Schema):
    kind: Literal["wages", "discrimination", "safety", "other"] = Field(
        description="wages 欠薪 / discrimination 歧视 / safety 安全 / other 其他"
    )
    description: str = Field(max_length=2000, description="时间、地点、经过和诉求")
    worker: str = Field(
        default="", max_length=12, description="求职编号：工作人员代为登记时填写，本人投诉不填"
    )
    employer: str = Field(default="", max_length=12, description="被投诉用工主体编号（可不填）")
    gig: str = Field(
        default="", max_length=12, description="相关岗位编号（可不填；须是投诉人报名或做过的岗位）"
    )


class ComplaintEventOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str
    status_to: str
    note: str


class ComplaintOut(Schema):
    code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    worker_code: str
    worker_name: str = Field(description="姓名（隐去中间字）")
    employer_code: str | None
    employer_name: str | None
    gig_code: str | None
    description: str
    filed_at: dt.datetime
    owner: str | None
    outcome: str
    closed_at: dt.datetime | None
    events: list[ComplaintEventOut]


class ComplaintList(Schema):
    count: int
    items: list[ComplaintOut]


class ComplaintQuery(Schema):
    status: Literal["accepted", "in_progress", "concluded", "rejected", "open", ""] = ""
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=100_000)  # bounded: a huge offset overflows the database


class ArrearsOut(Schema):
    code: str
    status: str
    status_label: str
    level: str
    level_label: str
    employer_code: str
    employer_name: str
    worker_code: str
    worker_name: str = Field(description="姓名（隐去中间字）")
    gig_code: str
    gig_title: str
    amount_expected: Decimal | None
    due_at: dt.datetime
    opened_at: dt.datetime
    next_escalation_at: dt.datetime | None
    confirmed: bool
    resolution: str
    resolution_label: str
    resolved_at: dt.datetime | None


class ArrearsList(Schema):
    count: int
    items: list[ArrearsOut]


class ArrearsQuery(Schema):
    status: Literal["open", "resolved", "closed", ""] = ""
    level: Literal["station", "town", "inspection", ""] = ""
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=100_000)  # bounded: a huge offset overflows the database


def complaint_out(c: Complaint, *, staff_view: bool) -> dict:
    events = c.events.select_related("actor").order_by("at", "id")
    if not staff_view:
        events = events.filter(internal=False)
    return {
        "code": c.code,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "status": c.status,
        "status_label": c.get_status_display(),
        "worker_code": c.worker.code,
        "worker_name": c.worker.masked_name,
        "employer_code": c.employer.code if c.employer else None,
        "employer_name": c.employer.name if c.employer else None,
        "gig_code": c.gig.code if c.gig else None,
        "description": c.description,
        "filed_at": c.filed_at,
        "owner": str(c.owner) if c.owner else None,
        "outcome": c.outcome,
        "closed_at": c.closed_at,
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "actor": e.actor_label,
                "status_to": e.status_to,
                "note": e.note,
            }
            for e in events
        ],
    }


def _staff_view(user, complaint: Complaint) -> bool:
    return complaints.may_handle(user, complaint)


@router.get("/complaints", response=ComplaintList, summary="投诉列表（本人的投诉；工作人员看辖区内的）")
def list_complaints(request, filters: Query[ComplaintQuery]):
    user = request.auth
    qs = Complaint.objects.visible_to(user).select_related("worker", "employer", "gig", "owner")
    if filters.status == "open":
        qs = qs.filter(status__in=[ComplaintStatus.ACCEPTED, ComplaintStatus.IN_PROGRESS])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [complaint_out(c, staff_view=_staff_view(user, c)) for c in page]}


def _lookup(model, code: str, field: str, message: str):
    found = model.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


@router.post(
    "/complaints", response={201: ComplaintOut}, summary="投诉（本人，或工作人员代为登记；证据请在网页上传）"
)
def file_complaint(request, payload: ComplaintIn):
    user = request.auth
    if payload.worker:
        worker = (
            Worker.objects.served_by(user)
            .exclude(status=WorkerStatus.ERASED)
            .filter(code=payload.worker.strip().upper())
            .first()
        )
        if worker is None:
            raise Http404("未找到该求职者")
    else:
        worker = Worker.objects.filter(user=user).exclude(status=WorkerStatus.ERASED).first()
        if worker is None:
            raise ValidationError({"worker": ["您还没有求职登记；工作人员代为登记时请填写求职编号"]})
    employer = (
        _lookup(Employer, payload.employer, "employer", "未找到该用工主体编号") if payload.employer else None
    )
    gig = _lookup(Gig, payload.gig, "gig", "未找到该岗位编号") if payload.gig else None
    complaint = complaints.file_complaint(
        actor=user,
        worker=worker,
        kind=payload.kind,
        description=payload.description,
        employer=employer,
        gig=gig,
    )
    return Status(201, complaint_out(complaint, staff_view=_staff_view(user, complaint)))


@router.get(
    "/arrears",
    response=ArrearsList,
    summary="疑似欠薪案件（工作人员看辖区内的；零工看本人的；用工主体管理员看本单位的）",
)
def list_arrears(request, filters: Query[ArrearsQuery]):
    qs = ArrearsCase.objects.visible_to(request.auth).select_related("employer", "worker", "gig")
    if filters.status:
        qs = qs.filter(status=CaseStatus(filters.status))
    if filters.level:
        qs = qs.filter(level=Level(filters.level))
    page = list(qs[filters.offset : filters.offset + filters.limit])
    items = [
        {
            "code": c.code,
            "status": c.status,
            "status_label": c.get_status_display(),
            "level": c.level,
            "level_label": c.get_level_display(),
            "employer_code": c.employer.code,
            "employer_name": c.employer.name,
            "worker_code": c.worker.code,
            "worker_name": c.worker.masked_name,
            "gig_code": c.gig.code,
            "gig_title": c.gig.title,
            "amount_expected": c.amount_expected,
            "due_at": c.due_at,
            "opened_at": c.opened_at,
            "next_escalation_at": c.next_escalation_at,
            "confirmed": c.confirmed_at is not None,
            "resolution": c.resolution,
            "resolution_label": c.get_resolution_display() if c.resolution else "",
            "resolved_at": c.resolved_at,
        }
        for c in page
    ]
    return {"count": qs.count(), "items": items}
