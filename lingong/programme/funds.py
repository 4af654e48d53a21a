"""Writes to the construction funds: co-funding, adjustments, allocations, expenditures and vouchers.

Each function checks scope, validates everything (the voucher file included) before writing, saves in
one transaction with an audit entry, and removes a stored file again when the transaction fails.

Rules:
- Town admins act for their own town, city admins for every town. Only a city admin approves an
  adjustment, and never their own request (four eyes on budget changes).
- Allocations may not add up to more than the town's budget, and only plan categories can be allocated.
- An expenditure in a category the plan does not list (其他) is recorded with a required explanation and
  raises an alert for the city to review; over-budget spending is recorded and raises an alert.
- Expenditures are never deleted or edited: a wrong one is voided with a reason and entered again.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.places.models import Station, StationStatus

from .access import check_town
from .models import (
    PLAN_CATEGORIES,
    AdjustmentStatus,
    Allocation,
    BudgetAdjustment,
    Category,
    Expenditure,
    FundSource,
    TownBudget,
)
from .money import parse_yuan
from .services import clean_text
from .vouchers import CheckedVoucher, check_voucher

logger = logging.getLogger(__name__)

EQUIPMENT_ITEMS = ["LED屏", "电脑", "信息一体机", "零工橱窗", "其他设备"]


def _money(
    value: object, field: str, *, allow_negative: bool = False, allow_zero: bool = False, label: str = "金额"
) -> Decimal:
    try:
        return parse_yuan(value, allow_negative=allow_negative, allow_zero=allow_zero, label=label)
    except ValueError as exc:
        raise ValidationError({field: [str(exc)]}) from None


def _budget_snapshot(budget: TownBudget) -> dict[str, Any]:
    return {"co_funding": budget.co_funding, "co_funding_note": budget.co_funding_note}


@transaction.atomic
def set_co_funding(budget: TownBudget, *, actor: User, amount: object, note: object = "") -> TownBudget:
    """The town's own co-funding (镇街配套资金) for this round; 0 is allowed."""
    check_town(actor, budget.town_id)
    value = _money(amount, "co_funding", allow_zero=True, label="配套资金")
    note_text = clean_text(note, field="co_funding_note", max_length=200)
    budget = TownBudget.objects.select_for_update(of=("self",)).get(pk=budget.pk)
    before = _budget_snapshot(budget)
    budget.co_funding, budget.co_funding_note = value, note_text
    budget.save(update_fields=["co_funding", "co_funding_note", "updated_at"])
    b, a = audit.diff(before, _budget_snapshot(budget))
    audit.record(
        actor, "funds.co_funding", budget, summary=f"镇街配套资金：{value:,.2f} 元", before=b, after=a
    )
    return budget


@transaction.atomic
def request_adjustment(
    budget: TownBudget, *, actor: User, amount: object, reason: object
) -> BudgetAdjustment:
    """Ask to raise (positive) or lower (negative) a town's budget; a city admin decides."""
    check_town(actor, budget.town_id, "申请调整")
    value = _money(amount, "amount", allow_negative=True, label="调整金额")
    text = clean_text(reason, field="reason", max_length=300, required="请填写调整理由")
    adjustment = BudgetAdjustment.objects.create(
        code=new_code("BA"),
        budget=budget,
        amount=value,
        reason=text,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    audit.record(
        actor,
        "funds.adjustment_request",
        adjustment,
        summary=f"申请调整 {budget.town.name} 预算 {value:+,.2f} 元：{text}",
        after={"amount": value, "reason": text},
    )
    return adjustment


@transaction.atomic
def decide_adjustment(
    adjustment: BudgetAdjustment, *, actor: User, approve: bool, note: object = ""
) -> BudgetAdjustment:
    if not actor.is_city_admin:
        raise PermissionDenied("预算调整须由市人力资源管理办公室管理员审批")
    adjustment = (
        BudgetAdjustment.objects.select_for_update(of=("self",))
        .select_related("budget__town")
        .get(pk=adjustment.pk)
    )
    if adjustment.requested_by_id == actor.id:
        raise PermissionDenied("不能审批自己提出的调整申请，请由另一位市级管理员审批")
    if adjustment.status != AdjustmentStatus.PENDING:
        raise ValidationError("该调整已审批，不能重复审批")
    text = clean_text(note, field="note", max_length=300, required="" if approve else "不批准时请填写意见")
    budget = adjustment.budget
    if approve:
        approved = budget.approved_adjustments()
        if budget.plan_amount + approved + adjustment.amount < 0:
            raise ValidationError("调整后预算将小于 0，不能批准")
    adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
    adjustment.decided_by, adjustment.decided_at, adjustment.decision_note = actor, timezone.now(), text
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor,
        "funds.adjustment_decide",
        adjustment,
        summary=f"{'批准' if approve else '不批准'} {budget.town.name} 预算调整 {adjustment.amount:+,.2f} 元",
        after={"status": adjustment.status, "note": text},
    )
    return adjustment


@transaction.atomic
def set_allocations(budget: TownBudget, *, actor: User, amounts: dict[str, object]) -> list[Allocation]:
    """Replace the town's split of its budget by category. Blank means no allocation for that category."""
    check_town(actor, budget.town_id)
    budget = TownBudget.objects.select_for_update(of=("self",)).get(pk=budget.pk)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal] = {}
    for cat, raw in amounts.items():
        if cat not in Category.values:
            errors.setdefault("__all__", []).append(f"未知的类别：{cat}")
            continue
        if raw is None or not str(raw).strip():
            continue
        try:
            value = parse_yuan(raw, allow_zero=True, label=f"{Category(cat).label}分配金额")
        except ValueError as exc:
            errors.setdefault(cat, []).append(str(exc))
            continue
        if value and cat not in PLAN_CATEGORIES:
            errors.setdefault(cat, []).append("建设方案未列明此类用途，不能分配资金")
        elif value:
            cleaned[cat] = value
    if errors:
        raise ValidationError(errors)
    effective = budget.plan_amount + budget.approved_adjustments()
    total = sum(cleaned.values(), Decimal(0))
    if total > effective:
        raise ValidationError(f"分配合计 {total:,.2f} 元，超过预算 {effective:,.2f} 元，请调整后再保存")
    before = {a.category: a.amount for a in budget.allocations.all()}
    budget.allocations.exclude(category__in=list(cleaned)).delete()
    saved = []
    for cat, value in cleaned.items():
        alloc, _ = Allocation.objects.update_or_create(
            budget=budget, category=cat, defaults={"amount": value, "updated_by": actor}
        )
        saved.append(alloc)
    b, a = audit.diff(before, {**{k: None for k in before}, **cleaned})
    audit.record(
        actor, "funds.allocations", budget, summary=f"资金分配合计 {total:,.2f} 元", before=b, after=a
    )
    return saved


def _discard(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("programme: could not remove orphan voucher file %s", name)


def _store_voucher(expenditure: Expenditure, checked: CheckedVoucher, stored: list[str]) -> None:
    expenditure.voucher.save(f"voucher.{checked.ext}", checked.upload, save=False)
    stored.append(expenditure.voucher.name)
    expenditure.voucher_name = checked.name
    expenditure.voucher_type = checked.content_type
    expenditure.voucher_size = checked.size
    expenditure.voucher_sha256 = checked.sha256


def clean_expenditure(budget: TownBudget, data: dict[str, Any]) -> dict[str, Any]:
    """The one validation path for an expenditure (form and API). Raises ValidationError in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    category = data.get("category") or ""
    if category not in Category.values:
        errors["category"] = ["请选择支出类别"]
    out["category"] = category
    try:
        out["amount"] = parse_yuan(data.get("amount"))
    except ValueError as exc:
        errors["amount"] = [str(exc)]
    spent_on = data.get("spent_on")
    if not isinstance(spent_on, dt.date):
        errors["spent_on"] = ["请填写支出日期"]
    elif spent_on > timezone.localdate():
        errors["spent_on"] = ["支出日期不能晚于今天"]
    elif spent_on < budget.round.starts_on:
        errors["spent_on"] = [f"支出日期不能早于本批次开始日期 {budget.round.starts_on:%Y-%m-%d}"]
    out["spent_on"] = spent_on
    source = data.get("source") or FundSource.CITY
    if source not in FundSource.values:
        errors["source"] = ["请选择资金来源"]
    out["source"] = source
    station = data.get("station")
    if station is not None:
        if not isinstance(station, Station) or station.town_id != budget.town_id:
            errors["station"] = ["只能选择本镇街的站点"]
        elif station.status == StationStatus.REVOKED:
            errors["station"] = ["该站点已撤销"]
    out["station"] = station
    for field, max_length, required in (
        ("supplier", 80, "请填写供应商或收款方"),
        ("item", 40, ""),
        ("description", 300, ""),
    ):
        try:
            out[field] = clean_text(data.get(field), field=field, max_length=max_length, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if category == Category.OTHER and len(out.get("description", "")) < 5:
        errors.setdefault("description", []).append(
            "建设方案未列明此类用途，请写明支出的具体用途和理由（至少 5 个字）"
        )
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def _record(
    budget: TownBudget, actor: User, cleaned: dict[str, Any], checked, stored: list[str]
) -> Expenditure:
    expenditure = Expenditure(
        code=new_code("EX"), budget=budget, recorded_by=actor, recorded_at=timezone.now(), **cleaned
    )
    if checked is not None:
        _store_voucher(expenditure, checked, stored)
    expenditure.save()
    label = expenditure.get_category_display()
    audit.record(
        actor,
        "funds.expenditure",
        expenditure,
        summary=f"{budget.town.name} 支出 {expenditure.amount:,.2f} 元（{label}）",
        after={
            "amount": expenditure.amount,
            "category": expenditure.category,
            "source": expenditure.source,
            "spent_on": expenditure.spent_on,
            "station": expenditure.station.name if expenditure.station else "",
            "supplier": expenditure.supplier,
            "voucher_sha256": expenditure.voucher_sha256,
        },
    )
    return expenditure


def record_expenditure(
    budget: TownBudget, *, actor: User, data: dict[str, Any], voucher: UploadedFile | None = None
) -> Expenditure:
    """Record one payment (and its voucher). Everything is checked before anything is written."""
    check_town(actor, budget.town_id, "录入")
    cleaned = clean_expenditure(budget, data)
    checked = check_voucher(voucher) if voucher is not None else None
    stored: list[str] = []
    try:
        return _record(budget, actor, cleaned, checked, stored)
    except Exception:
        for name in stored:
            _discard(name)
        raise


@transaction.atomic
def _attach(expenditure: Expenditure, actor: User, checked: CheckedVoucher, stored: list[str]) -> Expenditure:
    expenditure = (
        Expenditure.objects.select_for_update(of=("self",))
        .select_related("budget__town")
        .get(pk=expenditure.pk)
    )
    if expenditure.voucher:
        raise ValidationError({"voucher": ["已有凭证；如凭证有误，请作废本条支出后重新录入"]})
    if expenditure.voided_at:
        raise ValidationError("该支出已作废")
    _store_voucher(expenditure, checked, stored)
    expenditure.save(
        update_fields=["voucher", "voucher_name", "voucher_type", "voucher_size", "voucher_sha256"]
    )
    audit.record(
        actor,
        "funds.voucher",
        expenditure,
        summary=f"上传凭证：{checked.name}",
        after={"voucher_sha256": checked.sha256, "size": checked.size},
    )
    return expenditure


def attach_voucher(expenditure: Expenditure, *, actor: User, upload: UploadedFile | None) -> Expenditure:
    check_town(actor, expenditure.budget.town_id, "上传")
    if upload is None:
        raise ValidationError({"voucher": ["请选择凭证文件"]})
    checked = check_voucher(upload)
    stored: list[str] = []
    try:
        return _attach(expenditure, actor, checked, stored)
    except Exception:
        for name in stored:
            _discard(name)
        raise


@transaction.atomic
def void_expenditure(expenditure: Expenditure, *, actor: User, reason: object) -> Expenditure:
    check_town(actor, expenditure.budget.town_id, "作废")
    text = clean_text(reason, field="reason", max_length=200, required="请填写作废原因")
    expenditure = Expenditure.objects.select_for_update(of=("self",)).get(pk=expenditure.pk)
    if expenditure.voided_at:
        raise ValidationError("该支出已作废")
    expenditure.voided_at, expenditure.voided_by, expenditure.void_reason = timezone.now(), actor, text
    expenditure.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit.record(
        actor,
        "funds.void",
        expenditure,
        summary=f"作废支出 {expenditure.amount:,.2f} 元：{text}",
        after={"reason": text},
    )
    return expenditure


def spent_city(budget: TownBudget) -> Decimal:
    total = (
        Expenditure.objects.live()
        .filter(budget=budget, source=FundSource.CITY)
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or Decimal(0)
