"""Fixtures for content and kiosk tests: private media, the default categories, an approved employer, a
clock, and gigs placed around station B (东区)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.gigs.tests.factories import approved_employer, open_gig

TZ = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads go to a temporary folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def categories(db):
    """The default categories (a transactional test elsewhere may have flushed the migration's rows)."""
    from lingong.content.models import Category

    for code, name, sort in [
        ("jobs", "就业创业", 10),
        ("insurance", "社会保险", 40),
        ("rights", "劳动权益", 50),
    ]:
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


class Clock:
    """`timezone.now()` answers `self.now` while the test runs."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def early_today(monkeypatch):
    """Six in the morning today, so gigs later today are still ahead whenever the tests run."""
    return Clock(monkeypatch, local(timezone.localdate(), 6))


def gig_at(
    personas, employer, title: str, lat: float, lng: float, day: dt.date, start="20:00", end="22:00", **kw
):
    shifts = [{"date": day.isoformat(), "start": start, "end": end}]
    return open_gig(personas.employer, employer, title=title, lat=lat, lng=lng, shifts=shifts, **kw)
