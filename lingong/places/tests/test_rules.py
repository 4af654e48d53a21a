"""Naming rule, 15-minute ordering, opening hours with exceptions, and town coverage."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from lingong.lib.geo import haversine_m, travel_mode
from lingong.places.circle import reachable
from lingong.places.coverage import town_coverage
from lingong.places.hours import is_open_at, parse_exceptions, parse_intervals
from lingong.places.models import Station, StationStatus
from lingong.places.naming import name_problems, normalize_name
from lingong.places.services import create_station, update_station_operations
from lingong.places.towns import resolve_town

CST = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
class TestNamingRule:
    def test_town_names_follow_the_rule(self, towns):
        assert name_problems("中山市（小榄镇）就业驿站", "employment_station", towns["小榄"]) == []
        assert name_problems("中山市（小榄镇永宁社区）就业驿站", "employment_station", towns["小榄"]) == []
        assert name_problems("中山市（东区街道）零工市场", "gig_market", towns["东区"]) == []

    def test_industry_station(self, towns):
        assert name_problems("中山市（灯饰行业）零工市场", "gig_market", towns["古镇"], "灯饰") == []
        assert name_problems("中山市（古镇镇）零工市场", "gig_market", towns["古镇"], "灯饰")

    def test_wrong_kind_suffix_wrong_town_and_free_text_are_refused(self, towns):
        assert "零工市场" in name_problems("中山市（东区街道）就业驿站", "gig_market", towns["东区"])[0]
        assert "东区街道" in name_problems("中山市（南区街道）零工市场", "gig_market", towns["东区"])[0]
        assert "中山市（" in name_problems("东区零工市场", "gig_market", towns["东区"])[0]

    def test_half_width_brackets_are_normalised(self):
        assert normalize_name(" 中山市(小榄镇)就业驿站 ") == "中山市（小榄镇）就业驿站"

    def test_service_refuses_bad_name_and_saves_nothing(self, personas, towns):
        before = Station.objects.count()
        with pytest.raises(ValidationError) as exc:
            create_station(
                actor=personas.city_admin,
                data={
                    "name": "小榄打工之家",
                    "kind": "gig_market",
                    "town": towns["小榄"],
                    "lat": 22.67,
                    "lng": 113.25,
                },
            )
        assert "name" in exc.value.message_dict
        assert Station.objects.count() == before


@pytest.mark.django_db
class TestTownAliases:
    @pytest.mark.parametrize(
        ("text", "official"),
        [
            ("火炬开发区", "中山港街道"),
            ("翠亨新区", "南朗街道"),
            ("东风镇", "东凤镇"),
            ("小榄", "小榄镇"),
            ("442000118", "小榄镇"),
            ("石岐街道", "石岐街道"),
            ("石岐", "石岐街道"),
        ],
    )
    def test_resolves(self, towns, text, official):
        town = resolve_town(text)
        assert town is not None and town.name == official

    def test_unknown(self, towns):
        assert resolve_town("广州") is None
        assert resolve_town("") is None


class TestTravel:
    def test_haversine_known_distance(self):
        # One degree of latitude is about 111.2 km.
        assert abs(haversine_m(22.0, 113.0, 23.0, 113.0) - 111_195) < 50

    def test_modes_are_ordered_and_invertible(self, settings):
        walk, ebike, car = (travel_mode(m) for m in ("walk", "ebike", "car"))
        assert walk.minutes(1000) > ebike.minutes(1000) > car.minutes(1000)
        assert abs(walk.minutes(walk.reach_m(15)) - 15) < 1e-9
        # 1 km straight line on foot: 1.3 km at 4.5 km/h ≈ 17.3 minutes.
        assert round(walk.minutes(1000), 1) == 17.3

    def test_unknown_mode(self):
        with pytest.raises(ValueError, match="未知的出行方式"):
            travel_mode("plane")


@pytest.mark.django_db
def test_fifteen_minute_circle_orders_by_minutes(personas):
    # A point in 小榄 close to station A: A within 15 minutes on an e-bike, B (东区, ~20 km) is not.
    stations = list(Station.objects.all())
    ebike = travel_mode("ebike")
    inside = reachable(stations, 22.6750, 113.2456, ebike, within_minutes=15)
    assert [r.station for r in inside] == [personas.station_a]
    everything = reachable(stations, 22.6750, 113.2456, ebike)
    assert [r.station for r in everything] == [personas.station_a, personas.station_b]
    assert everything[0].minutes < everything[1].minutes


class TestHoursParsing:
    def test_intervals(self):
        assert parse_intervals("08:30-12:00，14:00-17:30") == [
            (dt.time(8, 30), dt.time(12)),
            (dt.time(14), dt.time(17, 30)),
        ]
        assert parse_intervals("") == []
        assert parse_intervals("9：00至12：00") == [(dt.time(9), dt.time(12))]

    @pytest.mark.parametrize("bad", ["8点到12点", "12:00-08:00", "25:00-26:00", "08:00-12:00,11:00-13:00"])
    def test_bad_intervals_say_why(self, bad):
        with pytest.raises(ValueError) as exc:
            parse_intervals(bad)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))

    def test_exceptions(self):
        rows = parse_exceptions("2026-10-01 闭馆 国庆节\n2026-12-24 09:00-12:00 提前闭馆")
        assert rows[0]["closed"] and rows[0]["note"] == "国庆节"
        assert rows[1]["opens"] == dt.time(9) and not rows[1]["closed"]
        with pytest.raises(ValueError, match="第1行"):
            parse_exceptions("10月1日 闭馆")


@pytest.mark.django_db
class TestOpenNow:
    def test_weekly_hours(self, personas):
        a = Station.objects.prefetch_related("opening_hours", "hours_exceptions").get(
            pk=personas.station_a.pk
        )
        monday_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=CST)
        assert monday_10.weekday() == 0
        assert is_open_at(a, monday_10)
        assert not is_open_at(a, monday_10.replace(hour=18))
        assert not is_open_at(a, monday_10 + dt.timedelta(days=5))  # Saturday

    def test_exception_closes_and_special_hours_open(self, personas):
        a = personas.station_a
        update_station_operations(
            a,
            actor=personas.coordinator_a,
            data={},
            exceptions=parse_exceptions("2026-11-30 闭馆 设备检修\n2026-12-05 09:00-11:00 周六加开"),
        )
        a = Station.objects.prefetch_related("opening_hours", "hours_exceptions").get(pk=a.pk)
        assert not is_open_at(a, dt.datetime(2026, 11, 30, 10, 0, tzinfo=CST))
        assert is_open_at(a, dt.datetime(2026, 12, 5, 10, 0, tzinfo=CST))  # Saturday, special opening
        assert is_open_at(a, dt.datetime(2026, 12, 1, 10, 0, tzinfo=CST))  # ordinary Tuesday

    def test_not_operating_is_never_open(self, personas):
        a = personas.station_a
        Station.objects.filter(pk=a.pk).update(status=StationStatus.SUSPENDED)
        a = Station.objects.prefetch_related("opening_hours", "hours_exceptions").get(pk=a.pk)
        assert not is_open_at(a, dt.datetime(2026, 11, 30, 10, 0, tzinfo=CST))


@pytest.mark.django_db
def test_coverage_rule_lists_towns_short_of_a_kind(personas, towns):
    rows = {r.town.short: r for r in town_coverage()}
    assert len(rows) == 23
    assert rows["小榄"].missing == ["零工市场"]  # only an employment station so far
    assert rows["东区"].missing == ["就业驿站"]
    assert rows["石岐"].missing == ["零工市场", "就业驿站"]
    create_station(
        actor=personas.city_admin,
        data={
            "name": "中山市（小榄镇）零工市场",
            "kind": "gig_market",
            "town": towns["小榄"],
            "lat": 22.676,
            "lng": 113.246,
            "status": "building",
        },
    )
    rows = {r.town.short: r for r in town_coverage()}
    assert rows["小榄"].missing == ["零工市场"]  # building does not count yet
    assert rows["小榄"].in_progress["gig_market"] == 1
    Station.objects.filter(name="中山市（小榄镇）零工市场").update(status="operating")
    rows = {r.town.short: r for r in town_coverage()}
    assert rows["小榄"].missing == []


@pytest.mark.django_db
def test_compliance_needs_info_ledger_and_acceptance(personas):
    from lingong.places.services import note_ledger_activity

    today = dt.date(2026, 11, 28)
    a = Station.objects.prefetch_related("opening_hours").get(pk=personas.station_a.pk)
    assert a.compliance_problems(today) == ["台账近30天无记录"]
    note_ledger_activity(a, today - dt.timedelta(days=3))
    a = Station.objects.prefetch_related("opening_hours").get(pk=a.pk)
    assert a.compliance_problems(today) == []
    Station.objects.filter(pk=a.pk).update(contact_name="")
    a = Station.objects.prefetch_related("opening_hours").get(pk=a.pk)
    assert a.compliance_problems(today) == ["缺少联系人和电话"]


class TestReviewFindings:
    def test_spaces_around_the_dash(self):
        assert parse_intervals("08:30 - 12:00  14:00 至 17:30") == [
            (dt.time(8, 30), dt.time(12)),
            (dt.time(14), dt.time(17, 30)),
        ]

    @pytest.mark.django_db
    def test_city_name_is_not_a_town(self, towns):
        assert resolve_town("中山") is None and resolve_town("中山市") is None
        assert getattr(resolve_town("中山港"), "name", None) == "中山港街道"

    @pytest.mark.django_db
    def test_create_without_point_is_a_field_error(self, personas, towns):
        with pytest.raises(ValidationError) as exc:
            create_station(
                actor=personas.city_admin,
                data={
                    "name": "中山市（石岐街道）就业驿站",
                    "kind": "employment_station",
                    "town": towns["石岐"],
                },
            )
        assert "lat" in exc.value.message_dict

    @pytest.mark.django_db
    def test_status_change_starts_today_and_sets_acceptance(self, personas, towns):
        import datetime as dt

        from django.utils import timezone

        from lingong.places.services import update_station

        s = create_station(
            actor=personas.city_admin,
            data={
                "name": "中山市（石岐街道）就业驿站",
                "kind": "employment_station",
                "town": towns["石岐"],
                "lat": 22.53,
                "lng": 113.38,
                "status": "building",
                "status_since": dt.date(2026, 9, 13),
            },
        )
        assert s.status_since == dt.date(2026, 9, 13) and s.accepted_on is None
        s = update_station(
            s, actor=personas.city_admin, data={"status": "operating", "status_since": s.status_since}
        )
        assert s.status_since == timezone.localdate() == s.accepted_on

    def test_future_ledger_date_is_not_activity(self):
        s = Station(ledger_last_entry_on=dt.date(2027, 1, 1))
        assert not s.ledger_active(dt.date(2026, 11, 28))
