"""Reading the programme: per town, stations planned / building / awaiting acceptance / operating,
overdue items against the round's due dates, and the rule of at least one of each kind per town (P-13)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from lingong.places.models import Station, StationKind, StationStatus, Town

from .models import Milestone, Phase, PhaseKey, Round, StationProgress

# Station status → the plan's phase it is in.
STATUS_PHASE = {
    StationStatus.SURVEY: PhaseKey.SURVEY,
    StationStatus.BUILDING: PhaseKey.BUILDING,
    StationStatus.AWAITING_ACCEPTANCE: PhaseKey.ACCEPTANCE,
}
COLUMNS = [
    (StationStatus.SURVEY, "规划中（调研摸底）"),
    (StationStatus.BUILDING, "建设中"),
    (StationStatus.AWAITING_ACCEPTANCE, "待验收"),
    (StationStatus.OPERATING, "运营中"),
]


@dataclass
class StationRow:
    station: Station
    progress: StationProgress | None
    overdue: list[str]

    @property
    def stage(self) -> str:
        """Where the station stands, in words (acceptance steps included)."""
        p = self.progress
        if self.station.status == StationStatus.AWAITING_ACCEPTANCE:
            return "待市级验收" if p and p.town_accepted_on else "待镇街验收"
        return self.station.get_status_display()


@dataclass
class TownRow:
    town: Town
    counts: dict[str, int]
    operating_by_kind: dict[str, int]
    in_progress_by_kind: dict[str, int]
    stations: list[StationRow] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Kinds with no operating station (the rule: at least one 零工市场 and one 就业驿站)."""
        return [StationKind(k).label for k in StationKind.values if not self.operating_by_kind[k]]

    @property
    def unplanned(self) -> list[str]:
        """Missing kinds that are not even under way: the town has to plan one."""
        return [
            StationKind(k).label
            for k in StationKind.values
            if not self.operating_by_kind[k] and not self.in_progress_by_kind[k]
        ]

    @property
    def column_counts(self) -> list[int]:
        return [self.counts.get(s, 0) for s, _ in COLUMNS]

    @property
    def overdue_count(self) -> int:
        return sum(1 for s in self.stations if s.overdue)


def phases_of(rnd: Round) -> dict[str, Phase]:
    return {p.key: p for p in rnd.phases.all()}


def overdue_items(
    station: Station,
    progress: StationProgress | None,
    phases: dict[str, Phase],
    today: dt.date,
    milestones: Iterable[Milestone] = (),
) -> list[str]:
    """What is late for this station today, relative to its round's due dates and its own milestones."""
    status = station.status
    if status in (StationStatus.OPERATING, StationStatus.SUSPENDED, StationStatus.REVOKED):
        return []
    items = []
    survey, building, acceptance = (phases.get(k) for k in PhaseKey.values)
    if survey and status == StationStatus.SURVEY and today > survey.due_on:
        items.append(f"调研摸底应于 {survey.due_on:%Y-%m-%d} 前完成")
    if building and status in (StationStatus.SURVEY, StationStatus.BUILDING) and today > building.due_on:
        items.append(f"建设实施应于 {building.due_on:%Y-%m-%d} 前完成")
    if acceptance:
        due = acceptance.due_for(station)
        if today > due:
            who = "示范点" if station.is_demo_site and acceptance.demo_due_on else ""
            step = "市级验收" if progress and progress.town_accepted_on else "验收运营"
            items.append(f"{who}{step}应于 {due:%Y-%m-%d} 前完成")
    for m in milestones:
        if m.done_on is None and m.due_on < today:
            items.append(f"{m.title}（计划 {m.due_on:%Y-%m-%d}）")
    return items


def overview(towns: Iterable[Town], rnd: Round, today: dt.date) -> list[TownRow]:
    """One row per town with its stations in this round. Stations not yet enrolled belong to the current
    round; revoked stations are left out."""
    towns = list(towns)
    stations = (
        Station.objects.filter(town__in=towns)
        .exclude(status=StationStatus.REVOKED)
        .select_related("town", "programme__town_accepted_by", "programme__round")
        .prefetch_related(Prefetch("programme__milestones", queryset=Milestone.objects.order_by("due_on")))
    )
    phases_by_round: dict[int, dict[str, Phase]] = {rnd.id: phases_of(rnd)}
    rows = {
        t.id: TownRow(
            t,
            counts={str(s): 0 for s, _ in COLUMNS} | {str(StationStatus.SUSPENDED): 0},
            operating_by_kind={k: 0 for k in StationKind.values},
            in_progress_by_kind={k: 0 for k in StationKind.values},
        )
        for t in towns
    }
    for station in stations:
        row = rows[station.town_id]
        # The P-13 rule counts every station whatever its round.
        if station.status == StationStatus.OPERATING:
            row.operating_by_kind[station.kind] += 1
        elif station.status in STATUS_PHASE:
            row.in_progress_by_kind[station.kind] += 1
        progress = getattr(station, "programme", None)
        station_round = progress.round if progress else None
        if station_round is not None and station_round.id != rnd.id:
            continue
        if station_round is None and not rnd.is_current:
            continue
        row.counts[station.status] = row.counts.get(station.status, 0) + 1
        milestones = progress.milestones.all() if progress else []
        overdue = overdue_items(station, progress, phases_by_round[rnd.id], today, milestones)
        row.stations.append(StationRow(station, progress, overdue))
    return list(rows.values())


def totals(rows: list[TownRow]) -> dict[str, int]:
    out: dict[str, int] = {str(s): sum(r.counts.get(s, 0) for r in rows) for s, _ in COLUMNS}
    out["overdue"] = sum(r.overdue_count for r in rows)
    out["towns_short"] = sum(1 for r in rows if r.missing)
    return out
