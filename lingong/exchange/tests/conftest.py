"""Exchange fixtures: a platform partner posting for the approved persona employer, its user, rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lingong.accounts.services import create_user, issue_token
from lingong.exchange import services
from lingong.exchange.models import PartnerKind
from lingong.gigs.tests.factories import approved_employer


@pytest.fixture(autouse=True)
def _push_on(settings, tmp_path):
    """The provincial push is on for these tests, writing to a temporary file."""
    settings.EXCHANGE_PROVINCIAL_PUSH = True
    settings.EXCHANGE_PROVINCIAL_LOG = tmp_path / "provincial.jsonl"
    settings.EXCHANGE_PROVINCIAL_PLATFORM = "lingong.exchange.provincial.LocalProvincialPlatform"


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def partner_user(db):
    return create_user(actor=None, username="partner", password="x-pass-2026!", phone="13900000017")


@pytest.fixture
def partner(personas, employer, partner_user):
    return services.create_partner(
        actor=personas.city_admin,
        data={
            "name": "某招聘平台",
            "kind": PartnerKind.PLATFORM,
            "employer": employer,
            "users": [partner_user],
        },
    )


def bearer(user) -> dict[str, str]:
    _, key = issue_token(actor=user, name="测试")
    return {"Authorization": f"Bearer {key}"}


def row(external_id: str, **overrides: Any) -> dict[str, Any]:
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    data: dict[str, Any] = {
        "external_id": external_id,
        "occupation": "4-09-08-01",
        "title": "写字楼保洁 日结",
        "description": "负责写字楼公共区域日常清洁，工具由我方提供。",
        "requirements": "",
        "headcount": 2,
        "town": "东区",
        "address": "中山市东区兴中道8号",
        "lat": 22.52,
        "lng": 113.395,
        "pay_amount": "180",
        "pay_unit": "day",
        "settlement": "daily",
        "certificates": [],
        "provided": ["meals"],
        "insurance": "employer",
        "booking_mode": "choose",
        "kind": "regular",
        "contact_name": "周经理",
        "contact_phone": "13900000005",
        "shifts": [{"date": day, "start": "08:00", "end": "17:00"}],
    }
    data.update(overrides)
    return data
