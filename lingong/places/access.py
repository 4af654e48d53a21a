"""The one access path for changing a station."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Station


def get_station_for_user(request, code: str) -> tuple[Station, bool]:
    """(station, can_edit_all). 404 when the station is not visible; 403 when the user may not change it.

    can_edit_all is True for admins of the station's town and city admins; coordinators of the station
    may change only its hours, contacts and services.
    """
    user = request.user
    qs = (
        Station.objects.visible_to(user)
        .select_related("town")
        .prefetch_related("opening_hours", "hours_exceptions")
    )
    station = get_object_or_404(qs, code=code)
    if Station.objects.editable_by(user).filter(pk=station.pk).exists():
        return station, True
    if Station.objects.operable_by(user).filter(pk=station.pk).exists():
        return station, False
    raise PermissionDenied("只能管理本镇街或本站点的信息")
