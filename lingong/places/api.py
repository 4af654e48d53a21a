"""Public API for towns and stations."""

from __future__ import annotations

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lingong.lib.geo import parse_point

from .circle import Reach
from .hours import weekly_summary
from .models import Station, Town
from .queries import FilterError, StationFilter, find_stations

router = Router()


class TownOut(Schema):
    code: str
    name: str
    short: str
    kind: str
    aliases: list[str]
    lat: float
    lng: float


class StationOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    town: str
    town_code: str
    industry: str
    address: str
    lat: float
    lng: float
    hours: dict[str, str]
    phone: str
    contact_name: str
    services: list[str]
    facilities: list[str]
    is_demo_site: bool
    status: str
    status_label: str
    distance_m: int | None = None
    minutes: float | None = None


class StationList(Schema):
    count: int
    mode: str
    items: list[StationOut]


class StationQuery(Schema):
    town: str = Field(
        default="", max_length=30, description="镇街：区划代码、名称、简称或别名（如 火炬开发区）"
    )
    kind: Literal["gig_market", "employment_station", ""] = ""
    service: str = Field(default="", max_length=30, description="服务项目代码，如 recommendation")
    open_now: bool = False
    near: str = Field(default="", max_length=60, description="位置“纬度,经度”，如 22.675,113.246")
    within_minutes: float | None = Field(default=None, gt=0, le=180, description="只返回估计分钟数以内的站点")
    mode: Literal["walk", "ebike", "car"] = "walk"


def station_out(reach: Reach, with_distance: bool) -> dict:
    s = reach.station
    return {
        "code": s.code,
        "name": s.name,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "town": s.town.name,
        "town_code": s.town.code,
        "industry": s.industry,
        "address": s.address,
        "lat": s.lat,
        "lng": s.lng,
        "hours": dict(weekly_summary(s)),
        "phone": s.phone,
        "contact_name": s.contact_name,
        "services": s.services,
        "facilities": s.facilities,
        "is_demo_site": s.is_demo_site,
        "status": s.status,
        "status_label": s.get_status_display(),
        "distance_m": round(reach.distance_m) if with_distance else None,
        "minutes": round(reach.minutes, 1) if with_distance else None,
    }


@router.get("/towns", response=list[TownOut], auth=None, summary="23 个镇街")
def list_towns(request):
    return list(Town.objects.all())


@router.get("/stations", response=StationList, auth=None, summary="查找站点（可按位置、分钟数、服务筛选）")
def list_stations(request, q: Query[StationQuery]):
    try:
        near = parse_point(q.near) if q.near else None
        f = StationFilter(q.town, q.kind, q.service, q.open_now, near, q.within_minutes, q.mode)
        reaches, mode, _ = find_stations(request.user, f)
    except (FilterError, ValueError) as exc:
        raise HttpError(400, str(exc)) from None
    items = [station_out(r, near is not None) for r in reaches]
    return {"count": len(items), "mode": mode.code, "items": items}


@router.get("/stations/{code}", response=StationOut, auth=None, summary="站点详情")
def get_station(request, code: str):
    station = get_object_or_404(
        Station.objects.visible_to(request.user)
        .select_related("town")
        .prefetch_related("opening_hours", "hours_exceptions"),
        code=code,
    )
    return station_out(Reach(station, 0, 0), with_distance=False)
