"""Template context shared by every page: role-aware navigation and the large-text preference."""

from django.conf import settings
from django.urls import reverse

from . import otp
from .models import Role

A11Y_COOKIE = "lg_a11y"


def _nav_for(user) -> list[tuple[str, str]]:
    items = [("找站点", reverse("places:finder")), ("站点名录", reverse("places:directory"))]
    items.insert(0, ("找零工活", reverse("gigs:browse")))
    items += [("政策资讯", reverse("content:list")), ("招聘活动", reverse("events:list"))]
    if not user.is_authenticated:
        items.append(("求职登记", reverse("workers:register")))
        return items
    roles = user.roles
    staff = roles & {Role.COORDINATOR, Role.TOWN_ADMIN, Role.CITY_ADMIN}
    admin = roles & {Role.TOWN_ADMIN, Role.CITY_ADMIN}
    if Role.WORKER in roles:
        items.append(("我的求职", reverse("workers:me")))
        items.append(("我的零工", reverse("gigs:me")))
        items.append(("我的权益", reverse("rights:mine")))
        items += [("职业测评", reverse("assistance:assess")), ("培训", reverse("training:mine"))]
    if Role.EMPLOYER_MEMBER in roles:
        items.append(("我的用工主体", reverse("employers:mine")))
        items += [("发布零工", reverse("gigs:new")), ("我的岗位", reverse("gigs:mine"))]
        if any(m.is_manager for m in user.active_memberships if m.role == Role.EMPLOYER_MEMBER):
            items.append(("本单位欠薪案件", reverse("rights:employer")))
    elif staff:
        # Station staff post on behalf of walk-in employers (代发布) and follow those postings.
        items += [("代发布零工", reverse("gigs:new")), ("岗位管理", reverse("gigs:mine"))]
    if staff:
        items += [
            ("求职者", reverse("workers:list")),
            ("代登记", reverse("workers:walk_in")),
            ("困难认定", reverse("workers:hardship_queue")),
            ("站点管理", reverse("places:manage")),
            ("服务台账", reverse("ledger:entry")),
        ]
        items.append(("欠薪与投诉", reverse("rights:arrears_list")))
        items += [("内容管理", reverse("content:manage")), ("活动管理", reverse("events:manage_list"))]
        items += [("培训推荐", reverse("training:desk")), ("帮扶待办", reverse("assistance:todo"))]
        items.append(("批量派单", reverse("matching:dispatch")))
    if admin:
        items += [
            ("用工主体审核", reverse("employers:review_list")),
            ("岗位审核", reverse("gigs:review")),
            ("覆盖情况", reverse("places:coverage")),
            ("建设与资金", reverse("programme:overview")),
            ("运行监测", reverse("monitoring:dashboard")),
            ("运行报表", reverse("reports:archive")),
        ]
    if Role.CITY_ADMIN in roles:
        items += [
            ("职业同义词", reverse("catalog:synonyms")),
            ("通知发件箱", reverse("notify:outbox")),
            ("合作方与岗位交换", reverse("exchange:partners")),
            ("管理员验证器", reverse("accounts:otp_admins")),
            ("审计日志", reverse("accounts:audit")),
        ]
    return items


def navigation(request):
    # An admin still owing the second factor reaches no other page, so no links are offered.
    return {
        "nav_items": [] if otp.is_pending(request) else _nav_for(request.user),
        "large_text": request.COOKIES.get(A11Y_COOKIE) == "large",
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
