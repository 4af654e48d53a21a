"""Back up, change and delete rows, restore, and compare the row counts: on whichever engine the suite
runs on (SQLite in the first CI pass, PostgreSQL in the second), through the real manage.py commands."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from lingong.accounts.audit import verify_chain
from lingong.accounts.models import AuditEntry, User
from lingong.accounts.services import create_user
from lingong.ops.backup import current_counts
from lingong.places.models import Town

from .conftest import ENGINE, manifest_of, run


def test_backup_restore_round_trip(people, tmp_path):
    before = current_counts()
    names_before = set(User.objects.values_list("username", flat=True))
    path = tmp_path / f"round-trip.{ENGINE}"

    made = run("backup_db", "--output", str(path))

    assert path.is_file()
    assert "备份完成" in made.stdout and str(path) in made.stdout
    manifest = manifest_of(path)
    assert manifest["engine"] == ENGINE
    # The manifest describes the backup itself: its audit entry is written after the copy was taken.
    assert manifest["tables"] == before
    assert manifest["tables"]["accounts_user"] == len(names_before) >= 3
    assert manifest["tables"]["places_town"] == 23
    assert "accounts.0001_initial" in manifest["migrations"]
    assert f"{len(before)} 张" in made.stdout and f"{sum(before.values()):,} 行" in made.stdout
    assert AuditEntry.objects.latest("id").action == "ops.backup"

    # Change, delete and add rows after the backup.
    User.objects.filter(username="backup0").delete()
    User.objects.filter(username="backup1").update(display_name="备份后改过")
    create_user(actor=None, username="after-backup", password="test-pass-2026!")
    Town.objects.filter(short="小榄").update(population=1)
    changed = current_counts()
    assert changed["accounts_user"] == before["accounts_user"]  # one deleted, one added
    assert changed["accounts_auditentry"] != before["accounts_auditentry"]

    restored = run("restore_db", str(path), "--yes")

    assert "恢复完成" in restored.stdout and "行数与清单一致" in restored.stdout
    after = current_counts()
    # Every table matches the manifest and the counts before the changes, except the one new audit entry
    # that records the restore itself.
    expected = dict(manifest["tables"])
    expected["accounts_auditentry"] += 1
    assert after == expected
    assert set(User.objects.values_list("username", flat=True)) == names_before
    assert User.objects.get(username="backup1").display_name == "备份测试1"
    assert Town.objects.get(short="小榄").population != 1
    # The restored audit chain is intact and continues with the entry of the restore.
    last = AuditEntry.objects.latest("id")
    assert last.action == "ops.restore" and last.actor is None and last.actor_label == "系统"
    facts_before, facts_after = last.before or {}, last.after or {}
    assert facts_before["audit_entries"] == changed["accounts_auditentry"]
    assert facts_after["sha256"] == manifest["sha256"] and facts_after["mismatches"] == []
    assert verify_chain() is None


def test_restore_reports_count_mismatch_with_an_error(people, tmp_path, monkeypatch):
    """When the restored database does not match the manifest, the command fails (non-zero exit) and
    names the tables."""
    path = tmp_path / f"mismatch.{ENGINE}"
    run("backup_db", "--output", str(path))
    from lingong.ops import backup

    real = backup.current_counts

    def short_of_one_user() -> dict[str, int]:
        counts = real()
        counts["accounts_user"] -= 1
        return counts

    monkeypatch.setattr(backup, "current_counts", short_of_one_user)
    with pytest.raises(CommandError, match="1 张表的行数与备份清单不一致"):
        run("restore_db", str(path), "--yes")
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "ops.restore"
    assert [m["table"] for m in (entry.after or {})["mismatches"]] == ["accounts_user"]
