"""Delivering outbox messages: claim with a conditional update, send, record the outcome.

At most one consumer holds a message at a time: the claim is ``UPDATE … WHERE status = pending``
(or a ``sending`` claim older than the timeout, left by a crashed consumer), and only the holder of
the current claim token may record a failure. A message that is sent, failed or dead is never claimed
again, however many times its task runs.

The one unavoidable window is between the gateway accepting a message and us recording "sent": a
consumer that dies exactly there leaves the message to be sent again after the timeout. The local
channel is idempotent per message; the Aliyun adapter passes our message id as OutId so a duplicate
can at least be traced.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .channels import PermanentFailure, TemporaryFailure, get_channel
from .models import FINAL_STATUSES, REDACTED, OutboxMessage, Status

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 8))


def sending_timeout() -> dt.timedelta:
    """How long a claim is honoured before the sweep assumes the consumer crashed."""
    return dt.timedelta(seconds=int(getattr(settings, "NOTIFY_SENDING_TIMEOUT", 300)))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt (capped at 2 hours)."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _due_filter(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - sending_timeout()
    )


def due_message_ids(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(_due_filter(now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def _redacted(message: OutboxMessage) -> dict:
    """Field values that drop secret params (a verification code) once the message is final."""
    if not message.secret_params:
        return {}
    params = dict(message.params)
    text = message.text
    for name in message.secret_params:
        value = params.get(name)
        if value not in (None, "", REDACTED):
            text = text.replace(str(value), REDACTED)
            params[name] = REDACTED
    return {"params": params, "text": text}


def _finish(message: OutboxMessage, token: str, status: str, error: str) -> None:
    """Record a final failure; only the current claim holder may do it."""
    OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claim_token=token).update(
        status=status, last_error=error[:500], claimed_at=None, claim_token="", **_redacted(message)
    )


def deliver_message(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Try to deliver one message now; return its status afterwards ("missing" if it does not exist).

    Safe to call any number of times, from any number of processes: it sends only when it wins the
    claim, and never a message that is already final.
    """
    clock_injected = now is not None
    now = now or timezone.now()
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if message.status in FINAL_STATUSES:
        return message.status
    token = uuid.uuid4().hex
    claimed = (
        OutboxMessage.objects.filter(pk=message_id)
        .filter(_due_filter(now))
        .update(status=Status.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    )
    message.refresh_from_db()
    if claimed != 1:
        # Another consumer holds it, it is already final, or it is not due yet.
        return message.status

    if message.expires_at is not None and message.expires_at <= now:
        _finish(message, token, Status.FAILED, "已过期，未发送")
        return Status.FAILED
    if message.attempts > max_attempts():
        # Only reachable by taking over stale claims: a message that keeps killing its consumer.
        _finish(message, token, Status.DEAD, message.last_error or "发送中断次数过多")
        return Status.DEAD

    try:
        provider_id = get_channel(message.channel).send(message)
    except PermanentFailure as exc:
        logger.warning("notify %s: permanent failure: %s", message.pk, exc)
        _finish(message, token, Status.FAILED, str(exc) or "发送失败")
        return Status.FAILED
    except Exception as exc:  # noqa: BLE001 - any other error (a bug, a timeout) is worth a retry
        error = str(exc) if isinstance(exc, TemporaryFailure) else f"{type(exc).__name__}: {exc}"
        if message.attempts >= max_attempts():
            logger.error("notify %s: giving up after %s attempts: %s", message.pk, message.attempts, error)
            _finish(message, token, Status.DEAD, error)
            return Status.DEAD
        logger.info("notify %s: attempt %s failed, will retry: %s", message.pk, message.attempts, error)
        OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claim_token=token).update(
            status=Status.PENDING,
            next_attempt_at=now + backoff(message.attempts),
            last_error=error[:500],
            claimed_at=None,
            claim_token="",
        )
        return Status.PENDING

    # "Sent" wins over anything but itself: the gateway has the message, whoever claimed it last.
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(
        status=Status.SENT,
        sent_at=now if clock_injected else timezone.now(),
        provider_id=str(provider_id)[:100],
        last_error="",
        claimed_at=None,
        claim_token="",
        **_redacted(message),
    )
    return Status.SENT


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Deliver everything that is due (and take over stale claims). Returns a count per outcome."""
    counts: dict[str, int] = {}
    for message_id in due_message_ids(now=now, limit=limit):
        outcome = deliver_message(message_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
