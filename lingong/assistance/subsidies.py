"""Subsidies (P-16): who may have which (rules as data, rules.py), applications and their review.

Staff in the city office edit the rules; a worker sees what they can apply for and what to bring; a
worker (or staff for them) applies; staff move the application along 申请 → 审核中 → 已发放 / 不符合.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.training.services import serves
from lingong.training.station_ledger import add_line, ledger_station
from lingong.workers.models import Worker, WorkerStatus

from . import notices
from .models import (
    APPLICATION_NEXT,
    LIVE_APPLICATION,
    ApplicationStatus,
    SubsidyApplication,
    SubsidyCategory,
    SubsidyKind,
)
from .rules import GroupResult, clean_conditions, evaluate, worker_facts

KIND_FIELDS = (
    "name",
    "category",
    "summary",
    "amount_note",
    "basis",
    "materials",
    "conditions",
    "active",
    "sort",
)
MAX_MATERIALS = 12
MAX_AMOUNT = Decimal("100000")


def may_edit_rules(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_city_admin)


# --- eligibility -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    kind: SubsidyKind
    eligible: bool
    groups: list[GroupResult]
    application: SubsidyApplication | None

    @property
    def missing(self) -> list[str]:
        """What the worker still needs, one sentence per unmet group."""
        return [g.sentence for g in self.groups if not g.met]

    @property
    def met(self) -> list[str]:
        return [g.sentence for g in self.groups if g.met]


def eligibility_for(worker: Worker, today: dt.date | None = None) -> list[Eligibility]:
    """Every active subsidy kind, checked against the worker's facts today, with their latest application."""
    today = today or timezone.localdate()
    facts = worker_facts(worker, today)
    latest: dict[int, SubsidyApplication] = {}
    for app in SubsidyApplication.objects.filter(worker=worker).order_by("-applied_at", "-id"):
        latest.setdefault(app.kind_id, app)
    out = []
    for kind in SubsidyKind.objects.filter(active=True):
        ok, groups = evaluate(kind.conditions, facts)
        out.append(Eligibility(kind, ok, groups, latest.get(kind.pk)))
    return out


# --- the rules ---------------------------------------------------------------------------------------


def _clean_kind(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, label, low, high in (
        ("name", "名称", 2, 60),
        ("summary", "说明", 4, 300),
        ("amount_note", "补贴标准", 0, 200),
        ("basis", "政策依据", 0, 200),
    ):
        value = str(data.get(key) or "").strip()
        if not low <= len(value) <= high:
            errors[key] = [f"{label}应为 {low}–{high} 个字" if low else f"{label}最多 {high} 个字"]
        out[key] = value
    if data.get("category") not in SubsidyCategory.values:
        errors["category"] = ["请选择补贴类别"]
    out["category"] = data.get("category")
    materials = data.get("materials") or []
    if isinstance(materials, str):
        materials = materials.splitlines()
    materials = [str(m).strip()[:60] for m in materials if str(m).strip()]
    if not materials:
        errors["materials"] = ["请列出申请要带的材料，每行一项"]
    elif len(materials) > MAX_MATERIALS:
        errors["materials"] = [f"材料最多 {MAX_MATERIALS} 项"]
    out["materials"] = materials
    try:
        out["conditions"] = clean_conditions(data.get("conditions") or [])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    out["active"] = bool(data.get("active"))
    try:
        out["sort"] = max(0, min(999, int(data.get("sort") or 0)))
    except (TypeError, ValueError):
        errors["sort"] = ["排序应为整数"]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_subsidy_kind(
    *, actor: User, data: dict[str, Any], kind: SubsidyKind | None = None, code: str = ""
) -> SubsidyKind:
    """Create or change a subsidy kind and its rule (city admins). The old and new rule are audited."""
    if not may_edit_rules(actor):
        raise PermissionDenied("只有市级管理员可以修改补贴规则")
    values = _clean_kind(data)
    if kind is None:
        code = (code or "").strip()
        if not code or not code.replace("_", "").isalnum() or not code.isascii():
            raise ValidationError({"code": ["代码请用英文字母、数字和下划线，如 job_subsidy"]})
        if SubsidyKind.objects.filter(code=code).exists():
            raise ValidationError({"code": ["该代码已存在"]})
        kind = SubsidyKind.objects.create(code=code, updated_by=actor, **values)
        audit.record(actor, "subsidy.kind.create", kind, summary=f"新增补贴：{kind.name}", after=values)
        return kind
    kind = SubsidyKind.objects.select_for_update(of=("self",)).get(pk=kind.pk)
    before = {f: getattr(kind, f) for f in KIND_FIELDS}
    for key, value in values.items():
        setattr(kind, key, value)
    kind.updated_by = actor
    kind.save()
    old, new = audit.diff(before, {f: getattr(kind, f) for f in KIND_FIELDS})
    audit.record(
        actor, "subsidy.kind.update", kind, summary=f"修改补贴规则：{kind.name}", before=old, after=new
    )
    return kind


# --- applications -----------------------------------------------------------------------------------


@transaction.atomic
def apply(*, actor: User, worker: Worker, kind: SubsidyKind, note: str = "") -> SubsidyApplication:
    """The worker (or staff for them) applies; only when the rule says they qualify today."""
    is_self = worker.user_id == actor.pk
    if not (is_self or serves(actor, worker)):
        raise PermissionDenied("只能为本站点（本镇街）的求职者申请补贴")
    if worker.status != WorkerStatus.ACTIVE:
        raise ValidationError({"worker": ["该求职者已注销"]})
    if not kind.active:
        raise ValidationError({"kind": ["该补贴已停止受理"]})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": ["申请说明最多 200 个字"]})
    facts = worker_facts(worker, timezone.localdate())
    ok, groups = evaluate(kind.conditions, facts)
    if not ok:
        missing = "；".join(g.sentence for g in groups if not g.met)
        raise ValidationError({"kind": [f"暂不符合“{kind.name}”的条件：还需要{missing}"]})
    if SubsidyApplication.objects.filter(worker=worker, kind=kind, status__in=LIVE_APPLICATION).exists():
        raise ValidationError({"kind": ["这项补贴已经在申请中了"]})
    station = worker.station if is_self else (ledger_station(actor, worker) or worker.station)
    application = SubsidyApplication(
        code=new_code("SA"),
        worker=worker,
        kind=kind,
        station=station,
        facts=facts,
        note=note,
        applied_at=timezone.now(),
        applied_by=actor,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError({"kind": ["这项补贴已经在申请中了"]}) from None
    audit.record(
        actor,
        "subsidy.apply",
        application,
        summary=f"申请补贴：{kind.name}" + ("" if is_self else "（站点代为申请）"),
    )
    notices.send(
        worker,
        template="subsidy_applied",
        params={"kind": kind.name, "code": application.code, "materials": "、".join(kind.materials)},
        key=f"subsidy:{application.code}:applied",
    )
    if not is_self:
        add_line(
            actor=actor,
            worker=worker,
            service="policy",
            source="subsidy",
            ref=application.code,
            notes=f"代为申请补贴：{kind.name}",
            station=station,
        )
    return application


def may_decide(user: User | None, application: SubsidyApplication) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_back_office
        and SubsidyApplication.objects.visible_to(user).filter(pk=application.pk).exists()
        and application.worker.user_id != user.pk
    )


@transaction.atomic
def decide(
    application: SubsidyApplication, *, actor: User, to_status: str, amount: Any = None, note: str = ""
) -> SubsidyApplication:
    """One review step; 已发放 needs the amount, 不符合 a reason. The worker gets an SMS."""
    application = (
        SubsidyApplication.objects.select_for_update(of=("self",))
        .select_related("worker__user", "kind")
        .get(pk=application.pk)
    )
    if not may_decide(actor, application):
        raise PermissionDenied("只能审核本站点（本镇街）的补贴申请")
    if to_status not in APPLICATION_NEXT.get(application.status, ()):
        label = ApplicationStatus(to_status).label if to_status in ApplicationStatus.values else to_status
        raise ValidationError({"status": [f"“{application.get_status_display()}”之后不能改为“{label}”"]})
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if len(note) > 200:
        errors["note"] = ["审核意见最多 200 个字"]
    value = None
    if to_status == ApplicationStatus.PAID:
        try:
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
            if not Decimal(0) < value <= MAX_AMOUNT:
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            errors["amount"] = [f"请填写发放金额（大于 0，不超过 {MAX_AMOUNT} 元）"]
    if to_status == ApplicationStatus.REJECTED and len(note) < 2:
        errors["note"] = ["不符合时请写明原因，求职者会收到短信"]
    if errors:
        raise ValidationError(errors)
    before = application.status
    application.status, application.decision_note = to_status, note
    if value is not None:
        application.amount = value
    application.decided_at, application.decided_by = timezone.now(), actor
    application.save(
        update_fields=["status", "decision_note", "amount", "decided_at", "decided_by", "updated_at"]
    )
    audit.record(
        actor,
        "subsidy.decide",
        application,
        summary=f"补贴申请：{ApplicationStatus(before).label} → {application.get_status_display()}",
        before={"status": before},
        after={"status": to_status, "amount": value, "note": note},
    )
    detail = {
        ApplicationStatus.REVIEWING: "正在审核，请耐心等待。",
        ApplicationStatus.PAID: f"已发放 {value} 元到您的社会保障卡。",
        ApplicationStatus.REJECTED: f"原因：{note}。有疑问请找站点。",
    }[ApplicationStatus(to_status)]
    notices.send(
        application.worker,
        template="subsidy_status",
        params={
            "kind": application.kind.name,
            "code": application.code,
            "status": application.get_status_display(),
            "detail": detail,
        },
        key=f"subsidy:{application.code}:{to_status}",
    )
    return application
