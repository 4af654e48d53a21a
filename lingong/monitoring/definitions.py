"""What each figure means, in the words the dashboard and the reports print next to it.

The order here is the order of the headline cards, the tables and the report columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    field: str
    label: str
    unit: str
    kind: str  # "stock": as at the end of the day; "flow": what happened on the day
    definition: str


ACTIVE_DAYS = 30

METRICS: list[Metric] = [
    Metric(
        "seekers_registered",
        "登记求职者",
        "人",
        "stock",
        "已登记、未注销也未申请注销的求职者（按居住镇街；未填居住镇街的按服务站点所在镇街）。",
    ),
    Metric(
        "seekers_active",
        "活跃求职者",
        "人",
        "stock",
        f"近 {ACTIVE_DAYS} 天内登录后搜索或浏览过岗位、报过名（含受用工方邀请），"
        "或在站点接受过服务（台账有记录，作废的不计）的登记求职者。",
    ),
    Metric(
        "gigs_open",
        "在招岗位",
        "个",
        "stock",
        "已发布、当日结束时仍在招聘且有未开始班次的岗位（已结束或取消的岗位，从结束或取消当日起不再计入）。",
    ),
    Metric(
        "open_headcount",
        "在招人数",
        "人",
        "stock",
        "在招岗位中尚未开始的班次的空缺人数之和（每班人数减去当日结束时已录用的人数）。",
    ),
    Metric("gigs_new", "新发布岗位", "个", "flow", "当日通过审查并公开发布的岗位。"),
    Metric("applications", "报名", "人次", "flow", "当日提交的报名（含用工方邀请）。"),
    Metric("bookings", "录用", "人次", "flow", "当日确定录用的人次（先到先得的抢单即时录用）。"),
    Metric("completions", "完工人次", "人次", "flow", "当日确认完工的人次。"),
    Metric("pay_confirmed", "确认收款", "笔", "flow", "当日由零工确认已收到的工资记录。"),
    Metric("pay_confirmed_yuan", "确认收款金额", "元", "flow", "当日零工确认收到的工资金额之和。"),
    Metric("arrears_opened", "新增疑似欠薪", "件", "flow", "当日因结算期满未确认收款而自动立案的疑似欠薪。"),
    Metric(
        "arrears_closed",
        "办结疑似欠薪",
        "件",
        "flow",
        "当日办结的疑似欠薪（已支付、核实无欠薪或移交处理完毕）。",
    ),
    Metric("arrears_open", "在办疑似欠薪", "件", "stock", "当日结束时尚未办结的疑似欠薪。"),
    Metric(
        "hardship_served",
        "服务困难人员",
        "人",
        "flow",
        "当日在站点接受过服务、且有经核实的就业困难认定的求职者（同一人一天计一次）。",
    ),
    Metric(
        "hardship_placed",
        "困难人员上岗",
        "人",
        "flow",
        "当日被录用、或援助计划以就业（市场就业、公益性岗位）结束的就业困难人员"
        "（当日有经核实的就业困难认定；同一人一天计一次）。",
    ),
    Metric(
        "services",
        "台账服务人次",
        "人次",
        "flow",
        "当日站点服务台账记录的服务人次（匿名来访按人数计，作废的不计）。",
    ),
    Metric("events_held", "举办活动", "场", "flow", "当日确认举办的招聘会、宣讲会、培训和流动招聘。"),
    Metric("event_signups", "活动报名", "人次", "flow", "当日的活动报名（线上、现场扫码和代报名）。"),
    Metric("event_intentions", "活动达成意向", "人次", "flow", "当日记录的活动求职者与用工方达成意向。"),
    Metric("event_hires", "活动到岗", "人次", "flow", "当日记录的经活动介绍到岗。"),
]

BY_FIELD = {m.field: m for m in METRICS}

ATTRIBUTION_LABEL = "按地区和站点统计"
ATTRIBUTION = (
    "求职者按居住镇街（未填的按服务站点所在镇街）和服务站点统计；岗位按工作地点所在镇街和代发布站点统计；"
    "报名、录用、完工和收款按工作地点所在镇街统计，在站点一级按求职者的服务站点统计（站点的成效是它服务的人上岗）；"
    "疑似欠薪按用工主体所在镇街和跟进站点统计；台账服务、服务困难人员和招聘活动按站点及其所在镇街统计。"
    "职业大类按岗位的职业、求职者登记的各个职业统计，一人可计入多个大类。"
)

RATIO_LABEL = "求人倍率"
RATIO_DEFINITION = "在招人数 ÷ 活跃求职者。大于 1 表示岗位多于求职者（缺人），小于 1 表示求职者多于岗位。"

# The figures a headline card shows, in order.
HEADLINE = [
    "seekers_active",
    "open_headcount",
    "gigs_open",
    "bookings",
    "pay_confirmed_yuan",
    "arrears_open",
    "hardship_placed",
    "services",
]
