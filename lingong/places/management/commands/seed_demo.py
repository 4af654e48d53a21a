"""manage.py seed_demo [--if-empty]: a believable, deterministic station network and the demo accounts.

Everything is written through the service functions (create_user, grant_membership, create_station,
note_ledger_activity) so the demo data passes the same checks and leaves the same audit trail as real
data. Names and points come from a seeded random generator per station, so they are identical on every
run; dates that must look recent (ledger activity, stations still being built) follow today's date.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from lingong.accounts.models import Role, User
from lingong.accounts.services import create_user, grant_membership
from lingong.places.models import (
    Facility,
    HostVenue,
    OperatingMode,
    Service,
    Station,
    StationKind,
    StationStatus,
    Town,
)
from lingong.places.naming import expected_name, name_problems
from lingong.places.services import create_station, note_ledger_activity

SEED = 20231231  # the plan's completion deadline; any fixed number would do
DEMO_PASSWORD = "lingong-demo-2026"

GM = StationKind.GIG_MARKET.value
ES = StationKind.EMPLOYMENT_STATION.value

# The stations the coordinators look after; names follow the naming rule for the plan's demo sites.
XIAOLAN_DEMO_STATION = "中山市（小榄镇）就业驿站"
DONGQU_DEMO_STATION = "中山市（东区街道）零工市场"

# Scope: 全市 for the city admin, a town's official name for town admins, a station's name for
# coordinators, empty for workers and employer members.
DEMO_ACCOUNTS: list[dict[str, str]] = [
    {
        "username": "city_admin",
        "role": Role.CITY_ADMIN.value,
        "scope": "全市",
        "password": DEMO_PASSWORD,
        "display_name": "市人社局 李主任",
        "phone": "13800000001",
    },
    {
        "username": "town_xiaolan",
        "role": Role.TOWN_ADMIN.value,
        "scope": "小榄镇",
        "password": DEMO_PASSWORD,
        "display_name": "小榄分局 陈科长",
        "phone": "13800000002",
    },
    {
        "username": "town_dongqu",
        "role": Role.TOWN_ADMIN.value,
        "scope": "东区街道",
        "password": DEMO_PASSWORD,
        "display_name": "东区分局 黄科长",
        "phone": "13800000003",
    },
    {
        "username": "coord_xiaolan",
        "role": Role.COORDINATOR.value,
        "scope": XIAOLAN_DEMO_STATION,
        "password": DEMO_PASSWORD,
        "display_name": "梁嘉欣",
        "phone": "13800000004",
    },
    {
        "username": "worker_demo",
        "role": Role.WORKER.value,
        "scope": "",
        "password": DEMO_PASSWORD,
        "display_name": "张建华",
        "phone": "13800000005",
    },
    {
        "username": "employer_demo",
        "role": Role.EMPLOYER_MEMBER.value,
        "scope": "",
        "password": DEMO_PASSWORD,
        "display_name": "周丽华",
        "phone": "13800000006",
    },
    {
        "username": "coord_dongqu",
        "role": Role.COORDINATOR.value,
        "scope": DONGQU_DEMO_STATION,
        "password": DEMO_PASSWORD,
        "display_name": "何志强",
        "phone": "13800000007",
    },
]

# Per town (by short name): a few road names for addresses and the gig work typical of its industries.
TOWN_PROFILES: dict[str, dict[str, list[str]]] = {
    "石岐": {
        "roads": ["孙文中路", "悦来南路", "民族西路", "湖滨路", "太平路"],
        "jobs": ["家政服务员", "餐饮服务员", "保洁", "保安", "外卖骑手", "收银员", "促销导购"],
    },
    "东区": {
        "roads": ["兴中道", "中山四路", "博爱五路", "起湾道", "长江北路", "东苑南路"],
        "jobs": ["家政服务员", "保洁", "餐饮服务员", "保安", "外卖骑手", "育婴员", "会展礼仪"],
    },
    "南区": {
        "roads": ["城南一路", "兴南路", "福涌路", "环城路"],
        "jobs": ["家政服务员", "保洁", "绿化工", "搬运装卸", "餐饮服务员", "电工"],
    },
    "小榄": {
        "roads": ["民安中路", "升平中路", "新华中路", "宝丰路", "绩西路"],
        "jobs": ["锁具装配", "五金普工", "打磨抛光", "注塑工", "针织车位工", "燃气具装配"],
    },
    "中山港": {
        "roads": ["康乐大道", "中山港大道", "江陵西路", "会展东路", "火炬路"],
        "jobs": ["电子厂普工", "质检员", "理货员", "医药包装工", "叉车司机"],
    },
    "西区": {
        "roads": ["富华道", "中山一路", "彩虹大道", "翠景道", "西苑路"],
        "jobs": ["保洁", "餐饮服务员", "收银员", "快递员", "家政服务员"],
    },
    "南朗": {
        "roads": ["南朗大道", "翠亨大道", "岭南路"],
        "jobs": ["民宿管家", "景区服务员", "绿化工", "餐饮服务员", "建筑普工"],
    },
    "民众": {
        "roads": ["民众大道", "新平路", "沙仔路"],
        "jobs": ["绿化工", "农业帮工", "纺织普工", "搬运装卸"],
    },
    "五桂山": {
        "roads": ["长命水大道", "桂南路", "石鼓路"],
        "jobs": ["绿化工", "保洁", "帮厨", "护林员"],
    },
    "古镇": {
        "roads": ["中兴大道", "东岸北路", "同兴路", "海洲路"],
        "jobs": ["灯饰装配", "灯饰安装", "直播助播", "打包发货", "搬运装卸"],
    },
    "横栏": {
        "roads": ["长安北路", "横西路", "富庆路"],
        "jobs": ["灯饰装配", "花木养护", "打包发货", "搬运装卸"],
    },
    "港口": {
        "roads": ["港口大道", "兴港中路", "世纪东路"],
        "jobs": ["游艺机装配", "电子厂普工", "焊工", "展会安检"],
    },
    "沙溪": {
        "roads": ["康乐北路", "星宝路", "宝珠东路", "隆都路"],
        "jobs": ["车位工", "裁床工", "尾部整烫", "直播助播", "打包发货"],
    },
    "大涌": {
        "roads": ["旗山路", "南文路", "岚田路"],
        "jobs": ["红木木工", "雕花工", "喷漆工", "牛仔洗水工"],
    },
    "黄圃": {
        "roads": ["兴圃大道", "新明路", "石军路"],
        "jobs": ["腊味加工", "小家电装配", "质检员", "搬运装卸"],
    },
    "南头": {
        "roads": ["南头大道", "升辉北路", "将军路"],
        "jobs": ["空调装配", "小家电装配", "注塑工", "质检员", "叉车司机"],
    },
    "东凤": {
        "roads": ["凤翔大道", "东阜一路", "和泰路"],
        "jobs": ["小家电装配", "电商客服", "直播助播", "质检员"],
    },
    "阜沙": {
        "roads": ["阜港路", "阜南路", "牛角路"],
        "jobs": ["电子厂普工", "搬运装卸", "注塑工"],
    },
    "三角": {
        "roads": ["金三大道", "福源南路", "高平大道"],
        "jobs": ["焊工", "搬运装卸", "叉车司机", "注塑工"],
    },
    "三乡": {
        "roads": ["金涌大道", "景观大道", "振华路"],
        "jobs": ["餐饮服务员", "酒店客房服务员", "家政服务员", "保安"],
    },
    "坦洲": {
        "roads": ["坦神北路", "坦洲大道", "界狮南路"],
        "jobs": ["电子厂普工", "家电装配", "质检员", "快递分拣"],
    },
    "板芙": {
        "roads": ["芙中路", "迎宾大道", "顺景路"],
        "jobs": ["家具组装", "灯饰装配", "皮具车工", "搬运装卸"],
    },
    "神湾": {
        "roads": ["神湾大道中", "定溪路", "外沙路"],
        "jobs": ["菠萝采收", "码头装卸", "绿化工"],
    },
}
COMMON_JOBS = ["普工", "保洁", "搬运装卸", "电工", "快递分拣", "餐饮服务员", "包装工", "水电工"]
SERVICE_JOBS = ["家政服务员", "保洁", "养老护理员", "育婴员", "餐饮服务员", "保安", "收银员"]

SURNAMES = "陈梁黄李何林张刘吴郑冯谭杨罗苏郭麦周邓卢"
GIVEN_NAMES = [
    "伟明", "嘉欣", "志强", "慧敏", "国华", "丽华", "建军", "晓玲", "振华", "婉仪",
    "俊杰", "淑贞", "家豪", "美玲", "少华", "颖欣", "锦荣", "秀英", "浩然", "雪梅",
]  # fmt: skip

# Second stations of a kind in a town, named after the community/village or area that hosts them.
EXTRA_STATIONS: list[tuple[str, str, str]] = [
    ("小榄", ES, "永宁社区"),
    ("小榄", GM, "东升"),
    ("石岐", ES, "张溪社区"),
    ("东区", ES, "起湾社区"),
    ("中山港", ES, "张家边社区"),
    ("古镇", ES, "海洲村"),
    ("沙溪", ES, "涌头社区"),
    ("东凤", ES, "小沥社区"),
    ("三乡", ES, "雍陌村"),
    ("坦洲", ES, "十四村"),
    ("南朗", ES, "翠亨村"),
]
# An industry station (中山市（灯饰行业）零工市场) hosted in 古镇, the lighting capital.
INDUSTRY_STATIONS: list[tuple[str, str, str]] = [("古镇", GM, "灯饰")]

# Deliberate gaps so the coverage, directory and compliance views have something to show.
# Towns whose only station of this kind is not operating yet → they fall short of P-13.
NOT_OPERATING: dict[tuple[str, str, str], str] = {
    ("神湾", GM, ""): StationStatus.BUILDING.value,
    ("阜沙", ES, ""): StationStatus.AWAITING_ACCEPTANCE.value,
    ("三角", GM, ""): StationStatus.AWAITING_ACCEPTANCE.value,
    # The extra station; 南朗 still has an operating 就业驿站, so it does not fall short.
    ("南朗", ES, "翠亨村"): StationStatus.BUILDING.value,
}
NO_OCCUPATIONS = {("五桂山", ES, "")}
NO_CONTACT = {("民众", GM, "")}
NO_CONTACT_NAME = {("大涌", ES, "")}
STALE_LEDGER_DAYS = {("港口", ES, ""): 45, ("横栏", GM, ""): 60, ("板芙", ES, ""): 75}

# Gig markets that double as morning labour markets: open early every day.
MORNING_MARKETS = {"小榄", "古镇", "沙溪", "坦洲", "东凤", "横栏", "中山港"}

T = dt.time
OFFICE = {d: [(T(8, 30), T(12, 0)), (T(14, 0), T(17, 30))] for d in range(5)}
OFFICE_SAT = {**OFFICE, 5: [(T(9, 0), T(12, 0))]}
MORNING = {d: [(T(6, 30), T(11, 30))] + ([(T(14, 30), T(17, 30))] if d < 5 else []) for d in range(7)}


@dataclass
class StationPlan:
    """Everything needed to create one demo station; `key` is (town short, kind, place or industry)."""

    key: tuple[str, str, str]
    town: Town
    data: dict[str, Any]
    hours: dict[int, list[tuple[dt.time, dt.time]]]
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    ledger_on: dt.date | None = None


def _next_date(today: dt.date, month: int, day: int) -> dt.date:
    this_year = dt.date(today.year, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)


def _holiday_exceptions(today: dt.date) -> list[dict[str, Any]]:
    """The next 国庆节 and 元旦 closures and a half day before 元旦: always upcoming, whenever seeded."""
    national_day = _next_date(today, 10, 1)
    new_year = _next_date(today, 1, 1)
    rows = [
        {"date": national_day, "closed": True, "opens": None, "closes": None, "note": "国庆节"},
        {"date": new_year, "closed": True, "opens": None, "closes": None, "note": "元旦"},
        {
            "date": new_year - dt.timedelta(days=1),
            "closed": False,
            "opens": T(8, 30),
            "closes": T(12, 0),
            "note": "元旦前一天，下午闭馆",
        },
    ]
    return sorted(rows, key=lambda r: r["date"])


def _offset_point(
    rng: random.Random, lat: float, lng: float, min_m: float, max_m: float
) -> tuple[float, float]:
    distance = rng.uniform(min_m, max_m)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlng = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def _ordered(values: set[str], choices) -> list[str]:
    return [v for v in choices.values if v in values]


def _occupations(rng: random.Random, short: str, kind: str) -> list[str]:
    specials = TOWN_PROFILES[short]["jobs"]
    if kind == GM:
        picked = rng.sample(specials, k=min(len(specials), rng.randint(3, 5))) + rng.sample(COMMON_JOBS, k=2)
    else:
        picked = rng.sample(specials, k=min(len(specials), rng.randint(2, 3))) + rng.sample(SERVICE_JOBS, k=3)
    return list(dict.fromkeys(picked))


def _plan_station(
    town: Town, kind: str, *, place: str = "", industry: str = "", today: dt.date
) -> StationPlan:
    short = town.short
    key = (short, kind, industry or place)
    rng = random.Random(f"{SEED}:{town.code}:{kind}:{place}:{industry}")  # str seeds are stable across runs
    demo = not place and not industry and town.demo_site_kind == kind
    extra = bool(place or industry)

    name = expected_name(kind, town, industry, place)
    lat, lng = _offset_point(rng, town.lat, town.lng, 1000 if extra else 300, 3000 if extra else 1500)
    road = rng.choice(TOWN_PROFILES[short]["roads"])
    address = f"中山市{town.name}{road}{rng.randint(1, 199)}号"
    phone = f"0760-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}"
    contact = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
    if name in (XIAOLAN_DEMO_STATION, DONGQU_DEMO_STATION):
        # The demo coordinator of the station is its public contact.
        contact = next(a["display_name"] for a in DEMO_ACCOUNTS if a["scope"] == name)

    if industry:
        host_venue, host_name = HostVenue.OTHER, f"{short}{industry}产业服务中心"
    elif place.endswith("村"):
        host_venue, host_name = HostVenue.VILLAGE, f"{place.removesuffix('村')}村委会"
    elif place.endswith("社区"):
        host_venue, host_name = HostVenue.PARTY_CENTRE, f"{place}党群服务中心"
    elif kind == GM:
        host_venue = HostVenue.PUBLIC_EMPLOYMENT
        host_name = f"{town.name}{place}{rng.choice(['公共就业服务站', '人力资源市场'])}"
    else:
        host_venue = rng.choice([HostVenue.PARTY_CENTRE, HostVenue.BEE_STATION, HostVenue.PUBLIC_EMPLOYMENT])
        host_name = (
            town.name
            + {
                HostVenue.PARTY_CENTRE: "党群服务中心",
                HostVenue.BEE_STATION: "蜂享驿站",
                HostVenue.PUBLIC_EMPLOYMENT: "公共就业服务站",
            }[host_venue]
        )

    services = {Service.RECOMMENDATION.value}
    if demo:
        services |= set(Service.values)
        facilities = set(Facility.values)
    elif kind == GM:
        services |= {Service.QUICK_HIRE, Service.RIGHTS, Service.REST}
        services |= set(
            rng.sample([Service.GUIDANCE, Service.TRAINING, Service.ASSESSMENT], k=rng.randint(0, 2))
        )
        facilities = {Facility.GIG_WINDOW, Facility.LED, Facility.REST_AREA}
        facilities |= set(rng.sample([Facility.KIOSK, Facility.COMPUTER], k=rng.randint(0, 2)))
    else:
        services |= {Service.GUIDANCE}
        optional = [Service.ASSESSMENT, Service.TRAINING, Service.RIGHTS, Service.REST, Service.QUICK_HIRE]
        services |= set(rng.sample(optional, k=rng.randint(1, 3)))
        facilities = {Facility.COMPUTER}
        facilities |= set(
            rng.sample([Facility.KIOSK, Facility.REST_AREA, Facility.LED, Facility.GIG_WINDOW], k=2)
        )

    if demo:
        mode = OperatingMode.DIRECT
    elif kind == GM:
        mode = rng.choice([OperatingMode.DIRECT, OperatingMode.DIRECT, OperatingMode.PURCHASED])
    else:
        mode = rng.choice(
            [OperatingMode.ATTACHED, OperatingMode.ATTACHED, OperatingMode.DIRECT, OperatingMode.PURCHASED]
        )

    if kind == GM and short in MORNING_MARKETS:
        hours = MORNING
    elif demo or rng.random() < 0.25:
        hours = OFFICE_SAT
    else:
        hours = OFFICE

    status = NOT_OPERATING.get(key, StationStatus.OPERATING.value)
    accepted_on: dt.date | None = None
    ledger_on: dt.date | None = None
    if status == StationStatus.OPERATING:
        # Demonstration sites were due mid-November 2023, the rest by the end of 2023.
        if demo:
            status_since = dt.date(2023, 11, rng.randint(8, 15))
        else:
            status_since = dt.date(2023, 10, 1) + dt.timedelta(days=rng.randint(0, 91))
        accepted_on = status_since
        ledger_on = today - dt.timedelta(days=STALE_LEDGER_DAYS.get(key, rng.randint(0, 10)))
    elif status == StationStatus.AWAITING_ACCEPTANCE:
        status_since = today - dt.timedelta(days=rng.randint(10, 40))
    else:
        status_since = today - dt.timedelta(days=rng.randint(30, 120))

    occupations = [] if key in NO_OCCUPATIONS else _occupations(rng, short, kind)
    if key in NO_CONTACT:
        phone, contact = "", ""
    elif key in NO_CONTACT_NAME:
        contact = ""

    data = {
        "name": name,
        "kind": kind,
        "town": town,
        "industry": industry,
        "address": address,
        "lat": lat,
        "lng": lng,
        "phone": phone,
        "contact_name": contact,
        "host_venue": host_venue.value,
        "host_venue_name": host_name,
        "services": _ordered(services, Service),
        "facilities": _ordered(facilities, Facility),
        "occupations": occupations,
        "operating_mode": mode.value,
        "is_demo_site": demo,
        "status": status,
        "status_since": status_since,
        "accepted_on": accepted_on,
    }
    exceptions = _holiday_exceptions(today) if demo else []
    return StationPlan(key=key, town=town, data=data, hours=hours, exceptions=exceptions, ledger_on=ledger_on)


def plan_network(towns: list[Town], today: dt.date) -> list[StationPlan]:
    """The demo network: one 零工市场 and one 就业驿站 per town, then the extra and industry stations."""
    by_short = {t.short: t for t in towns}
    plans = []
    for town in sorted(towns, key=lambda t: t.plan_seq):
        for kind in (GM, ES):
            plans.append(_plan_station(town, kind, today=today))
    for short, kind, place in EXTRA_STATIONS:
        plans.append(_plan_station(by_short[short], kind, place=place, today=today))
    for short, kind, industry in INDUSTRY_STATIONS:
        plans.append(_plan_station(by_short[short], kind, industry=industry, today=today))
    for plan in plans:
        problems = name_problems(plan.data["name"], plan.data["kind"], plan.town, plan.data["industry"])
        if problems:  # a typo in the tables above; fail loudly rather than seed a bad name
            raise CommandError(f"演示站点名称不合规：{plan.data['name']}：{'；'.join(problems)}")
    return plans


def _account(username: str) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["username"] == username)


def _create_account(actor: User | None, account: dict[str, str]) -> User:
    return create_user(
        actor=actor,
        username=account["username"],
        password=account["password"],
        phone=account["phone"],
        display_name=account["display_name"],
    )


def _grant(actor: User | None, user: User, account: dict[str, str]) -> None:
    role, scope = account["role"], account["scope"]
    if role == Role.EMPLOYER_MEMBER and actor is not None:
        # An employer member belongs to an employer: register the demo one for them (approved).
        from lingong.employers.demo import create_demo_employer

        create_demo_employer(admin=actor, user=user)
        return
    town = Town.objects.get(name=scope) if role == Role.TOWN_ADMIN else None
    station = Station.objects.get(name=scope) if role == Role.COORDINATOR else None
    grant_membership(actor=actor, user=user, role=role, town=town, station=station)


@transaction.atomic
def seed_demo(
    today: dt.date | None = None,
    *,
    workers: int = 0,
    employers: int = 0,
    gigs: int = 0,
    history_days: int = 0,
) -> dict[str, Any]:
    """Create the demo accounts and stations, then `workers` workers and `employers` employers
    (lingong.workers.demo); all or nothing. Returns counts for the summary."""
    today = today or timezone.localdate()
    towns = list(Town.objects.order_by("plan_seq"))
    if len(towns) < 23:
        raise CommandError("镇街参考数据不完整，请先运行 manage.py load_reference")
    usernames = [a["username"] for a in DEMO_ACCOUNTS]
    taken = list(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        # Never take over an existing account: granting it roles would hand out access silently.
        raise CommandError(f"演示账号已存在：{'、'.join(taken)}；请在空数据库上运行")

    # The city admin is created by the system and then acts for everything else.
    admin_account = _account("city_admin")
    admin = _create_account(None, admin_account)
    _grant(None, admin, admin_account)

    stations = []
    for plan in plan_network(towns, today):
        station = create_station(actor=admin, data=plan.data, hours=plan.hours, exceptions=plan.exceptions)
        if plan.ledger_on is not None:
            note_ledger_activity(station, plan.ledger_on)
        stations.append(station)

    for account in DEMO_ACCOUNTS:
        if account["username"] == admin_account["username"]:
            continue
        _grant(admin, _create_account(admin, account), account)

    people = None
    if workers > 0 or employers > 0:
        from lingong.workers.demo import seed_people

        people = seed_people(admin=admin, workers=workers, employers=employers, today=today)

    posted = None
    if gigs > 0:
        from lingong.gigs.demo import seed_gigs

        posted = seed_gigs(count=gigs, today=today)

    history = None
    if gigs > 0 and history_days > 0:
        from lingong.monitoring.demo import seed_history

        history = seed_history(admin=admin, days=history_days, today=today)

    return {
        "stations": len(stations),
        "by_kind": Counter(s.kind for s in stations),
        "by_status": Counter(s.status for s in stations),
        "demo_sites": [s.name for s in stations if s.is_demo_site],
        "accounts": len(DEMO_ACCOUNTS),
        "people": people,
        "gigs": posted,
        "history": history,
    }


def _ensure_catalog(stdout) -> None:
    """Demo workers need the occupation catalogue; load it (idempotent) when the database has none."""
    from lingong.catalog.models import GigOccupation
    from lingong.catalog.reference import load_catalog

    if not GigOccupation.objects.exists():
        load_catalog()
        stdout.write("职业目录为空，已先导入（等同 manage.py load_catalog）。")


class Command(BaseCommand):
    help = "创建演示数据：全市站点网络（每个镇街至少一个零工市场和一个就业驿站）和演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="已有站点时什么也不做")
        parser.add_argument(
            "--allow-production", action="store_true", help="允许在生产环境创建演示账号（默认拒绝）"
        )
        parser.add_argument(
            "--workers", type=int, default=2000, help="演示求职者人数（默认 2000，0 为不创建）"
        )
        parser.add_argument(
            "--employers", type=int, default=300, help="演示用工主体数（默认 300，0 为不创建）"
        )
        parser.add_argument("--gigs", type=int, default=300, help="演示零工岗位数（默认 300，0 为不创建）")
        parser.add_argument(
            "--history-days", type=int, default=90, help="演示运行历史天数（默认 90，0 为不创建）"
        )

    def handle(self, *args, **options):
        # Demo accounts share a published password: never create them on production by accident.
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError("生产环境不创建演示数据（演示密码是公开的）；确需请加 --allow-production")
        if Station.objects.exists():
            if options["if_empty"]:
                self.stdout.write("已有站点数据，跳过演示数据。")
                return
            raise CommandError("已有站点数据；演示数据只能写入空数据库（可加 --if-empty 跳过）")

        workers, employers = max(0, options["workers"]), max(0, options["employers"])
        if workers:
            _ensure_catalog(self.stdout)
        try:
            summary = seed_demo(
                workers=workers,
                employers=employers,
                gigs=max(0, options["gigs"]),
                history_days=max(0, options["history_days"]),
            )
        except ValidationError as exc:  # e.g. a demo phone number already registered by someone else
            raise CommandError(f"演示数据创建失败，未写入任何数据：{'；'.join(exc.messages)}") from exc

        kinds, statuses = summary["by_kind"], summary["by_status"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建 {summary['stations']} 个站点：{StationKind.GIG_MARKET.label} {kinds[GM]} 个，"
                f"{StationKind.EMPLOYMENT_STATION.label} {kinds[ES]} 个"
            )
        )
        self.stdout.write(
            "状态：" + "，".join(f"{StationStatus(s).label} {n} 个" for s, n in sorted(statuses.items()))
        )
        self.stdout.write("市级示范点：" + "、".join(summary["demo_sites"]))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in DEMO_ACCOUNTS:
            role = Role(account["role"]).label
            scope = f"（{account['scope']}）" if account["scope"] else ""
            self.stdout.write(f"  {account['username']:<14} {role}{scope}  {account['display_name']}")
        people = summary["people"]
        if people:
            tiers, employer_status = people["tiers"], people["employer_status"]
            self.stdout.write(
                f"演示求职者 {people['workers']} 人（覆盖 {len(people['by_town'])} 个镇街；"
                f"重点服务 {tiers.get(2, 0)} 人，援助服务 {tiers.get(3, 0)} 人）；"
                f"用工主体 {people['employers']} 家（已认证 {employer_status.get('approved', 0)} 家，"
                f"待审核 {employer_status.get('pending', 0)} 家）；用时 {people['seconds']} 秒"
            )
            if people["employers"]:
                self.stdout.write(f"  用工主体管理员用手机号（136 开头）和演示密码 {DEMO_PASSWORD} 登录")
        posted = summary["gigs"]
        if posted:
            self.stdout.write(
                f"演示零工岗位 {posted['gigs']} 个（招聘中 {posted['by_status'].get('open', 0)} 个），"
                f"报名与抢单 {posted['applications']} 条；用时 {posted['seconds']} 秒"
            )
        history = summary["history"]
        if history:
            self.stdout.write(
                f"演示运行历史：过去的零工岗位 {history['past_gigs']} 个"
                f"（完工 {history['completed']} 人次），台账 {history['ledger_lines']} 条，"
                f"每日快照 {history['snapshot_days']} 天；"
                f"用时 {history['seconds']} 秒"
            )
        _demo_second_factor(self.stdout)


def _demo_second_factor(stdout) -> None:
    """Demo admins get a fixed authenticator secret (lingong.accounts.demo); say how to read the code."""
    if getattr(settings, "PRODUCTION", False):
        stdout.write("生产环境不预置动态验证码：管理员首次登录时按页面提示设置。")
        return
    from lingong.accounts.demo import seed_demo_totp

    usernames = seed_demo_totp()
    if usernames:
        stdout.write(
            f"管理员登录还需动态验证码（{'、'.join(usernames)}）："
            "运行 manage.py demo_totp <用户名> 查看当前的 6 位数字"
        )
