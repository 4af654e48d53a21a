"""What the pages and the API call: recommendations both ways, dispatch proposals, sending invitations.

Results are plain dataclasses mapped back to codes (gig, worker, shift number), with reasons in Chinese
and the score parts. Who may see what is decided here, once:
- a worker sees their own recommendations with every reason (重点帮扶对象优先 included: it is about them);
- an employer sees workers masked (masked_name, worker code) and never why they are prioritised: the
  priority reason reads 优先候选 and the tier is not given;
- staff see the same masked list; for the workers they serve (Worker.objects.served_by) they also see
  the tier and the full priority reason, as they may see hardship data of those people only.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.accounts.models import User
from lingong.gigs import booking
from lingong.gigs.models import Gig, Shift
from lingong.places.models import Station, Town
from lingong.workers.models import Tier, Worker

from . import dispatch as solver
from . import index
from .core import Match
from .explain import EMPLOYER_PRIORITY_TEXT, explain
from .loader import minute


@dataclass
class Reason:
    kind: str
    text: str


@dataclass
class GigRecommendation:
    gig: str  # code
    title: str
    employer: str
    town: str
    pay: str
    shift: int  # shift number within the gig (1-based, by start), as the gig API numbers them
    starts_at: dt.datetime
    ends_at: dt.datetime
    instant: bool
    score: float
    parts: dict[str, float]
    minutes: int
    reasons: list[Reason]


@dataclass
class WorkerRecommendation:
    worker: str  # code
    name: str  # masked
    priority: bool  # tier 2/3: shown as 优先候选
    score: float
    parts: dict[str, float]
    minutes: int
    reasons: list[Reason]
    tier: int | None = None  # staff only


@dataclass
class Assignment:
    worker: str
    name: str
    gig: str
    title: str
    shift: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    score: float
    parts: dict[str, float]
    reasons: list[Reason]


@dataclass
class Proposal:
    date: dt.date
    area: str
    assignments: list[Assignment]
    total: float
    greedy_total: float
    shifts: int
    places: int
    workers: int
    edges: int
    seconds: float
    unfilled: list[dict] = field(default_factory=list)


def _clock() -> tuple[int, int]:
    now = timezone.now()
    return minute(now), timezone.localdate(now).toordinal()


def _shift_numbers(gig_ids: set[int]) -> dict[int, int]:
    numbers: dict[int, int] = {}
    counter: dict[int, int] = {}
    for sid, gid in (
        Shift.objects.filter(gig_id__in=gig_ids)
        .order_by("gig_id", "starts_at", "pk")
        .values_list("id", "gig_id")
    ):
        counter[gid] = counter.get(gid, 0) + 1
        numbers[sid] = counter[gid]
    return numbers


def _reasons(state: index.State, m: Match, *, today: int, now: int, employer_view: bool) -> list[Reason]:
    out = []
    for kind, text in explain(state.engine, m, today=today, now=now, cert_names=state.catalog.cert_names):
        if kind == "priority" and employer_view:
            text = EMPLOYER_PRIORITY_TEXT
        out.append(Reason(kind, text))
    return out


def recommend_gigs(worker: Worker, k: int = 20) -> list[GigRecommendation]:
    """The gigs that fit this worker best, each through its earliest shift the worker can take."""
    state = index.current()
    engine = state.engine
    row = engine.workers.row_of.get(worker.pk)
    if row is None:
        return []
    now, today = _clock()
    matches = engine.gigs_for_worker(row, k, now, today)
    if not matches:
        return []
    g = engine.gigs
    gig_ids = {int(g.ids[m.gig]) for m in matches}
    gigs = Gig.objects.select_related("employer", "town").in_bulk(gig_ids)
    numbers = _shift_numbers(gig_ids)
    shifts = Shift.objects.in_bulk([int(g.s_ids[m.shift]) for m in matches])
    out = []
    for m in matches:
        gig, shift = gigs.get(int(g.ids[m.gig])), shifts.get(int(g.s_ids[m.shift]))
        if gig is None or shift is None:
            continue
        out.append(
            GigRecommendation(
                gig=gig.code,
                title=gig.title,
                employer=gig.employer.name,
                town=gig.town.name,
                pay=gig.pay_label(),
                shift=numbers.get(shift.pk, 1),
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                instant=gig.is_instant,
                score=m.score,
                parts=m.parts,
                minutes=max(1, round(m.minutes)),
                reasons=_reasons(state, m, today=today, now=now, employer_view=False),
            )
        )
    return out


def default_shift(gig: Gig) -> Shift | None:
    """The earliest shift that has not started and still has places."""
    for shift in gig.shifts.filter(starts_at__gt=timezone.now()).order_by("starts_at", "pk"):
        if shift.places_left > 0 and shift.status == "open":
            return shift
    return None


def _served(viewer: User | None, worker_ids: list[int]) -> set[int]:
    """Which of these workers the viewer serves (and so may see the hardship tier of)."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_back_office:
        return set()
    return set(Worker.objects.served_by(viewer).filter(pk__in=worker_ids).values_list("pk", flat=True))


def recommend_workers(
    gig: Gig, shift: Shift | None = None, k: int = 20, *, viewer: User | None = None
) -> list[WorkerRecommendation]:
    """The workers who fit a shift of this gig best (the earliest open one by default), masked; the
    tier and the reason for priority only for workers the viewer serves."""
    state = index.current()
    engine = state.engine
    shift = shift or default_shift(gig)
    if shift is None:
        return []
    srow = engine.gigs.shift_row_of.get(shift.pk)
    if srow is None:
        return []
    now, today = _clock()
    matches = engine.workers_for_shift(srow, k, now, today)
    ids = [int(engine.workers.ids[m.worker]) for m in matches]
    workers = Worker.objects.in_bulk(ids)
    served = _served(viewer, ids)
    out = []
    for m in matches:
        w = workers.get(int(engine.workers.ids[m.worker]))
        if w is None:
            continue
        staff = w.pk in served
        out.append(
            WorkerRecommendation(
                worker=w.code,
                name=w.masked_name,
                priority=w.tier >= Tier.KEY,
                score=m.score,
                parts=m.parts,
                minutes=max(1, round(m.minutes)),
                reasons=_reasons(state, m, today=today, now=now, employer_view=not staff),
                tier=w.tier if staff else None,
            )
        )
    return out


def may_dispatch(user: User | None, *, station: Station | None, town: Town | None) -> bool:
    """Coordinators for their station or their station's town, town admins for their town, city admins."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_city_admin:
        return True
    town_id = town.pk if town else station.town_id if station else None
    if town_id in user.admin_town_ids:
        return True
    stations = user.coordinator_station_ids
    if station is not None and station.pk in stations:
        return True
    coordinated_towns = set(Station.objects.filter(pk__in=stations).values_list("town_id", flat=True))
    return town_id in coordinated_towns


def dispatch(
    *, actor: User, date: dt.date, station: Station | None = None, town: Town | None = None
) -> Proposal:
    """A proposal for one day: the open shifts of public gigs in the town (of the station) starting that
    day, and the workers of the station (or living in or served in the town), assigned for the largest
    total score under headcounts and every hard rule."""
    if (station is None) == (town is None):
        raise ValidationError("请选择一个站点或一个镇街")
    if not may_dispatch(actor, station=station, town=town):
        raise PermissionDenied("只有本站点、本镇街或市级工作人员可以批量派工")
    started = time.perf_counter()
    state = index.current()
    engine = state.engine
    g, wk = engine.gigs, engine.workers
    town_id = town.pk if town else station.town_id  # type: ignore[union-attr]
    day = date.toordinal()
    s_rows = np.flatnonzero(
        (g.s_day[: g.ns] == day)
        & (g.town[g.s_gig[: g.ns]] == town_id)
        & g.s_open[: g.ns]
        & (g.s_left[: g.ns] > 0)
    )
    if station is not None:
        w_rows = np.flatnonzero(wk.active[: wk.n] & (wk.station[: wk.n] == station.pk))
    else:
        w_rows = np.flatnonzero(wk.active[: wk.n] & (wk.town[: wk.n] == town_id))
    now, today = _clock()
    result = solver.plan(engine, s_rows, w_rows, now, today)
    gig_ids = {int(g.ids[g.s_gig[s]]) for _, s in result.pairs}
    gigs = Gig.objects.in_bulk(gig_ids)
    shifts = Shift.objects.in_bulk([int(g.s_ids[s]) for _, s in result.pairs])
    worker_ids = [int(wk.ids[w]) for w, _ in result.pairs]
    workers = Worker.objects.in_bulk(worker_ids)
    served = _served(actor, worker_ids)
    numbers = _shift_numbers(gig_ids)
    assignments = []
    for w, s in result.pairs:
        scored = engine.eligible_workers(s, now, today, rows=np.array([w]), exposure=False)
        if len(scored.workers) == 0:
            continue
        m = engine._top(scored, 1, by_gig=False, fit_of=lambda i, sc=scored: g.occ[sc.gigs[i]])[0]
        gig, shift, worker = gigs[int(g.ids[m.gig])], shifts[int(g.s_ids[s])], workers[int(wk.ids[w])]
        assignments.append(
            Assignment(
                worker=worker.code,
                name=worker.masked_name,
                gig=gig.code,
                title=gig.title,
                shift=numbers.get(shift.pk, 1),
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                score=m.score,
                parts=m.parts,
                reasons=_reasons(state, m, today=today, now=now, employer_view=worker.pk not in served),
            )
        )
    assignments.sort(key=lambda a: (a.starts_at, a.gig, -a.score))
    filled: dict[int, int] = {}
    for _, s in result.pairs:
        filled[s] = filled.get(s, 0) + 1
    unfilled_ids = {int(g.ids[g.s_gig[s]]): int(g.s_left[s]) - filled.get(int(s), 0) for s in s_rows.tolist()}
    unfilled_gigs = Gig.objects.in_bulk([gid for gid, n in unfilled_ids.items() if n > 0])
    return Proposal(
        date=date,
        area=(station.name if station else town.name),  # type: ignore[union-attr]
        assignments=assignments,
        total=round(result.total, 4),
        greedy_total=round(result.greedy_total, 4),
        shifts=len(s_rows),
        places=int(g.s_left[s_rows].sum()) if len(s_rows) else 0,
        workers=len(w_rows),
        edges=result.edges,
        seconds=round(time.perf_counter() - started, 3),
        unfilled=[
            {"gig": gig.code, "title": gig.title, "places": unfilled_ids[gid]}
            for gid, gig in sorted(unfilled_gigs.items())
        ],
    )


@dataclass
class SendResult:
    worker: str
    gig: str
    shift: int
    ok: bool
    application: str = ""
    error: str = ""


def send_invitations(rows: list[tuple[str, str, int]], *, actor: User) -> list[SendResult]:
    """Invite each (worker code, gig code, shift number) through booking.invite, one transaction per
    invitation, so one refusal (already invited, shift full, no longer eligible) never undoes the others."""
    if not (actor.is_city_admin or actor.admin_town_ids or actor.coordinator_station_ids):
        raise PermissionDenied("只有工作人员可以批量发送邀请")
    results = []
    for worker_code, gig_code, n in rows:
        result = SendResult(worker_code, gig_code, n, ok=False)
        try:
            with transaction.atomic():
                worker = Worker.objects.filter(code=worker_code).first()
                gig = Gig.objects.filter(code=gig_code).first()
                if worker is None or gig is None:
                    raise ValidationError("求职者或岗位不存在")
                shifts = list(gig.shifts.order_by("starts_at", "pk"))
                if not 1 <= n <= len(shifts):
                    raise ValidationError(f"该岗位只有 {len(shifts)} 个班次")
                app = booking.invite(shifts[n - 1], worker, actor=actor, note="工作人员批量派工邀请")
            result.ok, result.application = True, app.code
        except (ValidationError, PermissionDenied, booking.ShiftFull) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            result.error = "；".join(str(m) for m in messages)
        results.append(result)
    index.invalidate()
    return results
