"""Batch dispatch: assign a day's available workers to open shifts, maximising the total score.

The problem is a bipartite b-matching: each worker takes at most one shift (a morning market hands out
one job per person), each shift at most its places left, and only pairs that pass every hard rule are
edges, weighted by the pair's score (exposure excluded: dispatch is not an impression).

`solve` expands each shift into one column per place and finds a maximum-weight matching with
scipy's sparse LAPJVsp (`min_weight_full_bipartite_matching`). A full matching must exist for that
solver, so each worker also gets a private "stay unassigned" column; with costs `top − score` for real
edges and `top` for the private one, the cheapest full matching is exactly the best-scoring partial one.
`greedy` (best edge first) is the baseline; `brute_force` enumerates every assignment of a tiny case and
is what the tests prove `solve` equal to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .core import Engine


@dataclass
class Edges:
    worker: np.ndarray  # worker rows
    shift: np.ndarray  # shift rows
    score: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.worker)


def candidate_edges(
    engine: Engine,
    shift_rows: Iterable[int],
    worker_rows: np.ndarray,
    now: int,
    today: int,
    *,
    keep_per_shift: int | None = None,
    block: int = 128,
) -> tuple[Edges, dict[int, int]]:
    """Every (worker, shift) pair that passes the hard rules, with its score; and places per shift.

    The same rules as Engine.eligible_workers, evaluated as a (workers × shifts) matrix a block of shifts
    at a time, which is what makes thousands of shifts cheap. keep_per_shift: keep only each shift's best
    `keep_per_shift × places` edges (None keeps all).
    """
    wk, g = engine.workers, engine.gigs
    pool = np.unique(np.asarray(worker_rows, dtype=np.int64))
    pool = pool[wk.active[pool]]
    shifts = np.array([int(s) for s in shift_rows if engine.shift_open(int(s), now)], dtype=np.int64)
    places = {int(s): int(g.s_left[s]) for s in shifts}
    parts: list[Edges] = []
    if len(pool) == 0 or len(shifts) == 0:
        e = np.zeros(0, dtype=np.int64)
        return Edges(e, e, np.zeros(0)), {}
    # Matrices are (shifts × workers): each shift's row is contiguous.
    wx, wy, reach2, avail = wk.x[pool], wk.y[pool], wk.reach2[pool], wk.avail[pool]
    pool_occ = wk.occ[pool]
    pool_lf = engine.level_factor[wk.lvl[pool]]
    hardship = wk.hardship[pool]
    fit_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    day_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # day → (valid certificates, not blocked)
    for b0 in range(0, len(shifts), block):
        ss = shifts[b0 : b0 + block]
        gigs = g.s_gig[ss].astype(np.int64)
        d2 = (wx[None, :] - g.x[gigs][:, None]) ** 2 + (wy[None, :] - g.y[gigs][:, None]) ** 2
        need = g.s_need[ss][:, None]
        ok = (d2 <= reach2[None, :]) & ((avail[None, :] & need) == need)
        fit = np.empty(ok.shape, dtype=np.float32)
        fit_occ = np.empty(ok.shape, dtype=np.int64)
        for j, occ in enumerate(g.occ[gigs].tolist()):
            if occ not in fit_cache:
                fits = engine.tree.fit_vector(occ)[pool_occ] * pool_lf
                best = fits.argmax(axis=1)
                pick = np.arange(len(pool))
                fit_cache[occ] = (fits[pick, best], pool_occ[pick, best])
            fit[j], fit_occ[j] = fit_cache[occ]
        ok &= fit > engine.w.min_fit
        for j, s in enumerate(ss.tolist()):
            gig, day = int(gigs[j]), int(g.s_day[s])
            if day not in day_cache:
                free = np.ones(len(pool), dtype=np.bool_)
                blocked = wk.blocked_by_day.get(day, set())
                if blocked:
                    free[_members(pool, np.fromiter(blocked, dtype=np.int64, count=len(blocked)))] = False
                day_cache[day] = (wk.valid_certs(pool, day), free)
            valid, free = day_cache[day]
            row = ok[j]
            row &= free
            req = g.certs[gig]
            if req:
                row &= (valid & req) == req
            if g.welfare[gig]:
                row &= hardship >= day
            excluded = engine.live_by_shift.get(s, set()) | wk.busy_during(int(g.s_start[s]), int(g.s_end[s]))
            if excluded:
                row[_members(pool, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))] = False
        sj, wi = np.nonzero(ok)
        if len(wi) == 0:
            continue
        scored = engine.pair_scores(
            pool[wi], ss[sj], gigs[sj], fit[sj, wi], fit_occ[sj, wi], d2[sj, wi], today, exposure=False
        )
        parts.append(Edges(scored.workers, scored.shifts, scored.score))
    if not parts:
        e = np.zeros(0, dtype=np.int64)
        return Edges(e, e, np.zeros(0)), {}
    edges = Edges(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("worker", "shift", "score")))
    places = {s: n for s, n in places.items() if n > 0}
    if keep_per_shift is not None:
        edges = _prune(edges, places, keep_per_shift)
    present = set(np.unique(edges.shift).tolist())
    return edges, {s: n for s, n in places.items() if s in present}


def _members(pool: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Positions in the sorted `pool` of those `values` that are in it."""
    pos = np.searchsorted(pool, values)
    inside = pos < len(pool)
    pos, values = pos[inside], values[inside]
    return pos[pool[pos] == values]


def _prune(edges: Edges, places: dict[int, int], keep: int) -> Edges:
    """Each shift's best keep × places edges."""
    order = np.lexsort((-edges.score, edges.shift))
    s = edges.shift[order]
    first = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    rank = np.arange(len(s)) - np.repeat(first, np.diff(np.r_[first, len(s)]))
    limit = np.array([keep * places[int(x)] for x in s.tolist()])
    chosen = order[rank < limit]
    return Edges(edges.worker[chosen], edges.shift[chosen], edges.score[chosen])


def solve(edges: Edges, places: dict[int, int]) -> list[tuple[int, int]]:
    """Maximum total score: [(worker row, shift row)], each worker once, each shift ≤ its places."""
    if len(edges) == 0:
        return []
    workers, w_idx = np.unique(edges.worker, return_inverse=True)
    shifts, s_idx = np.unique(edges.shift, return_inverse=True)
    # Each shift can use at most min(places, its candidates) columns.
    cand_count = np.bincount(s_idx, minlength=len(shifts))
    cap = np.minimum(np.array([places[int(s)] for s in shifts]), cand_count)
    col_start = np.r_[0, np.cumsum(cap)[:-1]]
    n_slots = int(cap.sum())
    reps = cap[s_idx]  # each edge repeated once per column of its shift
    e_rows = np.repeat(w_idx, reps)
    e_cols = np.repeat(col_start[s_idx], reps) + _ranks(reps)
    top = float(edges.score.max()) + 1.0
    e_cost = np.repeat(top - edges.score, reps)
    nw = len(workers)
    rows = np.r_[e_rows, np.arange(nw)]
    cols = np.r_[e_cols, n_slots + np.arange(nw)]
    cost = np.r_[e_cost, np.full(nw, top)]
    graph = csr_matrix((cost, (rows, cols)), shape=(nw, n_slots + nw))
    r, c = min_weight_full_bipartite_matching(graph)
    real = c < n_slots
    slot_shift = np.repeat(np.arange(len(shifts)), cap)
    return [(int(workers[a]), int(shifts[slot_shift[b]])) for a, b in zip(r[real], c[real], strict=True)]


def _ranks(reps: np.ndarray) -> np.ndarray:
    """0…k-1 for each run of length k: the column offset within the shift for each repeat."""
    total = int(reps.sum())
    starts = np.r_[0, np.cumsum(reps)[:-1]]
    return np.arange(total) - np.repeat(starts, reps)


def greedy(edges: Edges, places: dict[int, int]) -> list[tuple[int, int]]:
    """Best edge first, skipping taken workers and full shifts: the baseline dispatch is compared with."""
    order = np.lexsort((edges.shift, edges.worker, -edges.score))
    left = dict(places)
    taken: set[int] = set()
    out = []
    for i in order.tolist():
        w, s = int(edges.worker[i]), int(edges.shift[i])
        if w in taken or left.get(s, 0) <= 0:
            continue
        taken.add(w)
        left[s] -= 1
        out.append((w, s))
    return out


def brute_force(edges: Edges, places: dict[int, int]) -> float:
    """The exact optimum of a tiny case by trying every assignment (exponential: tests only)."""
    by_worker: dict[int, list[tuple[int, float]]] = {}
    for w, s, sc in zip(edges.worker.tolist(), edges.shift.tolist(), edges.score.tolist(), strict=True):
        by_worker.setdefault(w, []).append((s, sc))
    workers = list(by_worker)
    left = dict(places)

    def best(i: int) -> float:
        if i == len(workers):
            return 0.0
        result = best(i + 1)  # this worker stays unassigned
        for s, sc in by_worker[workers[i]]:
            if left.get(s, 0) > 0:
                left[s] -= 1
                result = max(result, sc + best(i + 1))
                left[s] += 1
        return result

    return best(0)


def total(edges: Edges, pairs: list[tuple[int, int]]) -> float:
    lookup = {
        (w, s): sc
        for w, s, sc in zip(edges.worker.tolist(), edges.shift.tolist(), edges.score.tolist(), strict=True)
    }
    return float(sum(lookup[p] for p in pairs))


@dataclass
class Plan:
    pairs: list[tuple[int, int]]
    total: float
    greedy_total: float
    edges: int
    places: int  # places offered by the shifts that had any candidate


def plan(
    engine: Engine,
    shift_rows: Iterable[int],
    worker_rows: np.ndarray,
    now: int,
    today: int,
    *,
    keep_per_shift: int | None = None,
) -> Plan:
    edges, places = candidate_edges(
        engine, shift_rows, worker_rows, now, today, keep_per_shift=keep_per_shift
    )
    pairs = solve(edges, places)
    return Plan(
        pairs=pairs,
        total=total(edges, pairs),
        greedy_total=total(edges, greedy(edges, places)),
        edges=len(edges),
        places=sum(places.values()),
    )
