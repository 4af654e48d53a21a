"""Writes to notify: enqueue a message (the outbox), retry one, send and check SMS verification codes."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
import secrets
import uuid
import zlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from lingong.accounts import audit
from lingong.lib.phone import normalize_mobile

from . import texts
from .models import ChannelName, OutboxMessage, PhoneVerification, Purpose, Status

if TYPE_CHECKING:
    from lingong.accounts.models import User

logger = logging.getLogger(__name__)

# --- outbox --------------------------------------------------------------------------------------


def _schedule(message_id: int) -> None:
    """Hand the message to a Huey consumer. If that fails (queue down), the minute sweep sends it."""
    from .tasks import deliver

    deliver(message_id)


def enqueue(
    *,
    channel: str,
    recipient: str,
    template: str,
    params: dict,
    dedupe_key: str,
    user: User | None = None,
    expires_at: dt.datetime | None = None,
) -> OutboxMessage:
    """Store a message in the outbox and deliver it after the caller's transaction commits.

    Must be called inside the transaction of the change that causes the message, so both are saved
    or neither is, and a rolled-back change never sends. Enqueueing an existing dedupe key returns the
    existing message and sends nothing more.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify.enqueue must be called inside transaction.atomic")
    if channel not in ChannelName.values:
        raise ValueError(f"unknown notify channel {channel!r}")
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError("dedupe_key is required (at most 200 characters)")
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    recipient = (recipient or "").strip()
    if channel == ChannelName.SMS:
        recipient = normalize_mobile(recipient)  # ValueError with a Chinese message
    if not recipient:
        raise ValueError("recipient is required")
    text = texts.render(template, params)
    now = timezone.now()
    try:
        # A savepoint: on PostgreSQL a concurrent insert of the same key waits for the other
        # transaction, then fails here without aborting the caller's transaction.
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=recipient,
                user=user,
                template=template,
                params=params,
                secret_params=list(texts.get(template).secret_params),
                text=text,
                dedupe_key=dedupe_key,
                next_attempt_at=now,
                expires_at=expires_at,
                created_at=now,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _schedule(message.pk), robust=True)
    return message


@transaction.atomic
def retry_message(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """An operator sends a failed or dead message again (after fixing the gateway, say). Audited."""
    if not actor.is_city_admin:
        raise PermissionDenied("只有市级管理员可以重发通知")
    if message.status not in (Status.FAILED, Status.DEAD):
        raise ValidationError("只有发送失败的消息可以重发")
    if message.is_redacted:
        raise ValidationError("含验证码的消息不能重发，请让用户重新获取验证码")
    if message.expires_at is not None and message.expires_at <= timezone.now():
        raise ValidationError("该消息已过期，不能重发")
    updated = OutboxMessage.objects.filter(pk=message.pk, status=message.status).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError("消息状态已变化，请刷新后再试")
    message.refresh_from_db()
    audit.record(actor, "notify.retry", message, summary=f"重发通知 {message}")
    transaction.on_commit(lambda: _schedule(message.pk), robust=True)
    return message


# --- SMS verification codes ----------------------------------------------------------------------

CODE_TTL = dt.timedelta(minutes=texts.CODE_TTL_MINUTES)
CODE_MAX_ATTEMPTS = 5


def _limits() -> dict[str, int]:
    return {
        "interval_seconds": 60,
        "phone_per_hour": 5,
        "ip_per_hour": 20,
        **(getattr(settings, "NOTIFY_SMS_LIMITS", None) or {}),
    }


def code_hash(phone: str, purpose: str, code: str) -> str:
    """HMAC-SHA256 keyed with SECRET_KEY: the plain code is never stored."""
    return salted_hmac(
        "lingong.notify.PhoneVerification", f"{phone}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def _phone(raw: str) -> str:
    try:
        return normalize_mobile(raw)
    except ValueError as exc:
        raise ValidationError({"phone": [str(exc)]}) from None


def _check_purpose(purpose: str) -> None:
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": ["未知的验证码用途"]})


def _minutes(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))


def _throttled(message: str) -> ValidationError:
    return ValidationError({"phone": [ValidationError(message, code="throttled")]})


def _throttle(phone: str, purpose: str, ip: str | None, now: dt.datetime) -> None:
    limits = _limits()
    hour_ago = now - dt.timedelta(hours=1)
    recent = PhoneVerification.objects.filter(phone=phone, created_at__gt=hour_ago)
    last = recent.filter(purpose=purpose).order_by("-created_at").values_list("created_at", flat=True).first()
    interval = dt.timedelta(seconds=limits["interval_seconds"])
    if last is not None and now - last < interval:
        wait = max(1, math.ceil((last + interval - now).total_seconds()))
        raise _throttled(f"验证码发送太频繁，请 {wait} 秒后再试")
    # A window frees up when the oldest of the last N sends in it turns an hour old.
    times = list(recent.order_by("created_at").values_list("created_at", flat=True))
    if len(times) >= limits["phone_per_hour"]:
        oldest = times[-limits["phone_per_hour"]]
        raise _throttled(
            f"该手机号获取验证码次数过多，请 {_minutes(oldest + dt.timedelta(hours=1) - now)} 分钟后再试"
        )
    if ip:
        by_ip = PhoneVerification.objects.filter(request_ip=ip, created_at__gt=hour_ago)
        ip_times = list(by_ip.order_by("created_at").values_list("created_at", flat=True))
        if len(ip_times) >= limits["ip_per_hour"]:
            oldest = ip_times[-limits["ip_per_hour"]]
            raise _throttled(
                f"当前网络获取验证码次数过多，请 {_minutes(oldest + dt.timedelta(hours=1) - now)} 分钟后再试"
            )


def _lock_phone(phone: str) -> None:
    """Serialise code requests for one phone so two at once cannot both pass the rate limit.

    SQLite already serialises write transactions (IMMEDIATE mode); PostgreSQL needs a lock, and there
    may be no row to lock yet, hence an advisory lock on the number.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                [4420, zlib.crc32(phone.encode()) - 2**31],
            )


def _clean_ip(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address((raw or "").strip()))
    except ValueError:
        return None


@transaction.atomic
def send_code(
    *,
    phone: str,
    purpose: str,
    request_ip: str = "",
    client_hint: str = "",
    now: dt.datetime | None = None,
) -> PhoneVerification:
    """Send a 6-digit code by SMS (through the outbox). Raises ValidationError in Chinese.

    At most one code per minute per phone and purpose, five an hour per phone, and twenty an hour per
    requesting IP (all adjustable through settings.NOTIFY_SMS_LIMITS). A new code replaces the older
    ones for the same phone and purpose.
    """
    phone = _phone(phone)
    _check_purpose(purpose)
    now = now or timezone.now()
    ip = _clean_ip(request_ip)
    _lock_phone(phone)
    _throttle(phone, purpose, ip, now)
    code = f"{secrets.randbelow(10**6):06d}"
    verification = PhoneVerification.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=code_hash(phone, purpose, code),
        created_at=now,
        expires_at=now + CODE_TTL,
        request_ip=ip,
        client_hint=(client_hint or "")[:64],
    )
    verification.message = enqueue(
        channel=ChannelName.SMS,
        recipient=phone,
        template=texts.SMS_CODE.code,
        params={"code": code, "minutes": texts.CODE_TTL_MINUTES},
        dedupe_key=f"sms-code:{phone}:{uuid.uuid4().hex}",
        expires_at=verification.expires_at,
    )
    verification.save(update_fields=["message"])
    return verification


def _code_error(message: str, code: str) -> ValidationError:
    return ValidationError({"code": [ValidationError(message, code=code)]})


def check_code(*, phone: str, purpose: str, code: str, now: dt.datetime | None = None) -> PhoneVerification:
    """Check a code; on success mark it used and return the verification. Raises ValidationError.

    Only the newest code for the phone and purpose counts. Every guess is counted with a conditional
    update before comparing, so five guesses at most, even from parallel requests; after that the code
    is dead. Each update commits on its own: call this outside a transaction that the error would
    roll back (or catch the error inside it), or failed guesses would not be counted.
    """
    phone = _phone(phone)
    _check_purpose(purpose)
    now = now or timezone.now()
    code = (code or "").strip()
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise _code_error("请输入 6 位数字验证码", "invalid")
    verification = (
        PhoneVerification.objects.filter(phone=phone, purpose=purpose).order_by("-created_at", "-id").first()
    )
    if verification is None:
        raise _code_error("请先获取验证码", "missing")
    if verification.used_at is not None:
        raise _code_error("验证码已使用，请重新获取", "used")
    if verification.expires_at <= now:
        raise _code_error("验证码已过期，请重新获取", "expired")
    counted = PhoneVerification.objects.filter(
        pk=verification.pk, used_at__isnull=True, attempts__lt=CODE_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    verification.refresh_from_db()
    if counted != 1:
        if verification.used_at is not None:
            raise _code_error("验证码已使用，请重新获取", "used")
        raise _code_error("验证码错误次数过多，请重新获取", "too_many")
    if not constant_time_compare(code_hash(phone, purpose, code), verification.code_hash):
        left = CODE_MAX_ATTEMPTS - verification.attempts
        if left <= 0:
            raise _code_error("验证码错误次数过多，请重新获取", "too_many")
        raise _code_error(f"验证码不正确，还可以再试 {left} 次", "wrong")
    used = PhoneVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=now)
    if used != 1:
        raise _code_error("验证码已使用，请重新获取", "used")
    verification.refresh_from_db()
    return verification
