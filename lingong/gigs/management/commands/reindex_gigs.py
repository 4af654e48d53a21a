"""Rebuild the gig search index (GigTerm) from the open gigs, e.g. after the stop words or the term rules
change. Synonyms added in the catalogue need no rebuild: the query resolves them (see gigs/search.py)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from lingong.gigs.models import Gig, GigStatus, GigTerm
from lingong.gigs.search import index_gigs


class Command(BaseCommand):
    help = "重建零工岗位搜索索引（只索引招聘中的岗位）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="每批岗位数（默认 5000）")

    def handle(self, *args, batch: int, **options):
        started = time.perf_counter()
        gigs = Gig.objects.filter(status=GigStatus.OPEN).only(
            "pk", "status", "title", "description", "occupation_id", "town_id"
        )
        with transaction.atomic():
            # One transaction: searches keep seeing the old index until the new one is complete.
            removed, _ = GigTerm.objects.all().delete()
            written = index_gigs(gigs.iterator(chunk_size=batch), batch_size=batch, replace=False)
        seconds = time.perf_counter() - started
        self.stdout.write(f"已重建搜索索引：删除 {removed} 条，写入 {written} 条，用时 {seconds:.1f} 秒")
