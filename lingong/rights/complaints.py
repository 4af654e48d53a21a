"""Complaints (投诉, P-20): filing with evidence, assignment, the handling trail, closing.

Every function checks who may do it, validates everything (files included) before writing anything,
saves in one transaction with an audit entry, and tells the worker of the progress by SMS.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer
from lingong.gigs.models import Application, Gig
from lingong.lib.codes import new_code
from lingong.workers.models import Worker, WorkerStatus

from . import notices
from .models import (
    CLOSED_COMPLAINT,
    Complaint,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintEvidence,
    ComplaintKind,
    ComplaintStatus,
)
from .services import clean_text

logger = logging.getLogger(__name__)

DESCRIPTION_MAX = 2000
NOTE_MAX = 1000
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 10
# What a file must start with to be stored, and the extension it is stored under. The browser's
# declared type and the file name are not trusted: a renamed program is refused by its first bytes.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
]
ALLOWED_EXTENSIONS = {"pdf", "jpg", "jpeg", "png", "gif", "webp"}
TYPE_HINT = "只能上传 JPG、PNG、GIF、WEBP 格式的图片或 PDF 文件"


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check_evidence(files: Sequence[UploadedFile], *, already: int = 0) -> list[tuple[UploadedFile, str, str]]:
    """(file, content type, extension) for each upload, or a ValidationError naming the bad file."""
    errors: list[str] = []
    checked: list[tuple[UploadedFile, str, str]] = []
    if already + len(files) > EVIDENCE_MAX_FILES:
        raise ValidationError({"evidence": [f"每件投诉最多 {EVIDENCE_MAX_FILES} 个证据文件"]})
    for upload in files:
        name = os.path.basename(upload.name or "") or "未命名文件"
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        size = upload.size or 0
        if size == 0:
            errors.append(f"“{name}”是空文件")
            continue
        if size > EVIDENCE_MAX_BYTES:
            errors.append(f"“{name}”超过 5 MB，请压缩或分开拍照后再上传")
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        sniffed = _sniff(head)
        if ext not in ALLOWED_EXTENSIONS or sniffed is None:
            errors.append(f"“{name}”不是图片或 PDF：{TYPE_HINT}")
            continue
        checked.append((upload, *sniffed))
    if errors:
        raise ValidationError({"evidence": errors})
    return checked


def _store(
    complaint: Complaint, checked: Iterable[tuple[UploadedFile, str, str]], *, actor: User, stored: list[str]
) -> list[ComplaintEvidence]:
    now = timezone.now()
    saved = []
    for upload, content_type, ext in checked:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = ComplaintEvidence(
            complaint=complaint,
            code=new_code("EV"),
            original_name=clean_text(os.path.basename(upload.name or ""), max_length=120) or "未命名文件",
            content_type=content_type,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            uploaded_at=now,
        )
        evidence.file.save(f"evidence.{ext}", upload, save=False)
        stored.append(evidence.file.name)
        evidence.save()
        saved.append(evidence)
    return saved


def _discard(names: list[str]) -> None:
    """Files written by a transaction that then failed: the rows are gone, so the files go too."""
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("rights: could not remove orphan evidence file %s", name)


# --- who may do what ----------------------------------------------------------------------------


def may_handle(user: User | None, complaint: Complaint) -> bool:
    """Staff in scope (or the owner), unless they belong to the employer complained about."""
    return bool(
        user is not None
        and user.is_authenticated
        and complaint.employer_id not in user.employer_ids
        and Complaint.objects.handled_by(user).filter(pk=complaint.pk).exists()
    )


def may_file_for(actor: User | None, worker: Worker) -> bool:
    """The worker themself, or staff who serve the worker."""
    if actor is None or not actor.is_authenticated:
        return False
    if worker.user_id == actor.pk:
        return True
    return actor.is_back_office and Worker.objects.served_by(actor).filter(pk=worker.pk).exists()


def default_owner(complaint: Complaint) -> User | None:
    """A coordinator of the worker's station, else an admin of the town, else nobody (city pool)."""
    people = notices.station_coordinators(complaint.station) or notices.town_admins(complaint.town)
    return people[0] if people else None


def owner_choices(complaint: Complaint) -> list[User]:
    """Staff who may take the complaint over: its station's coordinators and its town's admins."""
    people = notices.station_coordinators(complaint.station) + notices.town_admins(complaint.town)
    return list({u.pk: u for u in people}.values())


def _lock(actor: User, complaint: Complaint) -> Complaint:
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("worker__user", "employer", "owner", "station", "town")
        .get(pk=complaint.pk)
    )
    if not may_handle(actor, locked):
        raise PermissionDenied("只有负责该投诉的工作人员可以处理")
    return locked


def _require_open(complaint: Complaint) -> None:
    if complaint.is_closed:
        raise ValidationError(f"投诉已{complaint.get_status_display()}，不能再操作")


def _text(value: object, *, field: str, required: str, max_length: int) -> str:
    text = clean_text(value, max_length=max_length + 1)
    if not text:
        raise ValidationError({field: [required]})
    if len(text) > max_length:
        raise ValidationError({field: [f"不能超过 {max_length} 个字"]})
    return text


def _tell_worker(complaint: Complaint, event: ComplaintEvent, progress: str) -> None:
    user = complaint.worker.user
    notices.sms(
        phone=user.phone,
        template=notices.COMPLAINT_PROGRESS_WORKER,
        params={"code": complaint.code, "progress": progress[:70]},
        key=f"complaint:{complaint.code}:event:{event.pk}",
        user=user,
    )


def _tell_owner(complaint: Complaint) -> None:
    owner = complaint.owner
    if owner is None:
        return
    notices.sms(
        phone=owner.phone,
        template=notices.COMPLAINT_ASSIGNED_STAFF,
        params={"code": complaint.code, "kind": complaint.get_kind_display()},
        key=f"complaint:{complaint.code}:owner:{owner.pk}:{complaint.events.count()}",
        user=owner,
    )


# --- writes -------------------------------------------------------------------------------------


def _clean_target(
    actor: User, worker: Worker, employer: Employer | None, gig: Gig | None
) -> tuple[Employer | None, Gig | None]:
    """A worker names only gigs and employers they have worked for (or applied to); staff filing for
    them may name any employer. A gig's employer is the one complained about."""
    staff = actor.pk != worker.user_id
    errors: dict[str, list[str]] = {}
    if gig is not None:
        if not Application.objects.filter(worker=worker, gig=gig).exists():
            errors["gig"] = ["只能选择本人报名或做过的岗位"]
        elif employer is not None and employer.pk != gig.employer_id:
            errors["employer"] = ["所选岗位不属于该用工主体"]
        else:
            employer = gig.employer
    elif (
        employer is not None
        and not staff
        and not Application.objects.filter(worker=worker, gig__employer=employer).exists()
    ):
        errors["employer"] = ["只能投诉本人报名或做过工的用工主体；其他情况请到站点由工作人员登记"]
    if errors:
        raise ValidationError(errors)
    return employer, gig


@transaction.atomic
def file_complaint(
    *,
    actor: User,
    worker: Worker,
    kind: str,
    description: str,
    employer: Employer | None = None,
    gig: Gig | None = None,
    files: Sequence[UploadedFile] = (),
) -> Complaint:
    """A worker files a complaint, or staff file it for them (at the station, by phone)."""
    if not may_file_for(actor, worker):
        raise PermissionDenied("只能为本人或本站点服务的求职者登记投诉")
    errors: dict[str, list[str]] = {}
    if worker.status == WorkerStatus.ERASED:
        errors["worker"] = ["该求职者已注销"]
    if kind not in ComplaintKind.values:
        errors["kind"] = ["请选择投诉类型：欠薪、歧视、安全或其他"]
    try:
        text = _text(
            description,
            field="description",
            required="请写明发生了什么：时间、地点、经过和您的诉求",
            max_length=DESCRIPTION_MAX,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        text = ""
    try:
        employer, gig = _clean_target(actor, worker, employer, gig)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        checked = check_evidence(list(files))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    station = worker.station
    town = station.town if station is not None else (employer.town if employer else worker.home_town)
    complaint = Complaint(
        code=new_code("TS"),
        kind=kind,
        worker=worker,
        employer=employer,
        gig=gig,
        description=text,
        filed_by=actor,
        filed_at=timezone.now(),
        station=station,
        town=town,
        status=ComplaintStatus.ACCEPTED,
    )
    complaint.owner = default_owner(complaint)
    complaint.save()
    stored: list[str] = []
    try:
        evidence = _store(complaint, checked, actor=actor, stored=stored)
        by = "" if actor.pk == worker.user_id else f"，由工作人员 {actor} 代为登记"
        owner = str(complaint.owner) if complaint.owner else "待分派"
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            actor=actor,
            kind=ComplaintEventKind.FILED,
            status_to=ComplaintStatus.ACCEPTED,
            note=f"受理{complaint.get_kind_display()}投诉{by}；承办人：{owner}；证据 {len(evidence)} 份",
        )
        if employer is not None:
            Employer.objects.filter(pk=employer.pk).update(complaints=F("complaints") + 1)
        audit.record(
            actor,
            "complaint.file",
            complaint,
            summary=f"登记投诉 {complaint.code}（{complaint.get_kind_display()}）"
            + (f"，被投诉方 {employer.name}" if employer else ""),
        )
        notices.sms(
            phone=worker.user.phone,
            template=notices.COMPLAINT_FILED_WORKER,
            params={"code": complaint.code, "kind": complaint.get_kind_display(), "owner": owner},
            key=f"complaint:{complaint.code}:event:{event.pk}",
            user=worker.user,
        )
        _tell_owner(complaint)
    except BaseException:
        _discard(stored)
        raise
    return complaint


@transaction.atomic
def add_evidence(
    complaint: Complaint, *, actor: User, files: Sequence[UploadedFile]
) -> list[ComplaintEvidence]:
    """More photos or documents: the worker while the complaint is open, or staff handling it."""
    complaint = (
        Complaint.objects.select_for_update(of=("self",)).select_related("worker").get(pk=complaint.pk)
    )
    if complaint.worker.user_id != actor.pk and not may_handle(actor, complaint):
        raise PermissionDenied("只有投诉人或负责的工作人员可以补充证据")
    _require_open(complaint)
    if not files:
        raise ValidationError({"evidence": ["请选择要上传的图片或 PDF 文件"]})
    checked = check_evidence(list(files), already=complaint.evidence.count())
    stored: list[str] = []
    try:
        saved = _store(complaint, checked, actor=actor, stored=stored)
        ComplaintEvent.objects.create(
            complaint=complaint,
            actor=actor,
            kind=ComplaintEventKind.EVIDENCE,
            note="补充证据：" + "、".join(e.original_name for e in saved),
        )
        audit.record(
            actor, "complaint.evidence", complaint, summary=f"{complaint.code} 补充证据 {len(saved)} 份"
        )
    except BaseException:
        _discard(stored)
        raise
    return saved


@transaction.atomic
def assign(complaint: Complaint, *, actor: User, owner: User) -> Complaint:
    """Hand the complaint to another staff member in its scope."""
    complaint = _lock(actor, complaint)
    _require_open(complaint)
    if not may_handle(owner, complaint) or not owner.is_back_office:
        raise ValidationError({"owner": ["承办人须是负责该投诉的站点或镇街工作人员"]})
    if complaint.owner_id == owner.pk:
        raise ValidationError({"owner": [f"{owner} 已是承办人"]})
    before = str(complaint.owner) if complaint.owner else "（无）"
    Complaint.objects.filter(pk=complaint.pk).update(owner=owner, updated_at=timezone.now())
    complaint.owner = owner
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEventKind.ASSIGNED,
        note=f"承办人由 {before} 改为 {owner}",
    )
    audit.record(actor, "complaint.assign", complaint, summary=f"{complaint.code} 承办人改为 {owner}")
    _tell_owner(complaint)
    _tell_worker(complaint, event, f"已由{owner}承办")
    return complaint


@transaction.atomic
def add_note(complaint: Complaint, *, actor: User, note: str, internal: bool = False) -> ComplaintEvent:
    """A step of handling (a call made, a visit, a mediation). The worker is told unless internal."""
    complaint = _lock(actor, complaint)
    text = _text(note, field="note", required="请填写处理情况", max_length=NOTE_MAX)
    event = ComplaintEvent.objects.create(
        complaint=complaint, actor=actor, kind=ComplaintEventKind.NOTE, note=text, internal=internal
    )
    audit.record(
        actor,
        "complaint.note",
        complaint,
        summary=f"{complaint.code} 处理记录" + ("（内部）" if internal else ""),
    )
    if not internal:
        _tell_worker(complaint, event, text)
    return event


@transaction.atomic
def change_status(complaint: Complaint, *, actor: User, status: str, note: str = "") -> Complaint:
    """Move between 已受理 and 处理中; ending a complaint goes through close()."""
    complaint = _lock(actor, complaint)
    _require_open(complaint)
    if status not in (ComplaintStatus.ACCEPTED, ComplaintStatus.IN_PROGRESS):
        raise ValidationError({"status": ["请选择“已受理”或“处理中”；办结或不予受理请用“办结”"]})
    if status == complaint.status:
        raise ValidationError({"status": [f"投诉已是“{complaint.get_status_display()}”"]})
    text = clean_text(note, max_length=NOTE_MAX)
    before = complaint.status
    Complaint.objects.filter(pk=complaint.pk).update(status=status, updated_at=timezone.now())
    complaint.status = status
    label = complaint.get_status_display()
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEventKind.STATUS,
        status_from=before,
        status_to=status,
        note=text,
    )
    audit.record(actor, "complaint.status", complaint, summary=f"{complaint.code} 状态改为{label}")
    _tell_worker(complaint, event, f"状态变为“{label}”" + (f"，{text}" if text else ""))
    return complaint


@transaction.atomic
def close(
    complaint: Complaint, *, actor: User, outcome: str, status: str = ComplaintStatus.CONCLUDED
) -> Complaint:
    """End the complaint: 已办结 with the result, or 不予受理 with the reason. A complaint not taken up
    no longer counts against the employer's credit."""
    complaint = _lock(actor, complaint)
    _require_open(complaint)
    if status not in CLOSED_COMPLAINT:
        raise ValidationError({"status": ["请选择“已办结”或“不予受理”"]})
    text = _text(outcome, field="outcome", required="请写明办理结果或不予受理的理由", max_length=NOTE_MAX)
    before = complaint.status
    now = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(
        status=status, outcome=text, closed_at=now, updated_at=now
    )
    complaint.status, complaint.outcome, complaint.closed_at = status, text, now
    if status == ComplaintStatus.REJECTED and complaint.employer_id:
        Employer.objects.filter(pk=complaint.employer_id, complaints__gt=0).update(
            complaints=F("complaints") - 1
        )
    label = complaint.get_status_display()
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEventKind.CLOSED,
        status_from=before,
        status_to=status,
        note=text,
    )
    audit.record(actor, "complaint.close", complaint, summary=f"{complaint.code} {label}：{text}")
    _tell_worker(complaint, event, f"{label}：{text}")
    return complaint
