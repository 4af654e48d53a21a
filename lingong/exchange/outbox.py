"""The provincial hand-off outbox: written in the transaction of the gig change, delivered after commit
and by the minute sweep, claimed with a conditional update so each push goes out once.

The same guarantees as notify's outbox (lingong/notify/delivery.py), in a table of its own: a push
carries gig codes, not a recipient and a text, and its payload is the gigs' current public state,
built when it is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import PUSH_FINAL, ProvincialPush, PushStatus
from .provincial import PermanentFailure, TemporaryFailure, get_platform

logger = logging.getLogger(__name__)


def push_enabled() -> bool:
    """On by default; off by default under tests, so other apps' tests see no extra rows or queries
    (this app's tests turn it on)."""
    return bool(getattr(settings, "EXCHANGE_PROVINCIAL_PUSH", not getattr(settings, "TESTING", False)))


def max_attempts() -> int:
    return int(getattr(settings, "EXCHANGE_PUSH_MAX_ATTEMPTS", 8))


def sending_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "EXCHANGE_PUSH_SENDING_TIMEOUT", 300)))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after each failed attempt, capped at 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _schedule(push_id: int) -> None:
    from .tasks import deliver_push

    deliver_push(push_id)


def enqueue_push(codes: list[str], *, reason: str, dedupe_key: str) -> ProvincialPush | None:
    """Store a hand-off of these gigs; it is delivered after the caller's transaction commits. Must be
    called inside that transaction. An existing dedupe key returns the stored push and adds nothing."""
    if not push_enabled() or not codes:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue_push must be called inside transaction.atomic")
    existing = ProvincialPush.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            push = ProvincialPush.objects.create(
                gig_codes=list(codes),
                reason=reason[:60],
                dedupe_key=dedupe_key[:200],
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        return ProvincialPush.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _schedule(push.pk), robust=True)
    return push


def _due(now: dt.datetime) -> Q:
    return Q(status=PushStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=PushStatus.SENDING, claimed_at__lt=now - sending_timeout()
    )


def _release(push: ProvincialPush, token: str, **fields) -> None:
    ProvincialPush.objects.filter(pk=push.pk, status=PushStatus.SENDING, claim_token=token).update(
        claimed_at=None, claim_token="", **fields
    )


def deliver_push(push_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one push if it is due and we win the claim; return its status afterwards. Safe to call any
    number of times from any number of processes."""
    from .feed import docs_for_codes

    now = now or timezone.now()
    push = ProvincialPush.objects.filter(pk=push_id).first()
    if push is None:
        return "missing"
    if push.status in PUSH_FINAL:
        return push.status
    token = uuid.uuid4().hex
    claimed = (
        ProvincialPush.objects.filter(pk=push_id)
        .filter(_due(now))
        .update(status=PushStatus.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    )
    push.refresh_from_db()
    if claimed != 1:
        return push.status
    if push.attempts > max_attempts():
        _release(push, token, status=PushStatus.DEAD, last_error=push.last_error or "推送中断次数过多")
        return PushStatus.DEAD
    try:
        receipt = get_platform().push(docs_for_codes(push.gig_codes, now=now), push_id=push.pk)
    except PermanentFailure as exc:
        logger.warning("provincial push %s: permanent failure: %s", push.pk, exc)
        _release(push, token, status=PushStatus.FAILED, last_error=(str(exc) or "推送失败")[:500])
        return PushStatus.FAILED
    except Exception as exc:  # noqa: BLE001 - anything else (a timeout, a bug) is worth a retry
        error = str(exc) if isinstance(exc, TemporaryFailure) else f"{type(exc).__name__}: {exc}"
        if push.attempts >= max_attempts():
            _release(push, token, status=PushStatus.DEAD, last_error=error[:500])
            return PushStatus.DEAD
        _release(
            push,
            token,
            status=PushStatus.PENDING,
            next_attempt_at=now + backoff(push.attempts),
            last_error=error[:500],
        )
        return PushStatus.PENDING
    ProvincialPush.objects.filter(pk=push.pk).exclude(status=PushStatus.SENT).update(
        status=PushStatus.SENT,
        sent_at=timezone.now(),
        receipt=str(receipt)[:100],
        last_error="",
        claimed_at=None,
        claim_token="",
    )
    return PushStatus.SENT


def deliver_due(*, now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    now = now or timezone.now()
    ids = list(
        ProvincialPush.objects.filter(_due(now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for push_id in ids:
        outcome = deliver_push(push_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
