"""Shared by the second-factor tests: turn the requirement on and give an admin a known secret."""

from __future__ import annotations

import time

import pytest

from lingong.accounts import otp
from lingong.lib import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def totp_on(settings):
    settings.ADMIN_TOTP_REQUIRED = True


def enrol(user, secret: str = SECRET):
    return otp.enrol_with_secret(actor=None, user=user, secret=secret)


def code(secret: str = SECRET, offset: int = 0) -> str:
    """The code the app shows now (offset in seconds: +30 is the next step)."""
    return totp.code_at(secret, time.time() + offset)


def verified_login(client, user) -> None:
    """Sign in and give the second factor, as a browser session would have after the code page."""
    device = otp.confirmed_device(user) or enrol(user)
    client.force_login(user)
    session = client.session
    session[otp.SESSION_KEY] = otp.session_marker(user.pk, device.pk)
    session.save()
