"""Huey periodic work for gigs. Each run derives what to do from the database, so a run after downtime
catches up on everything that fell due meanwhile."""

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import attendance, services
from .models import Gig, GigStatus


def close_finished(now=None) -> int:
    """Postings whose last shift has ended stop taking applications."""
    now = now or timezone.now()
    closed = 0
    for gig in Gig.objects.filter(status=GigStatus.OPEN, last_end__lte=now):
        with transaction.atomic():
            services.close(gig, actor=None, reason="全部班次已结束")
            closed += 1
    return closed


@db_periodic_task(crontab(minute="*/10"))
def settle_shifts() -> dict:
    now = timezone.now()
    result = attendance.sweep(now)
    result["closed"] = close_finished(now)
    return result
