"""The provincial public employment platform behind one interface: ``ProvincialPlatform.push(docs)``.

``docs`` are the gigs' current public documents (contacts masked, as on public pages; a gig that is no
longer public goes out as ``{"code": …, "event": "closed"}``); ``push`` returns the platform's receipt or
raises ``TemporaryFailure`` (try again later) or ``PermanentFailure`` (never).

Which class is used comes from ``settings.EXCHANGE_PROVINCIAL_PLATFORM`` (a dotted path). The default,
``LocalProvincialPlatform``, sends nothing: it appends one JSON line per push to
``var/exchange/provincial.jsonl`` (``settings.EXCHANGE_PROVINCIAL_LOG`` overrides the file), so the
system runs anywhere. ``HttpProvincialPlatform`` is the shape of the real interface: an HTTPS endpoint
and a shared secret from ``settings.EXCHANGE_PROVINCIAL_HTTP`` (or the environment variables
``EXCHANGE_PROVINCIAL_URL`` and ``EXCHANGE_PROVINCIAL_SECRET``), an HMAC-SHA256 signature over the body,
and a ``transport`` callable that tests replace.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from lingong.notify.channels import (
    HttpRequest,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    _call,
    urllib_transport,
)

__all__ = [
    "HttpProvincialPlatform",
    "LocalProvincialPlatform",
    "PermanentFailure",
    "ProvincialPlatform",
    "TemporaryFailure",
    "get_platform",
]

DEFAULT_PLATFORM = "lingong.exchange.provincial.LocalProvincialPlatform"


class ProvincialPlatform:
    """Hand a list of gig documents to the provincial platform; return its receipt id."""

    def push(self, docs: list[dict[str, Any]], *, push_id: int) -> str:
        raise NotImplementedError


def get_platform() -> ProvincialPlatform:
    cls = import_string(getattr(settings, "EXCHANGE_PROVINCIAL_PLATFORM", None) or DEFAULT_PLATFORM)
    return cls()


def local_log_path() -> Path:
    configured = getattr(settings, "EXCHANGE_PROVINCIAL_LOG", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "exchange" / "provincial.jsonl"


class LocalProvincialPlatform(ProvincialPlatform):
    """Appends ``{"at", "push_id", "gigs": [...]}`` as one line; the receipt is ``local-<push id>``."""

    def push(self, docs: list[dict[str, Any]], *, push_id: int) -> str:
        path = local_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "push_id": push_id, "gigs": docs},
            ensure_ascii=False,
            default=str,
        )
        # One write of one line in append mode: lines from several processes do not interleave.
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return f"local-{push_id}"


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HttpProvincialPlatform(ProvincialPlatform):
    """POST ``{"push_id", "gigs"}`` as JSON to the configured HTTPS endpoint.

    Configuration: ``settings.EXCHANGE_PROVINCIAL_HTTP = {"url": …, "secret": …, "timeout": 10}``; the
    environment variables fill what settings leave out. Missing configuration is a temporary failure,
    so pushes wait in the outbox while an operator fixes it. ``push_id`` is also sent as the
    ``Idempotency-Key`` header, so a push repeated after a lost answer can be recognised.
    """

    def __init__(self, *, config: dict | None = None, transport: Transport | None = None) -> None:
        env = {
            "url": os.environ.get("EXCHANGE_PROVINCIAL_URL", ""),
            "secret": os.environ.get("EXCHANGE_PROVINCIAL_SECRET", ""),
        }
        configured = getattr(settings, "EXCHANGE_PROVINCIAL_HTTP", None) or {}
        self.config = {**{k: v for k, v in env.items() if v}, **configured, **(config or {})}
        self.transport: Transport = transport or urllib_transport

    def build_request(self, docs: list[dict[str, Any]], *, push_id: int) -> HttpRequest:
        url, secret = self.config.get("url"), self.config.get("secret")
        if not url or not secret:
            raise TemporaryFailure("省级平台接口未配置（url/secret）")
        body = json.dumps({"push_id": push_id, "gigs": docs}, ensure_ascii=False, default=str).encode()
        return HttpRequest(
            method="POST",
            url=str(url),
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": f"lingong-push-{push_id}",
                "X-Signature": signature(body, str(secret)),
            },
            timeout=float(self.config.get("timeout", 10)),
        )

    def push(self, docs: list[dict[str, Any]], *, push_id: int) -> str:
        response = _call(self.transport, self.build_request(docs, push_id=push_id))
        if response.status >= 500 or response.status == 429:
            raise TemporaryFailure(f"省级平台 HTTP {response.status}")
        if response.status >= 400:
            raise PermanentFailure(f"省级平台拒绝：HTTP {response.status}")
        try:
            data = response.json()
        except (ValueError, UnicodeDecodeError):
            data = {}
        return str(data.get("receipt", "")) if isinstance(data, dict) else ""
