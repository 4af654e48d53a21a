"""Catalog fixtures. The catalog is loaded once per test session (it is reference data, ~2,000 rows);
each test still runs in its own rolled-back transaction, so tests that add synonyms stay isolated."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def _catalog_loaded(django_db_setup, django_db_blocker):
    from lingong.catalog.reference import load_catalog

    with django_db_blocker.unblock():
        load_catalog()


@pytest.fixture
def catalog(_catalog_loaded, db):
    from lingong.catalog import autocode
    from lingong.catalog.models import Occupation
    from lingong.catalog.reference import load_catalog

    if not Occupation.objects.exists():  # a transactional test (browser tests) flushed the tables
        load_catalog()
    # Rolled-back writes of an earlier test leave this process's index stale: recheck the version.
    autocode.invalidate()
    yield
    autocode.invalidate()


@pytest.fixture(scope="session")
def file_index():
    """The classifier index built straight from data/*.csv: no database, shared by the pure tests."""
    from lingong.catalog.reference import index_from_files

    return index_from_files()
