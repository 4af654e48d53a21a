"""The siting core (plain numpy): greedy maximal covering against exhaustive search and random choice."""

import math

import numpy as np
import pytest

from lingong.lib.geo import haversine_m
from lingong.programme import siting

REACH_M = 865.0  # walking, 15 minutes, with the default speed and detour


def _town(rng: np.random.Generator, n_workers: int = 1500):
    """A synthetic town: workers in a few dense neighbourhoods plus a thin spread, candidates on a grid."""
    centres = np.array([[22.52, 113.39], [22.535, 113.405], [22.51, 113.42], [22.545, 113.37]])
    sizes = rng.multinomial(int(n_workers * 0.85), [0.4, 0.3, 0.2, 0.1])
    lat, lng = [], []
    for (clat, clng), n in zip(centres, sizes, strict=True):
        lat.append(rng.normal(clat, 0.004, n))
        lng.append(rng.normal(clng, 0.004, n))
    spread = n_workers - int(sizes.sum())
    lat.append(rng.uniform(22.49, 22.56, spread))
    lng.append(rng.uniform(113.35, 113.44, spread))
    glat, glng = siting.grid_points(22.49, 22.56, 113.35, 113.44, 600)
    return np.concatenate(lat), np.concatenate(lng), glat, glng


def test_pairwise_distance_matches_the_scalar_haversine():
    lat1, lng1 = np.array([22.52, 22.67]), np.array([113.39, 113.25])
    lat2, lng2 = np.array([22.53, 22.30, 22.52]), np.array([113.40, 113.35, 113.39])
    d = siting.pairwise_m(lat1, lng1, lat2, lng2)
    for i in range(2):
        for j in range(3):
            assert d[i, j] == pytest.approx(haversine_m(lat1[i], lng1[i], lat2[j], lng2[j]), abs=1e-6)
    assert siting.nearest_m(lat1, lng1, lat2, lng2) == pytest.approx(d.min(axis=1))
    assert np.isinf(siting.nearest_m(lat1, lng1, np.array([]), np.array([]))).all()


def test_greedy_equals_exhaustive_search_on_a_small_case():
    # Three neighbourhoods of 5, 3 and 2 workers; six candidate sites: one in each neighbourhood, one
    # between the first two (covers part of both), and two in empty places.
    pts = np.array(
        [[22.520, 113.390 + i * 0.0006] for i in range(5)]
        + [[22.530, 113.400 + i * 0.0006] for i in range(3)]
        + [[22.540, 113.380], [22.5403, 113.3803]]
    )
    cands = np.array(
        [
            [22.520, 113.3912],
            [22.530, 113.4006],
            [22.540, 113.3801],
            [22.525, 113.3985],
            [22.50, 113.36],
            [22.56, 113.43],
        ]
    )
    cover = siting.cover_matrix(cands[:, 0], cands[:, 1], pts[:, 0], pts[:, 1], REACH_M)
    weights = np.ones(len(pts))
    for k in (1, 2, 3):
        greedy = siting.greedy_max_cover(cover, weights, k)
        best = siting.exhaustive_max_cover(cover, weights, k)
        assert greedy.covered == best.covered
    assert siting.greedy_max_cover(cover, weights, 3).chosen == [0, 1, 2]
    assert siting.greedy_max_cover(cover, weights, 3).gains == [5.0, 3.0, 2.0]


def test_greedy_is_within_the_known_bound_of_the_optimum_on_random_small_cases():
    rng = np.random.default_rng(7)
    ratio_floor = 1 - 1 / math.e
    equal = 0
    for _ in range(200):
        cover = rng.random((8, 30)) < 0.2
        weights = rng.integers(1, 5, 30).astype(float)
        k = int(rng.integers(1, 4))
        greedy = siting.greedy_max_cover(cover, weights, k).covered
        best = siting.exhaustive_max_cover(cover, weights, k).covered
        assert greedy <= best + 1e-9 and greedy >= ratio_floor * best - 1e-9
        equal += greedy == best
    assert equal >= 150  # on small cases the greedy is nearly always optimal


def test_greedy_beats_random_choice_on_a_synthetic_town():
    rng = np.random.default_rng(2023)
    wlat, wlng, glat, glng = _town(rng)
    plat, plng, weights = siting.aggregate_points(wlat, wlng)
    assert weights.sum() == len(wlat)
    cover = siting.cover_matrix(glat, glng, plat, plng, REACH_M)
    for k in (1, 3, 5):
        greedy = siting.greedy_max_cover(cover, weights, k)
        randoms = np.array([siting.random_cover(cover, weights, k, rng) for _ in range(300)])
        assert greedy.covered > randoms.max()
        assert greedy.covered > 2 * randoms.mean()
        assert greedy.gains == sorted(greedy.gains, reverse=True)  # each pick adds no more than the last
        assert greedy.covered == pytest.approx(siting.covered_weight(cover, weights, greedy.chosen))


def test_greedy_stops_when_nothing_more_can_be_covered():
    cover = np.array([[True, True, False], [True, False, False], [False, False, False]])
    result = siting.greedy_max_cover(cover, np.ones(3), 3)
    assert result.chosen == [0] and result.gains == [2.0] and result.cumulative == [2.0]
    assert siting.greedy_max_cover(np.zeros((0, 0), dtype=bool), np.ones(0), 2).chosen == []


def test_grid_and_disk_points_stay_within_limits():
    glat, glng = siting.grid_points(22.2, 22.8, 113.1, 113.7, 100, max_points=2000)
    assert len(glat) <= 2100 and glat.min() == 22.2 and glng.max() == 113.7
    dlat, dlng = siting.disk_points(22.52, 113.39, 3000)
    d = siting.pairwise_m(np.array([22.52]), np.array([113.39]), dlat, dlng)[0]
    assert d.max() <= 3000 and len(dlat) > 1000
