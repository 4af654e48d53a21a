"""Ledger API for station tablets and reporting: the day's lines, recording a line, monthly summaries.

The same access paths and services as the pages; Django ValidationError becomes a 422 with Chinese
messages, PermissionDenied a 403 and Http404 a 404 (lingong/api/main.py).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lingong.api.auth import token_or_session
from lingong.workers.models import Worker, WorkerStatus

from . import services
from .access import admin_towns, entry_for, ledger_stations, require_staff, station_for
from .models import MAX_WALK_INS, LedgerEntry, Partner, ServiceType
from .reports import PeriodError, by_service, city_month, parse_month, shift_month, station_month, town_month

router = Router(auth=token_or_session)
SERVICE_HELP = "；".join(f"{code} {label}" for code, label in ServiceType.choices)


class EntryOut(Schema):
    code: str
    station: str
    station_name: str
    day: dt.date
    at: dt.datetime
    service: str
    service_label: str
    worker: str | None = Field(description="求职编号；匿名来访为空")
    worker_name: str | None = Field(description="姓名（隐去中间字）")
    walk_in_count: int
    persons: int = Field(description="服务人次")
    coordinator: str | None
    partner: str | None
    partner_name: str | None
    notes: str
    outcome: str
    result: str
    source: str
    ref: str
    voided: bool
    void_reason: str


class TotalOut(Schema):
    service: str
    label: str
    lines: int
    persons: int


class DayOut(Schema):
    station: str
    station_name: str
    date: dt.date
    lines: int
    persons: int
    totals: list[TotalOut]
    items: list[EntryOut]


class DayQuery(Schema):
    station: str = Field(default="", max_length=12, description="站点编号；只负责一个站点时可不填")
    date: dt.date | None = Field(default=None, description="日期，默认今天")
    include_voided: bool = Field(default=True, description="是否列出已作废的记录（作废记录不计入合计）")


class EntryIn(Schema):
    station: str = Field(min_length=1, max_length=12, description="站点编号")
    service: str = Field(min_length=1, max_length=20, description=SERVICE_HELP)
    worker: str = Field(default="", max_length=12, description="求职编号；匿名来访不填")
    walk_in_count: int = Field(
        default=0, ge=0, le=MAX_WALK_INS, description="匿名来访人数（不填求职者时至少 1）"
    )
    notes: str = Field(default="", max_length=500)
    outcome: str = Field(default="", max_length=200, description="结果说明，如“推荐到某岗位”")
    result: str = Field(
        default="", max_length=10, description="referred 已推荐/转介；hired 已上岗；none 暂无结果"
    )
    partner: str = Field(default="", max_length=12, description="提供服务的合作伙伴编号（可不填）")
    at: dt.datetime | None = Field(default=None, description="服务时间，默认现在；最多补录 7 天")


class VoidIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class SummaryRow(Schema):
    key: str = Field(description="日期、站点编号或镇街代码")
    label: str
    total: int
    by_service: dict[str, int]


class LedgerSummaryOut(Schema):
    scope: str = Field(description="station / town / city")
    code: str
    name: str
    month: str
    persons: int
    by_service: list[TotalOut]
    rows: list[SummaryRow]


class LedgerSummaryQuery(Schema):
    station: str = Field(default="", max_length=12)
    town: str = Field(default="", max_length=12, description="镇街区划代码")
    month: str = Field(default="", max_length=7, description="YYYY-MM，默认本月")


def entry_out(e: LedgerEntry) -> dict:
    return {
        "code": e.code,
        "station": e.station.code,
        "station_name": e.station.name,
        "day": e.day,
        "at": e.at,
        "service": e.service,
        "service_label": e.get_service_display(),
        "worker": e.worker.code if e.worker is not None else None,
        "worker_name": e.worker.masked_name if e.worker is not None else None,
        "walk_in_count": e.walk_in_count,
        "persons": e.persons,
        "coordinator": str(e.coordinator) if e.coordinator_id else None,
        "partner": e.partner.code if e.partner is not None else None,
        "partner_name": e.partner.name if e.partner is not None else None,
        "notes": e.notes,
        "outcome": e.outcome,
        "result": e.result,
        "source": e.source,
        "ref": e.ref,
        "voided": e.is_voided,
        "void_reason": e.void_reason,
    }


def _totals(qs) -> tuple[list[dict], int, int]:
    t = by_service(qs)
    rows = [{"service": r.code, "label": r.label, "lines": r.lines, "persons": r.persons} for r in t.rows]
    return rows, t.lines, t.persons


def _default_station(user, code: str):
    if code:
        return station_for(user, code.strip().upper())
    require_staff(user)
    stations = ledger_stations(user)
    if stations.count() != 1:
        raise ValidationError({"station": ["请指定站点编号 station"]})
    return stations.get()


@router.get("/entries", response=DayOut, summary="某站点某天的台账（工作人员，本站点/本镇街/全市）")
def list_entries(request, q: Query[DayQuery]):
    user = request.auth
    station = _default_station(user, q.station)
    day = q.date or timezone.localdate()
    qs = LedgerEntry.objects.filter(station=station, day=day)
    items = qs.select_related("station", "worker", "partner", "coordinator").order_by("at", "id")
    if not q.include_voided:
        items = items.valid()
    totals, lines, persons = _totals(qs)
    return {
        "station": station.code,
        "station_name": station.name,
        "date": day,
        "lines": lines,
        "persons": persons,
        "totals": totals,
        "items": [entry_out(e) for e in items],
    }


@router.post("/entries", response={201: EntryOut}, summary="记录一项服务（站点工作人员）")
def create_entry(request, payload: EntryIn):
    user = request.auth
    station = station_for(user, payload.station.strip().upper())
    worker = None
    if payload.worker:
        worker = (
            Worker.objects.served_by(user)
            .exclude(status=WorkerStatus.ERASED)
            .filter(code=payload.worker.strip().upper())
            .first()
        )
        if worker is None:
            raise ValidationError({"worker": ["找不到该求职者，或不在您服务的范围内"]})
    partner = None
    if payload.partner:
        partner = Partner.objects.filter(station=station, code=payload.partner.strip().upper()).first()
        if partner is None:
            raise ValidationError({"partner": ["本站点没有这个合作伙伴"]})
    with transaction.atomic():
        entry = services.record_service(
            station=station,
            service=payload.service,
            actor=user,
            worker=worker,
            walk_in_count=payload.walk_in_count,
            notes=payload.notes,
            outcome=payload.outcome,
            result=payload.result,
            partner=partner,
            at=payload.at,
        )
    return Status(201, entry_out(entry))


@router.post("/entries/{code}/void", response=EntryOut, summary="作废一条台账（本人当天；镇街/市级管理员）")
def void_entry(request, code: str, payload: VoidIn):
    entry = entry_for(request.auth, code.strip().upper())
    return entry_out(services.void_entry(entry, actor=request.auth, reason=payload.reason))


def _rows_by_service(grid) -> list[dict]:
    codes = [code for code, _ in grid.columns]
    return [
        {
            "key": r.key,
            "label": r.label,
            "total": r.total,
            "by_service": dict(zip(codes, r.cells, strict=True)),
        }
        for r in grid.rows
    ]


@router.get(
    "/summary",
    response=LedgerSummaryOut,
    summary="月度汇总：某站点（按日）、某镇街（按站点）或全市（按镇街）",
)
def summary(request, q: Query[LedgerSummaryQuery]):
    user = request.auth
    require_staff(user)
    try:
        first = parse_month(q.month, timezone.localdate())
    except PeriodError as exc:
        raise ValidationError({"month": [str(exc)]}) from None
    last = shift_month(first, 1) - dt.timedelta(days=1)
    month = f"{first:%Y-%m}"
    if q.station:
        station = station_for(user, q.station.strip().upper())
        grid = station_month(station, first)
        days = [
            {
                "key": key,
                "label": label,
                "total": sum(r.cells[i] for r in grid.rows),
                "by_service": {r.key: r.cells[i] for r in grid.rows},
            }
            for i, (key, label) in enumerate(grid.columns)
        ]
        totals, _, persons = _totals(LedgerEntry.objects.filter(station=station, day__range=(first, last)))
        return {
            "scope": "station",
            "code": station.code,
            "name": station.name,
            "month": month,
            "persons": persons,
            "by_service": totals,
            "rows": days,
        }
    if q.town:
        town = admin_towns(user).filter(code=q.town.strip()).first()
        if town is None:
            raise PermissionDenied("只能查看本镇街的台账汇总")
        grid = town_month(town, first)
        totals, _, persons = _totals(LedgerEntry.objects.filter(station__town=town, day__range=(first, last)))
        return {
            "scope": "town",
            "code": town.code,
            "name": town.name,
            "month": month,
            "persons": persons,
            "by_service": totals,
            "rows": _rows_by_service(grid),
        }
    if not user.is_city_admin:
        raise ValidationError({"station": ["请指定站点编号 station 或镇街代码 town"]})
    grid = city_month(first)
    totals, _, persons = _totals(LedgerEntry.objects.filter(day__range=(first, last)))
    return {
        "scope": "city",
        "code": "442000",
        "name": "中山市",
        "month": month,
        "persons": persons,
        "by_service": totals,
        "rows": _rows_by_service(grid),
    }
