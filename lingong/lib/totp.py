"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): SHA-1, 30-second steps, 6 digits.

This is what every authenticator app speaks. Secrets travel as base32 text (what apps accept for
manual entry and in otpauth:// URIs). A code is accepted one step early or late to allow for clock
drift, and callers pass the last step they accepted so the same code can never be used twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import unicodedata
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, the length RFC 4226 recommends for SHA-1


def new_secret() -> str:
    """A fresh random secret as base32 text without padding (32 characters)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def secret_key(secret: str) -> bytes:
    """The key bytes of a base32 secret; spaces, case and missing padding are tolerated."""
    text = "".join(secret.split()).upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: HMAC-SHA-1 of the counter, dynamically truncated to `digits` decimal digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def time_step(at: float) -> int:
    """The 30-second step a Unix time falls in (RFC 6238's T with T0 = 0)."""
    return int(at // STEP_SECONDS)


def code_at(secret: str, at: float, digits: int = DIGITS) -> str:
    """The code an authenticator app shows at Unix time `at`."""
    return hotp(secret_key(secret), time_step(at), digits)


def normalize_code(code: str) -> str | None:
    """A typed code as six ASCII digits (spaces dropped, full-width digits folded), or None."""
    text = unicodedata.normalize("NFKC", "".join((code or "").split()))
    return text if len(text) == DIGITS and text.isascii() and text.isdigit() else None


def matching_step(secret: str, code: str, at: float, window: int = 1) -> int | None:
    """The step (within `window` steps of `at`) whose code equals `code`, latest first; else None."""
    typed = normalize_code(code)
    if typed is None:
        return None
    key, now = secret_key(secret), time_step(at)
    found = None
    for step in range(now - window, now + window + 1):
        # Compare every candidate in constant time, so timing does not tell which step matched.
        if hmac.compare_digest(hotp(key, step), typed):
            found = step
    return found


def verify(secret: str, code: str, at: float, last_step: int | None = None, window: int = 1) -> int | None:
    """The accepted step, or None. A step at or before `last_step` was already used: refused."""
    step = matching_step(secret, code, at, window)
    if step is None or (last_step is not None and step <= last_step):
        return None
    return step


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address authenticator apps read from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer, safe='')}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )


def grouped(secret: str, size: int = 4) -> str:
    """The secret in groups of four for typing by hand: "ABCD EFGH …"."""
    text = "".join(secret.split())
    return " ".join(text[i : i + size] for i in range(0, len(text), size))
