"""Backing up and restoring the whole database, checked against a manifest written beside each backup.

SQLite: sqlite3's online backup API copies a consistent snapshot while the server keeps writing (WAL),
and copies a backup back the same way, in one write transaction. PostgreSQL: `pg_dump --format=custom`
of a snapshot exported from a REPEATABLE READ transaction, so the row counts in the manifest are exactly
those of the dump; `pg_restore` in a single transaction. The password reaches the client tools only
through the PGPASSWORD environment variable, never their command line.

The manifest (`<backup>.manifest.json`) holds the engine, the time, the SHA-256 of the file, the row
count per table and the applied migrations. A restore refuses a backup whose manifest is missing, whose
engine differs or whose file does not match its checksum before it changes anything, and afterwards
compares the row counts of the restored database with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from lingong.accounts import audit

DB_ALIAS = "default"
MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = 1
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# The database alone cannot be read back without the key that encrypts resident ID numbers.
KEY_REMINDER = (
    "备份含个人信息，请加密或离线妥善保管。身份证号等字段的加密密钥（LINGONG_DATA_KEY 或 var/data_key）"
    "不在备份中，请另行保管，否则恢复后无法解密。"
)


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for the operator, in Chinese."""


@dataclass
class Manifest:
    """What a backup holds, written as JSON beside it so a restore can be checked."""

    engine: str
    created_at: str
    file: str
    size: int
    sha256: str
    source: str
    tables: dict[str, int]
    migrations: list[str] = field(default_factory=list)
    format: int = MANIFEST_FORMAT

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)

    def write(self, path: Path) -> None:
        part = path.with_name(path.name + ".part")
        part.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        part.chmod(0o600)
        part.replace(path)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        if not path.is_file():
            raise BackupError(f"找不到备份清单 {path}：没有清单就无法核对备份，恢复已取消")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(
                engine=str(raw["engine"]),
                created_at=str(raw["created_at"]),
                file=str(raw["file"]),
                size=int(raw["size"]),
                sha256=str(raw["sha256"]),
                source=str(raw.get("source", "")),
                tables={str(name): int(rows) for name, rows in raw["tables"].items()},
                migrations=[str(m) for m in raw.get("migrations", [])],
                format=int(raw.get("format", 0)),
            )
            manifest.created  # noqa: B018 - a malformed time is a malformed manifest
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise BackupError(f"备份清单 {path.name} 已损坏或格式不对：{exc}") from exc
        if manifest.format != MANIFEST_FORMAT:
            raise BackupError(f"备份清单 {path.name} 的格式版本 {manifest.format} 不受支持")
        return manifest


@dataclass
class Backup:
    """A backup file with its manifest; also the object named in the audit log."""

    path: Path
    manifest: Manifest

    @property
    def manifest_path(self) -> Path:
        return manifest_path_for(self.path)

    @property
    def code(self) -> str:
        return self.path.name[:64]

    def __str__(self) -> str:
        return str(self.path)


@dataclass
class Mismatch:
    table: str
    expected: int | None
    actual: int | None


@dataclass
class RestoreReport:
    backup: Backup
    counts: dict[str, int]
    mismatches: list[Mismatch]
    extra_tables: list[str]
    pending_migrations: list[str]
    unknown_migrations: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def current_engine() -> str:
    vendor = connections[DB_ALIAS].vendor
    if vendor not in ENGINES:
        raise BackupError(f"不支持 {vendor} 数据库的备份与恢复：只支持 SQLite 和 PostgreSQL")
    return vendor


def describe_database() -> str:
    """The configured database, for messages: the SQLite file, or name@host:port (never the password)."""
    settings_dict = connections[DB_ALIAS].settings_dict
    if current_engine() == "sqlite":
        return str(settings_dict["NAME"])
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"{settings_dict['NAME']}@{host}{port}"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


# ---------------------------------------------------------------------------------------------- backup


def create_backup(output: str | Path | None = None, *, now: dt.datetime | None = None) -> Backup:
    """Back up the configured database to `output` (a file or a directory; default var/backups/)."""
    engine = current_engine()
    now = now or timezone.now()
    path = _output_path(output, engine, now)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    try:
        if engine == "sqlite":
            tables, migrations = _sqlite_backup(part)
        else:
            tables, migrations = _pg_backup(part)
        part.chmod(0o600)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    manifest = Manifest(
        engine=engine,
        created_at=now.isoformat(),
        file=path.name,
        size=path.stat().st_size,
        sha256=_sha256(path),
        source=describe_database(),
        tables=tables,
        migrations=migrations,
    )
    manifest.write(manifest_path_for(path))
    backup = Backup(path, manifest)
    with transaction.atomic(using=DB_ALIAS):
        audit.record(
            None,
            "ops.backup",
            backup,
            summary=f"备份数据库（{ENGINES[engine]}）：{len(tables)} 张表，共 {manifest.total_rows} 行",
            after=_audit_facts(manifest, path),
        )
    return backup


def _output_path(output: str | Path | None, engine: str, now: dt.datetime) -> Path:
    if output is None or str(output) == "":
        return _free_name(Path(settings.VAR_DIR) / "backups", engine, now)
    path = Path(output).expanduser().absolute()
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        return _free_name(path, engine, now)
    if path.exists() or manifest_path_for(path).exists():
        raise BackupError(f"{path} 已存在：备份不会覆盖已有文件，请换一个文件名")
    return path


def _free_name(directory: Path, engine: str, now: dt.datetime) -> Path:
    base = f"lingong-{timezone.localtime(now):%Y%m%d-%H%M%S}-{engine}"
    path = directory / f"{base}{EXTENSIONS[engine]}"
    n = 2
    while path.exists() or manifest_path_for(path).exists():
        path = directory / f"{base}-{n}{EXTENSIONS[engine]}"
        n += 1
    return path


def _sqlite_file() -> str:
    name = str(connections[DB_ALIAS].settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("当前 SQLite 数据库在内存中，没有可备份或恢复的数据库文件")
    return name


def _sqlite_backup(part: Path) -> tuple[dict[str, int], list[str]]:
    source = _sqlite_file()
    if not Path(source).is_file():
        raise BackupError(f"数据库文件 {source} 不存在，没有可备份的数据")
    try:
        with closing(sqlite3.connect(source, timeout=20)) as src, closing(sqlite3.connect(part)) as dst:
            # One read transaction on the source: a consistent snapshot while writers carry on (WAL).
            src.backup(dst)
            # A WAL source gives a WAL copy; a self-contained file (no -wal/-shm beside it) keeps better.
            dst.execute("PRAGMA journal_mode=DELETE")
            return _contents(dst.cursor(), "sqlite")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 备份失败：{exc}") from exc


def _pg_backup(part: Path) -> tuple[dict[str, int], list[str]]:
    pg_dump = _client("pg_dump")
    wrapper = connections[DB_ALIAS]
    try:
        raw = wrapper.get_new_connection(wrapper.get_connection_params())
    except Exception as exc:
        raise BackupError(f"连接 PostgreSQL 失败：{exc}") from exc
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            # pg_dump reads the very snapshot the rows were counted in, so the manifest matches the dump.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables, migrations = _contents(cursor, "postgresql")
            _run(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={part}"],
                _pg_env(),
                "pg_dump 备份失败",
            )
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return tables, migrations


# --------------------------------------------------------------------------------------------- restore


def inspect_backup(path: str | Path) -> Backup:
    """Read a backup and its manifest and check them, without touching the database."""
    path = Path(path).expanduser().absolute()
    if path.name.endswith(MANIFEST_SUFFIX):  # the operator named the manifest: use the file it describes
        path = path.with_name(path.name[: -len(MANIFEST_SUFFIX)])
    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在")
    manifest = Manifest.read(manifest_path_for(path))
    engine = current_engine()
    if manifest.engine != engine:
        raise BackupError(
            f"这是 {ENGINES.get(manifest.engine, manifest.engine)} 数据库的备份，当前数据库是 "
            f"{ENGINES[engine]}，不能恢复到这里"
        )
    if path.stat().st_size != manifest.size or _sha256(path) != manifest.sha256:
        raise BackupError(f"备份文件 {path.name} 已损坏或被改动：大小或 SHA-256 校验和与清单不符")
    if engine == "sqlite":
        _check_sqlite_file(path, manifest)
    else:
        _run(
            [_client("pg_restore"), "--list", str(path)],
            _pg_env(),
            f"备份文件 {path.name} 不是有效的 pg_dump 备份",
        )
    return Backup(path, manifest)


def restore_backup(source: str | Path | Backup) -> RestoreReport:
    """Replace the configured database with a backup (a path, or one `inspect_backup` just checked),
    then compare its row counts with the manifest."""
    backup = source if isinstance(source, Backup) else inspect_backup(source)
    wrapper = connections[DB_ALIAS]
    if wrapper.in_atomic_block:
        raise BackupError("不能在数据库事务中恢复备份")
    before = _audit_state()
    # Our own connection must hold no lock on the tables being replaced.
    wrapper.close()
    if backup.manifest.engine == "sqlite":
        _sqlite_restore(backup.path)
    else:
        _pg_restore(backup.path)
    wrapper.close()
    counts = current_counts()
    expected = backup.manifest.tables
    mismatches = compare_counts(expected, counts)
    pending, unknown = _migration_drift(backup.manifest.migrations)
    report = RestoreReport(
        backup=backup,
        counts=counts,
        mismatches=mismatches,
        extra_tables=sorted(set(counts) - set(expected)),
        pending_migrations=pending,
        unknown_migrations=unknown,
    )
    verdict = "行数与清单一致" if report.ok else f"{len(mismatches)} 张表行数与清单不一致"
    with transaction.atomic(using=DB_ALIAS):
        audit.record(
            None,
            "ops.restore",
            backup,
            summary=f"从备份恢复数据库（{ENGINES[backup.manifest.engine]}）：{verdict}",
            before=before,
            after={
                **_audit_facts(backup.manifest, backup.path),
                "mismatches": [asdict(m) for m in mismatches],
            },
        )
    return report


def _check_sqlite_file(path: Path, manifest: Manifest) -> None:
    try:
        with closing(sqlite3.connect(_readonly_uri(path), uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise BackupError(
                    f"备份文件 {path.name} 已损坏（SQLite quick_check：{'; '.join(problems[:3])}）"
                )
            tables, _ = _contents(db.cursor(), "sqlite")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份文件 {path.name} 已损坏或不是 SQLite 数据库：{exc}") from exc
    if tables != manifest.tables:
        raise BackupError(f"备份文件 {path.name} 中的行数与清单不符：清单不属于这个备份")


def _sqlite_restore(path: Path) -> None:
    target = _sqlite_file()
    try:
        with (
            closing(sqlite3.connect(_readonly_uri(path), uri=True)) as src,
            closing(sqlite3.connect(target, timeout=20)) as dst,
        ):
            # All pages are written in one transaction on the target: other connections (the running
            # server) see either the old database or the restored one.
            src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 恢复失败（写入在一个事务中，已回滚，数据库未改动）：{exc}") from exc


def _pg_restore(path: Path) -> None:
    name = str(connections[DB_ALIAS].settings_dict["NAME"])
    _run(
        [
            _client("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={name}",
            str(path),
        ],
        _pg_env(),
        "pg_restore 恢复失败（在一个事务中进行，已回滚，数据库未改动）",
    )


def compare_counts(expected: dict[str, int], actual: dict[str, int]) -> list[Mismatch]:
    """Every table of the manifest whose row count differs (or that is missing) after a restore."""
    return [
        Mismatch(table, rows, actual.get(table))
        for table, rows in sorted(expected.items())
        if actual.get(table) != rows
    ]


def current_counts() -> dict[str, int]:
    """Rows per table in the configured database, listed the same way as in a manifest."""
    engine = current_engine()
    with connections[DB_ALIAS].cursor() as cursor:
        return _contents(cursor, engine)[0]


# ------------------------------------------------------------------------------------------- helpers


def _contents(cursor: Any, engine: str) -> tuple[dict[str, int], list[str]]:
    """Row count per table and the applied migrations, read through any DB-API cursor."""
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    names = [str(row[0]) for row in cursor.fetchall()]
    counts: dict[str, int] = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")  # noqa: S608 - a quoted name from the catalogue
        counts[name] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    return counts, migrations


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _readonly_uri(path: Path) -> str:
    # immutable: a backup file never changes while we read it, so no locks or -wal/-shm files are needed.
    return f"file:{quote(str(path))}?mode=ro&immutable=1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"找不到 {name} 命令：PostgreSQL 的备份与恢复需要 PostgreSQL 客户端工具"
            "（Debian/Ubuntu：apt-get install postgresql-client，版本不低于数据库服务器）"
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password travels here, never on a command line."""
    settings_dict = connections[DB_ALIAS].settings_dict
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for var, key in (
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGSSLCERT", "sslcert"),
        ("PGSSLKEY", "sslkey"),
        ("PGSERVICE", "service"),
        ("PGPASSFILE", "passfile"),
    ):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(args: list[str], env: dict[str, str], failure: str) -> str:
    try:
        # A fixed argument list from shutil.which and our own paths; no shell.
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"{failure}：{exc}") from exc
    if done.returncode != 0:
        detail = " ".join(done.stderr.strip().splitlines()[-3:]) or f"退出码 {done.returncode}"
        raise BackupError(f"{failure}：{detail}")
    return done.stdout


def _migration_drift(migrations: list[str]) -> tuple[list[str], list[str]]:
    """(in the code but not applied in the backup, applied in the backup but unknown to the code)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    code = {f"{app}.{name}" for app, name in loader.disk_migrations}
    applied = set(migrations)
    return sorted(code - applied), sorted(applied - code)


def _audit_state() -> dict[str, Any]:
    """How the audit log stood before a restore replaced it, so the entry of the restore records it."""
    from lingong.accounts.models import AuditEntry

    try:
        last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        return {
            "database": describe_database(),
            "audit_entries": AuditEntry.objects.count(),
            "last_audit_id": last[0] if last else None,
            "last_audit_hash": last[1] if last else None,
        }
    except DatabaseError:
        return {"database": describe_database()}


def _audit_facts(manifest: Manifest, path: Path) -> dict[str, Any]:
    return {
        "file": str(path),
        "engine": manifest.engine,
        "created_at": manifest.created_at,
        "size": manifest.size,
        "sha256": manifest.sha256,
        "tables": len(manifest.tables),
        "rows": manifest.total_rows,
    }
