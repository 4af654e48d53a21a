"""Matching API: recommendations for the signed-in worker, recommended workers for a gig, dispatch.

Registered at "/" so the paths read /workers/me/recommendations and /gigs/{code}/recommendations next
to the workers' and gigs' own endpoints (none of their patterns has three segments, so neither shadows
these).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.gigs.models import Gig
from lingong.places.models import Station
from lingong.places.towns import resolve_town
from lingong.workers.models import Worker, WorkerStatus

from . import services

router = Router(auth=token_or_session)


class ReasonOut(Schema):
    kind: str = Field(
        description="fit 工种, certificate 证书, travel 路程, time 时间, pay 报酬, "
        "reliability 可靠度, freshness 新鲜度, priority 优先"
    )
    text: str


class GigRecOut(Schema):
    gig: str
    title: str
    employer: str
    town: str
    pay: str
    shift: int = Field(description="班次序号（按开始时间，从 1 起），报名或抢单时使用")
    starts_at: dt.datetime
    ends_at: dt.datetime
    instant: bool = Field(description="先到先得（可直接抢单）")
    score: float
    parts: dict[str, float]
    minutes: int = Field(description="估计通勤分钟数")
    reasons: list[ReasonOut]


class WorkerRecOut(Schema):
    worker: str
    name: str = Field(description="脱敏姓名")
    priority: bool = Field(description="优先候选")
    score: float
    parts: dict[str, float]
    minutes: int
    reasons: list[ReasonOut]
    tier: int | None = Field(default=None, description="服务等级（仅对负责该求职者的工作人员提供）")


class GigRecs(Schema):
    items: list[GigRecOut]


class WorkerRecs(Schema):
    gig: str
    shift: int | None
    items: list[WorkerRecOut]


class RecQuery(Schema):
    limit: int = Field(default=20, ge=1, le=50)


class WorkerRecQuery(Schema):
    limit: int = Field(default=20, ge=1, le=50)
    shift: int = Field(default=0, ge=0, le=100, description="班次序号；0 表示最早一个还有名额的班次")


class DispatchIn(Schema):
    date: dt.date
    station: str = Field(default="", max_length=12, description="站点编号（与 town 二选一）")
    town: str = Field(default="", max_length=30, description="镇街名称、简称或代码（与 station 二选一）")


class AssignmentOut(Schema):
    worker: str
    name: str
    gig: str
    title: str
    shift: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    score: float
    parts: dict[str, float]
    reasons: list[ReasonOut]


class UnfilledOut(Schema):
    gig: str
    title: str
    places: int


class ProposalOut(Schema):
    date: dt.date
    area: str
    assignments: list[AssignmentOut]
    total: float = Field(description="方案总匹配分")
    greedy_total: float = Field(description="逐个挑最高分（贪心）方案的总分，供对比")
    shifts: int
    places: int
    workers: int
    edges: int = Field(description="符合全部硬性条件的人岗组合数")
    seconds: float
    unfilled: list[UnfilledOut]


class SendRow(Schema):
    worker: str = Field(max_length=12)
    gig: str = Field(max_length=12)
    shift: int = Field(ge=1, le=100)


class SendIn(Schema):
    rows: list[SendRow] = Field(min_length=1, max_length=500)


class SendOut(Schema):
    worker: str
    gig: str
    shift: int
    ok: bool
    application: str
    error: str


@router.get("/workers/me/recommendations", response=GigRecs, summary="为你推荐：适合我的岗位（含推荐理由）")
def my_recommendations(request, q: Query[RecQuery]):
    worker = Worker.objects.filter(user=request.auth).first()
    if worker is None or worker.status != WorkerStatus.ACTIVE:
        raise PermissionDenied("请先完成求职登记")
    return {"items": services.recommend_gigs(worker, q.limit)}


@router.get(
    "/gigs/{code}/recommendations",
    response=WorkerRecs,
    summary="推荐人选：适合该岗位班次的求职者（脱敏，用工方与工作人员）",
)
def gig_recommendations(request, code: str, q: Query[WorkerRecQuery]):
    user = request.auth
    gig = Gig.objects.filter(code=code).first()
    if gig is None:
        raise Http404("岗位不存在")
    manages = Gig.objects.managed_by(user).filter(pk=gig.pk).exists()
    if not (manages or user.is_back_office):
        if Gig.objects.visible_to(user).filter(pk=gig.pk).exists():
            raise PermissionDenied("只有发布该岗位的用工方或工作人员可以查看推荐人选")
        raise Http404("岗位不存在")
    shift = None
    if q.shift:
        shifts = list(gig.shifts.order_by("starts_at", "pk"))
        if q.shift > len(shifts):
            raise HttpError(422, f"该岗位只有 {len(shifts)} 个班次")
        shift = shifts[q.shift - 1]
    items = services.recommend_workers(gig, shift, q.limit, viewer=user)
    chosen = shift or services.default_shift(gig)
    number = None
    if chosen is not None:
        number = gig.shifts.filter(starts_at__lt=chosen.starts_at).count() + 1
    return {"gig": gig.code, "shift": number, "items": items}


@router.post("/dispatch", response=ProposalOut, summary="批量派工方案：某日某站点或镇街（工作人员）")
def make_dispatch(request, payload: DispatchIn):
    station = town = None
    if payload.station:
        station = Station.objects.filter(code=payload.station).first()
        if station is None:
            raise Http404("站点不存在")
    elif payload.town:
        town = resolve_town(payload.town)
        if town is None:
            raise HttpError(422, "找不到这个镇街")
    else:
        raise HttpError(422, "请选择一个站点或一个镇街")
    if not services.may_dispatch(request.auth, station=station, town=town):
        raise PermissionDenied("只有本站点、本镇街或市级工作人员可以批量派工")
    return services.dispatch(actor=request.auth, date=payload.date, station=station, town=town)


@router.post("/dispatch/send", response=list[SendOut], summary="按派工方案发送邀请（工作人员，逐条返回结果）")
def send_dispatch(request, payload: SendIn):
    rows = [(r.worker, r.gig, r.shift) for r in payload.rows]
    return services.send_invitations(rows, actor=request.auth)
