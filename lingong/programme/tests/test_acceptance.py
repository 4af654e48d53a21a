"""Construction programme: the checklist, town then city acceptance, scope, overdue items, overview."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lingong.accounts.models import AuditEntry
from lingong.places.models import Station, StationStatus
from lingong.programme import checklist, services
from lingong.programme.models import StationProgress
from lingong.programme.progress import overdue_items, overview, phases_of

from .helpers import building_station, tick_all

pytestmark = pytest.mark.django_db


def _states(station):
    progress = StationProgress.objects.filter(station=station).first()
    return {s.item.key: s for s in checklist.evaluate(Station.objects.get(pk=station.pk), progress)}


def test_auto_items_are_read_from_the_station_data(personas, towns, rnd):
    bare = building_station(
        personas, towns["东区"], name="中山市（东区街道起湾社区）零工市场", complete=False
    )
    states = _states(bare)
    assert not any(states[k].done for k in ("hours", "staff", "ledger", "listing"))
    assert "缺少：地址、开放时间" in states["listing"].detail
    assert states["staff"].detail == "尚未为本站点指定零工协理员"
    ready = building_station(personas, towns["东区"], name="中山市（东区街道库充社区）零工市场")
    states = _states(ready)
    assert all(states[k].done for k in ("hours", "staff", "ledger", "listing"))
    assert states["staff"].detail.startswith("零工协理员：协理员")
    assert not states["signage"].done and not states["kiosk"].applicable


def test_manual_items_need_evidence_and_auto_items_cannot_be_ticked(personas, towns, rnd):
    station = building_station(personas, towns["东区"], name="中山市（东区街道长江社区）零工市场")
    admin = personas.town_admin_b
    with pytest.raises(ValidationError, match="请填写核实说明"):
        services.tick_item(station, actor=admin, item="signage", evidence="  ")
    with pytest.raises(ValidationError, match="自动核对"):
        services.tick_item(station, actor=admin, item="ledger", evidence="已建立")
    with pytest.raises(ValidationError, match="未计划配置信息一体机"):
        services.tick_item(station, actor=admin, item="kiosk", evidence="已安装")
    services.set_plan(station, actor=admin, round_code=None, kiosk_planned=True)
    services.tick_item(station, actor=admin, item="kiosk", evidence="已安装一体机 1 台")
    services.tick_item(station, actor=admin, item="signage", evidence="入口已挂统一标识")
    assert _states(station)["signage"].done and _states(station)["kiosk"].done
    services.untick_item(station, actor=admin, item="signage")
    assert not _states(station)["signage"].done
    assert AuditEntry.objects.filter(action="programme.untick", object_id=station.code).exists()


def test_town_then_city_acceptance_puts_the_station_into_operation(personas, towns, rnd):
    station = building_station(personas, towns["东区"], name="中山市（东区街道柏苑社区）零工市场")
    town_admin, city = personas.town_admin_b, personas.city_admin
    with pytest.raises(ValidationError, match="验收清单尚未完成：入口显著位置悬挂统一名称标识"):
        services.town_accept(station, actor=town_admin)
    tick_all(station, town_admin)
    with pytest.raises(ValidationError, match="须先通过镇街验收"):
        services.city_accept(station, actor=city)
    with pytest.raises(PermissionDenied):
        services.town_accept(station, actor=city)  # the town step belongs to the town
    progress = services.town_accept(station, actor=town_admin, note="符合建设标准", on=dt.date(2023, 11, 10))
    station.refresh_from_db()
    assert station.status == StationStatus.AWAITING_ACCEPTANCE
    assert progress.town_accepted_by == town_admin and len(progress.town_checklist) == len(checklist.ITEMS)
    with pytest.raises(ValidationError, match="验收清单不能再修改"):
        services.untick_item(station, actor=town_admin, item="signage")
    with pytest.raises(PermissionDenied):
        services.city_accept(station, actor=town_admin)
    with pytest.raises(ValidationError, match="市级验收日期不能早于 2023-11-10"):
        services.city_accept(station, actor=city, on=dt.date(2023, 11, 9))
    day = dt.date(2023, 11, 20)
    progress = services.city_accept(station, actor=city, on=day)
    station.refresh_from_db()
    assert (
        station.status == StationStatus.OPERATING
        and station.accepted_on == day
        and station.status_since == day
    )
    assert progress.city_accepted_by == city
    actions = set(AuditEntry.objects.filter(object_id=station.code).values_list("action", flat=True))
    assert {"programme.town_accept", "programme.city_accept", "station.update"} <= actions


def test_city_acceptance_rechecks_the_automatic_items(personas, towns, rnd):
    station = building_station(personas, towns["东区"], name="中山市（东区街道竹苑社区）零工市场")
    tick_all(station, personas.town_admin_b)
    services.town_accept(station, actor=personas.town_admin_b)
    Station.objects.filter(pk=station.pk).update(address="")
    with pytest.raises(ValidationError, match="线上公开信息完整"):
        services.city_accept(station, actor=personas.city_admin)


def test_city_can_send_it_back_and_the_checklist_opens_again(personas, towns, rnd):
    station = building_station(personas, towns["东区"], name="中山市（东区街道桃苑社区）零工市场")
    tick_all(station, personas.town_admin_b)
    services.town_accept(station, actor=personas.town_admin_b)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.return_to_town(station, actor=personas.city_admin, reason="")
    services.return_to_town(station, actor=personas.city_admin, reason="标识规格不符合市局标准")
    station.refresh_from_db()
    assert station.status == StationStatus.BUILDING
    services.untick_item(station, actor=personas.town_admin_b, item="signage")
    assert not _states(station)["signage"].done


def test_a_town_admin_cannot_touch_another_towns_station(personas, rnd):
    with pytest.raises(PermissionDenied):
        services.tick_item(personas.station_a, actor=personas.town_admin_b, item="signage", evidence="看过")
    with pytest.raises(PermissionDenied):
        services.add_milestone(
            personas.station_a,
            actor=personas.town_admin_b,
            title="装修",
            due_on=dt.date(2023, 10, 1),
            phase="building",
        )
    with pytest.raises(PermissionDenied):
        services.tick_item(personas.station_b, actor=personas.coordinator_a, item="signage", evidence="看过")


def test_start_building_moves_survey_to_building_through_the_station_service(personas, towns, rnd):
    station = building_station(
        personas, towns["东区"], name="中山市（东区街道槎桥社区）就业驿站", kind="employment_station"
    )
    Station.objects.filter(pk=station.pk).update(status=StationStatus.SURVEY)
    station.refresh_from_db()
    services.start_building(station, actor=personas.town_admin_b)
    station.refresh_from_db()
    assert station.status == StationStatus.BUILDING
    with pytest.raises(ValidationError, match="只有调研摸底阶段"):
        services.start_building(station, actor=personas.town_admin_b)


def test_overdue_items_follow_the_rounds_due_dates(personas, towns, rnd):
    phases = phases_of(rnd)
    station = building_station(personas, towns["东区"], name="中山市（东区街道银湾社区）零工市场")
    assert overdue_items(station, None, phases, dt.date(2023, 10, 1)) == []
    assert overdue_items(station, None, phases, dt.date(2023, 11, 1)) == ["建设实施应于 2023-10-31 前完成"]
    assert overdue_items(station, None, phases, dt.date(2024, 1, 1))[-1] == "验收运营应于 2023-12-31 前完成"
    station.is_demo_site = True
    assert overdue_items(station, None, phases, dt.date(2023, 11, 16)) == [
        "建设实施应于 2023-10-31 前完成",
        "示范点验收运营应于 2023-11-15 前完成",
    ]
    milestone = services.add_milestone(
        station,
        actor=personas.town_admin_b,
        title="完成场地改造",
        due_on=dt.date(2023, 10, 10),
        phase="building",
    )
    assert overdue_items(station, None, phases, dt.date(2023, 10, 11), [milestone]) == [
        "完成场地改造（计划 2023-10-10）"
    ]
    services.complete_milestone(milestone, actor=personas.town_admin_b, done_on=dt.date(2023, 10, 9))
    milestone.refresh_from_db()
    assert overdue_items(station, None, phases, dt.date(2023, 10, 11), [milestone]) == []
    assert overdue_items(personas.station_b, None, phases, dt.date(2024, 1, 1)) == []  # operating


def test_overview_counts_stations_by_stage_and_the_one_of_each_kind_rule(personas, towns, rnd):
    east = towns["东区"]
    building_station(personas, east, name="中山市（东区街道朗晴社区）就业驿站", kind="employment_station")
    waiting = building_station(personas, east, name="中山市（东区街道松苑社区）零工市场")
    tick_all(waiting, personas.town_admin_b)
    services.town_accept(waiting, actor=personas.town_admin_b)
    rows = {r.town.short: r for r in overview([east, towns["小榄"], towns["神湾"]], rnd, dt.date(2024, 1, 5))}
    east_row = rows["东区"]
    assert east_row.column_counts == [0, 1, 1, 1]  # survey, building, awaiting, operating
    assert east_row.missing == ["就业驿站"] and east_row.unplanned == []
    assert east_row.overdue_count == 2
    assert {s.stage for s in east_row.stations} == {"建设实施", "待市级验收", "运营中"}
    assert rows["小榄"].missing == ["零工市场"] and rows["小榄"].unplanned == ["零工市场"]
    assert rows["神湾"].unplanned == ["零工市场", "就业驿站"] and rows["神湾"].stations == []
