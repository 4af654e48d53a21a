"""A week of records in two towns and two stations, and the figures recomputed from them by hand.

`build` places every record on a known day, through the services where a person would act (registering
workers, posting gigs, the ledger, events) with the clock set to the moment, and with the ORM for
bookings, pay, arrears cases and assistance plans, whose timestamps are then set exactly.

`recompute` is the test's own reading of definitions.py: plain loops over every raw row
(`Model.objects.all()`), no query helper of metrics.py. The snapshots must agree with it.

The week (day(1) is Monday 2 November 2026; "东区" is town B, "小榄" town A):

- workers: w1 (day 1, station A, lives in 石岐; 保洁员 4 and 砌筑工 6), w3 (day 1, station A; 装卸搬运工 4;
  hardship verified on day 3), w2 (day 2, station B, no home town → 东区; 砌筑工 6; hardship verified on
  day 2, valid until day 3), w5 (day 2, station A, asked to be deleted: never counted), w4 (day 4,
  station B; no occupation; 重点服务 without a hardship record), w6 (day 6, station B, lives in 南区;
  装卸搬运工 4). Every one of them gets a 求职登记 ledger line when registered at the station.
- gigs: g1 (东区, station B, 保洁员, 3 a shift, published day 1, shifts day 2 and day 5), g3 (东区, no
  station, 保洁员, 4, published day 2, shift day 7, cancelled day 4), g2 (小榄, station A, 砌筑工, 2,
  published day 3, shifts day 4 and day 8, closed day 6), g4 (小榄, no station, 装卸搬运工, 5, published
  day 7, shift day 10), and a draft never published.
- applications: a4 w1→g1 day-2 shift (applied and booked day 1, completed day 2, paid late: arrears
  case opened day 4, resolved day 6 when the pay is confirmed), a1 w1→g1 day-5 shift (applied day 1,
  booked day 2, completed day 5, pay confirmed day 6), a2 w2→g1 day 5 (applied 2, booked 3, cancelled
  4), a9 w2→g3 (applied 2, booked 3, cancelled with the gig on day 4), a3 w3→g1 day 5 (applied and
  booked day 3, completed day 5, never paid: case opened day 7), a8 w1→g2 day 8 (applied 3, booked 5),
  a5 w2→g2 (applied at 07:00 on day 4, which is still day 3 in UTC), a7 w6→g2 (invited day 6).
- ledger: w1 guidance and w3 policy on day 2 (station A), 5 anonymous walk-ins on day 3 (A), a line for
  w2 on day 3 (B) voided the same day, two services to w3 on day 4 (A), the event's lines on day 5.
- activity rows: w5 day 3 (not counted), w4 day 5, w6 day 6.
- event: station A's job fair on day 5, w1 signed up online on day 4, a walk-in signed up and checked
  in on the spot on day 5; an intention (w1) and a hire (walk-in) recorded on day 5; held on day 5.
- assistance plans: w3's closed day 6 with a 公益性岗位 placement, w4's closed day 7 in a market job
  (w4 has no hardship record, so that is no 困难人员上岗).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from lingong.assistance.models import AssistancePlan, PlanStatus
from lingong.assistance.models import Outcome as PlanOutcome
from lingong.catalog.models import HardshipCategory, Occupation
from lingong.events import services as events
from lingong.events import signups
from lingong.events.models import Event, Outcome, Signup
from lingong.gigs import services as gigs
from lingong.gigs.models import Application, Gig, PayRecord, Shift
from lingong.gigs.tests.factories import approved_employer, make_worker, open_gig
from lingong.ledger.models import LedgerEntry
from lingong.ledger.services import record_service, void_entry
from lingong.lib.codes import new_code
from lingong.monitoring.definitions import ACTIVE_DAYS, METRICS
from lingong.monitoring.models import SeekerActivity
from lingong.places.models import Station, Town
from lingong.rights.models import ArrearsCase
from lingong.workers.models import HardshipRecord, Worker, WorkerOccupation
from lingong.workers.services import record_hardship, verify_hardship

DAY1 = dt.date(2026, 11, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def day(n: int) -> dt.date:
    return DAY1 + dt.timedelta(days=n - 1)


def at(n: int, hour: int, minute: int = 0) -> dt.datetime:
    d = day(n)
    return dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Scenario:
    p: Any  # conftest.Personas
    employer: Any
    towns: dict[str, Town]
    workers: dict[str, Worker] = field(default_factory=dict)
    gigs: dict[str, Gig] = field(default_factory=dict)
    apps: dict[str, Application] = field(default_factory=dict)
    event: Event | None = None


def _shift(gig: Gig, n: int) -> Shift:
    return gig.shifts.get(starts_at=at(n, 8))


def _app(
    worker: Worker,
    shift: Shift,
    *,
    created: dt.datetime,
    status: str,
    booked: dt.datetime | None = None,
    completed: dt.datetime | None = None,
    updated: dt.datetime | None = None,
) -> Application:
    """An application with its timestamps set exactly (the booking services are tested elsewhere)."""
    app = Application.objects.create(
        code=new_code("AP"),
        shift=shift,
        gig=shift.gig,
        worker=worker,
        status=status,
        created_by=worker.user,
        booked_at=booked,
        completed_at=completed,
        checked_in_at=shift.starts_at if completed else None,
        checked_out_at=completed,
    )
    last = updated or max(t for t in (created, booked, completed) if t is not None)
    Application.objects.filter(pk=app.pk).update(created_at=created, updated_at=last)
    app.refresh_from_db()
    return app


def _gig(s: Scenario, clock, n: int, hour: int, **data: Any) -> Gig:
    clock.at(day(n), hour)
    return open_gig(s.p.employer, s.employer, **data)


def _shifts(*days: int) -> list[dict[str, str]]:
    return [{"date": day(n).isoformat(), "start": "08:00", "end": "17:00"} for n in days]


def _serve(clock, when: dt.datetime, station: Station, actor, service: str, **kwargs: Any) -> LedgerEntry:
    clock.now = when
    with transaction.atomic():
        return record_service(station=station, service=service, actor=actor, **kwargs)


def _hardship(clock, worker: Worker, actor, when: dt.datetime, valid_until: dt.date | None = None) -> None:
    clock.now = when
    category = HardshipCategory.objects.filter(active=True).order_by("code").first()
    record = record_hardship(
        worker, actor=actor, category=category, evidence="失业登记证 2026-001", valid_until=valid_until
    )
    verify_hardship(record, actor=actor, approve=True)


def _plan(worker: Worker, station: Station, actor, *, opened: dt.datetime, closed: dt.datetime, outcome: str):
    return AssistancePlan.objects.create(
        code=new_code("AP"),
        worker=worker,
        coordinator=actor,
        station=station,
        goal="一个月内在家附近找到稳定的工作",
        status=PlanStatus.CLOSED,
        opened_at=opened,
        opened_by=actor,
        outcome=outcome,
        closed_at=closed,
        closed_by=actor,
    )


def _case(app: Application, *, station: Station | None, opened: dt.datetime, resolved: dt.datetime | None):
    return ArrearsCase.objects.create(
        code=new_code("AC"),
        application=app,
        employer=app.gig.employer,
        worker=app.worker,
        gig=app.gig,
        town=app.gig.employer.town,
        station=station,
        due_at=opened - dt.timedelta(hours=9),
        opened_at=opened,
        status="resolved" if resolved else "open",
        resolution="paid_late" if resolved else "",
        resolved_at=resolved,
    )


def build(p, clock) -> Scenario:
    clock.at(day(1), 8)
    towns = {t.short: t for t in Town.objects.all()}
    s = Scenario(p=p, employer=approved_employer(p), towns=towns)
    a, b = p.station_a, p.station_b
    coord, town_b = p.coordinator_a, p.town_admin_b
    occ = {code: Occupation.objects.get(code=code) for code in ("4-09-08-01", "4-02-05-01", "6-29-01-01")}
    cleaner, porter, mason = occ["4-09-08-01"], occ["4-02-05-01"], occ["6-29-01-01"]
    w, g, ap = s.workers, s.gigs, s.apps

    def register(key: str, n: int, hour: int, actor, station: Station, name: str, *occupations, **profile):
        clock.at(day(n), hour)
        worker = make_worker(actor, station, name=name, **profile)
        for o in occupations:
            WorkerOccupation.objects.create(worker=worker, occupation=o)
        w[key] = worker
        return worker

    # --- day 1
    register("w1", 1, 9, coord, a, "梁秀英", cleaner, mason, home_town=towns["石岐"])
    register("w3", 1, 9, coord, a, "陈阿姨", porter)
    g["g1"] = _gig(s, clock, 1, 10, title="写字楼保洁 日结", shifts=_shifts(2, 5), headcount=3)
    Gig.objects.filter(pk=g["g1"].pk).update(station=b)
    ap["a4"] = _app(
        w["w1"],
        _shift(g["g1"], 2),
        created=at(1, 11),
        status="completed",
        booked=at(1, 15),
        completed=at(2, 17),
    )
    ap["a1"] = _app(
        w["w1"],
        _shift(g["g1"], 5),
        created=at(1, 11, 30),
        status="completed",
        booked=at(2, 9),
        completed=at(5, 17),
    )

    # --- day 2
    register("w2", 2, 9, town_b, b, "黄志强", mason, home_town=None)
    register("w5", 2, 9, coord, a, "李伯", cleaner, status="deletion_requested")
    g["g3"] = _gig(s, clock, 2, 10, title="商场保洁 日结", shifts=_shifts(7), headcount=4)
    _hardship(clock, w["w2"], town_b, at(2, 11), valid_until=day(3))
    ap["a2"] = _app(
        w["w2"],
        _shift(g["g1"], 5),
        created=at(2, 14),
        status="cancelled",
        booked=at(3, 10),
        updated=at(4, 16),
    )
    ap["a9"] = _app(
        w["w2"],
        _shift(g["g3"], 7),
        created=at(2, 14, 30),
        status="cancelled",
        booked=at(3, 10, 30),
        updated=at(4, 12),
    )
    _serve(clock, at(2, 15), a, coord, "guidance", worker=w["w1"])
    _serve(clock, at(2, 15, 30), a, coord, "policy", worker=w["w3"])  # before w3's hardship is verified
    late_pay = PayRecord.objects.create(
        application=ap["a4"],
        amount=Decimal("200"),
        method="wechat",
        paid_at=at(2, 18),
        recorded_by=p.employer,
    )

    # --- day 3
    g["g2"] = _gig(
        s,
        clock,
        3,
        9,
        occupation="6-29-01-01",
        title="泥瓦工 砌砖 日结",
        description="砌筑围墙和花池，按图施工，材料和工具由我方提供。",
        shifts=_shifts(4, 8),
        headcount=2,
    )
    Gig.objects.filter(pk=g["g2"].pk).update(town=towns["小榄"], station=a)
    _hardship(clock, w["w3"], coord, at(3, 9, 30))
    ap["a3"] = _app(
        w["w3"],
        _shift(g["g1"], 5),
        created=at(3, 10),
        status="completed",
        booked=at(3, 15),
        completed=at(5, 17),
    )
    ap["a8"] = _app(w["w1"], _shift(g["g2"], 8), created=at(3, 11), status="booked", booked=at(5, 10))
    _serve(clock, at(3, 16), a, coord, "policy", walk_in_count=5)
    mistake = _serve(clock, at(3, 16, 30), b, town_b, "guidance", worker=w["w2"])
    clock.now = at(3, 17)
    void_entry(mistake, actor=town_b, reason="记错了人")
    SeekerActivity.objects.create(worker=w["w5"], day=day(3))

    # --- day 4
    ap["a5"] = _app(w["w2"], _shift(g["g2"], 8), created=at(4, 7), status="applied")
    register("w4", 4, 9, town_b, b, "何姐", tier=2, tier_reason="长期等待：求职已满180天")
    _case(ap["a4"], station=b, opened=at(4, 9), resolved=at(6, 10))
    clock.at(day(4), 10)
    event = events.save_event(
        actor=coord,
        data={
            "kind": "job_fair",
            "title": "小榄镇就业驿站招聘会",
            "description": "现场招聘普工、保洁、泥瓦工。",
            "station": a,
            "date": day(5).isoformat(),
            "start": "09:00",
            "end": "12:00",
            "venue": "",
            "address": "",
            "capacity": 50,
        },
    )
    event = events.publish_event(event, actor=coord)
    events.add_employer(event, actor=coord, employer=s.employer)
    clock.at(day(4), 11)
    online = signups.sign_up(event, actor=w["w1"].user, source="online")
    Gig.objects.filter(pk=g["g3"].pk).update(status="cancelled", updated_at=at(4, 12))
    Shift.objects.filter(gig=g["g3"]).update(status="cancelled")
    _serve(clock, at(4, 14), a, coord, "recommendation", worker=w["w3"])
    _serve(clock, at(4, 14, 30), a, coord, "guidance", worker=w["w3"])

    # --- day 5
    clock.at(day(5), 9, 30)
    walk_in = signups.sign_up(
        event, actor=coord, source="staff", phone="13812345678", name="周先生", check_in=True
    )
    clock.at(day(5), 10)
    online = signups.check_in(online, actor=coord)
    clock.at(day(5), 11)
    signups.record_outcome(walk_in, actor=coord, employer=s.employer, kind="hired")
    signups.record_outcome(online, actor=coord, employer=s.employer, kind="intention")
    clock.at(day(5), 13)
    s.event = events.hold_event(event, actor=coord)
    SeekerActivity.objects.create(worker=w["w4"], day=day(5))
    PayRecord.objects.create(
        application=ap["a1"], amount=Decimal("180"), method="cash", paid_at=at(5, 18), recorded_by=p.employer
    )

    # --- day 6
    PayRecord.objects.filter(pk=late_pay.pk).update(status="confirmed", confirmed_at=at(6, 10))
    PayRecord.objects.filter(application=ap["a1"]).update(status="confirmed", confirmed_at=at(6, 20))
    register("w6", 6, 9, town_b, b, "吴生", porter, home_town=towns["南区"])
    ap["a7"] = _app(w["w6"], _shift(g["g2"], 8), created=at(6, 10), status="invited")
    SeekerActivity.objects.create(worker=w["w6"], day=day(6))
    clock.at(day(6), 12)
    gigs.close(g["g2"], actor=None, reason="已招满")
    _plan(w["w3"], a, coord, opened=at(3, 10), closed=at(6, 15), outcome=PlanOutcome.PUBLIC_WELFARE)

    # --- day 7
    g["g4"] = _gig(
        s,
        clock,
        7,
        9,
        occupation="4-02-05-01",
        title="仓库搬运 日结",
        description="仓库货物搬运、上下架，按件另有补贴。",
        shifts=_shifts(10),
        headcount=5,
    )
    Gig.objects.filter(pk=g["g4"].pk).update(town=towns["小榄"])
    clock.at(day(7), 10)
    gigs.save_draft(actor=p.employer, employer=s.employer, data=_draft_data(s))
    _case(ap["a3"], station=b, opened=at(7, 9), resolved=None)
    _plan(w["w4"], b, town_b, opened=at(4, 10), closed=at(7, 16), outcome=PlanOutcome.MARKET)

    for obj in (*w.values(), *g.values(), *ap.values()):
        obj.refresh_from_db()
    clock.at(day(9), 0, 30)  # the hourly task's first run after midnight
    return s


def _draft_data(s: Scenario) -> dict[str, Any]:
    from lingong.gigs.tests.factories import gig_data

    return gig_data(s.employer.town, title="草稿 不发布", shifts=_shifts(12))


# --- the test's own reading of definitions.py ------------------------------------------------------

Key = tuple[str, str]


def _bounds(d: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(d.year, d.month, d.day, tzinfo=SHANGHAI)
    return start, start + dt.timedelta(days=1)


def _on(value: dt.datetime | None, d: dt.date) -> bool:
    start, end = _bounds(d)
    return value is not None and start <= value < end


def recompute(d: dt.date) -> dict[Key, dict[str, Any]]:
    """Every figure of day `d` for every scope, from the raw rows. Keys: (scope, key)."""
    start, end = _bounds(d)
    since = d - dt.timedelta(days=ACTIVE_DAYS - 1)
    window_start, _ = _bounds(since)
    towns = {t.id: t.code for t in Town.objects.all()}
    stations = {st.id: st for st in Station.objects.all()}
    occupations = {o.id: o.code for o in Occupation.objects.all()}
    gig_rows = {gig.id: gig for gig in Gig.objects.all()}
    shifts = {sh.id: sh for sh in Shift.objects.all()}
    apps = list(Application.objects.all())
    lines = [line for line in LedgerEntry.objects.all() if line.voided_at is None]

    out: dict[Key, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    distinct: dict[tuple[Key, str], set] = defaultdict(set)

    def scopes(town_id: int | None, station_id: int | None, categories=()) -> list[Key]:
        keys: list[Key] = [("city", "city")]
        if station_id is not None:
            keys.append(("station", stations[station_id].code))
            town_id = town_id or stations[station_id].town_id
        if town_id is not None:
            keys.append(("town", towns[town_id]))
        keys += [("category", c) for c in sorted(set(categories))]
        return keys

    def add(metric: str, n, *place) -> None:
        for key in scopes(*place):
            out[key][metric] += n

    def add_once(metric: str, who, *place) -> None:
        for key in scopes(*place):
            distinct[(key, metric)].add(who)

    def gig_place(gig: Gig) -> tuple:
        return gig.town_id, gig.station_id, [occupations[gig.occupation_id][0]]

    workers_station = dict(Worker.objects.values_list("id", "station_id"))

    def work_place(x: Application) -> tuple:
        """Work done: the gig's town and category, the station serving the worker."""
        gig = gig_rows[x.gig_id]
        return gig.town_id, workers_station[x.worker_id], [occupations[gig.occupation_id][0]]

    def in_hardship(worker_id: int) -> bool:
        for r in HardshipRecord.objects.all():
            if r.worker_id == worker_id and r.status == "verified" and r.verified_at is not None:
                verified_on = r.verified_at.astimezone(SHANGHAI).date()
                if verified_on <= d and (r.valid_until is None or r.valid_until >= d):
                    return True
        return False

    # Job seekers: registered, not deleted; home town else the station's town; each category they list.
    for worker in Worker.objects.all():
        if worker.status != "active" or worker.registered_at >= end:
            continue
        town = worker.home_town_id or (stations[worker.station_id].town_id if worker.station_id else None)
        categories = [
            occupations[wo.occupation_id][0]
            for wo in WorkerOccupation.objects.all()
            if wo.worker_id == worker.id
        ]
        place = (town, worker.station_id, categories)
        add("seekers_registered", 1, *place)
        looked = any(a.worker_id == worker.id and since <= a.day <= d for a in SeekerActivity.objects.all())
        applied = any(x.worker_id == worker.id and window_start <= x.created_at < end for x in apps)
        served = any(line.worker_id == worker.id and since <= line.day <= d for line in lines)
        if looked or applied or served:
            add("seekers_active", 1, *place)

    # Gigs: published by the end of the day, still recruiting then, with a shift not yet started.
    for gig in gig_rows.values():
        if gig.published_at is None or gig.published_at >= end:
            continue
        recruiting = gig.status == "open" or (gig.status in ("closed", "cancelled") and gig.updated_at >= end)
        future = [sh for sh in shifts.values() if sh.gig_id == gig.id and sh.starts_at >= end]
        if not recruiting or not future:
            continue
        add("gigs_open", 1, *gig_place(gig))
        for sh in future:
            held = 0
            for x in apps:
                if x.shift_id != sh.id or x.booked_at is None or x.booked_at >= end:
                    continue
                if x.status in ("booked", "completed", "no_show") or (
                    x.status == "cancelled" and x.updated_at >= end
                ):
                    held += 1
            add("open_headcount", max(0, sh.headcount - held), *gig_place(gig))
    for gig in gig_rows.values():
        if _on(gig.published_at, d):
            add("gigs_new", 1, *gig_place(gig))

    # Applications, bookings, completions, and the hardship workers booked.
    for x in apps:
        if _on(x.created_at, d):
            add("applications", 1, *work_place(x))
        if _on(x.booked_at, d):
            add("bookings", 1, *work_place(x))
            if in_hardship(x.worker_id):
                add_once("hardship_placed", x.worker_id, *work_place(x))
        if x.status == "completed" and _on(x.completed_at, d):
            add("completions", 1, *work_place(x))
    for pay in PayRecord.objects.all():
        if pay.status == "confirmed" and _on(pay.confirmed_at, d):
            x = Application.objects.get(pk=pay.application_id)
            add("pay_confirmed", 1, *work_place(x))
            add("pay_confirmed_yuan", pay.amount, *work_place(x))

    # Arrears: the case's town and following station, the gig's category.
    for case in ArrearsCase.objects.all():
        case_place = (case.town_id, case.station_id, gig_place(gig_rows[case.gig_id])[2])
        if _on(case.opened_at, d):
            add("arrears_opened", 1, *case_place)
        if _on(case.resolved_at, d):
            add("arrears_closed", 1, *case_place)
        if case.opened_at < end and (case.resolved_at is None or case.resolved_at >= end):
            add("arrears_open", 1, *case_place)

    # The ledger: people served (walk-ins by their number), hardship workers served once a day.
    for line in lines:
        if line.day != d:
            continue
        n = 1 if line.worker_id else line.walk_in_count
        line_place = (stations[line.station_id].town_id, line.station_id)
        add("services", n, *line_place)
        for key in scopes(*line_place):
            by_type = out[key].setdefault("services_by_type", defaultdict(int))
            by_type[line.service] += n
        if line.worker_id and in_hardship(line.worker_id):
            add_once("hardship_served", line.worker_id, *line_place)

    # Assistance plans ended in work, for workers with a verified hardship on the day.
    for plan in AssistancePlan.objects.all():
        if (
            _on(plan.closed_at, d)
            and plan.outcome in ("market", "public_welfare")
            and in_hardship(plan.worker_id)
        ):
            add_once("hardship_placed", plan.worker_id, stations[plan.station_id].town_id, plan.station_id)

    # Events: the event's town and station.
    events_by_id = {e.id: e for e in Event.objects.all()}
    for e in events_by_id.values():
        if _on(e.held_at, d):
            add("events_held", 1, e.town_id, e.station_id)
    for signup in Signup.objects.all():
        if _on(signup.created_at, d):
            e = events_by_id[signup.event_id]
            add("event_signups", 1, e.town_id, e.station_id)
    for outcome in Outcome.objects.all():
        if _on(outcome.recorded_at, d):
            e = events_by_id[outcome.event_id]
            metric = "event_hires" if outcome.kind == "hired" else "event_intentions"
            add(metric, 1, e.town_id, e.station_id)

    for (key, metric), who in distinct.items():
        out[key][metric] = len(who)
    return {key: {m: _plain(v) for m, v in values.items()} for key, values in out.items()}


def _plain(value):
    return dict(value) if isinstance(value, dict) else value


METRIC_FIELDS = [m.field for m in METRICS] + ["services_by_type"]


def expected_row(figures: dict[Key, dict[str, Any]], scope: str, key: str) -> dict[str, Any]:
    """Every metric column of one scope, zeros (and {}) where nothing happened."""
    values = figures.get((scope, key), {})
    row = {f: values.get(f, 0) for f in METRIC_FIELDS}
    row["services_by_type"] = values.get("services_by_type", {})
    row["pay_confirmed_yuan"] = Decimal(row["pay_confirmed_yuan"]).quantize(Decimal("0.01"))
    return row


def snapshot_row(row) -> dict[str, Any]:
    values = {f: getattr(row, f) for f in METRIC_FIELDS}
    values["pay_confirmed_yuan"] = Decimal(values["pay_confirmed_yuan"]).quantize(Decimal("0.01"))
    return values
