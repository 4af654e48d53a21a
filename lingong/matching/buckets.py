"""Candidate pruning for "workers for a gig": buckets of workers by (occupation, reach class, grid cell).

A gig only needs workers whose occupation fits it at all and whose home lies within their own travel
limit of the gig. Both are known before scoring: each (worker, declared occupation) pair goes into the
bucket of that occupation, of the worker's reach class (how far they travel, straight-line km, rounded up
to a class radius) and of the grid cell of their home. For a gig, the wanted buckets are the fitting
occupations × every class × the cells within that class's radius of the gig: a superset of the eligible
workers, usually a few per cent of the city, that the exact rules then filter.

Workers changed since the buckets were built are not looked up through them: they are kept in `extras`
and always considered, and their old bucket entries are ignored (`current` False). The engine rebuilds
the buckets when extras grow past a small share of the workers (a sort, tens of milliseconds at the
design point), so single changes stay O(1).
"""

from __future__ import annotations

import numpy as np

from .tables import WorkerTable

# Class radii in straight-line km: 10–60 minutes on foot, by e-bike and by car fall in different classes.
REACH_EDGES_KM = np.array([1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 12.0, 18.0], dtype=np.float32)


def concat_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Indices start…end-1 of every (start, end) pair, concatenated, without a Python loop."""
    lens = ends - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(lens)[:-1]], lens)
    return offsets + np.arange(total, dtype=np.int64)


class WorkerBuckets:
    def __init__(self, workers: WorkerTable, sentinel: int, cell_km: float = 2.0):
        n = workers.n
        self.cell_km = cell_km
        self.built_n = n
        self.extras: list[int] = []
        self.current = np.ones(n, dtype=np.bool_)
        x, y = workers.x[:n], workers.y[:n]
        active = workers.active[:n]
        if n and active.any():
            self.x0, self.y0 = float(x[active].min()) - 0.5, float(y[active].min()) - 0.5
            x1, y1 = float(x[active].max()) + 0.5, float(y[active].max()) + 0.5
        else:
            self.x0 = self.y0 = -1.0
            x1 = y1 = 1.0
        self.nx = max(1, int(np.ceil((x1 - self.x0) / cell_km)))
        self.ny = max(1, int(np.ceil((y1 - self.y0) / cell_km)))
        self.ncell = self.nx * self.ny
        reach = np.sqrt(workers.reach2[:n])
        cls = np.searchsorted(REACH_EDGES_KM, reach).astype(np.int64)  # 0 … len(EDGES)
        self.ncls = len(REACH_EDGES_KM) + 1
        far = active & (cls == self.ncls - 1)
        top = float(reach[far].max()) if far.any() else 0.0
        self.radius = np.r_[REACH_EDGES_KM, max(top, float(REACH_EDGES_KM[-1]))].astype(np.float32)
        cx = np.clip(((x - self.x0) / cell_km).astype(np.int64), 0, self.nx - 1)
        cy = np.clip(((y - self.y0) / cell_km).astype(np.int64), 0, self.ny - 1)
        cell = cx * self.ny + cy
        occ = workers.occ[:n].astype(np.int64)
        valid = (occ != sentinel) & active[:, None]
        rows = np.broadcast_to(np.arange(n, dtype=np.int32)[:, None], occ.shape)[valid]
        keys = ((occ * self.ncls + cls[:, None]) * self.ncell + cell[:, None])[valid]
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        self.rows = rows[order]
        if len(keys):
            first = np.r_[True, keys[1:] != keys[:-1]]
            self.keys = keys[first]
            self.starts = np.flatnonzero(first)
            self.ends = np.r_[self.starts[1:], len(keys)]
        else:
            self.keys = self.starts = self.ends = np.zeros(0, dtype=np.int64)
        self.version = workers.version

    def nbytes(self) -> int:
        return (
            self.rows.nbytes + self.keys.nbytes + self.starts.nbytes + self.ends.nbytes + self.current.nbytes
        )

    def mark(self, row: int) -> None:
        """A worker changed (or is new): look at them directly until the next rebuild."""
        if row < self.built_n:
            self.current[row] = False
        self.extras.append(row)

    def cells_near(self, gx: float, gy: float, radius: float) -> tuple[np.ndarray, np.ndarray]:
        """Cells within `radius` of the gig (ascending ids) and their squared distance to the gig."""
        cs = self.cell_km
        lo_x = max(0, int(np.floor((gx - radius - self.x0) / cs)))
        hi_x = min(self.nx - 1, int(np.floor((gx + radius - self.x0) / cs)))
        lo_y = max(0, int(np.floor((gy - radius - self.y0) / cs)))
        hi_y = min(self.ny - 1, int(np.floor((gy + radius - self.y0) / cs)))
        if lo_x > hi_x or lo_y > hi_y:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cx = np.arange(lo_x, hi_x + 1)[:, None]
        cy = np.arange(lo_y, hi_y + 1)[None, :]
        # Distance from the gig to the nearest point of each cell.
        dx = np.maximum(0.0, np.abs(gx - (self.x0 + (cx + 0.5) * cs)) - cs / 2)
        dy = np.maximum(0.0, np.abs(gy - (self.y0 + (cy + 0.5) * cs)) - cs / 2)
        d2 = (dx * dx + dy * dy).ravel()
        ids = (cx * self.ny + cy).ravel()
        near = d2 <= radius * radius
        return ids[near].astype(np.int64), d2[near]

    def candidates(self, gx: float, gy: float, occs: np.ndarray) -> np.ndarray:
        """Worker rows that may fit a gig at (gx, gy) whose fitting occupations are `occs` (tree rows).

        May contain a worker more than once (one entry per fitting occupation they declared).
        """
        found = np.zeros(0, dtype=np.int32)
        cells, d2 = self.cells_near(gx, gy, float(self.radius[-1]))
        if len(cells) and len(self.keys) and len(occs):
            # The wanted (class, cell) suffixes as a lookup table, then every key of each fitting
            # occupation (one contiguous run of the sorted keys) checked against it: work in proportion
            # to the buckets that exist, not to the ones that might.
            span = self.ncls * self.ncell
            wanted = np.zeros(span, dtype=np.bool_)
            for c in range(self.ncls):
                wanted[c * self.ncell + cells[d2 <= float(self.radius[c]) ** 2]] = True
            occs = occs.astype(np.int64)
            lo = np.searchsorted(self.keys, occs * span)
            hi = np.searchsorted(self.keys, (occs + 1) * span)
            pos = concat_ranges(lo, hi)
            hit = pos[wanted[self.keys[pos] % span]]
            found = self.rows[concat_ranges(self.starts[hit], self.ends[hit])]
            found = found[self.current[found]]
        if self.extras:
            found = np.concatenate([found, np.array(self.extras, dtype=np.int32)])
        return found
