"""Writes to events: create and edit, publish, cancel, hold (with its ledger line), participating employers
and their gigs.

Every function checks who may do it, validates everything before writing, saves whole or not at all, and
writes an audit entry in the same transaction. Sign-ups, attendance and outcomes are in signups.py.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer
from lingong.gigs.models import Gig
from lingong.ledger.services import record_service
from lingong.lib.codes import new_code
from lingong.lib.geo import in_city
from lingong.places.models import Station

from .models import Event, EventEmployer, EventKind, EventStatus, OutcomeKind, SignupStatus

# The ledger takes at most this many anonymous walk-ins on one line.
MAX_CAPACITY = 2000
DAYS_BACK = 30  # events may be entered a little after the fact
DAYS_AHEAD = 365
LEDGER_SERVICE = "recruitment"  # ledger ServiceType 招聘活动
LEDGER_SOURCE = "event"


def clean_text(value: object, *, multiline: bool = False) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n")
    keep = "\n" if multiline else ""
    return "".join(ch if ch in keep or unicodedata.category(ch)[0] != "C" else " " for ch in text).strip()


def may_run_events(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_back_office)


def stations_for(user: User):
    """The stations whose events this person may run (the same scope as running the station)."""
    return Station.objects.operable_by(user).exclude(status="revoked").select_related("town")


def _check_manage(actor: User | None, event: Event) -> None:
    if not Event.objects.manageable_by(actor).filter(pk=event.pk).exists():
        raise PermissionDenied("只能管理本站点（或本镇街）的活动")


def _parse_date(raw: Any, errors: dict) -> dt.date | None:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors.setdefault("date", []).append("请填写日期，格式如 2026-05-01")
        return None


def _parse_time(raw: Any, field: str, label: str, errors: dict) -> dt.time | None:
    if isinstance(raw, dt.time):
        return raw
    try:
        return dt.time.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors.setdefault(field, []).append(f"请填写{label}，格式如 09:00")
        return None


def _parse_point(data: dict, station: Station | None, errors: dict) -> tuple[float, float] | None:
    lat_raw, lng_raw = str(data.get("lat") or "").strip(), str(data.get("lng") or "").strip()
    if not lat_raw and not lng_raw:
        return (station.lat, station.lng) if station is not None else None
    try:
        lat, lng = float(lat_raw), float(lng_raw)
    except ValueError:
        errors.setdefault("lat", []).append("纬度和经度都要填写数字，或都不填（用站点的位置）")
        return None
    if not in_city(lat, lng):
        errors.setdefault("lat", []).append("位置不在中山市范围内，请核对纬度和经度")
        return None
    return lat, lng


def clean_event_data(data: dict[str, Any], *, actor: User, event: Event | None = None) -> dict[str, Any]:
    """Raw values (form or API) → model values, or ValidationError with Chinese messages per field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    kind = str(data.get("kind") or "")
    if kind not in EventKind.values:
        errors["kind"] = ["请选择活动类型：" + "、".join(EventKind.labels)]
    out["kind"] = kind
    for field, limit, label, required in (
        ("title", 80, "名称", True),
        ("venue", 80, "场地", False),
        ("address", 200, "地址", False),
    ):
        text = clean_text(data.get(field))
        if len(text) > limit:
            errors.setdefault(field, []).append(f"{label}不能超过 {limit} 个字")
        elif required and not text:
            errors.setdefault(field, []).append(f"请填写{label}")
        out[field] = text
    out["description"] = clean_text(data.get("description"), multiline=True)
    if len(out["description"]) > 3000:
        errors["description"] = ["活动介绍不能超过 3000 个字"]
    station = data.get("station")
    if not isinstance(station, Station):
        station = Station.objects.filter(code=str(station or "")).first()
    if station is None or not stations_for(actor).filter(pk=station.pk).exists():
        errors["station"] = ["请选择您负责的站点作为主办站点"]
        station = None
    out["station"] = station
    if station is not None:
        out["town"] = station.town
        if not out["address"]:
            out["address"] = station.address
        if not out["address"]:
            errors.setdefault("address", []).append("请填写活动地址")
    point = _parse_point(data, station, errors)
    if point is not None:
        out["lat"], out["lng"] = point
    day = _parse_date(data.get("date"), errors)
    start = _parse_time(data.get("start"), "start", "开始时间", errors)
    end = _parse_time(data.get("end"), "end", "结束时间", errors)
    today = timezone.localdate()
    if day is not None and not (
        today - dt.timedelta(days=DAYS_BACK) <= day <= today + dt.timedelta(days=DAYS_AHEAD)
    ):
        errors.setdefault("date", []).append(f"日期应在最近 {DAYS_BACK} 天到一年以内")
    if day is not None and start is not None and end is not None:
        tz = timezone.get_current_timezone()
        out["starts_at"] = dt.datetime.combine(day, start, tzinfo=tz)
        out["ends_at"] = dt.datetime.combine(day, end, tzinfo=tz)
        if end <= start:
            errors.setdefault("end", []).append("结束时间要晚于开始时间")
    raw_capacity = data.get("capacity")
    try:
        capacity = int(str(raw_capacity).strip()) if raw_capacity not in (None, "") else None
    except ValueError:
        capacity = None
        errors["capacity"] = ["名额应为整数"]
    if capacity is None:
        errors.setdefault("capacity", ["请填写名额（人数）"])
    else:
        if not 1 <= capacity <= MAX_CAPACITY:
            errors["capacity"] = [f"名额应在 1 到 {MAX_CAPACITY} 人之间；更大的活动请分场次登记"]
        elif event is not None and capacity < event.signed_up:
            errors["capacity"] = [f"名额不能少于已报名人数（{event.signed_up} 人）"]
        out["capacity"] = capacity
    if errors:
        raise ValidationError(errors)
    return out


EVENT_FIELDS = (
    "kind", "title", "description", "station", "town", "venue", "address", "lat", "lng",
    "starts_at", "ends_at", "capacity",
)  # fmt: skip


def snapshot(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "title": event.title,
        "station": event.station.code,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "address": event.address,
        "capacity": event.capacity,
        "status": event.status,
    }


@transaction.atomic
def save_event(*, actor: User, data: dict[str, Any], event: Event | None = None) -> Event:
    """Create a draft event, or edit one that is not over (held or cancelled events are history)."""
    if not may_run_events(actor):
        raise PermissionDenied("只有站点工作人员和镇街、市级管理员可以组织活动")
    if event is not None:
        event = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
        _check_manage(actor, event)
        if event.status in (EventStatus.HELD, EventStatus.CANCELLED):
            raise ValidationError("已举办或已取消的活动不能修改")
        before = snapshot(event)
    cleaned = clean_event_data(data, actor=actor, event=event)
    if event is None:
        event = Event(code=new_code("E"), organiser=actor)
        before = {}
    for field in EVENT_FIELDS:
        setattr(event, field, cleaned[field])
    event.save()
    after = snapshot(event)
    if before:
        b, a = audit.diff(before, after)
        audit.record(actor, "events.edit", event, summary="修改活动", before=b, after=a)
    else:
        audit.record(actor, "events.create", event, summary="新建活动", after=after)
    return event


def _locked(event: Event, actor: User) -> Event:
    event = Event.objects.select_for_update(of=("self",)).select_related("station", "town").get(pk=event.pk)
    _check_manage(actor, event)
    return event


@transaction.atomic
def publish_event(event: Event, *, actor: User) -> Event:
    event = _locked(event, actor)
    if event.status != EventStatus.DRAFT:
        raise ValidationError(f"活动{event.get_status_display()}，不能再发布")
    if event.ends_at <= timezone.now():
        raise ValidationError("活动时间已过，不能发布；如已举办，请直接登记签到后确认举办")
    event.status = EventStatus.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(actor, "events.publish", event, summary="发布活动，开始报名")
    return event


@transaction.atomic
def cancel_event(event: Event, *, actor: User, reason: str) -> Event:
    event = _locked(event, actor)
    reason = clean_text(reason)[:200]
    if not reason:
        raise ValidationError({"reason": ["请填写取消原因，报名的人会看到"]})
    if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise ValidationError(f"活动{event.get_status_display()}，不能取消")
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    event.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit.record(actor, "events.cancel", event, summary=f"取消活动：{reason}")
    return event


def outcome_totals(event: Event) -> dict[str, int]:
    counts = dict(event.outcomes.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in OutcomeKind.values}


@transaction.atomic
def hold_event(event: Event, *, actor: User) -> Event:
    """Confirm the event took place. Its attendance goes into the station's ledger as one 招聘活动 line:
    everyone checked in who is not already there (people signed up on the spot have their own lines)."""
    event = _locked(event, actor)
    now = timezone.now()
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError(f"活动{event.get_status_display()}，不能确认举办")
    if now < event.starts_at:
        raise ValidationError("活动还没开始，开始后才能确认举办")
    attended = event.signups.filter(status=SignupStatus.ACTIVE, checked_in_at__isnull=False)
    total = attended.count()
    if total == 0:
        raise ValidationError("还没有人签到：请先为到场的人签到，再确认活动已举办")
    uncounted = attended.filter(in_ledger=False)
    count = uncounted.count()
    totals = outcome_totals(event)
    employers = event.participants.count()
    if count:
        record_service(
            station=event.station,
            service=LEDGER_SERVICE,
            actor=actor,
            walk_in_count=count,
            notes=f"{event.get_kind_display()}《{event.title}》：签到 {total} 人，参会单位 {employers} 家",
            outcome=f"达成意向 {totals['intention']} 人次，到岗 {totals['hired']} 人",
            source=LEDGER_SOURCE,
            ref=event.code,
            at=min(event.starts_at, now),
        )
        uncounted.update(in_ledger=True)
    event.status = EventStatus.HELD
    event.held_at = now
    event.save(update_fields=["status", "held_at", "updated_at"])
    audit.record(actor, "events.hold", event, summary=f"确认举办：签到 {total} 人，记入台账 {count} 人")
    return event


# --- participating employers and their gigs -----------------------------------------------------------


def _check_open_for_changes(event: Event) -> None:
    if event.status in (EventStatus.HELD, EventStatus.CANCELLED):
        raise ValidationError(f"活动{event.get_status_display()}，不能再修改参会单位")


def find_employer(ref: str) -> Employer | None:
    """An employer by its code or its exact name."""
    ref = clean_text(ref)
    if not ref:
        return None
    return Employer.objects.filter(Q(code=ref.upper()) | Q(name=ref)).first()


@transaction.atomic
def add_employer(event: Event, *, actor: User, employer: Employer, booth: str = "") -> EventEmployer:
    event = _locked(event, actor)
    _check_open_for_changes(event)
    if not employer.is_verification_current():
        raise ValidationError({"employer": ["该用工主体尚未通过认证（或认证已过期），不能参会招聘"]})
    if event.participants.filter(employer=employer).exists():
        raise ValidationError({"employer": [f"“{employer.name}”已在参会名单中"]})
    participant = EventEmployer.objects.create(
        event=event, employer=employer, booth=clean_text(booth)[:20], added_by=actor
    )
    # Its open gigs come along by default; staff untick the ones it does not bring.
    participant.gigs.set(Gig.objects.public().filter(employer=employer))
    audit.record(actor, "events.add_employer", event, summary=f"添加参会单位：{employer.name}")
    return participant


@transaction.atomic
def remove_employer(participant: EventEmployer, *, actor: User) -> None:
    event = _locked(participant.event, actor)
    _check_open_for_changes(event)
    if event.outcomes.filter(employer_id=participant.employer_id).exists():
        raise ValidationError("该单位已有意向或到岗记录，不能移出参会名单")
    name = participant.employer.name
    participant.delete()
    audit.record(actor, "events.remove_employer", event, summary=f"移出参会单位：{name}")


@transaction.atomic
def set_gigs(participant: EventEmployer, *, actor: User, gig_codes: list[str]) -> list[Gig]:
    """The employer's open gigs offered at the event (existing postings, linked, never copied)."""
    event = _locked(participant.event, actor)
    _check_open_for_changes(event)
    codes = list(dict.fromkeys(c.strip() for c in gig_codes if c and c.strip()))
    gigs = list(Gig.objects.public().filter(employer_id=participant.employer_id, code__in=codes))
    missing = set(codes) - {g.code for g in gigs}
    if missing:
        raise ValidationError({"gigs": [f"岗位 {'、'.join(sorted(missing))} 不是该单位正在招聘的岗位"]})
    participant.gigs.set(gigs)
    audit.record(
        actor,
        "events.set_gigs",
        event,
        summary=f"{participant.employer.name} 参会岗位 {len(gigs)} 个",
        after={"gigs": [g.code for g in gigs]},
    )
    return gigs
