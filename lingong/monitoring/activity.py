"""Recording that a job seeker looked for work today (one of the three signs of an active seeker)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lingong.workers.models import Worker, WorkerStatus

from .models import SeekerActivity

# (user id, day) already written by this process. The insert is idempotent, so processes need not
# agree; this only spares a signed-in worker's every search a database write.
_noted: set[tuple[int, dt.date]] = set()


def note_search(user) -> None:
    """A signed-in worker searched or browsed gigs: mark them active today. Anyone else: nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    today = timezone.localdate()
    if (user.pk, today) in _noted:
        return
    if any(day != today for _, day in _noted):
        _noted.clear()
    worker_id = (
        Worker.objects.filter(user_id=user.pk, status=WorkerStatus.ACTIVE)
        .values_list("id", flat=True)
        .first()
    )
    if worker_id is not None:
        SeekerActivity.objects.bulk_create(
            [SeekerActivity(worker_id=worker_id, day=today)], ignore_conflicts=True
        )
    _noted.add((user.pk, today))
