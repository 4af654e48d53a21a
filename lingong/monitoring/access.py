"""Who may see the monitoring pages: city admins the whole city, town admins their own towns.

Coordinators, workers, employers and the public have no monitoring pages (the public summary is on
the API). A page is for one area: the city, or one town chosen with ``?town=<code>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lingong.accounts.models import User
from lingong.places.models import Town

NO_ACCESS = "只有镇街分局和市人力资源管理办公室的管理员可以查看运行监测"
OTHER_TOWN = "只能查看本镇街的运行监测数据"
CITY = "city"


@dataclass(frozen=True)
class Area:
    """The city (town is None) or one town, as the dashboard and the big screen show it."""

    town: Town | None

    @property
    def scope(self) -> str:
        return "town" if self.town else CITY

    @property
    def key(self) -> str:
        return self.town.code if self.town else CITY

    @property
    def name(self) -> str:
        return self.town.name if self.town else "全市"

    @property
    def query(self) -> str:
        """The query string that keeps this area on links (exports, the big screen)."""
        return f"town={self.town.code}" if self.town else ""


def require_monitoring_user(user: User | None) -> User:
    if user is None or not user.is_authenticated or not (user.is_city_admin or user.admin_town_ids):
        raise PermissionDenied(NO_ACCESS)
    return user


def towns_for(user: User) -> list[Town]:
    """The towns this person may look at, in the plan's order."""
    towns = Town.objects.all()
    return list(towns if user.is_city_admin else towns.filter(id__in=user.admin_town_ids))


def chosen_town(code: str, towns: list[Town]) -> Town | None:
    """The town asked for by ``?town=<code>`` among the user's towns; None when none was asked for.
    Another town's code is refused (403); a code that is no town is not found (404)."""
    code = (code or "").strip()
    if not code:
        return None
    for town in towns:
        if town.code == code:
            return town
    if Town.objects.filter(code=code).exists():
        raise PermissionDenied(OTHER_TOWN)
    raise Http404("找不到该镇街")


def area_for(user: User, code: str, towns: list[Town]) -> Area:
    """The dashboard's area: the town asked for, else the city for city admins and a town admin's
    first town."""
    town = chosen_town(code, towns)
    if town is None and not user.is_city_admin:
        town = towns[0]
    return Area(town)
