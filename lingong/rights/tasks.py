"""Periodic work for workers' rights. Huey runs it; it catches up on its own after downtime."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .arrears import scan_arrears


@db_periodic_task(crontab(minute="*/15"))
def arrears_scan() -> dict[str, int]:
    """Open, escalate and resolve suspected wage arrears as of now (rules in arrears.py).

    Every run derives the state from the database, so a missed run costs nothing but delay.
    """
    return scan_arrears(timezone.now())
