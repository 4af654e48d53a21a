"""The thin adapter between the database and the engine: one index per process, kept current.

Like catalog/autocode.py, each process builds the index once and follows changes made anywhere (another
gunicorn worker, another machine) through a cheap version query: here the newest audit-log id. Every
important write is a service function that appends an audit entry in the same transaction (ARCHITECTURE
§2), naming the worker, gig, application or employer it changed, so the entries since the last check are
exactly the rows to re-read. Rows are re-read in a handful of queries each and patched into the arrays;
bulk generator runs and catalogue edits rebuild everything. The check runs at most every
MATCHING_INDEX_RECHECK_SECONDS (default 2 s); a write in this process forces it on the next call (the
audit signal, see apps.py). As a safety net for changes made outside the services, the index is rebuilt
in a background thread every MATCHING_INDEX_REBUILD_SECONDS (default 6 h) while the old one keeps serving.

Public functions (the pages and the API call these): recommend_gigs, recommend_workers, dispatch and
send_invitations, in services.py.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.gigs.models import Application, Gig

from . import fastread, loader
from .core import Engine
from .loader import Catalog

DEFAULT_RECHECK_SECONDS = 2.0
DEFAULT_REBUILD_SECONDS = 6 * 3600.0
FAST_READ_MAX = 200  # up to this many workers per update go through the three-statement reader
WORKER_TYPES = {"workers.worker"}
GIG_TYPES = {"gigs.gig"}
APPLICATION_TYPES = {"gigs.application"}
EMPLOYER_TYPES = {"employers.employer"}
# Changes that are not about one row: rebuild.
REBUILD_ACTIONS = ("bulk_generate",)
REBUILD_TYPE_PREFIXES = ("catalog.",)


@dataclass
class State:
    engine: Engine
    catalog: Catalog
    audit_id: int
    day: int
    built_at: float
    checked_at: float
    updates: int = 0  # incremental changes applied since the build


_state: State | None = None
_lock = threading.RLock()
_rebuilding = threading.Event()


def recheck_seconds() -> float:
    return float(getattr(settings, "MATCHING_INDEX_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


def rebuild_seconds() -> float:
    return float(getattr(settings, "MATCHING_INDEX_REBUILD_SECONDS", DEFAULT_REBUILD_SECONDS))


def latest_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def build() -> State:
    """Read everything from the database (the audit id first, so nothing written meanwhile is missed)."""
    audit_id = latest_audit_id()
    now = timezone.now()
    engine, catalog = loader.load_all(now=now)
    t = time.monotonic()
    return State(engine, catalog, audit_id, timezone.localdate(now).toordinal(), t, t)


def current() -> State:
    """The process's index, brought up to date with the database if the recheck interval has passed."""
    global _state
    with _lock:
        state = _state
        now = time.monotonic()
        if state is None:
            _state = state = build()
            return state
        if now - state.checked_at < recheck_seconds():
            return state
        if now - state.built_at > rebuild_seconds():
            _rebuild_in_background()
        refresh(state)
        state.checked_at = time.monotonic()
        return _state or state


def refresh(state: State) -> None:
    """Apply what the audit log says changed since the state's audit id."""
    global _state
    today = timezone.localdate().toordinal()
    if today != state.day:
        # Verification can lapse overnight: employers are cheap to re-read.
        for emp, ok in loader.employer_status(None, today=timezone.localdate()).items():
            state.engine.gigs.set_employer(emp, ok)
        state.day = today
    latest = latest_audit_id()
    if latest == state.audit_id:
        return
    entries = list(
        AuditEntry.objects.filter(id__gt=state.audit_id, id__lte=latest).values_list(
            "action", "object_type", "object_id"
        )
    )
    if any(a.endswith(REBUILD_ACTIONS) or t.startswith(REBUILD_TYPE_PREFIXES) for a, t, _ in entries):
        _state = build()
        return
    codes: dict[str, set[str]] = defaultdict(set)
    for _, object_type, object_id in entries:
        codes[object_type].add(object_id)
    apply_changes(
        state,
        workers={c for t in WORKER_TYPES for c in codes.get(t, ())},
        gigs={c for t in GIG_TYPES for c in codes.get(t, ())},
        applications={c for t in APPLICATION_TYPES for c in codes.get(t, ())},
        employers={c for t in EMPLOYER_TYPES for c in codes.get(t, ())},
    )
    state.audit_id = latest


def apply_changes(
    state: State,
    *,
    workers: set[str] = frozenset(),  # type: ignore[assignment]
    gigs: set[str] = frozenset(),  # type: ignore[assignment]
    applications: set[str] = frozenset(),  # type: ignore[assignment]
    employers: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Re-read the named rows (by code) and patch them into the engine."""
    now = timezone.now()
    worker_ids: set[int] = set()
    gig_ids: set[int] = set()
    if applications:
        # A booking moves the worker's bookings and reliability and the shift's places left.
        for wid, gid in Application.objects.filter(code__in=applications).values_list("worker_id", "gig_id"):
            worker_ids.add(wid)
            gig_ids.add(gid)
    if employers:
        from lingong.employers.models import Employer

        emp_ids = list(Employer.objects.filter(code__in=employers).values_list("id", flat=True))
        for emp, ok in loader.employer_status(emp_ids, today=timezone.localdate(now)).items():
            state.engine.gigs.set_employer(emp, ok)
    if gig_ids:
        update_gigs(state, ids=gig_ids, now=now)
    if gigs:
        update_gigs(state, codes=gigs, now=now)
    if worker_ids:
        update_workers(state, ids=worker_ids, now=now)
    if workers:
        update_workers(state, codes=workers, now=now)


def update_workers(state: State, *, ids: set[int] | None = None, codes: set[str] | None = None, now) -> None:
    engine = state.engine
    live: dict[int, set[int]] = {}
    if len(ids or ()) + len(codes or ()) <= FAST_READ_MAX:
        records = fastread.worker_records(
            state.catalog, ids=sorted(ids or ()), codes=sorted(codes or ()), now=now, live=live
        )
    else:
        records = loader.worker_records(state.catalog, ids, codes=codes, now=now, live=live)
    for record in records:
        row = engine.workers.upsert(record)
        engine.worker_changed(row)
        shifts = {
            engine.gigs.shift_row_of[s] for s in live.get(record.id, ()) if s in engine.gigs.shift_row_of
        }
        engine.set_live(row, shifts)
        state.updates += 1


def update_gigs(state: State, *, ids: set[int] | None = None, codes: set[str] | None = None, now) -> None:
    engine = state.engine
    if len(ids or ()) + len(codes or ()) <= FAST_READ_MAX:
        records = fastread.gig_records(
            state.catalog, ids=sorted(ids or ()), codes=sorted(codes or ()), now=now
        )
    else:
        gig_ids = set(ids or ()) | set(Gig.objects.filter(code__in=codes or ()).values_list("id", flat=True))
        records = loader.gig_records(state.catalog, gig_ids, now=now)
    for record in records:
        if record.id in engine.gigs.row_of or record.open:
            engine.gigs.upsert(record)
            state.updates += 1


def _rebuild_in_background() -> None:
    if _rebuilding.is_set():
        return
    _rebuilding.set()

    def run() -> None:
        global _state
        try:
            fresh = build()
            with _lock:
                _state = fresh
        finally:
            _rebuilding.clear()
            connection.close()

    threading.Thread(target=run, name="matching-rebuild", daemon=True).start()


def invalidate() -> None:
    """After a write in this process: check the audit log on the next call."""
    state = _state
    if state is not None:
        state.checked_at = float("-inf")


def reset() -> None:
    """Forget the index (tests of a cold start)."""
    global _state
    with _lock:
        _state = None
