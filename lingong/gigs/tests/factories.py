"""Builders for gig tests. Everything goes through the services, as a person would."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from lingong.employers.models import Employer
from lingong.employers.services import review_employer
from lingong.gigs import services
from lingong.gigs.models import Gig
from lingong.lib.idcard import make_id
from lingong.workers.models import ConsentPurpose, RegisteredVia, Worker
from lingong.workers.services import register_worker

_serial = itertools.count(1)


def approved_employer(personas) -> Employer:
    """The employer persona's company, approved by the city admin."""
    employer = Employer.objects.get(pk=next(iter(personas.employer.employer_ids)))
    if not employer.is_verification_current():
        employer = review_employer(employer, actor=personas.city_admin, decision="approve")
    return employer


def tomorrow(hour: int = 8) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def gig_data(town, **overrides: Any) -> dict[str, Any]:
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data: dict[str, Any] = {
        "occupation": "4-09-08-01",  # 保洁员
        "title": "写字楼保洁 日结",
        "description": "负责写字楼公共区域日常清洁，工具由我方提供。",
        "requirements": "",
        "headcount": 3,
        "town": town,
        "address": "中山市东区兴中道8号",
        "lat": 22.5200,
        "lng": 113.3950,
        "pay_amount": "180",
        "pay_unit": "day",
        "settlement": "daily",
        "provided": ["meals", "tools"],
        "certificates": [],
        "insurance": "employer",
        "booking_mode": "choose",
        "contact_name": "周经理",
        "contact_phone": "13900000005",
        "shifts": [{"date": day, "start": "08:00", "end": "17:00"}],
    }
    data.update(overrides)
    return data


def open_gig(actor, employer: Employer, **overrides: Any) -> Gig:
    """A published gig: saved as a draft and submitted through the screen."""
    gig = services.save_draft(actor=actor, employer=employer, data=gig_data(employer.town, **overrides))
    gig = services.submit(gig, actor=actor)
    assert gig.status == "open", gig.findings
    return gig


def make_worker(coordinator, station, *, phone: str | None = None, name: str = "梁伯", **profile) -> Worker:
    """A worker registered at a station by its coordinator (代登记), with optional profile fields."""
    n = next(_serial)
    worker = register_worker(
        actor=coordinator,
        via=RegisteredVia.ASSISTED,
        phone=phone or f"1370000{n:04d}",
        real_name=name,
        id_number=make_id("442000", dt.date(1970, 1, 1) + dt.timedelta(days=n), n % 500 + 1),
        consents=list(ConsentPurpose.values),
        station=station,
    )
    if profile:
        Worker.objects.filter(pk=worker.pk).update(**profile)
        worker.refresh_from_db()
    return worker
