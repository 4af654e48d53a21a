"""Public gig search API: GET /gigs (the browse page's filters as query parameters) and GET /gigs/{code}.

No login needed. Contact phones are masked, except on a single gig for its managers and for workers
booked on it (a bearer token or the browser session says who is asking). Posting (POST /gigs) is added
to this router by api.py, because it shares the path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lingong.accounts.services import user_for_token
from lingong.lib.geo import parse_point
from lingong.lib.masking import mask_phone
from lingong.monitoring.activity import note_search

from .models import Gig, Shift, ShiftStatus
from .search import PAGE_SIZE, FilterError, GigSearch, may_see_contact, search_gigs

router = Router()


class EmployerBrief(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    town: str
    credit_level: str = Field(description="信用等级：良好 / 一般 / 警示")
    rating_avg: float | None
    rating_count: int


class PublicShiftOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    headcount: int
    places_left: int
    open: bool = Field(description="可报名：未取消、未开始且未满")


class GigOut(Schema):
    code: str
    url: str
    title: str
    occupation_code: str
    occupation_name: str
    kind: str
    public_welfare: bool
    town: str
    town_code: str
    address: str
    lat: float
    lng: float
    pay_amount: Decimal
    pay_unit: str
    pay_label: str
    settlement: str
    settlement_label: str
    hourly_pay: Decimal | None = Field(description="折合时薪（计件、按单为空）")
    booking_mode: str
    instant: bool = Field(description="先到先得（抢单）")
    insurance: str
    insurance_label: str
    provided: list[str]
    provided_labels: list[str]
    headcount: int
    employer: EmployerBrief
    contact_name: str
    contact_phone: str = Field(description="公开时为掩码，如 139****0005")
    next_shift: PublicShiftOut | None
    published_at: dt.datetime | None
    distance_m: int | None = None
    minutes: float | None = None


class GigDetailOut(GigOut):
    status: str
    status_label: str
    description: str
    requirements: str
    certificates: list[str]
    shifts: list[PublicShiftOut]


class GigList(Schema):
    count: int
    page: int
    page_size: int
    items: list[GigOut]


class GigQuery(Schema):
    q: str = Field(
        default="", max_length=60, description="关键词：中文、拼音首字母（如 bj）或常用叫法（如 保姆）"
    )
    town: str = Field(default="", max_length=30, description="镇街：区划代码、名称、简称或别名")
    near: str = Field(default="", max_length=60, description="我的位置“纬度,经度”，如 22.675,113.246")
    station: str = Field(default="", max_length=12, description="从站点出发：站点编号（代替 near）")
    within_minutes: float | None = Field(default=None, gt=0, le=180, description="估计分钟数以内")
    within_km: float | None = Field(default=None, gt=0, le=100, description="直线距离公里数以内")
    mode: Literal["walk", "ebike", "car"] = "walk"
    date: Literal["today", "tomorrow", "week", ""] = Field(default="", description="有可报名班次的日期")
    pay_min: Decimal | None = Field(default=None, ge=0, lt=1_000_000, description="最低报酬")
    pay_unit: Literal["hour", "day", "shift", "piece", "order", "month", ""] = Field(
        default="", description="与 pay_min 同用；空或 hour 时按折合时薪比较"
    )
    settlement: Literal["daily", "weekly", "monthly", "on_completion", ""] = ""
    category: str = Field(
        default="", pattern=r"^(\d(-\d{2})?)?$", description="职业大类或中类代码，如 4 或 4-10"
    )
    instant: bool = Field(default=False, description="只看抢单岗位")
    public_welfare: bool = Field(default=False, description="只看公益性岗位")
    sort: Literal["distance", "start", "pay", "newest", ""] = Field(
        default="", description="默认：有位置时按距离，否则按最新发布"
    )
    page: int = Field(default=1, ge=1, le=10_000)


def _reader(request):
    """Who is asking: a bearer token's user if one is sent, else the session's (maybe anonymous)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        found = user_for_token(header[7:].strip())
        if found is not None:
            return found[0]
    return request.user


def shift_out(shift: Shift, now: dt.datetime) -> dict:
    return {
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "headcount": shift.headcount,
        "places_left": shift.places_left,
        "open": shift.status == ShiftStatus.OPEN and shift.starts_at > now and shift.places_left > 0,
    }


def gig_out(gig: Gig, *, show_contact: bool = False, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    employer = gig.employer
    next_shift = getattr(gig, "next_shift", None)
    distance = getattr(gig, "distance_m", None)
    minutes = getattr(gig, "minutes", None)
    return {
        "code": gig.code,
        "url": reverse("gigs:detail", args=[gig.code]),
        "title": gig.title,
        "occupation_code": gig.occupation.code,
        "occupation_name": gig.occupation.name,
        "kind": gig.kind,
        "public_welfare": gig.is_public_welfare,
        "town": gig.town.name,
        "town_code": gig.town.code,
        "address": gig.address,
        "lat": gig.lat,
        "lng": gig.lng,
        "pay_amount": gig.pay_amount,
        "pay_unit": gig.pay_unit,
        "pay_label": gig.pay_label(),
        "settlement": gig.settlement,
        "settlement_label": gig.get_settlement_display(),
        "hourly_pay": gig.hourly_pay,
        "booking_mode": gig.booking_mode,
        "instant": gig.is_instant,
        "insurance": gig.insurance,
        "insurance_label": gig.get_insurance_display(),
        "provided": list(gig.provided),
        "provided_labels": gig.provided_labels(),
        "headcount": gig.headcount,
        "employer": {
            "code": employer.code,
            "name": employer.name,
            "kind": employer.kind,
            "kind_label": employer.get_kind_display(),
            "town": employer.town.name,
            "credit_level": employer.credit_level,
            "rating_avg": float(employer.rating_avg) if employer.rating_avg is not None else None,
            "rating_count": employer.rating_count,
        },
        "contact_name": gig.contact_name,
        "contact_phone": gig.contact_phone if show_contact else mask_phone(gig.contact_phone),
        "next_shift": shift_out(next_shift, now) if next_shift is not None else None,
        "published_at": gig.published_at,
        "distance_m": round(distance) if distance is not None else None,
        "minutes": round(minutes, 1) if minutes is not None else None,
    }


def _search(q: GigQuery) -> GigSearch:
    try:
        near = parse_point(q.near) if q.near else None
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    return GigSearch(
        q=q.q,
        town=q.town,
        near=near,
        station=q.station,
        within_minutes=q.within_minutes,
        within_km=q.within_km,
        mode=q.mode,
        date=q.date,
        pay_min=q.pay_min,
        pay_unit=q.pay_unit,
        settlement=q.settlement,
        category=q.category,
        instant=q.instant,
        public_welfare=q.public_welfare,
        sort=q.sort,
        page=q.page,
    )


@router.get(
    "/gigs", response=GigList, auth=None, summary="查找零工岗位（关键词、镇街、距离、日期、报酬、日结）"
)
def list_gigs(request, q: Query[GigQuery]):
    try:
        reader = _reader(request)
        gigs, total = search_gigs(_search(q), user=reader)
    except FilterError as exc:
        raise HttpError(422, str(exc)) from None
    note_search(reader)
    now = timezone.now()
    return {
        "count": total,
        "page": q.page,
        "page_size": PAGE_SIZE,
        "items": [gig_out(g, now=now) for g in gigs],
    }


@router.get(
    "/gigs/{code}", response=GigDetailOut, auth=None, summary="零工岗位详情（未公开的岗位仅管理方可见）"
)
def get_gig(request, code: str):
    user = _reader(request)
    gig = (
        Gig.objects.visible_to(user)
        .select_related("employer__town", "town", "occupation")
        .prefetch_related("certificates", "shifts")
        .filter(code=code)
        .first()
    )
    if gig is None:
        raise Http404("未找到该岗位，或岗位尚未公开")
    now = timezone.now()
    shifts = [s for s in gig.shifts.all() if s.status != ShiftStatus.CANCELLED]
    setattr(gig, "next_shift", next((s for s in shifts if s.starts_at > now and s.places_left), None))  # noqa: B010
    out = gig_out(gig, show_contact=may_see_contact(gig, user), now=now)
    out |= {
        "status": gig.status,
        "status_label": gig.get_status_display(),
        "description": gig.description,
        "requirements": gig.requirements,
        "certificates": [c.name for c in gig.certificates.all()],
        "shifts": [shift_out(s, now) for s in shifts],
    }
    return out
