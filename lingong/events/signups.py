"""Sign-ups, attendance and outcomes of an event.

A worker signs up online (the event page, the API) or on the spot by scanning the event's QR code; staff
sign up a walk-in by phone (linked to the worker's record when the phone belongs to one, else kept as a
name and phone). Places are taken with a conditional update of Event.signed_up, so two people can never
take the last place together; the database constraint is the last guard. Sign-ups made at the event
(on its day, by QR or by staff) go into the station's ledger at once, the others when the event is held.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer
from lingong.gigs.models import Gig
from lingong.ledger.services import record_service
from lingong.lib.codes import new_code
from lingong.lib.phone import normalize_mobile
from lingong.workers.models import Worker, WorkerStatus

from .models import Event, EventStatus, Outcome, OutcomeKind, Signup, SignupSource, SignupStatus
from .services import LEDGER_SERVICE, LEDGER_SOURCE, clean_text


class SignupConflict(ValidationError):
    """The sign-up cannot be made as asked (the API answers 409)."""


class EventFull(SignupConflict):
    pass


class AlreadySignedUp(SignupConflict):
    pass


def may_manage(user: User | None, event: Event) -> bool:
    return Event.objects.manageable_by(user).filter(pk=event.pk).exists()


def own_worker(user: User | None) -> Worker:
    """The signed-in person's worker record, or PermissionDenied: only registered workers sign up."""
    worker = Worker.objects.filter(user=user).first() if user is not None and user.is_authenticated else None
    if worker is None or worker.status != WorkerStatus.ACTIVE:
        raise PermissionDenied("只有已登记的求职者可以报名活动，请先求职登记")
    return worker


def _take_place(event: Event) -> None:
    taken = Event.objects.filter(
        pk=event.pk, status=EventStatus.PUBLISHED, signed_up__lt=F("capacity")
    ).update(signed_up=F("signed_up") + 1)
    if taken != 1:
        raise EventFull("名额已满，报名未成功。可以关注站点的下一场活动")


@transaction.atomic
def sign_up(
    event: Event,
    *,
    actor: User,
    source: str,
    phone: str = "",
    name: str = "",
    check_in: bool = False,
) -> Signup:
    """Sign someone up. Online and QR: the actor is the worker. Staff: the actor runs the event and gives
    the walk-in's phone (and name when the phone belongs to nobody registered); check_in marks them
    present at once. AlreadySignedUp / EventFull (409 in the API), ValidationError, PermissionDenied."""
    now = timezone.now()
    event = Event.objects.select_related("station").get(pk=event.pk)
    if source not in SignupSource.values:
        raise ValidationError({"source": ["报名方式无效"]})
    worker: Worker | None = None
    if source == SignupSource.STAFF:
        if not may_manage(actor, event):
            raise PermissionDenied("只能为本站点（或本镇街）的活动登记报名")
        try:
            phone = normalize_mobile(phone)
        except ValueError as exc:
            raise ValidationError({"phone": [str(exc)]}) from None
        worker = Worker.objects.filter(user__phone=phone, status=WorkerStatus.ACTIVE).first()
        name = clean_text(name)[:30]
        if worker is None and not name:
            raise ValidationError({"name": ["这个手机号还没有登记，请填写姓名"]})
        if worker is not None:
            phone, name = "", ""
    else:
        worker, phone, name, check_in = own_worker(actor), "", "", False
    if check_in and not (event.on_the_day(now) or now >= event.starts_at):
        raise ValidationError("活动当天才能签到")
    if not event.signup_open(now):
        raise ValidationError(
            "活动已结束或未开放报名" if event.status != EventStatus.CANCELLED else "活动已取消"
        )
    active = event.signups.filter(status=SignupStatus.ACTIVE)
    if (worker is not None and active.filter(worker=worker).exists()) or (
        worker is None and active.filter(worker__isnull=True, phone=phone).exists()
    ):
        raise AlreadySignedUp("已经报过名了，不用重复报名" if source != SignupSource.STAFF else "此人已报名")
    _take_place(event)
    signup = Signup(
        event=event,
        code=new_code("S"),
        worker=worker,
        name=name,
        phone=phone,
        source=source,
        created_by=actor,
    )
    if check_in:
        signup.checked_in_at, signup.checked_in_by = now, actor
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError:
        raise AlreadySignedUp("已经报过名了，不用重复报名") from None
    if source in (SignupSource.QR, SignupSource.STAFF) and event.on_the_day(now):
        _ledger_line(event, signup, actor=actor if source == SignupSource.STAFF else None)
    audit.record(
        actor,
        "events.signup",
        signup,
        summary=f"{event.title}：{signup.display_name} {signup.get_source_display()}",
    )
    return signup


def _ledger_line(event: Event, signup: Signup, *, actor: User | None) -> None:
    """One 招聘活动 line for a person served at the event itself."""
    record_service(
        station=event.station,
        service=LEDGER_SERVICE,
        actor=actor,
        worker=signup.worker,
        walk_in_count=0 if signup.worker_id else 1,
        notes=f"{event.get_kind_display()}《{event.title}》现场报名（{signup.get_source_display()}）",
        source=LEDGER_SOURCE,
        ref=signup.code,
    )
    Signup.objects.filter(pk=signup.pk).update(in_ledger=True)
    signup.in_ledger = True


@transaction.atomic
def cancel_signup(signup: Signup, *, actor: User) -> Signup:
    signup = (
        Signup.objects.select_for_update(of=("self",)).select_related("event", "worker").get(pk=signup.pk)
    )
    event = signup.event
    own = signup.worker is not None and signup.worker.user_id == getattr(actor, "pk", None)
    if not (own or may_manage(actor, event)):
        raise PermissionDenied("只能取消自己的报名")
    if not signup.is_active:
        raise ValidationError("这条报名已经取消")
    if signup.checked_in_at is not None:
        raise ValidationError("已签到的报名不能取消")
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError(f"活动{event.get_status_display()}，报名不能再变更")
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status"])
    Event.objects.filter(pk=event.pk, signed_up__gt=0).update(signed_up=F("signed_up") - 1)
    audit.record(
        actor, "events.signup_cancel", signup, summary=f"{event.title}：取消报名 {signup.display_name}"
    )
    return signup


def _manageable_signup(signup: Signup, actor: User) -> Signup:
    signup = (
        Signup.objects.select_for_update(of=("self",)).select_related("event", "worker").get(pk=signup.pk)
    )
    if not may_manage(actor, signup.event):
        raise PermissionDenied("只能管理本站点（或本镇街）的活动")
    return signup


@transaction.atomic
def check_in(signup: Signup, *, actor: User) -> Signup:
    """Staff mark a signed-up person present, from the day of the event."""
    signup = _manageable_signup(signup, actor)
    event = signup.event
    now = timezone.now()
    if not signup.is_active:
        raise ValidationError("这条报名已取消，请重新登记报名")
    if signup.checked_in_at is not None:
        raise ValidationError("已经签到过了")
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError(f"活动{event.get_status_display()}，不能再签到")
    if not (event.on_the_day(now) or now >= event.starts_at):
        raise ValidationError("活动当天才能签到")
    signup.checked_in_at, signup.checked_in_by = now, actor
    signup.save(update_fields=["checked_in_at", "checked_in_by"])
    audit.record(actor, "events.check_in", signup, summary=f"{event.title}：{signup.display_name} 签到")
    return signup


@transaction.atomic
def record_outcome(
    signup: Signup,
    *,
    actor: User,
    employer: Employer,
    kind: str,
    gig: Gig | None = None,
    note: str = "",
) -> Outcome:
    """An intention (意向) or a hire (到岗) between a person who attended and a participating employer."""
    signup = _manageable_signup(signup, actor)
    event = signup.event
    errors: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = ["请选择结果：达成意向或到岗"]
    if event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
        raise ValidationError(f"活动{event.get_status_display()}，不能登记成效")
    if not signup.is_active or signup.checked_in_at is None:
        errors["signup"] = ["只能为已签到的参会人员登记成效"]
    if not event.participants.filter(employer=employer).exists():
        errors["employer"] = ["该单位不在本次活动的参会名单中"]
    if gig is not None and gig.employer_id != employer.pk:
        errors["gig"] = ["岗位不属于该单位"]
    if errors:
        raise ValidationError(errors)
    if Outcome.objects.filter(signup=signup, employer=employer, kind=kind).exists():
        raise ValidationError(f"已登记过{OutcomeKind(kind).label}")
    outcome = Outcome.objects.create(
        event=event,
        signup=signup,
        employer=employer,
        gig=gig,
        kind=kind,
        note=clean_text(note)[:200],
        recorded_by=actor,
    )
    audit.record(
        actor,
        "events.outcome",
        event,
        summary=f"{signup.display_name} · {employer.name} · {outcome.get_kind_display()}",
    )
    return outcome
