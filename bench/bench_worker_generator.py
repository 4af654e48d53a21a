"""Bulk worker generator (lingong/workers/generate.py) at the design point: 200,000 workers.

Fresh test database with the towns, the catalogue and the demo station network (no demo people). Then:

- baseline: the same rows for a 2,000-worker sample written the naive way, one ORM `.save()` per row
  (inside one transaction, so it measures the per-row ORM cost, not commit cost), extrapolated as
  workers/s and rows/s;
- generator: 200,000 workers in batches of 5,000, with the time split into building rows, ID
  encryption + blind index, and inserting;
- the database size afterwards (bytes per worker).

LINGONG_BENCH_STRESS=1 also regenerates 1,000,000 workers (`--replace`) for the stress point.
Usage: python bench/run.py worker_generator
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import setup_test_environment
from django.utils import timezone

from lingong.workers.generate import Generator, delete_generated, generate_workers

DESIGN = 200_000
STRESS = 1_000_000
BASELINE_SAMPLE = 2_000
SEED = 7
BATCH = 5_000


def _naive(generator: Generator, count: int) -> dict[str, Any]:
    """The generator's rows for `count` workers, written one model.save() at a time."""
    rows_written = 0
    with transaction.atomic():
        rows = generator.build(1, count)
        build_s = generator.phases["build"] + generator.phases["crypto"]
        t0 = time.perf_counter()
        for name, table in generator.tables.items():
            for row in rows[name]:
                table.model(**dict(zip(table.fields, row, strict=True))).save(force_insert=True)
                rows_written += 1
        save_s = time.perf_counter() - t0
    total = build_s + save_s
    return {
        "workers": count,
        "rows": rows_written,
        "seconds": round(total, 2),
        "save_seconds": round(save_s, 2),
        "workers_per_s": round(count / total),
        "rows_per_s": round(rows_written / total),
        "insert_rows_per_s": round(rows_written / save_s),
    }


def _db_size() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        name = connection.settings_dict["NAME"]
        return sum(Path(p).stat().st_size for p in (name, f"{name}-wal") if Path(p).exists())


def _run(count: int, *, replace: bool) -> dict[str, Any]:
    result = generate_workers(count, seed=SEED, batch=BATCH, replace=replace)
    size = _db_size()
    return {
        "workers": result.count,
        "rows": result.rows,
        "total_rows": result.total_rows,
        "seconds": round(result.seconds, 1),
        "workers_per_s": round(result.workers_per_s),
        "rows_per_s": round(result.rows_per_s),
        "insert_rows_per_s": round(result.total_rows / result.phases["insert"]),
        "phases_s": {k: round(v, 1) for k, v in result.phases.items()},
        "crypto_share": round(result.phases["crypto"] / result.seconds, 3),
        "db_bytes": size,
        "db_bytes_per_worker": round(size / result.count),
    }


def run() -> dict:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        quiet = io.StringIO()  # these commands print their summaries whatever the verbosity
        call_command("load_reference", stdout=quiet)
        call_command("load_catalog", stdout=quiet)
        call_command("seed_demo", "--workers", "0", "--employers", "0", stdout=quiet)
        today = timezone.localdate()
        baseline = _naive(Generator(count=BASELINE_SAMPLE, seed=SEED, today=today), BASELINE_SAMPLE)
        delete_generated()
        design = _run(DESIGN, replace=False)
        stress = _run(STRESS, replace=True) if os.environ.get("LINGONG_BENCH_STRESS") == "1" else None
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    summary: dict[str, Any] = {
        "backend": connection.vendor,
        "workers": DESIGN,
        "workers_per_s": design["workers_per_s"],
        "rows_per_s": design["rows_per_s"],
        "seconds": design["seconds"],
        "baseline_workers_per_s": baseline["workers_per_s"],
        "ratio_vs_per_row_save": round(design["workers_per_s"] / baseline["workers_per_s"], 1),
        "insert_ratio_vs_per_row_save": round(design["insert_rows_per_s"] / baseline["insert_rows_per_s"], 1),
        "crypto_share": design["crypto_share"],
        "db_bytes_per_worker": design["db_bytes_per_worker"],
    }
    if stress:
        summary |= {"stress_workers_per_s": stress["workers_per_s"], "stress_seconds": stress["seconds"]}
    return {
        "baseline_per_row_save": baseline,
        "design_point": design,
        "stress_point": stress,
        "summary": summary,
    }
