"""Gig API for the people doing the work: post, apply, claim, offer, accept, attendance, pay, ratings.

The public search endpoints live in api_browse.py; posting (POST /gigs) is added to that router because
it shares the /gigs path with the public list. Creating calls accept an Idempotency-Key header.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.employers.models import Employer

from . import attendance, booking, pay, ratings, services
from .api_browse import router as public_router
from .idempotency import run_once
from .models import Application, Gig, PayRecord, Shift, ShiftStatus

router = Router(auth=token_or_session)


class ShiftIn(Schema):
    date: dt.date
    start: dt.time
    end: dt.time


class GigIn(Schema):
    employer: str = Field(
        max_length=12, description="用工主体编号（本单位成员；工作人员可代辖区内用工方发布）"
    )
    occupation: str = Field(max_length=10, description="职业代码，如 4-09-08-01（保洁员）")
    title: str = Field(max_length=60)
    description: str = Field(max_length=2000)
    requirements: str = Field(default="", max_length=300)
    headcount: int = Field(ge=1, le=500, description="每班人数")
    town: str = Field(max_length=30, description="镇街：代码、名称或简称")
    address: str = Field(max_length=200)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    pay_amount: Decimal = Field(gt=0, lt=1000000, decimal_places=2)
    pay_unit: Literal["hour", "day", "shift", "piece", "order", "month"]
    settlement: Literal["daily", "weekly", "monthly", "on_completion"]
    certificates: list[str] = Field(default_factory=list, max_length=10)
    provided: list[str] = Field(default_factory=list, max_length=10)
    insurance: Literal["none", "employer", "subsidised"] = "none"
    booking_mode: Literal["choose", "instant"] = "choose"
    kind: Literal["regular", "public_welfare"] = "regular"
    contact_name: str = Field(max_length=30)
    contact_phone: str = Field(max_length=20)
    shifts: list[ShiftIn] = Field(min_length=1, max_length=31)


class PostingFindingOut(Schema):
    category: str
    severity: str
    text: str
    message: str
    law: str = ""


class GigCreated(Schema):
    code: str
    status: str
    status_label: str
    findings: list[PostingFindingOut]


class Blocked(Schema):
    detail: str
    findings: list[PostingFindingOut]


class ShiftOut(Schema):
    n: int
    starts_at: dt.datetime
    ends_at: dt.datetime


class PayOut(Schema):
    amount: Decimal
    method: str
    paid_at: dt.datetime
    status: str
    status_label: str
    dispute_reason: str


class ApplicationOut(Schema):
    code: str
    gig: str
    gig_title: str
    shift: ShiftOut
    worker: str
    status: str
    status_label: str
    booked_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    late_minutes: int
    checked_out_at: dt.datetime | None
    pay: PayOut | None


class Detail(Schema):
    detail: str


def _shift_number(shift: Shift) -> int:
    return Shift.objects.filter(gig_id=shift.gig_id, starts_at__lt=shift.starts_at).count() + 1


def application_out(app: Application) -> dict:
    record = PayRecord.objects.filter(application=app).first()
    return {
        "code": app.code,
        "gig": app.gig.code,
        "gig_title": app.gig.title,
        "shift": {
            "n": _shift_number(app.shift),
            "starts_at": app.shift.starts_at,
            "ends_at": app.shift.ends_at,
        },
        "worker": app.worker.masked_name,
        "status": app.status,
        "status_label": app.get_status_display(),
        "booked_at": app.booked_at,
        "checked_in_at": app.checked_in_at,
        "late_minutes": app.late_minutes,
        "checked_out_at": app.checked_out_at,
        "pay": None
        if record is None
        else {
            "amount": record.amount,
            "method": record.method,
            "paid_at": record.paid_at,
            "status": record.status,
            "status_label": record.get_status_display(),
            "dispute_reason": record.dispute_reason,
        },
    }


@public_router.post(
    "/gigs",
    auth=token_or_session,
    response={201: GigCreated, 422: Blocked},
    summary="发布岗位（先经违法违规用语审查；被拦截时返回原因，不保存任何内容）",
)
def post_gig(request, payload: GigIn):
    employer = get_object_or_404(Employer.objects.all(), code=payload.employer)
    data = payload.model_dump()
    data["shifts"] = [s.model_dump() for s in payload.shifts]
    try:
        gig = services.post_gig(actor=request.auth, employer=employer, data=data)
    except services.PostingBlocked as blocked:
        return Status(
            422,
            {
                "detail": "岗位含有违法违规内容，未发布：" + "；".join(blocked.messages),
                "findings": blocked.findings,
            },
        )
    return Status(
        201,
        {
            "code": gig.code,
            "status": gig.status,
            "status_label": gig.get_status_display(),
            "findings": gig.findings,
        },
    )


def _public_gig(code: str) -> Gig:
    return get_object_or_404(Gig.objects.public(), code=code)


def _pick_shift(gig: Gig, n: int) -> Shift:
    """Shift number n (1-based, by start time); 0 → the earliest open shift that still has a place."""
    shifts = list(gig.shifts.order_by("starts_at", "pk"))
    if n:
        if not 1 <= n <= len(shifts):
            raise HttpError(422, f"该岗位只有 {len(shifts)} 个班次")
        return shifts[n - 1]
    for shift in shifts:
        if shift.status == ShiftStatus.OPEN and shift.places_left > 0 and shift.starts_at > timezone.now():
            return shift
    raise HttpError(409, "该岗位的班次都已招满或已开始")


class ShiftPick(Schema):
    shift: int = Field(
        default=0, ge=0, le=31, description="第几个班次（按开始时间，从 1 起）；0 = 最早有空位的"
    )


class ApplyIn(ShiftPick):
    note: str = Field(default="", max_length=200)


@router.post(
    "/gigs/{code}/claim",
    response={201: ApplicationOut, 409: Detail},
    summary="抢单（先到先得岗位）：201 已录用，409 已招满；支持 Idempotency-Key",
)
def claim(request, code: str, payload: ShiftPick | None = None):
    pick = payload or ShiftPick()

    def action():
        gig = _public_gig(code)
        try:
            app = booking.claim(_pick_shift(gig, pick.shift), actor=request.auth)
        except booking.ShiftFull as full:
            raise HttpError(409, str(full)) from None
        return 201, application_out(app)

    status, body = run_once(request, scope=f"claim:{code}", body=pick.model_dump(), action=action)
    return Status(status, body)


@router.post(
    "/gigs/{code}/applications",
    response={201: ApplicationOut},
    summary="报名（用工方挑选的岗位）；支持 Idempotency-Key",
)
def apply(request, code: str, payload: ApplyIn):
    def action():
        gig = _public_gig(code)
        app = booking.apply(_pick_shift(gig, payload.shift), actor=request.auth, note=payload.note)
        return 201, application_out(app)

    status, body = run_once(request, scope=f"apply:{code}", body=payload.model_dump(), action=action)
    return Status(status, body)


@router.get(
    "/gigs/{code}/applications", response=list[ApplicationOut], summary="岗位的报名与录用（用工方与工作人员）"
)
def gig_applications(request, code: str):
    gig = get_object_or_404(Gig.objects.managed_by(request.auth), code=code)
    apps = gig.applications.select_related("gig", "shift", "worker").order_by(
        "shift__starts_at", "created_at"
    )
    return [application_out(a) for a in apps]


@router.get("/workers/me/applications", response=list[ApplicationOut], summary="我的报名与录用（零工本人）")
def my_applications(request):
    apps = Application.objects.filter(worker__user=request.auth).select_related("gig", "shift", "worker")
    return [application_out(a) for a in apps[:200]]


def _app_for(request, code: str) -> Application:
    """An application the caller takes part in: the worker's own, or one on a gig they manage."""
    user = request.auth
    managed = Gig.objects.managed_by(user).values("pk")
    qs = Application.objects.select_related("gig", "shift", "worker")
    app = (
        qs.filter(code=code).filter(worker__user=user).first()
        or qs.filter(code=code, gig__in=managed).first()
    )
    if app is None:
        raise HttpError(404, "未找到该报名记录")
    return app


class CancelIn(Schema):
    reason: str = Field(default="", max_length=200)


@router.post(
    "/applications/{code}/cancel",
    response=ApplicationOut,
    summary="取消录用（零工或用工方，规则见 /gigs/rules/）",
)
def cancel(request, code: str, payload: CancelIn):
    app = _app_for(request, code)
    if app.worker.user_id == request.auth.pk:
        app = booking.cancel_by_worker(app, actor=request.auth, reason=payload.reason)
    else:
        app = booking.cancel_by_employer(app, actor=request.auth, reason=payload.reason)
    return application_out(app)


class CheckIn(Schema):
    method: Literal["qr", "location", "manual"]
    token: str = Field(default="", max_length=20, description="扫码签到时二维码中的 t 参数")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


@router.post(
    "/applications/{code}/check-in", response=ApplicationOut, summary="签到（扫码、定位或用工方确认）"
)
def check_in(request, code: str, payload: CheckIn):
    app = attendance.check_in(_app_for(request, code), actor=request.auth, **payload.model_dump())
    return application_out(app)


@router.post(
    "/applications/{code}/check-out", response=ApplicationOut, summary="签退完工（扫码、定位或用工方确认）"
)
def check_out(request, code: str, payload: CheckIn):
    app = attendance.check_out(_app_for(request, code), actor=request.auth, **payload.model_dump())
    return application_out(app)


class PayIn(Schema):
    amount: Decimal = Field(gt=0, lt=1000000, decimal_places=2)
    method: Literal["cash", "wechat", "alipay", "bank"]
    paid_at: dt.datetime | None = None


@router.post(
    "/applications/{code}/pay",
    response={201: ApplicationOut},
    summary="登记工资支付（用工方）；支持 Idempotency-Key",
)
def record_pay(request, code: str, payload: PayIn):
    def action():
        app = _app_for(request, code)
        pay.record_pay(
            app, actor=request.auth, amount=payload.amount, method=payload.method, paid_at=payload.paid_at
        )
        return 201, application_out(app)

    status, body = run_once(request, scope=f"pay:{code}", body=payload.model_dump(), action=action)
    return Status(status, body)


@router.post(
    "/applications/{code}/pay/confirm",
    response={200: ApplicationOut},
    summary="确认收到工资（零工本人）；支持 Idempotency-Key",
)
def confirm_pay(request, code: str):
    def action():
        app = _app_for(request, code)
        pay.confirm_pay(app, actor=request.auth)
        return 200, application_out(app)

    status, body = run_once(request, scope=f"pay-confirm:{code}", body={}, action=action)
    return Status(status, body)


class DisputeIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


@router.post(
    "/applications/{code}/pay/dispute", response=ApplicationOut, summary="对工资支付提出异议（零工本人）"
)
def dispute_pay(request, code: str, payload: DisputeIn):
    app = _app_for(request, code)
    pay.dispute_pay(app, actor=request.auth, reason=payload.reason)
    return application_out(app)


class RatingIn(Schema):
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=200)


class RatingOut(Schema):
    side: str
    stars: int
    comment: str


@router.post(
    "/applications/{code}/ratings", response={201: RatingOut}, summary="完工后评价对方（双方各一次）"
)
def rate(request, code: str, payload: RatingIn):
    rating = ratings.rate(
        _app_for(request, code), actor=request.auth, stars=payload.stars, comment=payload.comment
    )
    return Status(201, {"side": rating.side, "stars": rating.stars, "comment": rating.comment})


# Declared last: the generic {step} path must not shadow /cancel, /check-in, /pay and /ratings above.
Step = Literal["offer", "accept", "decline", "withdraw", "reject"]
STEPS = {
    "offer": booking.offer,
    "accept": booking.accept,
    "decline": booking.decline,
    "withdraw": booking.withdraw,
    "reject": booking.reject,
}


@router.post(
    "/applications/{code}/{step}",
    response={200: ApplicationOut, 409: Detail},
    summary="推进报名：offer 录用、reject 婉拒（用工方）；accept 接受、decline 婉拒、withdraw 撤回（零工）",
)
def step(request, code: str, step: Step):
    app = _app_for(request, code)
    try:
        app = STEPS[step](app, actor=request.auth)
    except booking.ShiftFull as full:
        raise HttpError(409, str(full)) from None
    return application_out(app)
