"""The one access path to an event, for reading and for running it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Event
from .services import may_run_events


def event_for_reader(request, code: str) -> tuple[Event, bool]:
    """(event, can_manage). Announced events for everyone; drafts only for the staff who run them."""
    event = (
        Event.objects.visible_to(request.user)
        .select_related("station", "town", "organiser")
        .filter(code=code)
        .first()
    )
    if event is None:
        raise Http404("未找到该活动，或活动尚未发布")
    return event, Event.objects.manageable_by(request.user).filter(pk=event.pk).exists()


def require_staff(request) -> None:
    if not may_run_events(request.user):
        raise PermissionDenied("只有站点工作人员和镇街、市级管理员可以管理活动")


def event_for_manager(request, code: str) -> Event:
    """403 for people who run no events or not this one (a public event of another station); 404 for a
    draft they cannot even read."""
    require_staff(request)
    event, can_manage = event_for_reader(request, code)
    if not can_manage:
        raise PermissionDenied("只能管理本站点（或本镇街）的活动")
    return event
