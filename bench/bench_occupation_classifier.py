"""Occupation classifier: accuracy on labelled gig titles and classify latency, on a fresh test database.

Accuracy: top-1 and top-3 on data/occupation_eval.csv (252 titles; the synonyms were tuned where it
exposed real gaps, so it is partly in-sample) and on data/occupation_eval_holdout.csv (46 titles written
after tuning and never tuned on). Baseline in the same process: a plain substring match of the title
against occupation names and gig names (what `name LIKE %q%` gives), for accuracy and latency.
Latency: per call, cycling through the titles, on the warm in-process index; also the cold index build
and the HTTP round trip of GET /api/v1/occupations/classify.
"""

from __future__ import annotations

import csv
import itertools
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from bench.timing import median_ms

DATA = Path(__file__).resolve().parent.parent / "data"


def _read(name: str) -> list[tuple[str, str]]:
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        return [(r["title"], r["expected_code"]) for r in csv.DictReader(fh)]


def _accuracy(classify, rows: list[tuple[str, str]]) -> tuple[dict, list[dict]]:
    top1 = top3 = 0
    misses = []
    for title, expected in rows:
        codes = [m.code for m in classify(title, 3)]
        top1 += codes[:1] == [expected]
        top3 += expected in codes
        if codes[:1] != [expected]:
            misses.append({"title": title, "expected": expected, "got": codes})
    n = len(rows)
    return {"n": n, "top1": round(top1 / n, 3), "top3": round(top3 / n, 3)}, misses


def _cycling(classify, rows: list[tuple[str, str]]):
    titles = itertools.cycle([t for t, _ in rows])
    return lambda: classify(next(titles), 3)


def run() -> dict:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # No serialisation: nothing here needs the data restored, and it reads every app's tables.
    connection.creation.create_test_db(verbosity=0, keepdb=False, serialize=False)
    try:
        from lingong.catalog import autocode
        from lingong.catalog.classifier import OccupationRecord, _jieba, naive_classify
        from lingong.catalog.models import GigOccupation, Occupation
        from lingong.catalog.reference import load_catalog

        t0 = time.perf_counter()
        load_catalog()
        load_first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_catalog()
        load_again_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        _jieba()
        jieba_s = time.perf_counter() - t0
        autocode.reset()
        t0 = time.perf_counter()
        autocode.current_index()
        build_s = time.perf_counter() - t0

        records = [
            OccupationRecord(c, n) for c, n in Occupation.objects.detailed().values_list("code", "name")
        ]
        aliases: dict[str, list[str]] = {}
        for gig in GigOccupation.objects.active().select_related("occupation"):
            aliases.setdefault(gig.occupation.code, []).extend(gig.aliases)

        def baseline(text: str, limit: int = 3):
            return naive_classify(records, aliases, text, limit)

        main, holdout = _read("occupation_eval.csv"), _read("occupation_eval_holdout.csv")
        ours, misses = _accuracy(autocode.classify, main)
        ours_holdout, holdout_misses = _accuracy(autocode.classify, holdout)
        base, _ = _accuracy(baseline, main)
        base_holdout, _ = _accuracy(baseline, holdout)
        repeat = 2 * len(main)
        latency = median_ms(_cycling(autocode.classify, main), repeat=repeat, warmup=20)
        base_latency = median_ms(_cycling(baseline, main), repeat=repeat, warmup=20)
        client = Client()
        titles = itertools.cycle([t for t, _ in main])

        def api_call():
            params: dict[str, str | int] = {"q": next(titles), "limit": 3}
            return client.get("/api/v1/occupations/classify", params)

        api_latency = median_ms(
            api_call,
            repeat=200,
            warmup=10,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return {
        "eval": {"classifier": ours, "baseline_substring": base},
        "holdout": {"classifier": ours_holdout, "baseline_substring": base_holdout},
        "latency": {"classifier": latency, "baseline_substring": base_latency, "api_get": api_latency},
        "setup_seconds": {
            "load_catalog_empty_db": round(load_first_s, 3),
            "load_catalog_unchanged": round(load_again_s, 3),
            "jieba_init": round(jieba_s, 3),
            "index_build": round(build_s, 3),
        },
        "misses": misses,
        "holdout_misses": holdout_misses,
        "summary": {
            "top1": ours["top1"],
            "top3": ours["top3"],
            "holdout_top1": ours_holdout["top1"],
            "holdout_top3": ours_holdout["top3"],
            "baseline_top1": base["top1"],
            "baseline_top3": base["top3"],
            "p50_ms": latency["p50_ms"],
            "p95_ms": latency["p95_ms"],
            "baseline_p50_ms": base_latency["p50_ms"],
            "api_p50_ms": api_latency["p50_ms"],
        },
    }
