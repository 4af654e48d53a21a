"""Who may see and act on the programme: town admins their towns, city admins everything.

Coordinators, workers, employers and the public have no programme pages (the budget aggregates are
public through the API only).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from lingong.accounts.models import User
from lingong.places.models import Station, Town

from .models import Round, TownBudget

NO_ACCESS = "只有镇街分局和市人力资源管理办公室的管理员可以使用建设计划与资金管理"


def is_programme_user(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_city_admin or user.admin_town_ids))


def require_programme_user(user: User | None) -> User:
    if user is None or not is_programme_user(user):
        raise PermissionDenied(NO_ACCESS)
    return user


def towns_for(user: User) -> QuerySet[Town]:
    """The towns this person sees in the programme."""
    if user.is_city_admin:
        return Town.objects.all()
    return Town.objects.filter(id__in=user.admin_town_ids)


def may_manage_town(user: User, town_id: int) -> bool:
    return user.is_city_admin or town_id in user.admin_town_ids


def check_town(user: User, town_id: int, what: str = "管理") -> None:
    if not may_manage_town(user, town_id):
        raise PermissionDenied(f"只能{what}本镇街的建设与资金")


def current_round(code: str | None = None) -> Round:
    """The round asked for by code, else the current one (the newest when none is marked current)."""
    qs = Round.objects.all()
    if code:
        found = qs.filter(code=code).first()
        if found is None:
            raise Http404("找不到该建设批次")
        return found
    found = qs.filter(is_current=True).first() or qs.first()
    if found is None:
        raise Http404("尚未导入建设批次，请运行 manage.py load_reference")
    return found


def station_for(user: User, code: str) -> Station:
    """A station in the user's scope (404 when it does not exist, 403 when it is another town's)."""
    station = Station.objects.select_related("town").filter(code=code).first()
    if station is None:
        raise Http404("找不到该站点")
    check_town(user, station.town_id, "查看和管理")
    return station


def budget_for(user: User, rnd: Round, town_code: str) -> TownBudget:
    budget = (
        TownBudget.objects.select_related("town", "round").filter(round=rnd, town__code=town_code).first()
    )
    if budget is None:
        raise Http404("找不到该镇街的建设资金")
    check_town(user, budget.town_id, "查看和管理")
    return budget
