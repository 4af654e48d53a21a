"""Periodic work for monitoring. Each run writes every missing day and week, so downtime costs nothing."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .shortage import backfill_weeks
from .snapshots import backfill


@db_periodic_task(crontab(minute="20"))
def daily_snapshots() -> int:
    """Hourly: yesterday's snapshot shortly after midnight, the week's demand and supply on Mondays, and
    anything missed while the system was down."""
    written = len(backfill())
    backfill_weeks()
    return written


from .tasks_reports import monthly_reports  # noqa: E402,F401
