"""Writes to the construction programme: checklist ticks, milestones, phase moves and acceptance.

Every function checks scope, validates before writing, runs in one transaction and writes an audit
entry. Station fields (status, accepted_on) change only through lingong.places.services.update_station,
so the station's own audit trail and validation apply too.
"""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.lib.geo import in_city
from lingong.places import services as place_services
from lingong.places.models import Station, StationStatus, Town

from . import checklist
from .access import check_town, current_round
from .models import CandidateKind, CandidateSite, ChecklistTick, Milestone, PhaseKey, Round, StationProgress

EVIDENCE_MAX = 300
NOTE_MAX = 300
ACCEPTABLE = {StationStatus.BUILDING, StationStatus.AWAITING_ACCEPTANCE}


def clean_text(value: object, *, field: str, max_length: int, required: str = "") -> str:
    """Trimmed text with inner runs of whitespace collapsed; Chinese errors for empty or too long."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: [required]})
    if len(text) > max_length:
        raise ValidationError({field: [f"不能超过 {max_length} 个字"]})
    return text


def check_date(value: dt.date | None, *, field: str, earliest: dt.date, label: str) -> dt.date:
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        raise ValidationError({field: [f"{label}不能晚于今天"]})
    if value < earliest:
        raise ValidationError({field: [f"{label}不能早于 {earliest:%Y-%m-%d}"]})
    return value


def _locked_progress(station: Station, rnd: Round | None = None) -> StationProgress:
    """The station's progress record, created in the current round on first use, locked for this change."""
    progress = StationProgress.objects.select_for_update(of=("self",)).filter(station=station).first()
    if progress is None:
        progress = StationProgress.objects.create(station=station, round=rnd or current_round())
    return progress


def _snapshot(progress: StationProgress) -> dict[str, object]:
    return {
        "round": progress.round.code,
        "kiosk_planned": progress.kiosk_planned,
        "town_accepted_on": progress.town_accepted_on,
        "town_accepted_by": str(progress.town_accepted_by or ""),
        "city_accepted_on": progress.city_accepted_on,
        "city_accepted_by": str(progress.city_accepted_by or ""),
    }


@transaction.atomic
def set_plan(
    station: Station, *, actor: User, round_code: str | None, kiosk_planned: bool
) -> StationProgress:
    """Put a station in a round (later rounds) and say whether it gets a kiosk (信息一体机)."""
    check_town(actor, station.town_id)
    rnd = current_round(round_code)
    progress = _locked_progress(station, rnd)
    if progress.town_accepted_on and (progress.round_id != rnd.id or progress.kiosk_planned != kiosk_planned):
        raise ValidationError("站点已通过镇街验收，不能再修改建设批次或设备计划；如需修改请由市级退回")
    before = _snapshot(progress)
    progress.round, progress.kiosk_planned = rnd, kiosk_planned
    progress.save(update_fields=["round", "kiosk_planned", "updated_at"])
    b, a = audit.diff(before, _snapshot(progress))
    audit.record(
        actor, "programme.plan", station, summary=f"建设计划：{'、'.join(a) or '无变化'}", before=b, after=a
    )
    return progress


@transaction.atomic
def tick_item(station: Station, *, actor: User, item: str, evidence: object) -> ChecklistTick:
    """Confirm a manual checklist item with a written note of what was seen."""
    check_town(actor, station.town_id)
    if item not in checklist.MANUAL_KEYS:
        raise ValidationError({"item": ["该验收项由系统根据站点数据自动核对，不能手工勾选"]})
    text = clean_text(
        evidence,
        field="evidence",
        max_length=EVIDENCE_MAX,
        required="请填写核实说明（如现场查看情况、设备型号和数量）",
    )
    progress = _locked_progress(station)
    if progress.town_accepted_on:
        raise ValidationError("站点已通过镇街验收，验收清单不能再修改；如需修改请由市级退回")
    if item == "kiosk" and not progress.kiosk_planned:
        raise ValidationError({"item": ["本站点未计划配置信息一体机，不需验收此项"]})
    if item == "services" and not station.services:
        raise ValidationError({"item": ["请先在站点信息中登记服务项目"]})
    tick, _ = ChecklistTick.objects.update_or_create(
        progress=progress,
        item=item,
        defaults={"evidence": text, "ticked_by": actor, "ticked_at": timezone.now()},
    )
    label = checklist.ITEM_BY_KEY[item].label
    audit.record(actor, "programme.tick", station, summary=f"验收项已核实：{label}", after={item: text})
    return tick


@transaction.atomic
def untick_item(station: Station, *, actor: User, item: str) -> None:
    check_town(actor, station.town_id)
    progress = _locked_progress(station)
    if progress.town_accepted_on:
        raise ValidationError("站点已通过镇街验收，验收清单不能再修改；如需修改请由市级退回")
    tick = ChecklistTick.objects.filter(progress=progress, item=item).first()
    if tick is None:
        return
    before = {item: tick.evidence}
    tick.delete()
    label = checklist.ITEM_BY_KEY[item].label if item in checklist.ITEM_BY_KEY else item
    audit.record(actor, "programme.untick", station, summary=f"撤销验收项：{label}", before=before)


@transaction.atomic
def add_milestone(
    station: Station, *, actor: User, title: object, due_on: dt.date | None, phase: str
) -> Milestone:
    check_town(actor, station.town_id)
    text = clean_text(title, field="title", max_length=60, required="请填写事项")
    if due_on is None:
        raise ValidationError({"due_on": ["请填写计划完成日期"]})
    if phase not in PhaseKey.values:
        raise ValidationError({"phase": ["请从列表中选择阶段"]})
    progress = _locked_progress(station)
    milestone = Milestone.objects.create(progress=progress, phase=phase, title=text, due_on=due_on)
    audit.record(
        actor,
        "programme.milestone",
        station,
        summary=f"新增里程碑：{text}",
        after={"title": text, "due_on": due_on},
    )
    return milestone


@transaction.atomic
def complete_milestone(milestone: Milestone, *, actor: User, done_on: dt.date | None = None) -> Milestone:
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("progress__station", "progress__round")
        .get(pk=milestone.pk)
    )
    station = milestone.progress.station
    check_town(actor, station.town_id)
    if milestone.done_on:
        raise ValidationError("该里程碑已完成")
    day = check_date(done_on, field="done_on", earliest=milestone.progress.round.starts_on, label="完成日期")
    milestone.done_on, milestone.done_by = day, actor
    milestone.save(update_fields=["done_on", "done_by"])
    audit.record(
        actor,
        "programme.milestone_done",
        station,
        summary=f"里程碑完成：{milestone.title}",
        after={"done_on": day},
    )
    return milestone


@transaction.atomic
def start_building(station: Station, *, actor: User) -> Station:
    """调研摸底 → 建设实施, through the station service (which checks scope and audits the change)."""
    check_town(actor, station.town_id)
    if station.status != StationStatus.SURVEY:
        raise ValidationError(
            f"站点当前为“{station.get_status_display()}”，只有调研摸底阶段的站点可以转入建设实施"
        )
    _locked_progress(station)
    return place_services.update_station(station, actor=actor, data={"status": StationStatus.BUILDING})


@transaction.atomic
def town_accept(
    station: Station, *, actor: User, note: object = "", on: dt.date | None = None
) -> StationProgress:
    """The town's acceptance (镇街验收): by an admin of the station's own town, checklist complete."""
    if station.town_id not in actor.admin_town_ids:
        raise PermissionDenied("镇街验收须由本镇街分局管理员进行")
    station = Station.objects.select_for_update(of=("self",)).get(pk=station.pk)
    if station.status not in ACCEPTABLE:
        raise ValidationError(f"站点当前为“{station.get_status_display()}”，建设实施中的站点才能验收")
    progress = _locked_progress(station)
    if progress.town_accepted_on:
        raise ValidationError("站点已通过镇街验收，等待市级验收")
    text = clean_text(note, field="note", max_length=NOTE_MAX)
    day = check_date(on, field="on", earliest=progress.round.starts_on, label="验收日期")
    states = checklist.evaluate(station, progress)
    if not checklist.is_complete(states):
        raise ValidationError(f"验收清单尚未完成：{'、'.join(checklist.missing_labels(states))}")
    progress.town_accepted_on, progress.town_accepted_by, progress.town_note = day, actor, text
    progress.town_checklist = [s.as_dict() for s in states]
    progress.save()
    if station.status != StationStatus.AWAITING_ACCEPTANCE:
        place_services.update_station(
            station, actor=actor, data={"status": StationStatus.AWAITING_ACCEPTANCE}
        )
    audit.record(
        actor,
        "programme.town_accept",
        station,
        summary=f"镇街验收通过（{day:%Y-%m-%d}）",
        after=_snapshot(progress),
    )
    return progress


@transaction.atomic
def city_accept(
    station: Station, *, actor: User, note: object = "", on: dt.date | None = None
) -> StationProgress:
    """The city's acceptance (市级验收): the station starts operating from the acceptance date."""
    if not actor.is_city_admin:
        raise PermissionDenied("市级验收须由市人力资源管理办公室管理员进行")
    station = Station.objects.select_for_update(of=("self",)).get(pk=station.pk)
    progress = _locked_progress(station)
    if not progress.town_accepted_on:
        raise ValidationError("须先通过镇街验收")
    if progress.city_accepted_on:
        raise ValidationError("站点已通过市级验收")
    text = clean_text(note, field="note", max_length=NOTE_MAX)
    day = check_date(on, field="on", earliest=progress.town_accepted_on, label="市级验收日期")
    states = checklist.evaluate(station, progress)
    if not checklist.is_complete(states):
        # The automatic items may have lapsed since the town accepted (e.g. hours removed).
        raise ValidationError(f"验收清单尚未完成：{'、'.join(checklist.missing_labels(states))}")
    progress.city_accepted_on, progress.city_accepted_by, progress.city_note = day, actor, text
    progress.city_checklist = [s.as_dict() for s in states]
    progress.save()
    place_services.update_station(
        station,
        actor=actor,
        data={"status": StationStatus.OPERATING, "status_since": day, "accepted_on": day},
    )
    audit.record(
        actor,
        "programme.city_accept",
        station,
        summary=f"市级验收通过（{day:%Y-%m-%d}），投入运营",
        after=_snapshot(progress),
    )
    return progress


@transaction.atomic
def return_to_town(station: Station, *, actor: User, reason: object) -> StationProgress:
    """The city sends a town-accepted station back (退回整改); the checklist can be changed again."""
    if not actor.is_city_admin:
        raise PermissionDenied("只有市级管理员可以退回镇街验收")
    text = clean_text(reason, field="reason", max_length=NOTE_MAX, required="请填写退回原因和整改要求")
    station = Station.objects.select_for_update(of=("self",)).get(pk=station.pk)
    progress = _locked_progress(station)
    if not progress.town_accepted_on or progress.city_accepted_on:
        raise ValidationError("只有已通过镇街验收、尚未市级验收的站点可以退回")
    before = _snapshot(progress)
    progress.town_accepted_on = progress.town_accepted_by = None
    progress.town_note, progress.town_checklist = "", []
    progress.save()
    place_services.update_station(station, actor=actor, data={"status": StationStatus.BUILDING})
    audit.record(
        actor,
        "programme.return",
        station,
        summary=f"退回镇街整改：{text}",
        before=before,
        after=_snapshot(progress),
    )
    return progress


# --- candidate sites for the siting suggestions ------------------------------------------------------


@transaction.atomic
def add_candidate(*, actor: User, town: Town, data: dict[str, object]) -> CandidateSite:
    """A place that could host a station (党群服务中心, 社区服务中心 …), entered by town or city staff."""
    check_town(actor, town.id, "登记")
    errors: dict[str, list[str]] = {}
    try:
        name = clean_text(data.get("name"), field="name", max_length=80, required="请填写名称")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    kind = str(data.get("kind") or "")
    if kind not in CandidateKind.values:
        errors["kind"] = ["请从列表中选择类型"]
    try:
        lat, lng = float(data.get("lat")), float(data.get("lng"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        lat = lng = float("nan")
    if not (math.isfinite(lat) and math.isfinite(lng)) or not in_city(lat, lng):
        errors["lat"] = ["坐标不在中山市范围内，请核对（纬度约 22.2–22.8，经度约 113.1–113.7）"]
    note = str(data.get("note") or "").strip()[:200]
    if errors:
        raise ValidationError(errors)
    site = CandidateSite.objects.create(
        code=new_code("CS"),
        town=town,
        name=name,
        kind=kind,
        lat=lat,
        lng=lng,
        note=note,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit.record(
        actor,
        "programme.candidate",
        site,
        summary=f"登记候选站址：{town.short} {name}",
        after={"kind": kind, "lat": lat, "lng": lng},
    )
    return site


@transaction.atomic
def deactivate_candidate(site: CandidateSite, *, actor: User) -> CandidateSite:
    check_town(actor, site.town_id)
    site = CandidateSite.objects.select_for_update(of=("self",)).get(pk=site.pk)
    if site.active:
        site.active = False
        site.save(update_fields=["active"])
        audit.record(actor, "programme.candidate_off", site, summary=f"停用候选站址：{site.name}")
    return site
