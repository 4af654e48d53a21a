"""Writes to employers: registration, edits, staff review, members and invitations.

Every function checks who may do it, validates through clean_employer_data (shared with the forms and
the API), saves whole or not at all, and writes an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import Membership, Role, User
from lingong.accounts.services import grant_membership, revoke_membership
from lingong.lib.codes import new_code
from lingong.lib.geo import in_city
from lingong.lib.masking import mask_phone
from lingong.lib.phone import normalize_mobile
from lingong.lib.uscc import CreditCodeError, make_uscc, normalize_uscc
from lingong.notify import texts as notify_texts
from lingong.notify.services import enqueue
from lingong.places.models import Town
from lingong.places.towns import resolve_town

from .models import (
    INVITATION_DAYS,
    REVERIFY_AFTER_DAYS,
    USCC_REQUIRED,
    Employer,
    EmployerInvitation,
    EmployerKind,
    EmployerStatus,
    UsccCheck,
    managed_employer_ids,
)

# What a manager may edit. Changing a key field of an approved employer sends it back to review,
# because the approval vouched for exactly that identity.
EDIT_FIELDS = (
    "kind",
    "name",
    "uscc",
    "contact_name",
    "contact_phone",
    "town",
    "address",
    "lat",
    "lng",
    "industry",
    "description",
)
KEY_FIELDS = {"name": "名称", "uscc": "统一社会信用代码", "kind": "类型"}
DECISIONS = {"approve": "通过认证", "reject": "不予通过", "more_info": "要求补充材料"}
MAX_LENGTHS = {
    "name": 100,
    "contact_name": 30,
    "address": 200,
    "industry": 50,
    "description": 1000,
}


# The link carries the invitation token: it is a secret param, so the outbox redacts it after delivery.
INVITE_SMS = notify_texts.register(
    "employer_invite",
    notify_texts.SIGN + "{inviter}邀请您加入“{employer}”。请在{days}天内用本手机号注册或登录后打开：{link}",
    secret_params=("link",),
)


def snapshot(employer: Employer) -> dict[str, Any]:
    """A readable picture of an employer for the audit log's before/after."""
    return {
        "kind": employer.kind,
        "name": employer.name,
        "uscc": employer.uscc,
        "uscc_check": employer.uscc_check,
        "contact_name": employer.contact_name,
        "contact_phone": employer.contact_phone,
        "town": employer.town.name if employer.town_id else None,
        "address": employer.address,
        "lat": employer.lat,
        "lng": employer.lng,
        "industry": employer.industry,
        "description": employer.description,
        "status": employer.status,
        "status_reason": employer.status_reason,
        "reverify_due": employer.reverify_due,
    }


def check_uscc(raw: str) -> tuple[str, str]:
    """(code, uscc_check) for a typed credit code.

    A code whose only fault is its check character is accepted as "failed" for a person to look at;
    any other fault (length, letters that are never used, the authority or area part) is an error
    the registrant can see and fix at once. Raises CreditCodeError.
    """
    try:
        return normalize_uscc(raw), UsccCheck.PASSED.value
    except CreditCodeError as exc:
        # NFKC turns full-width letters and digits into ASCII, as normalize_uscc does.
        cleaned = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", raw or "")).upper()
        if len(cleaned) == 18:
            try:
                normalize_uscc(make_uscc(cleaned[:17]))
            except (CreditCodeError, KeyError, ValueError):
                raise exc from None
            return cleaned, UsccCheck.FAILED.value
        raise


def _text(value: Any) -> str:
    return str(value or "").strip()


def _clean_uscc(merged: dict[str, Any], instance: Employer | None, errors: dict, out: dict) -> None:
    kind, raw = merged.get("kind"), _text(merged.get("uscc"))
    if kind not in EmployerKind.values:
        return  # reported with the kind
    code: str | None = None
    check = UsccCheck.NOT_APPLICABLE.value
    if kind == EmployerKind.HOUSEHOLD:
        if raw:
            errors.setdefault("uscc", []).append("家庭用工无需填写统一社会信用代码，请清空此项或改选其他类型")
    elif not raw:
        if kind in USCC_REQUIRED:
            label = EmployerKind(kind).label
            errors.setdefault("uscc", []).append(f"{label}必须填写统一社会信用代码（见营业执照）")
    else:
        try:
            code, check = check_uscc(raw)
        except CreditCodeError as exc:
            errors.setdefault("uscc", []).append(str(exc))
    if code:
        clash = Employer.objects.filter(uscc=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("uscc", []).append(
                "该统一社会信用代码已有单位登记。如是本单位，请让已登记的管理员邀请您加入；"
                "如有疑问请联系所在镇街分局"
            )
    out["uscc"], out["uscc_check"] = code, check


def _clean_point(merged: dict[str, Any], errors: dict, out: dict) -> None:
    lat, lng = merged.get("lat"), merged.get("lng")
    if lat in (None, "") and lng in (None, ""):
        out["lat"] = out["lng"] = None
        return
    try:
        point = (float(lat), float(lng))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors.setdefault("lat", []).append("经纬度要么都填，要么都不填，且应为数字")
        return
    if not in_city(*point):
        errors.setdefault("lat", []).append(
            "坐标不在中山市范围内，请核对（纬度约 22.2–22.8，经度约 113.1–113.7）"
        )
        return
    out["lat"], out["lng"] = point


def clean_employer_data(data: dict[str, Any], instance: Employer | None = None) -> dict[str, Any]:
    """The one validation path for employer data (forms and API). Raises ValidationError in Chinese.

    Returns the cleaned values of the fields given (all of EDIT_FIELDS when creating), plus uscc_check
    whenever the credit code was looked at. Keys outside EDIT_FIELDS are ignored.
    """
    creating = instance is None
    merged: dict[str, Any] = {}
    if instance is not None:
        merged = {f: getattr(instance, f) for f in EDIT_FIELDS if f != "town"}
        merged["town"] = instance.town
    given = {k: v for k, v in data.items() if k in EDIT_FIELDS}
    merged.update(given)

    def touched(*fields: str) -> bool:
        return creating or any(f in given for f in fields)

    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if touched("kind"):
        if merged.get("kind") not in EmployerKind.values:
            errors.setdefault("kind", []).append(
                "请选择用工主体类型：企业、个体工商户、家庭或人力资源服务机构"
            )
        else:
            out["kind"] = merged["kind"]
    if touched("kind", "uscc"):
        _clean_uscc(merged, instance, errors, out)
    for field, missing in (
        ("name", "请填写单位名称（家庭用工可填“某某家庭”）"),
        ("contact_name", "请填写联系人姓名"),
        ("address", "请填写经营或用工地址"),
        ("industry", ""),
        ("description", ""),
    ):
        if not touched(field):
            continue
        value = _text(merged.get(field))
        if missing and not value:
            errors.setdefault(field, []).append(missing)
        elif len(value) > MAX_LENGTHS[field]:
            errors.setdefault(field, []).append(f"不能超过 {MAX_LENGTHS[field]} 个字")
        out[field] = value
    if touched("contact_phone"):
        raw = _text(merged.get("contact_phone"))
        if not raw:
            errors.setdefault("contact_phone", []).append("请填写联系人手机号")
        else:
            try:
                out["contact_phone"] = normalize_mobile(raw)
            except ValueError as exc:
                errors.setdefault("contact_phone", []).append(str(exc))
    if touched("town"):
        town = merged.get("town")
        if isinstance(town, str):
            town = resolve_town(town)
        if not isinstance(town, Town):
            errors.setdefault("town", []).append("请选择所在镇街")
        else:
            out["town"] = town
    if touched("lat", "lng"):
        _clean_point(merged, errors, out)
    if errors:
        raise ValidationError(errors)
    return out


def _lock(employer: Employer) -> Employer:
    return Employer.objects.select_for_update(of=("self",)).select_related("town").get(pk=employer.pk)


def _check_manager(actor: User, employer: Employer, message: str) -> None:
    if employer.pk not in managed_employer_ids(actor):
        raise PermissionDenied(message)


def _save_new(employer: Employer) -> None:
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError:
        # The unique credit code is what clean_employer_data cannot guard against a concurrent twin.
        raise ValidationError({"uscc": ["该统一社会信用代码已有单位登记"]}) from None


@transaction.atomic
def register_employer(*, actor: User, data: dict[str, Any]) -> Employer:
    """A signed-in person registers an organisation or household and becomes its first manager."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("请先登录")
    cleaned = clean_employer_data(data)
    employer = Employer(code=new_code("EM"), status=EmployerStatus.PENDING, submitted_at=timezone.now())
    for field, value in cleaned.items():
        setattr(employer, field, value)
    _save_new(employer)
    # The system grants the first membership: nobody manages the employer yet, and the registration
    # itself (audited below with the real actor) is the authority for it.
    grant_membership(actor=None, user=actor, role=Role.EMPLOYER_MEMBER, employer=employer, is_manager=True)
    note = "；信用代码校验位不符，转人工核实" if employer.uscc_check == UsccCheck.FAILED else ""
    audit.record(
        actor,
        "employer.register",
        employer,
        summary=f"登记用工主体 {employer.name}（{employer.get_kind_display()}）{note}",
        after=snapshot(employer),
    )
    return employer


@transaction.atomic
def update_employer(employer: Employer, *, actor: User, data: dict[str, Any]) -> Employer:
    """A manager edits the record. Changing the name, credit code or kind of an approved employer
    sends it back to review."""
    employer = _lock(employer)
    _check_manager(actor, employer, "只有本单位的管理员可以修改资料")
    before = snapshot(employer)
    cleaned = clean_employer_data(data, instance=employer)
    key_changed = [
        label for f, label in KEY_FIELDS.items() if f in cleaned and cleaned[f] != getattr(employer, f)
    ]
    for field, value in cleaned.items():
        setattr(employer, field, value)
    if key_changed and employer.status == EmployerStatus.APPROVED:
        employer.status = EmployerStatus.PENDING
        employer.status_reason = f"修改了{'、'.join(key_changed)}，需重新审核"
        employer.submitted_at = timezone.now()
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError:
        raise ValidationError({"uscc": ["该统一社会信用代码已有单位登记"]}) from None
    b, a = audit.diff(before, snapshot(employer))
    audit.record(
        actor,
        "employer.update",
        employer,
        summary=f"修改用工主体资料：{'、'.join(a) or '无变化'}",
        before=b,
        after=a,
    )
    return employer


@transaction.atomic
def review_employer(employer: Employer, *, actor: User, decision: str, reason: str = "") -> Employer:
    """Staff decide: approve (for a year), reject (with a reason) or ask for more (with a reason).

    City admins review every employer, town admins those in their towns; nobody reviews an employer
    they belong to. Approving an approved employer renews it (the yearly re-verification).
    """
    employer = _lock(employer)
    if not Employer.objects.reviewable_by(actor).filter(pk=employer.pk).exists():
        raise PermissionDenied("只能审核本镇街的用工主体")
    if employer.pk in actor.employer_ids:
        raise PermissionDenied("不能审核自己所在的用工主体")
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["请选择审核结果：通过、不通过或要求补充材料"]
    elif decision in ("reject", "more_info") and not reason:
        errors["reason"] = ["请填写原因，用工主体会看到这段说明"]
    elif decision == "approve" and employer.uscc_check == UsccCheck.FAILED and not reason:
        errors["reason"] = ["统一社会信用代码校验位不符：通过前请写明核实情况（如已核对营业执照原件）"]
    elif decision == "reject" and employer.status == EmployerStatus.REJECTED:
        errors["decision"] = ["该用工主体已是未通过状态"]
    elif decision == "more_info" and employer.status == EmployerStatus.MORE_INFO:
        errors["decision"] = ["已在等待补充材料"]
    if len(reason) > 500:
        errors.setdefault("reason", []).append("不能超过 500 个字")
    if errors:
        raise ValidationError(errors)
    before = snapshot(employer)
    now = timezone.now()
    if decision == "approve":
        employer.status = EmployerStatus.APPROVED
        employer.verified_by = actor
        employer.verified_at = now
        employer.reverify_due = timezone.localdate() + dt.timedelta(days=REVERIFY_AFTER_DAYS)
    else:
        employer.status = EmployerStatus.REJECTED if decision == "reject" else EmployerStatus.MORE_INFO
    employer.status_reason = reason
    employer.save(
        update_fields=["status", "status_reason", "verified_by", "verified_at", "reverify_due", "updated_at"]
    )
    b, a = audit.diff(before, snapshot(employer))
    audit.record(
        actor,
        "employer.review",
        employer,
        summary=f"审核用工主体：{DECISIONS[decision]}{f'（{reason}）' if reason else ''}",
        before=b,
        after=a,
    )
    return employer


@transaction.atomic
def resubmit(employer: Employer, *, actor: User, note: str) -> Employer:
    """After 待补充材料 or 未通过, a manager sends the employer back to review with a note."""
    employer = _lock(employer)
    _check_manager(actor, employer, "只有本单位的管理员可以重新提交")
    note = _text(note)
    if employer.status not in (EmployerStatus.MORE_INFO, EmployerStatus.REJECTED):
        raise ValidationError({"note": [f"当前状态为“{employer.get_status_display()}”，无需重新提交"]})
    if not note:
        raise ValidationError({"note": ["请说明补充或修改了什么，方便审核人员核对"]})
    if len(note) > 500:
        raise ValidationError({"note": ["不能超过 500 个字"]})
    before = snapshot(employer)
    employer.status = EmployerStatus.PENDING
    employer.applicant_note = note
    employer.submitted_at = timezone.now()
    employer.save(update_fields=["status", "applicant_note", "submitted_at", "updated_at"])
    b, a = audit.diff(before, snapshot(employer))
    audit.record(actor, "employer.resubmit", employer, summary=f"重新提交审核：{note}", before=b, after=a)
    return employer


@dataclass
class InviteResult:
    """Either a membership granted at once (the phone has an account) or an invitation with its token,
    which is shown once to the manager and never stored."""

    membership: Membership | None = None
    invitation: EmployerInvitation | None = None
    token: str = ""


def invitation_path(token: str) -> str:
    return f"/employers/invite/{token}/"


def invitation_link(token: str, base_url: str = "") -> str:
    """The absolute link: SITE_URL when configured, else the address the manager is using."""
    return (settings.SITE_URL or base_url.rstrip("/")) + invitation_path(token)


@transaction.atomic
def invite_member(
    employer: Employer, *, actor: User, phone: str, as_manager: bool = False, base_url: str = ""
) -> InviteResult:
    """A manager adds a person by phone: at once when the phone has an account, else by invitation,
    which is also sent by SMS (through the outbox, in this transaction)."""
    employer = _lock(employer)
    _check_manager(actor, employer, "只有本单位的管理员可以邀请成员")
    try:
        phone = normalize_mobile(phone)
    except ValueError as exc:
        raise ValidationError({"phone": [str(exc)]}) from None
    user = User.objects.filter(phone=phone).first()
    role = "管理员" if as_manager else "成员"
    if user is not None:
        if Membership.objects.filter(
            user=user, role=Role.EMPLOYER_MEMBER, employer=employer, active=True
        ).exists():
            raise ValidationError({"phone": ["该手机号的用户已是本单位成员"]})
        membership = grant_membership(
            actor=actor, user=user, role=Role.EMPLOYER_MEMBER, employer=employer, is_manager=as_manager
        )
        audit.record(
            actor, "employer.member_add", employer, summary=f"添加{role} {user}（{mask_phone(phone)}）"
        )
        return InviteResult(membership=membership)
    now = timezone.now()
    # A new invitation replaces any earlier one for the same phone: only the latest link works.
    EmployerInvitation.objects.filter(
        employer=employer, phone=phone, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(24)
    invitation = EmployerInvitation.objects.create(
        employer=employer,
        phone=phone,
        as_manager=as_manager,
        token_hash=EmployerInvitation.hash_token(token),
        invited_by=actor,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    enqueue(
        channel="sms",
        recipient=phone,
        template=INVITE_SMS.code,
        params={
            "inviter": str(actor),
            "employer": employer.name,
            "days": INVITATION_DAYS,
            "link": invitation_link(token, base_url),
        },
        dedupe_key=f"employer-invite:{invitation.pk}",
        expires_at=invitation.expires_at,
    )
    audit.record(
        actor,
        "employer.invite",
        employer,
        summary=f"邀请 {mask_phone(phone)} 加入为{role}，{INVITATION_DAYS} 天内有效，已发短信",
    )
    return InviteResult(invitation=invitation, token=token)


def find_invitation(token: str) -> EmployerInvitation | None:
    if not token:
        return None
    return (
        EmployerInvitation.objects.select_related("employer", "employer__town")
        .filter(token_hash=EmployerInvitation.hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(*, actor: User, token: str) -> Membership:
    """The invited person, signed in with the invited phone, joins the employer."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("请先登录")
    invitation = find_invitation(token)
    if invitation is None:
        raise ValidationError("邀请链接无效，请向单位管理员索取新的邀请")
    if actor.phone != invitation.phone:
        raise PermissionDenied(
            f"该邀请发给手机号 {mask_phone(invitation.phone)}，与您账号绑定的手机号不一致；"
            "请用该手机号登录或注册"
        )
    employer = invitation.employer
    if invitation.accepted_at is not None:
        existing = Membership.objects.filter(
            user=actor, role=Role.EMPLOYER_MEMBER, employer=employer, active=True
        ).first()
        if invitation.accepted_by_id == actor.pk and existing is not None:
            return existing  # a second click on the same link
        raise ValidationError("该邀请已经使用过")
    if invitation.revoked_at is not None:
        raise ValidationError("该邀请已作废（管理员发出了新的邀请），请使用最新的邀请链接")
    now = timezone.now()
    if now >= invitation.expires_at:
        raise ValidationError(f"邀请已过期（有效期 {INVITATION_DAYS} 天），请向单位管理员索取新的邀请")
    claimed = EmployerInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=now, accepted_by=actor)
    if claimed != 1:
        raise ValidationError("该邀请已经使用过")
    # The invitation is the authority here (checked above), so the system grants the membership.
    membership = grant_membership(
        actor=None, user=actor, role=Role.EMPLOYER_MEMBER, employer=employer, is_manager=invitation.as_manager
    )
    audit.record(actor, "employer.invite_accept", employer, summary=f"{actor} 接受邀请加入 {employer.name}")
    return membership


@transaction.atomic
def remove_member(employer: Employer, *, actor: User, membership: Membership) -> None:
    """A manager removes a member (themselves too), but never the last manager."""
    employer = _lock(employer)
    _check_manager(actor, employer, "只有本单位的管理员可以移除成员")
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if (
        membership.employer_id != employer.pk
        or membership.role != Role.EMPLOYER_MEMBER
        or not membership.active
    ):
        raise ValidationError("该成员不属于本单位")
    if membership.is_manager:
        others = (
            Membership.objects.filter(
                employer=employer, role=Role.EMPLOYER_MEMBER, active=True, is_manager=True
            )
            .exclude(pk=membership.pk)
            .exists()
        )
        if not others:
            raise ValidationError("不能移除最后一位管理员；请先邀请另一位管理员")
    revoke_membership(actor=actor, membership=membership)
    audit.record(actor, "employer.member_remove", employer, summary=f"移除成员 {membership.user}")
