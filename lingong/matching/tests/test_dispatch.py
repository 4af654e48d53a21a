"""Batch dispatch: the solver equals brute force on small cases, beats or equals greedy, keeps every
constraint, and its candidate edges are exactly the engine's eligible pairs."""

from __future__ import annotations

import numpy as np
import pytest

from lingong.matching import dispatch as D
from lingong.matching.synthetic import build_city

from .world import NOW, TODAY, engine, gig, shift, worker


def random_case(rng: np.random.Generator) -> tuple[D.Edges, dict[int, int]]:
    n_w, n_s = int(rng.integers(1, 8)), int(rng.integers(1, 4))
    pairs = [(w, s) for w in range(n_w) for s in range(n_s) if rng.random() < 0.6]
    if not pairs:
        pairs = [(0, 0)]
    w, s = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    # Scores with ties and near-ties, the cases where a greedy choice goes wrong.
    score = np.round(rng.uniform(0.1, 1.0, len(w)), 1) + rng.choice([0, 0.05], len(w))
    return D.Edges(w, s + 100, score), {100 + j: int(rng.integers(1, 3)) for j in range(n_s)}


def check_feasible(pairs, edges, places):
    workers = [w for w, _ in pairs]
    assert len(workers) == len(set(workers))
    for s, cap in places.items():
        assert sum(1 for _, x in pairs if x == s) <= cap
    allowed = set(zip(edges.worker.tolist(), edges.shift.tolist(), strict=True))
    assert set(pairs) <= allowed


@pytest.mark.parametrize("seed", range(120))
def test_solver_equals_brute_force_and_is_at_least_greedy(seed):
    edges, places = random_case(np.random.default_rng(seed))
    pairs = D.solve(edges, places)
    check_feasible(pairs, edges, places)
    best = D.brute_force(edges, places)
    assert D.total(edges, pairs) == pytest.approx(best)
    assert D.total(edges, D.greedy(edges, places)) <= best + 1e-9


def test_greedy_can_lose_and_the_solver_does_not():
    # Worker 0 is best everywhere; greedy gives them shift A and leaves shift B empty.
    edges = D.Edges(np.array([0, 0, 1]), np.array([1, 2, 1]), np.array([1.0, 0.9, 0.8]))
    places = {1: 1, 2: 1}
    assert D.total(edges, D.greedy(edges, places)) == pytest.approx(1.0)
    assert D.total(edges, D.solve(edges, places)) == pytest.approx(1.7)


def test_edges_are_the_engines_eligible_pairs():
    city = build_city(3000, 300, seed=5)
    e = city.engine
    shifts = np.arange(0, e.gigs.ns, 3)
    pool = np.arange(0, e.workers.n, 2)
    edges, places = D.candidate_edges(e, shifts, pool, city.now, city.today)
    expected = set()
    for s in shifts.tolist():
        scored = e.eligible_workers(s, city.now, city.today, rows=pool, exposure=False)
        expected |= {
            (int(w), s, round(float(x), 4)) for w, x in zip(scored.workers, scored.score, strict=True)
        }
    got = {
        (int(w), int(s), round(float(x), 4))
        for w, s, x in zip(edges.worker, edges.shift, edges.score, strict=True)
    }
    assert got == expected and len(got) > 100
    plan = D.plan(e, shifts, pool, city.now, city.today)
    check_feasible(plan.pairs, edges, places)
    assert plan.total >= plan.greedy_total
    for w, s in plan.pairs:
        assert e.check_pair(w, s, city.now) == []


def test_dispatch_respects_headcount_and_one_shift_per_worker():
    e = engine(
        [worker(i, km=1 + i / 10) for i in range(1, 6)],
        [gig(1, shifts=[shift(10, left=2)]), gig(2, shifts=[shift(20, left=1)])],
    )
    plan = D.plan(e, [0, 1], np.arange(5), NOW, TODAY)
    assert len(plan.pairs) == 3
    assert sorted(s for _, s in plan.pairs) == [0, 0, 1]
