"""The people and records the API fuzz test works with: one of each role, with a token each, and a
published gig with one application, so that fuzzed requests reach the code behind the permission checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from conftest import make_personas
from lingong.accounts.models import User
from lingong.accounts.services import issue_token
from lingong.employers.models import Employer
from lingong.employers.services import review_employer
from lingong.gigs.booking import apply
from lingong.gigs.tests.factories import make_worker, open_gig
from lingong.places.models import Town


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer key
    codes: dict[str, str] = field(default_factory=dict)  # collection path prefix -> a real record's code


def build() -> World:
    people = make_personas({t.short: t for t in Town.objects.all()})
    city, boss = cast(User, people.city_admin), cast(User, people.employer)
    coordinator = cast(User, people.coordinator_a)
    employer = Employer.objects.get(pk__in=boss.employer_ids)
    employer = review_employer(employer, actor=city, decision="approve")
    gig = open_gig(boss, employer)
    worker = make_worker(coordinator, people.station_a, phone="13700009001")
    application = apply(gig.shifts.first(), actor=worker.user)  # type: ignore[arg-type]

    world = World()
    holders = {"worker": worker.user, "employer": boss, "coordinator": coordinator, "city_admin": city}
    for role, person in holders.items():
        world.tokens[role] = issue_token(actor=person, name="fuzz")[1]
    world.codes = {
        "/api/v1/stations/": people.station_a.code,  # type: ignore[attr-defined]
        "/api/v1/employers/": employer.code,
        "/api/v1/gigs/": gig.code,
        "/api/v1/applications/": application.code,
        "/api/v1/workers/": worker.code,
    }
    return world
