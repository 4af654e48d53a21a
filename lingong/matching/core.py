"""The matching engine: hard rules, score parts and top-k in both directions, all vectorised numpy.

No Django here (ARCHITECTURE.md §13): the adapter (index.py) loads the tables from the database and keeps
them current; the benchmarks build them from a synthetic city.

Hard rules, applied before any score and never traded against one:
  1. required certificates held and valid on the shift's day;
  2. the worker's weekly availability covers every part of the day the shift touches, and the day is not
     one the worker blocked;
  3. estimated travel time (straight line × detour ÷ speed of the worker's mode) within their limit;
  4. no overlap with a booking the worker already holds (and no second live application on the shift);
  5. public-welfare shifts only for workers with a certified hardship record valid on the day;
  6. the gig is public and its employer approved, current and not suspended;
  7. the worker has not opted out of matching (nor erased their registration);
  8. the shift is open, has not started and has places left.
`check_pair` re-checks all of them one pair at a time, in plain Python, for tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .buckets import WorkerBuckets
from .tables import LEVELS, GigTable, OccupationTree, WorkerTable
from .weights import DEFAULT, Weights

PARTS = ("fit", "travel", "pay", "reliability", "freshness", "priority", "exposure")


@dataclass
class Match:
    """One recommended pair with its weighted score parts (they sum to `score`) and the facts behind
    them, from which explain.py writes the reasons."""

    worker: int  # worker row
    shift: int  # shift row
    gig: int  # gig row
    score: float
    parts: dict[str, float]
    minutes: float
    fit_kind: int  # 1 same 细类, 2 小类, 3 中类, 4 related
    fit_occ: int  # the worker's occupation (tree row) that fits best
    pay_ratio: float  # gig hourly pay ÷ expected (NaN when either is unknown)
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (kind, Chinese text)


@dataclass
class Scored:
    """Eligible candidates of one query with their score parts (arrays of equal length)."""

    workers: np.ndarray
    shifts: np.ndarray
    gigs: np.ndarray
    score: np.ndarray
    parts: dict[str, np.ndarray]
    minutes: np.ndarray
    pay_ratio: np.ndarray
    fit: np.ndarray  # unweighted occupation fit
    fit_occ: np.ndarray  # the worker's occupation (tree row) that gave it


class Engine:
    def __init__(
        self,
        tree: OccupationTree,
        workers: WorkerTable,
        gigs: GigTable,
        weights: Weights = DEFAULT,
        cell_km: float = 2.0,
    ):
        self.tree, self.workers, self.gigs, self.w = tree, workers, gigs, weights
        self.sentinel = tree.n
        workers.fixup_sentinel(self.sentinel)
        level = [weights.level_factor.get(name, 1.0) for name in LEVELS]
        self.level_factor = np.array(level, dtype=np.float32)
        self.cell_km = cell_km
        self.buckets = WorkerBuckets(workers, self.sentinel, cell_km)
        # Live applications (applied, invited, offered, booked): never recommend the same pair again.
        self.live_by_shift: dict[int, set[int]] = {}
        self.live_by_worker: dict[int, set[int]] = {}
        self.decayed_at: int | None = None

    # ------------------------------------------------------------------ maintenance

    def worker_changed(self, row: int) -> None:
        self.buckets.mark(row)
        if len(self.buckets.extras) > max(1000, self.workers.n // 50):
            self.rebuild_buckets()

    def rebuild_buckets(self) -> None:
        self.workers.fixup_sentinel(self.sentinel)
        self.buckets = WorkerBuckets(self.workers, self.sentinel, self.cell_km)

    def set_live(self, worker_row: int, shift_rows: set[int]) -> None:
        for s in self.live_by_worker.pop(worker_row, set()):
            self.live_by_shift.get(s, set()).discard(worker_row)
        if shift_rows:
            self.live_by_worker[worker_row] = set(shift_rows)
            for s in shift_rows:
                self.live_by_shift.setdefault(s, set()).add(worker_row)

    def decay(self, now: int) -> None:
        """Halve impressions every `exposure_half_life_s`; applied lazily, at most every 10 minutes."""
        if self.decayed_at is None:
            self.decayed_at = now
            return
        elapsed = now - self.decayed_at
        if elapsed >= 10:
            factor = np.float32(0.5 ** (elapsed * 60 / self.w.exposure_half_life_s))
            self.workers.exposure[: self.workers.n] *= factor
            self.gigs.exposure[: self.gigs.n] *= factor
            self.decayed_at = now

    # ------------------------------------------------------------------ pieces

    def worker_fit(self, rows: np.ndarray, gig_occ: int) -> tuple[np.ndarray, np.ndarray]:
        """Best fit of each worker row for a gig occupation, and which of their occupations gave it."""
        vec = self.tree.fit_vector(gig_occ)
        occ = self.workers.occ[rows]
        fits = vec[occ] * self.level_factor[self.workers.lvl[rows]]
        best = fits.argmax(axis=1) if fits.shape[1] > 1 else np.zeros(len(rows), dtype=np.int64)
        return fits[np.arange(len(rows)), best], occ[np.arange(len(rows)), best]

    def fit_row(self, wrow: int) -> tuple[np.ndarray, np.ndarray]:
        """For one worker: fit for each gig occupation (tree rows) and which own occupation gave it."""
        occs = self.workers.occ[wrow]
        levels = self.level_factor[self.workers.lvl[wrow]]
        stack = np.stack([self.tree.fit_vector(int(o)) * lv for o, lv in zip(occs, levels, strict=True)])
        # fit_vector(o)[g] is symmetric in o and g: same 细类/小类/中类/related both ways.
        best = stack.argmax(axis=0)
        return stack[best, np.arange(stack.shape[1])], occs[best]

    def pay_part(self, gig_pay: np.ndarray, worker_pay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = gig_pay / worker_pay
        floor = self.w.pay_floor_ratio
        part = np.clip((ratio - floor) / (1 - floor), 0, 1)
        return np.where(np.isnan(ratio), self.w.pay_unknown, part).astype(np.float32), ratio

    def priority_part(self, rows: np.ndarray | int, today: int) -> np.ndarray:
        wk = self.workers
        tier = wk.tier[rows]
        boost = np.where(tier >= 3, self.w.tier3, np.where(tier == 2, self.w.tier2, 0.0))
        waited = today - wk.since[rows]
        span = max(1, self.w.wait_full_days - self.w.wait_from_days)
        boost = boost + self.w.wait * np.clip((waited - self.w.wait_from_days) / span, 0, 1)
        return np.asarray(boost, dtype=np.float32)

    def exposure_part(self, counts: np.ndarray) -> np.ndarray:
        return -self.w.exposure * counts / (counts + self.w.exposure_half)

    def shift_open(self, srow: int, now: int) -> bool:
        g = self.gigs
        gig = int(g.s_gig[srow])
        return bool(
            g.s_open[srow]
            and g.s_left[srow] > 0
            and g.s_start[srow] > now
            and g.open[gig]
            and g.e_ok[g.employer[gig]]
        )

    # ------------------------------------------------------------------ workers for a shift

    def eligible_workers(
        self,
        srow: int,
        now: int,
        today: int,
        *,
        rows: np.ndarray | None = None,
        exposure: bool = True,
    ) -> Scored:
        """Every worker who may take shift `srow` (all hard rules), with score parts.

        `rows` restricts the pool (dispatch: the day's available workers); by default the buckets give it.
        """
        wk, g, w = self.workers, self.gigs, self.w
        gig = int(g.s_gig[srow])
        if not self.shift_open(srow, now):
            return _empty_scored()
        gig_occ = int(g.occ[gig])
        gx, gy = float(g.x[gig]), float(g.y[gig])
        if rows is None:
            fitting = np.flatnonzero(self.tree.fit_vector(gig_occ)[: self.tree.n] > w.min_fit)
            cand = self.buckets.candidates(gx, gy, fitting).astype(np.int64)
        else:
            cand = np.asarray(rows, dtype=np.int64)
        # Cheap rules first, on the whole candidate list: active, travel, availability.
        dx = wk.x[cand] - gx
        dy = wk.y[cand] - gy
        d2 = dx * dx + dy * dy
        need = g.s_need[srow]
        ok = wk.active[cand] & (d2 <= wk.reach2[cand]) & ((wk.avail[cand] & need) == need)
        cand, d2 = cand[ok], d2[ok]
        first = self._first_occurrence(cand)  # a worker found through two occupations counts once
        cand, d2 = cand[first], d2[first]
        fit, fit_occ = self.worker_fit(cand, gig_occ)
        ok = fit > w.min_fit
        day = int(g.s_day[srow])
        req = g.certs[gig]
        if req:
            held = (wk.cert_any[cand] & req) == req
            ok &= held
            sub = np.flatnonzero(ok)
            ok[sub] = (wk.valid_certs(cand[sub], day) & req) == req
        if g.welfare[gig]:
            ok &= wk.hardship[cand] >= day
        excluded = set(wk.blocked_by_day.get(day, ())) | self.live_by_shift.get(srow, set())
        excluded |= wk.busy_during(int(g.s_start[srow]), int(g.s_end[srow]))
        if excluded:
            ok &= ~self._member(cand, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
        cand, d2, fit, fit_occ = cand[ok], d2[ok], fit[ok], fit_occ[ok]
        k = len(cand)
        srows, gigs = np.full(k, srow, dtype=np.int64), np.full(k, gig, dtype=np.int64)
        return self.pair_scores(cand, srows, gigs, fit, fit_occ, d2, today, exposure=exposure)

    def pair_scores(
        self,
        cand: np.ndarray,
        srows: np.ndarray,
        gigs: np.ndarray,
        fit: np.ndarray,
        fit_occ: np.ndarray,
        d2: np.ndarray,
        today: int,
        *,
        exposure: bool = True,
    ) -> Scored:
        """Score parts of eligible (worker, shift) pairs as seen by the gig side (worker freshness)."""
        wk, g, w = self.workers, self.gigs, self.w
        minutes = np.sqrt(d2).astype(np.float32) * self.workers.modes.min_per_km[wk.mode[cand]]
        travel = np.clip(1 - minutes / np.maximum(wk.limit[cand], 1), 0, 1)
        pay, ratio = self.pay_part(g.pay[gigs], wk.pay[cand])
        fresh = 0.5 ** ((today - wk.fresh[cand]) / w.worker_fresh_days)
        parts = {
            "fit": w.fit * fit,
            "travel": w.travel * travel,
            "pay": w.pay * pay,
            "reliability": w.reliability * wk.rel[cand],
            "freshness": w.freshness * np.clip(fresh, 0, 1),
            "priority": self.priority_part(cand, today),
            "exposure": self.exposure_part(wk.exposure[cand]) if exposure else np.zeros(len(cand)),
        }
        score = sum(parts.values())
        return Scored(
            workers=cand,
            shifts=srows,
            gigs=gigs,
            score=np.asarray(score, dtype=np.float64) if len(cand) else np.zeros(0),
            parts={k: np.asarray(v, dtype=np.float32) for k, v in parts.items()},
            minutes=minutes,
            pay_ratio=ratio,
            fit=np.asarray(fit, dtype=np.float32),
            fit_occ=np.asarray(fit_occ, dtype=np.int64),
        )

    def workers_for_shift(
        self, srow: int, k: int, now: int, today: int, *, record: bool = True
    ) -> list[Match]:
        self.decay(now)
        scored = self.eligible_workers(srow, now, today)
        matches = self._top(scored, k, by_gig=False, fit_of=lambda i: self.gigs.occ[scored.gigs[i]])
        if record and matches:
            self.workers.exposure[[m.worker for m in matches]] += 1
        return matches

    # ------------------------------------------------------------------ gigs for a worker

    def eligible_gigs(self, wrow: int, now: int, today: int, *, exposure: bool = True) -> Scored:
        """Every gig the worker may take (through its earliest shift that passes all hard rules)."""
        wk, g, w = self.workers, self.gigs, self.w
        n = g.n
        if not wk.active[wrow] or n == 0:
            return _empty_scored()
        fit_all, own_occ = self.fit_row(wrow)
        dx = g.x[:n] - wk.x[wrow]
        dy = g.y[:n] - wk.y[wrow]
        d2 = dx * dx + dy * dy
        gig_ok = g.open[:n] & g.e_ok[g.employer[:n]] & (d2 <= wk.reach2[wrow])
        gig_ok &= fit_all[g.occ[:n]] > w.min_fit
        gig_ok &= (g.certs[:n] & ~wk.cert_any[wrow]) == 0  # certificates held at all
        avail = wk.avail[wrow]
        srows = g.shifts_for(np.flatnonzero(gig_ok))  # only the shifts of gigs that passed
        s_ok = g.s_open[srows] & (g.s_left[srows] > 0) & (g.s_start[srows] > now)
        s_ok &= (g.s_need[srows] & ~avail) == 0
        srows = srows[s_ok]
        if len(srows) == 0:
            return _empty_scored()
        sg = g.s_gig[srows]
        day = g.s_day[srows]
        keep = np.ones(len(srows), dtype=np.bool_)
        need_cert = g.certs[sg] != 0
        if need_cert.any():
            idx = np.flatnonzero(need_cert)
            valid = wk.valid_certs(np.full(len(idx), wrow), day[idx])
            keep[idx] = (valid & g.certs[sg[idx]]) == g.certs[sg[idx]]
        welfare = g.welfare[sg]
        if welfare.any():
            keep &= ~welfare | (day <= wk.hardship[wrow])
        blocked = wk.blocked.get(wrow)
        if blocked:
            keep &= ~np.isin(day, np.fromiter(blocked, dtype=np.int32, count=len(blocked)))
        for b in wk.busy.get(wrow, ()):
            keep &= ~((g.s_start[srows] < b.end) & (g.s_end[srows] > b.start))
        live = self.live_by_worker.get(wrow)
        if live:
            keep &= ~np.isin(srows, np.fromiter(live, dtype=np.int64, count=len(live)))
        srows = srows[keep]
        if len(srows) == 0:
            return _empty_scored()
        # Earliest eligible shift of each gig.
        order = np.lexsort((g.s_start[srows], g.s_gig[srows]))
        srows = srows[order]
        sg = g.s_gig[srows]
        first = np.r_[True, sg[1:] != sg[:-1]]
        srows, gigs = srows[first], sg[first].astype(np.int64)
        fit = fit_all[g.occ[gigs]]
        fit_occ = own_occ[g.occ[gigs]]
        minutes = np.sqrt(d2[gigs]).astype(np.float32) * wk.modes.min_per_km[wk.mode[wrow]]
        travel = np.clip(1 - minutes / max(float(wk.limit[wrow]), 1.0), 0, 1)
        pay, ratio = self.pay_part(g.pay[gigs], np.full(len(gigs), wk.pay[wrow], dtype=np.float32))
        age_days = (now - g.published[gigs]) / 1440
        fresh = np.clip(0.5 ** (np.maximum(age_days, 0) / w.gig_fresh_days), 0, 1)
        k = len(gigs)
        parts = {
            "fit": w.fit * fit,
            "travel": w.travel * travel,
            "pay": w.pay * pay,
            "reliability": np.full(k, w.reliability * wk.rel[wrow], dtype=np.float32),
            "freshness": w.freshness * fresh,
            "priority": np.full(k, self.priority_part(wrow, today), dtype=np.float32),
            "exposure": self.exposure_part(g.exposure[gigs]) if exposure else np.zeros(k, dtype=np.float32),
        }
        score = sum(parts.values())
        return Scored(
            workers=np.full(k, wrow, dtype=np.int64),
            shifts=srows.astype(np.int64),
            gigs=gigs,
            score=np.asarray(score, dtype=np.float64),
            parts={key: np.asarray(v, dtype=np.float32) for key, v in parts.items()},
            minutes=minutes,
            pay_ratio=ratio,
            fit=np.asarray(fit, dtype=np.float32),
            fit_occ=np.asarray(fit_occ, dtype=np.int64),
        )

    def gigs_for_worker(self, wrow: int, k: int, now: int, today: int, *, record: bool = True) -> list[Match]:
        self.decay(now)
        scored = self.eligible_gigs(wrow, now, today)
        matches = self._top(scored, k, by_gig=True, fit_of=lambda i: self.gigs.occ[scored.gigs[i]])
        if record and matches:
            self.gigs.exposure[[m.gig for m in matches]] += 1
        return matches

    # ------------------------------------------------------------------ set operations without sorting

    def _scratch(self) -> np.ndarray:
        """An int32 array as long as the workers, all -1 between uses (O(n) set operations on rows)."""
        n = self.workers.occ.shape[0]
        scratch = getattr(self, "_scratch_rows", None)
        if scratch is None or len(scratch) < n:
            scratch = self._scratch_rows = np.full(n, -1, dtype=np.int32)
        return scratch

    def _first_occurrence(self, rows: np.ndarray) -> np.ndarray:
        """Positions of the first occurrence of each row in `rows`, in order."""
        scratch = self._scratch()
        pos = np.arange(len(rows), dtype=np.int32)
        scratch[rows[::-1]] = pos[::-1]  # the last write, i.e. the first occurrence, wins
        first = scratch[rows] == pos
        scratch[rows] = -1
        return first

    def _member(self, rows: np.ndarray, members: np.ndarray) -> np.ndarray:
        """rows ∈ members, elementwise."""
        scratch = self._scratch()
        members = members[members < len(scratch)]
        scratch[members] = 1
        out = scratch[rows] == 1
        scratch[members] = -1
        return out

    # ------------------------------------------------------------------ top-k

    def _top(self, scored: Scored, k: int, *, by_gig: bool, fit_of) -> list[Match]:
        n = len(scored.score)
        if n == 0 or k <= 0:
            return []
        idx = np.argpartition(-scored.score, k - 1)[:k] if n > k else np.arange(n)
        # Best first; ties by row so results are deterministic.
        key_rows = scored.gigs[idx] if by_gig else scored.workers[idx]
        idx = idx[np.lexsort((key_rows, -scored.score[idx]))]
        parts = {p: np.round(scored.parts[p][idx].astype(np.float64), 4).tolist() for p in PARTS}
        scores = np.round(scored.score[idx], 4).tolist()
        out = []
        for j, i in enumerate(idx.tolist()):
            gig_occ = int(fit_of(i))
            own = int(scored.fit_occ[i])
            kind = int(self.tree.kind_vector(gig_occ)[own]) if own < self.tree.n else 0
            out.append(
                Match(
                    worker=int(scored.workers[i]),
                    shift=int(scored.shifts[i]),
                    gig=int(scored.gigs[i]),
                    score=scores[j],
                    parts={p: parts[p][j] for p in PARTS},
                    minutes=float(scored.minutes[i]),
                    fit_kind=kind,
                    fit_occ=own,
                    pay_ratio=float(scored.pay_ratio[i]),
                )
            )
        return out

    # ------------------------------------------------------------------ one pair, plainly

    def check_pair(self, wrow: int, srow: int, now: int) -> list[str]:
        """Every hard rule the pair breaks, re-checked one by one in plain Python (empty: none)."""
        wk, g = self.workers, self.gigs
        gig = int(g.s_gig[srow])
        broken = []
        if not wk.active[wrow]:
            broken.append("opted_out")
        if not (g.open[gig] and g.e_ok[g.employer[gig]]):
            broken.append("gig_not_public")
        if not (g.s_open[srow] and g.s_left[srow] > 0 and g.s_start[srow] > now):
            broken.append("shift_closed")
        dist = float(np.hypot(float(wk.x[wrow]) - float(g.x[gig]), float(wk.y[wrow]) - float(g.y[gig])))
        minutes = dist * float(wk.modes.min_per_km[wk.mode[wrow]])
        if minutes > float(wk.limit[wrow]) * (1 + 1e-4) + 1e-3:
            broken.append("travel")
        need, avail = int(g.s_need[srow]), int(wk.avail[wrow])
        day = int(g.s_day[srow])
        if need & ~avail or day in wk.blocked.get(wrow, set()):
            broken.append("availability")
        required = int(g.certs[gig])
        for c in range(64):
            if required >> c & 1:
                exp = [
                    int(e) for i, e in zip(wk.cert_idx[wrow], wk.cert_exp[wrow], strict=True) if int(i) == c
                ]
                if not exp or max(exp) < day:
                    broken.append("certificate")
                    break
        if g.welfare[gig] and int(wk.hardship[wrow]) < day:
            broken.append("public_welfare")
        start, end = int(g.s_start[srow]), int(g.s_end[srow])
        if any(b.start < end and b.end > start for b in wk.busy.get(wrow, [])):
            broken.append("overlap")
        if wrow in self.live_by_shift.get(srow, set()):
            broken.append("already_applied")
        return broken


def _empty_scored() -> Scored:
    e = np.zeros(0, dtype=np.int64)
    f = np.zeros(0, dtype=np.float32)
    return Scored(e, e, e, np.zeros(0), {p: f for p in PARTS}, f, f, f, e)
