"""Shared test fixtures: the reference towns and fixed personas, one per role.

Personas (ARCHITECTURE.md §9): a worker, an employer member, a coordinator of station A (小榄),
a town admin of town B (东区), a city admin, and an outsider with no role.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

import pytest

pytest_plugins = ["tests.browser.plugin"]

PASSWORD = "test-pass-2026!"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages keep derived lists there (e.g. the gig filters)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_setup, django_db_blocker):
    """Keep the reference tables (towns, catalogue) loaded and committed under every test.

    Ordinary tests roll back on top of them. A transactional test (live server, concurrency) flushes
    the database when it ends; reloading here, before the next test opens its transaction, commits the
    data again instead of reloading it inside every later test's rollback.
    """
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:  # without database tests in the run, no test database exists to load into
        return
    with django_db_blocker.unblock():
        _load_reference()


def _load_reference() -> None:
    from lingong.catalog.models import Occupation
    from lingong.catalog.reference import load_catalog
    from lingong.places.models import Town
    from lingong.places.reference import load_towns

    if not Town.objects.exists():
        load_towns()
    if not Occupation.objects.exists():
        load_catalog()
    _load_migrated_reference()


def _load_migrated_reference() -> None:
    """Reference rows that data migrations create: a transactional test's flush removes them too."""
    from django.apps import apps

    from lingong.assistance.models import SubsidyKind
    from lingong.assistance.reference import load_subsidy_kinds
    from lingong.content.models import Category
    from lingong.screening.models import ScreeningRule
    from lingong.screening.reference import load_rules

    if not ScreeningRule.objects.exists():
        load_rules()
    if not SubsidyKind.objects.exists():
        load_subsidy_kinds()
    if not Category.objects.exists():
        categories = importlib.import_module("lingong.content.migrations.0002_default_categories")
        categories.add(apps, None)


@pytest.fixture(autouse=True)
def _private_sms_log(settings, tmp_path):
    """Codes written by tests go to a temporary log, not the developer's var/notify/outbox.log."""
    settings.NOTIFY_LOCAL_LOG = tmp_path / "outbox.log"


@pytest.fixture
def catalog(db):
    """The occupation, certificate and hardship tables (reloaded if a transactional test flushed them)."""
    _load_reference()


@pytest.fixture
def towns(db):
    from lingong.places.models import Town
    from lingong.places.reference import load_towns

    if not Town.objects.exists():
        load_towns()
    return {t.short: t for t in Town.objects.all()}


def weekday_hours(opens=(8, 30), closes=(17, 30), days=range(5)):
    return {d: [(dt.time(*opens), dt.time(*closes))] for d in days}


@dataclass
class Personas:
    city_admin: object
    town_admin_b: object
    coordinator_a: object
    worker: object
    employer: object
    outsider: object
    station_a: object  # 小榄, run by coordinator_a; not in town B
    station_b: object  # 东区 (town B)


@pytest.fixture
def personas(towns) -> Personas:
    return make_personas(towns)


def make_personas(towns: dict) -> Personas:
    """The six personas and their two stations (towns: short name -> Town), for fixtures of any scope."""
    from lingong.accounts.models import Role
    from lingong.accounts.services import create_user, grant_membership
    from lingong.employers.services import register_employer
    from lingong.lib.uscc import make_uscc
    from lingong.places.services import create_station

    def user(name: str, phone: str):
        return create_user(actor=None, username=name, password=PASSWORD, phone=phone, display_name=name)

    city = user("city", "13900000001")
    grant_membership(actor=None, user=city, role=Role.CITY_ADMIN)
    station_a = create_station(
        actor=city,
        data={
            "name": "中山市（小榄镇）就业驿站",
            "kind": "employment_station",
            "town": towns["小榄"],
            "address": "中山市小榄镇升平中路1号",
            "lat": 22.6720,
            "lng": 113.2500,
            "phone": "0760-22112233",
            "contact_name": "陈协理",
            "services": ["recommendation", "guidance"],
            "occupations": ["普工"],
            "status": "operating",
        },
        hours=weekday_hours(),
    )
    station_b = create_station(
        actor=city,
        data={
            "name": "中山市（东区街道）零工市场",
            "kind": "gig_market",
            "town": towns["东区"],
            "address": "中山市东区中山四路2号",
            "lat": 22.5250,
            "lng": 113.4000,
            "phone": "0760-88990011",
            "contact_name": "黄站长",
            "services": ["recommendation", "quick_hire"],
            "occupations": ["搬运装卸"],
            "status": "operating",
        },
        hours=weekday_hours(opens=(6, 30), closes=(11, 30), days=range(7)),
    )
    town_b = user("town_b", "13900000002")
    grant_membership(actor=city, user=town_b, role=Role.TOWN_ADMIN, town=towns["东区"])
    coord = user("coord_a", "13900000003")
    grant_membership(actor=city, user=coord, role=Role.COORDINATOR, station=station_a)
    worker = user("worker", "13900000004")
    grant_membership(actor=city, user=worker, role=Role.WORKER)
    employer = user("employer", "13900000005")
    # An employer member always belongs to an employer: this persona registered (and so manages) a
    # 东区 company that is still waiting for review.
    register_employer(
        actor=employer,
        data={
            "kind": "enterprise",
            "name": "中山市东区示例物业管理有限公司",
            "uscc": make_uscc("91442000MA4U1234N"),
            "contact_name": "周经理",
            "contact_phone": "13900000005",
            "town": towns["东区"],
            "address": "中山市东区兴中道8号",
        },
    )
    outsider = user("outsider", "13900000006")
    return Personas(city, town_b, coord, worker, employer, outsider, station_a, station_b)


def read_sms_code(phone: str) -> str:
    """The newest 6-digit code sent to a phone through the local SMS channel.

    Tests run inside a transaction that never commits, so the outbox's on-commit delivery has not run;
    deliver what is due first, exactly as the periodic task would.
    """
    import re

    from lingong.notify.delivery import deliver_due
    from lingong.notify.models import LocalDelivery

    deliver_due()
    text = (
        LocalDelivery.objects.filter(recipient=phone).order_by("-id").values_list("text", flat=True).first()
    )
    assert text, f"no SMS was delivered to {phone}"
    match = re.search(r"\d{6}", text)
    assert match, text
    return match.group()
