"""restore_db refuses, in Chinese and before changing anything, whatever it cannot safely restore."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from lingong.accounts.models import AuditEntry
from lingong.ops.backup import Mismatch, compare_counts, current_counts, human_size

from .conftest import ENGINE, manifest_of, run

OTHER = "postgresql" if ENGINE == "sqlite" else "sqlite"


def _fake_backup(path: Path, *, engine: str, content: bytes = b"not a database") -> Path:
    """A file with a manifest that is consistent with it (size and checksum)."""
    path.write_bytes(content)
    manifest = {
        "engine": engine,
        "created_at": "2026-11-28T12:00:00+00:00",
        "file": path.name,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "source": "test",
        "tables": {"accounts_user": 1},
        "migrations": [],
        "format": 1,
    }
    path.with_name(path.name + ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.fixture
def unchanged(db):
    """Asserts after the test that no table changed and no audit entry was written."""
    before = current_counts()
    yield
    assert current_counts() == before
    assert not AuditEntry.objects.filter(action__startswith="ops.").exists()


def test_missing_file(unchanged, tmp_path):
    with pytest.raises(CommandError, match="备份文件 .* 不存在"):
        run("restore_db", str(tmp_path / "nowhere.dump"), "--yes")


def test_missing_manifest(unchanged, tmp_path):
    path = tmp_path / "lonely.sqlite3"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="找不到备份清单"):
        run("restore_db", str(path), "--yes")


def test_corrupt_manifest(unchanged, tmp_path):
    path = _fake_backup(tmp_path / "b.bak", engine=ENGINE)
    path.with_name(path.name + ".manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="备份清单 .* 已损坏"):
        run("restore_db", str(path), "--yes")


def test_manifest_of_the_other_engine(unchanged, tmp_path):
    path = _fake_backup(tmp_path / "other.bak", engine=OTHER)
    with pytest.raises(CommandError, match="数据库的备份，当前数据库是 .*不能恢复到这里"):
        run("restore_db", str(path), "--yes")


def test_file_changed_after_backup(unchanged, tmp_path):
    path = _fake_backup(tmp_path / "changed.bak", engine=ENGINE)
    path.write_bytes(b"not a datab4se")  # same size, other content
    with pytest.raises(CommandError, match="已损坏或被改动.*SHA-256"):
        run("restore_db", str(path), "--yes")


def test_garbage_with_a_matching_manifest(unchanged, tmp_path):
    path = _fake_backup(tmp_path / "garbage.bak", engine=ENGINE, content=os.urandom(8192))
    with pytest.raises(CommandError, match="不是 SQLite 数据库|已损坏|不是有效的 pg_dump 备份"):
        run("restore_db", str(path), "--yes")


def test_backup_never_overwrites(db, tmp_path):
    path = tmp_path / "taken.bak"
    path.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="已存在"):
        run("backup_db", "--output", str(path))
    assert path.read_bytes() == b"keep me"


def test_manage_py_exits_non_zero_with_a_chinese_message(tmp_path):
    env = {**os.environ, "LINGONG_VAR_DIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, "manage.py", "restore_db", str(tmp_path / "nowhere.dump"), "--yes", "--skip-checks"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "不存在" in done.stderr


def test_compare_counts():
    assert compare_counts({"a": 1, "b": 2}, {"a": 1, "b": 2, "c": 5}) == []
    assert compare_counts({"a": 1, "b": 2}, {"a": 0}) == [Mismatch("a", 1, 0), Mismatch("b", 2, None)]


def test_human_size():
    assert human_size(512) == "512 B"
    assert human_size(1536) == "1.5 KB"
    assert human_size(5 * 1024**3) == "5.0 GB"


def test_manifest_lists_tables_and_migrations(people, tmp_path):
    path = tmp_path / "m.bak"
    run("backup_db", "-o", str(path))
    manifest = manifest_of(path)
    assert set(manifest) >= {"engine", "created_at", "file", "size", "sha256", "tables", "migrations"}
    assert manifest["file"] == "m.bak" and manifest["size"] == path.stat().st_size
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "django_migrations" in manifest["tables"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # personal data: readable by the owner only
