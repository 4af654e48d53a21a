"""The full build's reads: every worker and open gig straight into numpy columns.

At 200,000 workers the ORM path (a model-field converter per value, a Python record per worker) spends
most of its time in Python, not in the database. Here each table is one plain SELECT written from the
models' own names; the columns are turned into arrays in C (dates and timestamps parsed by numpy,
numbers cast whole), and only the sparse leftovers (blocked days, bookings) stay Python lists. The
result is the same as loader.worker_records / gig_records followed by fill_*; tests compare them.

Local days use the UTC offset of the build's clock for every timestamp; Chinese time has no daylight
saving, and elsewhere a day boundary an hour off matters only to the freshness decay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from django.db import connection
from django.utils import timezone

from lingong.employers.models import Employer, EmployerStatus
from lingong.gigs.models import LIVE, Application, AppStatus, Gig, GigKind, GigStatus, Reliability, Shift
from lingong.gigs.reliability import NEW_WORKER_SCORE
from lingong.workers.models import (
    BlockedDate,
    HardshipRecord,
    HardshipStatus,
    Worker,
    WorkerCertificate,
    WorkerOccupation,
    WorkerStatus,
)

from .loader import WORKER_COLUMNS, Catalog
from .tables import LEVELS, NO_END, NO_HARDSHIP, PAY_UNITS, Booked, GigTable, WorkerTable, project, shift_need
from .weights import DEFAULT, HOURS_PER_DAY, HOURS_PER_MONTH, Weights

EPOCH_ORD = dt.date(1970, 1, 1).toordinal()
PER_HOUR = {"hour": 1.0, "day": HOURS_PER_DAY, "shift": HOURS_PER_DAY, "month": HOURS_PER_MONTH}


def _q(model, field: str | None = None) -> str:
    name = model._meta.db_table if field is None else model._meta.get_field(field).column
    return connection.ops.quote_name(name)


def _raw(model, field: str, prefix: str = "") -> str:
    """A date, timestamp or decimal column as SQLite stores it (text), skipping the per-value Python
    converters the driver would run; numpy parses the whole column at once. Other databases return
    native values, which the same functions accept."""
    column = prefix + _q(model, field)
    return f"CAST({column} AS TEXT)" if connection.vendor == "sqlite" else column


def _fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(rows: list[tuple], n: int) -> list[tuple]:
    return list(zip(*rows, strict=True)) if rows else [()] * n


def days(values: Sequence) -> np.ndarray:
    """Dates (objects or ISO text; None → -1) as day ordinals."""
    arr = np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")
    out = arr.astype(np.int64) + EPOCH_ORD
    out[np.isnat(arr)] = -1
    return out


def minutes(values: Sequence) -> np.ndarray:
    """Timestamps as minutes since the epoch: aware datetimes (PostgreSQL), or SQLite's naive UTC
    datetimes or text, which numpy converts in C."""
    if len(values) and isinstance(values[0], dt.datetime) and values[0].tzinfo is not None:
        return np.array([int(v.timestamp() // 60) for v in values], dtype=np.int64)
    return np.array(values, dtype="datetime64[us]").astype(np.int64) // 60_000_000


def _rows_of(ids: np.ndarray, wanted: Sequence[int]) -> np.ndarray:
    """Positions in the sorted `ids` of `wanted` (which must all be present)."""
    return np.searchsorted(ids, np.array(wanted, dtype=np.int64))


def load_workers(cat: Catalog, table: WorkerTable, *, now: dt.datetime, weights: Weights = DEFAULT) -> None:
    offset = int(timezone.localtime(now).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    raw = {"expected_pay", "looking_since", "updated_at"}
    fields = ", ".join(
        _raw(Worker, c) if c in raw else _q(Worker, c.removesuffix("_id") if c != "id" else c)
        for c in WORKER_COLUMNS
    )
    rows = _fetch(f"SELECT {fields} FROM {_q(Worker)} ORDER BY {_q(Worker, 'id')}")  # noqa: S608
    (ids, lat, lng, mode, limit, avail, pay, unit, tier, since, updated, status, opt_out, station, town) = (
        _columns(rows, len(WORKER_COLUMNS))
    )
    n = len(rows)
    ids_a = np.array(ids, dtype=np.int64)
    lat_a = np.array(lat, dtype=np.float64)
    lng_a = np.array(lng, dtype=np.float64)
    town_a = np.array([t or 0 for t in town], dtype=np.int64)
    station_a = np.array([s or 0 for s in station], dtype=np.int64)
    # No home point: the home town's centre, else the serving station (as loader._point).
    for kind, key in (("town", town_a), ("station", station_a)):
        points = cat.points[kind]
        missing = np.isnan(lat_a) | np.isnan(lng_a)
        if missing.any() and points:
            size = max(points) + 1
            p_lat, p_lng = np.full(size, np.nan), np.full(size, np.nan)
            for pk, (a, b) in points.items():
                p_lat[pk], p_lng[pk] = a, b
            k = np.where(key < size, key, 0)
            lat_a = np.where(missing, p_lat[k], lat_a)
            lng_a = np.where(missing, p_lng[k], lng_a)
    has_point = ~(np.isnan(lat_a) | np.isnan(lng_a))
    x, y = project(np.nan_to_num(lat_a), np.nan_to_num(lng_a))
    per_hour = np.array([PER_HOUR.get(u, np.nan) for u in unit], dtype=np.float64)
    fresh = (minutes(updated) + offset) // 1440 + EPOCH_ORD
    town_of_station = {s: t for s, t in cat.station_town.items()}
    cols = {
        "ids": ids_a,
        "x": x,
        "y": y,
        "mode": np.array([table.modes.index(m) for m in mode], dtype=np.uint8),
        "limit": np.array(limit, dtype=np.float32),
        "avail": np.array(avail, dtype=np.uint32),
        "pay": (np.array(pay, dtype=np.float64) / per_hour).astype(np.float32),
        "rel": np.full(n, weights.new_worker_reliability, dtype=np.float32),
        "tier": np.array(tier, dtype=np.uint8),
        "since": days(since),
        "fresh": fresh,
        "active": (np.array(status) == WorkerStatus.ACTIVE) & ~np.array(opt_out, dtype=np.bool_) & has_point,
        "hardship": np.full(n, NO_HARDSHIP, dtype=np.int64),
        "station": station_a,
        "town": np.where(town_a > 0, town_a, [town_of_station.get(int(s), 0) for s in station_a]),
    }
    # Occupations → an [n, K] matrix in the order the worker declared them.
    occ_rows = _fetch(
        f"SELECT {_q(WorkerOccupation, 'worker')}, {_q(WorkerOccupation, 'occupation')}, "  # noqa: S608
        f"{_q(WorkerOccupation, 'level')} FROM {_q(WorkerOccupation)} ORDER BY {_q(WorkerOccupation, 'id')}"
    )
    sentinel = cat.tree.n
    occ = np.full((n, 1), sentinel, dtype=np.int32)
    lvl = np.zeros((n, 1), dtype=np.uint8)
    if occ_rows:
        w_id, o_id, level = _columns(occ_rows, 3)
        lookup = np.full(max(max(cat.occ_row, default=0), max(o_id)) + 1, -1, dtype=np.int64)
        for pk, r in cat.occ_row.items():
            lookup[pk] = r
        tree_row = lookup[np.array(o_id, dtype=np.int64)]
        keep = tree_row >= 0
        rows_w = _rows_of(ids_a, w_id)[keep]
        tree_row = tree_row[keep]
        level_i = np.array([LEVELS.index(v) if v in LEVELS else 1 for v in level], dtype=np.uint8)[keep]
        order = np.argsort(rows_w, kind="stable")
        rows_w, tree_row, level_i = rows_w[order], tree_row[order], level_i[order]
        first = np.r_[0, np.flatnonzero(np.diff(rows_w)) + 1] if len(rows_w) else np.zeros(0, dtype=np.int64)
        slot = np.arange(len(rows_w)) - np.repeat(first, np.diff(np.r_[first, len(rows_w)]))
        width = int(slot.max()) + 1 if len(slot) else 1
        occ = np.full((n, width), sentinel, dtype=np.int32)
        lvl = np.zeros((n, width), dtype=np.uint8)
        occ[rows_w, slot] = tree_row
        lvl[rows_w, slot] = level_i
    # Hardship: the last day a verified record counts.
    hardship = _fetch(
        f"SELECT {_q(HardshipRecord, 'worker')}, {_raw(HardshipRecord, 'valid_until')} "  # noqa: S608
        f"FROM {_q(HardshipRecord)} WHERE {_q(HardshipRecord, 'status')} = %s",
        [HardshipStatus.VERIFIED],
    )
    if hardship:
        w_id, until = _columns(hardship, 2)
        last = days(until)
        np.maximum.at(cols["hardship"], _rows_of(ids_a, w_id), np.where(last < 0, NO_END, last))
    rel_rows = _fetch(
        f"SELECT {_q(Reliability, 'worker')}, {_q(Reliability, 'score')}, {_q(Reliability, 'booked')} "  # noqa: S608
        f"FROM {_q(Reliability)}"
    )
    if rel_rows:
        w_id, score, booked = _columns(rel_rows, 3)
        rel_at = _rows_of(ids_a, w_id)
        cols["rel"][rel_at] = np.where(
            np.array(booked) > 0, np.array(score, dtype=np.float32), NEW_WORKER_SCORE
        )
    table.load(cols, occ, lvl)
    cert_rows = _fetch(
        f"SELECT {_q(WorkerCertificate, 'worker')}, {_q(WorkerCertificate, 'certificate')}, "  # noqa: S608
        f"{_raw(WorkerCertificate, 'expires_on')} FROM {_q(WorkerCertificate)} "
        f"ORDER BY {_q(WorkerCertificate, 'id')}"
    )
    cert_rows = [r for r in cert_rows if r[1] in cat.cert_bit]
    if cert_rows:
        w_id, c_id, expires = _columns(cert_rows, 3)
        exp = days(expires)
        table.load_certificates(
            _rows_of(ids_a, w_id),
            np.array([cat.cert_bit[c] for c in c_id], dtype=np.int64),
            np.where(exp < 0, NO_END, exp).astype(np.int32),
        )
    today = timezone.localdate(now)
    blocked = _fetch(
        f"SELECT {_q(BlockedDate, 'worker')}, {_raw(BlockedDate, 'date')} FROM {_q(BlockedDate)} "  # noqa: S608
        f"WHERE {_q(BlockedDate, 'date')} >= %s",
        [connection.ops.adapt_datefield_value(today)],
    )
    if blocked:
        w_id, day = _columns(blocked, 2)
        table.load_blocked(_rows_of(ids_a, w_id).tolist(), days(day).tolist())
    return None


def live_rows(*, now: dt.datetime) -> list[tuple[int, int, str, int, int]]:
    """(worker id, shift id, status, start minute, end minute) of live applications on unfinished shifts."""
    a, s = _q(Application), _q(Shift)
    marks = ", ".join(["%s"] * len(LIVE))
    times = f"{_raw(Shift, 'starts_at', s + '.')}, {_raw(Shift, 'ends_at', s + '.')}"
    rows = _fetch(
        f"SELECT {a}.{_q(Application, 'worker')}, {a}.{_q(Application, 'shift')}, "  # noqa: S608
        f"{a}.{_q(Application, 'status')}, {times} "
        f"FROM {a} JOIN {s} ON {s}.{_q(Shift, 'id')} = {a}.{_q(Application, 'shift')} "
        f"WHERE {a}.{_q(Application, 'status')} IN ({marks}) AND {s}.{_q(Shift, 'ends_at')} > %s",
        [*LIVE, connection.ops.adapt_datetimefield_value(now)],
    )
    if not rows:
        return []
    w, sh, st, start, end = _columns(rows, 5)
    return list(zip(w, sh, st, minutes(start).tolist(), minutes(end).tolist(), strict=True))


def load_bookings(table: WorkerTable, live: list[tuple[int, int, str, int, int]]) -> None:
    rows, bookings = [], []
    for wid, sid, status, start, end in live:
        r = table.row_of.get(wid)
        if r is not None and status == AppStatus.BOOKED:
            rows.append(r)
            bookings.append(Booked(sid, start, end))
    table.load_busy(rows, bookings)


def load_gigs(cat: Catalog, table: GigTable, *, now: dt.datetime) -> None:
    offset = int(timezone.localtime(now).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    today = timezone.localdate(now)
    employers = _fetch(
        f"SELECT {_q(Employer, 'id')}, {_q(Employer, 'status')}, {_raw(Employer, 'reverify_due')} "  # noqa: S608
        f"FROM {_q(Employer)}"
    )
    if employers:
        e_ids, e_status, e_due = _columns(employers, 3)
        ok = (np.array(e_status) == EmployerStatus.APPROVED) & (days(e_due) >= today.toordinal())
        for pk, good in zip(e_ids, ok.tolist(), strict=True):
            table.set_employer(pk, good)
    names = (
        "id",
        "occupation",
        "lat",
        "lng",
        "hourly_pay",
        "pay_unit",
        "kind",
        "employer",
        "published_at",
        "town",
    )
    rows = _fetch(
        f"SELECT {', '.join(_q(Gig, f) for f in names)} FROM {_q(Gig)} WHERE {_q(Gig, 'status')} = %s "  # noqa: S608
        f"AND {_q(Gig, 'published_at')} IS NOT NULL ORDER BY {_q(Gig, 'id')}",
        [GigStatus.OPEN],
    )
    ids, occ, lat, lng, pay, unit, kind, employer, published, town = _columns(rows, len(names))
    gid = np.array(ids, dtype=np.int64)
    x, y = project(np.array(lat, dtype=np.float64), np.array(lng, dtype=np.float64))
    certs = np.zeros(len(rows), dtype=np.uint64)
    through = Gig.certificates.through
    for g, c in _fetch(
        f"SELECT t.{_q(through, 'gig')}, t.{_q(through, 'certificate')} FROM {_q(through)} t "  # noqa: S608
        f"JOIN {_q(Gig)} g ON g.{_q(Gig, 'id')} = t.{_q(through, 'gig')} WHERE g.{_q(Gig, 'status')} = %s",
        [GigStatus.OPEN],
    ):
        r = int(np.searchsorted(gid, g))
        if r < len(gid) and gid[r] == g:
            certs[r] |= np.uint64(1 << cat.cert_bit[c])
    gigs = {
        "ids": gid,
        "occ": np.array([cat.occ_row.get(o, cat.tree.n) for o in occ], dtype=np.int32),
        "x": x,
        "y": y,
        "pay": np.array(pay, dtype=np.float64).astype(np.float32),
        "unit": np.array([PAY_UNITS.index(u) if u in PAY_UNITS else 0 for u in unit], dtype=np.uint8),
        "certs": certs,
        "welfare": np.array(kind) == GigKind.PUBLIC_WELFARE,
        "employer": np.array([table.employer_row(e) for e in employer], dtype=np.int32),
        "published": minutes(published),
        "open": np.ones(len(rows), dtype=np.bool_),
        "exposure": np.zeros(len(rows), dtype=np.float32),
        "town": np.array(town, dtype=np.int32),
    }
    s_names = ("id", "gig", "starts_at", "ends_at", "headcount", "booked", "status")
    s_fields = ", ".join(_raw(Shift, f, "s.") if f.endswith("_at") else "s." + _q(Shift, f) for f in s_names)
    s_rows = _fetch(
        f"SELECT {s_fields} FROM {_q(Shift)} s "  # noqa: S608
        f"JOIN {_q(Gig)} g ON g.{_q(Gig, 'id')} = s.{_q(Shift, 'gig')} "
        f"WHERE g.{_q(Gig, 'status')} = %s AND g.{_q(Gig, 'published_at')} IS NOT NULL "
        f"AND s.{_q(Shift, 'ends_at')} > %s "
        f"ORDER BY s.{_q(Shift, 'gig')}, s.{_q(Shift, 'starts_at')}, s.{_q(Shift, 'id')}",
        [GigStatus.OPEN, connection.ops.adapt_datetimefield_value(now)],
    )
    sid, sgig, start, end, head, booked, status = _columns(s_rows, len(s_names))
    start_m, end_m = minutes(start), minutes(end)
    local = start_m + offset
    day = local // 1440 + EPOCH_ORD
    start_local = local % 1440
    weekday = (day - 1) % 7
    need_cache: dict[tuple[int, int, int], int] = {}
    need = np.empty(len(s_rows), dtype=np.uint32)
    for i, key in enumerate(
        zip(start_local.tolist(), (end_m - start_m).tolist(), weekday.tolist(), strict=True)
    ):
        v = need_cache.get(key)
        if v is None:
            v = need_cache[key] = shift_need(key[0], key[0] + key[1], key[2])
        need[i] = v
    shifts = {
        "s_ids": np.array(sid, dtype=np.int64),
        "s_gig": np.searchsorted(gid, np.array(sgig, dtype=np.int64)).astype(np.int32),
        "s_start": start_m.astype(np.int32),
        "s_end": end_m.astype(np.int32),
        "s_day": day.astype(np.int32),
        "s_need": need,
        "s_left": np.maximum(0, np.array(head, dtype=np.int32) - np.array(booked, dtype=np.int32)).astype(
            np.int16
        ),
        "s_open": np.array(status) == "open",
    }
    table.load(gigs, shifts)
