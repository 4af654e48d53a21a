"""15-minute coverage and siting suggestions on a small constructed case in 东区."""

import datetime as dt
import itertools
import math

import pytest

from lingong.lib.idcard import make_id
from lingong.places.models import Station, StationStatus
from lingong.programme import services
from lingong.programme.coverage import (
    MINUTES,
    SitingError,
    coverage_report,
    modes,
    suggest_sites,
    town_radius_m,
)
from lingong.workers.models import ConsentPurpose, RegisteredVia, Worker
from lingong.workers.services import register_worker

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)
LAT_M = 111_320  # metres per degree of latitude


def _worker(personas, town, north_m: float):
    """A worker living north_m metres due north of station B (东区)."""
    n = next(_serial)
    worker = register_worker(
        actor=personas.coordinator_a,
        via=RegisteredVia.ASSISTED,
        phone=f"1371111{n:04d}",
        real_name="覆盖测试",
        id_number=make_id("442000", dt.date(1980, 1, n), n),
        consents=list(ConsentPurpose.values),
        station=personas.station_a,
    )
    b = personas.station_b
    Worker.objects.filter(pk=worker.pk).update(
        home_town=town, home_lat=b.lat + north_m / LAT_M, home_lng=b.lng
    )
    return worker


@pytest.fixture
def east_case(personas, towns):
    """Four 东区 workers at 300 m, 600 m, 2 km and 5 km from the only 东区 station; one without a point."""
    east = towns["东区"]
    for d in (300, 600, 2000, 5000):
        _worker(personas, east, d)
    Worker.objects.filter(pk=_worker(personas, east, 0).pk).update(home_lat=None, home_lng=None)
    return east


def test_reach_of_the_two_modes():
    walk, ebike = modes()
    assert walk.reach_m(MINUTES) == pytest.approx(865.4, abs=0.1)  # 4.5 km/h, detour 1.3
    assert ebike.reach_m(MINUTES) == pytest.approx(2884.6, abs=0.1)  # 15 km/h, detour 1.3


def test_worker_and_population_shares_on_a_constructed_case(east_case, personas, towns):
    report = coverage_report()
    rows = {r.town.short: r for r in report.rows if r.town}
    east = rows["东区"]
    assert east.workers == 4 and east.operating == 1
    assert east.covered == {"walk": 2, "ebike": 3}
    assert east.worker_share("walk") == 0.5 and east.worker_share("ebike") == 0.75
    assert report.workers == 4 and report.workers_without_point == 1
    assert report.covered == {"walk": 2, "ebike": 3}
    # Residents spread over a disk of 东区's 71.4 km² (radius ≈ 4.77 km); the station is ≈ 240 m from its
    # centre, so the covered share is close to (reach / radius)².
    radius = town_radius_m(towns["东区"])
    assert radius == pytest.approx(math.sqrt(71.4 / math.pi) * 1000)
    assert east.population_share["ebike"] == pytest.approx((2884.6 / radius) ** 2, abs=0.03)
    assert east.population_share["walk"] == pytest.approx((865.4 / radius) ** 2, abs=0.01)
    assert rows["神湾"].population_share == {"walk": 0.0, "ebike": 0.0}
    counted = [(r.population, r.population_share["ebike"]) for r in report.rows if r.town and r.population]
    total = sum(p for p, _ in counted)
    weighted = sum(p * share for p, share in counted) / total
    assert report.population_counted == total
    assert report.population_share["ebike"] == pytest.approx(weighted)
    assert rows["中山港"].population is None  # published together with 民众: left out of the weighting


def test_a_station_that_stops_operating_stops_covering(east_case, personas):
    Station.objects.filter(pk=personas.station_b.pk).update(status=StationStatus.SUSPENDED)
    east = next(r for r in coverage_report().rows if r.town and r.town.short == "东区")
    assert east.covered == {"walk": 0, "ebike": 0}


def test_siting_on_a_grid_covers_the_uncovered_workers_step_by_step(east_case):
    result = suggest_sites(east_case, k=3, mode_code="walk", source="grid")
    assert (result.town_workers, result.uncovered, result.covered_now) == (4, 2, 2)
    assert [s.gain for s in result.suggestions] == [1, 1]  # 2 km and 5 km are too far apart for one site
    assert [s.cumulative for s in result.suggestions] == [1, 2]
    assert result.suggestions[-1].share_after == 1.0
    ebike = suggest_sites(east_case, k=2, mode_code="ebike", source="grid")
    assert ebike.uncovered == 1 and [s.gain for s in ebike.suggestions] == [1]


def test_siting_from_candidate_sites_entered_by_staff(east_case, personas):
    b = personas.station_b
    with pytest.raises(SitingError, match="尚未登记候选站址"):
        suggest_sites(east_case, k=1, mode_code="walk")
    for name, north in (
        ("东区远方社区党群服务中心", 4900),
        ("东区中途社区服务中心", 2100),
        ("东区空地", 9000),
    ):
        services.add_candidate(
            actor=personas.town_admin_b,
            town=east_case,
            data={"name": name, "kind": "party_centre", "lat": b.lat + north / LAT_M, "lng": b.lng},
        )
    result = suggest_sites(east_case, k=3, mode_code="walk")
    assert [s.name for s in result.suggestions] == ["东区中途社区服务中心", "东区远方社区党群服务中心"]
    with pytest.raises(SitingError, match="1 到 10"):
        suggest_sites(east_case, k=11, mode_code="walk")


def test_candidate_sites_are_checked_and_scoped(personas, towns):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as exc:
        services.add_candidate(
            actor=personas.town_admin_b,
            town=towns["东区"],
            data={"name": "", "kind": "x", "lat": 39.9, "lng": 116.4},
        )
    assert set(exc.value.message_dict) == {"name", "kind", "lat"}
    with pytest.raises(PermissionDenied):
        services.add_candidate(
            actor=personas.town_admin_b,
            town=towns["小榄"],
            data={"name": "小榄某中心", "kind": "party_centre", "lat": 22.67, "lng": 113.25},
        )
