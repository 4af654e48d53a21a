"""Template context shared by every page: role-aware navigation and the large-text preference."""

from django.conf import settings
from django.urls import reverse

from .models import Role

A11Y_COOKIE = "lg_a11y"


def _nav_for(user) -> list[tuple[str, str]]:
    items = [("找站点", reverse("places:finder")), ("站点名录", reverse("places:directory"))]
    if not user.is_authenticated:
        items.append(("求职登记", reverse("workers:register")))
        return items
    roles = user.roles
    staff = roles & {Role.COORDINATOR, Role.TOWN_ADMIN, Role.CITY_ADMIN}
    admin = roles & {Role.TOWN_ADMIN, Role.CITY_ADMIN}
    if Role.WORKER in roles:
        items.append(("我的求职", reverse("workers:me")))
    if Role.EMPLOYER_MEMBER in roles:
        items.append(("我的用工主体", reverse("employers:mine")))
    if staff:
        items += [
            ("求职者", reverse("workers:list")),
            ("代登记", reverse("workers:walk_in")),
            ("困难认定", reverse("workers:hardship_queue")),
            ("站点管理", reverse("places:manage")),
        ]
    if admin:
        items += [
            ("用工主体审核", reverse("employers:review_list")),
            ("覆盖情况", reverse("places:coverage")),
        ]
    if Role.CITY_ADMIN in roles:
        items += [
            ("职业同义词", reverse("catalog:synonyms")),
            ("通知发件箱", reverse("notify:outbox")),
            ("审计日志", reverse("accounts:audit")),
        ]
    return items


def navigation(request):
    return {
        "nav_items": _nav_for(request.user),
        "large_text": request.COOKIES.get(A11Y_COOKIE) == "large",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
