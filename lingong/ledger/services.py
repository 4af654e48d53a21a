"""Writes to the service ledger. Every line is checked, saved whole or not at all, and audited.

Other parts of the system add lines with record_service() inside their own transaction, so a line
exists exactly when the thing it records does.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.places.models import Station
from lingong.places.services import note_ledger_activity
from lingong.workers.models import Worker, WorkerStatus

from .models import MAX_WALK_INS, LedgerEntry, Partner, Result, ServiceType

MANUAL = "manual"
SOURCE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
NOTES_MAX = 500
OUTCOME_MAX = 200
REF_MAX = 40
VOID_REASON_MAX = 200
# A station may write up a paper ledger a few days late, but not rewrite last month.
BACKFILL_DAYS = 7
# Clocks on tablets drift; a line a few minutes "in the future" is a clock, not a mistake.
CLOCK_SLACK = dt.timedelta(minutes=5)
# What a correction may change. Lines added by other parts of the system keep their service and person,
# because (source, ref, service, worker) is how those parts recognise their own lines.
MANUAL_CORRECTABLE = ("service", "walk_in_count", "notes", "outcome", "result", "partner")
SYSTEM_CORRECTABLE = ("notes", "outcome", "result", "partner")


def snapshot(entry: LedgerEntry) -> dict[str, Any]:
    """A readable picture of a line for the audit log's before/after."""
    return {
        "station": entry.station.name,
        "day": entry.day,
        "at": entry.at,
        "service": entry.service,
        "worker": entry.worker.code if entry.worker is not None else None,
        "walk_in_count": entry.walk_in_count,
        "partner": entry.partner.name if entry.partner is not None else None,
        "notes": entry.notes,
        "outcome": entry.outcome,
        "result": entry.result,
        "source": entry.source,
        "ref": entry.ref,
    }


def may_keep_ledger(user: User | None, station: Station) -> bool:
    """Coordinators write their own stations' ledgers; town admins their towns'; city admins all."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_back_office
        and Station.objects.operable_by(user).filter(pk=station.pk).exists()
    )


def _clean_text(value: str, limit: int, field: str, label: str, errors: dict, *, strict: bool) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        if strict:
            errors.setdefault(field, []).append(f"{label}最多 {limit} 个字（现在 {len(text)} 个字）")
        text = text[:limit]
    return text


def _clean_count(worker: Worker | None, walk_in_count: Any, errors: dict) -> int:
    try:
        count = int(walk_in_count or 0)
    except (TypeError, ValueError):
        errors.setdefault("walk_in_count", []).append("来访人数应为整数")
        return 0
    if worker is not None:
        # "1" next to a named worker means that one person; anything more belongs on its own line.
        if count > 1:
            errors.setdefault("walk_in_count", []).append(
                "已选择求职者时不填来访人数；同行的其他人请另记一条匿名来访"
            )
        return 0
    if count < 1:
        errors.setdefault("walk_in_count", []).append("匿名来访请填写人数（至少 1 人）")
    elif count > MAX_WALK_INS:
        errors.setdefault("walk_in_count", []).append(f"来访人数最多 {MAX_WALK_INS} 人")
    return count


def _clean_partner(partner: Partner | None, station: Station, errors: dict) -> Partner | None:
    if partner is None:
        return None
    if partner.station_id != station.pk:
        errors.setdefault("partner", []).append("该合作伙伴不属于本站点")
    elif not partner.active:
        errors.setdefault("partner", []).append("该合作伙伴已停用，不能再记录其服务")
    return partner


def _clean_result(outcome: str, result: str, errors: dict) -> tuple[str, str]:
    # Callers may pass a structured outcome ("referred", "hired", "none") in the outcome text.
    if not result and outcome in Result.values:
        return "", outcome
    if result and result not in Result.values:
        errors.setdefault("result", []).append("结果应为：已推荐/转介、已上岗或暂无结果")
    return outcome, result


def _check_actor(actor: User | None, station: Station, *, manual: bool) -> None:
    if actor is None:
        if manual:
            raise PermissionDenied("手工记录台账需要登录的工作人员")
        return
    if not may_keep_ledger(actor, station):
        raise PermissionDenied("只能记录本站点的服务台账")


def _check_worker(actor: User | None, worker: Worker | None, *, manual: bool, errors: dict) -> None:
    if worker is None or not manual:
        # Other parts of the system have already checked who may serve the worker.
        return
    if worker.status == WorkerStatus.ERASED:
        errors.setdefault("worker", []).append("该求职者已注销，请按匿名来访记录")
    elif not Worker.objects.served_by(actor).filter(pk=worker.pk).exists():
        errors.setdefault("worker", []).append("找不到该求职者，或不在您服务的范围内")


def _local_day(at: dt.datetime) -> dt.date | None:
    try:
        return timezone.localdate(at)
    except (OverflowError, ValueError):  # e.g. year 1 shifted across time zones
        return None


def _existing(source: str, ref: str, service: str, worker: Worker | None) -> LedgerEntry | None:
    qs = LedgerEntry.objects.filter(source=source, ref=ref, service=service)
    qs = qs.filter(worker=worker) if worker is not None else qs.filter(worker__isnull=True)
    return qs.first()


def record_service(
    *,
    station: Station,
    service: str,
    actor: User | None,
    worker: Worker | None = None,
    walk_in_count: int = 0,
    notes: str = "",
    outcome: str = "",
    source: str = MANUAL,
    ref: str = "",
    at: dt.datetime | None = None,
    partner: Partner | None = None,
    result: str = "",
) -> LedgerEntry:
    """Add one line to a station's ledger and return it. Must run inside the caller's transaction.

    - service: a ServiceType code; source: which part of the system adds the line ("manual" for a
      person at the ledger page or API); ref: the related record's code. The same (source, ref,
      service, worker) never makes two lines: the existing line is returned instead.
    - actor: the staff member who gave the service (must keep this station's ledger), or None for a
      line the system adds on its own (e.g. kiosk registration); manual lines need an actor.
    - worker, or walk_in_count ≥ 1 anonymous walk-ins; outcome: free text, or one of the Result codes;
      result: the structured outcome; partner: the station's volunteer or agency who gave the service.
    - at: when the service was given (default now); the line is filed under that local day.
    Raises PermissionDenied or ValidationError (Chinese messages keyed by field); nothing is saved then.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_service must be called inside transaction.atomic")
    manual = source == MANUAL
    _check_actor(actor, station, manual=manual)
    errors: dict[str, list[str]] = {}
    if service not in ServiceType.values:
        errors.setdefault("service", []).append(f"未知的服务类型“{service}”")
    if not SOURCE_PATTERN.match(source or ""):
        errors.setdefault("source", []).append("来源代码应为小写字母、数字和下划线")
    ref = _clean_text(ref, REF_MAX, "ref", "关联编号", errors, strict=True)
    _check_worker(actor, worker, manual=manual, errors=errors)
    count = _clean_count(worker, walk_in_count, errors)
    # People typing get told their text is too long; lines written by code are shortened instead, so a
    # long note never undoes the action that wrote it.
    notes = _clean_text(notes, NOTES_MAX, "notes", "备注", errors, strict=manual)
    outcome, result = _clean_result(
        _clean_text(outcome, OUTCOME_MAX, "outcome", "结果说明", errors, strict=manual), result or "", errors
    )
    partner = _clean_partner(partner, station, errors)
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    day = _local_day(at)
    if day is None:
        raise ValidationError({**errors, "at": ["服务时间无效"]})
    if at > now + CLOCK_SLACK:
        errors.setdefault("at", []).append("不能记录尚未发生的服务")
    elif manual and (timezone.localdate(now) - day).days > BACKFILL_DAYS:
        errors.setdefault("at", []).append(f"只能补录最近 {BACKFILL_DAYS} 天的服务")
    if errors:
        raise ValidationError(errors)

    if ref:
        found = _existing(source, ref, service, worker)
        if found is not None:
            return found
    entry = LedgerEntry(
        code=new_code("LE"),
        station=station,
        day=day,
        at=at,
        service=service,
        worker=worker,
        walk_in_count=count,
        coordinator=actor,
        partner=partner,
        notes=notes,
        outcome=outcome,
        result=result,
        source=source,
        ref=ref,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # Two requests recorded the same event at once: the other one's line stands.
        found = _existing(source, ref, service, worker) if ref else None
        if found is None:
            raise
        return found
    note_ledger_activity(station, day)
    audit.record(
        actor,
        "ledger.record",
        entry,
        summary=f"台账：{entry.get_service_display()} {entry.who}（{entry.source_label}）",
        after=snapshot(entry),
    )
    return entry


@transaction.atomic
def record_visit(
    *,
    station: Station,
    services: list[str],
    actor: User,
    worker: Worker | None = None,
    walk_in_count: int = 0,
    notes: str = "",
    outcome: str = "",
    result: str = "",
    partner: Partner | None = None,
    at: dt.datetime | None = None,
) -> list[LedgerEntry]:
    """One visitor, several services (the quick-entry page and the API): one line per service, all or none."""
    _check_actor(actor, station, manual=True)
    chosen = list(dict.fromkeys(services or []))
    if not chosen:
        raise ValidationError({"services": ["请至少选择一项服务"]})
    unknown = [s for s in chosen if s not in ServiceType.values]
    if unknown:
        raise ValidationError({"services": [f"未知的服务类型：{'、'.join(unknown)}"]})
    at = at or timezone.now()
    return [
        record_service(
            station=station,
            service=s,
            actor=actor,
            worker=worker,
            walk_in_count=walk_in_count,
            notes=notes,
            outcome=outcome,
            result=result,
            partner=partner,
            at=at,
        )
        for s in chosen
    ]


def _own_today(user: User, entry: LedgerEntry, today: dt.date) -> bool:
    return entry.voided_at is None and entry.coordinator_id == user.pk and entry.day == today


def _oversees(user: User, station: Station) -> bool:
    return user.is_city_admin or station.town_id in user.admin_town_ids


def can_correct(user: User | None, entry: LedgerEntry, today: dt.date | None = None) -> bool:
    """The person who recorded a line may correct it on the same day, while they still keep the ledger."""
    if user is None or not user.is_authenticated:
        return False
    return _own_today(user, entry, today or timezone.localdate()) and may_keep_ledger(user, entry.station)


def can_void(user: User | None, entry: LedgerEntry, today: dt.date | None = None) -> bool:
    """The recorder on the same day, or a town admin (their town) or city admin at any time."""
    if user is None or not user.is_authenticated or entry.voided_at is not None:
        return False
    return can_correct(user, entry, today) or _oversees(user, entry.station)


def actions_for(
    user: User, station: Station, entries: list[LedgerEntry], today: dt.date
) -> tuple[set[str], set[str]]:
    """(codes the user may correct, codes they may void) among one station's lines, in one query."""
    keeps = may_keep_ledger(user, station)
    correct = {e.code for e in entries if keeps and _own_today(user, e, today)}
    if not _oversees(user, station):
        return correct, set(correct)
    return correct, {e.code for e in entries if e.voided_at is None}


def _lock(entry: LedgerEntry) -> LedgerEntry:
    return (
        LedgerEntry.objects.select_for_update(of=("self",))
        .select_related("station", "worker", "partner")
        .get(pk=entry.pk)
    )


@transaction.atomic
def correct_entry(entry: LedgerEntry, *, actor: User, data: dict[str, Any]) -> LedgerEntry:
    """Change what a line says. Keys: service, walk_in_count, notes, outcome, result, partner."""
    entry = _lock(entry)
    if not can_correct(actor, entry):
        raise PermissionDenied("只能在当天更正自己记录的台账")
    allowed = MANUAL_CORRECTABLE if entry.source == MANUAL else SYSTEM_CORRECTABLE
    refused = [k for k in data if k not in allowed]
    if refused:
        raise ValidationError({"__all__": ["系统自动记录的台账只能更正备注、结果和服务提供方"]})
    before = snapshot(entry)
    errors: dict[str, list[str]] = {}
    service = data.get("service", entry.service)
    if service not in ServiceType.values:
        errors.setdefault("service", []).append(f"未知的服务类型“{service}”")
    count = entry.walk_in_count
    if "walk_in_count" in data:
        count = _clean_count(entry.worker, data["walk_in_count"], errors)
    notes = _clean_text(data.get("notes", entry.notes), NOTES_MAX, "notes", "备注", errors, strict=True)
    outcome = _clean_text(
        data.get("outcome", entry.outcome), OUTCOME_MAX, "outcome", "结果说明", errors, strict=True
    )
    outcome, result = _clean_result(outcome, data.get("result", entry.result) or "", errors)
    partner = entry.partner
    if "partner" in data and data["partner"] != entry.partner:
        partner = _clean_partner(data["partner"], entry.station, errors)
    if errors:
        raise ValidationError(errors)
    entry.service, entry.walk_in_count, entry.notes = service, count, notes
    entry.outcome, entry.result, entry.partner = outcome, result, partner
    entry.corrected_at = timezone.now()
    try:
        with transaction.atomic():
            entry.save(
                update_fields=[
                    "service",
                    "walk_in_count",
                    "notes",
                    "outcome",
                    "result",
                    "partner",
                    "corrected_at",
                ]
            )
    except IntegrityError:
        raise ValidationError({"service": ["已有一条相同服务的记录"]}) from None
    b, a = audit.diff(before, snapshot(entry))
    audit.record(
        actor, "ledger.correct", entry, summary=f"更正台账：{'、'.join(a) or '无变化'}", before=b, after=a
    )
    return entry


@transaction.atomic
def void_entry(entry: LedgerEntry, *, actor: User, reason: str) -> LedgerEntry:
    """Void a mistaken line. It stays in the ledger, marked, and no longer counts in any total."""
    entry = _lock(entry)
    if entry.voided_at is not None:
        raise ValidationError({"reason": ["这条记录已经作废"]})
    if not can_void(actor, entry):
        raise PermissionDenied("只能作废自己当天记录的台账；其他记录请联系镇街管理员")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": ["请写明作废原因（至少 2 个字）"]})
    if len(reason) > VOID_REASON_MAX:
        raise ValidationError({"reason": [f"作废原因最多 {VOID_REASON_MAX} 个字"]})
    entry.voided_at, entry.voided_by, entry.void_reason = timezone.now(), actor, reason
    entry.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit.record(
        actor,
        "ledger.void",
        entry,
        summary=f"作废台账：{entry.get_service_display()} {entry.who}，原因：{reason}",
        before=snapshot(entry),
    )
    return entry
