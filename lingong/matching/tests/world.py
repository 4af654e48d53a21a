"""A tiny hand-made world for engine tests: 8 occupations, a few workers and gigs, a fixed clock."""

from __future__ import annotations

import datetime as dt

from lingong.matching.core import Engine
from lingong.matching.tables import (
    NO_HARDSHIP,
    GigRecord,
    GigTable,
    Modes,
    OccupationTree,
    ShiftRecord,
    WorkerRecord,
    WorkerTable,
    shift_need,
)
from lingong.matching.weights import DEFAULT, Weights

MODES = {"walk": ("步行", 4.5, 1.3), "ebike": ("电动车", 15.0, 1.3), "car": ("驾车", 25.0, 1.4)}
TODAY = dt.date(2026, 12, 2).toordinal()  # a Wednesday
EPOCH = dt.date(1970, 1, 1).toordinal()
NOW = (TODAY - EPOCH) * 1440 + 6 * 60
LAT, LNG = 22.52, 113.38
# 8 occupations: 中类 0 = {小类 0: 0 1, 小类 1: 2 3}, 中类 1 = {小类 2: 4 5, 小类 3: 6 7}; 0 and 7 related.
NAMES = ["低压电工", "高压电工", "焊工", "钳工", "保洁员", "洗衣工", "装卸搬运工", "理货员"]


def tree() -> OccupationTree:
    return OccupationTree(
        [f"6-0{i // 4}-0{i // 2}-0{i}" for i in range(8)],
        NAMES,
        [i // 2 for i in range(8)],
        [i // 4 for i in range(8)],
        [(0, 7)],
    )


def north(km: float) -> float:
    """Latitude km north of the centre."""
    return LAT + km / 110.574


def worker(wid: int, occ: int = 4, *, km: float = 1.0, **kw) -> WorkerRecord:
    data = dict(
        id=wid,
        lat=north(km),
        lng=LNG,
        mode="ebike",
        limit=30.0,
        avail=(1 << 21) - 1,
        pay_hourly=25.0,
        reliability=0.8,
        tier=1,
        since_day=TODAY - 10,
        fresh_day=TODAY - 1,
        active=True,
        hardship_until=NO_HARDSHIP,
        occupations=[(occ, "skilled")],
    )
    data.update(kw)
    return WorkerRecord(**data)  # type: ignore[arg-type]


def shift(sid: int, *, day: int = 1, hour: int = 8, hours: int = 8, left: int = 3) -> ShiftRecord:
    d = TODAY + day
    start = (d - EPOCH) * 1440 + hour * 60
    weekday = dt.date.fromordinal(d).weekday()
    return ShiftRecord(
        sid, start, start + hours * 60, d, shift_need(hour * 60, (hour + hours) * 60, weekday), left
    )


def gig(gid: int, occ: int = 4, *, shifts=None, **kw) -> GigRecord:
    data = dict(
        id=gid,
        occ=occ,
        lat=LAT,
        lng=LNG,
        pay_hourly=30.0,
        pay_unit="day",
        certificates=[],
        welfare=False,
        employer_id=1,
        employer_ok=True,
        published=NOW - 60,
        open=True,
        shifts=shifts if shifts is not None else [shift(gid * 10)],
    )
    data.update(kw)
    return GigRecord(**data)  # type: ignore[arg-type]


def engine(workers: list[WorkerRecord], gigs: list[GigRecord], weights: Weights = DEFAULT) -> Engine:
    modes = Modes.from_speeds(MODES)
    wt = WorkerTable(modes)
    for w in workers:
        wt.upsert(w)
    gt = GigTable()
    for g in gigs:
        gt.upsert(g)
    return Engine(tree(), wt, gt, weights)


def worker_ids(e: Engine, shift_id: int, k: int = 20) -> list[int]:
    srow = e.gigs.shift_row_of[shift_id]
    return [int(e.workers.ids[m.worker]) for m in e.workers_for_shift(srow, k, NOW, TODAY, record=False)]


def gig_ids(e: Engine, worker_id: int, k: int = 20) -> list[int]:
    wrow = e.workers.row_of[worker_id]
    return [int(e.gigs.ids[m.gig]) for m in e.gigs_for_worker(wrow, k, NOW, TODAY, record=False)]
