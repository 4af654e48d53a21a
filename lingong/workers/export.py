"""Everything held about a worker, for the worker's own download (PIPL right of access)."""

from __future__ import annotations

from typing import Any

from lingong.accounts.models import AuditEntry

from .forms import availability_choices, bits_from_mask
from .models import Worker


def worker_data(worker: Worker) -> dict[str, Any]:
    labels = dict(availability_choices())
    return {
        "求职编号": worker.code,
        "姓名": worker.real_name,
        "身份证号": worker.id_masked + "（完整号码加密保存）",
        "出生日期": worker.birth_date,
        "手机号": worker.user.phone,
        "服务站点": worker.station.name if worker.station else "",
        "登记方式": worker.get_registered_via_display(),
        "登记时间": worker.registered_at,
        "居住镇街": worker.home_town.name if worker.home_town else "",
        "村/社区": worker.home_community,
        "居住地坐标": f"{worker.home_lat},{worker.home_lng}" if worker.home_lat is not None else "",
        "出行方式": worker.get_travel_mode_display(),
        "愿意通勤（分钟）": worker.travel_minutes,
        "可工作时段": [labels[b] for b in bits_from_mask(worker.availability)],
        "不能工作的日期": [str(b.date) for b in worker.blocked_dates.all()],
        "期望报酬": f"{worker.expected_pay} {worker.get_expected_pay_unit_display()}"
        if worker.expected_pay
        else "",
        "结算偏好": worker.get_settlement_pref_display(),
        "语言/方言": worker.languages,
        "自我介绍": worker.intro,
        "工种": [str(o) for o in worker.occupations.select_related("occupation")],
        "证书": [
            f"{c.certificate.name}（有效期至 {c.expires_on or '长期'}）"
            for c in worker.certificates.select_related("certificate")
        ],
        "服务等级": f"{worker.get_tier_display()}：{worker.tier_reason}",
        "困难认定": [
            f"{h.category.name}（{h.get_status_display()}）"
            for h in worker.hardships.select_related("category")
        ],
        "同意记录": [
            f"{c.get_purpose_display()} 版本{c.version} {c.given_at:%Y-%m-%d %H:%M}"
            + (f" 已于 {c.withdrawn_at:%Y-%m-%d} 撤回" if c.withdrawn_at else "")
            for c in worker.consents.all()
        ],
        "不接受岗位推荐": "是" if worker.matching_opt_out else "否",
        "谁处理过我的信息": [
            f"{e.created_at:%Y-%m-%d %H:%M} {e.actor_label} {e.summary}"
            for e in AuditEntry.objects.filter(object_type="workers.worker", object_id=worker.code).order_by(
                "id"
            )
        ],
    }


def worker_data_rows(worker: Worker):
    for key, value in worker_data(worker).items():
        if isinstance(value, list):
            yield [key, "；".join(map(str, value))]
        else:
            yield [key, "" if value is None else str(value)]
