"""manage.py load_reference: upsert the reference tables (safe to run on every deploy).

The 23 towns (data/towns.csv) and the catalogue: occupations, gig names, synonyms, certificates and
hardship categories (data/*.csv and lingong/catalog/reference.py).
"""

from django.core.management.base import BaseCommand, CommandError

from lingong.catalog.reference import load_catalog
from lingong.places.models import Town
from lingong.places.reference import TOWNS_CSV, load_towns
from lingong.programme.reference import load_round_2023
from lingong.screening.reference import load_rules


class Command(BaseCommand):
    help = "导入或更新参考数据：23 个镇街、职业分类与同义词、证书、困难类别（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--towns", default=None, help=f"镇街 CSV 文件路径（默认 {TOWNS_CSV}）")

    def handle(self, *args, **options):
        try:
            created, updated = load_towns(options["towns"])
            catalog = load_catalog()
        except (OSError, ValueError) as exc:
            raise CommandError(f"导入参考数据失败：{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"镇街：新建 {created} 个，更新 {updated} 个，共 {Town.objects.count()} 个")
        )
        self.stdout.write(self.style.SUCCESS(catalog.summary()))
        self.stdout.write(self.style.SUCCESS(load_rules().summary()))
        self.stdout.write(self.style.SUCCESS(load_round_2023().summary()))
