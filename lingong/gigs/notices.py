"""SMS texts for the life of a gig, and the one function that sends them inside the caller's transaction."""

from __future__ import annotations

from lingong.notify import texts
from lingong.notify.services import enqueue

from .models import Application

texts.register(
    "gig_applied", texts.SIGN + "{worker}报名了您发布的“{title}”（{shift}），请登录查看并确认录用。"
)
texts.register("gig_offered", texts.SIGN + "“{title}”（{shift}）的用工方愿意录用您，请尽快登录确认。")
texts.register(
    "gig_invited", texts.SIGN + "{employer}邀请您做“{title}”（{shift}），请登录查看，愿意就点“接受”。"
)
texts.register("gig_booked", texts.SIGN + "您已被录用：“{title}”，{shift}，地点：{address}。到场后扫码签到。")
texts.register(
    "gig_booked_employer", texts.SIGN + "{worker}已确认“{title}”（{shift}），已录用{booked}/{headcount}人。"
)
texts.register("gig_cancelled", texts.SIGN + "“{title}”（{shift}）已取消：{reason}")
texts.register("gig_worker_cancelled", texts.SIGN + "{worker}取消了“{title}”（{shift}）：{reason}")
texts.register("gig_rejected", texts.SIGN + "很抱歉，“{title}”（{shift}）这次没有录用您，可以看看其他岗位。")
texts.register(
    "gig_pay_recorded",
    texts.SIGN
    + "“{title}”的用工方登记已向您支付{amount}元（{method}）。请登录确认是否收到，有异议也请在网上说明。",
)
texts.register(
    "gig_pay_disputed", texts.SIGN + "{worker}对“{title}”的工资支付有异议：{reason}。请尽快核实处理。"
)


def worker_phone(app: Application) -> str:
    return app.worker.user.phone or ""


def send(*, template: str, phone: str, params: dict, key: str, user=None) -> None:
    """Queue one SMS in the current transaction; the key makes a retried action send once."""
    if phone:
        enqueue(channel="sms", recipient=phone, template=template, params=params, dedupe_key=key, user=user)


def shift_label(app: Application) -> str:
    return str(app.shift)
