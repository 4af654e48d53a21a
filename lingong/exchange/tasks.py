"""Huey tasks: deliver a provincial push after commit, the minute sweep, and Excel imports."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import outbox

SWEEP_BUDGET = dt.timedelta(seconds=45)


@db_task()
def deliver_push(push_id: int) -> str:
    return outbox.deliver_push(push_id)


@db_periodic_task(crontab(minute="*"))
def deliver_due_pushes() -> dict[str, int]:
    """Catch up on pushes whose task was lost, retries that are due and stale claims."""
    started = timezone.now()
    totals: dict[str, int] = {}
    while True:
        counts = outbox.deliver_due()
        for outcome, n in counts.items():
            totals[outcome] = totals.get(outcome, 0) + n
        if not counts or timezone.now() - started > SWEEP_BUDGET:
            return totals


@db_task()
def run_import_batch(batch_id: int) -> str:
    from .services import run_excel_batch

    return run_excel_batch(batch_id)
