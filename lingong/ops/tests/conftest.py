"""Fixtures for the backup tests: a few committed rows and helpers to run the two commands."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ENGINE = "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"
only_sqlite = pytest.mark.skipif(
    ENGINE != "sqlite", reason="SQLite backup path (the SQLite run of the suite)"
)
only_postgresql = pytest.mark.skipif(
    ENGINE != "postgresql", reason="pg_dump/pg_restore path (the PostgreSQL run of the suite)"
)


@dataclass
class Ran:
    stdout: str
    stderr: str


def run(name: str, *args: str, **options) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err, **options)
    return Ran(out.getvalue(), err.getvalue())


def manifest_of(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def people(transactional_db):
    """Three committed users (with their audit entries): the backup must see committed data only, and
    pg_dump runs in another process, so these tests cannot run inside a rolled-back transaction."""
    from lingong.accounts.services import create_user

    return [
        create_user(
            actor=None, username=f"backup{i}", password="test-pass-2026!", display_name=f"备份测试{i}"
        )
        for i in range(3)
    ]
