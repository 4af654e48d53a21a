"""Periodic housekeeping. Huey runs these; each catches up on its own after downtime."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="3"))
def clear_expired_sessions() -> int:
    """Expired sessions carry personal data in their keys' owners; drop them nightly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
