"""Bulk workers for scale tests and benchmarks: `manage.py generate_workers --count 200000 --seed 7`.

This is bulk data, not demo people. Rows go straight into the tables (executemany on SQLite, COPY on
PostgreSQL), one transaction per batch, bypassing the service functions and their per-row audit on
purpose: 200,000 hash-chained audit entries would cost more than the data and record nothing anyone did.
A single audit entry records the run itself. For believable people written through the services
(validation, audit) use `seed_demo` (lingong.workers.demo).

What a generated worker looks like: the same rows a registration leaves (User with an unusable password,
Worker, the worker Membership, three Consents), plus 1–3 occupations, certificates for the work that
needs them (some lapsed), a few blocked dates, and hardship records for about one in ten. The resident ID
is a valid number (check digit, real birth date, age 16–65), stored as the services store it: encrypted
with lingong.lib.crypto.encrypt, blind-indexed with services.id_lookup_key, masked with mask_id. The
tier is derived by the one tier rule (tiers.derive_tier) from the generated facts, so
services.recompute_tier would agree with it.

Generated rows are recognised by username `g<seq>` (USERNAME_RE) and worker code `G…` (random codes from
lingong.lib.codes start with “WK”). `--replace` deletes exactly those rows first; without it the command
refuses to run when generated rows exist.

Determinism: the same seed, count and `today` (on the same reference data and data key) give identical
rows (codes, names, IDs and their blind index, points, dates, occupations), independent of the batch
size. Only the ciphertexts differ: AES-GCM must never reuse a nonce. Primary keys depend on what the
tables already hold.

Speed notes (measured in bench/bench_worker_generator.py): primary keys are pre-assigned (PostgreSQL:
reserved from the table's sequence; SQLite: MAX(id)+1 under the batch's IMMEDIATE write lock), so child
rows can point at their parents without RETURNING round trips; values are adapted once per column kind,
not through Model instances. ID encryption and blind indexing cost ~13 µs per worker once the data key
is cached in-process (it was ~45 µs, a fifth of the run, while lib/crypto re-read the key file per call).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import Membership, Role, User
from lingong.catalog.models import HardshipCategory
from lingong.lib.codes import ALPHABET as CODE_ALPHABET
from lingong.lib.crypto import encrypt
from lingong.lib.idcard import age_on, make_id, mask_id
from lingong.places.models import Station, StationStatus, Town

from .demo import (
    AVAILABILITY,
    COMMUNITIES,
    SETTLEMENTS,
    CatalogView,
    Work,
    birth_for_age,
    draw_age,
    draw_languages,
    draw_name,
    draw_pay,
    draw_travel,
    draw_waiting_days,
    eligible_categories,
    hardship_evidence,
    is_manufacturing,
    point_near,
    town_populations,
    weighted,
)
from .models import (
    CONSENT_VERSION,
    BlockedDate,
    Consent,
    ConsentPurpose,
    ExperienceLevel,
    HardshipRecord,
    HardshipStatus,
    RegisteredVia,
    Worker,
    WorkerCertificate,
    WorkerOccupation,
    WorkerStatus,
)
from .services import ID_CONTEXT, id_lookup_key
from .tiers import TierInput, derive_tier

USERNAME_PREFIX = "g"
USERNAME_RE = r"^g[0-9]+$"
CODE_PREFIX = "G"
CODE_DIGITS = 7  # 31**7 ≈ 2.8e10 codes: far beyond any count we generate
# Mobile prefixes for generated accounts (demo people use 139/136, demo staff 138).
PHONE_PREFIXES = ("150", "151", "152", "153", "155", "156", "157", "158", "159")
# Where the residents of a manufacturing city come from: Zhongshan itself and the usual home prefectures
# of migrant workers (6-digit GB/T 2260 codes of the prefecture), with a dialect that often goes with it.
REGIONS: list[tuple[tuple[str, str], float]] = [
    (("442000", ""), 40),  # 中山
    (("440800", "粤语"), 7),  # 湛江
    (("440900", "粤语"), 7),  # 茂名
    (("441400", "客家话"), 5),  # 梅州
    (("445200", "潮汕话"), 3),  # 揭阳
    (("441500", "潮汕话"), 2),  # 汕尾
    (("431000", ""), 5),  # 湖南郴州
    (("430500", ""), 4),  # 湖南邵阳
    (("450900", "粤语"), 6),  # 广西玉林
    (("451000", ""), 4),  # 广西百色
    (("511300", ""), 4),  # 四川南充
    (("360700", "客家话"), 5),  # 江西赣州
    (("421100", ""), 4),  # 湖北黄冈
    (("520500", ""), 3),  # 贵州毕节
]
LEVELS = [e.value for e in ExperienceLevel]
Rows = dict[str, list[list[Any]]]  # table name → rows of one batch, in the Table's column order


class GeneratorError(Exception):
    """A reason the generator will not run; the message is in Chinese."""


def generated_users() -> models.QuerySet[User]:
    return User.objects.filter(username__regex=USERNAME_RE)


def generated_workers() -> models.QuerySet[Worker]:
    return Worker.objects.filter(code__startswith=CODE_PREFIX, user__username__regex=USERNAME_RE)


def worker_code(seq: int) -> str:
    """G + base-31 of seq in the kiosk-friendly alphabet, fixed width: unique and ordered by seq."""
    digits = []
    for _ in range(CODE_DIGITS):
        seq, r = divmod(seq, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[r])
    if seq:
        raise GeneratorError("生成数量超出编号范围")
    return CODE_PREFIX + "".join(reversed(digits))


# --- inserting --------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A multi-row INSERT for one model with a fixed column list; values adapted per column kind."""

    model: type[models.Model]
    fields: Sequence[str]  # attnames, "id" first
    sql: str = ""
    copy_sql: str = ""
    adapters: list[tuple[int, Callable[[Any], Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        meta = self.model._meta
        qn = connection.ops.quote_name
        by_attname = {f.attname: f for f in meta.concrete_fields}
        unknown = [f for f in self.fields if f not in by_attname]
        # A new NOT NULL column without a database default would make every insert fail: say so plainly.
        required = {
            f.attname
            for f in meta.concrete_fields
            if not f.null and not f.primary_key and f.db_default is models.NOT_PROVIDED
        }
        missing = sorted(required - set(self.fields))
        if unknown or missing:
            raise GeneratorError(
                f"{meta.label} 的字段与生成器不一致（多余：{unknown}，缺少：{missing}），"
                "请更新 lingong/workers/generate.py"
            )
        columns = ", ".join(qn(by_attname[f].column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the model's _meta, values are bound parameters.
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
        ops = connection.ops
        for i, name in enumerate(self.fields):
            f = by_attname[name]
            if isinstance(f, models.DateTimeField):
                self.adapters.append((i, ops.adapt_datetimefield_value))
            elif isinstance(f, models.JSONField):
                self.adapters.append((i, _json_adapter(f.encoder)))

    def insert(self, rows: list[list[Any]]) -> int:
        if not rows:
            return 0
        for row in rows:
            for i, adapt in self.adapters:
                if row[i] is not None:
                    row[i] = adapt(row[i])
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's own cursor
            if connection.vendor == "postgresql" and hasattr(raw, "copy"):
                # psycopg 3: COPY streams the rows in one command, ~3× faster than a pipelined
                # executemany over loopback. SQLite has no network round trips, so executemany is as good.
                with raw.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, rows)
        return len(rows)


def _json_adapter(encoder: Any) -> Callable[[Any], Any]:
    def adapt(value: Any) -> Any:
        return connection.ops.adapt_json_value(value, encoder)

    return adapt


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """n primary keys for explicit inserts.

    PostgreSQL: taken from the table's own sequence, so concurrent inserts never collide and the sequence
    stays ahead. Other backends (SQLite): MAX(id)+1; the batch transaction holds SQLite's write lock
    (transaction_mode IMMEDIATE), and an explicit rowid above the maximum also advances AUTOINCREMENT.
    """
    if n <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
            )
            return [row[0] for row in cursor.fetchall()]
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(table)}")  # noqa: S608 - names from _meta
        start = (cursor.fetchone()[0] or 0) + 1
    return list(range(start, start + n))


def _delete_in(model: type[models.Model], column: str, ids: models.QuerySet) -> int:
    """DELETE … WHERE column IN (subquery): one statement, no objects loaded, no cascade collection."""
    qn = connection.ops.quote_name
    sub, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn(column)} IN ({sub})", params)  # noqa: S608
        return cursor.rowcount


def delete_generated() -> dict[str, int]:
    """Remove every generated worker and account (and only those). Refuses if other records use them."""
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            worker_ids = generated_workers().values("pk")
            for model in (WorkerOccupation, WorkerCertificate, BlockedDate, HardshipRecord, Consent):
                counts[model._meta.label] = _delete_in(model, "worker_id", worker_ids)
            user_ids = generated_users().values("pk")
            counts[Worker._meta.label] = _delete_in(Worker, "id", worker_ids)
            counts[Membership._meta.label] = _delete_in(Membership, "user_id", user_ids)
            counts[User._meta.label] = _delete_in(User, "id", user_ids)
    except IntegrityError as exc:
        # Foreign keys are deferred: a booking, pay record or audit entry pointing at a generated row
        # surfaces here, at commit, and nothing is deleted.
        raise GeneratorError(f"生成的求职者已被其他记录引用（如报名、派工、审计），未删除：{exc}") from exc
    return counts


# --- the world the workers live in ------------------------------------------------------------------------


@dataclass
class TownPlan:
    town: Town
    stations: list[int]
    works: list[Work]
    cum_work: list[float]
    communities: list[str]


@dataclass
class World:
    towns: list[TownPlan]
    cum_towns: list[float]
    juvenile: list[Work]
    cum_juvenile: list[float]
    certificates: dict[int, list[Any]]
    categories: list[HardshipCategory]
    admin_id: int | None
    existing_ids: set[str]

    @classmethod
    def load(cls, today: dt.date) -> World:
        towns = list(Town.objects.order_by("plan_seq"))
        if not towns:
            raise GeneratorError("镇街参考数据为空：请先运行 manage.py load_reference")
        catalog = CatalogView.load([t.short for t in towns], today)
        stations: dict[int, list[Station]] = {}
        operating = list(Station.objects.filter(status=StationStatus.OPERATING).order_by("id"))
        for s in operating:
            stations.setdefault(s.town_id, []).append(s)
        population = town_populations(towns)
        plans = []
        for t in towns:
            own = [s.pk for s in stations.get(t.pk, [])]
            if not own and operating:
                # No operating station in the town yet: the nearest one elsewhere serves it.
                nearest = min(operating, key=lambda s: (s.lat - t.lat) ** 2 + (s.lng - t.lng) ** 2)
                own = [nearest.pk]
            works = catalog.by_town.get(t.short, [])
            plans.append(
                TownPlan(
                    t,
                    own,
                    works,
                    list(accumulate(w.weight for w in works)),
                    COMMUNITIES.get(t.short) or [f"{t.short}社区"],
                )
            )
        admin = (
            Membership.objects.filter(role=Role.CITY_ADMIN, active=True, user__is_active=True)
            .order_by("id")
            .values_list("user_id", flat=True)
            .first()
        )
        existing = set(
            Worker.objects.exclude(code__startswith=CODE_PREFIX).values_list("id_index", flat=True)
        )
        return cls(
            towns=plans,
            cum_towns=list(accumulate(population[t.short] for t in towns)),
            juvenile=catalog.juvenile,
            cum_juvenile=list(accumulate(w.weight for w in catalog.juvenile)),
            certificates=catalog.certificates,
            categories=catalog.categories,
            admin_id=admin,
            existing_ids=existing,
        )


# --- generating -------------------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    count: int
    seconds: float
    rows: dict[str, int]
    # seconds: deleting earlier rows (--replace), building rows, encrypting and indexing IDs, inserting,
    # committing
    phases: dict[str, float]
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def workers_per_s(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def rows_per_s(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


USER_FIELDS = (
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
    "is_staff", "is_active", "date_joined", "phone", "display_name",
)  # fmt: skip
WORKER_FIELDS = (
    "id", "code", "user_id", "real_name", "id_cipher", "id_index", "id_masked", "birth_date", "sex",
    "station_id", "registered_via", "registered_by_id", "registered_at", "home_town_id", "home_community",
    "home_lat", "home_lng", "travel_minutes", "travel_mode", "availability", "expected_pay",
    "expected_pay_unit", "settlement_pref", "languages", "intro", "looking_since", "tier", "tier_reason",
    "matching_opt_out", "status", "updated_at",
)  # fmt: skip
MEMBERSHIP_FIELDS = (
    "id", "user_id", "role", "town_id", "station_id", "employer_id", "is_manager", "active", "created_at",
)  # fmt: skip
CONSENT_FIELDS = (
    "id",
    "worker_id",
    "purpose",
    "version",
    "given_at",
    "channel",
    "witnessed_by_id",
    "withdrawn_at",
)
OCCUPATION_FIELDS = ("id", "worker_id", "occupation_id", "level")
CERTIFICATE_FIELDS = ("id", "worker_id", "certificate_id", "number", "expires_on", "verified")
BLOCKED_FIELDS = ("id", "worker_id", "date")
HARDSHIP_FIELDS = (
    "id", "worker_id", "category_id", "evidence", "status", "note", "valid_until", "recorded_by_id",
    "recorded_at", "verified_by_id", "verified_at",
)  # fmt: skip


class Generator:
    """Builds and inserts one batch at a time from a single random stream (so batch size never matters)."""

    def __init__(self, *, count: int, seed: int, today: dt.date):
        self.count, self.seed, self.today = count, seed, today
        self.rng = random.Random(seed)
        self.world = World.load(today)
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.tables = {
            "users": Table(User, USER_FIELDS),
            "workers": Table(Worker, WORKER_FIELDS),
            "memberships": Table(Membership, MEMBERSHIP_FIELDS),
            "consents": Table(Consent, CONSENT_FIELDS),
            "occupations": Table(WorkerOccupation, OCCUPATION_FIELDS),
            "certificates": Table(WorkerCertificate, CERTIFICATE_FIELDS),
            "blocked_dates": Table(BlockedDate, BLOCKED_FIELDS),
            "hardships": Table(HardshipRecord, HARDSHIP_FIELDS),
        }
        self.rows: dict[str, int] = dict.fromkeys(self.tables, 0)
        self.phases = {"build": 0.0, "crypto": 0.0, "insert": 0.0, "commit": 0.0}
        # Phones: a fixed bijection of seq (a·n + b mod 10^8 with a coprime to 10^8), so they look random,
        # never repeat, and are the same on every run; numbers already taken by real users are skipped.
        self.phone_a = 7_654_321
        self.phone_b = random.Random(f"phone:{seed}").randrange(10**8)
        self.spare_phone = count  # past the range seq uses: replacements for taken numbers
        self.taken_phones = set(
            User.objects.filter(phone__regex=r"^15")
            .exclude(username__regex=USERNAME_RE)
            .values_list("phone", flat=True)
        )
        self.id_counters: dict[tuple[str, int, int], int] = {}

    # -- per-field helpers --

    def _phone(self, n: int) -> str:
        while True:
            phone = PHONE_PREFIXES[n % 9] + f"{((n // 9) * self.phone_a + self.phone_b) % 10**8:08d}"
            if phone not in self.taken_phones:
                return phone
            n, self.spare_phone = self.spare_phone, self.spare_phone + 1

    def _id_number(self, region: str, birth: dt.date, male: bool) -> tuple[str, str]:
        """A valid, unused ID (and its blind index): the 3-digit sequence carries the sex parity."""
        while True:
            key = (region, birth.toordinal(), int(male))
            k = self.id_counters.get(key, 0)
            if k >= 500:  # 500 people of one sex born on one day in one prefecture: a day earlier
                birth -= dt.timedelta(days=1)
                continue
            self.id_counters[key] = k + 1
            number = make_id(region, birth, 2 * k + int(male))
            t0 = time.perf_counter()
            index = id_lookup_key(number)
            self.phases["crypto"] += time.perf_counter() - t0
            if index not in self.world.existing_ids:
                return number, index

    def _pick(self, works: list[Work], cum: list[float], k: int) -> list[Work]:
        chosen: list[Work] = []
        for _ in range(k * 2):  # duplicates are dropped; a few extra draws keep k on average
            work = self.rng.choices(works, cum_weights=cum, k=1)[0]
            if work not in chosen:
                chosen.append(work)
                if len(chosen) == k:
                    break
        return chosen

    # -- one batch --

    def batch(self, first_seq: int, size: int) -> None:
        """Build `size` workers (seq first_seq…) with all their rows and insert them."""
        self.insert(self.build(first_seq, size))

    def build(self, first_seq: int, size: int) -> Rows:
        """The rows of `size` workers, parents' ids reserved, children's ids left to insert()."""
        t_build, crypto_before = time.perf_counter(), self.phases["crypto"]
        rows: Rows = {name: [] for name in self.tables}
        ids = {
            name: reserve_ids(self.tables[name].model, size) for name in ("users", "workers", "memberships")
        }
        for i in range(size):
            self._worker(first_seq + i, ids["users"][i], ids["workers"][i], ids["memberships"][i], rows)
        self.phases["build"] += time.perf_counter() - t_build - (self.phases["crypto"] - crypto_before)
        return rows

    def insert(self, rows: Rows) -> None:
        t_insert = time.perf_counter()
        for name in ("consents", "occupations", "certificates", "blocked_dates", "hardships"):
            for row, pk in zip(
                rows[name], reserve_ids(self.tables[name].model, len(rows[name])), strict=True
            ):
                row[0] = pk
        # self.tables is ordered parents first: foreign keys are deferred on SQLite and PostgreSQL, but the
        # order keeps the inserts valid on a backend that checks them immediately.
        for name, table in self.tables.items():
            self.rows[name] += table.insert(rows[name])
        self.phases["insert"] += time.perf_counter() - t_insert

    def _worker(self, seq: int, user_id: int, worker_id: int, membership_id: int, rows: Rows) -> None:
        rng, world, today, admin = self.rng, self.world, self.today, self.world.admin_id
        plan = rng.choices(world.towns, cum_weights=world.cum_towns, k=1)[0]
        town = plan.town
        age = draw_age(rng)
        male = rng.random() < 0.52
        sex = "M" if male else "F"
        name = draw_name(rng, sex)
        region, dialect = weighted(rng, REGIONS)
        number, index = self._id_number(region, birth_for_age(rng, age, today), male)
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        age = age_on(birth, today)  # the same unless a crowded birthday moved the date
        t0 = time.perf_counter()
        cipher = encrypt(number, context=ID_CONTEXT)
        self.phases["crypto"] += time.perf_counter() - t0

        r = rng.random()
        if admin is not None and r < 0.15:
            via, registered_by = RegisteredVia.ASSISTED.value, admin
        elif r < 0.30:
            via, registered_by = RegisteredVia.KIOSK.value, None
        else:
            via, registered_by = RegisteredVia.SELF.value, None
        station = rng.choice(plan.stations) if plan.stations else None
        waiting = max(1, draw_waiting_days(rng))
        looking_since = today - dt.timedelta(days=waiting)
        clock = dt.time(rng.randint(8, 19), rng.randint(0, 59), rng.randint(0, 59))
        registered_at = dt.datetime.combine(looking_since, clock, self.tz)
        lat, lng = point_near(rng, town.lat, town.lng)
        minutes, mode = draw_travel(rng)
        languages = draw_languages(rng)
        if dialect and dialect not in languages and rng.random() < 0.7:
            languages.append(dialect)

        juvenile = age < 18
        if juvenile:
            works = self._pick(world.juvenile, world.cum_juvenile, 1)
        else:
            works = self._pick(
                plan.works, plan.cum_work, rng.choices((1, 2, 3), cum_weights=(45, 85, 100))[0]
            )
        pay, unit = draw_pay(rng, any(is_manufacturing(w) for w in works))
        self._skills(worker_id, works, age, rows)
        verified = self._hardships(worker_id, town.short, sex, age, waiting, registered_at, rows)
        tier, reason = derive_tier(
            TierInput(
                age=age,
                sex=sex,
                waiting_days=waiting,
                verified_categories=tuple(c.name for c in verified),
                assistance_categories=tuple(c.name for c in verified if c.assistance_level),
            )
        )
        opt_out = rng.random() < 0.03
        # Unusable password ("!" prefix, as set_unusable_password writes), its tail drawn from the seed.
        password = f"!{rng.getrandbits(128):032x}"
        rows["users"].append(
            [
                user_id, password, None, False, f"{USERNAME_PREFIX}{seq}", "", "", "", False, True,
                registered_at, self._phone(seq), name,
            ]
        )  # fmt: skip
        rows["workers"].append(
            [
                worker_id, worker_code(seq), user_id, name, cipher, index, mask_id(number), birth, sex,
                station, via, registered_by, registered_at, town.pk, rng.choice(plan.communities),
                lat, lng, minutes, mode, weighted(rng, AVAILABILITY), pay, unit,
                weighted(rng, SETTLEMENTS), languages, "", looking_since, tier, reason, opt_out,
                WorkerStatus.ACTIVE.value, registered_at,
            ]
        )  # fmt: skip
        rows["memberships"].append(
            [membership_id, user_id, Role.WORKER.value, None, None, None, False, True, registered_at]
        )
        witness = registered_by if via == RegisteredVia.ASSISTED else None
        for purpose in ConsentPurpose.values:
            withdrawn = None
            if opt_out and purpose == ConsentPurpose.MATCHING:
                withdrawn = registered_at + dt.timedelta(days=rng.randint(0, waiting))
            rows["consents"].append(
                [None, worker_id, purpose, CONSENT_VERSION, registered_at, via, witness, withdrawn]
            )

    def _skills(self, worker_id: int, works: list[Work], age: int, rows: Rows) -> None:
        """Occupations with experience; certificates for the work that needs them (some lapsed)."""
        rng, today = self.rng, self.today
        level_cum = (6, 9, 10, 10) if age < 25 else (2, 6, 10, 11.5)
        seen: set[int] = set()
        for w in works:
            if w.occupation.pk not in seen:
                seen.add(w.occupation.pk)
                level = rng.choices(LEVELS, cum_weights=level_cum)[0]
                rows["occupations"].append([None, worker_id, w.occupation.pk, level])
        held = {c.pk: c for w in works for c in self.world.certificates.get(w.occupation.pk, [])}
        for cert in held.values():
            if age < 18 or rng.random() > 0.8:
                continue
            years = cert.validity_years or 3
            if rng.random() < 0.12:
                expires = today - dt.timedelta(days=rng.randint(5, 400))
            else:
                expires = today + dt.timedelta(days=rng.randint(20, 365 * years))
            number = f"{cert.code.split('-')[0]}{expires.year - years}{rng.randrange(10**6):06d}"
            rows["certificates"].append([None, worker_id, cert.pk, number, expires, rng.random() < 0.5])
        if rng.random() < 0.05:
            days = {today + dt.timedelta(days=rng.randint(3, 40)) for _ in range(rng.randint(1, 2))}
            rows["blocked_dates"].extend([None, worker_id, day] for day in sorted(days))

    def _hardships(
        self,
        worker_id: int,
        town: str,
        sex: str,
        age: int,
        waiting: int,
        registered_at: dt.datetime,
        rows: Rows,
    ) -> list[HardshipCategory]:
        """About one in ten has hardship records (recorded and mostly verified by the city admin).

        Returns the verified categories newest first, the order recompute_tier reads them in.
        """
        rng, admin = self.rng, self.world.admin_id
        if admin is None or age < 18 or rng.random() >= 0.10:  # the categories describe adults' situations
            return []
        options = eligible_categories(self.world.categories, sex, age)
        if not options:
            return []
        cats = [weighted(rng, options)]
        rest = [(c, wt) for c, wt in options if c is not cats[0]]
        if rest and rng.random() < 0.12:
            cats.append(weighted(rng, rest))
        verified: list[tuple[dt.datetime, HardshipCategory]] = []
        for j, cat in enumerate(cats):
            # Distinct times, so "newest first" is well defined.
            recorded_at = registered_at + dt.timedelta(days=rng.randint(0, min(30, waiting)), minutes=j)
            ok = rng.random() < 0.8
            if ok:
                verified.append((recorded_at, cat))
            rows["hardships"].append(
                [
                    None, worker_id, cat.pk, hardship_evidence(rng, cat.code, self.today, town),
                    HardshipStatus.VERIFIED.value if ok else HardshipStatus.PENDING.value,
                    "已核验原件" if ok else "", None, admin, recorded_at,
                    admin if ok else None, recorded_at + dt.timedelta(days=1) if ok else None,
                ]
            )  # fmt: skip
        return [c for _, c in sorted(verified, key=lambda v: v[0], reverse=True)]


def generate_workers(
    count: int,
    *,
    seed: int = 7,
    batch: int = 5000,
    replace: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateResult:
    """Generate `count` workers (see the module docstring). Each batch commits on its own; a run that
    stops half-way leaves its batches behind, and `replace=True` clears them."""
    if count < 0 or batch < 1:
        raise GeneratorError("数量不能为负，批大小至少为 1")
    today = today or timezone.localdate()
    started = time.perf_counter()
    deleted: dict[str, int] = {}
    existing = generated_workers().count()
    if existing and not replace:
        raise GeneratorError(f"已有 {existing} 个生成的求职者；如需重新生成，请加 --replace（将先删除它们）")
    if replace:
        deleted = delete_generated()
    delete_s = time.perf_counter() - started
    generator = Generator(count=count, seed=seed, today=today)
    generator.phases["delete"] = delete_s
    done = 0
    while done < count:
        size = min(batch, count - done)
        with transaction.atomic():
            generator.batch(done + 1, size)
            t_commit = time.perf_counter()
        # Foreign keys are deferred (SQLite and PostgreSQL): they are checked here, at commit.
        generator.phases["commit"] += time.perf_counter() - t_commit
        done += size
        if progress is not None:
            progress(done, count)
    with transaction.atomic():
        audit.record(
            None,
            "worker.bulk_generate",
            GeneratedBatch(seed, count),
            summary=f"批量生成压测用求职者 {count} 人（种子 {seed}），未逐条审计"
            + (f"；先删除了此前生成的 {deleted.get(Worker._meta.label, 0)} 人" if replace else ""),
        )
    seconds = time.perf_counter() - started
    return GenerateResult(count, seconds, dict(generator.rows), dict(generator.phases), deleted)


class GeneratedBatch:
    """What the audit entry of a generator run points at (there is no single row to name)."""

    def __init__(self, seed: int, count: int):
        self.code = f"{CODE_PREFIX}*-seed{seed}"
        self.pk = None
        self.count = count

    def __str__(self) -> str:
        return f"生成的求职者 {self.count} 人"
