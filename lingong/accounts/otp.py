"""The second factor for town and city admins: TOTP devices, checking codes, lockout, reset.

Who must use it: anyone holding an active town or city admin role, while ADMIN_TOTP_REQUIRED is on.
A signed-in session of such a user counts as "second factor pending" until a code from the user's
current device has been accepted in it; every login starts pending again (the user_logged_in receiver
below), and a reset of the device signs out the sessions that gave codes from the old one. The
middleware keeps pending sessions on the code pages; the token endpoint asks for a code itself.

Writes follow the services convention: atomic, acting user as keyword, audited (enrolment, lockout,
reset). A wrong code is saved as a failure before the error is raised, so the count survives.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from lingong.lib import totp
from lingong.lib.crypto import decrypt, encrypt

from . import audit
from .models import ApiToken, TotpDevice, User

ISSUER = "中山零工市场"
SESSION_KEY = "otp_verified_user"
FAILURE_LIMIT = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=30)

MSG_FORMAT = "请输入验证器应用显示的 6 位数字"
MSG_WRONG = "动态验证码不正确，请核对手机验证器上的数字（还可再试 {left} 次）"
MSG_REPLAY = "这个动态验证码已经用过了，请等验证器显示新的数字后再输入"
MSG_LOCKED = (
    "动态验证码输错次数过多，已暂时锁定，请 {minutes} 分钟后再试；手机丢失或更换的，请联系市级管理员重置"
)
MSG_NO_DEVICE = "尚未设置动态验证码，请先在网页登录并按提示设置"


def _context(user_id: int) -> str:
    # Bound to the user: a ciphertext copied onto another user's row does not decrypt.
    return f"accounts.totp_secret:{user_id}"


def device_secret(device: TotpDevice) -> str:
    return decrypt(device.secret_cipher, context=_context(device.user_id))


def provisioning_uri(device: TotpDevice) -> str:
    return totp.provisioning_uri(device_secret(device), device.user.username, ISSUER)


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


# --- who must give a second factor ---------------------------------------------------------------


def required_for(user) -> bool:
    """True for an active town or city admin while the setting is on."""
    if not settings.ADMIN_TOTP_REQUIRED or not user.is_authenticated:
        return False
    return user.is_city_admin or bool(user.admin_town_ids)


def session_marker(user_id: int, device_id: int) -> str:
    """What a session holds once a code was accepted: the user and the device that gave it."""
    return f"{user_id}:{device_id}"


def is_pending(request) -> bool:
    """A signed-in admin whose session has not accepted a code from their current device."""
    user = getattr(request, "user", None)
    if not settings.ADMIN_TOTP_REQUIRED or user is None or not user.is_authenticated:
        return False
    if not required_for(user):
        return False
    session = getattr(request, "session", None)
    held = session.get(SESSION_KEY) if session is not None else None
    if held is None:
        return True
    device = confirmed_device(user)
    return device is None or held != session_marker(user.pk, device.pk)


def is_stale(request) -> bool:
    """For a pending session: it gave a code from a device that has since been reset or replaced.

    The person behind it proved the old phone, not the new one: the middleware signs them out, so a
    reset (lost phone) ends every live session at its next request."""
    return request.session.get(SESSION_KEY) is not None


def mark_verified(request, device: TotpDevice) -> None:
    request.session.cycle_key()  # a new session key whenever the session gains a privilege
    request.session[SESSION_KEY] = session_marker(request.user.pk, device.pk)


@receiver(user_logged_in, dispatch_uid="accounts.otp.login_starts_pending")
def _login_starts_pending(sender, request, user, **kwargs):
    """Every login (password, SMS, registration) needs its own second factor."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def start_enrolment(*, user: User) -> TotpDevice:
    """The user's device waiting for its first code, created with a fresh secret when missing.

    Nothing is enabled until a code confirms it, so this is not audited; showing the page again shows
    the same secret (a person who scanned it and reloaded keeps a working app)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None:
        return device
    secret = totp.new_secret()
    device, _ = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret_cipher": encrypt(secret, context=_context(user.pk))}
    )
    return device


@transaction.atomic
def enrol_with_secret(*, actor: User | None, user: User, secret: str, summary: str = "") -> TotpDevice:
    """A confirmed device with a given secret (the demo accounts); replaces any device the user had."""
    totp.secret_key(secret)  # refuse anything that is not base32
    TotpDevice.objects.filter(user=user).delete()
    device = TotpDevice.objects.create(
        user=user,
        secret_cipher=encrypt(secret, context=_context(user.pk)),
        confirmed_at=timezone.now(),
    )
    audit.record(actor, "totp.enrol", user, summary=summary or f"为 {user} 启用动态验证码")
    return device


def confirm_enrolment(*, user: User, code: str, now: dt.datetime | None = None) -> TotpDevice:
    """The first code from the app confirms the device (audited). Raises ValidationError."""
    return _attempt(user, code, now or timezone.now(), enrolling=True)


def verify_code(*, user: User, code: str, now: dt.datetime | None = None) -> TotpDevice:
    """Accept a code from the user's confirmed device once. Raises ValidationError (see codes below)."""
    return _attempt(user, code, now or timezone.now(), enrolling=False)


def _attempt(user: User, code: str, now: dt.datetime, *, enrolling: bool) -> TotpDevice:
    """ValidationError codes: "format" (not counted), "no_device", "locked", "wrong", "replay"."""
    if totp.normalize_code(code) is None:
        raise ValidationError(MSG_FORMAT, code="format")
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None or (device.confirmed_at is None) != enrolling:
            raise ValidationError(MSG_NO_DEVICE, code="no_device")
        if device.locked_until is not None and device.locked_until > now:
            raise ValidationError(_locked_message(), code="locked")
        secret, at = device_secret(device), now.timestamp()
        step = totp.verify(secret, code, at, last_step=device.last_step)
        if step is not None:
            _accept(device, step, now, enrolling=enrolling)
            return device
        replay = totp.matching_step(secret, code, at) is not None
        left = _note_failure(device, now)
    if left == 0:
        raise ValidationError(_locked_message(), code="locked")
    if replay:
        raise ValidationError(MSG_REPLAY, code="replay")
    raise ValidationError(MSG_WRONG.format(left=left), code="wrong")


def _accept(device: TotpDevice, step: int, now: dt.datetime, *, enrolling: bool) -> None:
    device.last_step = step
    device.failed_attempts, device.failures_since, device.locked_until = 0, None, None
    fields = ["last_step", "failed_attempts", "failures_since", "locked_until"]
    if enrolling:
        device.confirmed_at = now
        fields.append("confirmed_at")
    device.save(update_fields=fields)
    if enrolling:
        audit.record(device.user, "totp.enrol", device.user, summary="设置动态验证码（验证器应用）")


def _note_failure(device: TotpDevice, now: dt.datetime) -> int:
    """Count a refused code; lock the device at the limit (audited). Returns the attempts left."""
    if device.failures_since is None or now - device.failures_since > FAILURE_WINDOW:
        device.failures_since, device.failed_attempts = now, 0
    device.failed_attempts += 1
    left = max(FAILURE_LIMIT - device.failed_attempts, 0)
    if left == 0:
        device.locked_until = now + LOCKOUT
        device.failed_attempts, device.failures_since = 0, None
    device.save(update_fields=["failed_attempts", "failures_since", "locked_until"])
    if left == 0:
        audit.record(
            device.user,
            "totp.lockout",
            device.user,
            summary=f"动态验证码连续输错 {FAILURE_LIMIT} 次，锁定 {_minutes()} 分钟",
        )
    return left


def _minutes() -> int:
    return int(LOCKOUT.total_seconds() // 60)


def _locked_message() -> str:
    return MSG_LOCKED.format(minutes=_minutes())


def is_locked(device: TotpDevice, now: dt.datetime | None = None) -> bool:
    return device.locked_until is not None and device.locked_until > (now or timezone.now())


@transaction.atomic
def reset_device(*, actor: User | None, user: User) -> bool:
    """Remove an admin's device (lost or changed phone); the next login sets up a new one.

    Only a city admin may do it, and not for themself (another city admin must); actor=None is an
    operator at the server (manage.py reset_totp). Returns False when there was nothing to reset."""
    if actor is not None and not actor.is_city_admin:
        raise PermissionDenied("只有市级管理员可以重置动态验证码")
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("不能重置自己的动态验证码，请联系另一位市级管理员")
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        # Tokens were issued against the old device's codes; whoever holds the lost phone may hold them.
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        summary = f"重置 {user} 的动态验证码，已登录的会话需重新登录，下次登录需重新设置"
        if revoked:
            summary += f"；同时撤销其 {revoked} 个接口令牌"
        audit.record(actor, "totp.reset", user, summary=summary)
    return bool(deleted)
