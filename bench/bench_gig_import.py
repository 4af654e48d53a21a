"""Bulk import of a partner's gigs (lingong/exchange/importer.py) against posting them one by one.

A fresh test database with the towns, the catalogue and the screening rules; one approved employer and
a partner (招聘平台) posting for it, with one authorised user who is also a member of the employer (so
the per-row baseline may post for it too).

The rows: realistic gigs drawn by lingong/gigs/generate.py (its occupations, titles, descriptions, pay
units, towns, points and 1–7 shifts) turned into the API's row shape, with their dates moved two days on
so every shift is in the future; 1 % carry discriminatory wording (blocked by the screen) and 1 % an
invalid headcount, so the rejection path is part of the measurement.

Measured, in one process and database:
- import: all rows through importer.import_rows (clean_gig_data + screening per row, then per chunk of
  1,000 one transaction of bulk inserts: gigs, shifts, certificates, external ids, search terms, the
  provincial outbox row and an audit entry). gigs/s counts rows handled (saved + rejected) per second;
- the same rows again (all unchanged: hash comparison only) and again with 10 % changed (rewrites);
- baseline: the per-row path, gigs.services.post_gig (the posting form's and POST /gigs' service: one
  transaction, audit entries and per-gig index writes per gig) on a sample of the same rows.
The import is run REPEAT times on a fresh set of external ids; the median is reported.

Sizes can be overridden for a quick look: LINGONG_BENCH_IMPORT_ROWS=5000, LINGONG_BENCH_IMPORT_BASELINE=200.
Usage: python bench/run.py gig_import
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import time
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import setup_test_environment
from django.utils import timezone

from lingong.accounts.models import Role
from lingong.accounts.services import create_user, grant_membership
from lingong.catalog.models import Occupation
from lingong.exchange import importer
from lingong.exchange.models import Partner, PartnerKind
from lingong.gigs import services as gig_services
from lingong.gigs.generate import _gig, _load_plan
from lingong.gigs.models import Gig, GigTerm, Shift
from lingong.places.models import Town

SEED = 11
ROWS = 20_000
BASELINE_ROWS = 400
REPEAT = 3
TARGET_GIGS_PER_S = 2_000  # docs/QUALITY.md
SHIFT_DAYS = dt.timedelta(days=2)


def _rows(count: int, start: int, prefix: str) -> list[dict[str, Any]]:
    """`count` rows in the API's shape, from the generator's gigs numbered start … start+count-1."""
    now = timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    plan, _ = _load_plan(SEED, 50, now)
    occupations = dict(Occupation.objects.values_list("pk", "code"))
    towns = dict(Town.objects.values_list("pk", "name"))
    rng = random.Random(f"{SEED}:{prefix}")
    out = []
    for seq in range(start, start + count):
        gig, shifts = _gig(seq, SEED, plan, today, now, tz)
        row: dict[str, Any] = {
            "external_id": f"{prefix}{seq:07d}",
            "occupation": occupations[gig.occupation_id],
            "title": gig.title,
            "description": gig.description,
            "requirements": "",
            "headcount": gig.headcount,
            "town": towns[gig.town_id],
            "address": gig.address,
            "lat": gig.lat,
            "lng": gig.lng,
            "pay_amount": str(gig.pay_amount),
            "pay_unit": gig.pay_unit,
            "settlement": gig.settlement,
            "certificates": [],
            "provided": list(gig.provided),
            "insurance": gig.insurance,
            "booking_mode": gig.booking_mode,
            "kind": gig.kind,
            "contact_name": gig.contact_name,
            "contact_phone": gig.contact_phone,
            "shifts": [
                {
                    "date": timezone.localtime(s + SHIFT_DAYS).date().isoformat(),
                    "start": timezone.localtime(s).strftime("%H:%M"),
                    "end": timezone.localtime(e).strftime("%H:%M"),
                }
                for s, e, _, _ in shifts
            ],
        }
        roll = rng.random()
        if roll < 0.01:
            row["description"] += "只招男性，需交押金200元。"
        elif roll < 0.02:
            row["headcount"] = 0
        out.append(row)
    return out


def _setup():
    admin = create_user(actor=None, username="bench-city", password="bench-pass-2026!", phone="13900000101")
    grant_membership(actor=None, user=admin, role=Role.CITY_ADMIN)
    plan, _ = _load_plan(SEED, 50, timezone.now())  # approved employers GE… (bulk, like the generator)
    from lingong.employers.models import Employer

    employer = Employer.objects.order_by("code").first()
    assert employer is not None and employer.is_verification_current()
    user = create_user(actor=None, username="bench-partner", password="bench-pass-2026!", phone="13900000102")
    grant_membership(actor=admin, user=user, role=Role.EMPLOYER_MEMBER, employer=employer)
    with transaction.atomic():
        partner = Partner.objects.create(
            code="PTBENCH", name="压测招聘平台", kind=PartnerKind.PLATFORM, employer=employer
        )
        partner.users.set([user])
    return partner, user


def _baseline(rows: list[dict[str, Any]], partner: Partner, user) -> dict[str, Any]:
    """The per-row path: gigs.services.post_gig, one call (one transaction) per gig."""
    employer = partner.employer
    assert employer is not None
    saved = rejected = 0
    t0 = time.perf_counter()
    for row in rows:
        data = {k: v for k, v in row.items() if k != "external_id"}
        try:
            gig_services.post_gig(actor=user, employer=employer, data=data)
            saved += 1
        except Exception:  # noqa: BLE001 - ValidationError or PostingBlocked: a rejected row
            rejected += 1
    seconds = time.perf_counter() - t0
    return {
        "rows": len(rows),
        "saved": saved,
        "rejected": rejected,
        "seconds": round(seconds, 2),
        "gigs_per_s": round(len(rows) / seconds),
    }


def _import(
    rows, partner, user, phases: dict[str, float] | None = None
) -> tuple[float, importer.ImportResult]:
    t0 = time.perf_counter()
    result = importer.import_rows(rows, partner=partner, actor=user, phases=phases)
    return time.perf_counter() - t0, result


def _validate_only(rows, partner, user) -> float:
    """The Python half alone (clean_gig_data + screening) on the same rows, no writes."""
    lookups = importer.Lookups()
    lookups.load_occupations(r["occupation"] for r in rows)
    now = timezone.now()
    today = timezone.localdate(now)
    t0 = time.perf_counter()
    for n, row in enumerate(rows, start=1):
        importer.row_hash(row)
        importer._prepare(n, row, lookups=lookups, partner=partner, actor=user, today=today, now=now)
    return time.perf_counter() - t0


def run() -> dict:
    rows_n = int(os.environ.get("LINGONG_BENCH_IMPORT_ROWS", ROWS))
    base_n = int(os.environ.get("LINGONG_BENCH_IMPORT_BASELINE", BASELINE_ROWS))
    setup_test_environment(debug=False)  # no SQL logging: as in production
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False, serialize=False)
    try:
        quiet = io.StringIO()
        call_command("load_reference", stdout=quiet)
        call_command("load_catalog", stdout=quiet)
        partner, user = _setup()
        # Once per process, not per import: the word segmenter's dictionary, the occupation index the
        # search terms use and the compiled screening rules. A warm-up import of a few rows loads them.
        _import(_rows(50, 20_000_000, "W-"), partner, user)
        load_before = os.getloadavg()
        runs: list[dict[str, Any]] = []
        first_rows: list[dict[str, Any]] = []
        for r in range(REPEAT):
            rows = _rows(rows_n, 1 + r * rows_n, f"R{r}-")
            first_rows = first_rows or rows
            phases: dict[str, float] = {}
            seconds, result = _import(rows, partner, user, phases)
            runs.append(
                {
                    "rows": len(rows),
                    "phases_s": {k: round(v, 2) for k, v in phases.items()},
                    "seconds": round(seconds, 2),
                    "gigs_per_s": round(len(rows) / seconds),
                    "created": result.created,
                    "rejected": result.rejected,
                    "first_rejection": result.errors[0].as_dict() if result.errors else None,
                }
            )
        seconds_unchanged, unchanged = _import(first_rows, partner, user)
        changed_rows = [
            {**row, "title": row["title"][:50] + " 更新"} if i % 10 == 0 else row
            for i, row in enumerate(first_rows)
        ]
        seconds_changed, changed = _import(changed_rows, partner, user)
        sample = _rows(base_n, 10_000_000, "B-")
        validate_s = _validate_only(sample, partner, user)
        baseline = _baseline(sample, partner, user)
        load_after = os.getloadavg()
        totals = {
            "gigs": Gig.objects.count(),
            "shifts": Shift.objects.count(),
            "terms": GigTerm.objects.count(),
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    median_rate = statistics.median(float(r["gigs_per_s"]) for r in runs)
    validate_rate = base_n / validate_s
    return {
        "import_runs": runs,
        "reimport_unchanged": {
            "rows": len(first_rows),
            "seconds": round(seconds_unchanged, 2),
            "rows_per_s": round(len(first_rows) / seconds_unchanged),
            "unchanged": unchanged.unchanged,
        },
        "reimport_10pct_changed": {
            "rows": len(changed_rows),
            "seconds": round(seconds_changed, 2),
            "rows_per_s": round(len(changed_rows) / seconds_changed),
            "updated": changed.updated,
            "unchanged": changed.unchanged,
        },
        "validate_and_screen_only_gigs_per_s": round(validate_rate),
        "baseline_per_row_service": baseline,
        "database_rows": totals,
        "load_avg_1_5_15_before_after": [round(x, 2) for x in (*load_before, *load_after)],
        "summary": {
            "backend": connection.vendor,
            "rows_per_import": rows_n,
            "import_gigs_per_s_median": round(median_rate),
            "baseline_per_row_gigs_per_s": baseline["gigs_per_s"],
            "ratio": round(median_rate / baseline["gigs_per_s"], 1),
            "target_gigs_per_s": TARGET_GIGS_PER_S,
            "unchanged_rows_per_s": round(len(first_rows) / seconds_unchanged),
            "load_avg_1min": round(load_after[0], 2),
        },
    }
