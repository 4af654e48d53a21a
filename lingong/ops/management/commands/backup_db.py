"""manage.py backup_db [--output PATH]: back up the database, with a manifest beside the file."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lingong.ops.backup import ENGINES, KEY_REMINDER, BackupError, create_backup, human_size

METHODS = {"sqlite": "SQLite online backup API", "postgresql": "pg_dump --format=custom"}


class Command(BaseCommand):
    help = (
        "备份数据库（SQLite 用 online backup API，网站运行时也可备份；PostgreSQL 用 pg_dump 自定义格式），"
        "并在旁边写一份清单（各表行数、迁移状态、SHA-256），恢复时据此核对。操作记入审计日志"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default=None,
            help="备份文件路径，或存放备份的目录（默认 var/backups/，文件名含时间和数据库类型）",
        )

    def handle(self, *args, output=None, **options):
        try:
            backup = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.manifest
        created = timezone.localtime(manifest.created)
        self.stdout.write(
            self.style.SUCCESS(f"备份完成（{ENGINES[manifest.engine]}，{METHODS[manifest.engine]}）")
        )
        self.stdout.write(f"  文件：{backup.path}")
        self.stdout.write(f"  大小：{human_size(manifest.size)}")
        self.stdout.write(f"  数据表：{len(manifest.tables)} 张，共 {manifest.total_rows:,} 行")
        self.stdout.write(f"  时间：{created:%Y-%m-%d %H:%M:%S}")
        self.stdout.write(f"  清单：{backup.manifest_path}")
        self.stdout.write(f"  SHA-256：{manifest.sha256}")
        self.stdout.write(f"恢复：manage.py restore_db {backup.path} --yes")
        self.stdout.write(self.style.WARNING(KEY_REMINDER))
