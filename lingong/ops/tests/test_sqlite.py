"""The SQLite path: sqlite3's online backup API, while another connection is writing (WAL)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection

from lingong.ops.backup import create_backup, current_counts

from .conftest import manifest_of, only_sqlite, run

pytestmark = only_sqlite


def _database_file() -> str:
    return str(connection.settings_dict["NAME"])


def test_the_test_database_is_a_file_in_wal_mode(transactional_db):
    """The restore tests replace a real database file through the backup API, not an in-memory copy."""
    assert Path(_database_file()).is_file()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_backup_while_another_connection_writes(people, tmp_path, monkeypatch):
    """A writer holding an open transaction neither blocks the copy nor leaks its uncommitted rows."""
    from lingong.ops import backup

    committed = current_counts()
    copy_database = backup._sqlite_backup

    def copy_while_writing(part):
        with closing(sqlite3.connect(_database_file(), isolation_level=None, timeout=5)) as writer:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("DELETE FROM places_town")
            writer.execute("UPDATE accounts_user SET display_name = 'uncommitted'")
            try:
                return copy_database(part)
            finally:
                writer.execute("ROLLBACK")  # before the audit entry of the backup needs the write lock

    monkeypatch.setattr(backup, "_sqlite_backup", copy_while_writing)
    path = tmp_path / "online.sqlite3"
    run("backup_db", "--output", str(path))
    assert manifest_of(path)["tables"] == committed
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
        assert copy.execute("SELECT COUNT(*) FROM places_town").fetchone()[0] == 23
        assert (
            copy.execute("SELECT COUNT(*) FROM accounts_user WHERE display_name = 'uncommitted'").fetchone()[
                0
            ]
            == 0
        )
        # One self-contained file: no -wal beside it needed to read it.
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_keeps_wal_and_other_connections_see_it(people, tmp_path):
    path = tmp_path / "wal.sqlite3"
    run("backup_db", "--output", str(path))
    with closing(sqlite3.connect(_database_file(), timeout=5)) as other:
        other.execute("DELETE FROM django_session")  # an open connection of "the server" that wrote
        other.execute("UPDATE accounts_user SET display_name = 'changed'")
        other.commit()
        run("restore_db", str(path), "--yes")
        # The other connection reads the restored data (the restore went through SQLite, not a file copy).
        assert (
            other.execute("SELECT COUNT(*) FROM accounts_user WHERE display_name = 'changed'").fetchone()[0]
            == 0
        )
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_location_and_name(people, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    made = run("backup_db")
    files = sorted((tmp_path / "backups").iterdir())
    names = [f.name for f in files]
    assert len(files) == 2, names
    assert re.fullmatch(r"lingong-\d{8}-\d{6}-sqlite\.sqlite3", names[0]), names
    assert names[1] == names[0] + ".manifest.json"
    assert str(files[0]) in made.stdout and "LINGONG_DATA_KEY" in made.stdout
    # A second backup in the same second gets its own name.
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
    first, second = create_backup(now=now), create_backup(now=now)
    assert first.path.name == "lingong-20261128-120000-sqlite.sqlite3"
    assert second.path.name == "lingong-20261128-120000-sqlite-2.sqlite3"


def test_restore_without_yes_explains_and_changes_nothing(people, tmp_path):
    path = tmp_path / "ask.sqlite3"
    run("backup_db", "--output", str(path))
    connection.cursor().execute("DELETE FROM django_session")
    from lingong.accounts.models import User

    User.objects.filter(username="backup0").delete()
    before = current_counts()
    with pytest.raises(CommandError) as refused:
        run("restore_db", str(path))
    message = str(refused.value)
    assert "替换" in message and "全部数据" in message and "--yes" in message and "backup_db" in message
    assert current_counts() == before


def test_truncated_backup_is_refused(people, tmp_path):
    """A truncated file whose manifest was rewritten to match still fails SQLite's own check."""
    import hashlib
    import json

    path = tmp_path / "cut.sqlite3"
    run("backup_db", "--output", str(path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    manifest_path = path.with_name(path.name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest.update(size=len(data) // 2, sha256=hashlib.sha256(data[: len(data) // 2]).hexdigest())
    manifest_path.write_text(json.dumps(manifest))
    before = current_counts()
    with pytest.raises(CommandError, match="已损坏|不是 SQLite 数据库|行数与清单不符"):
        run("restore_db", str(path), "--yes")
    assert current_counts() == before
