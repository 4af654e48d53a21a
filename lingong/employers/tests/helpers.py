"""Shared builders for employer tests: everything goes through the services."""

from __future__ import annotations

import itertools

from lingong.accounts.models import User
from lingong.accounts.services import create_user
from lingong.employers.models import Employer
from lingong.employers.services import register_employer
from lingong.lib.uscc import make_uscc

PASSWORD = "test-pass-2026!"
_serial = itertools.count(1)


def new_uscc() -> str:
    return make_uscc(f"91442000MA{next(_serial):07d}")


def wrong_check(code: str) -> str:
    """The same code with a different (still well-formed) check character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


def employer_data(town, **overrides) -> dict:
    data = {
        "kind": "enterprise",
        "name": "中山市小榄镇测试五金有限公司",
        "uscc": new_uscc(),
        "contact_name": "李经理",
        "contact_phone": "13912345678",
        "town": town,
        "address": "中山市小榄镇宝丰路1号",
        "industry": "五金",
        "description": "",
    }
    data.update(overrides)
    return data


def make_user(username: str, phone: str) -> User:
    return create_user(actor=None, username=username, password=PASSWORD, phone=phone, display_name=username)


def register(actor: User, town, **overrides) -> Employer:
    return register_employer(actor=actor, data=employer_data(town, **overrides))


def persona_employer(personas) -> Employer:
    """The 东区 employer conftest registers for personas.employer (its manager)."""
    return Employer.objects.get(membership__user=personas.employer, membership__active=True)


def fresh(user: User) -> User:
    """The same user without cached memberships (after another request changed them)."""
    return User.objects.get(pk=user.pk)
