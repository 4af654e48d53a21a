"""manage.py generate_workers --count 200000 --seed 7 [--batch 5000] [--replace] [--today YYYY-MM-DD]

Bulk workers for scale tests and benchmarks (lingong/workers/generate.py): straight into the tables,
bypassing the services and their per-row audit on purpose. Not for demo people: use seed_demo.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lingong.workers.generate import GeneratorError, generate_workers


class Command(BaseCommand):
    help = "批量生成压测用求职者（直接写表，不逐条审计；用于规模测试和基准测试，不用于演示）"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="生成人数，如 200000")
        parser.add_argument("--seed", type=int, default=7, help="随机种子（相同种子和人数生成相同数据）")
        parser.add_argument("--batch", type=int, default=5000, help="每批行数，每批一个事务（默认 5000）")
        parser.add_argument("--replace", action="store_true", help="先删除此前生成的求职者再生成")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="以哪一天为“今天”（YYYY-MM-DD，默认今天）",
        )
        parser.add_argument("--allow-production", action="store_true", help="允许在生产环境生成（默认拒绝）")

    def handle(self, *args, **options):
        # Tens of thousands of fake people must never end up in a production database by accident.
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError("生产环境不生成压测数据；确需请加 --allow-production")
        count = options["count"]
        step = max(options["batch"], count // 10)

        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 2 or (done % step < options["batch"] or done == total):
                self.stdout.write(f"  已生成 {done}/{total}")

        try:
            result = generate_workers(
                count,
                seed=options["seed"],
                batch=options["batch"],
                replace=options["replace"],
                today=options["today"],
                progress=progress if options["verbosity"] >= 1 else None,
            )
        except (GeneratorError, ValidationError) as exc:
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        if result.deleted:
            self.stdout.write(f"已删除此前生成的数据：{sum(result.deleted.values())} 行")
        rows = result.rows
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {result.count} 个求职者，共 {result.total_rows} 行，用时 {result.seconds:.1f} 秒："
                f"{result.workers_per_s:,.0f} 人/秒，{result.rows_per_s:,.0f} 行/秒"
            )
        )
        self.stdout.write(
            f"  工种 {rows['occupations']} 行，证书 {rows['certificates']} 行，"
            f"困难认定 {rows['hardships']} 行，同意记录 {rows['consents']} 行，"
            f"不可工作日期 {rows['blocked_dates']} 行"
        )
        phases = result.phases
        self.stdout.write(
            f"  耗时分布：生成数据 {phases['build']:.1f} 秒，身份证加密与索引 {phases['crypto']:.1f} 秒，"
            f"写入数据库 {phases['insert']:.1f} 秒，提交（外键检查）{phases['commit']:.1f} 秒"
        )
