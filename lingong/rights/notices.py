"""SMS texts for the rights app, and who on the staff side hears about a case.

Every message goes through the outbox (notify.enqueue) inside the transaction of the change that
causes it, with a dedupe key naming the case, the step and the recipient, so a second scan or a retry
never sends the same thing twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lingong.accounts.models import Membership, Role, User
from lingong.notify import texts
from lingong.notify.services import enqueue

if TYPE_CHECKING:
    from lingong.places.models import Station, Town

logger = logging.getLogger(__name__)

S = texts.SIGN

ARREARS_OPENED_WORKER = texts.register(
    "arrears_opened_worker",
    S + "您在{employer}“{title}”（{day}）的工资应在{due}前支付并确认，目前仍未确认收款，"
    "已登记为疑似欠薪（编号{code}），{station}会跟进。如已收到工资，请登录中山零工市场确认收款。",
)
ARREARS_OPENED_EMPLOYER = texts.register(
    "arrears_opened_employer",
    S + "贵单位岗位“{title}”（{day}）零工{worker}的工资已超过结算期限（{due}）仍未确认支付，"
    "已登记为疑似欠薪（编号{code}）。请尽快支付并在系统中登记，逾期未解决将逐级升级督办。",
)
ARREARS_STAFF = texts.register(
    "arrears_staff",
    S + "疑似欠薪{code}（{level}）：{employer}“{title}”，零工{worker}，应付{amount}，"
    "应于{due}前支付。请登录系统“欠薪与投诉”跟进。",
)
ARREARS_ESCALATED_WORKER = texts.register(
    "arrears_escalated_worker",
    S + "您在{employer}“{title}”的工资逾期未确认（疑似欠薪{code}），案件已升级为“{level}”，我们会继续跟进。",
)
ARREARS_ESCALATED_EMPLOYER = texts.register(
    "arrears_escalated_employer",
    S + "贵单位疑似欠薪案件{code}（岗位“{title}”）已升级为“{level}”。请立即支付工资并联系{town}人社分局。",
)
ARREARS_ENDED = texts.register(
    "arrears_ended",
    S + "疑似欠薪案件{code}（{employer}“{title}”）已{status}：{resolution}。",
)
ARREARS_CONFIRMED_WORKER = texts.register(
    "arrears_confirmed_worker",
    S + "工作人员已核实您在{employer}的工资被拖欠（案件{code}），正在督促用工方支付。",
)
EMPLOYER_SUSPENDED = texts.register(
    "employer_suspended",
    S + "“{employer}”已被暂停发布招工信息，原因：{reason}。请尽快处理并联系{town}人社分局。",
)
COMPLAINT_FILED_WORKER = texts.register(
    "complaint_filed_worker",
    S + "您的投诉（编号{code}，{kind}）已受理，承办人：{owner}。办理进展会以短信告知。",
)
COMPLAINT_PROGRESS_WORKER = texts.register(
    "complaint_progress_worker",
    S + "您的投诉{code}有新进展：{progress}。",
)
COMPLAINT_ASSIGNED_STAFF = texts.register(
    "complaint_assigned_staff",
    S + "您有一件投诉待办：{code}（{kind}）。请登录系统“欠薪与投诉”处理。",
)

REFERRAL_MADE_WORKER = texts.register(
    "referral_made_worker",
    S + "您的{case}已转介{department}协助办理（转介编号{code}），部门回复后会以短信告知。",
)
REFERRAL_REPLIED_WORKER = texts.register(
    "referral_replied_worker",
    S + "您的{case}转介{department}的事项（编号{code}）已有回复：{reply}。",
)


def sms(*, phone: str | None, template: texts.MessageTemplate, params: dict, key: str, user=None) -> bool:
    """Enqueue one SMS; False (and a log line) when there is no usable number.

    A staff member's or employer's bad phone number must not stop a case from opening, so it is
    skipped rather than raised.
    """
    if not phone:
        return False
    try:
        enqueue(
            channel="sms",
            recipient=phone,
            template=template.code,
            params={k: str(v) for k, v in params.items()},
            dedupe_key=key[:200],
            user=user,
        )
    except ValueError:
        logger.warning("rights: no SMS for %s, unusable number", key)
        return False
    return True


def _users(**membership_filter) -> list[User]:
    seen: dict[int, User] = {}
    for m in (
        Membership.objects.filter(active=True, **membership_filter)
        .select_related("user")
        .order_by("created_at", "pk")
    ):
        seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def station_coordinators(station: Station | None) -> list[User]:
    return _users(role=Role.COORDINATOR, station=station) if station is not None else []


def town_admins(town: Town | None) -> list[User]:
    return _users(role=Role.TOWN_ADMIN, town=town) if town is not None else []


def city_admins() -> list[User]:
    return _users(role=Role.CITY_ADMIN)


def staff_for_level(level: str, *, station: Station | None, town: Town | None) -> list[User]:
    """Who hears about a case at each level. Nobody in post at a level passes it up, so a station
    without coordinators (or a town without an admin) never leaves a case unheard."""
    if level == "station":
        return station_coordinators(station) or town_admins(town) or city_admins()
    if level == "town":
        return town_admins(town) or city_admins()
    found = {u.pk: u for u in town_admins(town) + city_admins()}
    return list(found.values())
