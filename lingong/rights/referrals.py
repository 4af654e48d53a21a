"""Department referrals (部门转介, P-21): handing a case to 民政, 残联, 住建, 市场监管 … and following it.

A referral belongs to one complaint, arrears case or individual assistance plan, and whoever handles
that case (through the case's own access rule) makes and updates it. Its status moves

    已转介 → 已接收 → 已回复 → 已办结      (a department may answer without acknowledging first)
           ↘        ↘ 退回                 (the department sends it back as not theirs)

and never backwards. Each write runs in one transaction with a trail entry and an audit entry; the
worker is told by SMS when the referral is made and when the department answers. A referral still
without an answer `RIGHTS_REFERRAL_REPLY_DAYS` working days (Monday to Friday) after it was made is
overdue; the reply date is fixed when it is made, so changing the setting affects new referrals only.
Public holidays and the weekends worked in their place (调休) are not modelled: the count is a
reminder for staff, not a legal deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.assistance.models import AssistancePlan
from lingong.assistance.services import may_handle_plan
from lingong.lib.codes import new_code

from . import arrears, complaints, notices
from .models import (
    ArrearsCase,
    Complaint,
    Department,
    DepartmentReferral,
    ReferralEvent,
    ReferralEventKind,
    ReferralStatus,
)
from .services import clean_text

if TYPE_CHECKING:
    from lingong.accounts.models import User

Case = Complaint | ArrearsCase | AssistancePlan

TEXT_MAX = 1000
NAME_MAX = 60
CONTACT_MAX = 40
PHONE_MAX = 30


# --- working days ---------------------------------------------------------------------------------


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day (Monday to Friday) after `day`."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def reply_days() -> int:
    return max(1, int(getattr(settings, "RIGHTS_REFERRAL_REPLY_DAYS", 10)))


def reply_due_on(referred_on: dt.date) -> dt.date:
    """The last day the department is expected to answer by; after it the referral is overdue."""
    return add_working_days(referred_on, reply_days())


# --- who may do what -------------------------------------------------------------------------------


def may_refer(user: User | None, case: Case) -> bool:
    """Whoever handles the case as staff, by the case's own rule."""
    if user is None or not user.is_authenticated:
        return False
    if isinstance(case, Complaint):
        return complaints.may_handle(user, case)
    if isinstance(case, ArrearsCase):
        return arrears.may_handle(user, case)
    return may_handle_plan(user, case)


def may_handle(user: User | None, referral: DepartmentReferral) -> bool:
    return may_refer(user, referral.case)


def case_closed_reason(case: Case) -> str:
    """Why no new referral can be made on the case ('' when it can)."""
    if isinstance(case, Complaint):
        return f"投诉{case.get_status_display()}，不能再转介" if case.is_closed else ""
    if isinstance(case, ArrearsCase):
        return f"案件{case.get_status_display()}，不能再转介" if not case.is_open else ""
    return "帮扶计划已结束，不能再转介" if not case.is_active else ""


def _lock_case(case: Case) -> Case:
    """The case row locked, so a referral and the case's closing do not cross."""
    model = type(case)
    return model.objects.select_for_update(of=("self",)).select_related("worker__user").get(pk=case.pk)


def _text(value: object, *, field: str, required: str, max_length: int, errors: dict) -> str:
    text = clean_text(value, max_length=max_length + 1)
    if not text and required:
        errors.setdefault(field, []).append(required)
    elif len(text) > max_length:
        errors.setdefault(field, []).append(f"不能超过 {max_length} 个字")
    return text[:max_length]


# --- notices ---------------------------------------------------------------------------------------


def _tell_worker(referral: DepartmentReferral, *, replied: bool) -> None:
    user = referral.worker.user
    params: dict[str, Any] = {
        "case": referral.case_label.replace(" ", ""),
        "department": referral.department_label,
        "code": referral.code,
    }
    if replied:
        params["reply"] = referral.reply[:60]
    notices.sms(
        phone=user.phone,
        template=notices.REFERRAL_REPLIED_WORKER if replied else notices.REFERRAL_MADE_WORKER,
        params=params,
        key=f"referral:{referral.code}:{'replied' if replied else 'made'}",
        user=user,
    )


# --- writes ----------------------------------------------------------------------------------------


@transaction.atomic
def create_referral(
    case: Case,
    *,
    actor: User,
    department: str,
    reason: str,
    request_detail: str,
    department_name: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> DepartmentReferral:
    """Refer the case to a department: why, and what the department is asked to do."""
    case = _lock_case(case)
    if not may_refer(actor, case):
        raise PermissionDenied("只有负责该案件的工作人员可以转介其他部门")
    closed = case_closed_reason(case)
    if closed:
        raise ValidationError(closed)
    errors: dict[str, list[str]] = {}
    if department not in Department.values:
        errors["department"] = ["请选择转介部门"]
    name = _text(
        department_name,
        field="department_name",
        required="选择“其他”时请填写部门名称" if department == Department.OTHER else "",
        max_length=NAME_MAX,
        errors=errors,
    )
    reason_text = _text(reason, field="reason", required="请写明转介原因", max_length=TEXT_MAX, errors=errors)
    asked = _text(
        request_detail,
        field="request_detail",
        required="请写明需要对方部门协助办理的事项",
        max_length=TEXT_MAX,
        errors=errors,
    )
    contact = _text(contact_name, field="contact_name", required="", max_length=CONTACT_MAX, errors=errors)
    phone = _text(contact_phone, field="contact_phone", required="", max_length=PHONE_MAX, errors=errors)
    if not errors:
        pending = DepartmentReferral.objects.filter(
            **{_case_field(case): case},
            department=department,
            department_name=name,
            status__in=[ReferralStatus.REFERRED, ReferralStatus.RECEIVED],
        ).first()
        if pending is not None:
            errors["department"] = [f"已转介{pending.department_label}（{pending.code}），正在等待回复"]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    referral = DepartmentReferral.objects.create(
        code=new_code("RF"),
        worker=case.worker,
        department=department,
        department_name=name,
        reason=reason_text,
        request_detail=asked,
        contact_name=contact,
        contact_phone=phone,
        status=ReferralStatus.REFERRED,
        referred_at=now,
        reply_due_on=reply_due_on(timezone.localdate(now)),
        referred_by=actor,
        **{_case_field(case): case},
    )
    label = referral.department_label
    ReferralEvent.objects.create(
        referral=referral,
        at=now,
        actor=actor,
        kind=ReferralEventKind.REFERRED,
        status_to=ReferralStatus.REFERRED,
        note=f"转介{label}，请于 {referral.reply_due_on:%Y-%m-%d} 前回复",
    )
    audit.record(
        actor,
        "referral.create",
        referral,
        summary=f"{referral.case_label} 转介{label}",
        after={"department": department, "department_name": name, "status": referral.status},
    )
    _tell_worker(referral, replied=False)
    return referral


def _case_field(case: Case) -> str:
    if isinstance(case, Complaint):
        return "complaint"
    return "arrears_case" if isinstance(case, ArrearsCase) else "plan"


def _lock(actor: User, referral: DepartmentReferral) -> DepartmentReferral:
    locked = (
        DepartmentReferral.objects.select_for_update(of=("self",))
        .select_related("complaint", "arrears_case", "plan", "worker__user")
        .get(pk=referral.pk)
    )
    if not may_handle(actor, locked):
        raise PermissionDenied("只有负责该案件的工作人员可以更新转介")
    return locked


def _check_transition(referral: DepartmentReferral, status: str) -> None:
    if status not in ReferralStatus.values:
        raise ValidationError({"status": ["请选择转介状态"]})
    current = referral.get_status_display()
    if referral.is_ended:
        ended = "已办结" if referral.status == ReferralStatus.CONCLUDED else "已退回"
        raise ValidationError({"status": [f"转介{ended}，不能再变更"]})
    if status == referral.status:
        raise ValidationError({"status": [f"转介已是“{current}”"]})
    if status not in referral.next_statuses():
        new = ReferralStatus(status).label
        raise ValidationError({"status": [f"“{current}”的转介不能改为“{new}”"]})


@transaction.atomic
def update_status(
    referral: DepartmentReferral, *, actor: User, status: str, reply: str = "", note: str = ""
) -> DepartmentReferral:
    """Record what the department did: received it, replied, finished, or sent it back.

    已回复 needs the reply; 已办结 needs the result unless a reply is already recorded; 退回 needs the
    reason. The reply and the note are shown to the worker.
    """
    referral = _lock(actor, referral)
    _check_transition(referral, status)
    errors: dict[str, list[str]] = {}
    needs_reply = status == ReferralStatus.REPLIED or (
        status == ReferralStatus.CONCLUDED and not referral.reply
    )
    reply_text = _text(
        reply,
        field="reply",
        required="请填写部门的回复或办理结果" if needs_reply else "",
        max_length=TEXT_MAX,
        errors=errors,
    )
    note_text = _text(
        note,
        field="note",
        required="请写明退回原因" if status == ReferralStatus.RETURNED else "",
        max_length=TEXT_MAX,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    before = referral.status
    changes: dict[str, Any] = {"status": status, "updated_at": now}
    if status != ReferralStatus.RETURNED and referral.received_at is None:
        changes["received_at"] = now
    if reply_text:
        changes["reply"] = reply_text
        if referral.replied_at is None:
            changes["replied_at"] = now
    if status in (ReferralStatus.CONCLUDED, ReferralStatus.RETURNED):
        changes["closed_at"] = now
    # The row is locked; the status condition also keeps two updates on SQLite from both passing.
    if DepartmentReferral.objects.filter(pk=referral.pk, status=before).update(**changes) != 1:
        raise ValidationError("转介状态已被他人更新，请刷新后重试")
    first_reply = bool(reply_text) and not referral.reply
    for field, value in changes.items():
        setattr(referral, field, value)
    label = referral.get_status_display()
    parts = [f"部门回复：{reply_text}"] if reply_text else []
    parts += [note_text] if note_text else []
    ReferralEvent.objects.create(
        referral=referral,
        at=now,
        actor=actor,
        kind=ReferralEventKind.STATUS,
        status_from=before,
        status_to=status,
        note="；".join(parts),
    )
    audit.record(
        actor,
        "referral.status",
        referral,
        summary=f"{referral.code} {ReferralStatus(before).label} → {label}",
        before={"status": before},
        after={"status": status, "reply": reply_text} if reply_text else {"status": status},
    )
    if first_reply:
        _tell_worker(referral, replied=True)
    return referral


@transaction.atomic
def add_note(referral: DepartmentReferral, *, actor: User, note: str, internal: bool = True) -> ReferralEvent:
    """A follow-up (a call to chase the department, a visit). Internal unless said otherwise."""
    referral = _lock(actor, referral)
    errors: dict[str, list[str]] = {}
    text = _text(note, field="note", required="请填写跟进情况", max_length=TEXT_MAX, errors=errors)
    if errors:
        raise ValidationError(errors)
    event = ReferralEvent.objects.create(
        referral=referral, actor=actor, kind=ReferralEventKind.NOTE, note=text, internal=internal
    )
    audit.record(
        actor,
        "referral.note",
        referral,
        summary=f"{referral.code} 跟进记录" + ("（内部）" if internal else ""),
    )
    return event
