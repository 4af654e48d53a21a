"""The compact arrays the engine matches over: occupations, travel modes, workers, gigs and their shifts.

Plain numpy, no Django: the adapter (index.py) fills these from the database, the benchmarks from a
synthetic city. Rows are positions in the arrays; database ids map to rows through `row_of`. Arrays grow
by doubling so a new worker or gig is an O(1) append; a removed one is switched off (`active`/`open`
False), never moved, so rows stay stable between full rebuilds.

Units: points are kilometres on a local plane around the city (`project`), times are whole minutes
since the Unix epoch (int32 lasts until 6053), days are proleptic ordinals (date.toordinal()).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

LEVELS = ("new", "some", "skilled", "master")
NO_END = np.iinfo(np.int32).max  # a certificate or hardship record without an end date
NO_HARDSHIP = -1  # no certified hardship: public-welfare shifts (day ≥ 0) never pass
MAX_CERTS = 64  # certificate bitsets are one uint64
LAT0, LNG0 = 22.52, 113.38  # the middle of Zhongshan: the local plane is accurate to ~0.1 % here
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LNG = 111.320 * math.cos(math.radians(LAT0))
# Parts of the day for availability (workers.models.DAY_PARTS): bit = weekday * 3 + part.
DAY_PARTS = ((6, 12), (12, 18), (18, 22))
PAY_UNITS = ("hour", "day", "shift", "piece", "order", "month")  # workers.models.PayUnit values
BIT = np.array([0] + [1 << i for i in range(MAX_CERTS)], dtype=np.uint64)  # BIT[c + 1] = bit of cert c


def project(lat: np.ndarray | float, lng: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Degrees → km east/north of the city centre (equirectangular; exact enough within 100 km)."""
    x = (np.asarray(lng, dtype=np.float64) - LNG0) * KM_PER_DEG_LNG
    y = (np.asarray(lat, dtype=np.float64) - LAT0) * KM_PER_DEG_LAT
    return x.astype(np.float32), y.astype(np.float32)


def shift_need(start_local_minute: int, end_local_minute: int, weekday: int) -> int:
    """The availability bits a shift needs: every part of the day it overlaps, on each day it touches.

    start/end are minutes since local midnight of the start day (end may pass 1440 for a night shift).
    A shift outside every part (e.g. 22:00–06:00) needs the evening part of its start day.
    """
    need = 0
    for day_offset in range(0, 1 + max(0, (end_local_minute - 1) // 1440)):
        base = day_offset * 1440
        for part, (h0, h1) in enumerate(DAY_PARTS):
            lo, hi = base + h0 * 60, base + h1 * 60
            if start_local_minute < hi and end_local_minute > lo:
                need |= 1 << (((weekday + day_offset) % 7) * 3 + part)
    return need or 1 << (weekday * 3 + 2)


def _grow(a: np.ndarray, n: int) -> np.ndarray:
    if n <= a.shape[0]:
        return a
    cap = max(n, 2 * a.shape[0], 16)
    out = np.zeros((cap, *a.shape[1:]), dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


def _widen(a: np.ndarray, width: int, fill: int) -> np.ndarray:
    if width <= a.shape[1]:
        return a
    out = np.full((a.shape[0], width), fill, dtype=a.dtype)
    out[:, : a.shape[1]] = a
    return out


@dataclass
class Modes:
    """Travel modes with minutes per straight-line km (detour ÷ speed), as lib/geo estimates them."""

    codes: list[str]
    labels: list[str]
    min_per_km: np.ndarray  # float32

    @classmethod
    def from_speeds(cls, modes: dict[str, tuple[str, float, float]]) -> Modes:
        """{code: (label, speed_kmh, detour)}."""
        codes = list(modes)
        return cls(
            codes=codes,
            labels=[modes[c][0] for c in codes],
            min_per_km=np.array([modes[c][2] / modes[c][1] * 60 for c in codes], dtype=np.float32),
        )

    def index(self, code: str) -> int:
        return self.codes.index(code) if code in self.codes else 0


class OccupationTree:
    """细类 occupations as rows 0…n-1 with their 小类 and 中类 groups and the related pairs.

    Row n is a sentinel ("no occupation") so padded worker occupation slots gather a fit of 0.
    """

    def __init__(
        self,
        codes: Sequence[str],
        names: Sequence[str],
        minor: Sequence[int],
        medium: Sequence[int],
        related: Iterable[tuple[int, int]] = (),
        levels: tuple[float, float, float, float] = (1.0, 0.7, 0.45, 0.3),
    ):
        self.codes = list(codes)
        self.names = list(names)
        self.n = len(self.codes)
        self.row_of = {c: i for i, c in enumerate(self.codes)}
        self.minor = np.array([*minor, -1], dtype=np.int32)
        self.medium = np.array([*medium, -2], dtype=np.int32)
        self.levels = levels
        self.related: dict[int, set[int]] = {}
        for a, b in related:
            if a != b:
                self.related.setdefault(a, set()).add(b)
                self.related.setdefault(b, set()).add(a)
        self._fit: dict[int, np.ndarray] = {}
        self._kind: dict[int, np.ndarray] = {}

    def fit_vector(self, occ: int) -> np.ndarray:
        """float32[n + 1]: how well a worker of each occupation fits a gig of `occ` (1, .7, .45, .3, 0)."""
        vec = self._fit.get(occ)
        if vec is None:
            kind = self.kind_vector(occ)
            table = np.array([0.0, *self.levels], dtype=np.float32)  # kind 0 none … 4 same 细类
            vec = table[kind]
            self._fit[occ] = vec
        return vec

    def kind_vector(self, occ: int) -> np.ndarray:
        """int8[n + 1]: 1 same 细类, 2 same 小类, 3 same 中类, 4 related, 0 none (for the reasons)."""
        kind = self._kind.get(occ)
        if kind is None:
            kind = np.zeros(self.n + 1, dtype=np.int8)
            if 0 <= occ < self.n:
                rel = list(self.related.get(occ, ()))
                kind[rel] = 4
                kind[: self.n][self.medium[: self.n] == self.medium[occ]] = 3
                kind[: self.n][self.minor[: self.n] == self.minor[occ]] = 2
                kind[occ] = 1
            self._kind[occ] = kind
        return kind


@dataclass
class Booked:
    """A booking that holds a place: the worker cannot be booked into anything overlapping it."""

    shift_id: int
    start: int
    end: int


class WorkerTable:
    """One row per worker. `active` is False for opted-out, erased or point-less workers."""

    SCALARS = {
        "ids": np.int64,
        "x": np.float32,
        "y": np.float32,
        "mode": np.uint8,
        "limit": np.float32,  # minutes the worker is willing to travel
        "reach2": np.float32,  # (limit ÷ minutes per km)²: the travel rule as one comparison
        "avail": np.uint32,  # 21-bit week mask
        "pay": np.float32,  # expected pay per hour, NaN when unknown (piece rates, none given)
        "rel": np.float32,  # reliability 0–1
        "tier": np.uint8,
        "since": np.int32,  # day the worker started looking (waiting time)
        "fresh": np.int32,  # day the profile last changed
        "active": np.bool_,
        "hardship": np.int32,  # last day a certified hardship record counts; NO_HARDSHIP if none
        "cert_any": np.uint64,  # certificates held, whatever their expiry (a quick prefilter)
        "exposure": np.float32,  # recent impressions, decayed
        "station": np.int32,  # serving station id (0: none), for dispatch by station
        "town": np.int32,  # home town id (0: unknown), for dispatch by town
    }

    def __init__(self, modes: Modes, capacity: int = 16, k: int = 1, c: int = 1):
        self.modes = modes
        self.n = 0
        for name, dtype in self.SCALARS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))
        self.occ = np.full((capacity, k), -1, dtype=np.int32)  # -1 → the tree's sentinel after fixup
        self.lvl = np.zeros((capacity, k), dtype=np.uint8)
        self.cert_idx = np.full((capacity, c), -1, dtype=np.int8)
        self.cert_exp = np.zeros((capacity, c), dtype=np.int32)
        self.row_of: dict[int, int] = {}
        self.blocked: dict[int, set[int]] = {}  # row → days
        self.blocked_by_day: dict[int, set[int]] = {}  # day → rows
        self.busy: dict[int, list[Booked]] = {}  # row → bookings (the truth)
        # The same bookings as arrays sorted by start, for "who is busy during this shift" in one slice.
        # Rows changed since these were built are in busy_dirty and are checked through `busy` instead.
        self.b_row = np.zeros(0, dtype=np.int32)
        self.b_start = np.zeros(0, dtype=np.int32)
        self.b_end = np.zeros(0, dtype=np.int32)
        self.b_maxlen = 0
        self.busy_dirty: set[int] = set()
        self.version = 0  # bumped on every change: lets caches (buckets) know they are stale
        self.occ_sentinel = -1  # padding of occupation slots; the engine sets the tree's sentinel row

    # arrays declared for type checkers (set in __init__ through SCALARS)
    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    mode: np.ndarray
    limit: np.ndarray
    reach2: np.ndarray
    avail: np.ndarray
    pay: np.ndarray
    rel: np.ndarray
    tier: np.ndarray
    since: np.ndarray
    fresh: np.ndarray
    active: np.ndarray
    hardship: np.ndarray
    cert_any: np.ndarray
    exposure: np.ndarray
    station: np.ndarray
    town: np.ndarray

    def nbytes(self) -> int:
        arrays = [getattr(self, n) for n in self.SCALARS] + [self.occ, self.lvl, self.cert_idx, self.cert_exp]
        return sum(a[: self.n].nbytes for a in arrays)

    def _ensure(self, n: int) -> None:
        for name in self.SCALARS:
            setattr(self, name, _grow(getattr(self, name), n))
        self.occ = _grow(self.occ, n)
        self.lvl = _grow(self.lvl, n)
        self.cert_idx = _grow(self.cert_idx, n)
        self.cert_exp = _grow(self.cert_exp, n)

    def set_reach(self, rows: np.ndarray | slice) -> None:
        mpk = self.modes.min_per_km[self.mode[rows]]
        self.reach2[rows] = (self.limit[rows] / mpk) ** 2

    def load(self, cols: dict[str, np.ndarray], occ: np.ndarray, lvl: np.ndarray) -> None:
        """Bulk fill from column arrays (one entry per worker) and [n, K] occupation/level matrices."""
        n = len(cols["ids"])
        self.n = 0
        self._ensure(n)
        for name, values in cols.items():
            getattr(self, name)[:n] = values
        self.n = n
        width = max(1, occ.shape[1])
        self.occ = _widen(self.occ, width, -1)
        self.lvl = _widen(self.lvl, width, 0)
        self.occ[:n, : occ.shape[1]] = occ
        self.lvl[:n, : lvl.shape[1]] = lvl
        self.set_reach(slice(0, n))
        self.row_of = {int(i): r for r, i in enumerate(self.ids[:n].tolist())}
        self.version += 1

    def load_certificates(self, rows: np.ndarray, cert: np.ndarray, exp: np.ndarray) -> None:
        """Bulk: one entry per (worker row, certificate index, last valid day)."""
        if len(rows) == 0:
            return
        order = np.lexsort((cert, rows))
        rows, cert, exp = rows[order], cert[order], exp[order]
        starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
        slot = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
        width = int(slot.max()) + 1
        self.cert_idx = _widen(self.cert_idx, width, -1)
        self.cert_exp = _widen(self.cert_exp, width, 0)
        self.cert_idx[rows, slot] = cert
        self.cert_exp[rows, slot] = exp
        np.bitwise_or.at(self.cert_any, rows, BIT[cert.astype(np.int64) + 1])

    def load_blocked(self, rows: Iterable[int], days: Iterable[int]) -> None:
        for r, d in zip(rows, days, strict=True):
            self.blocked.setdefault(int(r), set()).add(int(d))
            self.blocked_by_day.setdefault(int(d), set()).add(int(r))

    def load_busy(self, rows: Iterable[int], bookings: Iterable[Booked]) -> None:
        for r, b in zip(rows, bookings, strict=True):
            self.busy.setdefault(int(r), []).append(b)
        self.index_busy()

    def index_busy(self) -> None:
        items = [(r, b.start, b.end) for r, bs in self.busy.items() for b in bs]
        arr = np.array(items, dtype=np.int64).reshape(-1, 3)
        order = np.argsort(arr[:, 1], kind="stable")
        arr = arr[order]
        self.b_row, self.b_start, self.b_end = (arr[:, i].astype(np.int32) for i in range(3))
        self.b_maxlen = int((arr[:, 2] - arr[:, 1]).max()) if len(arr) else 0
        self.busy_dirty = set()

    def busy_during(self, start: int, end: int) -> set[int]:
        """Rows holding a booking that overlaps [start, end)."""
        lo = np.searchsorted(self.b_start, start - self.b_maxlen, side="left")
        hi = np.searchsorted(self.b_start, end, side="left")
        hit = self.b_row[lo:hi][self.b_end[lo:hi] > start]
        out = set(hit.tolist()) - self.busy_dirty if self.busy_dirty else set(hit.tolist())
        for r in self.busy_dirty:
            if any(b.start < end and b.end > start for b in self.busy.get(r, ())):
                out.add(r)
        return out

    # --- one worker at a time (incremental updates) ---

    def upsert(self, record: WorkerRecord) -> int:
        row = self.row_of.get(record.id)
        if row is None:
            row = self.n
            self._ensure(row + 1)
            self.n += 1
            self.row_of[record.id] = row
            self.exposure[row] = 0
        self.ids[row] = record.id
        x, y = project(record.lat if record.lat is not None else LAT0, record.lng or LNG0)
        self.x[row], self.y[row] = x, y
        self.mode[row] = self.modes.index(record.mode)
        self.limit[row] = record.limit
        self.set_reach(np.array([row]))
        self.avail[row] = record.avail
        self.pay[row] = np.nan if record.pay_hourly is None else record.pay_hourly
        self.rel[row] = record.reliability
        self.tier[row] = record.tier
        self.since[row] = record.since_day
        self.fresh[row] = record.fresh_day
        self.active[row] = record.active and record.lat is not None and record.lng is not None
        self.hardship[row] = record.hardship_until
        self.station[row], self.town[row] = record.station_id, record.town_id
        occs = record.occupations
        self.occ = _widen(self.occ, len(occs), self.occ_sentinel)
        self.lvl = _widen(self.lvl, len(occs), 0)
        self.occ[row] = self.occ_sentinel
        self.lvl[row] = 0
        for j, (o, level) in enumerate(occs):
            self.occ[row, j] = o
            self.lvl[row, j] = LEVELS.index(level) if level in LEVELS else 1
        certs = record.certificates
        self.cert_idx = _widen(self.cert_idx, len(certs), -1)
        self.cert_exp = _widen(self.cert_exp, len(certs), 0)
        self.cert_idx[row] = -1
        self.cert_exp[row] = 0
        any_bits = 0
        for j, (c, exp) in enumerate(certs):
            self.cert_idx[row, j] = c
            self.cert_exp[row, j] = exp
            any_bits |= 1 << c
        self.cert_any[row] = any_bits
        for d in self.blocked.pop(row, set()):
            self.blocked_by_day.get(d, set()).discard(row)
        self.load_blocked([row] * len(record.blocked_days), record.blocked_days)
        self.set_busy(row, record.bookings)
        self.version += 1
        return row

    def set_busy(self, row: int, bookings: Sequence[Booked]) -> None:
        """Replace a worker's bookings."""
        if not bookings and row not in self.busy:
            return
        self.busy.pop(row, None)
        if bookings:
            self.busy[row] = list(bookings)
        self.busy_dirty.add(row)
        if len(self.busy_dirty) > 1000:
            self.index_busy()

    def deactivate(self, worker_id: int) -> None:
        row = self.row_of.get(worker_id)
        if row is not None:
            self.active[row] = False
            self.version += 1

    def fixup_sentinel(self, sentinel: int) -> None:
        """Point padded occupation slots (-1) at the tree's sentinel row (fit 0)."""
        self.occ_sentinel = sentinel
        self.occ[self.occ < 0] = sentinel

    def valid_certs(self, rows: np.ndarray, day: int | np.ndarray) -> np.ndarray:
        """uint64 bitset per row of the certificates valid on `day` (per row when day is an array)."""
        idx = self.cert_idx[rows].astype(np.int64) + 1
        day_col = day if np.isscalar(day) else np.asarray(day)[:, None]
        bits = np.where(self.cert_exp[rows] >= day_col, BIT[idx], np.uint64(0))
        return np.bitwise_or.reduce(bits, axis=1) if bits.shape[1] else np.zeros(len(rows), np.uint64)


@dataclass
class WorkerRecord:
    """One worker as the adapter reads it, for an incremental update."""

    id: int
    lat: float | None
    lng: float | None
    mode: str
    limit: float
    avail: int
    pay_hourly: float | None
    reliability: float
    tier: int
    since_day: int
    fresh_day: int
    active: bool
    hardship_until: int = NO_HARDSHIP
    station_id: int = 0
    town_id: int = 0
    occupations: list[tuple[int, str]] = field(default_factory=list)  # (tree row, level)
    certificates: list[tuple[int, int]] = field(default_factory=list)  # (cert index, last valid day)
    blocked_days: list[int] = field(default_factory=list)
    bookings: list[Booked] = field(default_factory=list)


class GigTable:
    """Gigs (occupation, point, pay, certificates, kind, employer) and their dated shifts.

    A gig is `open` when it is public (open status, published); its employer must also be `ok`
    (approved, verification current, not suspended). A shift is `open` when it is not cancelled; places
    left and start time are checked at query time against the clock.
    """

    GIG = {
        "ids": np.int64,
        "occ": np.int32,
        "x": np.float32,
        "y": np.float32,
        "pay": np.float32,  # hourly figure, NaN for piece and order rates
        "unit": np.uint8,  # PAY_UNITS index: how the pay is quoted (日薪/时薪 in the reasons)
        "certs": np.uint64,  # required certificates
        "welfare": np.bool_,  # 公益性岗位
        "employer": np.int32,  # employer row
        "published": np.int32,  # minute
        "open": np.bool_,
        "exposure": np.float32,
        "town": np.int32,  # town id, for dispatch by town
    }
    SHIFT = {
        "s_ids": np.int64,
        "s_gig": np.int32,
        "s_start": np.int32,
        "s_end": np.int32,
        "s_day": np.int32,  # local day of the start
        "s_need": np.uint32,  # availability bits the shift needs
        "s_left": np.int16,  # places left
        "s_open": np.bool_,
    }

    ids: np.ndarray
    occ: np.ndarray
    x: np.ndarray
    y: np.ndarray
    pay: np.ndarray
    unit: np.ndarray
    certs: np.ndarray
    welfare: np.ndarray
    employer: np.ndarray
    published: np.ndarray
    open: np.ndarray
    exposure: np.ndarray
    town: np.ndarray
    s_ids: np.ndarray
    s_gig: np.ndarray
    s_start: np.ndarray
    s_end: np.ndarray
    s_day: np.ndarray
    s_need: np.ndarray
    s_left: np.ndarray
    s_open: np.ndarray

    def __init__(self, capacity: int = 16):
        self.n = 0
        self.ns = 0
        for name, dtype in {**self.GIG, **self.SHIFT}.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))
        self.row_of: dict[int, int] = {}
        self.shift_row_of: dict[int, int] = {}
        self.shifts_of: dict[int, list[int]] = {}  # gig row → shift rows
        self.e_ok = np.zeros(16, dtype=np.bool_)
        self.employer_row_of: dict[int, int] = {}
        self.version = 0
        # Shift rows grouped by gig (CSR) as of the last bulk load or rebuild; gigs changed since are
        # read from shifts_of instead (see shifts_for).
        self.csr_n = 0
        self.csr_ptr = np.zeros(1, dtype=np.int64)
        self.csr_rows = np.zeros(0, dtype=np.int64)
        self.csr_stale = np.zeros(0, dtype=np.bool_)
        self.csr_changed: list[int] = []

    def nbytes(self) -> int:
        g = sum(getattr(self, n)[: self.n].nbytes for n in self.GIG)
        return g + sum(getattr(self, n)[: self.ns].nbytes for n in self.SHIFT)

    def employer_row(self, employer_id: int) -> int:
        row = self.employer_row_of.get(employer_id)
        if row is None:
            row = len(self.employer_row_of)
            self.employer_row_of[employer_id] = row
            self.e_ok = _grow(self.e_ok, row + 1)
        return row

    def set_employer(self, employer_id: int, ok: bool) -> None:
        row = self.employer_row(employer_id)  # may grow e_ok: index it afterwards
        self.e_ok[row] = ok
        self.version += 1

    def load(self, gigs: dict[str, np.ndarray], shifts: dict[str, np.ndarray]) -> None:
        """Bulk fill: gig columns (GIG names, `employer` already as rows) and shift columns (`s_gig` as
        gig rows)."""
        n, ns = len(gigs["ids"]), len(shifts["s_ids"])
        for name in self.GIG:
            setattr(self, name, _grow(getattr(self, name), n))
        for name in self.SHIFT:
            setattr(self, name, _grow(getattr(self, name), ns))
        for name, values in gigs.items():
            getattr(self, name)[:n] = values
        for name, values in shifts.items():
            getattr(self, name)[:ns] = values
        self.n, self.ns = n, ns
        self.row_of = {int(i): r for r, i in enumerate(self.ids[:n].tolist())}
        self.shift_row_of = {int(i): r for r, i in enumerate(self.s_ids[:ns].tolist())}
        self.shifts_of = {}
        for r, g in enumerate(self.s_gig[:ns].tolist()):
            self.shifts_of.setdefault(g, []).append(r)
        self.build_csr()
        self.version += 1

    def build_csr(self) -> None:
        n, ns = self.n, self.ns
        gig = self.s_gig[:ns].astype(np.int64)
        self.csr_rows = np.argsort(gig, kind="stable").astype(np.int64)
        self.csr_ptr = np.r_[0, np.cumsum(np.bincount(gig, minlength=n))].astype(np.int64)
        self.csr_n = n
        self.csr_stale = np.zeros(n, dtype=np.bool_)
        self.csr_changed = []

    def shifts_for(self, gigs: np.ndarray) -> np.ndarray:
        """All shift rows of these gig rows."""
        from .buckets import concat_ranges

        base = gigs[gigs < self.csr_n]
        if self.csr_changed:
            base = base[~self.csr_stale[base]]
        rows = self.csr_rows[concat_ranges(self.csr_ptr[base], self.csr_ptr[base + 1])]
        if not self.csr_changed:
            return rows
        wanted = np.zeros(self.n, dtype=np.bool_)
        wanted[gigs] = True
        extra = [r for g in self.csr_changed if wanted[g] for r in self.shifts_of.get(g, ())]
        return np.concatenate([rows, np.array(extra, dtype=np.int64)]) if extra else rows

    def upsert(self, record: GigRecord) -> int:
        row = self.row_of.get(record.id)
        if row is None:
            row = self.n
            for name in self.GIG:
                setattr(self, name, _grow(getattr(self, name), row + 1))
            self.n += 1
            self.row_of[record.id] = row
            self.exposure[row] = 0
        self.ids[row] = record.id
        self.occ[row] = record.occ
        x, y = project(record.lat, record.lng)
        self.x[row], self.y[row] = x, y
        self.pay[row] = np.nan if record.pay_hourly is None else record.pay_hourly
        self.unit[row] = PAY_UNITS.index(record.pay_unit) if record.pay_unit in PAY_UNITS else 0
        bits = 0
        for c in record.certificates:
            bits |= 1 << c
        self.certs[row] = bits
        self.welfare[row] = record.welfare
        emp = self.employer_row(record.employer_id)
        self.employer[row] = emp
        self.e_ok[emp] = record.employer_ok
        self.published[row] = record.published
        self.open[row] = record.open
        self.town[row] = record.town_id
        keep = {s.id for s in record.shifts}
        for srow in self.shifts_of.get(row, []):
            if int(self.s_ids[srow]) not in keep:
                self.s_open[srow] = False  # a shift that is gone: off, never reused
        rows = [srow for srow in self.shifts_of.get(row, []) if int(self.s_ids[srow]) in keep]
        for s in record.shifts:
            found = self.shift_row_of.get(s.id)
            if found is None:
                srow = self.ns
                for name in self.SHIFT:
                    setattr(self, name, _grow(getattr(self, name), srow + 1))
                self.ns += 1
                self.shift_row_of[s.id] = srow
                rows.append(srow)
            else:
                srow = found
            self.s_ids[srow], self.s_gig[srow] = s.id, row
            self.s_start[srow], self.s_end[srow], self.s_day[srow] = s.start, s.end, s.day
            self.s_need[srow], self.s_left[srow], self.s_open[srow] = s.need, s.left, s.open
        self.shifts_of[row] = rows
        if row < self.csr_n and not self.csr_stale[row]:
            self.csr_stale[row] = True
            self.csr_changed.append(row)
        elif row >= self.csr_n and row not in self.csr_changed:
            self.csr_changed.append(row)
        if len(self.csr_changed) > max(500, self.n // 20):
            self.build_csr()
        self.version += 1
        return row

    def close(self, gig_id: int) -> None:
        row = self.row_of.get(gig_id)
        if row is not None:
            self.open[row] = False
            self.version += 1


@dataclass
class ShiftRecord:
    id: int
    start: int  # minute
    end: int
    day: int  # local day of the start
    need: int  # availability bits
    left: int  # places left
    open: bool = True


@dataclass
class GigRecord:
    """One gig as the adapter reads it, for an incremental update."""

    id: int
    occ: int  # tree row
    lat: float
    lng: float
    pay_hourly: float | None
    pay_unit: str
    certificates: list[int]
    welfare: bool
    employer_id: int
    employer_ok: bool
    published: int  # minute
    open: bool
    town_id: int = 0
    shifts: list[ShiftRecord] = field(default_factory=list)
