"""Database builders for matching tests: a 东区 employer's gig and workers living next to it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lingong.catalog.models import Occupation
from lingong.gigs.tests.factories import approved_employer, make_worker, open_gig
from lingong.workers import services as worker_services

CLEANER = "4-09-08-01"  # 保洁员
ELECTRICIAN = "6-31-01-03"  # 电工
NEAR = {"home_lat": 22.5250, "home_lng": 113.3990}  # ~0.6 km from the gig at 22.5200, 113.3950


def day(n: int = 1) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def worker_with(personas, code: str = CLEANER, *, name: str = "梁伯", level: str = "skilled", **profile):
    worker = make_worker(personas.coordinator_a, personas.station_a, name=name, **{**NEAR, **profile})
    worker_services.set_occupations(
        worker, actor=personas.coordinator_a, items=[(Occupation.objects.get(code=code), level)]
    )
    return worker


def employer_gig(personas, **overrides):
    return open_gig(personas.employer, approved_employer(personas), **overrides)
