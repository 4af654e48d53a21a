"""manage.py load_catalog: upsert occupations, gig occupations, synonyms, certificates and hardship
categories (safe to run on every deploy)."""

from django.core.management.base import BaseCommand, CommandError

from lingong.catalog.reference import DATA_DIR, load_catalog


class Command(BaseCommand):
    help = "从 data/ 导入或更新职业分类、零工工种、同义词，以及证书和就业困难人员类别（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=None, help=f"CSV 文件所在目录（默认 {DATA_DIR}）")

    def handle(self, *args, **options):
        try:
            result = load_catalog(options["data_dir"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"导入职业与代码表失败：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))
