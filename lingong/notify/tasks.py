"""Huey tasks: deliver one message after commit, and a minute sweep that catches up on everything else.

The sweep is what makes the outbox reliable: a message whose task was lost (queue down, consumer
killed) or that waits for a retry is picked up within a minute, and stale claims are taken over.
"""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import delivery
from .models import LocalDelivery, PhoneVerification

# Codes are useless after ten minutes; the rows (a phone and an IP) are kept a month for abuse reviews.
VERIFICATION_RETENTION = dt.timedelta(days=30)
LOCAL_DELIVERY_RETENTION = dt.timedelta(days=7)


@db_task()
def deliver(message_id: int) -> str:
    return delivery.deliver_message(message_id)


# Leave the rest of the minute to the next run, so runs do not pile up behind a slow gateway.
SWEEP_BUDGET = dt.timedelta(seconds=45)


@db_periodic_task(crontab(minute="*"))
def deliver_due() -> dict[str, int]:
    """Deliver in batches until nothing is due or the budget is spent (a backlog after downtime)."""
    started = timezone.now()
    totals: dict[str, int] = {}
    while True:
        counts = delivery.deliver_due()
        for outcome, n in counts.items():
            totals[outcome] = totals.get(outcome, 0) + n
        if not counts or timezone.now() - started > SWEEP_BUDGET:
            return totals


@db_periodic_task(crontab(minute="41", hour="3"))
def purge_old_verifications() -> int:
    now = timezone.now()
    deleted, _ = PhoneVerification.objects.filter(created_at__lt=now - VERIFICATION_RETENTION).delete()
    LocalDelivery.objects.filter(delivered_at__lt=now - LOCAL_DELIVERY_RETENTION).delete()
    return deleted
