"""Coverage geometry and siting (P-2) in plain numpy: no Django imports, so it can be tested alone.

Maximal covering location: pick k of the candidate sites so that as many (weighted) uncovered points as
possible lie within reach of at least one pick. The greedy algorithm takes, at each step, the site with
the largest gain in newly covered weight; it is within a factor (1 - 1/e) of the optimum and, on the
small cases where that can be checked, usually equal to it (exhaustive search is provided for tests
and for small towns).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
CHUNK = 20_000  # rows per block when a full distance matrix would be large


def pairwise_m(lat1: np.ndarray, lng1: np.ndarray, lat2: np.ndarray, lng2: np.ndarray) -> np.ndarray:
    """Great-circle distances in metres between every point of set 1 (rows) and of set 2 (columns)."""
    p1 = np.radians(np.asarray(lat1, dtype=float))[:, None]
    p2 = np.radians(np.asarray(lat2, dtype=float))[None, :]
    dl = (
        np.radians(np.asarray(lng2, dtype=float))[None, :]
        - np.radians(np.asarray(lng1, dtype=float))[:, None]
    )
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def nearest_m(lat: np.ndarray, lng: np.ndarray, site_lat: np.ndarray, site_lng: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest site (inf when there are no sites), in blocks."""
    lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
    out = np.full(lat.shape[0], np.inf)
    if len(site_lat) == 0 or lat.shape[0] == 0:
        return out
    for start in range(0, lat.shape[0], CHUNK):
        block = pairwise_m(lat[start : start + CHUNK], lng[start : start + CHUNK], site_lat, site_lng)
        out[start : start + CHUNK] = block.min(axis=1)
    return out


def cover_matrix(
    cand_lat: np.ndarray, cand_lng: np.ndarray, pt_lat: np.ndarray, pt_lng: np.ndarray, reach_m: float
) -> np.ndarray:
    """Boolean matrix (candidates × points): True where the point lies within reach of the candidate."""
    return pairwise_m(cand_lat, cand_lng, pt_lat, pt_lng) <= reach_m


@dataclass
class Selection:
    chosen: list[int]  # candidate indices in the order picked
    gains: list[float]  # weight newly covered by each pick
    covered: float  # total weight covered by the picks

    @property
    def cumulative(self) -> list[float]:
        return list(itertools.accumulate(self.gains))


def greedy_max_cover(cover: np.ndarray, weights: np.ndarray, k: int) -> Selection:
    """Greedy maximal covering: k picks (fewer when nothing more can be covered), ties to the lower index."""
    cover = np.asarray(cover, dtype=bool)
    remaining = np.asarray(weights, dtype=float).copy()
    chosen: list[int] = []
    gains: list[float] = []
    if cover.size == 0:
        return Selection(chosen, gains, 0.0)
    as_float = cover.astype(np.float64)
    for _ in range(min(k, cover.shape[0])):
        gain = as_float @ remaining
        if chosen:
            gain[chosen] = -1.0
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        chosen.append(best)
        gains.append(float(gain[best]))
        remaining[cover[best]] = 0.0
    return Selection(chosen, gains, float(sum(gains)))


def covered_weight(cover: np.ndarray, weights: np.ndarray, picks: list[int] | tuple[int, ...]) -> float:
    if not len(picks):
        return 0.0
    hit = np.asarray(cover, dtype=bool)[list(picks)].any(axis=0)
    return float(np.asarray(weights, dtype=float)[hit].sum())


def exhaustive_max_cover(cover: np.ndarray, weights: np.ndarray, k: int, limit: int = 200_000) -> Selection:
    """The optimum by trying every set of k candidates; refuses when there are more than `limit` sets."""
    n = cover.shape[0]
    k = min(k, n)
    if math.comb(n, k) > limit:
        raise ValueError(f"组合数 {math.comb(n, k)} 过多，无法穷举")
    best: tuple[int, ...] = ()
    best_value = -1.0
    for picks in itertools.combinations(range(n), k):
        value = covered_weight(cover, weights, picks)
        if value > best_value:
            best, best_value = picks, value
    return Selection(list(best), [], max(best_value, 0.0))


def random_cover(cover: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> float:
    """What a random choice of k candidates covers (the baseline the greedy must beat)."""
    picks = rng.choice(cover.shape[0], size=min(k, cover.shape[0]), replace=False)
    return covered_weight(cover, weights, [int(i) for i in picks])


def grid_points(
    lat_min: float, lat_max: float, lng_min: float, lng_max: float, spacing_m: float, max_points: int = 4000
) -> tuple[np.ndarray, np.ndarray]:
    """A regular grid over a box, spacing widened if needed so it has at most max_points points."""
    mid = math.radians((lat_min + lat_max) / 2)
    height_m = (lat_max - lat_min) * 111_320
    width_m = (lng_max - lng_min) * 111_320 * math.cos(mid)
    spacing = max(spacing_m, math.sqrt(max(height_m * width_m, 1.0) / max_points))
    rows = max(1, int(height_m // spacing) + 1)
    cols = max(1, int(width_m // spacing) + 1)
    lats = np.linspace(lat_min, lat_max, rows) if rows > 1 else np.array([(lat_min + lat_max) / 2])
    lngs = np.linspace(lng_min, lng_max, cols) if cols > 1 else np.array([(lng_min + lng_max) / 2])
    glat, glng = np.meshgrid(lats, lngs, indexing="ij")
    return glat.ravel(), glng.ravel()


def disk_points(lat: float, lng: float, radius_m: float, n_side: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced points filling a disk: a stand-in for where a town's residents live."""
    dlat = radius_m / 111_320
    dlng = radius_m / (111_320 * math.cos(math.radians(lat)))
    glat, glng = grid_points(lat - dlat, lat + dlat, lng - dlng, lng + dlng, 1.0, max_points=n_side * n_side)
    inside = pairwise_m(np.array([lat]), np.array([lng]), glat, glng)[0] <= radius_m
    return glat[inside], glng[inside]


def aggregate_points(
    lat: np.ndarray, lng: np.ndarray, decimals: int = 4
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge points that round to the same place (about 11 m at 4 decimals) into weighted points."""
    if len(lat) == 0:
        return np.array([]), np.array([]), np.array([])
    keys = np.stack(
        [np.round(np.asarray(lat, dtype=float), decimals), np.round(np.asarray(lng, dtype=float), decimals)],
        1,
    )
    unique, counts = np.unique(keys, axis=0, return_counts=True)
    return unique[:, 0], unique[:, 1], counts.astype(float)
