"""Bulk open gigs for scale tests and benchmarks (20,000 at the design point, 100,000 at the stress point).

Like lingong/workers/generate.py this is bulk data, not demo postings: rows go in with bulk_create, one
transaction per batch, bypassing the services (and so the screening and the per-row audit) on purpose;
one audit entry records the run. The search index is written by the same code the services use
(search.index_gigs), so what the benchmark measures is what the site serves.

What a generated gig looks like: an approved employer of the pool (code `GE…`, 5,000 by default, the
design point) in a town weighted by population; work drawn from the catalogue's gig occupations with the
town's specialities weighted up (workers/demo.CatalogView); a title and description written from the
work's everyday names and its category; a point around the town centre; pay in the units that work is
usually paid in; one to seven shifts from yesterday to three weeks ahead. Codes are `GX…`.

Determinism: each gig draws from its own random stream seeded by (seed, sequence number), so the same
seed and sequence numbers give the same gigs whatever the batch size, and a run of 100,000 equals a run
of 20,000 followed by `start=20_001, count=80_000`. Dates are relative to `today`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import Membership, Role, User
from lingong.employers.models import Employer, EmployerKind, EmployerStatus, UsccCheck
from lingong.lib.codes import ALPHABET
from lingong.lib.uscc import make_uscc
from lingong.places.models import Town
from lingong.workers.demo import (
    COMMUNITIES,
    TOWN_TRADES,
    TRADE_NAMES,
    CatalogView,
    Work,
    point_near,
    town_populations,
    weighted,
)

from .models import BookingMode, Gig, GigKind, GigStatus, Insurance, Provided, Settlement, Shift
from .posting import hourly_pay
from .search import index_gigs

GIG_PREFIX = "GX"
EMPLOYER_PREFIX = "GE"
USCC_PREFIX = "91442000GQ"  # + 7 digits: never a demo code (those start MA), valid check character
DEFAULT_EMPLOYERS = 5_000
SETTLEMENTS = [
    (Settlement.DAILY.value, 45),
    (Settlement.WEEKLY.value, 20),
    (Settlement.MONTHLY.value, 15),
    (Settlement.ON_COMPLETION.value, 20),
]
# Units by category: (unit, weight, low, high, step). Hourly rates stay above the local minimum wage.
PAY: dict[str, list[tuple[str, int, float, float, float]]] = {
    "制造普工": [("hour", 45, 22, 32, 0.5), ("piece", 35, 0.35, 3.5, 0.05), ("day", 20, 160, 260, 10)],
    "家政服务": [("hour", 60, 30, 50, 5), ("day", 40, 200, 380, 10)],
    "养老托育": [("day", 60, 180, 320, 10), ("hour", 40, 28, 45, 1)],
    "物流配送": [("day", 50, 180, 320, 10), ("hour", 30, 22, 35, 1), ("order", 20, 4, 9, 0.5)],
    "建筑装修": [("day", 80, 250, 500, 10), ("piece", 20, 5, 60, 5)],
    "餐饮服务": [("hour", 50, 22, 30, 1), ("day", 50, 160, 260, 10)],
}
DEFAULT_PAY = [("hour", 40, 22, 35, 1), ("day", 40, 160, 300, 10), ("shift", 20, 120, 240, 10)]
TASKS: dict[str, list[str]] = {
    "制造普工": [
        "在{trade}车间做{work}，流水线作业，坐着干活为主，车间有风扇和空调。",
        "{work}，按件计酬多劳多得，新手有师傅带，熟练后单价上调，提供工装。",
        "旺季赶货，招{work}若干，工厂在{place}，按时结算工资，加班另计。",
    ],
    "家政服务": [
        "{place}家庭需要{work}，打扫卫生、整理收纳、做一餐饭，每次约四小时。",
        "{work}，负责家庭日常清洁和做饭，雇主和气，做得好可长期合作。",
        "新房入住前开荒清洁，需要{work}两到三人，清洁剂和工具由我方提供。",
    ],
    "养老托育": [
        "{place}照护一位行动不便的老人，{work}负责陪护、协助吃饭和翻身。",
        "{work}，医院陪护病人，白天或夜间班次可选，有相关经验更好。",
    ],
    "物流配送": [
        "{place}仓库{work}，负责货物装卸、分拣和上架，货量稳定，按时结算。",
        "{work}，电商大促期间夜班分拣，有人带班，提供夜宵。",
        "{work}，跟车送货装卸，路线固定在{place}周边。",
    ],
    "建筑装修": [
        "住宅装修项目招{work}，在{place}，按进度结算，工具自带或由我方提供。",
        "{work}，厂房翻新工程，需按安全规范施工，现场提供安全帽和安全带。",
    ],
    "餐饮服务": [
        "{place}酒楼招{work}，午市晚市繁忙时段，包一餐。",
        "{work}，餐厅后厨帮忙，负责洗菜切配和清洁，提供工作餐。",
        "周末婚宴{work}，负责上菜、收台和场地整理，活动结束当天结算。",
    ],
}
DEFAULT_TASKS = [
    "{work}，工作地点在{place}，按约定时间上下班，按时结算报酬。",
    "{trade}招{work}，有经验者上手快，新手也可以学，报酬当面说清楚。",
]
TITLE_SUFFIXES = ["", "", " 日结", " 急招", " 长期", " 周末", " 夜班", " 包餐", " 多名"]
START_HOURS = [7, 8, 8, 9, 9, 13, 14, 18, 20, 22]
SHIFT_HOURS = [4, 5, 8, 8, 8, 9, 10]
SHIFT_COUNTS = [(1, 55), (2, 15), (3, 15), (5, 10), (7, 5)]
# Days from today of the first shift: a few gigs started yesterday (their later shifts still open).
FIRST_DAY = [(-1, 5), (0, 20), (1, 20), (2, 10), (3, 10), (4, 8), (5, 7), (6, 5), (10, 8), (14, 5), (20, 2)]


def base31(seq: int, width: int = 7) -> str:
    digits = []
    for _ in range(width):
        seq, r = divmod(seq, len(ALPHABET))
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


def generated_gigs():
    return Gig.objects.filter(code__startswith=GIG_PREFIX)


@dataclass
class GenerateResult:
    gigs: int
    employers_created: int
    shifts: int
    terms: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def gigs_per_s(self) -> float:
        return self.gigs / self.seconds if self.seconds else 0.0


@dataclass
class _Plan:
    towns: list[Town]
    cum_towns: list[float]
    works: dict[int, tuple[list[Work], list[float]]]  # town id → works and cumulative weights
    employers: list[tuple[int, int, str]]  # (employer id, town id, trade) by pool index
    actor_id: int
    town_by_id: dict[int, Town] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.town_by_id = {t.pk: t for t in self.towns}


def _employer_rows(count: int, seed: int, towns: list[Town], cum: list[float], actor_id: int, now):
    """The employer pool, created once; existing `GE…` rows are kept (so a later run shares them)."""
    existing = set(Employer.objects.filter(code__startswith=EMPLOYER_PREFIX).values_list("code", flat=True))
    rows = []
    for i in range(count):
        code = EMPLOYER_PREFIX + base31(i)
        if code in existing:
            continue
        rng = random.Random(f"{seed}:employer:{i}")
        town = rng.choices(towns, cum_weights=cum)[0]
        industry, suffix = rng.choice(TOWN_TRADES.get(town.short) or [("综合", "实业有限公司")])
        lat, lng = point_near(rng, town.lat, town.lng, sd_m=1500, max_m=5000)
        ratings = rng.random() < 0.6
        rows.append(
            Employer(
                code=code,
                kind=EmployerKind.ENTERPRISE,
                name=f"中山市{town.short}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{suffix}",
                uscc=make_uscc(f"{USCC_PREFIX}{i:07d}"),
                uscc_check=UsccCheck.PASSED,
                contact_name="人事部",
                contact_phone=f"135{i:08d}",
                town=town,
                address=f"中山市{town.name}{rng.choice(COMMUNITIES.get(town.short) or [town.short])}",
                lat=lat,
                lng=lng,
                industry=industry,
                description="压测数据",
                status=EmployerStatus.APPROVED,
                verified_by_id=actor_id,
                verified_at=now,
                reverify_due=timezone.localdate(now) + dt.timedelta(days=365),
                submitted_at=now,
                warnings=1 if rng.random() < 0.05 else 0,
                complaints=rng.choice([0, 0, 0, 0, 1, 3]) if rng.random() < 0.1 else 0,
                rating_avg=Decimal(rng.choice(["4.8", "4.5", "4.2", "3.6", "2.8"])) if ratings else None,
                rating_count=rng.randint(5, 80) if ratings else 0,
            )
        )
    Employer.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _actor() -> User:
    """Who the generated gigs are created by: the first city admin, else a dedicated account."""
    admin = (
        Membership.objects.filter(role=Role.CITY_ADMIN, active=True)
        .order_by("id")
        .values_list("user_id", flat=True)
        .first()
    )
    if admin is not None:
        return User.objects.get(pk=admin)
    user, created = User.objects.get_or_create(
        username="gig-generator", defaults={"display_name": "压测数据"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _load_plan(seed: int, employers: int, now: dt.datetime) -> tuple[_Plan, int]:
    towns = list(Town.objects.order_by("plan_seq"))
    if not towns:
        raise ValueError("镇街参考数据为空：请先运行 manage.py load_reference")
    population = town_populations(towns)
    cum = list(accumulate(population[t.short] for t in towns))
    catalog = CatalogView.load([t.short for t in towns], timezone.localdate(now))
    works = {}
    for t in towns:
        own = catalog.by_town.get(t.short, [])
        works[t.pk] = (own, list(accumulate(w.weight for w in own)))
    actor = _actor()
    created = _employer_rows(employers, seed, towns, cum, actor.pk, now)
    pool = [
        (pk, town_id, industry or "")
        for pk, town_id, industry in Employer.objects.filter(code__startswith=EMPLOYER_PREFIX)
        .order_by("code")
        .values_list("pk", "town_id", "industry")[:employers]
    ]
    return _Plan(towns, cum, works, pool, actor.pk), created


def _draw_pay(rng: random.Random, category: str) -> tuple[Decimal, str]:
    options = PAY.get(category, DEFAULT_PAY)
    unit, _, low, high, step = weighted(rng, [(o, o[1]) for o in options])
    steps = int(round((high - low) / step))
    amount = Decimal(str(low)) + Decimal(str(step)) * rng.randint(0, steps)
    return amount.quantize(Decimal("0.01")), unit


def _shifts(rng: random.Random, today: dt.date, tz) -> list[tuple[dt.datetime, dt.datetime]]:
    n = weighted(rng, SHIFT_COUNTS)
    first = today + dt.timedelta(days=weighted(rng, FIRST_DAY))
    hour, length = rng.choice(START_HOURS), rng.choice(SHIFT_HOURS)
    out = []
    for k in range(n):
        start = dt.datetime.combine(first + dt.timedelta(days=k), dt.time(hour), tzinfo=tz)
        out.append((start, start + dt.timedelta(hours=length)))
    return out


def _gig(seq: int, seed: int, plan: _Plan, today: dt.date, now: dt.datetime, tz):
    rng = random.Random(f"{seed}:gig:{seq}")
    employer_id, town_id, trade = plan.employers[rng.randrange(len(plan.employers))]
    town = plan.town_by_id[town_id]
    works, cum = plan.works[town_id]
    work = rng.choices(works, cum_weights=cum)[0]
    names = work.gig.aliases or [work.occupation.name]
    name = rng.choice(names)
    place = rng.choice([town.short, *(COMMUNITIES.get(town.short) or [])])
    category = work.gig.category
    factory = f"{trade}厂{name}" if trade and category == "制造普工" else f"{town.short}{name}"
    title = rng.choice([name, f"{town.short}{name}", f"{place}{name}", factory])
    title = (title + rng.choice(TITLE_SUFFIXES))[:60]
    description = rng.choice(TASKS.get(category, DEFAULT_TASKS)).format(
        work=name, place=place, trade=trade or "本公司"
    )
    amount, unit = _draw_pay(rng, category)
    shifts = _shifts(rng, today, tz)
    lat, lng = point_near(rng, town.lat, town.lng)
    headcount = rng.choice([1, 1, 2, 2, 3, 5, 8, 10])
    provided = sorted(p for p in Provided.values if rng.random() < 0.25)
    gig = Gig(
        code=GIG_PREFIX + base31(seq),
        employer_id=employer_id,
        kind=GigKind.PUBLIC_WELFARE if rng.random() < 0.03 else GigKind.REGULAR,
        occupation_id=work.occupation.pk,
        title=title,
        description=description,
        headcount=headcount,
        town_id=town_id,
        address=f"中山市{town.name}{place}",
        lat=lat,
        lng=lng,
        pay_amount=amount,
        pay_unit=unit,
        settlement=weighted(rng, SETTLEMENTS),
        provided=provided,
        insurance=rng.choice([Insurance.NONE, Insurance.EMPLOYER, Insurance.EMPLOYER, Insurance.SUBSIDISED]),
        booking_mode=BookingMode.INSTANT if rng.random() < 0.2 else BookingMode.CHOOSE,
        contact_name="人事部",
        contact_phone=f"188{rng.randrange(10**8):08d}",
        status=GigStatus.OPEN,
        created_by_id=plan.actor_id,
        published_at=now - dt.timedelta(minutes=rng.randint(5, 14 * 24 * 60)),
        first_start=shifts[0][0],
        last_end=shifts[-1][1],
        hourly_pay=hourly_pay(amount, unit, shifts),
    )
    secret = f"{rng.getrandbits(128):032x}"
    return gig, [(s, e, headcount, secret) for s, e in shifts]


def generate_gigs(
    count: int,
    *,
    seed: int = 7,
    start: int = 1,
    employers: int = DEFAULT_EMPLOYERS,
    batch: int = 5_000,
    now: dt.datetime | None = None,
) -> GenerateResult:
    """Generate gigs with sequence numbers start … start+count-1 (see the module docstring)."""
    if count < 0 or batch < 1 or employers < 1:
        raise ValueError("数量不能为负，批大小和用工主体数至少为 1")
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    started = time.perf_counter()
    phases = {"employers": 0.0, "build": 0.0, "insert": 0.0, "index": 0.0}
    with transaction.atomic():
        plan, created = _load_plan(seed, employers, now)
    phases["employers"] = time.perf_counter() - started
    shifts_total = terms_total = 0
    for first in range(start, start + count, batch):
        t0 = time.perf_counter()
        built = [
            _gig(seq, seed, plan, today, now, tz) for seq in range(first, min(first + batch, start + count))
        ]
        t1 = time.perf_counter()
        with transaction.atomic():
            gigs = Gig.objects.bulk_create([g for g, _ in built])
            shifts = [
                Shift(gig_id=g.pk, starts_at=s, ends_at=e, headcount=h, checkin_secret=secret)
                for g, (_, rows) in zip(gigs, built, strict=True)
                for s, e, h, secret in rows
            ]
            Shift.objects.bulk_create(shifts, batch_size=batch)
            t2 = time.perf_counter()
            terms_total += index_gigs(gigs, batch_size=batch, replace=False)
        t3 = time.perf_counter()
        shifts_total += len(shifts)
        phases["build"] += t1 - t0
        phases["insert"] += t2 - t1
        phases["index"] += t3 - t2
    with transaction.atomic():
        audit.record(
            None,
            "gig.bulk_generate",
            _Run(seed, start, count),
            summary=f"批量生成压测用零工岗位 {count} 个（种子 {seed}，编号 {start} 起），未逐条审计",
        )
    return GenerateResult(count, created, shifts_total, terms_total, time.perf_counter() - started, phases)


class _Run:
    """What the audit entry of a generator run points at (there is no single row to name)."""

    def __init__(self, seed: int, start: int, count: int):
        self.code = f"{GIG_PREFIX}*-seed{seed}-from{start}"
        self.pk = None
        self.count = count

    def __str__(self) -> str:
        return f"生成的零工岗位 {self.count} 个"
