"""Event API: the public list of upcoming events, and sign-up for a worker (mini-program, kiosks)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.content.kiosk import absolute_url

from . import signups
from .models import Event, SignupSource

router = Router()


class EventOut(Schema):
    code: str
    kind: str
    kind_label: str
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    station: str = Field(description="主办站点编号")
    station_name: str
    town: str
    venue: str
    address: str
    lat: float
    lng: float
    capacity: int
    places_left: int
    employers: list[str] = Field(description="参会用工主体")
    url: str


class EventList(Schema):
    count: int
    items: list[EventOut]


class EventQuery(Schema):
    kind: Literal["job_fair", "briefing", "training", "mobile", ""] = ""
    town: str = Field(default="", max_length=9, pattern=r"^\d*$", description="镇街区划代码")
    station: str = Field(default="", max_length=12, pattern=r"^[0-9A-Za-z]*$", description="主办站点编号")
    limit: int = Field(default=50, ge=1, le=200)


def event_out(request, e: Event) -> dict:
    return {
        "code": e.code,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "title": e.title,
        "description": e.description,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "station": e.station.code,
        "station_name": e.station.name,
        "town": e.town.name,
        "venue": e.venue,
        "address": e.address,
        "lat": e.lat,
        "lng": e.lng,
        "capacity": e.capacity,
        "places_left": e.places_left,
        "employers": [p.employer.name for p in e.participants.all()],
        "url": absolute_url(request, reverse("events:detail", args=[e.code])),
    }


@router.get("", response=EventList, auth=None, summary="近期招聘活动（报名中）")
def list_events(request, q: Query[EventQuery]):
    qs = Event.objects.upcoming().select_related("station", "town").prefetch_related("participants__employer")
    if q.kind:
        qs = qs.filter(kind=q.kind)
    if q.town:
        qs = qs.filter(town__code=q.town)
    if q.station:
        qs = qs.filter(station__code=q.station)
    qs = qs.order_by("starts_at", "id")
    items = [event_out(request, e) for e in qs[: q.limit]]
    return {"count": qs.count(), "items": items}


class SignupIn(Schema):
    via: Literal["online", "qr"] = Field(default="online", description="qr：在活动现场扫码报名")


class SignupOut(Schema):
    code: str
    event: str
    status: str
    source: str
    created_at: dt.datetime


class SignupConflict(Schema):
    detail: str


@router.post(
    "/{code}/signups",
    response={201: SignupOut, 409: SignupConflict},
    auth=token_or_session,
    summary="报名活动（已登记的求职者）：201 成功，409 名额已满或已报名",
)
def create_signup(request, code: str, payload: SignupIn | None = None):
    event = get_object_or_404(Event.objects.public(), code=code)
    via = payload.via if payload is not None else "online"
    try:
        signup = signups.sign_up(
            event, actor=request.auth, source=SignupSource.QR if via == "qr" else SignupSource.ONLINE
        )
    except signups.SignupConflict as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(
        201,
        {
            "code": signup.code,
            "event": event.code,
            "status": signup.status,
            "source": signup.source,
            "created_at": signup.created_at or timezone.now(),
        },
    )
