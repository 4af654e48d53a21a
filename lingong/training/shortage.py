"""Shortage occupations (急需紧缺工种): where open gig places outnumber the people looking for that work.

The one place the formula lives. For an occupation (a 2022 细类 code) in an area (one town, or the
whole city when no town is given):

    openings = Σ (Shift.headcount − Shift.booked)
               over shifts that are open, start within the next HORIZON_DAYS days, and belong to a
               public gig (Gig.objects.public(): open, employer verified) of that occupation whose
               place is in the area
    seekers  = number of active workers who list the occupation and live in the area
               (home town; the town of their station when they gave no home town)
    ratio    = openings / max(seekers, 1)            (the 求人倍率 of that occupation)
    gap      = openings − seekers

An occupation is short when openings ≥ MIN_OPENINGS and ratio ≥ SHORTAGE_RATIO. The list is ordered by
gap (most missing people first), then ratio, then code. Workers booked on some shifts still count as
seekers: a day's booking does not take them out of the market.

Other apps call shortage_occupations(town=None, limit=20); the training recommendations, the staff desk
and GET /api/v1/training/shortages all read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from lingong.catalog.models import Occupation
from lingong.gigs.models import Gig, Shift, ShiftStatus
from lingong.places.models import Town
from lingong.workers.models import WorkerOccupation, WorkerStatus

HORIZON_DAYS = 30
MIN_OPENINGS = 3
SHORTAGE_RATIO = 1.5


@dataclass(frozen=True)
class Shortage:
    occupation_code: str
    occupation_name: str
    openings: int
    seekers: int
    ratio: float
    gap: int
    town: str  # the town's name, or "全市"

    @property
    def reason(self) -> str:
        """Plain words for a worker: “小榄镇现在缺 12 个保洁员，只有 2 人在找这类活”."""
        return (
            f"{self.town}现在有 {self.openings} 个“{self.occupation_name}”空位，"
            f"只有 {self.seekers} 人在找这类活"
        )


def open_places(town: Town | None = None, *, now: dt.datetime | None = None) -> dict[int, int]:
    """occupation id → open places on public gigs in the area within the horizon."""
    now = now or timezone.now()
    shifts = Shift.objects.filter(
        status=ShiftStatus.OPEN,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=HORIZON_DAYS),
        booked__lt=F("headcount"),
        gig__in=Gig.objects.public(),
    )
    if town is not None:
        shifts = shifts.filter(gig__town=town)
    rows = shifts.values("gig__occupation_id").annotate(places=Sum(F("headcount") - F("booked")))
    return {r["gig__occupation_id"]: int(r["places"] or 0) for r in rows}


def seekers(occupation_ids: list[int], town: Town | None = None) -> dict[int, int]:
    """occupation id → active workers in the area who list it."""
    qs = WorkerOccupation.objects.filter(occupation_id__in=occupation_ids, worker__status=WorkerStatus.ACTIVE)
    if town is not None:
        qs = qs.filter(
            Q(worker__home_town=town) | Q(worker__home_town__isnull=True, worker__station__town=town)
        )
    rows = qs.values("occupation_id").annotate(n=Count("worker_id", distinct=True))
    return {r["occupation_id"]: r["n"] for r in rows}


def shortage_occupations(
    town: Town | None = None, limit: int = 20, *, now: dt.datetime | None = None
) -> list[Shortage]:
    """The area's shortage occupations, most missing people first (see the module docstring)."""
    places = {k: v for k, v in open_places(town, now=now).items() if v >= MIN_OPENINGS}
    if not places:
        return []
    people = seekers(list(places), town)
    occupations = {
        i: (code, name)
        for i, code, name in Occupation.objects.filter(id__in=places).values_list("id", "code", "name")
    }
    area = town.name if town is not None else "全市"
    found = []
    for occ_id, openings in places.items():
        n = people.get(occ_id, 0)
        ratio = openings / max(n, 1)
        if ratio >= SHORTAGE_RATIO:
            code, name = occupations[occ_id]
            found.append(Shortage(code, name, openings, n, round(ratio, 2), openings - n, area))
    found.sort(key=lambda s: (-s.gap, -s.ratio, s.occupation_code))
    return found[: max(0, limit)]


def shortage_map(town: Town | None, *, now: dt.datetime | None = None) -> dict[str, Shortage]:
    """occupation code → the shortage that concerns a person in this town: their town's if the
    occupation is short there, otherwise the city's."""
    found = {s.occupation_code: s for s in shortage_occupations(None, limit=200, now=now)}
    if town is not None:
        found.update({s.occupation_code: s for s in shortage_occupations(town, limit=200, now=now)})
    return found
