"""Second factor for the demo admin accounts: a fixed secret per account, so a demo can be repeated.

The secret is derived from the username, which is public, exactly like the demo password: demo
accounts are never created in production (seed_demo refuses), and neither are these devices.
`manage.py demo_totp <username>` prints the current code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lingong.lib import totp

from . import otp
from .models import TotpDevice, User

DEMO_ADMINS = ("city_admin", "town_xiaolan", "town_dongqu")


def demo_secret(username: str) -> str:
    digest = hmac.new(b"lingong-demo-totp", username.encode(), hashlib.sha1).digest()
    return base64.b32encode(digest).decode().rstrip("=")


def _refuse_in_production() -> None:
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("生产环境没有演示账号的动态验证码")


def seed_demo_totp() -> list[str]:
    """Give each demo admin that exists a confirmed device with its demo secret; the usernames done."""
    _refuse_in_production()
    done = []
    for user in User.objects.filter(username__in=DEMO_ADMINS).order_by("id"):
        otp.enrol_with_secret(
            actor=None,
            user=user,
            secret=demo_secret(user.username),
            summary=f"为演示账号 {user.username} 预置动态验证码",
        )
        done.append(user.username)
    return done


def current_code(username: str, at: float) -> str:
    """The code a demo admin's app would show now; only while the account keeps its demo secret."""
    _refuse_in_production()
    if username not in DEMO_ADMINS:
        raise ValueError(f"{username} 不是演示管理员账号（{'、'.join(DEMO_ADMINS)}）")
    device = TotpDevice.objects.filter(user__username=username, confirmed_at__isnull=False).first()
    if device is None or otp.device_secret(device) != demo_secret(username):
        raise ValueError(f"{username} 没有演示动态验证码（可能已重置或重新设置）")
    return totp.code_at(demo_secret(username), at)
