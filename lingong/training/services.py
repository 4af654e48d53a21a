"""Writes for training: courses (staff), referrals (staff or the worker) and their status steps.

Every function checks who may do it, validates everything before writing, saves in one transaction
with an audit entry, and tells the worker by SMS where the plan asks for it. A referral made by staff
adds a ledger line (服务台账, service “培训推荐”).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.catalog.models import Certificate, Occupation, OccupationLevel
from lingong.lib.codes import new_code
from lingong.places.models import Town
from lingong.places.towns import resolve_town
from lingong.workers.models import Worker, WorkerStatus

from . import notices
from .models import (
    HOLDS_PLACE,
    NEXT_STATUS,
    Course,
    CourseStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from .station_ledger import add_line, ledger_station

COURSE_FIELDS = (
    "title",
    "occupation",
    "certificate",
    "level",
    "provider",
    "provider_phone",
    "description",
    "starts_on",
    "ends_on",
    "schedule",
    "town",
    "address",
    "fee",
    "subsidy",
    "subsidy_note",
    "capacity",
    "shortage",
    "new_occupation",
    "entrepreneurship",
    "status",
)
MAX_CAPACITY = 500
MAX_FEE = Decimal("100000")
NOTE_MAX = 200
# What a worker may do to their own referral: sign up, or say they will not go.
WORKER_STEPS = {ReferralStatus.ENROLLED, ReferralStatus.DROPPED}


# --- who may do what -------------------------------------------------------------------------------


def may_edit_courses(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_city_admin or user.admin_town_ids))


def serves(user: User | None, worker: Worker) -> bool:
    """Staff who serve this worker (their station, their town, the city)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_back_office
        and Worker.objects.served_by(user).filter(pk=worker.pk).exists()
    )


def may_handle(user: User | None, referral: Referral) -> bool:
    """Staff who see the referral (the worker's station or town, or where it was made) move it along."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_back_office
        and Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
    )


# --- courses ---------------------------------------------------------------------------------------


def _text(data: dict, key: str, label: str, errors: dict, *, low: int = 0, high: int = 200) -> str:
    value = str(data.get(key) or "").strip()
    if len(value) < low:
        errors.setdefault(key, []).append(f"请填写{label}" if not value else f"{label}至少 {low} 个字")
    elif len(value) > high:
        errors.setdefault(key, []).append(f"{label}最多 {high} 个字")
    return value


def _money(data: dict, key: str, label: str, errors: dict) -> Decimal:
    raw = data.get(key)
    try:
        value = Decimal(str(raw if raw not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.setdefault(key, []).append(f"{label}应为数字")
        return Decimal(0)
    if value < 0 or value > MAX_FEE:
        errors.setdefault(key, []).append(f"{label}应在 0 到 {MAX_FEE} 元之间")
    return value


def _occupation(raw: Any, errors: dict) -> Occupation | None:
    if raw in (None, ""):
        return None
    occ = raw if isinstance(raw, Occupation) else Occupation.objects.filter(code=str(raw).strip()).first()
    if occ is None:
        errors.setdefault("occupation", []).append(f"找不到职业代码“{raw}”")
    elif occ.level != OccupationLevel.DETAIL:
        errors.setdefault("occupation", []).append("请选择具体的职业（细类），如 4-10-01-05 养老护理员")
    return occ


def clean_course(actor: User, data: dict[str, Any], course: Course | None = None) -> dict[str, Any]:
    """Every rule for a course; a ValidationError with Chinese messages keyed by field, or the values."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "title": _text(data, "title", "课程名称", errors, low=2, high=60),
        "provider": _text(data, "provider", "培训机构", errors, low=2, high=80),
        "provider_phone": _text(data, "provider_phone", "咨询电话", errors, high=20),
        "level": _text(data, "level", "培训等级", errors, high=20),
        "description": _text(data, "description", "学什么", errors, high=1000),
        "schedule": _text(data, "schedule", "上课时间", errors, high=80),
        "address": _text(data, "address", "上课地点", errors, low=2, high=200),
        "subsidy_note": _text(data, "subsidy_note", "补贴说明", errors, high=200),
        "fee": _money(data, "fee", "培训费", errors),
        "subsidy": _money(data, "subsidy", "补贴", errors),
        "shortage": bool(data.get("shortage")),
        "new_occupation": bool(data.get("new_occupation")),
        "entrepreneurship": bool(data.get("entrepreneurship")),
    }
    if "fee" not in errors and "subsidy" not in errors and out["subsidy"] > out["fee"]:
        errors.setdefault("subsidy", []).append("补贴不能超过培训费")
    out["occupation"] = _occupation(data.get("occupation"), errors)
    if out["occupation"] is None and not out["entrepreneurship"] and "occupation" not in errors:
        errors.setdefault("occupation", []).append("请选择培训的职业（工种）；创业培训可以不选")
    cert = data.get("certificate")
    if cert not in (None, "") and not isinstance(cert, Certificate):
        found = Certificate.objects.filter(code=str(cert)).first()
        if found is None:
            errors.setdefault("certificate", []).append(f"找不到证书“{cert}”")
        cert = found
    out["certificate"] = cert or None
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts, dt.date):
        errors.setdefault("starts_on", []).append("请填写开班日期")
    if not isinstance(ends, dt.date):
        errors.setdefault("ends_on", []).append("请填写结业日期")
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        errors.setdefault("ends_on", []).append("结业日期不能早于开班日期")
    out["starts_on"], out["ends_on"] = starts, ends
    try:
        capacity = int(data.get("capacity") or 0)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= MAX_CAPACITY:
        errors.setdefault("capacity", []).append(f"名额应在 1 到 {MAX_CAPACITY} 人之间")
    elif course is not None:
        taken = course.referrals.filter(status__in=HOLDS_PLACE).count()
        if capacity < taken:
            errors.setdefault("capacity", []).append(f"已有 {taken} 人报名，名额不能少于 {taken}")
    out["capacity"] = capacity
    status = data.get("status") or CourseStatus.DRAFT
    if status not in CourseStatus.values:
        errors.setdefault("status", []).append("未知的课程状态")
    elif status == CourseStatus.OPEN and isinstance(ends, dt.date) and ends < timezone.localdate():
        errors.setdefault("status", []).append("课程已经结束，不能再开放报名")
    out["status"] = status
    town = data.get("town")
    if town not in (None, "") and not isinstance(town, Town):
        raw = str(town).strip()
        town = Town.objects.filter(pk=int(raw)).first() if raw.isdigit() else resolve_town(raw)
        if town is None:
            errors.setdefault("town", []).append(f"找不到镇街“{raw}”")
    town = town or None
    if (
        "town" not in errors
        and not actor.is_city_admin
        and (town is None or town.pk not in actor.admin_town_ids)
    ):
        errors.setdefault("town", []).append("只能发布本镇街的课程")
    out["town"] = town
    if errors:
        raise ValidationError(errors)
    return out


def _course_snapshot(course: Course) -> dict[str, Any]:
    """The course's fields as plain values for the audit log (related rows by their code or name)."""
    out: dict[str, Any] = {f: getattr(course, f) for f in COURSE_FIELDS}
    out["occupation"] = course.occupation.code if course.occupation else None
    out["certificate"] = course.certificate.code if course.certificate else None
    out["town"] = course.town.name if course.town else None
    return out


@transaction.atomic
def save_course(*, actor: User, data: dict[str, Any], course: Course | None = None) -> Course:
    """Create a course (course=None) or change one the actor may edit."""
    if not may_edit_courses(actor):
        raise PermissionDenied("只有镇街分局和市级管理员可以发布培训课程")
    if course is not None:
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        if not Course.objects.editable_by(actor).filter(pk=course.pk).exists():
            raise PermissionDenied("只能修改本镇街的课程")
    values = clean_course(actor, data, course)
    if course is None:
        course = Course(code=new_code("TC"), created_by=actor, **values)
        course.save()
        audit.record(
            actor,
            "training.course.create",
            course,
            summary=f"发布培训课程：{course.title}",
            after=_course_snapshot(course),
        )
        return course
    before = _course_snapshot(course)
    for key, value in values.items():
        setattr(course, key, value)
    course.save()
    old, new = audit.diff(before, _course_snapshot(course))
    audit.record(
        actor,
        "training.course.update",
        course,
        summary=f"修改培训课程：{course.title}",
        before=old,
        after=new,
    )
    return course


# --- referrals -------------------------------------------------------------------------------------


def _check_course_open(course: Course) -> None:
    today = timezone.localdate()
    if course.status != CourseStatus.OPEN or course.ends_on < today:
        raise ValidationError({"course": [f"“{course.title}”现在不接受报名"]})


def _create_referral(
    *, actor: User, worker: Worker, course: Course, by_worker: bool, station, reasons, note: str
) -> Referral:
    if worker.status != WorkerStatus.ACTIVE:
        raise ValidationError({"worker": ["该求职者已注销，不能推荐培训"]})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"备注最多 {NOTE_MAX} 个字"]})
    course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
    _check_course_open(course)
    if Referral.objects.filter(worker=worker, course=course).exclude(status=ReferralStatus.DROPPED).exists():
        raise ValidationError({"course": ["已经推荐过这门课程了"]})
    referral = Referral(
        code=new_code("TR"),
        worker=worker,
        course=course,
        station=station,
        referred_by=actor,
        by_worker=by_worker,
        reasons=[str(r)[:120] for r in (reasons or [])][:8],
        note=note,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise ValidationError({"course": ["已经推荐过这门课程了"]}) from None
    ReferralEvent.objects.create(
        referral=referral, to_status=ReferralStatus.REFERRED, by=actor, at=timezone.now(), note=note
    )
    return referral


@transaction.atomic
def refer(
    *, actor: User, worker: Worker, course: Course, reasons: list[str] | None = None, note: str = ""
) -> Referral:
    """Staff refer a worker they serve to a course: SMS to the worker and a ledger line (培训推荐)."""
    if not serves(actor, worker):
        raise PermissionDenied("只能为本站点（本镇街）的求职者推荐培训")
    station = ledger_station(actor, worker) or worker.station
    referral = _create_referral(
        actor=actor,
        worker=worker,
        course=course,
        by_worker=False,
        station=station,
        reasons=reasons,
        note=note,
    )
    audit.record(
        actor, "training.refer", referral, summary=f"推荐培训：{course.title} → {worker.masked_name}"
    )
    notices.referred(referral)
    add_line(
        actor=actor,
        worker=worker,
        service="training",
        source="training",
        ref=referral.code,
        notes=f"推荐培训：{course.title}",
        result="referred",
        station=station,
    )
    return referral


@transaction.atomic
def request_course(*, actor: User, worker: Worker, course: Course) -> Referral:
    """A worker asks to join a course themself; their station sees it among its referrals."""
    if worker.user_id != actor.pk:
        raise PermissionDenied("只能为自己报名")
    referral = _create_referral(
        actor=actor,
        worker=worker,
        course=course,
        by_worker=True,
        station=worker.station,
        reasons=["本人申请"],
        note="",
    )
    audit.record(actor, "training.request", referral, summary=f"本人申请参加培训：{course.title}")
    return referral


@transaction.atomic
def change_status(referral: Referral, *, actor: User, to_status: str, note: str = "") -> Referral:
    """One step along 推荐 → 报名 → 在训 → 结业 → 取证 (or 放弃). Audited; the worker gets an SMS."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("worker__user", "course")
        .get(pk=referral.pk)
    )
    is_self = referral.worker.user_id == actor.pk
    if not (is_self or may_handle(actor, referral)):
        raise PermissionDenied("无权处理该培训推荐")
    if to_status not in ReferralStatus.values:
        raise ValidationError({"status": ["未知的状态"]})
    if to_status not in NEXT_STATUS[referral.status]:
        raise ValidationError(
            {
                "status": [
                    f"“{referral.get_status_display()}”之后不能直接改为“{ReferralStatus(to_status).label}”"
                ]
            }
        )
    if is_self and not actor.is_back_office and to_status not in WORKER_STEPS:
        raise PermissionDenied("报名以后的进展由站点工作人员登记")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"说明最多 {NOTE_MAX} 个字"]})
    if to_status == ReferralStatus.ENROLLED:
        course = Course.objects.select_for_update(of=("self",)).get(pk=referral.course_id)
        taken = course.referrals.filter(status__in=HOLDS_PLACE).count()
        if taken >= course.capacity:
            raise ValidationError({"status": [f"“{course.title}”名额已满（{course.capacity} 人）"]})
    before = referral.status
    referral.status = to_status
    referral.save(update_fields=["status", "updated_at"])
    event = ReferralEvent.objects.create(
        referral=referral, from_status=before, to_status=to_status, by=actor, at=timezone.now(), note=note
    )
    audit.record(
        actor,
        "training.status",
        referral,
        summary=f"培训进展：{ReferralStatus(before).label} → {referral.get_status_display()}",
        before={"status": before},
        after={"status": to_status, "note": note},
    )
    notices.status_changed(referral, step=event.pk)
    return referral
