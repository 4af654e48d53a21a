"""manage.py load_reference: upsert the 23 towns from data/towns.csv (safe to run on every deploy)."""

from django.core.management.base import BaseCommand, CommandError

from lingong.places.models import Town
from lingong.places.reference import TOWNS_CSV, load_towns


class Command(BaseCommand):
    help = "从 data/towns.csv 导入或更新 23 个镇街（按区划代码匹配，可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--towns", default=None, help=f"镇街 CSV 文件路径（默认 {TOWNS_CSV}）")

    def handle(self, *args, **options):
        try:
            created, updated = load_towns(options["towns"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"导入镇街失败：{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"镇街：新建 {created} 个，更新 {updated} 个，共 {Town.objects.count()} 个")
        )
