"""Gig search (lingong/gigs/search.py) at the design point (20,000 open gigs) and the stress point (100,000).

A fresh test database with the towns and the catalogue; lingong/gigs/generate.py writes the gigs, their
shifts and their GigTerm rows (through search.index_gigs, the code the services use) for 5,000 approved
employers. Then a mixed set of realistic queries, each a full search_gigs call (the count, up to 1,000,
and one page of 20 with employer, town, occupation and next open shift: what the list page and the API
read): keyword only (保洁, 搬运工, 包装工, 电工, 厨师 …), keyword + town, pinyin initials (bj, byg), synonyms
(保姆 and 钟点工 find 家政服务员 gigs), near a point within 15–20 minutes (nearest first), date=today +
日结, pay at least 25 or 30 元/时 (best paid first).

Baseline in the same process and database: the same filters, order, count limit and page loading, with
the keyword as SQL `LIKE '%kw%'` on title or description for each typed word instead of the term index.
Queries without a keyword run the same SQL both ways (ratio ~1). Each query alternates ours and the
baseline so both see the same machine load. found / found_like: how many gigs each finds (no limit);
LIKE finds nothing for pinyin and misses gigs that only a synonym names.

Sizes can be overridden for a quick look: LINGONG_BENCH_GIG_SIZES=2000,5000.
Usage: python bench/run.py gig_search
"""

from __future__ import annotations

import io
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

from lingong.gigs.generate import generate_gigs
from lingong.gigs.models import Gig, GigTerm
from lingong.gigs.search import GigSearch, _filtered, _page, _plan, search_gigs

SEED = 7
SIZES = (20_000, 100_000)
REPEAT = 20
WARMUP = 2
TARGET_P95_MS = {20_000: 50, 100_000: 150}  # docs/QUALITY.md
XIAOLAN = (22.6750, 113.2456)  # 小榄 town centre
SHIQI = (22.5347, 113.3795)

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("keyword", {"q": "保洁"}),
    ("keyword", {"q": "搬运工"}),
    ("keyword", {"q": "包装工"}),
    ("keyword", {"q": "电工"}),
    ("keyword", {"q": "厨师"}),
    ("keyword", {"q": "车位工 日结"}),
    ("keyword+town", {"q": "保洁", "town": "东区"}),
    ("keyword+town", {"q": "包装工", "town": "小榄"}),
    ("keyword+town", {"q": "灯具", "town": "古镇"}),
    ("pinyin", {"q": "bj"}),
    ("pinyin", {"q": "byg"}),
    ("synonym", {"q": "保姆"}),
    ("synonym", {"q": "钟点工"}),
    ("near+minutes", {"near": XIAOLAN, "within_minutes": 15, "mode": "ebike"}),
    ("near+minutes", {"q": "包装工", "near": XIAOLAN, "within_minutes": 20, "mode": "ebike"}),
    ("near+minutes", {"near": SHIQI, "within_minutes": 15, "mode": "walk"}),
    ("today+daily", {"date": "today", "settlement": "daily"}),
    ("today+daily", {"date": "today", "settlement": "daily", "q": "搬运"}),
    ("pay_min", {"pay_min": Decimal("25"), "pay_unit": "hour", "sort": "pay"}),
    ("pay_min", {"pay_min": Decimal("30"), "pay_unit": "hour", "sort": "pay", "town": "石岐"}),
]


def _params(spec: dict[str, Any]) -> GigSearch:
    return GigSearch(**spec)


def _like_qs(spec: dict[str, Any], now):
    params = _params({k: v for k, v in spec.items() if k != "q"})
    plan = _plan(params, None, now)
    qs = _filtered(plan, now)
    for word in str(spec.get("q", "")).split():
        if word == "日结":  # the same shortcut our search takes: 日结 is the settlement filter
            qs = qs.filter(settlement="daily")
            continue
        qs = qs.filter(Q(title__contains=word) | Q(description__contains=word))
    return qs, plan


def _like_search(spec: dict[str, Any], now) -> tuple[list[Gig], int]:
    """The baseline: our filters, order, count limit and page loading, with LIKE '%word%' on title or
    description for each typed word instead of the term index."""
    qs, plan = _like_qs(spec, now)
    return _page(qs, plan, now)


def _exact_counts(spec: dict[str, Any], now) -> tuple[int, int]:
    """How many gigs each approach finds (without the count limit), for the recall comparison."""
    params = _params(spec)
    ours = _filtered(_plan(params, None, now), now).count()
    return ours, _like_qs(spec, now)[0].count()


def _ours(spec: dict[str, Any], now) -> tuple[list[Gig], int]:
    return search_gigs(_params(spec), now=now)


def _time_pair(ours, like, repeat: int) -> tuple[list[float], list[float]]:
    """Alternate the two, so both see the same machine load."""
    for _ in range(WARMUP):
        ours()
        like()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, samples in ((ours, a), (like, b)):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
    return a, b


def _stats(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "p50_ms": round(statistics.median(s), 2),
        "p95_ms": round(s[max(0, int(len(s) * 0.95) - 1)], 2),
        "n": len(s),
    }


def _measure(now, repeat: int) -> dict[str, Any]:
    rows = []
    ours_all: list[float] = []
    like_all: list[float] = []
    by_kind: dict[str, tuple[list[float], list[float]]] = {}
    for kind, spec in QUERIES:
        ours_page, _ = _ours(spec, now)
        ours_total, like_total = _exact_counts(spec, now)
        ours, like = _time_pair(
            lambda spec=spec: _ours(spec, now), lambda spec=spec: _like_search(spec, now), repeat
        )
        ours_all += ours
        like_all += like
        k = by_kind.setdefault(kind, ([], []))
        k[0].extend(ours)
        k[1].extend(like)
        rows.append(
            {
                "kind": kind,
                "query": {
                    k: (list(v) if isinstance(v, tuple) else str(v) if isinstance(v, Decimal) else v)
                    for k, v in spec.items()
                },
                "found": ours_total,
                "found_like": like_total,
                "first": ours_page[0].title if ours_page else None,
                "ours": _stats(ours),
                "like": _stats(like),
            }
        )
    kinds = {
        kind: {
            "ours": _stats(o),
            "like": _stats(li),
            "ratio_p50": round(_stats(li)["p50_ms"] / _stats(o)["p50_ms"], 1),
        }
        for kind, (o, li) in by_kind.items()
    }
    ours_s, like_s = _stats(ours_all), _stats(like_all)
    return {
        "overall": {
            "ours": ours_s,
            "like": like_s,
            "ratio_p50": round(like_s["p50_ms"] / ours_s["p50_ms"], 1),
            "ratio_p95": round(like_s["p95_ms"] / ours_s["p95_ms"], 1),
        },
        "by_kind": kinds,
        "queries": rows,
    }


def _queries_per_search(now) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _ours({"q": "保洁", "town": "东区"}, now)
    return len(ctx.captured_queries)


def _db_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = connection.settings_dict["NAME"]
    return sum(Path(p).stat().st_size for p in (name, f"{name}-wal") if Path(p).exists())


def run() -> dict:
    sizes = tuple(int(s) for s in os.environ.get("LINGONG_BENCH_GIG_SIZES", "").split(",") if s) or SIZES
    setup_test_environment(debug=False)  # no SQL logging: as in production
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False, serialize=False)
    results: dict[str, Any] = {}
    try:
        quiet = io.StringIO()
        call_command("load_reference", stdout=quiet)
        call_command("load_catalog", stdout=quiet)
        now = timezone.now()
        made = 0
        for size in sizes:
            gen = generate_gigs(size - made, seed=SEED, start=made + 1, now=now)
            made = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what a deployment's periodic PRAGMA optimize would leave
            terms = GigTerm.objects.count()
            load_before = os.getloadavg()
            measured = _measure(now, REPEAT)
            # The machine is shared: the load average says how much of a core the timings had.
            load = [round(x, 2) for x in (*load_before, *os.getloadavg())]
            results[str(size)] = {
                "generate": {
                    "gigs": gen.gigs,
                    "seconds": round(gen.seconds, 1),
                    "gigs_per_s": round(gen.gigs_per_s),
                    "phases_s": {k: round(v, 1) for k, v in gen.phases.items()},
                    "shifts": gen.shifts,
                    "terms": gen.terms,
                },
                "open_gigs": Gig.objects.public().count(),
                "gig_terms": terms,
                "terms_per_gig": round(terms / size, 1),
                "db_bytes": _db_size(),
                "queries_per_search": _queries_per_search(now),
                "load_avg_1_5_15_before_after": load,
                **measured,
            }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    summary: dict[str, Any] = {"backend": connection.vendor}
    for label, r in results.items():
        o = r["overall"]
        summary[label] = {
            "p50_ms": o["ours"]["p50_ms"],
            "p95_ms": o["ours"]["p95_ms"],
            "like_p50_ms": o["like"]["p50_ms"],
            "like_p95_ms": o["like"]["p95_ms"],
            "ratio_p50": o["ratio_p50"],
            "ratio_p95": o["ratio_p95"],
            "worst_kind_p95_ms": max(k["ours"]["p95_ms"] for k in r["by_kind"].values()),
            "target_p95_ms": TARGET_P95_MS.get(int(label)),
            "load_avg_1min": r["load_avg_1_5_15_before_after"][3],
        }
    return {"sizes": results, "summary": summary}
