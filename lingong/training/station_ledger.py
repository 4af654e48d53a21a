"""Ledger lines (服务台账) for services given through training referrals, assessments and assistance plans.

Called inside the transaction of the change being recorded, so the line exists exactly when the
referral (or assessment, or finished plan item) does. The line goes to the worker's own station when
the member of staff keeps its ledger, otherwise to the staff member's own station. A line that cannot
be written is logged and left out, inside a savepoint: it never undoes the service itself.
"""

from __future__ import annotations

import logging

from django.db import transaction

from lingong.accounts.models import User
from lingong.places.models import Station
from lingong.workers.models import Worker

logger = logging.getLogger(__name__)


def ledger_station(actor: User, worker: Worker, preferred: Station | None = None) -> Station | None:
    from lingong.ledger.services import may_keep_ledger

    for station in (preferred, worker.station):
        if station is not None and may_keep_ledger(actor, station):
            return station
    own = sorted(actor.coordinator_station_ids)
    return Station.objects.filter(pk=own[0]).first() if own else None


def add_line(
    *,
    actor: User,
    worker: Worker,
    service: str,
    source: str,
    ref: str,
    notes: str = "",
    result: str = "",
    station: Station | None = None,
) -> None:
    """One ledger line for a service a member of staff gave; nothing for what workers do on their own."""
    from lingong.ledger.services import record_service

    if not actor.is_back_office:
        return
    where = ledger_station(actor, worker, station)
    if where is None:
        return
    try:
        with transaction.atomic():
            record_service(
                station=where,
                service=service,
                actor=actor,
                worker=worker,
                notes=notes,
                result=result,
                source=source,
                ref=ref,
            )
    except Exception:
        logger.exception("training/assistance: could not add a %s ledger line for %s", service, ref)
