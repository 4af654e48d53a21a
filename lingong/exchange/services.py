"""Writes to the exchange: register and deactivate partners (city admin), and import gigs for one.

Every function takes the acting user as a keyword argument, checks it through access.py, and writes an
audit entry in the same transaction. The bulk writes themselves are in importer.py.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer, EmployerKind
from lingong.lib.codes import new_code

from . import access, importer
from .models import BatchSource, BatchStatus, ImportBatch, Partner, PartnerKind


def _check_partner_data(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = ["请填写合作方名称"]
    elif len(name) > 100:
        errors["name"] = ["名称不能超过 100 个字"]
    kind = str(data.get("kind") or "")
    if kind not in PartnerKind.values:
        errors["kind"] = ["请选择合作方类型：人力资源服务机构、招聘平台或省级平台"]
    employer = data.get("employer")
    if employer is not None and not isinstance(employer, Employer):
        employer = (
            Employer.objects.filter(code=str(employer).strip()).first() if str(employer).strip() else None
        )
        if employer is None and str(data.get("employer") or "").strip():
            errors["employer"] = ["找不到该用工主体编号"]
    if kind == PartnerKind.HR_AGENCY:
        if employer is None:
            errors.setdefault("employer", ["人力资源服务机构须绑定其已认证的用工主体"])
        elif employer.kind != EmployerKind.HR_AGENCY:
            errors.setdefault("employer", ["绑定的用工主体类型须为“人力资源服务机构”"])
    if employer is not None and not employer.is_verification_current():
        errors.setdefault("employer", ["绑定的用工主体尚未通过认证（或认证已过期）"])
    users = list(data.get("users") or [])
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "kind": kind,
        "employer": employer,
        "users": users,
        "note": str(data.get("note") or "").strip()[:300],
    }


@transaction.atomic
def create_partner(*, actor: User, data: dict[str, Any]) -> Partner:
    access.require_manager(actor)
    cleaned = _check_partner_data(data)
    partner = Partner.objects.create(
        code=new_code("PT"),
        name=cleaned["name"],
        kind=cleaned["kind"],
        employer=cleaned["employer"],
        note=cleaned["note"],
    )
    partner.users.set(cleaned["users"])
    audit.record(
        actor,
        "exchange.partner_create",
        partner,
        summary=f"登记合作方：{partner.name}（{partner.get_kind_display()}）",
        after={
            "kind": partner.kind,
            "employer": partner.employer.code if partner.employer else None,
            "users": [u.username for u in cleaned["users"]],
        },
    )
    return partner


@transaction.atomic
def set_partner_users(*, actor: User, partner: Partner, users: list[User]) -> Partner:
    access.require_manager(actor)
    before = sorted(partner.users.values_list("username", flat=True))
    partner.users.set(users)
    after = sorted(u.username for u in users)
    audit.record(
        actor,
        "exchange.partner_users",
        partner,
        summary=f"调整合作方授权用户：{partner.name}",
        before={"users": before},
        after={"users": after},
    )
    return partner


@transaction.atomic
def set_partner_active(*, actor: User, partner: Partner, active: bool, reason: str = "") -> Partner:
    """Deactivate (its users can no longer import or read the feed) or reactivate a partner."""
    access.require_manager(actor)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    reason = (reason or "").strip()
    if not active and not reason:
        raise ValidationError({"reason": ["停用时请写明原因"]})
    if partner.active == active:
        return partner
    partner.active = active
    partner.save(update_fields=["active", "updated_at"])
    audit.record(
        actor,
        "exchange.partner_active",
        partner,
        summary=(f"启用合作方：{partner.name}" if active else f"停用合作方：{partner.name}，原因：{reason}")[
            :300
        ],
        after={"active": active},
    )
    return partner


def _check_acts_for(actor: User, partner: Partner) -> None:
    # Read from the database: a partner deactivated a moment ago must stop importing at once.
    if not access.partners_of(actor).filter(pk=partner.pk).exists():
        raise PermissionDenied("只能为本合作方导入岗位：您不是该合作方的授权用户，或该合作方已停用")


def _check_can_import(partner: Partner) -> None:
    employer = partner.employer
    if employer is None:
        raise ValidationError("该合作方没有绑定代发布的用工主体，不能导入岗位，请联系市人力资源管理办公室")
    if not employer.is_verification_current():
        raise ValidationError("该合作方绑定的用工主体尚未通过认证（或认证已过期），认证后才能导入岗位")


def import_gigs(
    *, actor: User, partner: Partner, rows: list[dict[str, Any]], source: str = BatchSource.API
) -> tuple[ImportBatch, importer.ImportResult]:
    """Import rows now (the API path): a batch records the call; each chunk commits on its own."""
    _check_acts_for(actor, partner)
    _check_can_import(partner)
    if len(rows) > importer.MAX_ROWS:
        raise ValidationError(f"一次最多导入 {importer.MAX_ROWS} 条岗位")
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            code=new_code("IB"),
            partner=partner,
            source=source,
            status=BatchStatus.RUNNING,
            total=len(rows),
            created_by=actor,
        )
    try:
        result = importer.import_rows(rows, partner=partner, actor=actor, batch=batch)
    except Exception:
        # Chunks already committed stay (each is whole); the batch says it did not finish.
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            message="导入中断，已完成的部分已保存，请重新推送",
            finished_at=timezone.now(),
        )
        raise
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    return batch, result


@transaction.atomic
def submit_excel(*, actor: User, partner: Partner, upload) -> ImportBatch:
    """Store an uploaded workbook as a pending batch; a Huey task imports it after commit."""
    from .excel import MAX_UPLOAD_BYTES

    _check_acts_for(actor, partner)
    _check_can_import(partner)
    name = str(getattr(upload, "name", "") or "")
    if not name.lower().endswith(".xlsx"):
        raise ValidationError({"file": ["请上传 .xlsx 格式的 Excel 文件（可先下载模板）"]})
    if getattr(upload, "size", 0) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [f"文件不能超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB"]})
    batch = ImportBatch(
        code=new_code("IB"), partner=partner, source=BatchSource.EXCEL, created_by=actor, filename=name[:200]
    )
    batch.file.save(f"{batch.code}.xlsx", upload, save=False)
    batch.save()
    audit.record(
        actor, "exchange.excel_upload", batch, summary=f"{partner.name} 上传岗位导入文件 {name}"[:300]
    )
    transaction.on_commit(lambda: _schedule(batch.pk), robust=True)
    return batch


def _schedule(batch_id: int) -> None:
    from .tasks import run_import_batch

    run_import_batch(batch_id)


def run_excel_batch(batch_id: int) -> str:
    """Read the workbook and import it chunk by chunk, the counts growing as it goes (the page polls).
    Runs once: the claim is a conditional update from pending to running."""
    from .excel import ExcelError, read_rows

    if (
        ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING).update(status=BatchStatus.RUNNING)
        != 1
    ):
        return "skipped"
    batch = ImportBatch.objects.select_related("partner__employer", "created_by").get(pk=batch_id)
    try:
        with batch.file.open("rb") as fh:
            rows, problems = read_rows(fh)
        batch.total = len(rows) + len(problems)
        batch.save(update_fields=["total"])
        _check_can_import(batch.partner)
        if len(rows) > importer.MAX_ROWS:
            raise ValidationError(f"一次最多导入 {importer.MAX_ROWS} 条岗位")
        if problems:
            with transaction.atomic():
                batch.processed += len(problems)
                batch.rejected += len(problems)
                batch.errors = [*batch.errors, *(p.as_dict() for p in problems)]
                batch.save(update_fields=["processed", "rejected", "errors"])
        bad = {p.row for p in problems}
        numbered = [(n, r) for n, r in rows if n not in bad]
        _import_numbered(batch, numbered)
    except (ExcelError, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        batch.status, batch.message, batch.finished_at = BatchStatus.FAILED, message[:300], timezone.now()
        batch.save(update_fields=["status", "message", "finished_at"])
        return BatchStatus.FAILED
    batch.refresh_from_db()
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    return BatchStatus.DONE


def _import_numbered(batch: ImportBatch, numbered: list[tuple[int, dict[str, Any]]]) -> None:
    lookups = importer.Lookups()
    seen: set[str] = set()
    for n, start in enumerate(range(0, len(numbered), importer.CHUNK_SIZE)):
        batch.refresh_from_db()
        importer.import_chunk(
            numbered[start : start + importer.CHUNK_SIZE],
            partner=batch.partner,
            actor=batch.created_by,
            lookups=lookups,
            batch=batch,
            chunk_no=n,
            seen=seen,
        )
