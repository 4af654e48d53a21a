"""Idempotency-Key handling for the API's creating calls (applications, pay records, confirmations).

The key row is inserted in the same transaction as the record it creates. A replay finds the row and
gets the first answer back; a concurrent replay waits on the unique index (PostgreSQL) or on the write
lock (SQLite), then finds it. The same key with a different body is refused with 422.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from ninja.errors import HttpError

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100


def _hash(scope: str, body: Any) -> str:
    return hashlib.sha256(json.dumps([scope, body], sort_keys=True, default=str).encode()).hexdigest()


def run_once(request, *, scope: str, body: Any, action: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Run `action` (returning (status, jsonable body)) once per (user, key); replay the stored answer."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return action()
    if len(key) > MAX_KEY_LENGTH:
        raise HttpError(422, f"{HEADER} 不能超过 {MAX_KEY_LENGTH} 个字符")
    digest = _hash(scope, body)
    user = request.user
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(user=user, key=key, scope=scope, request_hash=digest)
            status, payload = action()
            # Stored as JSON; the first answer goes through the same round trip so a replay is identical.
            payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
            record.status_code, record.response = status, payload
            record.save(update_fields=["status_code", "response"])
            return status, payload
    except IntegrityError:
        pass
    stored = IdempotencyKey.objects.get(user=user, key=key)
    if stored.scope != scope or stored.request_hash != digest:
        raise HttpError(422, f"同一个 {HEADER} 已用于另一个请求，请换一个新的 {HEADER}")
    return stored.status_code, stored.response
