"""Suspected wage arrears (疑似欠薪, P-20): when pay is due, the scan that opens and escalates cases,
and the rules that touch the employer's credit.

THE RULES, in one place
-----------------------
Pay is due (`pay_due_at`) at the end of the settlement cycle of the shift the worker completed, plus
a grace period for paying and for the worker to confirm receipt:

=============  =====================================================  =======
settlement     end of the cycle                                       grace
=============  =====================================================  =======
日结 daily      24:00 of the day the shift ended                       1 day
周结 weekly     Sunday 24:00 of the week (Mon–Sun) the shift ended     2 days
月结 monthly    24:00 of the last day of the month the shift ended     5 days
完工结          the end of the gig's last shift (cancelled ones aside)  2 days
=============  =====================================================  =======

"The day the shift ended" is the local (Asia/Shanghai) date of its end, so a night shift counts for
the morning it finishes; a shift ending at exactly 24:00 belongs to the day before. For 月结 a
contract may name a later pay day (labour rules allow paying monthly wages on an agreed day of the
following month); the system still opens the case five days after the month ends, because a gig
posted as 月结 promised the month's pay at the month's end, and staff close a case whose agreed pay
day is later as 不属于欠薪.

A completed booking whose pay is not confirmed by the worker at `due_at` becomes a case (a pay the
employer recorded but the worker has not confirmed, or disputed, counts as not confirmed). The case
starts at the station level (day 0 = `due_at`), goes to the town (镇街分局督办) 3 days later, and is
referred to labour inspection (劳动监察) 7 days after that; each step has an event, an audit entry and
SMS to the worker, the employer and the staff of the new level. When the worker confirms receipt, the
next scan resolves the case as paid_late.

Credit: every case adds one to Employer.arrears_cases (one case already puts the employer at 警示);
staff closing a case as 不属于欠薪 takes it off again. Posting is suspended when the employer has
two or more cases opened within 90 days, when a case reaches the inspection level, or when staff
confirm a case as 确认欠薪.

Why a scan and not timers: the scan derives everything from the database and the `now` it is given,
so after downtime it opens the cases it missed and moves them straight to the level they should be
at, writing each step with the time it took effect. A step that the same run immediately supersedes
(an opening followed by an escalation, or anything before a payment already confirmed) writes its
event but sends no SMS to the worker and the employer, so a catch-up does not flood their phones.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from lingong.accounts import audit
from lingong.employers.models import Employer
from lingong.gigs.models import Application, AppStatus, PayRecord, PayStatus, Shift, ShiftStatus
from lingong.lib.codes import new_code
from lingong.workers.models import PayUnit, Settlement

from . import notices
from .models import (
    LEVEL_ORDER,
    PAID_RESOLUTIONS,
    STAFF_RESOLUTIONS,
    ArrearsCase,
    ArrearsEvent,
    CaseStatus,
    EventKind,
    Level,
    Resolution,
)
from .services import clean_text, suspend_employer

logger = logging.getLogger(__name__)

GRACE = {
    Settlement.DAILY: dt.timedelta(days=1),
    Settlement.WEEKLY: dt.timedelta(days=2),
    Settlement.MONTHLY: dt.timedelta(days=5),
    Settlement.ON_COMPLETION: dt.timedelta(days=2),
}
# No cycle ends before its shift does, so nothing is due earlier than this after the shift's end.
MIN_GRACE = min(GRACE.values())
# From the due time to the town level, and from there to the inspection referral.
TOWN_AFTER = dt.timedelta(days=3)
INSPECTION_AFTER = dt.timedelta(days=7)
# Two cases opened within this window suspend the employer's posting.
REPEAT_WINDOW = dt.timedelta(days=90)
REPEAT_LIMIT = 2
# A pay confirmed late while the scan was not running still makes a case (opened and resolved at
# once); looking back this far covers any realistic downtime without re-reading all history.
LATE_CONFIRMATION_LOOKBACK = dt.timedelta(days=30)
BATCH = 500


# --- when pay is due ----------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, timezone.get_default_timezone())


def _end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of `day`, local time, as an aware datetime."""
    return timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), timezone.get_default_timezone()
    )


def _work_day(ends_at: dt.datetime) -> dt.date:
    # A shift ending at exactly 24:00 is that day's work, not the next day's.
    return _local(ends_at - dt.timedelta(microseconds=1)).date()


def gig_last_end(gig_id: int) -> dt.datetime | None:
    return (
        Shift.objects.filter(gig_id=gig_id)
        .exclude(status=ShiftStatus.CANCELLED)
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )


def cycle_end(application: Application, *, last_end: dt.datetime | None = None) -> dt.datetime:
    """The end of the settlement cycle for the application's shift (see the table above)."""
    shift, settlement = application.shift, application.gig.settlement
    day = _work_day(shift.ends_at)
    if settlement == Settlement.WEEKLY:
        return _end_of_day(day + dt.timedelta(days=6 - day.weekday()))
    if settlement == Settlement.MONTHLY:
        return _end_of_day(day.replace(day=calendar.monthrange(day.year, day.month)[1]))
    if settlement == Settlement.ON_COMPLETION:
        if last_end is None:
            last_end = getattr(application, "gig_last_end", None) or gig_last_end(application.gig_id)
        return max(last_end or shift.ends_at, shift.ends_at)
    return _end_of_day(day)


def pay_due_at(application: Application, *, last_end: dt.datetime | None = None) -> dt.datetime:
    """When the worker's pay for this completed shift should have been confirmed at the latest."""
    return cycle_end(application, last_end=last_end) + GRACE[Settlement(application.gig.settlement)]


def expected_amount(application: Application) -> Decimal | None:
    """The pay the gig promised for this shift, when it can be known from the posting alone.

    Per day or shift: the rate. Per hour: the rate times the shift's length. Piece, order and monthly
    rates depend on output or on the whole month, so they are left for staff to establish.
    """
    gig, shift = application.gig, application.shift
    if gig.pay_unit in (PayUnit.DAY, PayUnit.SHIFT):
        return gig.pay_amount
    if gig.pay_unit == PayUnit.HOUR:
        hours = Decimal((shift.ends_at - shift.starts_at).total_seconds()) / Decimal(3600)
        return (gig.pay_amount * hours).quantize(Decimal("0.01"))
    return None


# --- the scan ------------------------------------------------------------------------------------


def _day_label(value: dt.datetime) -> str:
    return f"{_local(value):%m月%d日}"


def _time_label(value: dt.datetime) -> str:
    return f"{_local(value):%m月%d日 %H:%M}"


def _event(
    case: ArrearsCase,
    *,
    at: dt.datetime,
    kind: str,
    text: str,
    actor=None,
    staff_only: bool = False,
) -> ArrearsEvent:
    return ArrearsEvent.objects.create(
        case=case,
        at=at,
        recorded_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        level=case.level,
        text=text[:500],
        staff_only=staff_only,
    )


def _params(case: ArrearsCase) -> dict:
    return {
        "code": case.code,
        "employer": case.employer.name,
        "title": case.gig.title,
        "day": _day_label(case.application.shift.ends_at),
        "due": _time_label(case.due_at),
        "worker": case.worker.masked_name,
        "amount": f"{case.amount_expected}元" if case.amount_expected is not None else "待核实",
        "level": case.get_level_display(),
        "station": case.station.name if case.station else f"{case.town.short}人社分局",
        "town": case.town.short,
    }


def _notify_staff(case: ArrearsCase, step: str) -> None:
    params = _params(case)
    for user in notices.staff_for_level(case.level, station=case.station, town=case.town):
        notices.sms(
            phone=user.phone,
            template=notices.ARREARS_STAFF,
            params=params,
            key=f"arrears:{case.code}:{step}:staff:{user.pk}",
            user=user,
        )


def _notify_parties(case: ArrearsCase, step: str) -> None:
    """The worker and the employer's contact, for an opening or an escalation."""
    params = _params(case)
    opened = step == "opened"
    worker_user = case.worker.user
    notices.sms(
        phone=worker_user.phone,
        template=notices.ARREARS_OPENED_WORKER if opened else notices.ARREARS_ESCALATED_WORKER,
        params=params,
        key=f"arrears:{case.code}:{step}:worker",
        user=worker_user,
    )
    notices.sms(
        phone=case.employer.contact_phone,
        template=notices.ARREARS_OPENED_EMPLOYER if opened else notices.ARREARS_ESCALATED_EMPLOYER,
        params=params,
        key=f"arrears:{case.code}:{step}:employer",
    )


def _notify_ended(case: ArrearsCase, *, to_employer: bool) -> None:
    params = {
        **_params(case),
        "status": case.get_status_display(),
        "resolution": case.get_resolution_display(),
    }
    worker_user = case.worker.user
    notices.sms(
        phone=worker_user.phone,
        template=notices.ARREARS_ENDED,
        params=params,
        key=f"arrears:{case.code}:ended:worker",
        user=worker_user,
    )
    if to_employer:
        notices.sms(
            phone=case.employer.contact_phone,
            template=notices.ARREARS_ENDED,
            params=params,
            key=f"arrears:{case.code}:ended:employer",
        )


def _with_related():
    return ArrearsCase.objects.select_related(
        "employer__town", "worker__user", "gig", "town", "station", "application__shift"
    )


def check_repeat(employer_id: int, *, now: dt.datetime, case: ArrearsCase, actor=None) -> bool:
    """Suspend posting when the employer has REPEAT_LIMIT cases opened within REPEAT_WINDOW."""
    recent = (
        ArrearsCase.objects.filter(employer_id=employer_id, opened_at__gte=now - REPEAT_WINDOW)
        .exclude(resolution=Resolution.NOT_ARREARS)
        .count()
    )
    if recent < REPEAT_LIMIT:
        return False
    reason = f"{REPEAT_WINDOW.days} 天内发生疑似欠薪 {recent} 起（最近一起 {case.code}）"
    suspended = suspend_employer(case.employer, actor=actor, reason=reason, cause=f"repeat:{case.code}")
    if suspended:
        _event(case, at=now, kind=EventKind.SUSPENDED, text=f"暂停用工方发布招工信息：{reason}", actor=actor)
    return suspended


def open_case(application: Application, *, now: dt.datetime) -> ArrearsCase | None:
    """Open the case for one completed booking whose pay is overdue; None when there is nothing to
    open (paid in time, a case exists, or another scan got there first). One transaction."""
    with transaction.atomic():
        app = (
            Application.objects.select_related(
                "gig__employer__town", "gig__station", "worker__station", "shift"
            )
            .filter(pk=application.pk, status=AppStatus.COMPLETED)
            .first()
        )
        if app is None or ArrearsCase.objects.filter(application=app).exists():
            return None
        due = pay_due_at(app, last_end=getattr(application, "gig_last_end", None))
        if due > now:
            return None
        pay = PayRecord.objects.filter(application=app).first()
        paid = pay is not None and pay.status == PayStatus.CONFIRMED
        confirmed_at = pay.confirmed_at if pay is not None and paid else None
        # A confirmation without a time is taken as in time, as the candidate query does.
        if paid and (confirmed_at is None or confirmed_at <= due):
            return None
        gig, employer = app.gig, app.gig.employer
        case = ArrearsCase(
            code=new_code("AR"),
            application=app,
            employer=employer,
            worker=app.worker,
            gig=gig,
            town=employer.town,
            station=gig.station or app.worker.station,
            amount_expected=expected_amount(app),
            due_at=due,
            opened_at=now,
            level=Level.STATION,
            next_escalation_at=due + TOWN_AFTER,
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            return None  # a concurrent scan opened it: the unique constraint decided
        Employer.objects.filter(pk=employer.pk).update(arrears_cases=F("arrears_cases") + 1)
        case = _with_related().get(pk=case.pk)
        recorded = (
            f"（已记录支付 {pay.amount} 元，零工{pay.get_status_display()}）" if pay and not paid else ""
        )
        _event(
            case,
            at=due,
            kind=EventKind.OPENED,
            text=f"结算期限 {_time_label(due)} 已过，工资仍未确认收款，登记为疑似欠薪，由站点跟进{recorded}",
        )
        audit.record(
            None,
            "arrears.open",
            case,
            summary=f"疑似欠薪立案：{employer.name}“{gig.title}”，零工 {case.worker.masked_name}",
            after={"due_at": due, "amount_expected": case.amount_expected, "application": app.code},
        )
        # A case paid before this run saw it is history: no SMS. One that escalates in this same run
        # (a catch-up): staff hear of every step, the worker and the employer only of the last.
        if confirmed_at is None:
            _notify_staff(case, "opened")
            if due + TOWN_AFTER > now:
                _notify_parties(case, "opened")
        check_repeat(employer.pk, now=now, case=case)
    return case


def _escalate_once(case_id: int, *, until: dt.datetime, now: dt.datetime, quiet: bool) -> bool:
    """Move one open case up one level if its escalation time is at or before `until`."""
    with transaction.atomic():
        case = _with_related().get(pk=case_id)
        at = case.next_escalation_at
        if not case.is_open or at is None or at > until or case.level == Level.INSPECTION:
            return False
        new_level = LEVEL_ORDER[LEVEL_ORDER.index(Level(case.level)) + 1]
        following = at + INSPECTION_AFTER if new_level == Level.TOWN else None
        moved = ArrearsCase.objects.filter(
            pk=case.pk, status=CaseStatus.OPEN, level=case.level, next_escalation_at=at
        ).update(level=new_level, escalated_at=at, next_escalation_at=following, updated_at=now)
        if moved != 1:
            return False  # another scan moved it
        case.level, case.escalated_at, case.next_escalation_at = new_level, at, following
        if new_level == Level.TOWN:
            text = f"站点跟进 {TOWN_AFTER.days} 天未解决，升级至{case.town.short}人社分局督办"
        else:
            text = f"镇街督办 {INSPECTION_AFTER.days} 天未解决，转介劳动监察"
        _event(case, at=at, kind=EventKind.ESCALATED, text=text)
        audit.record(None, "arrears.escalate", case, summary=f"{case.code} 升级为{case.get_level_display()}")
        step = str(new_level)
        if not quiet:
            _notify_staff(case, step)
            if following is None or following > until:
                _notify_parties(case, step)
        if new_level == Level.INSPECTION:
            reason = f"欠薪案件 {case.code} 已转介劳动监察"
            if suspend_employer(case.employer, actor=None, reason=reason, cause=f"inspection:{case.code}"):
                _event(case, at=at, kind=EventKind.SUSPENDED, text=f"暂停用工方发布招工信息：{reason}")
    return True


def _resolve_paid(case_id: int, *, now: dt.datetime, quiet: bool) -> bool:
    """The worker confirmed receipt: the case is resolved as paid late, at the confirmation time."""
    with transaction.atomic():
        case = _with_related().get(pk=case_id)
        pay = PayRecord.objects.filter(application_id=case.application_id).first()
        if not case.is_open or pay is None or pay.status != PayStatus.CONFIRMED:
            return False
        at = pay.confirmed_at or now
        done = ArrearsCase.objects.filter(pk=case.pk, status=CaseStatus.OPEN).update(
            status=CaseStatus.RESOLVED,
            resolution=Resolution.PAID_LATE,
            resolution_note=f"零工于 {_time_label(at)} 确认收到 {pay.amount} 元",
            resolved_at=at,
            next_escalation_at=None,
            updated_at=now,
        )
        if done != 1:
            return False
        case.refresh_from_db()
        _event(
            case,
            at=at,
            kind=EventKind.RESOLVED,
            text=f"零工确认收到工资 {pay.amount} 元，案件解决（逾期支付）",
        )
        audit.record(None, "arrears.resolve", case, summary=f"{case.code} 零工确认收款，逾期支付")
        if not quiet:
            _notify_ended(case, to_employer=False)
    return True


def advance(case_id: int, *, now: dt.datetime, fresh: bool = False) -> None:
    """Bring one open case up to date: every escalation due before the worker confirmed receipt (or
    before `now`), then the resolution if they did. `fresh` means the case was opened in this run."""
    confirmed = list(
        PayRecord.objects.filter(
            application__arrears_cases__pk=case_id, status=PayStatus.CONFIRMED
        ).values_list("confirmed_at", flat=True)[:1]
    )
    paid = bool(confirmed)
    until = min(confirmed[0] or now, now) if paid else now
    # Steps replayed for a case already paid are history: written down, announced to nobody.
    while _escalate_once(case_id, until=until, now=now, quiet=paid):
        pass
    if paid:
        _resolve_paid(case_id, now=now, quiet=fresh)


def _candidates(now: dt.datetime):
    """Completed bookings that may need a case: pay not confirmed (or confirmed lately, for the
    catch-up) and no case yet. Whether the due time has passed is decided per row."""
    last_end = Subquery(
        Shift.objects.filter(gig_id=OuterRef("gig_id"))
        .exclude(status=ShiftStatus.CANCELLED)
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    unconfirmed = Q(pay__isnull=True) | ~Q(pay__status=PayStatus.CONFIRMED)
    confirmed_late = Q(
        pay__status=PayStatus.CONFIRMED,
        pay__confirmed_at__gte=now - LATE_CONFIRMATION_LOOKBACK,
        pay__confirmed_at__gt=F("shift__ends_at") + MIN_GRACE,
    )
    return (
        Application.objects.filter(status=AppStatus.COMPLETED, shift__ends_at__lte=now - MIN_GRACE)
        .filter(unconfirmed | confirmed_late)
        .exclude(Exists(ArrearsCase.objects.filter(application_id=OuterRef("pk"))))
        .annotate(gig_last_end=last_end, pay_status=F("pay__status"), pay_confirmed_at=F("pay__confirmed_at"))
        .select_related("shift", "gig")
        .order_by("pk")
    )


def scan_arrears(now: dt.datetime) -> dict[str, int]:
    """Open, escalate and resolve arrears cases as of `now`. Safe to run twice or on several machines
    at once; after downtime it catches up. Returns counts for the log."""
    counts = {"opened": 0, "escalated": 0, "resolved": 0}
    last_pk = 0
    while True:
        batch = list(_candidates(now).filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        for app in batch:
            due = pay_due_at(app, last_end=getattr(app, "gig_last_end", None))
            confirmed_at = getattr(app, "pay_confirmed_at", None)
            paid_in_time = getattr(app, "pay_status", None) == PayStatus.CONFIRMED and (
                confirmed_at is None or confirmed_at <= due
            )
            if due > now or paid_in_time:
                continue
            case = open_case(app, now=now)
            if case is not None:
                counts["opened"] += 1
                level_before = case.level
                advance(case.pk, now=now, fresh=True)
                case.refresh_from_db()
                counts["escalated"] += LEVEL_ORDER.index(Level(case.level)) - LEVEL_ORDER.index(
                    Level(level_before)
                )
                counts["resolved"] += 0 if case.is_open else 1
    attention = ArrearsCase.objects.filter(status=CaseStatus.OPEN).filter(
        Q(next_escalation_at__lte=now) | Q(application__pay__status=PayStatus.CONFIRMED)
    )
    for case_id, level_before in attention.values_list("pk", "level"):
        advance(case_id, now=now)
        level, status = ArrearsCase.objects.values_list("level", "status").get(pk=case_id)
        counts["escalated"] += LEVEL_ORDER.index(Level(level)) - LEVEL_ORDER.index(Level(level_before))
        counts["resolved"] += 0 if status == CaseStatus.OPEN else 1
    if any(counts.values()):
        logger.info("arrears scan at %s: %s", now.isoformat(), counts)
    return counts


# --- staff actions -------------------------------------------------------------------------------

NOTE_MAX = 500


def may_handle(user, case: ArrearsCase) -> bool:
    """Staff in the case's scope, unless they belong to the employer the case is against."""
    return bool(
        user is not None
        and user.is_authenticated
        and case.employer_id not in user.employer_ids
        and ArrearsCase.objects.handled_by(user).filter(pk=case.pk).exists()
    )


def _lock_for(actor, case: ArrearsCase) -> ArrearsCase:
    locked = _with_related().select_for_update(of=("self",)).get(pk=case.pk)
    if not may_handle(actor, locked):
        raise PermissionDenied("只有负责该案件的工作人员可以处理")
    return locked


def _require_open(case: ArrearsCase) -> None:
    if not case.is_open:
        raise ValidationError(f"案件已{case.get_status_display()}，不能再操作")


def _note(value: object, *, required: str) -> str:
    note = clean_text(value, max_length=NOTE_MAX + 1)
    if not note:
        raise ValidationError({"note": [required]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"不能超过 {NOTE_MAX} 个字"]})
    return note


@transaction.atomic
def add_note(case: ArrearsCase, *, actor, note: str, share: bool = False) -> ArrearsEvent:
    """A line in the trail. Staff only, unless `share`: then the worker and the employer see it too."""
    case = _lock_for(actor, case)
    text = _note(note, required="请填写处理情况")
    event = _event(case, at=timezone.now(), kind=EventKind.NOTE, text=text, actor=actor, staff_only=not share)
    audit.record(actor, "arrears.note", case, summary=f"{case.code} 处理记录：{text}")
    return event


@transaction.atomic
def confirm_arrears(case: ArrearsCase, *, actor, note: str) -> ArrearsCase:
    """Staff have established that the pay is owed (确认欠薪): the employer's posting is suspended."""
    case = _lock_for(actor, case)
    _require_open(case)
    if case.confirmed_at is not None:
        raise ValidationError("该案件已确认欠薪")
    text = _note(note, required="请写明核实情况（如与双方核对的结果）")
    now = timezone.now()
    ArrearsCase.objects.filter(pk=case.pk).update(confirmed_at=now, confirmed_by=actor, updated_at=now)
    case.confirmed_at, case.confirmed_by = now, actor
    _event(case, at=now, kind=EventKind.CONFIRMED, text=f"工作人员确认欠薪：{text}", actor=actor)
    audit.record(actor, "arrears.confirm", case, summary=f"确认欠薪 {case.code}：{text}")
    worker_user = case.worker.user
    notices.sms(
        phone=worker_user.phone,
        template=notices.ARREARS_CONFIRMED_WORKER,
        params=_params(case),
        key=f"arrears:{case.code}:confirmed:worker",
        user=worker_user,
    )
    reason = f"经工作人员确认欠薪（案件 {case.code}）"
    if suspend_employer(case.employer, actor=actor, reason=reason, cause=f"confirmed:{case.code}"):
        _event(case, at=now, kind=EventKind.SUSPENDED, text=f"暂停用工方发布招工信息：{reason}", actor=actor)
    return case


@transaction.atomic
def refer_to_inspection(case: ArrearsCase, *, actor, note: str) -> ArrearsCase:
    """Staff refer the case to labour inspection before the schedule would (劳动监察转介)."""
    case = _lock_for(actor, case)
    _require_open(case)
    if case.level == Level.INSPECTION:
        raise ValidationError("该案件已转介劳动监察")
    text = _note(note, required="请写明转介原因")
    now = timezone.now()
    ArrearsCase.objects.filter(pk=case.pk).update(
        level=Level.INSPECTION, escalated_at=now, next_escalation_at=None, updated_at=now
    )
    case.level, case.escalated_at, case.next_escalation_at = Level.INSPECTION, now, None
    _event(case, at=now, kind=EventKind.REFERRED, text=f"工作人员转介劳动监察：{text}", actor=actor)
    audit.record(actor, "arrears.refer", case, summary=f"{case.code} 转介劳动监察：{text}")
    _notify_staff(case, "inspection")
    _notify_parties(case, "inspection")
    reason = f"欠薪案件 {case.code} 已转介劳动监察"
    if suspend_employer(case.employer, actor=actor, reason=reason, cause=f"inspection:{case.code}"):
        _event(case, at=now, kind=EventKind.SUSPENDED, text=f"暂停用工方发布招工信息：{reason}", actor=actor)
    return case


@transaction.atomic
def resolve_case(case: ArrearsCase, *, actor, resolution: str, note: str) -> ArrearsCase:
    """Staff end a case with what happened. 不属于欠薪 takes the case off the employer's credit."""
    case = _lock_for(actor, case)
    _require_open(case)
    if resolution not in {r.value for r in STAFF_RESOLUTIONS}:
        raise ValidationError({"resolution": ["请选择处理结果"]})
    text = _note(note, required="请写明处理情况（如支付金额、日期、方式）")
    now = timezone.now()
    status = CaseStatus.RESOLVED if resolution in PAID_RESOLUTIONS else CaseStatus.CLOSED
    ArrearsCase.objects.filter(pk=case.pk).update(
        status=status,
        resolution=resolution,
        resolution_note=text,
        resolved_at=now,
        resolved_by=actor,
        next_escalation_at=None,
        updated_at=now,
    )
    if resolution == Resolution.NOT_ARREARS:
        Employer.objects.filter(pk=case.employer_id, arrears_cases__gt=0).update(
            arrears_cases=F("arrears_cases") - 1
        )
    case.refresh_from_db()
    label = case.get_resolution_display()
    _event(case, at=now, kind=EventKind.RESOLVED, text=f"{label}：{text}", actor=actor)
    audit.record(actor, "arrears.resolve", case, summary=f"{case.code} {case.get_status_display()}：{label}")
    _notify_ended(case, to_employer=True)
    return case
