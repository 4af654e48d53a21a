"""A deterministic synthetic city for benchmarks and tests, built straight into the engine's arrays.

Shaped like the bulk generators (lingong/workers/generate.py, lingong/gigs/generate.py): 23 towns with
people clustered around their centres, travel modes and limits, weekday/weekend availability, 1–3
occupations per worker with popular ones far more common, certificates (some lapsed), hardship tiers,
blocked days and bookings; gigs with 1–7 shifts over three weeks, certificates where the occupation needs
them, 3 % public-welfare posts, a few suspended employers. Everything is vectorised numpy: a million
workers take a few seconds.

Planted preferences: each worker has one true occupation. What they declare is noisy (a sibling 细类
instead of it one time in five, plus unrelated extras), and whether they would really take a gig is known
only here (`would_accept`): the true occupation or its 小类, pay at least 90 % of what they asked, and no
more than 80 % of their travel limit. The benchmark scores recommendations against it (precision@10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .core import Engine
from .tables import NO_END, NO_HARDSHIP, Booked, GigTable, Modes, OccupationTree, WorkerTable, shift_need
from .weights import DEFAULT, Weights

MODES = {"walk": ("步行", 4.5, 1.3), "ebike": ("电动车", 15.0, 1.3), "car": ("驾车", 25.0, 1.4)}
LIMITS = np.array([10, 15, 20, 30, 45, 60])
LIMIT_P = np.array([1, 2, 2, 4, 2, 1]) / 12
WEEK = [sum(1 << (d * 3 + p) for d in days for p in parts) for days, parts in [
    (range(5), (0, 1)), (range(7), (0, 1)), (range(7), (0,)), ((5, 6), (0, 1, 2)),
    (range(7), (0, 1, 2)), (range(5), (0, 1, 2)),
]]  # fmt: skip
WEEK_P = np.array([40, 14, 10, 10, 10, 8]) / 92
START_HOURS = np.array([7, 8, 8, 9, 9, 13, 14, 18, 20])
SHIFT_HOURS = np.array([4, 5, 8, 8, 8, 9, 10])
HEADCOUNTS = np.array([1, 1, 2, 2, 3, 5, 8, 10])
TODAY = dt.date(2026, 11, 27).toordinal()
EPOCH = dt.date(1970, 1, 1).toordinal()
NOW = (TODAY - EPOCH) * 1440 + 6 * 60  # 06:00 on TODAY (the synthetic city runs on UTC)
N_CERTS = 10


@dataclass
class City:
    engine: Engine
    true_occ: np.ndarray  # worker row → true occupation (tree row)
    cert_names: list[str]
    today: int = TODAY
    now: int = NOW

    def would_accept(self, wrow: int, gig: int, minutes: float) -> bool:
        e = self.engine
        t, go = int(self.true_occ[wrow]), int(e.gigs.occ[gig])
        if e.tree.minor[t] != e.tree.minor[go]:
            return False
        pay_w, pay_g = float(e.workers.pay[wrow]), float(e.gigs.pay[gig])
        if not (np.isnan(pay_w) or np.isnan(pay_g)) and pay_g < 0.9 * pay_w:
            return False
        return minutes <= 0.8 * float(e.workers.limit[wrow])


def make_tree(rng: np.random.Generator, medium: int = 12, minor: int = 4, detail: int = 4) -> OccupationTree:
    n = medium * minor * detail
    idx = np.arange(n)
    names = [f"职业{m:02d}-{s}-{d}" for m in range(medium) for s in range(minor) for d in range(detail)]
    codes = [
        f"6-{m + 1:02d}-{s + 1:02d}-{d + 1:02d}"
        for m in range(medium)
        for s in range(minor)
        for d in range(detail)
    ]
    # Related across 中类: the everyday categories group a few occupations from different branches.
    related = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(n // 2, 2))]
    return OccupationTree(codes, names, (idx // detail).tolist(), (idx // (detail * minor)).tolist(), related)


def build_city(
    n_workers: int, n_gigs: int, *, seed: int = 7, weights: Weights = DEFAULT, n_employers: int = 5000
) -> City:
    rng = np.random.default_rng(seed)
    tree = make_tree(rng)
    modes = Modes.from_speeds(MODES)
    towns = rng.uniform(-25, 25, size=(23, 2)).astype(np.float32)
    town_w = rng.dirichlet(np.full(23, 2.0))
    # Popularity: a few occupations (包装工, 保洁员 …) are very common, most are rare.
    pop = 1.0 / np.arange(1, tree.n + 1) ** 1.1
    pop = pop[rng.permutation(tree.n)]
    pop /= pop.sum()
    certs_of = np.where(rng.random(tree.n) < 0.08, rng.integers(0, N_CERTS, tree.n), -1)

    # --- workers ---
    n = n_workers
    town = rng.choice(23, size=n, p=town_w)
    x = towns[town, 0] + rng.normal(0, 1.8, n).astype(np.float32)
    y = towns[town, 1] + rng.normal(0, 1.8, n).astype(np.float32)
    mode = rng.choice(3, size=n, p=[0.15, 0.65, 0.20]).astype(np.uint8)
    limit = rng.choice(LIMITS, size=n, p=LIMIT_P).astype(np.float32)
    limit[mode == 0] = np.minimum(limit[mode == 0], 30)
    avail = np.array(WEEK, dtype=np.uint32)[rng.choice(len(WEEK), size=n, p=WEEK_P)]
    pay = rng.uniform(20, 38, n).astype(np.float32)
    pay[rng.random(n) < 0.1] = np.nan
    rel = np.clip(rng.beta(8, 1.5, n), 0, 1).astype(np.float32)
    rel[rng.random(n) < 0.3] = weights.new_worker_reliability
    tier = rng.choice([1, 2, 3], size=n, p=[0.82, 0.13, 0.05]).astype(np.uint8)
    wait = np.minimum(rng.exponential(80, n), 730).astype(np.int32)
    hardship = np.full(n, NO_HARDSHIP, dtype=np.int32)
    hardship[tier == 3] = NO_END
    hardship[(tier == 2) & (rng.random(n) < 0.5)] = TODAY + 200
    true_occ = rng.choice(tree.n, size=n, p=pop).astype(np.int32)
    k = 3
    occ = np.full((n, k), -1, dtype=np.int32)
    sibling = true_occ - true_occ % 4 + rng.integers(0, 4, n)
    occ[:, 0] = np.where(rng.random(n) < 0.8, true_occ, sibling)
    extra = rng.random(n)
    occ[:, 1] = np.where(extra < 0.55, rng.choice(tree.n, size=n, p=pop), -1)
    occ[:, 2] = np.where(extra < 0.2, rng.choice(tree.n, size=n, p=pop), -1)
    occ[:, 1][occ[:, 1] == occ[:, 0]] = -1
    lvl = rng.choice(4, size=(n, k), p=[0.2, 0.4, 0.3, 0.1]).astype(np.uint8)
    wt = WorkerTable(modes, capacity=n)
    cols = {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "x": x, "y": y, "mode": mode, "limit": limit, "avail": avail, "pay": pay, "rel": rel,
        "tier": tier, "since": TODAY - wait, "fresh": TODAY - rng.integers(0, 120, n),
        "active": rng.random(n) > 0.03, "hardship": hardship, "town": town + 1,
        "station": town + 1,
    }  # fmt: skip
    wt.load(cols, occ, lvl)
    # Certificates for occupations that need them: 80 % hold it, 12 % of those lapsed.
    holders = np.flatnonzero(certs_of[occ[:, 0].clip(0)] >= 0)
    holders = holders[rng.random(len(holders)) < 0.8]
    exp = np.where(rng.random(len(holders)) < 0.12, TODAY - rng.integers(5, 400, len(holders)),
                   TODAY + rng.integers(1, 1000, len(holders)))  # fmt: skip
    wt.load_certificates(holders, certs_of[occ[holders, 0]], exp.astype(np.int32))
    blocked = np.flatnonzero(rng.random(n) < 0.05)
    wt.load_blocked(blocked, TODAY + rng.integers(0, 21, len(blocked)))

    # --- gigs and shifts ---
    m = n_gigs
    gtown = rng.choice(23, size=m, p=town_w)
    gocc = rng.choice(tree.n, size=m, p=pop).astype(np.int32)
    gpay = rng.uniform(20, 45, m).astype(np.float32)
    unit = rng.choice([0, 1, 3], size=m, p=[0.45, 0.45, 0.10]).astype(np.uint8)
    gpay[unit == 3] = np.nan
    bit = np.left_shift(np.uint64(1), certs_of[gocc].clip(0).astype(np.uint64))
    gcert = np.where(certs_of[gocc] >= 0, bit, np.uint64(0)).astype(np.uint64)
    employer = rng.integers(0, n_employers, m).astype(np.int32)
    gigs = {
        "ids": np.arange(1, m + 1, dtype=np.int64), "occ": gocc,
        "x": towns[gtown, 0] + rng.normal(0, 1.8, m).astype(np.float32),
        "y": towns[gtown, 1] + rng.normal(0, 1.8, m).astype(np.float32),
        "pay": gpay, "unit": unit, "certs": gcert, "welfare": rng.random(m) < 0.03, "employer": employer,
        "published": NOW - rng.integers(5, 14 * 1440, m), "open": np.ones(m, bool), "town": gtown + 1,
    }  # fmt: skip
    n_shifts = rng.choice([1, 2, 3, 5, 7], size=m, p=[0.55, 0.15, 0.15, 0.10, 0.05])
    first = rng.choice(
        [-1, 0, 1, 2, 3, 4, 5, 6, 10, 14], size=m, p=[0.05, 0.2, 0.2, 0.1, 0.1, 0.1, 0.09, 0.06, 0.06, 0.04]
    )
    hour = rng.choice(START_HOURS, size=m)
    length = rng.choice(SHIFT_HOURS, size=m)
    head = rng.choice(HEADCOUNTS, size=m)
    s_gig = np.repeat(np.arange(m), n_shifts).astype(np.int32)
    k_in = np.arange(len(s_gig)) - np.repeat(np.cumsum(n_shifts) - n_shifts, n_shifts)
    s_day = (TODAY + first[s_gig] + k_in).astype(np.int32)
    s_start = ((s_day - EPOCH) * 1440 + hour[s_gig] * 60).astype(np.int32)
    s_end = s_start + length[s_gig] * 60
    cache: dict[tuple[int, int, int], int] = {}
    need = np.empty(len(s_gig), dtype=np.uint32)
    weekday = (s_day - 1) % 7
    for i, key in enumerate(zip(hour[s_gig].tolist(), length[s_gig].tolist(), weekday.tolist(), strict=True)):
        v = cache.get(key)
        if v is None:
            v = cache[key] = shift_need(key[0] * 60, key[0] * 60 + key[1] * 60, key[2])
        need[i] = v
    booked = np.minimum(rng.binomial(head[s_gig], 0.3), head[s_gig])
    shifts = {
        "s_ids": np.arange(1, len(s_gig) + 1, dtype=np.int64), "s_gig": s_gig, "s_start": s_start,
        "s_end": s_end.astype(np.int32), "s_day": s_day, "s_need": need,
        "s_left": (head[s_gig] - booked).astype(np.int16), "s_open": np.ones(len(s_gig), bool),
    }  # fmt: skip
    gt = GigTable(capacity=m)
    gt.load(gigs, shifts)
    gt.e_ok = rng.random(n_employers) > 0.01  # a few suspended employers
    gt.employer_row_of = {i: i for i in range(n_employers)}
    # Some workers already hold a booking (their shift is busy for them).
    busy = np.flatnonzero(rng.random(n) < 0.02)
    picks = rng.integers(0, len(s_gig), len(busy))
    wt.load_busy(
        busy,
        [Booked(int(shifts["s_ids"][p]), int(s_start[p]), int(s_end[p])) for p in picks.tolist()],
    )
    engine = Engine(tree, wt, gt, weights)
    return City(engine, true_occ, [f"证书{c}" for c in range(N_CERTS)])
