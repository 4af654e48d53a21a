"""Assessment and subsidy API: the inventory items, taking the inventory, and my subsidies.

Registered at "/" so the paths read /assessment/… and /workers/me/subsidies (three segments, which the
workers router's /workers/{code} never matches; a test checks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.training.api import CourseOut, course_out
from lingong.training.recommend import recommend_courses
from lingong.workers.models import Worker, WorkerStatus

from . import services
from .inventory import INTEREST_CHOICES, INTEREST_VERSION, explain_interest, interest_items
from .riasec import ORDER, TYPES
from .subsidies import eligibility_for
from .suggest import hint_from

router = Router()


class ItemOut(Schema):
    code: str
    text: str


class ChoiceOut(Schema):
    value: str
    label: str


class ItemsOut(Schema):
    version: str
    choices: list[ChoiceOut]
    items: list[ItemOut]


class InterestIn(Schema):
    answers: dict[str, str] = Field(
        description="题目编号 → like（喜欢）/ ok（一般）/ dislike（不喜欢），30 题都要答"
    )
    worker: str = Field(default="", max_length=12, description="工作人员陪同测评时填求职者编号；本人测评不填")


class TypeOut(Schema):
    letter: str
    name: str
    score: int = Field(description="0–10")
    description: str


class SuggestionOut(Schema):
    code: str
    name: str
    why: str


class CourseRecOut(Schema):
    course: CourseOut
    reasons: list[str]


class InterestOut(Schema):
    code: str
    taken_at: dt.datetime
    holland: str = Field(description="兴趣代码：得分最高的三类，如 RSC")
    types: list[TypeOut]
    explanation: list[str]
    suggestions: list[SuggestionOut]
    courses: list[CourseRecOut]
    assisted: bool


class SubsidyApplicationOut(Schema):
    code: str
    status: str
    status_label: str
    amount: Decimal | None
    applied_at: dt.datetime


class SubsidyOut(Schema):
    code: str
    name: str
    category: str
    summary: str
    amount_note: str
    eligible: bool
    met: list[str]
    missing: list[str] = Field(description="还需要满足的条件（白话）")
    materials: list[str] = Field(description="申请要带的材料")
    application: SubsidyApplicationOut | None


class SubsidyList(Schema):
    items: list[SubsidyOut]


def _me(request) -> Worker:
    worker = (
        Worker.objects.filter(user=request.auth, status=WorkerStatus.ACTIVE)
        .select_related("home_town", "station__town", "user")
        .first()
    )
    if worker is None:
        raise Http404("您还没有求职登记")
    return worker


@router.get("/assessment/interest/items", response=ItemsOut, auth=None, summary="兴趣测评题目（公开）")
def items(request):
    return {
        "version": INTEREST_VERSION,
        "choices": [{"value": v, "label": label} for v, label in INTEREST_CHOICES],
        "items": [{"code": i.code, "text": i.text} for i in interest_items()],
    }


@router.post(
    "/assessment/interest",
    response={201: InterestOut},
    auth=token_or_session,
    summary="提交兴趣测评（本人，或工作人员陪同时带求职者编号）",
)
def take_interest(request, payload: InterestIn):
    user = request.auth
    if payload.worker:
        if not user.is_back_office:
            raise PermissionDenied("只有站点工作人员可以为他人测评")
        worker = (
            Worker.objects.served_by(user).filter(code=payload.worker, status=WorkerStatus.ACTIVE).first()
        )
        if worker is None:
            raise Http404("未找到该求职者")
    else:
        worker = _me(request)
    result = services.take_interest(actor=user, worker=worker, answers=payload.answers)
    recs = recommend_courses(worker, limit=4, hint=hint_from([result]))
    return Status(
        201,
        {
            "code": result.code,
            "taken_at": result.taken_at,
            "holland": result.summary,
            "types": [
                {
                    "letter": t,
                    "name": TYPES[t].name,
                    "score": result.scores[t],
                    "description": TYPES[t].description,
                }
                for t in ORDER
            ],
            "explanation": explain_interest(result.scores, result.summary),
            "suggestions": [
                {"code": s["code"], "name": s["name"], "why": s["why"]} for s in result.suggestions
            ],
            "courses": [{"course": course_out(r.course), "reasons": r.reasons} for r in recs],
            "assisted": result.assisted_by_id is not None,
        },
    )


@router.get(
    "/workers/me/subsidies", response=SubsidyList, auth=token_or_session, summary="我能申请的补贴与申请进度"
)
def my_subsidies(request):
    worker = _me(request)
    rows = []
    for e in eligibility_for(worker):
        app = e.application
        rows.append(
            {
                "code": e.kind.code,
                "name": e.kind.name,
                "category": e.kind.category,
                "summary": e.kind.summary,
                "amount_note": e.kind.amount_note,
                "eligible": e.eligible,
                "met": e.met,
                "missing": e.missing,
                "materials": list(e.kind.materials),
                "application": None
                if app is None
                else {
                    "code": app.code,
                    "status": app.status,
                    "status_label": app.get_status_display(),
                    "amount": app.amount,
                    "applied_at": app.applied_at,
                },
            }
        )
    return {"items": rows}
