"""Gig posting screening (lingong/screening/engine.py): accuracy on labelled postings and time per posting.

Data: bench/data/screening_labelled.jsonl (284 postings, 135 lawful, written before the rules; the rules
were then developed against it, so it is in-sample) and bench/data/screening_holdout.jsonl (65 postings
written after the rules and never tuned on). Each posting is labelled with the set of categories that
should be flagged (block or warn); a posting counts as flagged for a category if any finding has it.

Accuracy baseline in the same run: a naive substring search of the raw text for the usual words of each
category (限男, 押金, 乙肝, 加微信 …), no normalisation and no exception wording.
Timing, per posting, cycling through the labelled set on the warm in-process rules (the real path:
rules from the database through ruleset.current_ruleset()): the engine, normalisation alone, and the
naive loop of str.find over all raw keywords; ratios engine/baseline. Also a 2,000-character
description (the longest the API accepts).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from pathlib import Path

from django.db import connection
from django.test.utils import setup_test_environment

from bench.timing import median_ms

DATA = Path(__file__).resolve().parent / "data"
CATEGORIES = (
    "sex",
    "marriage",
    "ethnicity",
    "health",
    "disability",
    "origin",
    "age",
    "fee",
    "id_card",
    "pay_promise",
    "off_platform",
    "min_wage",
    "missing",
)
# The naive baseline: words a first attempt would search for, matched in the raw text.
NAIVE_KEYWORDS = {
    "sex": [
        "限男",
        "限女",
        "男性优先",
        "女性优先",
        "仅限男",
        "仅限女",
        "只招男",
        "只招女",
        "招男工",
        "招女工",
        "女工勿扰",
    ],
    "marriage": ["已婚", "未婚", "已育", "孕妇勿扰", "不得怀孕", "单身"],
    "ethnicity": ["汉族", "少数民族勿扰", "回族勿扰", "不招维族", "信教"],
    "health": ["乙肝", "大三阳", "小三阳", "携带者", "传染病", "HIV"],
    "disability": ["残疾人勿扰", "不招残疾", "四肢健全", "五官端正", "无残疾"],
    "origin": ["本地户口", "限本地", "本地人优先", "外地人勿扰", "河南人", "新疆人", "户籍"],
    "age": ["岁以下", "岁以内", "童工", "15岁", "14岁", "大龄勿扰", "不超过"],
    "fee": ["押金", "保证金", "报名费", "培训费", "服装费", "中介费", "体检费自理"],
    "id_card": ["押身份证", "身份证押", "扣押", "证件押"],
    "pay_promise": ["日赚千元", "月入过万", "躺赚", "日入过千", "刷单", "稳赚"],
    "off_platform": ["微信", "加V", "QQ", "私聊", "vx"],
    "min_wage": [],
    "missing": [],
}
ALL_NAIVE = [(cat, w) for cat, words in NAIVE_KEYWORDS.items() for w in words]


def _read(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def naive_categories(row: dict) -> set[str]:
    text = f"{row['title']}\n{row['description']}"
    return {cat for cat, word in ALL_NAIVE if text.find(word) != -1}


def _scores(rows: list[dict], predict) -> dict:
    counts: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    misses = []
    for row in rows:
        expected, got = set(row["expected"]), predict(row)
        for c in CATEGORIES:
            key = ("tp" if c in got else "fn") if c in expected else ("fp" if c in got else "tn")
            counts[c][key] += 1
        if expected != got:
            misses.append({"id": row["id"], "expected": sorted(expected), "got": sorted(got)})
    per_category = {}
    total: Counter[str] = Counter()
    for c in CATEGORIES:
        tp, fp, fn, tn = (counts[c][k] for k in ("tp", "fp", "fn", "tn"))
        total.update({"tp": tp, "fp": fp, "fn": fn, "tn": tn})
        per_category[c] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        }
    tp, fp, fn = total["tp"], total["fp"], total["fn"]
    lawful = [r for r in rows if not r["expected"]]
    flagged_lawful = sum(1 for r in lawful if predict(r))
    unlawful = [r for r in rows if r["expected"]]
    missed_unlawful = sum(1 for r in unlawful if not predict(r))
    return {
        "n": len(rows),
        "overall": {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        },
        "postings": {
            "lawful": len(lawful),
            "lawful_flagged": flagged_lawful,
            "unlawful": len(unlawful),
            "unlawful_with_no_finding": missed_unlawful,
        },
        "per_category": per_category,
        "misses": misses,
    }


def run() -> dict:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # The migrations load the built-in rules into the fresh database.
    connection.creation.create_test_db(verbosity=0, keepdb=False, serialize=False)
    try:
        from lingong.screening import ruleset
        from lingong.screening.engine import screen
        from lingong.screening.normalise import normalise

        def engine_categories(row: dict) -> set[str]:
            result = screen(
                title=row["title"],
                description=row["description"],
                pay_amount=row["pay_amount"],
                pay_unit=row["pay_unit"],
            )
            return {str(f.category) for f in result.findings}

        ruleset.reset()
        t0 = time.perf_counter()
        rules = ruleset.current_ruleset()
        build_ms = (time.perf_counter() - t0) * 1000

        labelled, holdout = _read("screening_labelled.jsonl"), _read("screening_holdout.jsonl")
        ours = _scores(labelled, engine_categories)
        ours_holdout = _scores(holdout, engine_categories)
        naive = _scores(labelled, naive_categories)
        naive_holdout = _scores(holdout, naive_categories)

        cycle = itertools.cycle(labelled)

        def one_engine():
            row = next(cycle)
            screen(
                title=row["title"],
                description=row["description"],
                pay_amount=row["pay_amount"],
                pay_unit=row["pay_unit"],
            )

        def one_normalise():
            row = next(cycle)
            normalise(f"{row['title']}\n{row['description']}")

        def one_naive():
            naive_categories(next(cycle))

        repeat = 4 * len(labelled)
        engine_t = median_ms(one_engine, repeat=repeat, warmup=50)
        normalise_t = median_ms(one_normalise, repeat=repeat, warmup=50)
        naive_t = median_ms(one_naive, repeat=repeat, warmup=50)
        long_text = ("灯饰厂招包装工，男女不限，年满16周岁，计件加保底，包吃住，月结工资。" * 60)[:2000]
        long_t = median_ms(
            lambda: screen(title="包装工", description=long_text, pay_amount=22, pay_unit="hour"), repeat=200
        )
        long_naive = median_ms(
            lambda: naive_categories({"title": "包装工", "description": long_text}), repeat=200
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return {
        "labelled": {"engine": ours, "baseline_naive_keywords": naive},
        "holdout": {"engine": ours_holdout, "baseline_naive_keywords": naive_holdout},
        "latency": {
            "engine": engine_t,
            "normalise_only": normalise_t,
            "naive_str_find": naive_t,
            "engine_2000_chars": long_t,
            "naive_2000_chars": long_naive,
            "rules_compile_ms": round(build_ms, 2),
            "rules": len(rules.rules),
        },
        "summary": {
            "precision": ours["overall"]["precision"],
            "recall": ours["overall"]["recall"],
            "holdout_precision": ours_holdout["overall"]["precision"],
            "holdout_recall": ours_holdout["overall"]["recall"],
            "baseline_precision": naive["overall"]["precision"],
            "baseline_recall": naive["overall"]["recall"],
            "p50_ms": engine_t["p50_ms"],
            "p95_ms": engine_t["p95_ms"],
            "p50_2000_chars_ms": long_t["p50_ms"],
            "ratio_to_normalise": round(engine_t["p50_ms"] / normalise_t["p50_ms"], 1),
            "ratio_to_naive_find": round(engine_t["p50_ms"] / naive_t["p50_ms"], 1),
        },
    }
