"""Fixtures for event tests: an approved employer with an open gig, workers, and an event of station A."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.events import services
from lingong.gigs.tests.factories import approved_employer, make_worker, open_gig


def event_data(station, **overrides):
    """A job fair at the station today, all day (so sign-ups on the spot count as on the day)."""
    data = {
        "kind": "job_fair",
        "title": "小榄镇春风行动招聘会",
        "description": "现场招聘普工、保洁、搬运。请带身份证。",
        "station": station,
        "date": timezone.localdate().isoformat(),
        "start": "00:00",
        "end": "23:59",
        "venue": "",
        "address": "",
        "capacity": 50,
    }
    data.update(overrides)
    return data


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def gig(personas, employer):
    return open_gig(personas.employer, employer)


@pytest.fixture
def event(personas):
    """A published job fair of station A (小榄), organised by its coordinator."""
    event = services.save_event(actor=personas.coordinator_a, data=event_data(personas.station_a))
    return services.publish_event(event, actor=personas.coordinator_a)


@pytest.fixture
def tomorrow_event(personas):
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    event = services.save_event(
        actor=personas.coordinator_a,
        data=event_data(personas.station_a, date=day, start="09:00", end="12:00"),
    )
    return services.publish_event(event, actor=personas.coordinator_a)


@pytest.fixture
def worker(personas):
    """A worker registered at station A, with an account of their own."""
    return make_worker(personas.coordinator_a, personas.station_a, phone="13700000071", name="梁志强")


@pytest.fixture
def other_worker(personas):
    return make_worker(personas.coordinator_a, personas.station_a, phone="13700000072", name="陈阿姨")
