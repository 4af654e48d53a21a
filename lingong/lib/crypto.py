"""Encryption at rest and blind indexes for personal identifiers (resident ID numbers).

One master key (32 bytes, base64) from LINGONG_DATA_KEY; locally it is generated into var/data_key on
first run (git-ignored). Two subkeys are derived with HKDF so the encryption key and the index key are
independent. Ciphertexts carry a version prefix so keys can be rotated later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"


def _master_key() -> bytes:
    return _load_master_key(os.environ.get("LINGONG_DATA_KEY", ""), str(settings.VAR_DIR))


@lru_cache(maxsize=2)
def _load_master_key(raw: str, var_dir: str) -> bytes:
    """Read once per process (bulk imports encrypt thousands of IDs a second)."""
    if not raw:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("LINGONG_DATA_KEY must be set in production (32 bytes, base64)")
        path = Path(var_dir) / "data_key"
        if not path.exists():
            path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)
        raw = path.read_text().strip()
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("LINGONG_DATA_KEY must be base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("LINGONG_DATA_KEY must decode to 32 bytes")
    return key


@lru_cache(maxsize=4)
def _subkey(purpose: str, master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(master)


def _keys() -> tuple[bytes, bytes]:
    master = _master_key()
    return _subkey("lingong-encrypt-v1", master), _subkey("lingong-blind-index-v1", master)


def encrypt(plaintext: str, *, context: str) -> str:
    """AES-256-GCM; `context` (e.g. "worker.id_number") is bound as associated data."""
    key, _ = _keys()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    version, _, body = token.partition(":")
    if version != VERSION:
        raise ValueError("unknown ciphertext version")
    key, _ = _keys()
    blob = base64.b64decode(body)
    return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """A keyed hash for equality look-ups (one worker per ID) without storing the value."""
    _, key = _keys()
    return hmac.new(key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
