"""Writing and checking the audit log. Called by service functions inside their transaction."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry, User

# Any constant works: it names the one lock that serialises appends to the hash chain on PostgreSQL.
_CHAIN_LOCK_KEY = 4_420_000_001


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def record(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=str(actor) if actor is not None and actor.is_authenticated else "系统",
        action=action,
        object_type=obj._meta.label_lower if hasattr(obj, "_meta") else str(type(obj).__name__),
        object_id=str(getattr(obj, "code", None) or getattr(obj, "pk", "")),
        object_label=str(obj)[:200],
        summary=summary[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last or "",
    )
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


def verify_chain() -> int | None:
    """Return the id of the first entry whose hash does not match, or None when the chain is intact."""
    prev = ""
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.prev_hash != prev or entry.compute_hash() != entry.hash:
            return entry.id
        prev = entry.hash
    return None


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, for a readable before/after summary."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
