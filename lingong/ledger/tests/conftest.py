"""Ledger test fixtures: the personas and two walk-in workers, built once per test class.

Building the personas takes seconds, so each test class shares one set inside a class-wide transaction
(like Django's setUpTestData): every test runs in its own savepoint on top of it, and the class's
transaction is rolled back at the end. Tests must not rely on in-memory changes to the shared objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction


@dataclass
class World:
    p: Any  # conftest.Personas
    towns: dict
    worker_a: Any  # registered at station A (小榄) by coordinator_a
    worker_b: Any  # registered at station B (东区) by town_admin_b


def _build() -> World:
    import conftest
    from lingong.gigs.tests.factories import make_worker
    from lingong.places.models import Town

    towns = {t.short: t for t in Town.objects.all()}
    build_personas = conftest.personas.__wrapped__  # type: ignore[attr-defined]
    p = build_personas(towns)
    worker_a = make_worker(p.coordinator_a, p.station_a, phone="13711110001", name="梁秀英")
    worker_b = make_worker(p.town_admin_b, p.station_b, phone="13711110002", name="黄志强")
    return World(p, towns, worker_a, worker_b)


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    import conftest

    with django_db_blocker.unblock():
        conftest._load_reference()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
