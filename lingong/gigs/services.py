"""Writes to postings: save a draft, submit it through screening, staff review, close and cancel.

Every function checks who may do it, validates through posting.clean_gig_data (shared with the form and
the API), saves whole or not at all, and writes an audit entry in the same transaction.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer
from lingong.lib.codes import new_code
from lingong.places.models import Station

from . import search
from .models import AppStatus, Gig, GigStatus, PayUnit, Shift, ShiftStatus
from .posting import clean_gig_data

GIG_FIELDS = (
    "kind",
    "occupation",
    "title",
    "description",
    "requirements",
    "headcount",
    "town",
    "address",
    "lat",
    "lng",
    "pay_amount",
    "pay_unit",
    "settlement",
    "provided",
    "insurance",
    "booking_mode",
    "contact_name",
    "contact_phone",
    "hourly_pay",
)


def snapshot(gig: Gig) -> dict[str, Any]:
    data = {f: getattr(gig, f) for f in GIG_FIELDS if f not in ("occupation", "town")}
    data["occupation"] = gig.occupation.code if gig.occupation_id else None
    data["town"] = gig.town.name if gig.town_id else None
    data["status"] = gig.status
    return data


def may_post_for(actor: User | None, employer: Employer) -> bool:
    """Members of the employer; staff for employers in their town (walk-in employers at a station)."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_city_admin or employer.pk in actor.employer_ids:
        return True
    if employer.town_id in actor.admin_town_ids:
        return True
    station_towns = set(
        Station.objects.filter(pk__in=actor.coordinator_station_ids).values_list("town_id", flat=True)
    )
    return employer.town_id in station_towns


def _staff_station(actor: User, employer: Employer) -> Station | None:
    """The coordinator's station when staff post on an employer's behalf."""
    if employer.pk in actor.employer_ids:
        return None
    return (
        Station.objects.filter(pk__in=actor.coordinator_station_ids, town_id=employer.town_id)
        .order_by("pk")
        .first()
    )


def _check_manage(actor: User, gig: Gig) -> None:
    if not Gig.objects.managed_by(actor).filter(pk=gig.pk).exists():
        raise PermissionDenied("只有发布该岗位的用工方或负责的工作人员可以操作")


def _set_shifts(gig: Gig, shifts: list, headcount: int) -> None:
    """Replace the shifts of a gig nobody has applied to yet."""
    gig.shifts.all().delete()
    Shift.objects.bulk_create(
        Shift(gig=gig, starts_at=s, ends_at=e, headcount=headcount, checkin_secret=secrets.token_hex(16))
        for s, e in shifts
    )
    gig.first_start = shifts[0][0]
    gig.last_end = shifts[-1][1]


@transaction.atomic
def save_draft(*, actor: User, employer: Employer, data: dict[str, Any], gig: Gig | None = None) -> Gig:
    """Create or edit a posting as a draft. An edited public posting goes back through screening."""
    if not may_post_for(actor, employer):
        raise PermissionDenied("只能为本单位（或本镇街的用工方）发布岗位")
    cleaned = clean_gig_data(data)
    if gig is None:
        gig = Gig(
            code=new_code("G"), employer=employer, created_by=actor, station=_staff_station(actor, employer)
        )
        before: dict[str, Any] = {}
    else:
        gig = Gig.objects.select_for_update(of=("self",)).get(pk=gig.pk)
        _check_manage(actor, gig)
        if gig.status in (GigStatus.CLOSED, GigStatus.CANCELLED):
            raise ValidationError("已结束或已取消的岗位不能修改，请重新发布")
        if gig.applications.exists():
            raise ValidationError("已有人报名的岗位不能修改内容；如需变更请取消后重新发布，并告知已报名的人")
        before = snapshot(gig)
    for field in GIG_FIELDS:
        setattr(gig, field, cleaned[field])
    gig.status = GigStatus.DRAFT
    gig.findings = []
    gig.save()
    _set_shifts(gig, cleaned["shifts"], cleaned["headcount"])
    gig.save(update_fields=["first_start", "last_end"])
    gig.certificates.set(cleaned["certificates"])
    b, a = audit.diff(before, snapshot(gig))
    audit.record(actor, "gig.save", gig, summary=f"保存岗位草稿：{gig.title}", before=b or None, after=a)
    return gig


def screen_gig(gig: Gig) -> list[dict[str, Any]]:
    """Run the screening engine over the posting's words and pay; findings as plain dicts."""
    from lingong.screening.engine import screen

    text = "\n".join(part for part in (gig.description, gig.requirements) if part)
    amount, unit = gig.pay_amount, gig.pay_unit
    if unit in (PayUnit.DAY, PayUnit.SHIFT) and gig.hourly_pay is not None:
        # The shifts say how long a day is here: check the hourly figure, not an assumed 8-hour day.
        amount, unit = gig.hourly_pay, PayUnit.HOUR
    result = screen(title=gig.title, description=text, pay_amount=amount, pay_unit=unit)
    return [
        {
            "category": f.category,
            "category_label": f.category_label,
            "severity": f.severity,
            "text": f.text,
            "message": f.message,
            "law": f.law,
        }
        for f in result.findings
    ]


@transaction.atomic
def submit(gig: Gig, *, actor: User) -> Gig:
    """Screen and publish. Blocked → stays a draft with the findings; warned → staff review queue;
    clean → public at once, if the employer's verification is current."""
    gig = Gig.objects.select_for_update(of=("self",)).select_related("employer").get(pk=gig.pk)
    _check_manage(actor, gig)
    if gig.status not in (GigStatus.DRAFT, GigStatus.REJECTED):
        raise ValidationError("只有草稿或未通过审核的岗位可以提交发布")
    if not gig.employer.is_verification_current():
        raise ValidationError("用工主体尚未通过认证（或认证已过期），认证后才能发布岗位")
    if gig.first_start is None or gig.first_start <= timezone.now():
        raise ValidationError("岗位的开工时间已过，请修改用工日期后再发布")
    findings = screen_gig(gig)
    gig.findings = findings
    severities = {f["severity"] for f in findings}
    if "block" in severities:
        gig.status = GigStatus.DRAFT
        summary = "发布被拦截：" + "；".join(
            f["category_label"] for f in findings if f["severity"] == "block"
        )
    elif "warn" in severities:
        gig.status = GigStatus.REVIEW
        summary = "提交人工审核：" + "；".join(f["category_label"] for f in findings)
    else:
        gig.status = GigStatus.OPEN
        gig.published_at = timezone.now()
        summary = "审查通过，已发布"
    gig.save(update_fields=["findings", "status", "published_at", "updated_at"])
    if gig.status == GigStatus.OPEN:
        search.index_gig(gig)
    audit.record(actor, "gig.submit", gig, summary=summary[:300], after={"status": gig.status})
    return gig


class PostingBlocked(ValidationError):
    """The screen blocked the posting; nothing was saved. `findings` says why and what to change."""

    def __init__(self, findings: list[dict[str, Any]]):
        self.findings = findings
        blocks = [f for f in findings if f["severity"] == "block"]
        super().__init__([f"{f['category_label']}：“{f['text']}”——{f['message']}" for f in blocks])


def post_gig(*, actor: User, employer: Employer, data: dict[str, Any], gig: Gig | None = None) -> Gig:
    """Save and submit in one step, all or nothing: a blocked posting raises PostingBlocked and leaves
    no trace (the form keeps what was typed)."""
    with transaction.atomic():
        gig = save_draft(actor=actor, employer=employer, data=data, gig=gig)
        gig = submit(gig, actor=actor)
        if gig.status == GigStatus.DRAFT:
            raise PostingBlocked(gig.findings)
    return gig


def may_review(actor: User | None) -> bool:
    return bool(actor and actor.is_authenticated and (actor.is_city_admin or actor.admin_town_ids))


def review_queue(actor: User):
    """Postings the screen warned about, waiting for staff in the actor's scope."""
    if not may_review(actor):
        return Gig.objects.none()
    qs = Gig.objects.filter(status=GigStatus.REVIEW)
    if not actor.is_city_admin:
        qs = qs.filter(town_id__in=actor.admin_town_ids)
    return qs.select_related("employer", "town", "occupation").order_by("updated_at")


@transaction.atomic
def review(gig: Gig, *, actor: User, approve: bool, note: str = "") -> Gig:
    """Town or city staff publish a warned posting or send it back with a reason."""
    gig = Gig.objects.select_for_update(of=("self",)).get(pk=gig.pk)
    if not review_queue(actor).filter(pk=gig.pk).exists():
        raise PermissionDenied("只能审核本镇街待审核的岗位")
    if gig.employer_id in actor.employer_ids:
        raise PermissionDenied("不能审核本单位的岗位")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": ["退回时请写明原因和修改建议"]})
    if len(note) > 300:
        raise ValidationError({"note": ["审核意见不能超过 300 个字"]})
    gig.review_note, gig.reviewed_by, gig.reviewed_at = note, actor, timezone.now()
    if approve:
        gig.status, gig.published_at = GigStatus.OPEN, timezone.now()
    else:
        gig.status = GigStatus.REJECTED
    gig.save(
        update_fields=["status", "published_at", "review_note", "reviewed_by", "reviewed_at", "updated_at"]
    )
    if approve:
        search.index_gig(gig)
    audit.record(
        actor,
        "gig.review",
        gig,
        summary=("审核通过" if approve else f"审核退回：{note}")[:300],
        after={"status": gig.status},
    )
    return gig


@transaction.atomic
def close(gig: Gig, *, actor: User | None, reason: str = "") -> Gig:
    """Stop taking applications (filled, or past). Bookings already made stand."""
    gig = Gig.objects.select_for_update(of=("self",)).get(pk=gig.pk)
    if actor is not None:
        _check_manage(actor, gig)
    if gig.status != GigStatus.OPEN:
        return gig
    gig.status = GigStatus.CLOSED
    gig.save(update_fields=["status", "updated_at"])
    search.unindex_gig(gig)
    audit.record(actor, "gig.close", gig, summary=f"停止招聘 {reason}".strip())
    return gig


@transaction.atomic
def cancel(gig: Gig, *, actor: User, reason: str) -> Gig:
    """Cancel the whole posting: every live application and booking is cancelled by the employer."""
    from .booking import cancel_by_employer

    gig = Gig.objects.select_for_update(of=("self",)).get(pk=gig.pk)
    _check_manage(actor, gig)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请写明取消原因，会通知已报名和已录用的人"]})
    if gig.status == GigStatus.CANCELLED:
        return gig
    for app in gig.applications.filter(
        status__in=[AppStatus.APPLIED, AppStatus.INVITED, AppStatus.OFFERED, AppStatus.BOOKED]
    ):
        cancel_by_employer(app, actor=actor, reason=reason)
    gig.shifts.update(status=ShiftStatus.CANCELLED)
    gig.status = GigStatus.CANCELLED
    gig.save(update_fields=["status", "updated_at"])
    search.unindex_gig(gig)
    audit.record(actor, "gig.cancel", gig, summary=f"取消岗位：{reason}"[:300])
    return gig
