"""Applications and bookings: apply, invite, offer, accept, decline, reject, withdraw, claim, cancel.

The rules every booking obeys, in one place:
- a worker can be booked only onto a public gig's open, future shift; public welfare posts only for
  certified hardship workers; required certificates must be valid on the shift's day;
- a worker is never booked into two overlapping shifts;
- a shift's bookings never exceed its headcount: the shift row is locked (PostgreSQL) or the write is
  serialised (SQLite's BEGIN IMMEDIATE), the counter moves by a conditional UPDATE, and a CHECK
  constraint backs both up.
Cancellation rules are in CANCEL_FREE_HOURS and published on the rules page (views: gigs:rules).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer
from lingong.lib.codes import new_code
from lingong.workers.models import Worker, WorkerStatus

from . import notices, reliability
from .models import LIVE, Application, AppStatus, CancelledBy, Gig, Shift, ShiftStatus

# Either side may cancel a booking without consequence until this many hours before the start.
CANCEL_FREE_HOURS = 12


class ShiftFull(Exception):
    """No place left on the shift (the API answers 409)."""


def _worker_for(actor: User) -> Worker:
    worker = Worker.objects.filter(user=actor).select_related("user").first()
    if worker is None:
        raise PermissionDenied("请先完成求职登记，再报名岗位")
    if worker.status != WorkerStatus.ACTIVE:
        raise PermissionDenied("该求职登记已申请注销，不能报名")
    return worker


def _check_manage(actor: User, gig: Gig) -> None:
    if not Gig.objects.managed_by(actor).filter(pk=gig.pk).exists():
        raise PermissionDenied("只有发布该岗位的用工方或负责的工作人员可以操作")


def is_certified_hardship(worker: Worker, day: dt.date) -> bool:
    return any(r.counts_on(day) for r in worker.hardships.all())


def eligibility_problems(worker: Worker, shift: Shift, *, now: dt.datetime | None = None) -> list[str]:
    """Why this worker may not take this shift; empty when they may."""
    now = now or timezone.now()
    gig = shift.gig
    problems = []
    if not Gig.objects.public().filter(pk=gig.pk).exists():
        problems.append("该岗位目前不在招聘中")
    if shift.status != ShiftStatus.OPEN or shift.starts_at <= now:
        problems.append("该班次已开始或已取消")
    day = shift.day
    if gig.is_public_welfare and not is_certified_hardship(worker, day):
        problems.append("公益性岗位只面向经认定的就业困难人员，请到就业驿站咨询认定")
    held = {c.certificate_id: c for c in worker.certificates.all()}
    for cert in gig.certificates.all():
        mine = held.get(cert.pk)
        if mine is None:
            problems.append(f"该岗位需要持有{cert.name}")
        elif not mine.valid_on(day):
            problems.append(f"您的{cert.name}在用工当天已过期")
    return problems


def _check_eligible(worker: Worker, shift: Shift) -> None:
    problems = eligibility_problems(worker, shift)
    if problems:
        raise ValidationError(problems)


def _check_no_overlap(worker: Worker, shift: Shift) -> None:
    clash = (
        Application.objects.filter(worker=worker, status=AppStatus.BOOKED)
        .exclude(shift=shift)
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .select_related("gig")
        .first()
    )
    if clash is not None:
        raise ValidationError(f"与已录用的“{clash.gig.title}”（{clash.shift}）时间冲突，不能重复录用")


def _take_place(shift: Shift) -> Shift:
    """Lock the shift and count one more booking, or raise ShiftFull."""
    locked = Shift.objects.select_for_update(of=("self",)).get(pk=shift.pk)
    taken = Shift.objects.filter(pk=shift.pk, status=ShiftStatus.OPEN, booked__lt=F("headcount")).update(
        booked=F("booked") + 1
    )
    if taken != 1:
        raise ShiftFull(f"该班次已招满（{locked.headcount} 人）")
    locked.refresh_from_db(fields=["booked"])
    return locked


def _release_place(shift: Shift) -> None:
    Shift.objects.filter(pk=shift.pk, booked__gt=0).update(booked=F("booked") - 1)


def _load_shift(shift: Shift | int) -> Shift:
    pk = shift.pk if isinstance(shift, Shift) else shift
    return (
        Shift.objects.select_related("gig", "gig__employer").prefetch_related("gig__certificates").get(pk=pk)
    )


def _create(shift: Shift, worker: Worker, *, actor: User, status: str, note: str = "") -> Application:
    app = Application(
        code=new_code("A"),
        shift=shift,
        gig=shift.gig,
        worker=worker,
        status=status,
        note=note[:200],
        created_by=actor,
    )
    if status == AppStatus.BOOKED:
        app.booked_at = timezone.now()
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        raise ValidationError("您已报名或已被邀请这个班次，不用重复操作") from None
    return app


def _notify_booked(app: Application, shift: Shift) -> None:
    gig = app.gig
    params = {"title": gig.title, "shift": str(shift), "address": gig.address}
    notices.send(
        template="gig_booked", phone=notices.worker_phone(app), params=params, key=f"booked:{app.code}"
    )
    notices.send(
        template="gig_booked_employer",
        phone=gig.contact_phone,
        params={
            "worker": app.worker.masked_name,
            "title": gig.title,
            "shift": str(shift),
            "booked": shift.booked,
            "headcount": shift.headcount,
        },
        key=f"booked-emp:{app.code}",
    )


@transaction.atomic
def claim(shift: Shift | int, *, actor: User) -> Application:
    """先到先得: book a place on an instant-booking shift at once, or raise ShiftFull."""
    worker = _worker_for(actor)
    Worker.objects.select_for_update(of=("self",)).filter(
        pk=worker.pk
    ).first()  # one booking at a time per worker
    shift = _load_shift(shift)
    if not shift.gig.is_instant:
        raise ValidationError("该岗位由用工方挑选录用，请点“报名”")
    _check_eligible(worker, shift)
    _check_no_overlap(worker, shift)
    shift = _take_place(shift)
    app = _create(shift, worker, actor=actor, status=AppStatus.BOOKED)
    _notify_booked(app, shift)
    audit.record(actor, "gig.claim", app, summary=f"抢单录用：{shift.gig.title} {shift}")
    return app


@transaction.atomic
def apply(shift: Shift | int, *, actor: User, note: str = "") -> Application:
    """Apply to a shift of a gig where the employer chooses."""
    worker = _worker_for(actor)
    shift = _load_shift(shift)
    if shift.gig.is_instant:
        raise ValidationError("该岗位先到先得，请直接点“抢单”")
    _check_eligible(worker, shift)
    app = _create(shift, worker, actor=actor, status=AppStatus.APPLIED, note=(note or "").strip())
    notices.send(
        template="gig_applied",
        phone=shift.gig.contact_phone,
        params={"worker": worker.masked_name, "title": shift.gig.title, "shift": str(shift)},
        key=f"applied:{app.code}",
    )
    audit.record(actor, "gig.apply", app, summary=f"报名：{shift.gig.title} {shift}")
    return app


@transaction.atomic
def invite(shift: Shift | int, worker: Worker, *, actor: User, note: str = "") -> Application:
    """The employer (or staff for them) invites a worker; the worker's acceptance books them."""
    shift = _load_shift(shift)
    _check_manage(actor, shift.gig)
    _check_eligible(worker, shift)
    if worker.matching_opt_out:
        raise ValidationError("该求职者不接受岗位推荐和邀请")
    app = _create(shift, worker, actor=actor, status=AppStatus.INVITED, note=(note or "").strip())
    notices.send(
        template="gig_invited",
        phone=notices.worker_phone(app),
        params={"employer": shift.gig.employer.name, "title": shift.gig.title, "shift": str(shift)},
        key=f"invited:{app.code}",
    )
    audit.record(actor, "gig.invite", app, summary=f"邀请 {worker.masked_name}：{shift.gig.title} {shift}")
    return app


def _lock_app(app: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("shift", "gig", "gig__employer", "worker", "worker__user")
        .get(pk=app.pk)
    )


def _check_own(actor: User, app: Application) -> None:
    if app.worker.user_id != actor.pk:
        raise PermissionDenied("只能处理自己的报名")


def _check_status(app: Application, *allowed: str, message: str) -> None:
    if app.status not in allowed:
        raise ValidationError(f"{message}（当前状态：{app.get_status_display()}）")


@transaction.atomic
def offer(app: Application, *, actor: User) -> Application:
    """The employer picks an applicant; the worker still has to accept."""
    app = _lock_app(app)
    _check_manage(actor, app.gig)
    _check_status(app, AppStatus.APPLIED, message="只能向报名的人发出录用")
    if app.shift.places_left <= 0:
        raise ShiftFull("该班次已招满")
    app.status = AppStatus.OFFERED
    app.save(update_fields=["status", "updated_at"])
    notices.send(
        template="gig_offered",
        phone=notices.worker_phone(app),
        params={"title": app.gig.title, "shift": str(app.shift)},
        key=f"offered:{app.code}",
    )
    audit.record(actor, "gig.offer", app, summary=f"发出录用：{app.worker.masked_name}")
    return app


@transaction.atomic
def accept(app: Application, *, actor: User) -> Application:
    """The worker accepts an offer or an invitation: the booking is made if a place is left."""
    app = _lock_app(app)
    _check_own(actor, app)
    _check_status(app, AppStatus.OFFERED, AppStatus.INVITED, message="没有待确认的录用或邀请")
    Worker.objects.select_for_update(of=("self",)).filter(pk=app.worker_id).first()
    shift = _load_shift(app.shift_id)
    _check_eligible(app.worker, shift)
    _check_no_overlap(app.worker, shift)
    shift = _take_place(shift)
    app.status, app.booked_at = AppStatus.BOOKED, timezone.now()
    app.save(update_fields=["status", "booked_at", "updated_at"])
    _notify_booked(app, shift)
    audit.record(actor, "gig.accept", app, summary=f"确认录用：{app.gig.title} {shift}")
    return app


@transaction.atomic
def decline(app: Application, *, actor: User) -> Application:
    app = _lock_app(app)
    _check_own(actor, app)
    _check_status(app, AppStatus.OFFERED, AppStatus.INVITED, message="没有待确认的录用或邀请")
    app.status = AppStatus.DECLINED
    app.save(update_fields=["status", "updated_at"])
    audit.record(actor, "gig.decline", app, summary="婉拒录用或邀请")
    return app


@transaction.atomic
def withdraw(app: Application, *, actor: User) -> Application:
    app = _lock_app(app)
    _check_own(actor, app)
    _check_status(app, AppStatus.APPLIED, AppStatus.OFFERED, message="只能撤回尚未录用的报名")
    app.status = AppStatus.WITHDRAWN
    app.save(update_fields=["status", "updated_at"])
    audit.record(actor, "gig.withdraw", app, summary="撤回报名")
    return app


@transaction.atomic
def reject(app: Application, *, actor: User) -> Application:
    app = _lock_app(app)
    _check_manage(actor, app.gig)
    _check_status(app, AppStatus.APPLIED, AppStatus.OFFERED, message="只能婉拒尚未录用的报名")
    app.status = AppStatus.REJECTED
    app.save(update_fields=["status", "updated_at"])
    notices.send(
        template="gig_rejected",
        phone=notices.worker_phone(app),
        params={"title": app.gig.title, "shift": str(app.shift)},
        key=f"rejected:{app.code}",
    )
    audit.record(actor, "gig.reject", app, summary=f"未录用：{app.worker.masked_name}")
    return app


def is_late_cancel(app: Application, now: dt.datetime) -> bool:
    return app.shift.starts_at - now < dt.timedelta(hours=CANCEL_FREE_HOURS)


def _cancel(app: Application, *, by: str, reason: str, now: dt.datetime) -> bool:
    """Mark a live application cancelled; returns whether it was a late cancellation of a booking."""
    was_booked = app.status == AppStatus.BOOKED
    late = was_booked and is_late_cancel(app, now)
    app.status, app.cancelled_by, app.cancelled_late = AppStatus.CANCELLED, by, late
    app.cancel_reason = reason[:200]
    app.save(update_fields=["status", "cancelled_by", "cancelled_late", "cancel_reason", "updated_at"])
    if was_booked:
        _release_place(app.shift)
    return late


@transaction.atomic
def cancel_by_worker(app: Application, *, actor: User, reason: str) -> Application:
    """Free until CANCEL_FREE_HOURS before the start; later it counts against reliability."""
    app = _lock_app(app)
    _check_own(actor, app)
    _check_status(app, AppStatus.BOOKED, message="只能取消已录用、尚未开工的班次")
    now = timezone.now()
    if app.shift.starts_at <= now:
        raise ValidationError("班次已经开始，不能在网上取消；如有急事请联系用工方")
    reason = (reason or "").strip() or "个人原因"
    late = _cancel(app, by=CancelledBy.WORKER, reason=reason, now=now)
    notices.send(
        template="gig_worker_cancelled",
        phone=app.gig.contact_phone,
        params={
            "worker": app.worker.masked_name,
            "title": app.gig.title,
            "shift": str(app.shift),
            "reason": reason,
        },
        key=f"wcancel:{app.code}",
    )
    reliability.recompute(app.worker)
    audit.record(
        actor, "gig.cancel_booking", app, summary=f"零工取消{'（临时取消）' if late else ''}：{reason}"
    )
    return app


@transaction.atomic
def cancel_by_employer(app: Application, *, actor: User, reason: str) -> Application:
    """The employer cancels a booking or an open application. A booking cancelled within
    CANCEL_FREE_HOURS of the start is a late cancellation and gives the employer a warning."""
    app = _lock_app(app)
    _check_manage(actor, app.gig)
    _check_status(app, *LIVE, message="只能取消进行中的报名或录用")
    now = timezone.now()
    if app.status == AppStatus.BOOKED and app.shift.starts_at <= now:
        raise ValidationError("班次已经开始，不能取消；如零工未到岗，请在考勤中标记")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请写明取消原因，会发短信告知零工"]})
    late = _cancel(app, by=CancelledBy.EMPLOYER, reason=reason, now=now)
    if late:
        Employer.objects.filter(pk=app.gig.employer_id).update(warnings=F("warnings") + 1)
    notices.send(
        template="gig_cancelled",
        phone=notices.worker_phone(app),
        params={"title": app.gig.title, "shift": str(app.shift), "reason": reason},
        key=f"ecancel:{app.code}",
    )
    audit.record(
        actor,
        "gig.cancel_booking",
        app,
        summary=f"用工方取消{'（临时取消，记警告一次）' if late else ''}：{reason}",
    )
    return app
