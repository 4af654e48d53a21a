"""The acceptance checklist (验收清单) of a station.

Items the system can verify from its own data are evaluated live (hours published, staff named, ledger
started, online listing complete) and cannot be ticked by hand; the others are confirmed by staff with
a short written evidence note. The state at each acceptance is kept as a snapshot on the progress record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from lingong.accounts.models import Membership, Role
from lingong.places.models import Station

from .models import ChecklistTick, StationProgress


@dataclass(frozen=True)
class ItemDef:
    key: str
    label: str
    auto: bool
    hint: str = ""


ITEMS: tuple[ItemDef, ...] = (
    ItemDef(
        "signage",
        "入口显著位置悬挂统一名称标识",
        False,
        "标识名称应与站点规范名称一致，字体、材质、规格按市局统一标准制作",
    ),
    ItemDef("hours", "开放时间已向社会公布", True),
    ItemDef("services", "服务功能可正常提供", False, "现场核实登记的服务项目均可提供"),
    ItemDef("led", "配备LED显示屏", False, "每个站点需配备LED显示屏"),
    ItemDef("computer", "配备电脑", False, "每个站点需配备电脑"),
    ItemDef("kiosk", "信息一体机已安装（计划配置的站点）", False),
    ItemDef("staff", "工作人员和零工协理员已明确", True),
    ItemDef("ledger", "日常管理服务工作台账已建立", True),
    ItemDef("listing", "线上公开信息完整", True, "地址、开放时间、服务工种、联系人和电话"),
)
ITEM_BY_KEY = {i.key: i for i in ITEMS}
MANUAL_KEYS = [i.key for i in ITEMS if not i.auto]


@dataclass
class ItemState:
    item: ItemDef
    applicable: bool
    done: bool
    detail: str
    by: str = ""
    at: dt.datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.item.key,
            "label": self.item.label,
            "applicable": self.applicable,
            "done": self.done,
            "detail": self.detail,
            "by": self.by,
            "at": timezone.localtime(self.at).isoformat(timespec="minutes") if self.at else "",
        }


def coordinator_names(station: Station) -> list[str]:
    memberships = Membership.objects.filter(station=station, role=Role.COORDINATOR, active=True)
    return [str(m.user) for m in memberships.select_related("user").order_by("id")]


def _auto(key: str, station: Station) -> tuple[bool, str]:
    if key == "hours":
        hours = list(station.opening_hours.all())
        return bool(hours), f"已登记 {len(hours)} 个开放时段" if hours else "尚未登记开放时间"
    if key == "staff":
        names = coordinator_names(station)
        if not names:
            return False, "尚未为本站点指定零工协理员"
        contact = f"；联系人：{station.contact_name}" if station.contact_name else ""
        return True, f"零工协理员：{'、'.join(names)}{contact}"
    if key == "ledger":
        last = station.ledger_last_entry_on
        return last is not None, f"最近台账记录：{last:%Y-%m-%d}" if last else "尚无台账记录"
    if key == "listing":
        missing = station.missing_public_info()
        return not missing, "信息完整" if not missing else f"缺少：{'、'.join(missing)}"
    raise KeyError(key)


def _hint(item: ItemDef, station: Station) -> str:
    if item.key == "services":
        labels = station.service_labels
        return f"登记的服务：{'、'.join(labels)}" if labels else "站点尚未登记服务项目"
    if item.key in {"led", "computer", "kiosk"}:
        registered = f"站点登记的设施：{'、'.join(station.facility_labels) or '无'}"
        return f"{item.hint}；{registered}" if item.hint else registered
    return item.hint


def evaluate(station: Station, progress: StationProgress | None) -> list[ItemState]:
    """Every item's state now: auto items from the station's data, manual items from the ticks."""
    ticks: dict[str, ChecklistTick] = {}
    if progress is not None and progress.pk:
        ticks = {t.item: t for t in progress.ticks.select_related("ticked_by")}
    kiosk_planned = bool(progress and progress.kiosk_planned)
    states = []
    for item in ITEMS:
        applicable = item.key != "kiosk" or kiosk_planned
        if item.auto:
            done, detail = _auto(item.key, station)
            states.append(ItemState(item, applicable, done, detail))
            continue
        tick = ticks.get(item.key)
        if tick is None:
            detail = _hint(item, station) if applicable else "未计划配置，不需验收"
            states.append(ItemState(item, applicable, False, detail))
        else:
            states.append(
                ItemState(item, applicable, True, tick.evidence, str(tick.ticked_by), tick.ticked_at)
            )
    return states


def is_complete(states: list[ItemState]) -> bool:
    return all(s.done for s in states if s.applicable)


def missing_labels(states: list[ItemState]) -> list[str]:
    return [s.item.label for s in states if s.applicable and not s.done]
