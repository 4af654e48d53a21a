"""The people and records the API fuzz test works with: one of each role, with a token each, and a
published gig with one application, so that fuzzed requests reach the code behind the permission checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lingong.accounts.models import Role
from lingong.accounts.services import create_user, grant_membership, issue_token
from lingong.employers.services import register_employer, review_employer
from lingong.gigs.booking import apply
from lingong.gigs.tests.factories import make_worker, open_gig
from lingong.lib.uscc import make_uscc
from lingong.places.models import Town
from lingong.places.services import create_station


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer key
    codes: dict[str, str] = field(default_factory=dict)  # collection path prefix -> a real record's code


def build() -> World:
    towns = {t.short: t for t in Town.objects.all()}

    def user(name: str, phone: str):
        return create_user(
            actor=None, username=name, password="fuzz-pass-2026!", phone=phone, display_name=name
        )

    city = user("fuzz_city", "13900001001")
    grant_membership(actor=None, user=city, role=Role.CITY_ADMIN)
    station = create_station(
        actor=city,
        data={
            "name": "中山市（小榄镇）就业驿站",
            "kind": "employment_station",
            "town": towns["小榄"],
            "address": "中山市小榄镇升平中路1号",
            "lat": 22.6720,
            "lng": 113.2500,
            "phone": "0760-22112233",
            "contact_name": "陈协理",
            "services": ["recommendation", "guidance"],
            "occupations": ["普工"],
            "status": "operating",
        },
    )
    coordinator = user("fuzz_coord", "13900001003")
    grant_membership(actor=city, user=coordinator, role=Role.COORDINATOR, station=station)
    boss = user("fuzz_employer", "13900001005")
    employer = register_employer(
        actor=boss,
        data={
            "kind": "enterprise",
            "name": "中山市东区示例物业管理有限公司",
            "uscc": make_uscc("91442000MA4U1234N"),
            "contact_name": "周经理",
            "contact_phone": "13900001005",
            "town": towns["东区"],
            "address": "中山市东区兴中道8号",
        },
    )
    employer = review_employer(employer, actor=city, decision="approve")
    gig = open_gig(boss, employer)
    worker = make_worker(coordinator, station, phone="13700009001")
    application = apply(gig.shifts.first(), actor=worker.user)  # type: ignore[arg-type]

    world = World()
    people = {"worker": worker.user, "employer": boss, "coordinator": coordinator, "city_admin": city}
    for role, person in people.items():
        world.tokens[role] = issue_token(actor=person, name="fuzz")[1]
    world.codes = {
        "/api/v1/stations/": station.code,
        "/api/v1/employers/": employer.code,
        "/api/v1/gigs/": gig.code,
        "/api/v1/applications/": application.code,
        "/api/v1/workers/": worker.code,
    }
    return world
