"""Employer API: register, my employers, detail, edit, and the staff verification queue and review.

The same services as the pages; Django ValidationError becomes a 422 with Chinese messages and
PermissionDenied a 403 (lingong/api/main.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.lib.masking import mask_phone

from . import services
from .models import Employer, EmployerKind, can_review, managed_employer_ids
from .queries import FilterError, QueueFilter, review_queue

router = Router(auth=token_or_session)

Kind = Literal["enterprise", "individual_business", "household", "hr_agency"]


class EmployerIn(Schema):
    kind: Kind = Field(
        description=(
            "enterprise 企业 / individual_business 个体工商户 / household 家庭 / hr_agency 人力资源服务机构"
        )
    )
    name: str = Field(max_length=100)
    uscc: str = Field(
        default="", max_length=40, description="统一社会信用代码；企业和人力资源服务机构必填，家庭不填"
    )
    contact_name: str = Field(max_length=30)
    contact_phone: str = Field(max_length=20, description="联系人手机号")
    town: str = Field(max_length=30, description="镇街：区划代码、名称、简称或别名")
    address: str = Field(max_length=200)
    lat: float | None = None
    lng: float | None = None
    industry: str = Field(default="", max_length=50)
    description: str = Field(default="", max_length=1000)


class EmployerPatch(Schema):
    kind: Kind | None = None
    name: str | None = Field(default=None, max_length=100)
    uscc: str | None = Field(default=None, max_length=40)
    contact_name: str | None = Field(default=None, max_length=30)
    contact_phone: str | None = Field(default=None, max_length=20)
    town: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=200)
    lat: float | None = None
    lng: float | None = None
    industry: str | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=1000)


class CreditOut(Schema):
    level: str
    reasons: list[str]
    warnings: int
    arrears_cases: int
    complaints: int
    rating_avg: Decimal | None
    rating_count: int


class EmployerOut(Schema):
    code: str
    kind: str
    kind_label: str
    name: str
    uscc: str | None
    uscc_check: str
    uscc_problem: str
    status: str
    status_label: str
    status_reason: str
    next_step: str
    town: str
    town_code: str
    address: str
    lat: float | None
    lng: float | None
    industry: str
    description: str
    contact_name: str
    contact_phone: str = Field(description="本单位成员可见完整号码，工作人员看到的是隐去中间四位的号码")
    submitted_at: dt.datetime
    verified_at: dt.datetime | None
    reverify_due: dt.date | None
    verification_current: bool
    credit: CreditOut
    can_manage: bool


class QueueItem(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    town: str
    status: str
    status_label: str
    uscc: str | None
    uscc_check: str
    contact_name: str
    contact_phone: str
    submitted_at: dt.datetime
    reverify_due: dt.date | None


class QueueOut(Schema):
    count: int
    items: list[QueueItem]


class QueueQuery(Schema):
    show: Literal["todo", "pending", "more_info", "reverify", "failed_uscc", "all"] = "todo"
    town: str = Field(default="", max_length=12, description="镇街区划代码")
    kind: Literal["enterprise", "individual_business", "household", "hr_agency", ""] = ""
    q: str = Field(default="", max_length=60, description="名称、信用代码或编号")
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=100_000)  # bounded: a huge offset overflows the database


class ReviewIn(Schema):
    decision: Literal["approve", "reject", "more_info"]
    reason: str = Field(default="", max_length=500)


class ResubmitIn(Schema):
    note: str = Field(max_length=500)


def employer_out(employer: Employer, user) -> dict:
    is_member = employer.pk in user.employer_ids
    return {
        "code": employer.code,
        "kind": employer.kind,
        "kind_label": employer.get_kind_display(),
        "name": employer.name,
        "uscc": employer.uscc,
        "uscc_check": employer.uscc_check,
        "uscc_problem": employer.uscc_problem,
        "status": employer.status,
        "status_label": employer.get_status_display(),
        "status_reason": employer.status_reason,
        "next_step": employer.next_step(),
        "town": employer.town.name,
        "town_code": employer.town.code,
        "address": employer.address,
        "lat": employer.lat,
        "lng": employer.lng,
        "industry": employer.industry,
        "description": employer.description,
        "contact_name": employer.contact_name,
        "contact_phone": employer.contact_phone if is_member else mask_phone(employer.contact_phone),
        "submitted_at": employer.submitted_at,
        "verified_at": employer.verified_at,
        "reverify_due": employer.reverify_due,
        "verification_current": employer.is_verification_current(),
        "credit": {
            "level": employer.credit_level,
            "reasons": [reason for _, reason in employer.credit_reasons()],
            "warnings": employer.warnings,
            "arrears_cases": employer.arrears_cases,
            "complaints": employer.complaints,
            "rating_avg": employer.rating_avg,
            "rating_count": employer.rating_count,
        },
        "can_manage": employer.pk in managed_employer_ids(user),
    }


def _visible(request, code: str) -> Employer:
    return get_object_or_404(Employer.objects.visible_to(request.auth).select_related("town"), code=code)


def _reviewable(request, code: str) -> Employer:
    """Same rule as the review page: 403 for non-reviewers and for employers outside their towns."""
    user = request.auth
    if not can_review(user):
        raise PermissionDenied("只有镇街或市级管理员可以审核用工主体")
    employer = get_object_or_404(Employer.objects.select_related("town"), code=code)
    if not Employer.objects.reviewable_by(user).filter(pk=employer.pk).exists():
        raise PermissionDenied("只能审核本镇街的用工主体")
    return employer


@router.post("/", response={201: EmployerOut}, summary="登记用工主体（登记人成为管理员）")
def register(request, payload: EmployerIn):
    employer = services.register_employer(actor=request.auth, data=payload.model_dump())
    return Status(201, employer_out(employer, request.auth))


@router.get("/mine", response=list[EmployerOut], summary="我所在的用工主体")
def mine(request):
    user = request.auth
    employers = Employer.objects.filter(id__in=user.employer_ids).select_related("town")
    return [employer_out(e, user) for e in employers]


@router.get("/review-queue", response=QueueOut, summary="审核队列（镇街管理员看本镇街，市级看全部）")
def queue(request, filters: Query[QueueQuery]):
    f = filters
    try:
        qs = review_queue(request.auth, QueueFilter(show=f.show, town=f.town, kind=f.kind, q=f.q))
    except FilterError as exc:
        raise HttpError(400, str(exc)) from None
    page = list(qs[f.offset : f.offset + f.limit])
    items = [
        {
            "code": e.code,
            "name": e.name,
            "kind": e.kind,
            "kind_label": EmployerKind(e.kind).label,
            "town": e.town.name,
            "status": e.status,
            "status_label": e.get_status_display(),
            "uscc": e.uscc,
            "uscc_check": e.uscc_check,
            "contact_name": e.contact_name,
            "contact_phone": mask_phone(e.contact_phone),
            "submitted_at": e.submitted_at,
            "reverify_due": e.reverify_due,
        }
        for e in page
    ]
    return {"count": qs.count(), "items": items}


@router.get("/{code}", response=EmployerOut, summary="用工主体详情（本单位成员与管辖的工作人员）")
def detail(request, code: str):
    return employer_out(_visible(request, code), request.auth)


@router.patch(
    "/{code}", response=EmployerOut, summary="修改资料（本单位管理员；改名称、信用代码或类型需重新审核）"
)
def update(request, code: str, payload: EmployerPatch):
    employer = _visible(request, code)
    data = payload.model_dump(exclude_unset=True)
    employer = services.update_employer(employer, actor=request.auth, data=data)
    return employer_out(employer, request.auth)


@router.post(
    "/{code}/review", response=EmployerOut, summary="审核：approve 通过 / reject 不通过 / more_info 补充材料"
)
def review(request, code: str, payload: ReviewIn):
    employer = _reviewable(request, code)
    employer = services.review_employer(
        employer, actor=request.auth, decision=payload.decision, reason=payload.reason
    )
    return employer_out(employer, request.auth)


@router.post("/{code}/resubmit", response=EmployerOut, summary="补充材料后重新提交审核（本单位管理员）")
def resubmit(request, code: str, payload: ResubmitIn):
    employer = services.resubmit(_visible(request, code), actor=request.auth, note=payload.note)
    return employer_out(employer, request.auth)
