"""The PostgreSQL path: pg_dump of an exported snapshot, pg_restore in one transaction."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management.base import CommandError
from django.db import connection

from lingong.ops import backup
from lingong.ops.backup import current_counts

from .conftest import manifest_of, only_postgresql, run

pytestmark = only_postgresql


def test_client_tools_get_the_secret_from_the_environment(people, tmp_path, monkeypatch):
    calls = []
    real = subprocess.run

    def spy(args, **kwargs):
        calls.append((list(args), kwargs.get("env") or {}))
        return real(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    path = tmp_path / "pw.dump"
    run("backup_db", "--output", str(path))
    run("restore_db", str(path), "--yes")
    password = connection.settings_dict["PASSWORD"]
    tools = [args[0].rsplit("/", 1)[-1] for args, _ in calls]
    assert tools == ["pg_dump", "pg_restore", "pg_restore"]  # dump; then --list (check) and the restore
    assert "--format=custom" in calls[0][0]
    assert any(a.startswith("--snapshot=") for a in calls[0][0])
    assert {"--clean", "--if-exists", "--no-owner"} <= set(calls[2][0])
    for command, env in calls:
        args = [a for a in command if str(tmp_path) not in a]  # file names are not connection options
        # No connection string or password option on a command line (visible to every local user in ps);
        # CI's password equals the user name, so look for how a password would appear, not for its value.
        assert not any("password" in a.lower() and a != "--no-password" for a in args), args
        assert not any("://" in a or "=" in a.partition("--dbname=")[2] for a in args), args
        if password:
            assert env["PGPASSWORD"] == password
        assert env["PGDATABASE"] == connection.settings_dict["NAME"]


def test_missing_pg_dump_is_a_clear_error(db, tmp_path, monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="找不到 pg_dump 命令"):
        run("backup_db", "--output", str(tmp_path / "none.dump"))
    assert not list(tmp_path.iterdir())


def test_dump_is_a_custom_format_archive(people, tmp_path):
    path = tmp_path / "archive.dump"
    run("backup_db", "--output", str(path))
    assert path.read_bytes()[:5] == b"PGDMP"
    assert manifest_of(path)["engine"] == "postgresql"


def test_restore_without_yes_changes_nothing(people, tmp_path):
    path = tmp_path / "ask.dump"
    run("backup_db", "--output", str(path))
    from lingong.accounts.models import User

    User.objects.filter(username="backup0").delete()
    before = current_counts()
    with pytest.raises(CommandError, match="--yes"):
        run("restore_db", str(path))
    assert current_counts() == before


def test_truncated_dump_is_refused_and_nothing_changes(people, tmp_path):
    """A truncated archive whose manifest was rewritten to match: pg_restore fails inside its single
    transaction, so the database stays as it was."""
    import hashlib
    import json

    path = tmp_path / "cut.dump"
    run("backup_db", "--output", str(path))
    data = path.read_bytes()
    cut = data[: int(len(data) * 0.8)]
    path.write_bytes(cut)
    manifest_path = path.with_name(path.name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest.update(size=len(cut), sha256=hashlib.sha256(cut).hexdigest())
    manifest_path.write_text(json.dumps(manifest))
    from lingong.accounts.models import User

    User.objects.filter(username="backup0").delete()
    before = current_counts()
    with pytest.raises(CommandError, match="pg_restore|pg_dump"):
        run("restore_db", str(path), "--yes")
    assert current_counts() == before
