"""Ledger lines for services done elsewhere: assisted registration (代登记) and staff invitations.

They run from post_save inside the transaction of the change they record, so a line exists exactly when
the registration or invitation does. A line that cannot be written is logged and left out; it never
undoes the registration or invitation itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from lingong.gigs.models import Application, AppStatus
from lingong.places.models import Station
from lingong.workers.models import RegisteredVia, Worker

from .models import Result, ServiceType
from .services import record_service

logger = logging.getLogger(__name__)


def _safely(what: str, write: Callable[[], object]) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failure here rolls back only the ledger line
            write()
    except Exception:
        logger.exception("ledger: could not record %s", what)


def worker_registered(sender, instance: Worker, created: bool, raw: bool = False, **kwargs) -> None:
    """求职登记 at a station: by staff (代登记) or at the station's kiosk (no staff member involved)."""
    if not created or raw or instance.station_id is None:
        return
    station = instance.station  # already loaded: the registration set it
    if station is None:
        return
    if instance.registered_via == RegisteredVia.ASSISTED:
        actor = instance.registered_by
    elif instance.registered_via == RegisteredVia.KIOSK:
        actor = None
    else:
        return  # self-registration on a phone is not a service the station gave
    _safely(
        f"registration of {instance.code}",
        lambda: record_service(
            station=station,
            service=ServiceType.REGISTRATION,
            actor=actor,
            worker=instance,
            notes=RegisteredVia(instance.registered_via).label,
            source="registration",
            ref=instance.code,
            at=instance.registered_at,
        ),
    )


def _invitation_station(app: Application, station_ids: set[int]) -> int:
    """The coordinator's station that served the worker: the worker's, else the gig's, else their first."""
    for candidate in (app.worker.station_id, app.gig.station_id):
        if candidate in station_ids:
            return candidate
    return min(station_ids)


def staff_invited(sender, instance: Application, created: bool, raw: bool = False, **kwargs) -> None:
    """岗位推荐: a coordinator invites a worker to a gig (one line per worker and gig)."""
    if not created or raw or instance.status != AppStatus.INVITED:
        return
    actor = instance.created_by
    station_ids = actor.coordinator_station_ids
    if not station_ids or instance.gig.employer_id in actor.employer_ids:
        return  # an employer's own invitation, or an admin's: not a station's service
    gig = instance.gig
    _safely(
        f"invitation {instance.code}",
        lambda: record_service(
            station=Station.objects.get(pk=_invitation_station(instance, station_ids)),
            service=ServiceType.RECOMMENDATION,
            actor=actor,
            worker=instance.worker,
            outcome=f"邀请做“{gig.title}”（{gig.code}）",
            result=Result.REFERRED,
            source="invitation",
            ref=gig.code,
        ),
    )
