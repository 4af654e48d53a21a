"""Reading the engine's tables from the database: plain values_list queries, no model instances.

`load_all` builds everything (start-up, bulk changes); `worker_records` and `gig_records` read a few rows
for incremental updates. Both go through the same row → value conversions, so an incremental update
leaves exactly what a full build would.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.utils import timezone

from lingong.catalog.classifier import split_gig_name
from lingong.catalog.models import Certificate, GigOccupation, Occupation, OccupationLevel, OccupationSynonym
from lingong.employers.models import Employer, EmployerStatus
from lingong.gigs.models import LIVE, Application, AppStatus, Gig, GigKind, GigStatus, Shift, ShiftStatus
from lingong.gigs.reliability import NEW_WORKER_SCORE
from lingong.places.models import Station, Town
from lingong.workers.models import (
    BlockedDate,
    HardshipRecord,
    HardshipStatus,
    Worker,
    WorkerCertificate,
    WorkerOccupation,
    WorkerStatus,
)

from .core import Engine
from .tables import (
    MAX_CERTS,
    NO_END,
    NO_HARDSHIP,
    Booked,
    GigRecord,
    GigTable,
    Modes,
    OccupationTree,
    ShiftRecord,
    WorkerRecord,
    WorkerTable,
    shift_need,
)
from .weights import DEFAULT, HOURS_PER_DAY, HOURS_PER_MONTH, Weights

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Workers holding these occupations together this much more often than chance are "related".
COOCCUR_MIN_WORKERS = 20
COOCCUR_MIN_LIFT = 3.0


def minute(t: dt.datetime) -> int:
    return int((t - EPOCH).total_seconds() // 60)


def local_day(t: dt.datetime) -> int:
    return timezone.localtime(t).date().toordinal()


def hourly(amount, unit: str) -> float | None:
    """Expected pay as an hourly figure, as posting.hourly_pay treats gigs (None for piece/order rates)."""
    if amount is None:
        return None
    value = float(amount)
    return {
        "hour": value,
        "day": value / HOURS_PER_DAY,
        "shift": value / HOURS_PER_DAY,
        "month": value / HOURS_PER_MONTH,
    }.get(unit)


def modes_from_settings() -> Modes:
    labels = {"walk": "步行", "ebike": "电动车", "car": "驾车"}
    return Modes.from_speeds(
        {
            code: (labels.get(code, code), float(conf["speed_kmh"]), float(conf["detour"]))
            for code, conf in settings.TRAVEL_MODES.items()
        }
    )


@dataclass
class Catalog:
    """Occupations and certificates as the engine numbers them."""

    tree: OccupationTree
    occ_row: dict[int, int]  # Occupation id → tree row
    cert_bit: dict[int, int]  # Certificate id → bit
    cert_names: list[str]
    points: dict[str, dict[int, tuple[float, float]]] = field(default_factory=dict)  # towns, stations
    station_town: dict[int, int] = field(default_factory=dict)


def load_catalog(extra_related: Iterable[tuple[int, int]] = ()) -> Catalog:
    nodes = {
        pk: (parent, level)
        for pk, parent, level in Occupation.objects.values_list("id", "parent_id", "level")
    }

    def ancestor(pk: int, level: int) -> int | None:
        parent = nodes[pk][0]
        while parent is not None:
            if nodes[parent][1] == level:
                return parent
            parent = nodes[parent][0]
        return None

    detail = list(Occupation.objects.detailed().order_by("code").values_list("id", "code", "name"))
    occ_row = {pk: i for i, (pk, _, _) in enumerate(detail)}
    minor = [ancestor(pk, OccupationLevel.MINOR) or pk for pk, _, _ in detail]
    medium = [ancestor(pk, OccupationLevel.MEDIUM) or m for (pk, _, _), m in zip(detail, minor, strict=True)]
    related: list[tuple[int, int]] = list(extra_related)
    by_category: dict[str, set[int]] = defaultdict(set)
    aliases: dict[int, set[str]] = defaultdict(set)
    for name, occ_id, category in GigOccupation.objects.active().values_list(
        "name", "occupation_id", "category"
    ):
        if occ_id in occ_row:
            by_category[category].add(occ_row[occ_id])
            aliases[occ_row[occ_id]].update(a for a in split_gig_name(name)[0] if len(a) >= 2)
    for group in by_category.values():
        members = sorted(group)
        related += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    # A synonym of one occupation that names another (养老院护工 → 护工, 家庭保洁 → 保洁) relates them.
    for term, occ_id in OccupationSynonym.objects.active().values_list("term", "occupation_id"):
        a = occ_row.get(occ_id)
        if a is None:
            continue
        related += [(a, b) for b, names in aliases.items() if b != a and any(x in term for x in names)]
    tree = OccupationTree([c for _, c, _ in detail], [n for _, _, n in detail], minor, medium, related)
    required = set(Gig.certificates.through.objects.values_list("certificate_id", flat=True).distinct())
    certs = sorted(Certificate.objects.values_list("id", flat=True), key=lambda pk: (pk not in required, pk))
    if len(required) > MAX_CERTS:
        raise RuntimeError(f"matching supports at most {MAX_CERTS} required certificate kinds")
    certs = certs[:MAX_CERTS]
    names = dict(Certificate.objects.values_list("id", "name"))
    catalog = Catalog(tree, occ_row, {pk: i for i, pk in enumerate(certs)}, [names[pk] for pk in certs])
    catalog.points["town"] = {pk: (lat, lng) for pk, lat, lng in Town.objects.values_list("id", "lat", "lng")}
    catalog.points["station"] = {}
    for pk, lat, lng, town in Station.objects.values_list("id", "lat", "lng", "town_id"):
        catalog.points["station"][pk] = (lat, lng)
        catalog.station_town[pk] = town
    return catalog


def cooccurrence_pairs(occ: np.ndarray, sentinel: int) -> list[tuple[int, int]]:
    """Occupation pairs that workers declare together far more often than chance."""
    n = occ.shape[0]
    if n == 0 or occ.shape[1] < 2:
        return []
    counts = np.bincount(occ[occ != sentinel].ravel(), minlength=sentinel + 1).astype(np.float64)
    keys = []
    for i in range(occ.shape[1]):
        for j in range(i + 1, occ.shape[1]):
            a, b = np.minimum(occ[:, i], occ[:, j]), np.maximum(occ[:, i], occ[:, j])
            ok = (a != sentinel) & (b != sentinel) & (a != b)
            keys.append(a[ok].astype(np.int64) * (sentinel + 1) + b[ok])
    if not keys:
        return []
    pair, together = np.unique(np.concatenate(keys), return_counts=True)
    a, b = pair // (sentinel + 1), pair % (sentinel + 1)
    lift = together * n / (counts[a] * counts[b])
    keep = (together >= COOCCUR_MIN_WORKERS) & (lift >= COOCCUR_MIN_LIFT)
    return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


# --------------------------------------------------------------------------------- workers

WORKER_COLUMNS = (
    "id", "home_lat", "home_lng", "travel_mode", "travel_minutes", "availability", "expected_pay",
    "expected_pay_unit", "tier", "looking_since", "updated_at", "status", "matching_opt_out", "station_id",
    "home_town_id",
)  # fmt: skip


def _point(cat: Catalog, lat, lng, town_id, station_id) -> tuple[float | None, float | None]:
    """The home point; without one, the home town's centre, else the serving station (an estimate is
    better than leaving someone out of every recommendation)."""
    if lat is not None and lng is not None:
        return lat, lng
    if town_id in cat.points["town"]:
        return cat.points["town"][town_id]
    if station_id in cat.points["station"]:
        return cat.points["station"][station_id]
    return None, None


def worker_records(
    cat: Catalog,
    ids: Iterable[int] | None,
    *,
    now: dt.datetime,
    weights: Weights = DEFAULT,
    codes: Iterable[str] | None = None,
    live: dict[int, set[int]] | None = None,
) -> list[WorkerRecord]:
    """WorkerRecords for the given worker ids or codes (neither: all), with occupations, certificates,
    blocked days, hardship, reliability and bookings, in 7 queries whatever the count. `live`, when
    given, receives each worker's live applications (shift ids) from the same query as the bookings."""
    qs = Worker.objects.all()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    rows = list(qs.values_list(*WORKER_COLUMNS))
    scope = {} if ids is None and codes is None else {"worker_id__in": [r[0] for r in rows]}
    today = timezone.localdate(now)
    occs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for wid, occ_id, level in WorkerOccupation.objects.filter(**scope).values_list(
        "worker_id", "occupation_id", "level"
    ):
        if occ_id in cat.occ_row:
            occs[wid].append((cat.occ_row[occ_id], level))
    certs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for wid, cert_id, expires in WorkerCertificate.objects.filter(**scope).values_list(
        "worker_id", "certificate_id", "expires_on"
    ):
        if cert_id in cat.cert_bit:
            certs[wid].append((cat.cert_bit[cert_id], NO_END if expires is None else expires.toordinal()))
    blocked: dict[int, list[int]] = defaultdict(list)
    for wid, day in BlockedDate.objects.filter(date__gte=today, **scope).values_list("worker_id", "date"):
        blocked[wid].append(day.toordinal())
    hardship: dict[int, int] = {}
    for wid, until in HardshipRecord.objects.filter(status=HardshipStatus.VERIFIED, **scope).values_list(
        "worker_id", "valid_until"
    ):
        hardship[wid] = max(hardship.get(wid, NO_HARDSHIP), NO_END if until is None else until.toordinal())
    from lingong.gigs.models import Reliability

    rel = {
        wid: score if booked else NEW_WORKER_SCORE
        for wid, score, booked in Reliability.objects.filter(**scope).values_list(
            "worker_id", "score", "booked"
        )
    }
    apps = Application.objects.filter(status__in=LIVE, shift__ends_at__gt=now, **scope).values_list(
        "worker_id", "shift_id", "status", "shift__starts_at", "shift__ends_at"
    )
    bookings = collect_bookings(apps, live)
    return build_worker_records(
        cat,
        rows,
        occs=occs,
        certs=certs,
        blocked=blocked,
        hardship=hardship,
        rel=rel,
        bookings=bookings,
        weights=weights,
    )


def collect_bookings(apps, live: dict[int, set[int]] | None) -> dict[int, list[Booked]]:
    """Each worker's booked shifts from (worker, shift, status, start, end) rows of live applications;
    `live`, when given, receives every live application's shift id."""
    bookings: dict[int, list[Booked]] = defaultdict(list)
    for wid, sid, status, start, end in apps:
        if status == AppStatus.BOOKED:
            bookings[wid].append(Booked(sid, minute(start), minute(end)))
        if live is not None:
            live.setdefault(wid, set()).add(sid)
    return bookings


def build_worker_records(
    cat: Catalog,
    rows,
    *,
    occs: dict[int, list[tuple[int, str]]],
    certs: dict[int, list[tuple[int, int]]],
    blocked: dict[int, list[int]],
    hardship: dict[int, int],
    rel: dict[int, float],
    bookings: dict[int, list[Booked]],
    weights: Weights,
) -> list[WorkerRecord]:
    """WorkerRecords from WORKER_COLUMNS rows (dates and times already as Python values) and the
    children both readers gather: the ORM path here and the raw-SQL path in fastread."""
    out = []
    for wid, lat, lng, mode, limit, avail, pay, unit, tier, since, updated, status, opt_out, st, town in rows:
        lat, lng = _point(cat, lat, lng, town, st)
        out.append(
            WorkerRecord(
                id=wid,
                lat=lat,
                lng=lng,
                mode=mode,
                limit=float(limit),
                avail=int(avail),
                pay_hourly=hourly(pay, unit),
                reliability=float(rel.get(wid, weights.new_worker_reliability)),
                tier=int(tier),
                since_day=since.toordinal(),
                fresh_day=local_day(updated),
                active=status == WorkerStatus.ACTIVE and not opt_out,
                hardship_until=hardship.get(wid, NO_HARDSHIP),
                station_id=st or 0,
                town_id=town or cat.station_town.get(st, 0),
                occupations=occs.get(wid, []),
                certificates=certs.get(wid, []),
                blocked_days=blocked.get(wid, []),
                bookings=bookings.get(wid, []),
            )
        )
    return out


def fill_workers(table: WorkerTable, records: list[WorkerRecord], sentinel: int) -> None:
    """Bulk load: columns at once (a Python pass over the records, no per-row numpy writes)."""
    n = len(records)
    k = max([len(r.occupations) for r in records] + [1])
    occ = np.full((n, k), sentinel, dtype=np.int32)
    lvl = np.zeros((n, k), dtype=np.uint8)
    level_index = {"new": 0, "some": 1, "skilled": 2, "master": 3}
    for i, r in enumerate(records):
        for j, (o, level) in enumerate(r.occupations):
            occ[i, j] = o
            lvl[i, j] = level_index.get(level, 1)
    has_point = np.array([r.lat is not None and r.lng is not None for r in records], dtype=np.bool_)
    lat = np.array([r.lat if r.lat is not None else 0.0 for r in records], dtype=np.float64)
    lng = np.array([r.lng if r.lng is not None else 0.0 for r in records], dtype=np.float64)
    from .tables import project

    x, y = project(lat, lng)
    cols = {
        "ids": np.array([r.id for r in records], dtype=np.int64),
        "x": x,
        "y": y,
        "mode": np.array([table.modes.index(r.mode) for r in records], dtype=np.uint8),
        "limit": np.array([r.limit for r in records], dtype=np.float32),
        "avail": np.array([r.avail for r in records], dtype=np.uint32),
        "pay": np.array(
            [np.nan if r.pay_hourly is None else r.pay_hourly for r in records], dtype=np.float32
        ),
        "rel": np.array([r.reliability for r in records], dtype=np.float32),
        "tier": np.array([r.tier for r in records], dtype=np.uint8),
        "since": np.array([r.since_day for r in records], dtype=np.int32),
        "fresh": np.array([r.fresh_day for r in records], dtype=np.int32),
        "active": np.array([r.active for r in records], dtype=np.bool_) & has_point,
        "hardship": np.array([r.hardship_until for r in records], dtype=np.int32),
        "station": np.array([r.station_id for r in records], dtype=np.int32),
        "town": np.array([r.town_id for r in records], dtype=np.int32),
    }
    table.load(cols, occ, lvl)
    c_rows = [i for i, r in enumerate(records) for _ in r.certificates]
    table.load_certificates(
        np.array(c_rows, dtype=np.int64),
        np.array([c for r in records for c, _ in r.certificates], dtype=np.int64),
        np.array([e for r in records for _, e in r.certificates], dtype=np.int32),
    )
    table.load_blocked(
        [i for i, r in enumerate(records) for _ in r.blocked_days],
        [d for r in records for d in r.blocked_days],
    )
    table.load_busy(
        [i for i, r in enumerate(records) for _ in r.bookings], [b for r in records for b in r.bookings]
    )


# --------------------------------------------------------------------------------- gigs


def employer_status(ids: Iterable[int] | None, *, today: dt.date) -> dict[int, bool]:
    qs = Employer.objects.all() if ids is None else Employer.objects.filter(pk__in=list(ids))
    return {
        pk: status == EmployerStatus.APPROVED and due is not None and due >= today
        for pk, status, due in qs.values_list("id", "status", "reverify_due")
    }


def gig_records(cat: Catalog, ids: Iterable[int] | None, *, now: dt.datetime) -> list[GigRecord]:
    """Open gigs (all, or of the given ids: a gig no longer open comes back with open=False)."""
    qs = Gig.objects.filter(status=GigStatus.OPEN) if ids is None else Gig.objects.filter(pk__in=list(ids))
    rows = list(
        qs.values_list(
            "id", "occupation_id", "lat", "lng", "hourly_pay", "pay_unit", "kind", "employer_id",
            "published_at", "status", "town_id",
        )
    )  # fmt: skip
    gig_ids = [r[0] for r in rows]
    scope = {} if ids is None else {"gig_id__in": gig_ids}
    certs: dict[int, list[int]] = defaultdict(list)
    through = Gig.certificates.through.objects
    cert_scope = {"gig__status": GigStatus.OPEN} if ids is None else scope
    for gid, cid in through.filter(**cert_scope).values_list("gig_id", "certificate_id"):
        certs[gid].append(cat.cert_bit[cid])
    shifts: dict[int, list[ShiftRecord]] = defaultdict(list)
    shift_scope = {"gig__status": GigStatus.OPEN} if ids is None else scope
    for sid, gid, start, end, head, booked, status in Shift.objects.filter(
        ends_at__gt=now, **shift_scope
    ).values_list("id", "gig_id", "starts_at", "ends_at", "headcount", "booked", "status"):
        local = timezone.localtime(start)
        start_local = local.hour * 60 + local.minute
        need = shift_need(start_local, start_local + minute(end) - minute(start), local.weekday())
        shifts[gid].append(
            ShiftRecord(
                id=sid,
                start=minute(start),
                end=minute(end),
                day=local.date().toordinal(),
                need=need,
                left=max(0, head - booked),
                open=status == ShiftStatus.OPEN,
            )
        )
    employers = employer_status({r[7] for r in rows}, today=timezone.localdate(now))
    out = []
    for gid, occ_id, lat, lng, pay, unit, kind, emp, published, status, town in rows:
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
                employer_ok=employers.get(emp, False),
                published=minute(published or now),
                open=status == GigStatus.OPEN and published is not None,
                town_id=town,
                shifts=sorted(shifts.get(gid, []), key=lambda s: (s.start, s.id)),
            )
        )
    return out


def fill_gigs(table: GigTable, records: list[GigRecord]) -> None:
    for r in records:
        table.upsert(r)


def load_all(
    *, now: dt.datetime | None = None, weights: Weights = DEFAULT, bulk: bool = True
) -> tuple[Engine, Catalog]:
    """Build the whole engine from the database: through bulkread (plain SELECTs into numpy columns),
    or with bulk=False through the same record path incremental updates use (tests compare the two)."""
    from . import bulkread

    now = now or timezone.now()
    cat = load_catalog()
    workers = WorkerTable(modes_from_settings())
    gigs = GigTable()
    live = bulkread.live_rows(now=now)
    if bulk:
        bulkread.load_workers(cat, workers, now=now, weights=weights)
        bulkread.load_bookings(workers, live)
    else:
        fill_workers(workers, worker_records(cat, None, now=now, weights=weights), cat.tree.n)
    pairs = cooccurrence_pairs(workers.occ[: workers.n], cat.tree.n)
    if pairs:
        cat.tree = OccupationTree(
            cat.tree.codes,
            cat.tree.names,
            cat.tree.minor[:-1].tolist(),
            cat.tree.medium[:-1].tolist(),
            [(a, b) for a, bs in cat.tree.related.items() for b in bs] + pairs,
        )
    if bulk:
        bulkread.load_gigs(cat, gigs, now=now)
    else:
        for emp, ok in employer_status(None, today=timezone.localdate(now)).items():
            gigs.set_employer(emp, ok)
        fill_gigs(gigs, gig_records(cat, None, now=now))
    engine = Engine(cat.tree, workers, gigs, weights)
    by_worker: dict[int, set[int]] = defaultdict(set)
    for wid, sid, *_ in live:
        w, s = workers.row_of.get(wid), gigs.shift_row_of.get(sid)
        if w is not None and s is not None:
            by_worker[w].add(s)
    for w, ss in by_worker.items():
        engine.set_live(w, ss)
    return engine, cat
