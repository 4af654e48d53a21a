"""Builders for programme tests; everything goes through the services, as staff would."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from conftest import PASSWORD, weekday_hours
from lingong.accounts.models import Role
from lingong.accounts.services import create_user, grant_membership
from lingong.places.services import create_station, note_ledger_activity
from lingong.programme import services
from lingong.programme.checklist import MANUAL_KEYS

_serial = itertools.count(1)


def building_station(personas, town, *, name: str, kind: str = "gig_market", complete: bool = True, **extra):
    """A station under construction; complete=True adds its public data, a coordinator and a ledger entry."""
    data = {
        "name": name,
        "kind": kind,
        "town": town,
        "lat": town.lat + 0.002,
        "lng": town.lng + 0.002,
        "status": "building",
        **extra,
    }
    if complete:
        data |= {
            "address": f"{town.name}示例路1号",
            "phone": "0760-88776655",
            "contact_name": "李站长",
            "services": ["recommendation", "guidance"],
            "facilities": ["led", "computer"],
            "occupations": ["普工"],
        }
    station = create_station(
        actor=personas.city_admin, data=data, hours=weekday_hours() if complete else None
    )
    if complete:
        n = next(_serial)
        coord = create_user(
            actor=None,
            username=f"coord_p{n}",
            password=PASSWORD,
            phone=f"1390001{n:04d}",
            display_name=f"协理员{n}",
        )
        grant_membership(actor=personas.city_admin, user=coord, role=Role.COORDINATOR, station=station)
        note_ledger_activity(station, timezone.localdate())
        station.refresh_from_db()
    return station


def tick_all(station, actor) -> None:
    for item in MANUAL_KEYS:
        if item == "kiosk":
            continue
        services.tick_item(station, actor=actor, item=item, evidence=f"现场核实：{item} 已到位")


def second_city_admin():
    n = next(_serial)
    user = create_user(
        actor=None, username=f"city_p{n}", password=PASSWORD, phone=f"1390002{n:04d}", display_name=f"市级{n}"
    )
    grant_membership(actor=None, user=user, role=Role.CITY_ADMIN)
    return user


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)
