"""SMS texts about training referrals, and the one function that queues them in the caller's transaction."""

from __future__ import annotations

from lingong.notify import texts
from lingong.notify.services import enqueue

from .models import Referral, ReferralStatus

texts.register(
    "training_referred",
    texts.SIGN + "{station}为您推荐了培训“{course}”：{start}开班，地点：{place}，{cost}。"
    "请登录看“我的培训”，愿意参加就点“我要报名”。",
)
texts.register("training_status", texts.SIGN + "您的培训“{course}”进展：{status}。{hint}")

HINTS = {
    ReferralStatus.ENROLLED: "请在{start}按时到{place}上课。",
    ReferralStatus.TRAINING: "祝学习顺利，有困难可以找站点。",
    ReferralStatus.COMPLETED: "恭喜结业！考取证书后可以申请培训补贴。",
    ReferralStatus.CERTIFIED: "恭喜取得证书！可以在“我的补贴”里申请培训补贴。",
    ReferralStatus.DROPPED: "以后想学，可以随时再找站点推荐。",
}


def _phone(referral: Referral) -> str:
    return referral.worker.user.phone or ""


def _start(referral: Referral) -> str:
    return f"{referral.course.starts_on:%m月%d日}".lstrip("0")


def referred(referral: Referral) -> None:
    phone = _phone(referral)
    if not phone:
        return
    course = referral.course
    enqueue(
        channel="sms",
        recipient=phone,
        template="training_referred",
        params={
            "station": referral.station.name if referral.station else "站点",
            "course": course.title,
            "start": _start(referral),
            "place": course.place_label,
            "cost": course.cost_label,
        },
        dedupe_key=f"training:{referral.code}:referred",
        user=referral.worker.user,
    )


def status_changed(referral: Referral, *, step: int) -> None:
    """step: the number of the event, so going back and forth never collapses two messages into one."""
    phone = _phone(referral)
    if not phone:
        return
    hint = HINTS.get(ReferralStatus(referral.status), "")
    enqueue(
        channel="sms",
        recipient=phone,
        template="training_status",
        params={
            "course": referral.course.title,
            "status": referral.get_status_display(),
            "hint": hint.format(start=_start(referral), place=referral.course.place_label),
        },
        dedupe_key=f"training:{referral.code}:{step}:{referral.status}",
        user=referral.worker.user,
    )
