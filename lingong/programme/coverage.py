"""The 15-minute employment service circle (P-2) for the city: who lives within 15 minutes of an
operating station, per town, and where new stations would cover the most uncovered workers.

Registered workers are counted at their home point (workers without one are reported apart).
Resident population has no finer geography than the town, so each town's residents are spread evenly
over a disk of the town's area around its centre (a documented approximation: town centres are
approximate and towns are not round); the city figure weighs each town by its population. Towns
without a published population (中山港 and 民众 were published together) are left out of the weighting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count

from lingong.lib.geo import TravelMode, travel_mode
from lingong.places.models import Station, StationStatus, Town
from lingong.workers.models import Worker, WorkerStatus

from . import siting
from .models import CandidateSite

MINUTES = 15
MODES = ("walk", "ebike")
DEFAULT_RADIUS_M = 3000.0
MAX_K = 10
IN_PROGRESS = (StationStatus.SURVEY, StationStatus.BUILDING, StationStatus.AWAITING_ACCEPTANCE)


def modes() -> list[TravelMode]:
    return [travel_mode(m) for m in MODES]


def _station_points(statuses) -> tuple[np.ndarray, np.ndarray]:
    rows = list(Station.objects.filter(status__in=statuses).values_list("lat", "lng"))
    arr = np.array(rows, dtype=float).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _worker_points(town: Town | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(town id or -1, lat, lng) of active workers with a home point."""
    qs = Worker.objects.filter(status=WorkerStatus.ACTIVE, home_lat__isnull=False, home_lng__isnull=False)
    if town is not None:
        qs = qs.filter(home_town=town)
    rows = list(qs.values_list("home_town_id", "home_lat", "home_lng"))
    if not rows:
        return np.array([], dtype=int), np.array([]), np.array([])
    towns = np.array([r[0] if r[0] is not None else -1 for r in rows], dtype=int)
    pts = np.array([(r[1], r[2]) for r in rows], dtype=float)
    return towns, pts[:, 0], pts[:, 1]


def town_radius_m(town: Town) -> float:
    return math.sqrt(town.area_km2 / math.pi) * 1000 if town.area_km2 else DEFAULT_RADIUS_M


@dataclass
class TownCoverage:
    town: Town | None
    workers: int = 0
    covered: dict[str, int] = field(default_factory=dict)
    population: int | None = None
    population_share: dict[str, float] = field(default_factory=dict)
    operating: int = 0

    def worker_share(self, mode: str) -> float | None:
        return self.covered.get(mode, 0) / self.workers if self.workers else None


@dataclass
class CoverageReport:
    rows: list[TownCoverage]
    modes: list[TravelMode]
    workers: int
    workers_without_point: int
    covered: dict[str, int]
    population_counted: int
    population_share: dict[str, float | None]

    def worker_share(self, mode: str) -> float | None:
        return self.covered.get(mode, 0) / self.workers if self.workers else None


def coverage_report(towns: list[Town] | None = None) -> CoverageReport:
    """Shares within 15 minutes per town (the towns given, or all) and for the whole city."""
    all_towns = list(Town.objects.all())
    shown = {t.id for t in (towns if towns is not None else all_towns)}
    travel = modes()
    slat, slng = _station_points([StationStatus.OPERATING])
    town_ids, wlat, wlng = _worker_points()
    nearest = siting.nearest_m(wlat, wlng, slat, slng)
    rows: dict[int, TownCoverage] = {t.id: TownCoverage(t, population=t.population) for t in all_towns}
    unassigned = TownCoverage(None)
    covered_city = {}
    for mode in travel:
        inside = nearest <= mode.reach_m(MINUTES)
        covered_city[mode.code] = int(inside.sum())
        for tid, hits, count in _group(town_ids, inside):
            row = rows.get(tid, unassigned)
            row.workers = count
            row.covered[mode.code] = hits
    operating = (
        Station.objects.filter(status=StationStatus.OPERATING).values("town_id").annotate(n=Count("id"))
    )
    for item in operating:
        rows[item["town_id"]].operating = item["n"]
    pop_total = 0
    weighted = {m.code: 0.0 for m in travel}
    for town in all_towns:
        plat, plng = siting.disk_points(town.lat, town.lng, town_radius_m(town))
        dist = siting.nearest_m(plat, plng, slat, slng)
        for mode in travel:
            share = float((dist <= mode.reach_m(MINUTES)).mean()) if len(dist) else 0.0
            rows[town.id].population_share[mode.code] = share
            if town.population:
                weighted[mode.code] += share * town.population
        pop_total += town.population or 0
    without_point = Worker.objects.filter(status=WorkerStatus.ACTIVE).filter(home_lat__isnull=True).count()
    out_rows = [rows[t.id] for t in all_towns if t.id in shown]
    if unassigned.workers and towns is None:
        out_rows.append(unassigned)
    return CoverageReport(
        rows=out_rows,
        modes=travel,
        workers=int(len(wlat)),
        workers_without_point=without_point,
        covered=covered_city,
        population_counted=pop_total,
        population_share={m: (weighted[m] / pop_total if pop_total else None) for m in weighted},
    )


def _group(town_ids: np.ndarray, inside: np.ndarray):
    """(town id, covered, total) for each town id present."""
    if len(town_ids) == 0:
        return []
    ids, inverse = np.unique(town_ids, return_inverse=True)
    totals = np.bincount(inverse)
    hits = np.bincount(inverse, weights=inside.astype(float))
    return [(int(t), int(h), int(n)) for t, h, n in zip(ids, hits, totals, strict=True)]


# --- siting --------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    rank: int
    name: str
    lat: float
    lng: float
    gain: int
    cumulative: int
    share_after: float | None


@dataclass
class SitingResult:
    town: Town
    mode: TravelMode
    source: str
    town_workers: int
    uncovered: int
    candidates: int
    suggestions: list[Suggestion]

    @property
    def covered_now(self) -> int:
        return self.town_workers - self.uncovered


class SitingError(ValueError):
    """Input people can fix; the message is shown as is."""


def suggest_sites(
    town: Town, *, k: int, mode_code: str, source: str = "candidates", count_planned: bool = True
) -> SitingResult:
    """The k sites (from staff-entered candidates or a grid) that would cover the most uncovered workers
    of the town within 15 minutes, greedily, with the gain of each pick."""
    if not 1 <= k <= MAX_K:
        raise SitingError(f"新建站点数应在 1 到 {MAX_K} 之间")
    if mode_code not in MODES:
        raise SitingError("出行方式应为步行或电动车")
    if source not in ("candidates", "grid"):
        raise SitingError("候选点来源应为登记的候选站址或网格")
    mode = travel_mode(mode_code)
    reach = mode.reach_m(MINUTES)
    statuses = [StationStatus.OPERATING, *(IN_PROGRESS if count_planned else ())]
    slat, slng = _station_points(statuses)
    _, wlat, wlng = _worker_points(town)
    uncovered_mask = siting.nearest_m(wlat, wlng, slat, slng) > reach
    plat, plng, weights = siting.aggregate_points(wlat[uncovered_mask], wlng[uncovered_mask])
    names: list[str]
    if source == "candidates":
        cands = list(CandidateSite.objects.filter(town=town, active=True).values_list("name", "lat", "lng"))
        if not cands:
            raise SitingError(
                "本镇街尚未登记候选站址，请先登记党群服务中心、社区服务中心等候选点，或改用网格"
            )
        names = [c[0] for c in cands]
        clat = np.array([c[1] for c in cands], dtype=float)
        clng = np.array([c[2] for c in cands], dtype=float)
    else:
        if len(plat) == 0:
            clat = clng = np.array([])
        else:
            pad_lat = reach / 2 / 111_320
            pad_lng = pad_lat / math.cos(math.radians(town.lat))
            clat, clng = siting.grid_points(
                plat.min() - pad_lat,
                plat.max() + pad_lat,
                plng.min() - pad_lng,
                plng.max() + pad_lng,
                max(reach / 2, 200),
            )
        names = [f"网格点 {a:.4f},{b:.4f}" for a, b in zip(clat, clng, strict=True)]
    suggestions: list[Suggestion] = []
    if len(plat) and len(clat):
        cover = siting.cover_matrix(clat, clng, plat, plng, reach)
        chosen = siting.greedy_max_cover(cover, weights, k)
        town_workers = len(wlat)
        covered_before = town_workers - int(weights.sum())
        for rank, (idx, gain, cum) in enumerate(
            zip(chosen.chosen, chosen.gains, chosen.cumulative, strict=True), 1
        ):
            share = (covered_before + cum) / town_workers if town_workers else None
            suggestions.append(
                Suggestion(rank, names[idx], float(clat[idx]), float(clng[idx]), int(gain), int(cum), share)
            )
    return SitingResult(
        town=town,
        mode=mode,
        source=source,
        town_workers=len(wlat),
        uncovered=int(uncovered_mask.sum()),
        candidates=len(clat),
        suggestions=suggestions,
    )
