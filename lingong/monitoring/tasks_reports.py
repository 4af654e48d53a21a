"""The monthly reports task (registered through tasks.py, which Huey discovers)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import produce_due_reports


@db_periodic_task(crontab(day="1", hour="3", minute="10"))
def monthly_reports() -> int:
    """On the 1st at 03:10: last month's reports for the city and every town (in January, April, July
    and October also last quarter's), after bringing the snapshots up to date. Whatever an earlier
    missed run should have made and the archive lacks is made too."""
    return len(produce_due_reports())
