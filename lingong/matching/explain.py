"""Reasons in Chinese for a match, written from the facts behind its score parts.

Each reason is (kind, text). Kinds: fit, certificate, travel, time, pay, reliability, freshness,
priority. The priority text names hardship help (重点帮扶对象优先); the adapter replaces it with 优先候选 for
employers, who must never learn why a worker is prioritised.
"""

from __future__ import annotations

import datetime as dt
import math

from .core import Engine, Match
from .tables import LEVELS

MODE_VERBS = {"walk": "步行", "ebike": "骑电动车", "car": "驾车"}
PAY_WORDS = {"hour": "时薪", "day": "日薪", "shift": "班薪", "month": "月薪"}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
PARTS_OF_DAY = ("上午", "下午", "晚上")
LEVEL_LABELS = {"new": "新手", "some": "1-3年经验", "skilled": "3年以上经验", "master": "师傅/带班"}
PRIORITY_TEXT = "重点帮扶对象优先"
EMPLOYER_PRIORITY_TEXT = "优先候选"


def time_text(need: int) -> str:
    """Availability bits → “周六上午、下午”."""
    days: dict[int, list[str]] = {}
    for bit in range(21):
        if need >> bit & 1:
            days.setdefault(bit // 3, []).append(PARTS_OF_DAY[bit % 3])
    return "；".join(WEEKDAYS[d] + "、".join(parts) for d, parts in sorted(days.items()))


def explain(
    engine: Engine, m: Match, *, today: int, now: int, cert_names: list[str]
) -> list[tuple[str, str]]:
    wk, g, tree, w = engine.workers, engine.gigs, engine.tree, engine.w
    reasons: list[tuple[str, str]] = []
    own = tree.names[m.fit_occ] if 0 <= m.fit_occ < tree.n else ""
    gig_occ = tree.names[int(g.occ[m.gig])]
    level = ""
    occs = wk.occ[m.worker].tolist()
    if m.fit_occ in occs:
        level = LEVEL_LABELS.get(LEVELS[int(wk.lvl[m.worker, occs.index(m.fit_occ)])], "")
    if m.fit_kind == 1:
        reasons.append(("fit", f"会做{own}" + (f"（{level}）" if level else "")))
    elif m.fit_kind == 2:
        reasons.append(("fit", f"同类工种：会做{own}，岗位是{gig_occ}"))
    elif m.fit_kind == 3:
        reasons.append(("fit", f"相近工种：会做{own}，岗位是{gig_occ}"))
    elif m.fit_kind == 4:
        reasons.append(("fit", f"相关工种：会做{own}，岗位是{gig_occ}"))
    required = int(g.certs[m.gig])
    for c, name in enumerate(cert_names):
        if required >> c & 1:
            reasons.append(("certificate", f"持有{name}"))
    mode = wk.modes.codes[int(wk.mode[m.worker])]
    minutes = max(1, int(math.ceil(m.minutes)))
    reasons.append(
        ("travel", f"{MODE_VERBS.get(mode, wk.modes.labels[int(wk.mode[m.worker])])}约{minutes}分钟")
    )
    reasons.append(("time", f"{time_text(int(g.s_need[m.shift]))}有空"))
    unit = ("hour", "day", "shift", "piece", "order", "month")[int(g.unit[m.gig])]
    word = PAY_WORDS.get(unit, "报酬")
    if not math.isnan(m.pay_ratio):
        if m.pay_ratio >= 1.05:
            reasons.append(("pay", f"{word}高于期望"))
        elif m.pay_ratio >= 0.95:
            reasons.append(("pay", f"{word}符合期望"))
        else:
            reasons.append(("pay", f"{word}略低于期望（约{m.pay_ratio:.0%}）"))
    elif unit in ("piece", "order"):
        reasons.append(("pay", "计件/按单计酬，多劳多得"))
    rel = float(wk.rel[m.worker])
    if rel >= 0.9 and not math.isclose(rel, w.new_worker_reliability):
        reasons.append(("reliability", f"完工记录好（可靠度{rel:.0%}）"))
    published_days = (now - int(g.published[m.gig])) / 1440
    if published_days <= 1:
        reasons.append(("freshness", "新发布的岗位"))
    if int(wk.tier[m.worker]) >= 2:
        reasons.append(("priority", PRIORITY_TEXT))
    elif today - int(wk.since[m.worker]) >= w.wait_from_days:
        reasons.append(("priority", f"求职已{today - int(wk.since[m.worker])}天，优先推荐"))
    return reasons


def day_label(day: int) -> str:
    d = dt.date.fromordinal(day)
    return f"{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"
