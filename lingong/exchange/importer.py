"""Bulk import of a partner's gigs: validate in Python, then write each chunk with bulk inserts.

Every row goes through posting.clean_gig_data (the rules of the gig form and the API) and the screening
engine (services.screen_gig), exactly as a posting does; only the writes differ. A chunk of rows is saved
in one transaction: the gigs, their shifts, certificates, search terms (search.index_gigs, what the
services use), the external ids, the provincial hand-off and one audit entry. A gig is saved whole or
not at all; a rejected row saves nothing and is reported with its row number and Chinese messages.

Upsert: the partner's external id names the gig; a row whose content hash equals the one stored for
that id is skipped as unchanged. A changed row rewrites the gig (and it goes through the screen again),
unless people have applied to it or it has ended, as with the posting form.

Lookups that clean_gig_data would repeat per row (the occupation, the town) are resolved once per chunk
and handed in as instances; a code that does not resolve is handed in as typed, so clean_gig_data
itself reports it with its usual message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.catalog.models import Occupation, OccupationLevel
from lingong.gigs import search
from lingong.gigs.models import Application, Gig, GigStatus, Shift
from lingong.gigs.posting import clean_gig_data
from lingong.gigs.services import GIG_FIELDS, screen_gig
from lingong.lib.codes import new_code
from lingong.places.models import Town
from lingong.places.towns import resolve_town

from .models import ExternalGig, ImportBatch, Partner
from .outbox import enqueue_push

MAX_ROWS = 5_000
CHUNK_SIZE = 1_000
FIELD_LABELS = {
    "external_id": "外部编号",
    "occupation": "职业",
    "title": "标题",
    "description": "工作内容",
    "requirements": "技能与体力要求",
    "headcount": "每班人数",
    "town": "镇街",
    "address": "工作地点",
    "lat": "位置",
    "lng": "位置",
    "pay_amount": "报酬",
    "pay_unit": "计酬单位",
    "settlement": "结算方式",
    "booking_mode": "录用方式",
    "kind": "岗位类型",
    "insurance": "意外伤害保险",
    "provided": "提供",
    "certificates": "所需证书",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "shifts": "班次",
    "__all__": "岗位",
}
# What a rewrite of an existing gig changes (besides the posting's own fields).
UPDATE_FIELDS = [
    *GIG_FIELDS,
    "status",
    "findings",
    "published_at",
    "first_start",
    "last_end",
    "updated_at",
    "review_note",
]


@dataclass
class RowError:
    row: int
    external_id: str
    messages: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "external_id": self.external_id, "messages": self.messages}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def add(self, other: ImportResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }


def row_hash(row: dict[str, Any]) -> str:
    """The content hash of a row as sent (keys sorted), to skip rows that did not change."""
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out: list[str] = []
        for name, msgs in exc.message_dict.items():
            label = FIELD_LABELS.get(name, name)
            out += [f"{label}：{m}" for m in msgs]
        return out
    return list(exc.messages)


def blocked_messages(findings: list[dict[str, Any]]) -> list[str]:
    return [
        f"{f['category_label']}：“{f['text']}”——{f['message']}" for f in findings if f["severity"] == "block"
    ]


class Lookups:
    """Occupations and towns resolved once per import, not once per row."""

    def __init__(self) -> None:
        self.towns = list(Town.objects.all())
        self._town_cache: dict[str, Town | None] = {}
        self._occupations: dict[str, Occupation] = {}

    def load_occupations(self, codes: Iterable[str]) -> None:
        wanted = {str(c).strip() for c in codes if c} - set(self._occupations)
        if wanted:
            for occ in Occupation.objects.filter(code__in=wanted, level__gte=OccupationLevel.MINOR):
                self._occupations[occ.code] = occ

    def occupation(self, raw: Any) -> Any:
        code = str(raw or "").strip()
        return self._occupations.get(code, raw)

    def town(self, raw: Any) -> Any:
        text = str(raw or "").strip()
        if text not in self._town_cache:
            self._town_cache[text] = resolve_town(text, towns=self.towns)
        return self._town_cache[text] or raw


@dataclass
class _Ready:
    """A row that passed validation and the screen, waiting to be written."""

    number: int
    external_id: str
    digest: str
    gig: Gig
    shifts: list[tuple[dt.datetime, dt.datetime]]
    certificate_ids: list[int]
    existing: ExternalGig | None


def _prepare(
    number: int,
    row: dict[str, Any],
    *,
    lookups: Lookups,
    partner: Partner,
    actor: User,
    today: dt.date,
    now: dt.datetime,
) -> tuple[Gig | None, list, list[int], list[str]]:
    """Clean and screen one row: (unsaved gig, shifts, certificate ids, []) or (None, …, messages)."""
    data = dict(row)
    data["occupation"] = lookups.occupation(data.get("occupation"))
    data["town"] = lookups.town(data.get("town"))
    try:
        cleaned = clean_gig_data(data, today=today)
    except ValidationError as exc:
        return None, [], [], messages_of(exc)
    shifts = cleaned["shifts"]
    if shifts[0][0] <= now:
        return None, [], [], ["班次：岗位的开工时间已过，请修改用工日期"]
    gig = Gig(employer=partner.employer, created_by=actor)
    for name in GIG_FIELDS:
        setattr(gig, name, cleaned[name])
    gig.first_start, gig.last_end = shifts[0][0], shifts[-1][1]
    findings = screen_gig(gig)
    severities = {f["severity"] for f in findings}
    if "block" in severities:
        return None, [], [], blocked_messages(findings)
    gig.findings = findings
    gig.status = GigStatus.REVIEW if "warn" in severities else GigStatus.OPEN
    gig.published_at = now if gig.status == GigStatus.OPEN else None
    return gig, shifts, [c.pk for c in cleaned["certificates"]], []


_PREPARED = (models.DateTimeField, models.DateField, models.DecimalField, models.JSONField)


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT unsaved instances with one executemany, without the ORM's per-field work on the plain
    columns (text, numbers, foreign keys), which is most of bulk_create's cost at thousands of rows.
    Dates, decimals and JSON still go through the field's own conversion for the backend. Auto fields
    (auto_now and friends) are not filled in: callers set them. Primary keys are not returned."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prepared = [isinstance(f, _PREPARED) for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names only
    rows = [
        tuple(
            f.get_db_prep_save(getattr(obj, f.attname), connection) if prep else getattr(obj, f.attname)
            for f, prep in zip(fields, prepared, strict=True)
        )
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update_rows(model: type[models.Model], objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE the named fields of saved instances by primary key, one executemany. bulk_update's CASE
    expression per field and row costs far more to build than the update itself at thousands of rows."""
    if not objs:
        return
    fields = [cast(models.Field, model._meta.get_field(n)) for n in names]
    prepared = [isinstance(f, _PREPARED) for f in fields]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    pk = qn(cast(models.Field, model._meta.pk).column)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names only
    rows = [
        (
            *(
                f.get_db_prep_save(getattr(obj, f.attname), connection) if prep else getattr(obj, f.attname)
                for f, prep in zip(fields, prepared, strict=True)
            ),
            obj.pk,
        )
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write(
    ready: list[_Ready],
    *,
    partner: Partner,
    actor: User,
    now: dt.datetime,
    batch: ImportBatch | None,
    chunk_no: int,
    phases: dict[str, float],
) -> None:
    """Insert new gigs and rewrite changed ones, with everything that hangs off them. In a transaction."""
    t0 = time.perf_counter()
    new = [r for r in ready if r.existing is None]
    old = [r for r in ready if r.existing is not None]
    for r in new:
        r.gig.code = new_code("G")
        r.gig.created_at = r.gig.updated_at = now
    if new:
        insert_rows(Gig, [r.gig for r in new])
        # executemany returns no ids; the fresh codes name the rows (one query per chunk).
        ids = dict(Gig.objects.filter(code__in=[r.gig.code for r in new]).values_list("code", "pk"))
        for r in new:
            r.gig.pk = ids[r.gig.code]
    if old:
        for r in old:
            r.gig.updated_at = now
        update_rows(Gig, [r.gig for r in old], UPDATE_FIELDS)
        old_ids = [r.gig.pk for r in old]
        Shift.objects.filter(gig_id__in=old_ids).delete()
        Gig.certificates.through.objects.filter(gig_id__in=old_ids).delete()
    insert_rows(
        Shift,
        [
            Shift(
                gig_id=r.gig.pk,
                starts_at=s,
                ends_at=e,
                headcount=r.gig.headcount,
                checkin_secret=secrets.token_hex(16),
            )
            for r in ready
            for s, e in r.shifts
        ],
    )
    through = Gig.certificates.through
    links = [through(gig_id=r.gig.pk, certificate_id=c) for r in ready for c in r.certificate_ids]
    if links:
        through.objects.bulk_create(links, batch_size=2000)
    insert_rows(
        ExternalGig,
        [
            ExternalGig(
                partner_id=partner.pk,
                external_id=r.external_id,
                gig_id=r.gig.pk,
                content_hash=r.digest,
                created_at=now,
                updated_at=now,
            )
            for r in new
        ],
    )
    if old:
        for r in old:
            assert r.existing is not None
            r.existing.content_hash, r.existing.updated_at = r.digest, now
        update_rows(ExternalGig, [r.existing for r in old if r.existing], ["content_hash", "updated_at"])
    t1 = time.perf_counter()
    search.index_gigs([r.gig for r in new], replace=False)
    search.index_gigs([r.gig for r in old], replace=True)
    t2 = time.perf_counter()
    _tick(phases, "insert", t1 - t0)
    _tick(phases, "index", t2 - t1)
    codes = [r.gig.code for r in ready]
    if codes:
        tag = batch.code if batch is not None else new_code("X")
        enqueue_push(codes, reason="import", dedupe_key=f"import:{tag}:{chunk_no}")


def _tick(phases: dict[str, float], name: str, seconds: float) -> None:
    phases[name] = phases.get(name, 0.0) + seconds


def _lock_existing(existing: dict[str, ExternalGig]) -> tuple[dict[int, Gig], set[int]]:
    """The gigs behind the known external ids (locked for the rewrite) and those people applied to."""
    ids = [e.gig_id for e in existing.values()]
    if not ids:
        return {}, set()
    gigs = {g.pk: g for g in Gig.objects.select_for_update(of=("self",)).filter(pk__in=ids)}
    applied = set(Application.objects.filter(gig_id__in=ids).values_list("gig_id", flat=True).distinct())
    return gigs, applied


def import_chunk(
    rows: Sequence[tuple[int, dict[str, Any]]],
    *,
    partner: Partner,
    actor: User,
    lookups: Lookups | None = None,
    batch: ImportBatch | None = None,
    chunk_no: int = 0,
    seen: set[str] | None = None,
    now: dt.datetime | None = None,
    phases: dict[str, float] | None = None,
) -> ImportResult:
    """Import (row number, row) pairs in one transaction. `seen` carries the external ids of earlier
    chunks of the same batch, so an id sent twice in one batch is rejected the second time."""
    phases = phases if phases is not None else {}
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    lookups = lookups or Lookups()
    seen = seen if seen is not None else set()
    result = ImportResult()
    lookups.load_occupations(str(row.get("occupation") or "") for _, row in rows)
    with transaction.atomic():
        ids = [str(row.get("external_id") or "").strip() for _, row in rows]
        existing = {
            e.external_id: e
            for e in ExternalGig.objects.filter(partner=partner, external_id__in=[i for i in ids if i])
        }
        locked, applied = _lock_existing(existing)
        ready: list[_Ready] = []
        for (number, row), external_id in zip(rows, ids, strict=True):
            if not external_id or len(external_id) > 64:
                result.errors.append(
                    RowError(number, external_id, ["外部编号：请填写外部编号（不超过 64 个字符）"])
                )
                continue
            if external_id in seen:
                result.errors.append(
                    RowError(number, external_id, ["外部编号：本批数据中重复出现，只导入第一次"])
                )
                continue
            seen.add(external_id)
            digest = row_hash(row)
            known = existing.get(external_id)
            if known is not None and known.content_hash == digest:
                result.unchanged += 1
                continue
            gig, shifts, certificates, problems = _prepare(
                number, row, lookups=lookups, partner=partner, actor=actor, today=today, now=now
            )
            if gig is None:
                result.errors.append(RowError(number, external_id, problems))
                continue
            if known is not None:
                current = locked[known.gig_id]
                if current.status in (GigStatus.CLOSED, GigStatus.CANCELLED):
                    result.errors.append(
                        RowError(
                            number,
                            external_id,
                            ["岗位：已结束或已取消的岗位不能修改，请用新的外部编号重新发布"],
                        )
                    )
                    continue
                if current.pk in applied:
                    result.errors.append(
                        RowError(
                            number,
                            external_id,
                            ["岗位：已有人报名的岗位不能修改内容；如需变更请取消后用新的外部编号重新发布"],
                        )
                    )
                    continue
                gig.pk, gig.code, gig.created_at = current.pk, current.code, current.created_at
                gig.created_by_id, gig.station_id = current.created_by_id, current.station_id
                if gig.status == GigStatus.OPEN and current.published_at is not None:
                    gig.published_at = current.published_at
                gig.review_note = ""
            ready.append(_Ready(number, external_id, digest, gig, shifts, certificates, known))
        _tick(phases, "validate", time.perf_counter() - started)
        _write(ready, partner=partner, actor=actor, now=now, batch=batch, chunk_no=chunk_no, phases=phases)
        finishing = time.perf_counter()
        result.created = sum(1 for r in ready if r.existing is None)
        result.updated = len(ready) - result.created
        result.rejected = len(result.errors)
        if batch is not None:
            _note_progress(batch, result, len(rows))
        if ready:
            audit.record(
                actor,
                "exchange.import",
                batch if batch is not None else partner,
                summary=(
                    f"{partner.name} 导入岗位：新增 {result.created}，更新 {result.updated}，"
                    f"未变化 {result.unchanged}，拒绝 {result.rejected}（批量写入，未逐条审计）"
                ),
                after={"partner": partner.code, "gigs": [r.gig.code for r in ready][:50]},
            )
    _tick(phases, "finish", time.perf_counter() - finishing)
    return result


def _note_progress(batch: ImportBatch, result: ImportResult, rows: int) -> None:
    batch.processed += rows
    batch.created += result.created
    batch.updated += result.updated
    batch.unchanged += result.unchanged
    batch.rejected += result.rejected
    batch.errors = [*batch.errors, *(e.as_dict() for e in result.errors)]
    batch.save(update_fields=["processed", "created", "updated", "unchanged", "rejected", "errors"])


def import_rows(
    rows: Sequence[dict[str, Any]],
    *,
    partner: Partner,
    actor: User,
    batch: ImportBatch | None = None,
    chunk_size: int = CHUNK_SIZE,
    first_row: int = 1,
    on_chunk: Callable[[ImportResult], None] | None = None,
    phases: dict[str, float] | None = None,
) -> ImportResult:
    """Import rows chunk by chunk (one transaction each); rows are numbered from `first_row`."""
    lookups = Lookups()
    seen: set[str] = set()
    total = ImportResult()
    numbered = list(enumerate(rows, start=first_row))
    for n, start in enumerate(range(0, len(numbered), chunk_size)):
        part = import_chunk(
            numbered[start : start + chunk_size],
            partner=partner,
            actor=actor,
            lookups=lookups,
            batch=batch,
            chunk_no=n,
            seen=seen,
            phases=phases,
        )
        total.add(part)
        if on_chunk is not None:
            on_chunk(part)
    return total
