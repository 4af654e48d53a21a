"""manage.py restore_db PATH --yes: replace the database with a backup and check the row counts."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lingong.ops.backup import (
    ENGINES,
    Backup,
    BackupError,
    describe_database,
    inspect_backup,
    restore_backup,
)


class Command(BaseCommand):
    help = (
        "用 backup_db 生成的备份替换当前数据库（SQLite 用 online backup API，PostgreSQL 用 pg_restore），"
        "恢复后按清单核对各表行数，不一致时以非零状态退出。须加 --yes 确认。操作记入审计日志"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件（清单 <文件名>.manifest.json 须在同一目录）")
        parser.add_argument("--yes", action="store_true", help="确认用备份替换当前数据库中的全部数据")

    def handle(self, *args, path, yes=False, **options):
        try:
            backup = inspect_backup(path)
            if not yes:
                raise CommandError(_refusal(backup))
            report = restore_backup(backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

        manifest = report.backup.manifest
        for table in report.extra_tables:
            self.stdout.write(
                self.style.WARNING(
                    f"  表 {table} 不在备份中，仍保留（{report.counts[table]} 行），请确认是否需要"
                )
            )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"备份的数据库比当前代码少 {len(report.pending_migrations)} 个迁移"
                    f"（如 {report.pending_migrations[0]}）：请运行 manage.py migrate"
                )
            )
        if report.unknown_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"备份来自更新版本的代码：其中 {len(report.unknown_migrations)} 个迁移当前代码里没有"
                    f"（如 {report.unknown_migrations[0]}），请部署对应版本的代码"
                )
            )
        if not report.ok:
            self.stderr.write("恢复后以下数据表的行数与清单不一致（表：清单 → 实际）：")
            for m in report.mismatches:
                actual = "缺少此表" if m.actual is None else m.actual
                self.stderr.write(f"  {m.table}：{m.expected} → {actual}")
            raise CommandError(f"恢复后有 {len(report.mismatches)} 张表的行数与备份清单不一致，请检查")
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成（{ENGINES[manifest.engine]}）：{describe_database()} "
                f"已替换为备份 {backup.path.name}；"
                f"{len(manifest.tables)} 张表的行数与清单一致，共 {manifest.total_rows:,} 行"
            )
        )


def _refusal(backup: Backup) -> str:
    manifest = backup.manifest
    created = timezone.localtime(manifest.created)
    return (
        f"恢复会用备份 {backup.path.name}（{created:%Y-%m-%d %H:%M:%S} 备份，{len(manifest.tables)} 张表，"
        f"共 {manifest.total_rows:,} 行）整体替换当前 {ENGINES[manifest.engine]} 数据库 "
        f"{describe_database()} "
        "中的全部数据：备份之后新增或修改的一切（包括审计日志）都会丢失。"
        "建议先停止网站（gunicorn）和后台任务（run_huey），并先运行 manage.py backup_db 备份当前数据。"
        "确认无误后加 --yes 重新运行。"
    )
