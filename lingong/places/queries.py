"""Reading stations for the finder, the API and the directory: one place for the filters."""

from __future__ import annotations

from dataclasses import dataclass

from lingong.lib.geo import TravelMode, travel_mode

from .circle import Reach, reachable
from .hours import is_open_at
from .models import Service, Station, StationKind, Town
from .towns import resolve_town


@dataclass
class StationFilter:
    town: str = ""
    kind: str = ""
    service: str = ""
    open_now: bool = False
    near: tuple[float, float] | None = None
    within_minutes: float | None = None
    mode: str = "walk"


class FilterError(ValueError):
    """A filter value people can fix; the message is shown to them as is."""


def find_stations(user, f: StationFilter) -> tuple[list[Reach], TravelMode, Town | None]:
    qs = (
        Station.objects.visible_to(user)
        .select_related("town")
        .prefetch_related("opening_hours", "hours_exceptions")
    )
    town = None
    if f.town:
        town = resolve_town(f.town)
        if town is None:
            raise FilterError(f"找不到镇街“{f.town}”，请填写镇街名称、简称或区划代码")
        qs = qs.filter(town=town)
    if f.kind:
        if f.kind not in StationKind.values:
            raise FilterError("站点类型应为 gig_market（零工市场）或 employment_station（就业驿站）")
        qs = qs.filter(kind=f.kind)
    if f.service and f.service not in Service.values:
        raise FilterError(f"未知的服务项目“{f.service}”，可选：{'、'.join(Service.values)}")
    try:
        mode = travel_mode(f.mode or "walk")
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    if f.within_minutes is not None and f.near is None:
        raise FilterError("按分钟筛选时需要同时提供位置 near=纬度,经度")
    stations = list(qs)
    if f.service:
        # JSON containment differs across databases; the list is small, so filter here.
        stations = [s for s in stations if f.service in s.services]
    if f.open_now:
        stations = [s for s in stations if is_open_at(s)]
    if f.near is not None:
        return reachable(stations, *f.near, mode, f.within_minutes), mode, town
    return [Reach(s, 0.0, 0.0) for s in stations], mode, town
