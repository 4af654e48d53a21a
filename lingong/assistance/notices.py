"""SMS texts about assistance plans and subsidy applications, queued in the caller's transaction."""

from __future__ import annotations

from lingong.notify import texts
from lingong.notify.services import enqueue

texts.register(
    "assistance_plan_opened",
    texts.SIGN
    + "{station}已为您建立就业帮扶计划，负责人：{coordinator}，电话：{phone}。有困难随时联系我们。",
)
texts.register(
    "assistance_plan_closed", texts.SIGN + "您的就业帮扶计划已结束：{outcome}。以后有需要，随时找站点。"
)
texts.register(
    "subsidy_applied",
    texts.SIGN + "已收到您的“{kind}”申请（编号{code}）。请带齐材料到站点：{materials}。",
)
texts.register("subsidy_status", texts.SIGN + "您的“{kind}”申请（编号{code}）：{status}。{detail}")


def send(worker, *, template: str, params: dict, key: str) -> None:
    phone = worker.user.phone or ""
    if phone:
        enqueue(
            channel="sms", recipient=phone, template=template, params=params, dedupe_key=key, user=worker.user
        )
