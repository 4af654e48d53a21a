"""The one access path to a station's ledger, a line, a partner and the roll-ups."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from lingong.accounts.models import User
from lingong.places.models import Station, Town

from .models import LedgerEntry, Partner

SESSION_STATION = "ledger_station"


def require_staff(user: User) -> None:
    if not user.is_authenticated or not user.is_back_office:
        raise PermissionDenied("只有站点工作人员可以使用服务台账")


def ledger_stations(user: User) -> QuerySet[Station]:
    """Stations whose ledger the user keeps or oversees (the same set they may write to)."""
    if not user.is_authenticated or not user.is_back_office:
        return Station.objects.none()
    return Station.objects.operable_by(user).select_related("town")


def station_for(user: User, code: str) -> Station:
    """404 for an unknown code; 403 for a station outside the user's ledgers."""
    require_staff(user)
    station = Station.objects.select_related("town").filter(code=code).first()
    if station is None:
        raise Http404("未找到该站点")
    if not ledger_stations(user).filter(pk=station.pk).exists():
        raise PermissionDenied("只能查看和记录本站点的服务台账")
    return station


def pick_station(request, code: str | None) -> Station | None:
    """The station named in the request, else the one last used, else the user's only station."""
    user = request.user
    require_staff(user)
    if code:
        station = station_for(user, code)
        request.session[SESSION_STATION] = station.code
        return station
    remembered = request.session.get(SESSION_STATION)
    stations = ledger_stations(user)
    if remembered:
        found = stations.filter(code=remembered).first()
        if found is not None:
            return found
    own = stations.filter(id__in=user.coordinator_station_ids)
    if own.count() == 1:
        return own.first()
    return stations.first() if stations.count() == 1 else None


def admin_towns(user: User) -> QuerySet[Town]:
    """Towns whose roll-up the user may see: town admins their own, city admins all."""
    if not user.is_authenticated:
        return Town.objects.none()
    if user.is_city_admin:
        return Town.objects.all()
    return Town.objects.filter(id__in=user.admin_town_ids)


def entry_for(user: User, code: str) -> LedgerEntry:
    require_staff(user)
    entry = (
        LedgerEntry.objects.visible_to(user)
        .select_related("station__town", "worker", "partner", "coordinator")
        .filter(code=code)
        .first()
    )
    if entry is None:
        raise Http404("未找到该台账记录")
    return entry


def partner_for(user: User, code: str) -> Partner:
    require_staff(user)
    partner = Partner.objects.visible_to(user).select_related("station__town").filter(code=code).first()
    if partner is None:
        raise Http404("未找到该合作伙伴")
    return partner
