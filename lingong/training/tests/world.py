"""A shared world for the training and assistance tests, built once per test module.

Building the personas, workers and courses through the services takes a few seconds; doing it for every
test would make these tests slow. Like Django's setUpTestData, the world is created inside a transaction
that stays open for the whole module; each test runs in a savepoint inside it and is rolled back, and
the module's transaction is rolled back at the end. Tests get fresh objects from the database (the
`world` fixture), so nothing one test changes in memory leaks into the next.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

import conftest
from lingong.accounts.models import User
from lingong.assistance.reference import load_subsidy_kinds
from lingong.catalog.models import Occupation
from lingong.lib.idcard import make_id
from lingong.places.models import Station, Town
from lingong.training.models import Course
from lingong.training.services import save_course
from lingong.workers.models import ConsentPurpose, RegisteredVia, Worker
from lingong.workers.services import register_worker, set_occupations

ROLE_NAMES = ("city_admin", "town_admin_b", "coordinator_a", "worker", "employer", "outsider")


def course_data(town: Town | None, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "title": "养老护理员（初级）培训班",
        "occupation": "4-10-01-05",
        "provider": "中山市示范职业培训学校",
        "provider_phone": "0760-88880000",
        "starts_on": today + dt.timedelta(days=10),
        "ends_on": today + dt.timedelta(days=40),
        "schedule": "每周六、日 9:00–17:00",
        "town": town,
        "address": "中山市小榄镇升平中路8号",
        "fee": "1800",
        "subsidy": "1800",
        "capacity": 2,
        "status": "open",
    }
    data.update(overrides)
    return data


def _build() -> dict[str, Any]:
    towns = {t.short: t for t in Town.objects.all()}
    # The root conftest's persona builder, called directly so the module can share one set.
    p = inspect.unwrap(conftest.personas)(towns)
    load_subsidy_kinds()
    worker = register_worker(
        actor=p.coordinator_a,
        via=RegisteredVia.ASSISTED,
        phone="13900000004",  # the worker persona's own account becomes this worker
        real_name="何秀英",
        id_number=make_id("442000", dt.date(1975, 3, 8), 21),
        consents=list(ConsentPurpose.values),
        station=p.station_a,
    )
    set_occupations(
        worker, actor=p.coordinator_a, items=[(Occupation.objects.get(code="4-09-08-01"), "some")]
    )
    walk_in_b = register_worker(
        actor=p.town_admin_b,
        via=RegisteredVia.ASSISTED,
        phone="13700000201",
        real_name="黄大明",
        id_number=make_id("442000", dt.date(1966, 7, 1), 22),
        consents=list(ConsentPurpose.values),
        station=p.station_b,
    )
    city = p.city_admin
    care = save_course(actor=city, data=course_data(towns["小榄"]))
    clean = save_course(
        actor=city,
        data=course_data(
            None,
            title="保洁员技能提升班",
            occupation="4-09-08-01",
            fee="0",
            subsidy="0",
            capacity=30,
            address="中山市东区中山四路2号",
        ),
    )
    entre = save_course(
        actor=city,
        data=course_data(
            None,
            title="SYB 创业培训",
            occupation="",
            entrepreneurship=True,
            fee="0",
            subsidy="0",
            capacity=20,
        ),
    )
    draft_b = save_course(
        actor=p.town_admin_b,
        data=course_data(
            towns["东区"], title="电工上岗培训", occupation="6-31-01-03", status="draft", address="东区某地"
        ),
    )
    return {
        "users": {name: getattr(p, name).pk for name in ROLE_NAMES},
        "station_a": p.station_a.pk,
        "station_b": p.station_b.pk,
        "worker": worker.pk,
        "walk_in_b": walk_in_b.pk,
        "courses": {"care": care.pk, "clean": clean.pk, "entre": entre.pk, "draft_b": draft_b.pk},
    }


@pytest.fixture(scope="module")
def world_ids(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        conftest._load_reference()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ids = _build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield ids
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@dataclass
class World:
    city_admin: User
    town_admin_b: User
    coordinator_a: User
    worker_user: User
    employer: User
    outsider: User
    station_a: Station
    station_b: Station
    worker: Worker
    walk_in_b: Worker
    courses: dict[str, Course]

    def user(self, role: str) -> User | None:
        return None if role == "anon" else getattr(self, "worker_user" if role == "worker" else role)


@pytest.fixture
def world(world_ids, db) -> World:
    users = {name: User.objects.get(pk=pk) for name, pk in world_ids["users"].items()}
    return World(
        city_admin=users["city_admin"],
        town_admin_b=users["town_admin_b"],
        coordinator_a=users["coordinator_a"],
        worker_user=users["worker"],
        employer=users["employer"],
        outsider=users["outsider"],
        station_a=Station.objects.get(pk=world_ids["station_a"]),
        station_b=Station.objects.get(pk=world_ids["station_b"]),
        worker=Worker.objects.select_related("user", "station", "home_town").get(pk=world_ids["worker"]),
        walk_in_b=Worker.objects.select_related("user", "station").get(pk=world_ids["walk_in_b"]),
        courses={k: Course.objects.get(pk=pk) for k, pk in world_ids["courses"].items()},
    )
