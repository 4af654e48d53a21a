"""Check-in and check-out: the rotating QR code, the position radius, the employer's confirmation,
lateness, and the periodic sweep that records no-shows and closes finished shifts.

The QR code on the employer's phone encodes a URL with a token that changes every QR_STEP_SECONDS; a
token is accepted for its own step and the one before, so a code scanned as it turns still works, and a
photo of the code sent to a friend at home stops working within two minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.geo import haversine_m

from . import reliability
from .models import Application, AppStatus, CheckMethod, Gig, Shift

QR_STEP_SECONDS = 60
CHECKIN_RADIUS_M = 300
# Workers may check in from an hour before the start; the employer may confirm until a day after the end.
EARLY_CHECKIN = dt.timedelta(hours=1)
MANUAL_GRACE = dt.timedelta(hours=24)
# A booking with no check-in this long after the shift ended is a no-show; a check-in with no check-out
# is closed at the shift's end time.
SWEEP_AFTER = dt.timedelta(hours=2)
# The employer may report a no-show this long after the start (a bus can be late).
NO_SHOW_AFTER = dt.timedelta(minutes=30)


def _step(at: dt.datetime) -> int:
    return int(at.timestamp()) // QR_STEP_SECONDS


def qr_token(shift: Shift, at: dt.datetime | None = None) -> str:
    at = at or timezone.now()
    key = f"{settings.SECRET_KEY}:{shift.checkin_secret}".encode()
    digest = hmac.new(key, f"{shift.pk}:{_step(at)}".encode(), hashlib.sha256).hexdigest()
    return digest[:10]


def qr_token_valid(shift: Shift, token: str, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    token = (token or "").strip().lower()
    candidates = (qr_token(shift, at), qr_token(shift, at - dt.timedelta(seconds=QR_STEP_SECONDS)))
    return any(hmac.compare_digest(token, c) for c in candidates)


def _lock(app: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("shift", "gig", "worker", "worker__user")
        .get(pk=app.pk)
    )


def _prove(app: Application, *, actor: User, method: str, token: str, lat, lng, now: dt.datetime) -> None:
    """Check that the actor may record attendance this way, or raise."""
    if method == CheckMethod.MANUAL:
        if not Gig.objects.managed_by(actor).filter(pk=app.gig_id).exists():
            raise PermissionDenied("只有用工方或负责的工作人员可以手工确认考勤")
        return
    if app.worker.user_id != actor.pk:
        raise PermissionDenied("只能为自己签到签退")
    if method == CheckMethod.QR:
        if not qr_token_valid(app.shift, token, now):
            raise ValidationError("二维码已过期或不是这个班次的，请让用工方刷新后重新扫码")
        return
    if method == CheckMethod.LOCATION:
        try:
            distance = haversine_m(float(lat), float(lng), app.gig.lat, app.gig.lng)
        except (TypeError, ValueError):
            raise ValidationError("没有取得您的位置，请允许定位或改用扫码签到") from None
        if distance > CHECKIN_RADIUS_M:
            raise ValidationError(
                f"您离工作地点约 {distance:.0f} 米，需在 {CHECKIN_RADIUS_M} 米内才能定位签到；也可以扫码签到"
            )
        return
    raise ValidationError("签到方式不正确")


@transaction.atomic
def check_in(
    app: Application,
    *,
    actor: User,
    method: str,
    token: str = "",
    lat=None,
    lng=None,
    now: dt.datetime | None = None,
) -> Application:
    now = now or timezone.now()
    app = _lock(app)
    if app.status != AppStatus.BOOKED:
        raise ValidationError(f"只有已录用的班次可以签到（当前：{app.get_status_display()}）")
    if app.checked_in_at is not None:
        return app  # a second scan changes nothing
    shift = app.shift
    latest = shift.ends_at + (MANUAL_GRACE if method == CheckMethod.MANUAL else dt.timedelta(0))
    if now < shift.starts_at - EARLY_CHECKIN or now > latest:
        raise ValidationError("不在签到时间内：开工前 1 小时起可以签到")
    _prove(app, actor=actor, method=method, token=token, lat=lat, lng=lng, now=now)
    app.checked_in_at, app.check_in_method = now, method
    app.late_minutes = max(0, int((now - shift.starts_at).total_seconds() // 60))
    app.save(update_fields=["checked_in_at", "check_in_method", "late_minutes", "updated_at"])
    late = f"，迟到 {app.late_minutes} 分钟" if app.late_minutes > reliability.LATE_GRACE_MINUTES else ""
    audit.record(actor, "gig.check_in", app, summary=f"签到（{CheckMethod(method).label}）{late}")
    return app


def _complete(app: Application, *, at: dt.datetime, method: str) -> None:
    app.checked_out_at, app.check_out_method = at, method
    app.status, app.completed_at = AppStatus.COMPLETED, at
    app.save(update_fields=["checked_out_at", "check_out_method", "status", "completed_at", "updated_at"])
    reliability.recompute(app.worker, now=at)


@transaction.atomic
def check_out(
    app: Application,
    *,
    actor: User,
    method: str,
    token: str = "",
    lat=None,
    lng=None,
    now: dt.datetime | None = None,
) -> Application:
    """Checking out completes the booking; from then the pay clock runs (see rights.arrears)."""
    now = now or timezone.now()
    app = _lock(app)
    if app.status == AppStatus.COMPLETED:
        return app
    if app.status != AppStatus.BOOKED:
        raise ValidationError(f"只有已录用的班次可以签退（当前：{app.get_status_display()}）")
    if app.checked_in_at is None:
        if method != CheckMethod.MANUAL:
            raise ValidationError("还没有签到，请先签到")
        if now < app.shift.starts_at:
            raise ValidationError("班次还没开始，零工也还没签到，不能确认完工")
        # The employer confirms the whole day at once: the worker was there from the start.
        app.checked_in_at, app.check_in_method, app.late_minutes = app.shift.starts_at, CheckMethod.MANUAL, 0
    if now > app.shift.ends_at + MANUAL_GRACE:
        raise ValidationError("已超过签退时间")
    _prove(app, actor=actor, method=method, token=token, lat=lat, lng=lng, now=now)
    _complete(app, at=min(now, app.shift.ends_at + SWEEP_AFTER), method=method)
    audit.record(actor, "gig.check_out", app, summary=f"签退完工（{CheckMethod(method).label}）")
    return app


@transaction.atomic
def mark_no_show(app: Application, *, actor: User) -> Application:
    """The employer reports that a booked worker did not come (after the shift started)."""
    app = _lock(app)
    if not Gig.objects.managed_by(actor).filter(pk=app.gig_id).exists():
        raise PermissionDenied("只有用工方或负责的工作人员可以标记未到岗")
    if app.status != AppStatus.BOOKED or app.checked_in_at is not None:
        raise ValidationError("只有已录用且未签到的零工可以标记为未到岗")
    if timezone.now() < app.shift.starts_at + NO_SHOW_AFTER:
        minutes = int(NO_SHOW_AFTER.total_seconds() // 60)
        raise ValidationError(f"开工 {minutes} 分钟后才能标记未到岗")
    app.status = AppStatus.NO_SHOW
    app.save(update_fields=["status", "updated_at"])
    reliability.recompute(app.worker)
    audit.record(actor, "gig.no_show", app, summary="标记未到岗")
    return app


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Settle every booking whose shift ended more than SWEEP_AFTER ago: no check-in → no-show;
    checked in but not out → completed at the shift's end. Safe to repeat; catches up after downtime."""
    now = now or timezone.now()
    due = Application.objects.filter(status=AppStatus.BOOKED, shift__ends_at__lte=now - SWEEP_AFTER)
    done = {"no_show": 0, "completed": 0}
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            app = _lock(Application(pk=pk))
            if app.status != AppStatus.BOOKED:
                continue
            if app.checked_in_at is None:
                app.status = AppStatus.NO_SHOW
                app.save(update_fields=["status", "updated_at"])
                reliability.recompute(app.worker, now=now)
                audit.record(None, "gig.no_show", app, summary="班次结束未签到，系统记为未到岗")
                done["no_show"] += 1
            else:
                _complete(app, at=app.shift.ends_at, method=CheckMethod.AUTO)
                audit.record(None, "gig.check_out", app, summary="未签退，按班次结束时间自动完工")
                done["completed"] += 1
    return done
