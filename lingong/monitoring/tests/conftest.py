"""Fixtures for monitoring tests: a clock the code under test follows, and the scenario of a week."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .scenario import Scenario, build

TZ = timezone.get_default_timezone()


class Clock:
    """The time as the code under test sees it: `timezone.now()` (and so `localdate()`, auto_now fields
    and every service) answers `self.now` while the test runs."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def at(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        """Move to a local time on `day` and return it."""
        self.now = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
        return self.now

    def advance(self, **delta: float) -> Clock:
        self.now = self.now + dt.timedelta(**delta)
        return self

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch, timezone.now())


@pytest.fixture
def scenario(personas, clock) -> Scenario:
    """A week of records in two towns and two stations (see scenario.py); the clock is left at its end."""
    return build(personas, clock)
