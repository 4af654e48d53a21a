"""Write the daily snapshots: the missing days, or a range again (after a data correction)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lingong.monitoring.shortage import backfill_weeks
from lingong.monitoring.snapshots import backfill


class Command(BaseCommand):
    help = "写入每日运行快照（默认补齐缺失的日期；--from/--to 重算指定日期）"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="重算起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="重算截止日期 YYYY-MM-DD（默认昨天）")

    def handle(self, *args, start=None, end=None, **options):
        days = None
        if start:
            try:
                first = dt.date.fromisoformat(start)
                last = dt.date.fromisoformat(end) if end else timezone.localdate() - dt.timedelta(days=1)
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
            if last < first:
                raise CommandError("截止日期早于起始日期")
            days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]

        def progress(i: int, total: int, day: dt.date) -> None:
            if i == total or i % 10 == 0:
                self.stdout.write(f"  {i}/{total} {day.isoformat()}")

        written = backfill(days=days, progress=progress)
        weeks = backfill_weeks()
        self.stdout.write(self.style.SUCCESS(f"已写入 {len(written)} 天的快照、{len(weeks)} 周的职业供求"))
