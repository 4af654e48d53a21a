"""Reading a few workers or gigs for an incremental update in three plain SQL statements each.

The ORM path (loader.worker_records) needs seven queries, and for one worker most of its time goes into
building and compiling them, not into the database. Here the statements are written once from the
models' own table and column names; the rows are converted exactly as the ORM would (SQLite returns
dates as text), and tests check the two paths give identical records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from lingong.employers.models import Employer, EmployerStatus
from lingong.gigs.models import (
    LIVE,
    Application,
    Gig,
    GigKind,
    GigStatus,
    Reliability,
    Shift,
    ShiftStatus,
)
from lingong.gigs.reliability import NEW_WORKER_SCORE
from lingong.workers.models import (
    BlockedDate,
    HardshipRecord,
    HardshipStatus,
    Worker,
    WorkerCertificate,
    WorkerOccupation,
)

from .loader import WORKER_COLUMNS, Catalog, build_worker_records, collect_bookings, minute
from .tables import NO_END, NO_HARDSHIP, GigRecord, ShiftRecord, WorkerRecord, shift_need
from .weights import DEFAULT, Weights


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _select(model, columns: Sequence[str], where: str) -> str:
    """SELECT from one model's table; `columns` are field names or SQL literals (NULL, 1 …)."""
    cols = ", ".join(c if c[0].isdigit() or c == "NULL" else _col(model, c) for c in columns)
    return f"SELECT {cols} FROM {_table(model)} WHERE {where}"  # noqa: S608 - names from _meta


def _in(model, field: str, marks: str = "{ids}") -> str:
    return f"{_col(model, field)} IN ({marks})"


@cache
def _statements(by: str, n: int) -> tuple[str, str, str]:
    """(workers, their child rows as one UNION ALL, their live applications); {ids} is filled per call.

    The union's columns: kind, worker id, a number, a text, a date.
    """
    fields = [c.removesuffix("_id") if c != "id" else c for c in WORKER_COLUMNS]
    workers = _select(Worker, fields, _in(Worker, by, ", ".join(["%s"] * n)))
    score = f"CAST({_col(Reliability, 'score')} AS TEXT)"  # text like the other parts' second column
    parts = [
        _select(
            WorkerOccupation, ["1", "worker", "occupation", "level", "NULL"], _in(WorkerOccupation, "worker")
        ),
        _select(
            WorkerCertificate,
            ["2", "worker", "certificate", "NULL", "expires_on"],
            _in(WorkerCertificate, "worker"),
        ),
        _select(
            BlockedDate,
            ["3", "worker", "NULL", "NULL", "date"],
            f"{_in(BlockedDate, 'worker')} AND {_col(BlockedDate, 'date')} >= %s",
        ),
        _select(
            HardshipRecord,
            ["4", "worker", "NULL", "status", "valid_until"],
            f"{_in(HardshipRecord, 'worker')} AND {_col(HardshipRecord, 'status')} = %s",
        ),
        _select(Reliability, ["5", "worker", "booked", "NULL", "NULL"], _in(Reliability, "worker")).replace(
            ", NULL, NULL FROM", f", {score}, NULL FROM"
        ),
    ]
    children = " UNION ALL ".join(parts)
    app, shift = _table(Application), _table(Shift)
    a = {f: f"{app}.{_col(Application, f)}" for f in ("worker", "shift", "status")}
    s = {f: f"{shift}.{_col(Shift, f)}" for f in ("id", "starts_at", "ends_at")}
    statuses = ", ".join(["%s"] * len(LIVE))
    apps = (
        f"SELECT {a['worker']}, {a['shift']}, {a['status']}, {s['starts_at']}, {s['ends_at']} "  # noqa: S608
        f"FROM {app} JOIN {shift} ON {s['id']} = {a['shift']} "
        f"WHERE {a['worker']} IN ({{ids}}) AND {a['status']} IN ({statuses}) AND {s['ends_at']} > %s"
    )
    return workers, children, apps


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(str(value))


def _datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    parsed = parse_datetime(str(value))
    assert parsed is not None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def worker_records(
    cat: Catalog,
    *,
    ids: Sequence[int] = (),
    codes: Sequence[str] = (),
    now: dt.datetime,
    weights: Weights = DEFAULT,
    live: dict[int, set[int]] | None = None,
) -> list[WorkerRecord]:
    """The same records as loader.worker_records for a few workers (by ids or by codes)."""
    keys: list[int | str] = [*codes] if codes else [*ids]
    if not keys:
        return []
    workers_sql, children_sql, apps_sql = _statements("code" if codes else "id", len(keys))
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(workers_sql, keys)
        rows = cursor.fetchall()
        if not rows:
            return []
        wids = [r[0] for r in rows]
        marks = ", ".join(["%s"] * len(wids))
        today = timezone.localdate(now)
        cursor.execute(
            children_sql.format(ids=marks),
            [*wids, *wids, *wids, ops.adapt_datefield_value(today), *wids, HardshipStatus.VERIFIED, *wids],
        )
        children = cursor.fetchall()
        cursor.execute(apps_sql.format(ids=marks), [*wids, *LIVE, ops.adapt_datetimefield_value(now)])
        apps = cursor.fetchall()
    occs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    certs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    blocked: dict[int, list[int]] = defaultdict(list)
    hardship: dict[int, int] = {}
    rel: dict[int, float] = {}
    for kind, wid, a, b, c in children:
        if kind == 1 and a in cat.occ_row:
            occs[wid].append((cat.occ_row[a], b))
        elif kind == 2 and a in cat.cert_bit:
            expires = _date(c)
            certs[wid].append((cat.cert_bit[a], NO_END if expires is None else expires.toordinal()))
        elif kind == 3:
            blocked[wid].append(_date(c).toordinal())  # type: ignore[union-attr]
        elif kind == 4:
            until = _date(c)
            hardship[wid] = max(
                hardship.get(wid, NO_HARDSHIP), NO_END if until is None else until.toordinal()
            )
        elif kind == 5:
            rel[wid] = float(b) if a else NEW_WORKER_SCORE
    bookings = collect_bookings(((w, s, st, _datetime(a), _datetime(b)) for w, s, st, a, b in apps), live)
    # Children come back in table order; the ORM path orders them the same way (by primary key).
    typed = [(*r[:9], _date(r[9]), _datetime(r[10]), *r[11:]) for r in rows]
    return build_worker_records(
        cat,
        typed,
        occs=occs,
        certs=certs,
        blocked=blocked,
        hardship=hardship,
        rel=rel,
        bookings=bookings,
        weights=weights,
    )


@cache
def _gig_statements(by: str, n: int) -> tuple[str, str, str]:
    """(gigs with their employer's standing, their certificates, their unfinished shifts)."""
    g, e = _table(Gig), _table(Employer)
    fields = ("id", "occupation", "lat", "lng", "hourly_pay", "pay_unit", "kind", "employer", "published_at")
    cols = ", ".join(f"{g}.{_col(Gig, f)}" for f in (*fields, "status", "town"))
    gigs = (
        f"SELECT {cols}, {e}.{_col(Employer, 'status')}, {e}.{_col(Employer, 'reverify_due')} "  # noqa: S608
        f"FROM {g} JOIN {e} ON {e}.{_col(Employer, 'id')} = {g}.{_col(Gig, 'employer')} "
        f"WHERE {g}.{_col(Gig, by)} IN ({', '.join(['%s'] * n)})"
    )
    through = Gig.certificates.through
    certs = _select(through, ["gig", "certificate"], _in(through, "gig"))
    shifts = _select(
        Shift,
        ["id", "gig", "starts_at", "ends_at", "headcount", "booked", "status"],
        f"{_in(Shift, 'gig')} AND {_col(Shift, 'ends_at')} > %s",
    )
    return gigs, certs, shifts


def gig_records(cat: Catalog, *, ids: Sequence[int] = (), codes: Sequence[str] = (), now: dt.datetime):
    """The same records as loader.gig_records for a few gigs (by ids or by codes)."""
    keys: list[int | str] = [*codes] if codes else [*ids]
    if not keys:
        return []
    gigs_sql, certs_sql, shifts_sql = _gig_statements("code" if codes else "id", len(keys))
    with connection.cursor() as cursor:
        cursor.execute(gigs_sql, keys)
        rows = cursor.fetchall()
        if not rows:
            return []
        gids = [r[0] for r in rows]
        marks = ", ".join(["%s"] * len(gids))
        cursor.execute(certs_sql.format(ids=marks), gids)
        cert_rows = cursor.fetchall()
        cursor.execute(shifts_sql.format(ids=marks), [*gids, connection.ops.adapt_datetimefield_value(now)])
        shift_rows = cursor.fetchall()
    certs: dict[int, list[int]] = defaultdict(list)
    for gid, cid in cert_rows:
        certs[gid].append(cat.cert_bit[cid])
    shifts: dict[int, list[ShiftRecord]] = defaultdict(list)
    for sid, gid, start, end, head, booked, status in shift_rows:
        start_at, end_at = _datetime(start), _datetime(end)
        local = timezone.localtime(start_at)
        start_local = local.hour * 60 + local.minute
        shifts[gid].append(
            ShiftRecord(
                id=sid,
                start=minute(start_at),
                end=minute(end_at),
                day=local.date().toordinal(),
                need=shift_need(
                    start_local, start_local + minute(end_at) - minute(start_at), local.weekday()
                ),
                left=max(0, head - booked),
                open=status == ShiftStatus.OPEN,
            )
        )
    today = timezone.localdate(now)
    out = []
    for gid, occ_id, lat, lng, pay, unit, kind, emp, published, status, town, e_status, due in rows:
        due_day = _date(due)
        out.append(
            GigRecord(
                id=gid,
                occ=cat.occ_row.get(occ_id, cat.tree.n),
                lat=lat,
                lng=lng,
                pay_hourly=None if pay is None else float(pay),
                pay_unit=unit,
                certificates=certs.get(gid, []),
                welfare=kind == GigKind.PUBLIC_WELFARE,
                employer_id=emp,
                employer_ok=e_status == EmployerStatus.APPROVED and due_day is not None and due_day >= today,
                published=minute(_datetime(published) if published is not None else now),
                open=status == GigStatus.OPEN and published is not None,
                town_id=town,
                shifts=sorted(shifts.get(gid, []), key=lambda s: (s.start, s.id)),
            )
        )
    return out
