"""The monthly task: the right reports for a given date, catching up after a missed month, snapshots
brought up to date first, registered with Huey for the 1st of each month."""

from __future__ import annotations

import datetime as dt

import pytest

from lingong.monitoring import services
from lingong.monitoring.models import CaseProposal, Report

from .test_reports_support import snapshots


def _made(reports) -> set[tuple[str, str, str]]:
    return {(r.kind, r.period_start.isoformat(), r.area) for r in reports}


def _areas(towns) -> list[str]:
    return ["city", towns["小榄"].code, towns["东区"].code]


@pytest.mark.django_db
def test_task_on_april_1st_makes_march_and_the_first_quarter(personas, towns, clock):
    from lingong.monitoring.tasks import monthly_reports

    snapshots(personas, towns, dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    clock.at(dt.date(2024, 4, 1), 3, 10)
    assert monthly_reports.call_local() == 6
    expected = {("month", "2024-03-01", a) for a in _areas(towns)}
    expected |= {("quarter", "2024-01-01", a) for a in _areas(towns)}
    assert _made(Report.objects.all()) == expected
    assert not Report.objects.exclude(generated_by=None).exists()
    quarter = Report.objects.get(kind="quarter", area="city")
    assert quarter.figures["days_with_data"] == 31 and quarter.figures["days"] == 91
    assert CaseProposal.objects.filter(period_kind="month").exists()  # the city's cases were proposed
    # Run again the same day: everything is in the archive, nothing is made twice.
    assert services.produce_due_reports(dt.date(2024, 4, 1)) == []
    assert Report.objects.count() == 6


@pytest.mark.django_db
def test_task_catches_up_after_a_missed_month(personas, towns, clock):
    snapshots(personas, towns, dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    clock.at(dt.date(2024, 3, 1), 3, 10)
    made = services.produce_due_reports(dt.date(2024, 3, 1))
    assert _made(made) == {
        (k, d, a) for k, d in [("month", "2024-01-01"), ("month", "2024-02-01")] for a in _areas(towns)
    }
    # The run of 1 April never happened; the snapshots kept being written every night.
    snapshots(personas, towns, dt.date(2024, 3, 1), dt.date(2024, 4, 30))
    clock.at(dt.date(2024, 5, 1), 3, 10)
    made = services.produce_due_reports(dt.date(2024, 5, 1))
    expected = {("month", "2024-03-01"), ("month", "2024-04-01"), ("quarter", "2024-01-01")}
    assert _made(made) == {(k, d, a) for k, d in expected for a in _areas(towns)}
    assert Report.objects.count() == 15


@pytest.mark.django_db
def test_task_brings_the_snapshots_up_to_date_first(personas, towns, clock, monkeypatch):
    """The last day of January is not written yet when the task starts; backfill() writes it first."""
    snapshots(personas, towns, dt.date(2024, 1, 1), dt.date(2024, 1, 30))
    calls = []

    def backfill(today=None):
        calls.append(today)
        snapshots(personas, towns, dt.date(2024, 1, 31), dt.date(2024, 1, 31))
        return [dt.date(2024, 1, 31)]

    monkeypatch.setattr("lingong.monitoring.snapshots.backfill", backfill)
    clock.at(dt.date(2024, 2, 1), 3, 10)
    made = services.produce_due_reports(dt.date(2024, 2, 1))
    assert calls == [dt.date(2024, 2, 1)]
    city = next(r for r in made if r.area == "city")
    assert city.figures["as_of"] == "2024-01-31" and city.figures["days_with_data"] == 31


@pytest.mark.django_db
def test_task_does_nothing_without_data(personas, towns, clock):
    clock.at(dt.date(2024, 4, 1), 3, 10)
    assert services.produce_due_reports(dt.date(2024, 4, 1)) == []


def test_due_periods_cover_the_catch_up_window():
    periods = services.due_periods(dt.date(2024, 4, 1))
    months = [p for p in periods if p.kind == "month"]
    quarters = [p for p in periods if p.kind == "quarter"]
    assert [p.slug for p in months] == [f"2023-{m:02d}" for m in range(4, 13)] + [
        "2024-01",
        "2024-02",
        "2024-03",
    ]
    assert [p.slug for p in quarters] == ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"]
    assert [p.slug for p in services.due_periods(dt.date(2024, 4, 30))][-2:] == ["2024-03", "2024-Q1"]


def test_registered_for_the_first_of_each_month_early_morning():
    from lingong.monitoring.tasks import monthly_reports

    assert monthly_reports.s().validate_datetime(dt.datetime(2024, 4, 1, 3, 10))
    assert not monthly_reports.s().validate_datetime(dt.datetime(2024, 4, 2, 3, 10))
    assert not monthly_reports.s().validate_datetime(dt.datetime(2024, 4, 1, 15, 10))
