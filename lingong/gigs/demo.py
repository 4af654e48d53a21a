"""Demo gigs for `manage.py seed_demo`: open postings of the demo employers, posted through the services.

Every posting goes through post_gig, so it is screened, indexed for search and audited exactly like a
real one. Dates follow today's date (shifts over the coming week); everything else comes from a seeded
random generator, so the same database gets the same gigs.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from lingong.accounts.models import Membership, Role, User
from lingong.employers.models import Employer, EmployerStatus
from lingong.workers.demo import CatalogView, Work, gig_short_name, pick_work, point_near

from . import booking, services
from .models import Provided

# What the work is, in the words employers use, by gig category; {name} is the everyday job name.
DUTIES = {
    "制造普工": "车间{name}，按样品要求操作，有师傅带，计件计时均可商量。",
    "建筑装修": "工地{name}，听从班组长安排，注意安全，安全帽等劳保用品由我方提供。",
    "生活服务": "{name}，服务周边住户和商铺，做事细心、守时即可。",
    "物流配送": "仓库和配送{name}，按单拣货、装卸或送货，多劳多得。",
    "新业态": "{name}，时间灵活，按平台单量结算，新手有培训。",
    "餐饮服务": "酒楼/饭店{name}，忙时帮手，需持健康证。",
    "养老托育": "{name}，照顾老人或小朋友日常起居，有耐心，需持健康证。",
    "零售服务": "超市/商铺{name}，理货、收银或促销，普通话或粤语沟通。",
    "家政服务": "家庭{name}，日常清洁和收纳，具体时间可以商量，需持健康证。",
    "安保": "{name}，负责门岗和巡查，按排班上岗。",
    "出行服务": "{name}，熟悉中山道路，持相应驾驶证。",
}
TITLE_TAGS = ["日结", "急招", "今日开工", "长期有活", "", ""]
SETTLEMENTS = [("daily", 0.6), ("weekly", 0.15), ("on_completion", 0.15), ("monthly", 0.1)]
SHIFT_TIMES = [
    ("08:00", "12:00"),
    ("08:00", "17:00"),
    ("09:00", "18:00"),
    ("13:30", "18:00"),
    ("18:00", "22:00"),
]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs], k=1)[0]


def _pay(rng: random.Random, work: Work) -> tuple[Decimal, str]:
    """Typical Zhongshan gig pay, always above the legal minimum so the screen lets it through."""
    if work.gig.category == "制造普工" and rng.random() < 0.15:
        return Decimal(rng.choice(["0.50", "0.80", "1.20", "2.00"])), "piece"
    if rng.random() < 0.6:
        return Decimal(rng.randrange(170, 321, 10)), "day"
    return Decimal(rng.randint(24, 38)), "hour"


def _shifts(rng: random.Random, today: dt.date) -> list[dict[str, str]]:
    start, end = rng.choice(SHIFT_TIMES)
    first = today + dt.timedelta(days=rng.randint(1, 6))
    days = 1 if rng.random() < 0.6 else rng.randint(2, 4)
    return [
        {"date": (first + dt.timedelta(days=i)).isoformat(), "start": start, "end": end} for i in range(days)
    ]


def employer_manager(employer: Employer) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(role=Role.EMPLOYER_MEMBER, employer=employer, is_manager=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def demo_gig_data(rng: random.Random, employer: Employer, work: Work, today: dt.date) -> dict[str, Any]:
    name = gig_short_name(work.gig)
    town = employer.town
    base = (employer.lat, employer.lng) if employer.lat is not None and employer.lng is not None else None
    lat, lng = point_near(rng, *(base or (town.lat, town.lng)), sd_m=800, max_m=3000)
    amount, unit = _pay(rng, work)
    tag = rng.choice(TITLE_TAGS)
    return {
        "occupation": work.occupation.code,
        "title": f"{town.short}{name}{' ' + tag if tag else ''}"[:60],
        "description": DUTIES.get(work.gig.category, "{name}，具体工作到场说明。").format(name=name),
        "requirements": "",
        "headcount": rng.choice([1, 1, 2, 2, 3, 5, 8]),
        "town": town,
        "address": employer.address,
        "lat": lat,
        "lng": lng,
        "pay_amount": str(amount),
        "pay_unit": unit,
        "settlement": _weighted(rng, SETTLEMENTS),
        "provided": sorted(rng.sample(list(Provided.values), rng.randint(0, 3))),
        "certificates": [],
        "insurance": rng.choice(["none", "employer", "employer", "subsidised"]),
        "booking_mode": "instant" if rng.random() < 0.35 else "choose",
        "contact_name": employer.contact_name,
        "contact_phone": employer.contact_phone,
        "shifts": _shifts(rng, today),
    }


def seed_gigs(*, count: int = 300, seed: int = 2026, today: dt.date | None = None) -> dict[str, Any]:
    """Post `count` gigs for the approved demo employers, then let some demo workers apply and claim."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    employers = list(
        Employer.objects.filter(status=EmployerStatus.APPROVED).select_related("town").order_by("pk")
    )
    if not employers:
        return {"gigs": 0, "by_status": {}, "applications": 0, "seconds": 0.0}
    catalog = CatalogView.load({e.town.short for e in employers}, today)
    posted = []
    skipped = 0
    for _ in range(count):
        employer = rng.choice(employers)
        manager = employer_manager(employer)
        works = catalog.by_town.get(employer.town.short) or []
        if manager is None or not works:
            skipped += 1
            continue
        work = pick_work(rng, works, 1)[0]
        try:
            posted.append(
                services.post_gig(
                    actor=manager, employer=employer, data=demo_gig_data(rng, employer, work, today)
                )
            )
        except ValidationError:
            skipped += 1  # a blocked or invalid demo posting is simply left out
    applications = _seed_applications(rng, posted)
    return {
        "gigs": len(posted),
        "skipped": skipped,
        "by_status": dict(Counter(g.status for g in posted)),
        "applications": applications,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _seed_applications(rng: random.Random, gigs: list) -> int:
    """A few demo workers per gig: applications on chosen gigs, claims on instant ones."""
    from lingong.workers.models import Worker

    workers = list(Worker.objects.filter(status="active").select_related("user").order_by("pk")[:400])
    made = 0
    for gig in gigs:
        if gig.status != "open" or not workers:
            continue
        shift = gig.shifts.order_by("starts_at").first()
        for worker in rng.sample(workers, min(len(workers), rng.randint(0, 3))):
            try:
                if gig.is_instant:
                    booking.claim(shift, actor=worker.user)
                else:
                    booking.apply(shift, actor=worker.user)
                made += 1
            except (ValidationError, booking.ShiftFull):
                continue
    return made
