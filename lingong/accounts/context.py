"""Template context shared by every page: role-aware navigation and the large-text preference."""

from django.conf import settings
from django.urls import reverse

from .models import Role

A11Y_COOKIE = "lg_a11y"


def navigation(request):
    user = request.user
    items = [("找站点", reverse("places:finder")), ("站点名录", reverse("places:directory"))]
    if user.is_authenticated:
        roles = user.roles
        if roles & {Role.COORDINATOR, Role.TOWN_ADMIN, Role.CITY_ADMIN}:
            items.append(("站点管理", reverse("places:manage")))
        if roles & {Role.TOWN_ADMIN, Role.CITY_ADMIN}:
            items.append(("覆盖情况", reverse("places:coverage")))
        if Role.CITY_ADMIN in roles:
            items.append(("审计日志", reverse("accounts:audit")))
    return {
        "nav_items": items,
        "large_text": request.COOKIES.get(A11Y_COOKIE) == "large",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
