"""A worker's reliability over a rolling window: what it counts and how, in words shown to the worker.

Over the last WINDOW_DAYS, counting bookings whose shift has ended (or that were cancelled late):
- 完工 completed, 准时 of those checked in no more than LATE_GRACE_MINUTES after the start;
- 未到岗 no-shows; 临时取消 cancellations by the worker within 12 hours of the start.
Score = (completed − 0.2 × completed-but-late) ÷ (completed + no-shows + late cancellations),
from 0 to 1; with no such bookings there is no score yet (shown as 暂无记录, treated as 0.8 by matching).
Employer-side cancellations never count against the worker.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from lingong.workers.models import Worker

from .models import Application, AppStatus, CancelledBy, Reliability

WINDOW_DAYS = 90
LATE_GRACE_MINUTES = 10
LATE_PENALTY = 0.2
NEW_WORKER_SCORE = 0.8

EXPLANATION = (
    f"按最近 {WINDOW_DAYS} 天已结束的录用计算：可靠度 =（完工次数 − {LATE_PENALTY}×迟到完工次数）÷"
    f"（完工 + 未到岗 + 临时取消）。签到晚于开工 {LATE_GRACE_MINUTES} 分钟算迟到；"
    "开工前 12 小时内取消算临时取消；用工方取消不计入。"
)


def recompute(worker: Worker, *, now: dt.datetime | None = None) -> Reliability:
    now = now or timezone.now()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    counts = Application.objects.filter(worker=worker, shift__starts_at__gte=since).aggregate(
        completed=Count("pk", filter=Q(status=AppStatus.COMPLETED)),
        on_time=Count("pk", filter=Q(status=AppStatus.COMPLETED, late_minutes__lte=LATE_GRACE_MINUTES)),
        no_shows=Count("pk", filter=Q(status=AppStatus.NO_SHOW)),
        late_cancels=Count(
            "pk",
            filter=Q(status=AppStatus.CANCELLED, cancelled_by=CancelledBy.WORKER, cancelled_late=True),
        ),
    )
    counted = counts["completed"] + counts["no_shows"] + counts["late_cancels"]
    late_done = counts["completed"] - counts["on_time"]
    score = (counts["completed"] - LATE_PENALTY * late_done) / counted if counted else NEW_WORKER_SCORE
    record, _ = Reliability.objects.update_or_create(
        worker=worker,
        defaults={
            "window_days": WINDOW_DAYS,
            "booked": counted,
            "completed": counts["completed"],
            "on_time": counts["on_time"],
            "no_shows": counts["no_shows"],
            "late_cancels": counts["late_cancels"],
            "score": round(max(0.0, score), 3),
        },
    )
    return record


def describe(record: Reliability | None) -> str:
    if record is None or record.booked == 0:
        return "暂无记录：完成第一单后开始计算"
    return (
        f"可靠度 {record.score:.0%}：最近 {record.window_days} 天完工 {record.completed} 次"
        f"（准时 {record.on_time} 次），未到岗 {record.no_shows} 次，临时取消 {record.late_cancels} 次"
    )
