"""Town coverage (P-13): each town needs at least one operating 零工市场 and one operating 就业驿站."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .models import Station, StationKind, StationStatus, Town

IN_PROGRESS = {StationStatus.SURVEY, StationStatus.BUILDING, StationStatus.AWAITING_ACCEPTANCE}


@dataclass
class TownCoverage:
    town: Town
    operating: dict[str, int]
    in_progress: dict[str, int]
    missing: list[str] = field(default_factory=list)


def town_coverage() -> list[TownCoverage]:
    counts: Counter[tuple[int, str, str]] = Counter(
        Station.objects.exclude(status=StationStatus.REVOKED).values_list("town_id", "kind", "status")
    )
    rows = []
    for town in Town.objects.all():
        operating = {k: counts[(town.id, k, StationStatus.OPERATING)] for k in StationKind.values}
        in_progress = {k: sum(counts[(town.id, k, s)] for s in IN_PROGRESS) for k in StationKind.values}
        missing = [StationKind(k).label for k in StationKind.values if operating[k] == 0]
        rows.append(TownCoverage(town, operating, in_progress, missing))
    return rows
