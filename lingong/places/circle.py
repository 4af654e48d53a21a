"""The 15-minute employment service circle (P-2): stations reachable from a point, nearest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lingong.lib.geo import TravelMode, haversine_m

from .models import Station


@dataclass
class Reach:
    station: Station
    distance_m: float
    minutes: float


def reachable(
    stations: Iterable[Station], lat: float, lng: float, mode: TravelMode, within_minutes: float | None = None
) -> list[Reach]:
    """Stations sorted by estimated minutes; when within_minutes is given, only those inside it.

    The city has at most a few hundred stations, so an exact pass over all of them is cheap.
    """
    out = []
    for station in stations:
        d = haversine_m(lat, lng, station.lat, station.lng)
        minutes = mode.minutes(d)
        if within_minutes is None or minutes <= within_minutes:
            out.append(Reach(station, d, minutes))
    out.sort(key=lambda r: (r.minutes, r.station.name))
    return out
