"""Public statistics: aggregates only, read from the daily snapshots, never personal data."""

from __future__ import annotations

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lingong.places.towns import CITY_NAMES, resolve_town

from .definitions import RATIO_DEFINITION
from .models import Scope
from .read import figures, latest_day

router = Router()


class SummaryQuery(Schema):
    town: str = Field(
        default="", max_length=20, description="镇街编号、名称或简称（如 小榄）；不填或填“中山市”为全市"
    )


class SummaryOut(Schema):
    area: str = Field(description="全市或镇街名称")
    town_code: str | None
    snapshot_date: str | None = Field(description="快照日期（前一天结束时的数据）；尚无快照时为空")
    job_seekers_registered: int
    job_seekers_active: int = Field(description="近 30 天搜索、报名或接受过站点服务的求职者")
    open_gigs: int
    open_headcount: int = Field(description="在招岗位尚未开始班次的空缺人数")
    job_seeker_ratio: float | None = Field(description=RATIO_DEFINITION)
    bookings_7d: int
    completions_7d: int
    pay_confirmed_yuan_7d: float
    services_7d: int
    arrears_open: int
    hardship_placed_7d: int


@router.get("/summary", response=SummaryOut, summary="全市或镇街的运行概况（求人倍率等）")
def summary(request, q: Query[SummaryQuery]):
    area, town_code, scope, key = "全市", None, Scope.CITY.value, "city"
    if q.town.strip() and q.town.strip() not in CITY_NAMES:
        town = resolve_town(q.town.strip())
        if town is None:
            raise HttpError(404, f"找不到镇街“{q.town.strip()}”，请填写镇街编号、名称或简称")
        area, town_code, scope, key = town.name, town.code, Scope.TOWN.value, town.code
    day = latest_day()
    f = figures(scope, key, day) if day else {}

    def n(name: str) -> int:
        return int(f.get(name, 0) or 0)  # type: ignore[call-overload]

    return {
        "area": area,
        "town_code": town_code,
        "snapshot_date": day.isoformat() if day else None,
        "job_seekers_registered": n("seekers_registered"),
        "job_seekers_active": n("seekers_active"),
        "open_gigs": n("gigs_open"),
        "open_headcount": n("open_headcount"),
        "job_seeker_ratio": f.get("job_seeker_ratio"),
        "bookings_7d": n("bookings"),
        "completions_7d": n("completions"),
        "pay_confirmed_yuan_7d": float(f.get("pay_confirmed_yuan", 0) or 0),  # type: ignore[arg-type]
        "services_7d": n("services"),
        "arrears_open": n("arrears_open"),
        "hardship_placed_7d": n("hardship_placed"),
    }
