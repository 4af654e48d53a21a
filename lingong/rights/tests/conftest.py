"""Fixtures for rights tests: an approved employer with a gig, a worker of station A, a clock."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lingong.gigs.tests.factories import approved_employer, make_worker

from .helpers import Clock, posted_gig


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def employer(personas):
    return approved_employer(personas)


@pytest.fixture
def gig(personas, employer):
    """A 日结 gig with one shift tomorrow 08:00–17:00, posted by the employer persona (东区)."""
    return posted_gig(personas.employer, employer)


@pytest.fixture
def worker(personas):
    """A worker registered at station A (小榄) by its coordinator."""
    return make_worker(personas.coordinator_a, personas.station_a, name="梁小明")


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, timezone.now())


@pytest.fixture
def overdue_app(gig, worker):
    """A booking completed six days ago and never paid."""
    from .helpers import completed_days_ago

    return completed_days_ago(gig, worker, days=6)


@pytest.fixture
def case(overdue_app):
    """The case the scan opens for it, as of now (already at the town level)."""
    from lingong.rights.arrears import scan_arrears
    from lingong.rights.models import ArrearsCase

    scan_arrears(timezone.now())
    return ArrearsCase.objects.get(application=overdue_app)
