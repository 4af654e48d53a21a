"""Training API: the public course catalogue and shortage list, and the signed-in worker's recommendations.

Registered at "/" so the paths read /training/… and /workers/me/training-recommendations. The workers
router's /workers/{code} has two segments and so never matches this three-segment path (a test checks).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.places.towns import resolve_town
from lingong.workers.models import Worker, WorkerStatus

from .models import HOLDS_PLACE, Course, CourseStatus
from .recommend import recommend_courses
from .shortage import shortage_occupations

router = Router()


class CourseOut(Schema):
    code: str
    title: str
    occupation_code: str | None
    occupation_name: str | None
    certificate: str | None
    level: str
    provider: str
    provider_phone: str
    starts_on: dt.date
    ends_on: dt.date
    schedule: str
    town: str | None = Field(description="镇街名称；空表示全市课程")
    address: str
    fee: Decimal
    subsidy: Decimal
    cost: str = Field(description="费用说明，如“免费”")
    capacity: int
    places_left: int
    shortage: bool
    new_occupation: bool
    entrepreneurship: bool
    tags: list[str]
    status: str
    status_label: str


class CourseList(Schema):
    count: int
    items: list[CourseOut]


class CourseQuery(Schema):
    town: str = Field(default="", max_length=30, description="镇街名称、简称或代码；也列出全市课程")
    occupation: str = Field(default="", max_length=10, description="职业代码，如 4-10-01-05")
    kind: str = Field(
        default="",
        pattern="^(|shortage|new|entrepreneurship)$",
        description="shortage、new、entrepreneurship",
    )
    q: str = Field(default="", max_length=30)
    open_only: bool = Field(default=True, description="只列报名中的课程")
    limit: int = Field(default=50, ge=1, le=200)


class ShortageQuery(Schema):
    town: str = Field(default="", max_length=30, description="镇街名称、简称或代码；不填为全市")
    limit: int = Field(default=20, ge=1, le=100)


class ShortageOut(Schema):
    occupation_code: str
    occupation_name: str
    openings: int = Field(description="未来 30 天招聘中岗位的空位数")
    seekers: int = Field(description="会做该工种、住在本地的在册求职者人数")
    ratio: float = Field(description="空位数 ÷ 求职者人数（求人倍率）")
    gap: int
    area: str


class ShortageList(Schema):
    area: str
    items: list[ShortageOut]


class RecOut(Schema):
    course: CourseOut
    score: float
    reasons: list[str]


class RecList(Schema):
    items: list[RecOut]


def course_out(course: Course, taken: int | None = None) -> dict:
    if taken is None:
        taken = getattr(course, "taken_places", None)
    if taken is None:
        taken = course.referrals.filter(status__in=HOLDS_PLACE).count()
    occ = course.occupation
    return {
        "code": course.code,
        "title": course.title,
        "occupation_code": occ.code if occ else None,
        "occupation_name": occ.name if occ else None,
        "certificate": course.certificate.name if course.certificate else None,
        "level": course.level,
        "provider": course.provider,
        "provider_phone": course.provider_phone,
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "schedule": course.schedule,
        "town": course.town.name if course.town else None,
        "address": course.address,
        "fee": course.fee,
        "subsidy": course.subsidy,
        "cost": course.cost_label,
        "capacity": course.capacity,
        "places_left": max(0, course.capacity - taken),
        "shortage": course.shortage,
        "new_occupation": course.new_occupation,
        "entrepreneurship": course.entrepreneurship,
        "tags": course.tags(),
        "status": course.status,
        "status_label": course.get_status_display(),
    }


def _town(raw: str):
    from django.core.exceptions import ValidationError

    if not raw:
        return None
    town = resolve_town(raw)
    if town is None:
        raise ValidationError({"town": [f"找不到镇街“{raw}”"]})
    return town


@router.get("/training/courses", response=CourseList, auth=None, summary="培训课程（公开）")
def list_courses(request, q: Query[CourseQuery]):
    qs = Course.objects.published().select_related("occupation", "town", "certificate")
    if q.open_only:
        qs = qs.filter(status=CourseStatus.OPEN, ends_on__gte=timezone.localdate())
    town = _town(q.town.strip())
    if town is not None:
        qs = qs.filter(Q(town=town) | Q(town__isnull=True))
    if q.occupation:
        qs = qs.filter(occupation__code=q.occupation.strip())
    if q.kind == "shortage":
        qs = qs.filter(shortage=True)
    elif q.kind == "new":
        qs = qs.filter(new_occupation=True)
    elif q.kind == "entrepreneurship":
        qs = qs.filter(entrepreneurship=True)
    text = q.q.strip()
    if text:
        qs = qs.filter(
            Q(title__contains=text) | Q(occupation__name__contains=text) | Q(provider__contains=text)
        )
    qs = qs.annotate(taken_places=Count("referrals", filter=Q(referrals__status__in=HOLDS_PLACE)))
    rows = list(qs.order_by("starts_on", "id")[: q.limit])
    return {"count": len(rows), "items": [course_out(c) for c in rows]}


@router.get("/training/shortages", response=ShortageList, auth=None, summary="缺人的工种（按镇街或全市）")
def shortages(request, q: Query[ShortageQuery]):
    town = _town(q.town.strip())
    rows = shortage_occupations(town, limit=q.limit)
    return {
        "area": town.name if town else "全市",
        "items": [
            {
                "occupation_code": s.occupation_code,
                "occupation_name": s.occupation_name,
                "openings": s.openings,
                "seekers": s.seekers,
                "ratio": s.ratio,
                "gap": s.gap,
                "area": s.town,
            }
            for s in rows
        ],
    }


@router.get(
    "/workers/me/training-recommendations",
    response=RecList,
    auth=token_or_session,
    summary="适合我的培训（含推荐理由）",
)
def my_recommendations(request, limit: int = Query(5, ge=1, le=20)):  # type: ignore[type-arg]
    worker = (
        Worker.objects.filter(user=request.auth, status=WorkerStatus.ACTIVE)
        .select_related("home_town", "station__town")
        .first()
    )
    if worker is None:
        raise Http404("您还没有求职登记")
    recs = recommend_courses(worker, limit=limit)
    return {"items": [{"course": course_out(r.course), "score": r.score, "reasons": r.reasons} for r in recs]}
