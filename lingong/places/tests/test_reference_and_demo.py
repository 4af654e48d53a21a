"""load_reference (the 23 towns) and seed_demo (the demo station network and accounts)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lingong.accounts.models import AuditEntry, Membership, Role, User
from lingong.lib.geo import haversine_m, in_city
from lingong.places.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD, MORNING_MARKETS
from lingong.places.models import LEDGER_ACTIVE_DAYS, Service, Station, StationKind, StationStatus, Town
from lingong.places.naming import name_problems
from lingong.places.reference import load_towns
from lingong.places.towns import resolve_town

GM = StationKind.GIG_MARKET
ES = StationKind.EMPLOYMENT_STATION


# --- load_reference ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestLoadReference:
    def test_creates_the_23_towns_with_the_plans_budget(self):
        before = Town.objects.count()
        created, updated = load_towns()
        assert (created + before, updated) == (23, 0)
        assert Town.objects.count() == 23
        assert sum(t.budget_wan for t in Town.objects.all()) == Decimal("113.5")
        assert [t.plan_seq for t in Town.objects.all()] == list(range(1, 24))

    def test_fields_are_converted(self):
        load_towns()
        xiaolan = Town.objects.get(code="442000118")
        assert (xiaolan.name, xiaolan.short, xiaolan.kind) == ("小榄镇", "小榄", "镇")
        assert xiaolan.aliases == ["东升镇", "菊城"]
        assert xiaolan.budget_wan == Decimal("11.75")
        assert xiaolan.demo_site_kind == ES
        assert xiaolan.population == 790454
        assert Town.objects.get(short="西区").aliases == []
        # Published only as a combined figure, so both are blank; 南头 has no area in the table.
        assert Town.objects.get(short="中山港").population is None
        assert Town.objects.get(short="民众").population is None
        assert Town.objects.get(short="南头").area_km2 is None
        demo = {t.short: t.demo_site_kind for t in Town.objects.exclude(demo_site_kind="")}
        assert demo == {"石岐": ES, "东区": GM, "南区": GM, "小榄": ES}

    def test_is_idempotent_and_repairs_changed_rows(self):
        load_towns()
        assert load_towns() == (0, 0)
        Town.objects.filter(short="东凤").update(name_in_plan="东凤", aliases=[])
        assert load_towns() == (0, 1)
        dongfeng = Town.objects.get(short="东凤")
        assert (dongfeng.name_in_plan, dongfeng.aliases) == ("东风镇", ["东风镇"])
        assert Town.objects.count() == 23

    def test_command_reports_counts(self):
        out = io.StringIO()
        call_command("load_reference", stdout=out)
        assert "共 23 个" in out.getvalue()

    def test_bad_file_is_refused_with_the_line(self, tmp_path):
        bad = tmp_path / "towns.csv"
        header = (
            "plan_seq,code,name,short,kind,name_in_plan,aliases,lat,lng,coord_confidence,"
            "population_2021_yearend,area_km2,budget_wan,demo_site\n"
        )
        bad.write_text(header + "1,442000001,石岐街道,石岐,街道,石岐街道,,北纬,113.3,medium,,,11.75,\n")
        with pytest.raises(CommandError, match="第2行"):
            call_command("load_reference", "--towns", str(bad), stdout=io.StringIO())
        bad.write_text("code,name\n442000001,石岐街道\n")
        with pytest.raises(ValueError, match="缺少列"):
            load_towns(bad)

    @pytest.mark.parametrize(
        ("text", "official"),
        [
            ("火炬开发区", "中山港街道"),
            ("火炬区", "中山港街道"),
            ("翠亨新区", "南朗街道"),
            ("翠亨新区 (南朗街道)", "南朗街道"),
            ("东风镇", "东凤镇"),
            ("东凤", "东凤镇"),
            ("东升镇", "小榄镇"),
            ("442000003", "中山港街道"),
        ],
    )
    def test_the_plans_names_resolve_to_official_towns(self, text, official):
        load_towns()
        town = resolve_town(text)
        assert town is not None and town.name == official

    def test_name_in_plan_is_kept(self):
        load_towns()
        in_plan = dict(Town.objects.values_list("name", "name_in_plan"))
        assert in_plan["中山港街道"] == "火炬开发区"
        assert in_plan["南朗街道"] == "翠亨新区 (南朗街道)"
        assert in_plan["东凤镇"] == "东风镇"


# --- seed_demo --------------------------------------------------------------------------------------


def _network_snapshot() -> list[tuple]:
    """The parts of the demo network that must not depend on when or how often it is seeded."""
    rows: list[tuple] = []
    for s in Station.objects.select_related("town").prefetch_related("opening_hours"):
        hours = [(h.weekday, h.opens, h.closes) for h in s.opening_hours.all()]
        where = (s.name, s.kind, s.town.code, s.lat, s.lng, s.address)
        rows.append((*where, s.phone, s.contact_name, s.services, s.occupations, hours))
    return sorted(rows)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed from an empty database twice (flushing in between) and keep the second network.

    Seeding once per module keeps the tests fast; the flush at the end leaves the test database empty
    for the other modules, which expect it so.
    """
    with django_db_blocker.unblock():
        try:
            load_towns()
            call_command(
                "seed_demo", "--workers", "0", "--employers", "0", "--gigs", "0", stdout=io.StringIO()
            )
            first = _network_snapshot()
            call_command("flush", interactive=False, verbosity=0)
            load_towns()
            out = io.StringIO()
            call_command(
                "seed_demo", "--if-empty", "--workers", "0", "--employers", "0", "--gigs", "0", stdout=out
            )
            yield SimpleNamespace(first=first, second=_network_snapshot(), output=out.getvalue())
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def stations(seeded, db) -> list[Station]:
    return list(Station.objects.select_related("town").prefetch_related("opening_hours", "hours_exceptions"))


@pytest.mark.django_db
class TestSeedDemo:
    def test_every_town_has_a_gig_market_and_an_employment_station(self, stations):
        kinds: dict[str, set[str]] = {}
        for s in stations:
            kinds.setdefault(s.town.short, set()).add(s.kind)
        assert len(kinds) == 23
        assert all(k >= {GM, ES} for k in kinds.values()), kinds
        assert 50 <= len(stations) <= 60

    def test_exactly_the_four_demonstration_sites(self, stations):
        demo = {(s.town.short, s.kind) for s in stations if s.is_demo_site}
        assert demo == {("东区", GM), ("南区", GM), ("石岐", ES), ("小榄", ES)}
        assert sum(s.is_demo_site for s in stations) == 4
        for s in stations:
            if s.is_demo_site:
                assert s.town.demo_site_kind == s.kind
                assert s.status == StationStatus.OPERATING
                assert set(s.services) == set(Service.values)

    def test_names_follow_the_rule(self, stations):
        for s in stations:
            assert name_problems(s.name, s.kind, s.town, s.industry) == [], s.name
        names = {s.name for s in stations}
        assert "中山市（小榄镇）就业驿站" in names
        assert "中山市（小榄镇永宁社区）就业驿站" in names
        assert "中山市（灯饰行业）零工市场" in names

    def test_seeding_is_deterministic(self, seeded):
        assert seeded.first == seeded.second
        assert len(seeded.second) >= 50

    def test_if_empty_does_nothing_when_stations_exist(self, seeded):
        before = (Station.objects.count(), User.objects.count(), AuditEntry.objects.count())
        out = io.StringIO()
        call_command(
            "seed_demo", "--if-empty", "--workers", "0", "--employers", "0", "--gigs", "0", stdout=out
        )
        assert "跳过" in out.getvalue()
        with pytest.raises(CommandError, match="已有站点"):
            call_command(
                "seed_demo", "--workers", "0", "--employers", "0", "--gigs", "0", stdout=io.StringIO()
            )
        assert (Station.objects.count(), User.objects.count(), AuditEntry.objects.count()) == before

    def test_refuses_production(self, seeded, settings):
        settings.PRODUCTION = True
        with pytest.raises(CommandError, match="生产环境"):
            call_command("seed_demo", "--if-empty", stdout=io.StringIO())

    def test_every_station_create_is_audited_by_the_city_admin(self, stations):
        entries = AuditEntry.objects.filter(action="station.create")
        assert sorted(entries.values_list("object_id", flat=True)) == sorted(s.code for s in stations)
        admin = User.objects.get(username="city_admin")
        assert set(entries.values_list("actor_id", flat=True)) == {admin.id}

    def test_points_lie_near_the_town_centre(self, stations):
        for s in stations:
            assert in_city(s.lat, s.lng), s.name
            assert 250 <= haversine_m(s.lat, s.lng, s.town.lat, s.town.lng) <= 3100, s.name

    def test_public_details_look_real(self, stations):
        for s in stations:
            assert s.address.startswith(f"中山市{s.town.name}") and s.address.endswith("号"), s.address
            assert s.phone == "" or re.fullmatch(r"0760-[2-8]\d{7}", s.phone), s.phone
            assert Service.RECOMMENDATION in s.services
            assert s.host_venue and s.host_venue_name and s.operating_mode
        gig_names = {o for s in stations for o in s.occupations}
        assert {"普工", "保洁", "搬运装卸", "家政服务员", "灯饰装配"} <= gig_names

    def test_hours_and_exceptions(self, stations):
        def day(s, weekday):
            return [(h.opens, h.closes) for h in s.opening_hours.all() if h.weekday == weekday]

        office = [(dt.time(8, 30), dt.time(12)), (dt.time(14), dt.time(17, 30))]
        assert sum(day(s, 0) == office for s in stations) > len(stations) // 2
        morning = [s for s in stations if s.kind == GM and s.town.short in MORNING_MARKETS and not s.industry]
        assert len(morning) >= 5
        for s in morning:
            assert day(s, 6) == [(dt.time(6, 30), dt.time(11, 30))], s.name
        assert any(day(s, 5) == [(dt.time(9), dt.time(12))] for s in stations)
        exceptions = [e for s in stations for e in s.hours_exceptions.all()]
        national_day = [e for e in exceptions if (e.date.month, e.date.day) == (10, 1)]
        assert national_day and all(e.closed and e.note == "国庆节" for e in national_day)
        assert any(not e.closed and e.opens and e.closes for e in exceptions)

    def test_statuses_make_coverage_and_compliance_meaningful(self, stations):
        today = timezone.localdate()
        operating = [s for s in stations if s.status == StationStatus.OPERATING]
        assert len(operating) >= len(stations) - 5
        for s in operating:
            assert dt.date(2023, 10, 1) <= s.status_since <= dt.date(2023, 12, 31), s.name
            assert s.accepted_on is not None
            assert s.ledger_last_entry_on is not None
        recent = [s for s in operating if (today - s.ledger_last_entry_on).days <= 10]
        stale = [s for s in operating if not s.ledger_active(today)]
        assert len(recent) >= len(operating) - 5 and 2 <= len(stale) <= 5
        assert LEDGER_ACTIVE_DAYS < 45  # the stale ones are 45+ days old

        short = {
            (s.town.short, kind)
            for s in stations
            for kind in (GM, ES)
            if not any(o.town_id == s.town_id and o.kind == kind for o in operating)
        }
        assert 2 <= len({town for town, _ in short}) <= 3, short
        incomplete = [s for s in operating if s.missing_public_info()]
        assert len(incomplete) >= 2
        compliant = [s for s in stations if not s.compliance_problems(today)]
        assert len(stations) - 12 <= len(compliant) < len(stations)

    def test_demo_accounts(self, seeded):
        assert "lingong-demo-2026" in seeded.output and "coord_xiaolan" in seeded.output
        for account in DEMO_ACCOUNTS:
            assert account["password"] == DEMO_PASSWORD == "lingong-demo-2026"
            user = User.objects.get(username=account["username"])
            assert user.check_password(account["password"])
            assert re.fullmatch(r"138000000\d\d", user.phone or "") and user.display_name
            (membership,) = Membership.objects.filter(user=user, active=True)
            assert membership.role == account["role"]
            if account["role"] == Role.COORDINATOR:
                assert membership.station.name == account["scope"]
            elif account["role"] == Role.TOWN_ADMIN:
                assert membership.town.name == account["scope"]
            else:
                assert membership.station is None and membership.town is None
        by_name = {a["username"]: a for a in DEMO_ACCOUNTS}
        assert by_name["city_admin"]["role"] == Role.CITY_ADMIN
        assert User.objects.get(username="city_admin").phone == "13800000001"
        assert User.objects.get(username="worker_demo").phone == "13800000005"
        assert User.objects.get(username="employer_demo").phone == "13800000006"
        coord = Station.objects.get(name=by_name["coord_xiaolan"]["scope"])
        assert (coord.town.short, coord.kind, coord.is_demo_site) == ("小榄", ES, True)
        coord = Station.objects.get(name=by_name["coord_dongqu"]["scope"])
        assert (coord.town.short, coord.kind, coord.is_demo_site) == ("东区", GM, True)
