"""Realistic demo people for `manage.py seed_demo`: workers and employers, written through the services.

Every worker goes through `register_worker`, `update_profile`, `set_occupations`, `set_certificates`,
`set_blocked_dates`, `record_hardship` / `verify_hardship` and `withdraw_consent`; every employer through
`create_user`, `register_employer` and `review_employer`. So the demo data passes the same validation and
leaves the same audit trail as data typed in by people. Two deliberate exceptions, both explained where
they happen: `looking_since` is backdated with a plain update (no service moves it), and employer
managers' demo password is hashed with light Argon2 parameters (DemoArgon2Hasher). (`generate.py` is
the other generator: bulk rows for benchmarks, deliberately bypassing the services.)

Determinism: one `random.Random(seed)` drives every choice, consumed in a fixed order, so the same seed on
the same reference data gives the same people. Dates that must look recent (how long someone has been
looking, certificate expiry, blocked dates) are offsets from `today`. Codes (WK…, EM…) come from the
services' own random generator and differ between runs; so do ciphertexts (random nonces).

Sources for the mix: each town's industries follow /work/shared/data/zhongshan_industries.md (灯饰 in 古镇,
五金 in 小榄, 小家电 in 东凤/南头/黄圃, 服装 in 沙溪, 红木 in 大涌, services in the central districts);
headcounts follow the 2021 year-end population in data/towns.csv.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from lingong.accounts.models import Membership, Role, User
from lingong.accounts.services import create_user
from lingong.catalog.models import Certificate, CertificateKind, GigOccupation, HardshipCategory, Occupation
from lingong.employers.models import Employer, EmployerKind, UsccCheck
from lingong.employers.services import register_employer, review_employer
from lingong.lib.geo import CITY_BOUNDS
from lingong.lib.idcard import make_id
from lingong.lib.uscc import ALPHABET as USCC_ALPHABET
from lingong.lib.uscc import make_uscc
from lingong.places.models import Facility, Station, StationStatus, Town

from .models import (
    ExperienceLevel,
    HardshipStatus,
    PayUnit,
    RegisteredVia,
    Settlement,
    TravelMode,
    Worker,
)
from .services import (
    recompute_tier,
    record_hardship,
    register_worker,
    set_blocked_dates,
    set_certificates,
    set_occupations,
    update_profile,
    verify_hardship,
    withdraw_consent,
)

SEED = 20231231
ALL_CONSENTS = ["registration", "sensitive", "matching"]
T = TypeVar("T")

# --- towns --------------------------------------------------------------------------------------------

# 中山港 and 民众 were only published together (393,622, data/README.md). Split 65/35 for the demo:
# 中山港 (火炬开发区) is the dense industrial core, 民众 mostly farmland and water villages. An assumption for
# demo data, not a statistic.
COMBINED_POPULATION = 393_622
COMBINED_SPLIT = {"中山港": 0.65, "民众": 0.35}

# Manufacturing towns have more (and smaller) employers per resident than the residential districts.
EMPLOYER_DENSITY = {
    "古镇": 1.5,
    "小榄": 1.4,
    "东凤": 1.4,
    "沙溪": 1.3,
    "大涌": 1.4,
    "南头": 1.2,
    "黄圃": 1.2,
    "港口": 1.2,
    "横栏": 1.2,
    "板芙": 1.1,
    "中山港": 1.2,
    "坦洲": 1.1,
}
CENTRAL = {"石岐", "东区", "西区", "南区"}

# A few villages and communities (村/社区) per town, for home addresses.
COMMUNITIES: dict[str, list[str]] = {
    "石岐": ["张溪社区", "莲峰社区", "员峰社区", "太平社区", "悦来社区", "民生社区"],
    "东区": ["起湾社区", "库充社区", "长江社区", "竹苑社区", "松苑社区", "槎桥社区", "白沙湾社区"],
    "南区": ["马岭社区", "竹秀园社区", "北台社区", "寮后社区", "恒美社区", "沙涌社区"],
    "小榄": ["永宁社区", "联丰社区", "宝丰社区", "绩东一社区", "埒西一社区", "九洲基社区", "同茂社区"],
    "中山港": ["张家边社区", "小引社区", "大岭社区", "沙边社区", "江尾头社区", "濠头社区", "陵岗社区"],
    "西区": ["沙朗社区", "隆平社区", "长洲社区", "烟洲社区", "广丰社区", "翠景社区", "彩虹社区"],
    "南朗": ["翠亨村", "崖口村", "左步村", "横门村", "榄边社区", "关塘村"],
    "民众": ["浪网村", "新伦村", "沙仔村", "三墩村", "接源村", "锦标村"],
    "五桂山": ["长命水社区", "桂南社区", "石鼓社区", "南桥村", "龙塘村"],
    "古镇": ["海洲村", "古一村", "古二村", "曹一村", "曹二村", "冈东村", "六坊村", "七坊村"],
    "横栏": ["新茂村", "贴边村", "三沙村", "西冲社区", "宝裕村", "四沙村"],
    "港口": ["民主社区", "群众社区", "胜隆社区", "沙港社区", "下南村", "大丰村"],
    "沙溪": ["涌头社区", "圣狮村", "象角村", "秀山村", "龙瑞村", "乐群村", "虎逊村"],
    "大涌": ["南文社区", "岚田村", "旗山村", "叠石村", "石井村", "安堂社区"],
    "黄圃": ["新地村", "横档村", "鳌山村", "大岑村", "马新村", "兆丰村"],
    "南头": ["南城村", "滘心村", "北帝村", "升辉社区", "穗西村", "将军社区"],
    "东凤": ["小沥社区", "和穗村", "东和平村", "同安村", "安乐村", "民乐社区"],
    "阜沙": ["阜沙村", "罗松村", "大有村", "上南村", "丰联村", "牛角村"],
    "三角": ["三角村", "高平村", "结民村", "光明村", "沙栏村", "蟠龙村"],
    "三乡": ["雍陌村", "平南村", "白石村", "乌石村", "桥头村", "古鹤村", "前陇村"],
    "坦洲": ["十四村", "合胜村", "七村", "金斗村", "联一村", "永二村", "裕洲村"],
    "板芙": ["深湾村", "里溪村", "湖洲村", "白溪村", "新联村", "广福村"],
    "神湾": ["外沙村", "定溪村", "宥南村", "神湾社区", "竹排村"],
}

# The work people in each town do, as keywords matched against the gig occupation names in the catalogue
# (GigOccupation.name, e.g. “灯具装配工/灯饰组装”), with weights. Keywords with no match are skipped, so
# the table keeps working while the catalogue grows.
TOWN_WORK: dict[str, list[tuple[str, int]]] = {
    "石岐": [("家政服务员", 5), ("保洁", 4), ("餐厅服务员", 4), ("厨师", 2), ("快递员", 2), ("外卖骑手", 3),
             ("保安", 2), ("收银员", 2), ("促销员", 2), ("养老护理员", 1), ("电工", 1)],
    "东区": [("家政服务员", 5), ("月嫂", 2), ("保洁", 4), ("餐厅服务员", 4), ("厨师", 2), ("外卖骑手", 3),
             ("快递员", 2), ("保安", 2), ("礼仪", 1), ("收银员", 1), ("电工", 1)],
    "南区": [("家政服务员", 4), ("保洁", 4), ("绿化工", 2), ("搬运工", 2), ("餐厅服务员", 3), ("电工", 1),
             ("快递员", 1)],
    "西区": [("保洁", 4), ("餐厅服务员", 3), ("收银员", 2), ("快递员", 3), ("家政服务员", 3),
             ("外卖骑手", 2)],
    "小榄": [("锁具装配", 5), ("五金普工", 5), ("打磨抛光", 3), ("注塑工", 3), ("车位工", 2), ("小家电", 2),
             ("家具", 1), ("CNC", 1), ("包装工", 2), ("叉车", 1)],
    "中山港": [("电子厂普工", 5), ("质检员", 3), ("理货员", 3), ("包装工", 3), ("叉车", 1), ("CNC", 1),
               ("快递分拣", 1)],
    "南朗": [("民宿管家", 2), ("餐厅服务员", 3), ("礼仪", 1), ("绿化工", 2), ("泥瓦工", 1), ("保洁", 2)],
    "民众": [("绿化工", 3), ("搬运工", 3), ("车位工", 2), ("包装工", 2), ("货车司机", 1)],
    "五桂山": [("绿化工", 3), ("保洁", 3), ("厨师", 2), ("家具", 1), ("餐厅服务员", 1)],
    "古镇": [("灯具装配", 8), ("包装工", 4), ("灯饰安装", 2), ("直播", 2), ("搬运工", 2), ("理货员", 1)],
    "横栏": [("灯具装配", 5), ("绿化工", 3), ("包装工", 2), ("搬运工", 2)],
    "港口": [("电子厂普工", 4), ("电焊工", 2), ("安检员", 1), ("礼仪", 1), ("包装工", 2), ("CNC", 1)],
    "沙溪": [("车位工", 7), ("裁床工", 3), ("尾部整烫", 3), ("直播", 2), ("包装工", 2)],
    "大涌": [("手工木工", 5), ("雕花工", 3), ("喷漆工", 2), ("洗水工", 2), ("车位工", 1)],
    "黄圃": [("小家电", 4), ("质检员", 2), ("包装工", 3), ("搬运工", 2), ("面点师", 1), ("空调装配", 1)],
    "南头": [("空调装配", 4), ("小家电", 4), ("注塑工", 2), ("质检员", 2), ("叉车", 1)],
    "东凤": [("小家电", 7), ("质检员", 2), ("包装工", 2), ("客服", 1), ("直播", 1), ("注塑工", 1)],
    "阜沙": [("电子厂普工", 3), ("注塑工", 2), ("搬运工", 2), ("包装工", 1)],
    "三角": [("电焊工", 2), ("搬运工", 2), ("叉车", 2), ("注塑工", 2), ("机修工", 1)],
    "三乡": [("餐厅服务员", 4), ("家政服务员", 3), ("保安", 2), ("保洁", 3), ("厨师", 2)],
    "坦洲": [("电子厂普工", 5), ("小家电", 2), ("质检员", 2), ("快递分拣", 2), ("包装工", 1)],
    "板芙": [("家具", 4), ("灯具装配", 2), ("包装工", 2), ("搬运工", 2)],
    "神湾": [("搬运工", 4), ("绿化工", 3), ("货车司机", 1)],
}  # fmt: skip
# Work found everywhere, mixed into every town with a small weight.
COMMON_WORK: list[tuple[str, int]] = [
    ("搬运工", 2),
    ("保洁", 2),
    ("包装工", 2),
    ("快递分拣", 1),
    ("餐厅服务员", 1),
    ("电工", 1),
    ("泥瓦工", 1),
    ("油漆工", 1),
]
# Light work for 16–17-year-olds: the 未成年工 rules keep them off hazardous and heavy jobs.
JUVENILE_WORK = ["包装工", "餐厅服务员", "收银员", "促销员", "理货员", "奶茶店员"]
# Gig categories whose employers usually ask for a 健康证 even where the law does not require one.
HEALTH_CARD_CATEGORIES = {"家政服务", "养老托育", "餐饮服务"}

# --- names --------------------------------------------------------------------------------------------

# Common surnames in Guangdong, weighted roughly by frequency; two compound ones for variety.
SURNAMES: list[tuple[str, int]] = [
    ("陈", 10), ("李", 7), ("黄", 7), ("梁", 5), ("张", 5), ("林", 4), ("刘", 4), ("吴", 3), ("何", 3),
    ("杨", 3), ("罗", 2), ("郑", 2), ("谢", 2), ("冯", 2), ("邓", 2), ("曾", 2), ("周", 2), ("苏", 2),
    ("卢", 2), ("彭", 1), ("钟", 1), ("麦", 1), ("潘", 1), ("赖", 1), ("叶", 1), ("朱", 1), ("蔡", 1),
    ("邱", 1), ("余", 1), ("古", 1), ("欧阳", 1), ("司徒", 1),
]  # fmt: skip
MALE_GIVEN = [
    "伟", "强", "军", "杰", "勇", "斌", "华", "明", "辉", "健", "国强", "志明", "建华", "俊杰", "家豪",
    "伟明", "振华", "锦荣", "浩然", "少华", "永康", "国华", "文杰", "海波", "德明", "启明", "晓东",
    "耀辉", "嘉俊", "志强", "建军", "卫东", "立新", "永强", "冠华", "伟雄", "国荣", "汉明", "宇航", "子轩",
]  # fmt: skip
FEMALE_GIVEN = [
    "芳", "敏", "静", "丽", "婷", "燕", "玲", "霞", "娟", "英", "丽华", "慧敏", "嘉欣", "晓玲", "婉仪",
    "美玲", "淑贞", "秀英", "雪梅", "颖欣", "桂芳", "凤英", "翠兰", "小燕", "晓红", "海燕", "丽娟",
    "月娥", "金凤", "惠珍", "少芬", "美华", "玉梅", "雅婷", "思敏", "佩珊", "咏诗", "秀琼", "丽萍", "春梅",
]  # fmt: skip

INTRO_EXTRAS = [
    "可接日结",
    "能吃苦，服从安排",
    "有电动车，附近厂区都可以去",
    "只做白班",
    "周末也有空",
    "会看简单图纸",
    "做事细心，手脚快",
    "希望离家近一点",
    "可以加班",
    "带过新人",
]

# Employers: trade names, and per town the industries (with the word that ends a company name).
TRADE_NAMES = [
    "明耀", "华辉", "锦达", "恒信", "盛丰", "宏业", "金达", "永昌", "嘉利", "富源",
    "万盈", "兴隆", "德誉", "天成", "新泰", "瑞丰", "鸿运", "汇通", "立信", "创美",
    "凯旋", "广联", "顺意", "佳美", "东成", "百利", "美嘉", "朗润", "雅居", "信达",
    "海纳", "卓越", "高捷", "力豪", "荣昌", "添福", "正和", "俊朗", "利民", "裕丰",
]  # fmt: skip
TOWN_TRADES: dict[str, list[tuple[str, str]]] = {
    "石岐": [("物业管理", "物业管理有限公司"), ("餐饮", "餐饮管理有限公司"), ("商贸", "商贸有限公司")],
    "东区": [("物业管理", "物业管理有限公司"), ("餐饮", "餐饮管理有限公司"), ("会展", "会展服务有限公司")],
    "南区": [("物业管理", "物业管理有限公司"), ("园林绿化", "园林绿化工程有限公司"),
             ("装修", "装饰工程有限公司")],
    "西区": [("商贸", "商贸有限公司"), ("快递物流", "物流有限公司"), ("餐饮", "餐饮管理有限公司")],
    "小榄": [("五金制品", "五金制品有限公司"), ("锁具", "锁业有限公司"), ("燃气具", "电器有限公司"),
             ("针织服装", "针织制衣有限公司"), ("办公家具", "家具有限公司")],
    "中山港": [("电子", "电子科技有限公司"), ("医药", "药业有限公司"), ("包装印刷", "包装印刷有限公司"),
               ("装备制造", "机械设备有限公司")],
    "南朗": [("文旅", "文化旅游发展有限公司"), ("民宿", "民宿管理有限公司"), ("餐饮", "餐饮有限公司")],
    "民众": [("纺织面料", "纺织有限公司"), ("农业", "农业发展有限公司"), ("物流", "物流有限公司")],
    "五桂山": [("生态旅游", "旅游开发有限公司"), ("饮用水", "饮用水有限公司"), ("家私", "家私有限公司")],
    "古镇": [("灯饰", "灯饰有限公司"), ("照明", "照明电器有限公司"), ("灯饰电商", "电子商务有限公司"),
             ("花卉苗木", "园艺有限公司")],
    "横栏": [("照明", "照明科技有限公司"), ("花木", "园艺有限公司"), ("灯饰", "灯饰有限公司")],
    "港口": [("游戏游艺", "游艺设备有限公司"), ("电子", "电子有限公司"), ("会展", "展览服务有限公司")],
    "沙溪": [("休闲服装", "服饰有限公司"), ("制衣", "制衣有限公司"), ("服装电商", "电子商务有限公司")],
    "大涌": [("红木家具", "红木家具有限公司"), ("木雕工艺", "工艺品有限公司"), ("牛仔服装", "制衣有限公司")],
    "黄圃": [("腊味食品", "食品有限公司"), ("家电", "电器有限公司"), ("家电配件", "电器配件有限公司")],
    "南头": [("空调", "空调设备有限公司"), ("家电", "电器有限公司"), ("塑料制品", "塑料制品有限公司")],
    "东凤": [("小家电", "电器有限公司"), ("家电电商", "电子商务有限公司"), ("模具", "模具有限公司")],
    "阜沙": [("电子", "电子有限公司"), ("机械", "机械有限公司"), ("塑料制品", "塑胶制品有限公司")],
    "三角": [("机械制造", "机械有限公司"), ("五金", "五金有限公司"), ("物流", "物流有限公司")],
    "三乡": [("酒店", "酒店管理有限公司"), ("餐饮", "餐饮有限公司"), ("物业管理", "物业服务有限公司")],
    "坦洲": [("电子", "电子科技有限公司"), ("家电", "电器有限公司"), ("新材料", "新材料有限公司")],
    "板芙": [("家具", "家具有限公司"), ("皮具", "皮具有限公司"), ("玩具", "玩具有限公司")],
    "神湾": [("农业", "农业有限公司"), ("港口物流", "物流有限公司"), ("菠萝种植", "农业专业合作社")],
}  # fmt: skip
SHOPS = [
    ("餐饮", "餐饮店", "小吃店，午市晚市缺人手"),
    ("零售", "便利店", "社区便利店，需要理货和收银"),
    ("五金", "五金店", "五金建材门市，需要搬运送货"),
    ("快递", "快递代收点", "快递代收点，晚上分拣"),
    ("维修", "家电维修部", "家电上门维修"),
    ("服装加工", "制衣加工坊", "家庭式制衣加工坊，车位工按件计酬"),
]
HOUSEHOLD_NEEDS = [
    ("家政服务", "家里有老人需要白天照护，做饭、打扫"),
    ("家政服务", "双职工家庭，需要钟点工每周打扫两次"),
    ("家政服务", "新生儿家庭，需要月嫂或育儿嫂"),
    ("家政服务", "房屋装修后开荒保洁"),
]


# --- small helpers ------------------------------------------------------------------------------------


def weighted(rng: random.Random, items: Sequence[tuple[T, float]]) -> T:
    """One item from (item, weight) pairs."""
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]


def town_populations(towns: Iterable[Town]) -> dict[str, float]:
    """Population per town short name, with the two unpublished towns filled in (see COMBINED_SPLIT)."""
    towns = list(towns)
    known = [t.population for t in towns if t.population]
    fallback = statistics.median(known) if known else 1.0
    out: dict[str, float] = {}
    for t in towns:
        if t.population:
            out[t.short] = float(t.population)
        elif t.short in COMBINED_SPLIT:
            out[t.short] = COMBINED_POPULATION * COMBINED_SPLIT[t.short]
        else:  # a town added later without a figure: a typical town
            out[t.short] = float(fallback)
    return out


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to the weights (largest remainder), exactly and deterministically."""
    if total <= 0 or not weights:
        return dict.fromkeys(weights, 0)
    whole = sum(weights.values())
    quotas = {k: total * w / whole for k, w in weights.items()}
    counts = {k: math.floor(q) for k, q in quotas.items()}
    left = total - sum(counts.values())
    for k in sorted(quotas, key=lambda k: (counts[k] - quotas[k], k))[:left]:
        counts[k] += 1
    return counts


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def draw_age(rng: random.Random) -> int:
    """Ages 16–65, most between 30 and 55; about 1 % juveniles (16–17) and 7 % aged 60 or more."""
    r = rng.random()
    if r < 0.012:
        return rng.randint(16, 17)
    if r < 0.16:
        return rng.randint(18, 29)
    if r < 0.85:
        return rng.randint(30, 55)
    if r < 0.93:
        return rng.randint(56, 59)
    return rng.randint(60, 65)


def birth_for_age(rng: random.Random, age: int, today: dt.date) -> dt.date:
    """A birth date at which a person is exactly `age` on `today`."""
    latest = years_before(today, age)
    earliest = years_before(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))


def draw_name(rng: random.Random, sex: str) -> str:
    given = rng.choice(MALE_GIVEN if sex == "M" else FEMALE_GIVEN)
    return weighted(rng, SURNAMES) + given


def _mask(days: Iterable[int], parts: Iterable[int]) -> int:
    parts = list(parts)
    return sum(1 << (d * 3 + p) for d in days for p in parts)


WEEKDAYS, WEEKEND = range(5), (5, 6)
# (mask, weight): most work weekday day shifts; some only mornings, some weekends, some evenings.
AVAILABILITY: list[tuple[int, float]] = [
    (_mask(WEEKDAYS, (0, 1)), 40),
    (_mask(range(7), (0, 1)), 14),
    (_mask(range(7), (0,)), 10),
    (_mask(WEEKEND, (0, 1, 2)), 10),
    (_mask(WEEKDAYS, (2,)) | _mask(WEEKEND, (0, 1, 2)), 8),
    (_mask(range(7), (0, 1, 2)), 10),
    (_mask(WEEKDAYS, (0, 1, 2)), 8),
]
SETTLEMENTS = [
    (Settlement.DAILY.value, 68),
    (Settlement.WEEKLY.value, 14),
    (Settlement.MONTHLY.value, 10),
    (Settlement.ON_COMPLETION.value, 8),
]
TRAVEL = [(10, 1), (15, 2), (20, 2), (30, 4), (45, 2), (60, 1)]
MODES = [(TravelMode.EBIKE.value, 65), (TravelMode.WALK.value, 15), (TravelMode.CAR.value, 20)]
PIECE_RATES = ["0.35", "0.50", "0.80", "1.20", "2.00", "3.50"]


def draw_pay(rng: random.Random, manufacturing: bool) -> tuple[Decimal, str]:
    """Expected pay: 160–300 元/天, 22–35 元/时, or a piece rate for factory work."""
    r = rng.random()
    if manufacturing and r < 0.18:
        return Decimal(rng.choice(PIECE_RATES)), PayUnit.PIECE.value
    if r < 0.65:
        return Decimal(rng.randrange(160, 301, 10)), PayUnit.DAY.value
    return Decimal(rng.randint(22, 35)), PayUnit.HOUR.value


def draw_languages(rng: random.Random) -> list[str]:
    langs = []
    if rng.random() < 0.97:
        langs.append("普通话")
    if rng.random() < 0.62:
        langs.append("粤语")
    if rng.random() < 0.09:
        langs.append("客家话")
    if rng.random() < 0.03:
        langs.append("潮汕话")
    return langs or ["普通话"]


def draw_travel(rng: random.Random) -> tuple[int, str]:
    mode = weighted(rng, MODES)
    minutes = weighted(rng, TRAVEL)
    if mode == TravelMode.WALK:
        minutes = min(minutes, 30)  # nobody walks an hour to a gig
    return minutes, mode


def draw_waiting_days(rng: random.Random) -> int:
    """How long someone has been looking: mostly weeks, a tail of long waits (tier 2 after 180 days)."""
    r = rng.random()
    if r < 0.62:
        return rng.randint(0, 59)
    if r < 0.88:
        return rng.randint(60, 179)
    if r < 0.97:
        return rng.randint(180, 365)
    return rng.randint(366, 730)


def point_near(rng: random.Random, lat: float, lng: float, sd_m: float = 1800, max_m: float = 6000):
    """A point around a town centre (most within 2 km), kept inside the city bounds."""
    distance = min(abs(rng.gauss(0, sd_m)), max_m) + 150
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlng = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    b = CITY_BOUNDS
    return (
        round(min(max(lat + dlat, b["lat_min"] + 0.001), b["lat_max"] - 0.001), 6),
        round(min(max(lng + dlng, b["lng_min"] + 0.001), b["lng_max"] - 0.001), 6),
    )


def gig_short_name(gig: GigOccupation) -> str:
    """“灯具装配工/灯饰组装” → “灯具装配工”; “车位工/衣车工（缝纫工）” → “车位工”."""
    return gig.name.split("/")[0].split("（")[0]


# --- the catalogue, looked up by keyword --------------------------------------------------------------


@dataclass
class Work:
    gig: GigOccupation
    occupation: Occupation
    weight: float


@dataclass
class CatalogView:
    """What the generators need from the catalogue, resolved once from the live tables."""

    by_town: dict[str, list[Work]]
    juvenile: list[Work]
    certificates: dict[int, list[Certificate]]  # occupation id → certificates usually held
    categories: list[HardshipCategory]

    @classmethod
    def load(cls, town_shorts: Iterable[str], today: dt.date) -> CatalogView:
        gigs = list(GigOccupation.objects.active().select_related("occupation").order_by("sort", "id"))
        if not gigs:
            raise ValidationError("职业目录为空：请先运行 manage.py load_catalog")

        def find(keyword: str) -> GigOccupation | None:
            return next((g for g in gigs if keyword.lower() in g.name.lower()), None)

        def resolve(pairs: Iterable[tuple[str, float]]) -> list[Work]:
            merged: dict[int, Work] = {}
            for keyword, weight in pairs:
                gig = find(keyword)
                if gig is None:
                    continue
                if gig.pk in merged:
                    merged[gig.pk].weight += weight
                else:
                    merged[gig.pk] = Work(gig, gig.occupation, float(weight))
            return list(merged.values())

        by_town = {}
        for short in town_shorts:
            specials = TOWN_WORK.get(short, [])
            # Town specialities weigh three times as much as the work found everywhere.
            by_town[short] = resolve([(k, w * 3) for k, w in specials] + COMMON_WORK)
        juvenile = resolve((k, 1) for k in JUVENILE_WORK)

        certificates: dict[int, list[Certificate]] = {}
        certs = list(Certificate.objects.active().prefetch_related("required_for"))
        for cert in certs:
            if cert.legally_required:
                for occupation in cert.required_for.all():
                    certificates.setdefault(occupation.pk, []).append(cert)
        health = next((c for c in certs if c.kind == CertificateKind.HEALTH), None)
        if health is not None:
            for gig in gigs:
                if gig.category in HEALTH_CARD_CATEGORIES:
                    held = certificates.setdefault(gig.occupation_id, [])
                    if health not in held:
                        held.append(health)
        categories = list(HardshipCategory.objects.current(today))
        return cls(by_town, juvenile, certificates, categories)


def pick_work(rng: random.Random, works: list[Work], k: int) -> list[Work]:
    """k different works, weighted, in a stable order."""
    chosen: list[Work] = []
    pool = list(works)
    for _ in range(min(k, len(pool))):
        work = rng.choices(pool, weights=[w.weight for w in pool], k=1)[0]
        chosen.append(work)
        pool.remove(work)
    return chosen


def is_manufacturing(work: Work) -> bool:
    return work.gig.category == "制造普工"


# --- hardship -------------------------------------------------------------------------------------------

# Demo weights per category code. The 戒毒/刑满释放/精神障碍康复 categories are left out: the demo does not
# need them and they are the most sensitive records the system holds.
HARDSHIP_WEIGHTS = {
    "older_unemployed": 18,
    "disabled": 10,
    "dibao": 8,
    "zero_employment_urban": 5,
    "zero_transfer_rural": 3,
    "landless_farmer": 9,
    "long_unemployed": 14,
    "veteran_unemployed": 3,
    "low_income_family": 12,
    "long_waiting": 12,
}


def hardship_evidence(rng: random.Random, code: str, today: dt.date, town: str) -> str:
    year = today.year - rng.randint(0, 2)
    day = today - dt.timedelta(days=rng.randint(200, 900))
    return {
        "older_unemployed": f"就业失业登记证，{day:%Y-%m-%d}登记失业",
        "disabled": f"残疾人证（{rng.choice('二三四')}级，证号尾号{rng.randint(1000, 9999)}）",
        "dibao": f"低保证 中山{year}低保字第{rng.randint(10000, 99999)}号",
        "zero_employment_urban": f"{town}社区居委会出具的零就业家庭证明（{year}年）",
        "zero_transfer_rural": "原建档立卡贫困家庭证明及村委会零转移就业证明",
        "landless_farmer": f"{town}征地安置证明（{rng.randint(2008, 2020)}年征地）",
        "long_unemployed": f"失业登记日期 {day:%Y-%m-%d}",
        "veteran_unemployed": f"退役证尾号{rng.randint(1000, 9999)}，{day:%Y-%m-%d}登记失业",
        "low_income_family": f"低收入家庭认定通知书（{year}年）",
        "long_waiting": "驿站求职登记记录，登记后超过90天未成交",
    }.get(code, "相关证明材料已查验")


def eligible_categories(
    categories: list[HardshipCategory], sex: str, age: int
) -> list[tuple[HardshipCategory, float]]:
    out = []
    for cat in categories:
        weight: float = HARDSHIP_WEIGHTS.get(cat.code, 0)
        if not weight:
            continue
        if (cat.min_age_female or cat.min_age_male) and not cat.age_rule_applies(sex, age):
            continue
        if cat.code == "veteran_unemployed" and sex != "M":
            weight = 0.2
        out.append((cat, float(weight)))
    return out


# --- employer accounts: a cheap hash for a published password -------------------------------------------


class DemoArgon2Hasher(Argon2PasswordHasher):
    """Argon2 with light parameters, only for demo accounts whose password is published anyway.

    The stock hasher costs ~0.17 s per hash on the 2-core box, which alone would take ~50 s for 300
    employer managers. These hashes use the same algorithm name, so Django's Argon2PasswordHasher verifies
    them and, because the parameters differ, re-hashes with full strength at the first successful login.
    """

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


DEMO_HASHERS = ["lingong.workers.demo.DemoArgon2Hasher"]


# --- workers ----------------------------------------------------------------------------------------------


@dataclass
class Network:
    """Operating stations per town and the staff who act for each, read once."""

    stations: dict[int, list[Station]]  # town id → operating stations
    coordinators: dict[int, list[User]]  # station id → coordinators
    town_admins: dict[int, list[User]]  # town id → town admins

    @classmethod
    def load(cls) -> Network:
        stations: dict[int, list[Station]] = {}
        for s in Station.objects.filter(status=StationStatus.OPERATING).order_by("id"):
            stations.setdefault(s.town_id, []).append(s)
        coordinators: dict[int, list[User]] = {}
        town_admins: dict[int, list[User]] = {}
        # One User object per person, so their memberships are read once and cached on it.
        users: dict[int, User] = {}
        memberships = Membership.objects.filter(
            active=True, role__in=[Role.COORDINATOR, Role.TOWN_ADMIN], user__is_active=True
        ).order_by("id")
        for m in memberships.select_related("user"):
            user = users.setdefault(m.user_id, m.user)
            if m.role == Role.COORDINATOR and m.station_id:
                coordinators.setdefault(m.station_id, []).append(user)
            elif m.town_id:
                town_admins.setdefault(m.town_id, []).append(user)
        return cls(stations, coordinators, town_admins)


@dataclass
class PeopleStats:
    workers: int = 0
    by_town: Counter = field(default_factory=Counter)
    by_via: Counter = field(default_factory=Counter)
    tiers: Counter = field(default_factory=Counter)
    hardship: Counter = field(default_factory=Counter)
    certificates: int = 0
    expired_certificates: int = 0
    juveniles: int = 0
    aged_60_plus: int = 0
    withdrew_matching: int = 0
    blocked: int = 0
    employers: int = 0
    employer_status: Counter = field(default_factory=Counter)
    employer_kind: Counter = field(default_factory=Counter)
    uscc_failed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in self.__dict__.items()}


class _Unique:
    """Unique values drawn at random, avoiding what the database already holds.

    `make(attempt)` builds a candidate; it may vary its pattern after a few collisions (names).
    """

    def __init__(self, taken: Iterable[str | None]):
        self.taken: set[str | None] = set(taken)

    def draw(self, make: Callable[[int], str]) -> str:
        attempt = 0
        while True:
            value = make(attempt)
            if value not in self.taken:
                self.taken.add(value)
                return value
            attempt += 1


def _seed_worker(
    rng: random.Random,
    n: int,
    *,
    admin: User,
    town: Town,
    network: Network,
    catalog: CatalogView,
    phones: _Unique,
    ids: set[str],
    today: dt.date,
    stats: PeopleStats,
) -> Worker:
    short = town.short
    age = draw_age(rng)
    sex = "M" if rng.random() < 0.52 else "F"
    name = draw_name(rng, sex)
    birth = birth_for_age(rng, age, today)
    # The 17th digit gives the sex (odd = male), so the sequence number carries the parity.
    seq = 2 * n + (1 if sex == "M" else 0)
    id_number = make_id("442000", birth, seq)
    while id_number in ids:
        seq += 2
        id_number = make_id("442000", birth, seq)
    ids.add(id_number)
    phone = phones.draw(lambda _: f"139{rng.randrange(10**8):08d}")

    stations = network.stations.get(town.pk, [])
    station = rng.choice(stations) if stations else None
    coordinators = network.coordinators.get(station.pk, []) if station else []
    r = rng.random()
    actor: User | None = None
    if station is not None and coordinators and r < 0.65:
        via, actor = RegisteredVia.ASSISTED.value, rng.choice(coordinators)
    elif station is not None and not coordinators and r < 0.15:
        # No coordinator at this station yet: the city office registers walk-ins on its behalf.
        via, actor = RegisteredVia.ASSISTED.value, admin
    elif station is not None and Facility.KIOSK in station.facilities and r < 0.45:
        via = RegisteredVia.KIOSK.value
    else:
        via = RegisteredVia.SELF.value
    community = rng.choice(COMMUNITIES.get(short) or [f"{short}社区"])
    worker = register_worker(
        actor=actor,
        via=via,
        phone=phone,
        real_name=name,
        id_number=id_number,
        consents=ALL_CONSENTS,
        station=station,
        home_town=town,
        home_community=community,
        today=today,
    )
    # Whoever registered fills in the profile: the coordinator at the desk, or the worker on the phone.
    editor = actor or worker.user

    juvenile = age < 18
    works = catalog.juvenile if juvenile else catalog.by_town.get(short, [])
    chosen = pick_work(rng, works, weighted(rng, [(1, 45), (2, 40), (3, 15)]))
    manufacturing = any(is_manufacturing(w) for w in chosen)
    lat, lng = point_near(rng, town.lat, town.lng)
    minutes, mode = draw_travel(rng)
    pay, unit = draw_pay(rng, manufacturing)
    levels = [ExperienceLevel.NEW, ExperienceLevel.SOME, ExperienceLevel.SKILLED, ExperienceLevel.MASTER]
    level_weights: list[float] = [6, 3, 1, 0] if age < 25 else [2, 4, 4, 1.5]
    items = [(w.occupation, rng.choices(levels, weights=level_weights, k=1)[0].value) for w in chosen]
    intro = ""
    if chosen and rng.random() < 0.45:
        years = rng.randint(1, max(1, min(20, age - 17)))
        intro = f"做过{years}年{gig_short_name(chosen[0].gig)}，{rng.choice(INTRO_EXTRAS)}"
    update_profile(
        worker,
        actor=editor,
        data={
            "home_lat": lat,
            "home_lng": lng,
            "travel_minutes": minutes,
            "travel_mode": mode,
            "availability": weighted(rng, AVAILABILITY),
            "expected_pay": pay,
            "expected_pay_unit": unit,
            "settlement_pref": weighted(rng, SETTLEMENTS),
            "languages": draw_languages(rng),
            "intro": intro,
        },
    )
    if items:
        set_occupations(worker, actor=editor, items=items)

    held: list[tuple[Certificate, str, dt.date | None]] = []
    for cert in dict.fromkeys(c for w in chosen for c in catalog.certificates.get(w.occupation.pk, [])):
        if juvenile or rng.random() > 0.8:
            continue  # some list the work without holding the card (and cannot be sent to those gigs)
        years = cert.validity_years or 3
        if rng.random() < 0.12:  # lapsed: the matching must notice
            expires = today - dt.timedelta(days=rng.randint(5, 400))
        else:
            expires = today + dt.timedelta(days=rng.randint(20, 365 * years))
        issued = years_before(expires, years)
        held.append((cert, f"{cert.code.split('-')[0]}{issued:%Y}{rng.randrange(10**6):06d}", expires))
        stats.certificates += 1
        stats.expired_certificates += expires < today
    if held:
        set_certificates(worker, actor=editor, items=held)

    if rng.random() < 0.08:
        days = sorted({today + dt.timedelta(days=rng.randint(3, 40)) for _ in range(rng.randint(1, 3))})
        set_blocked_dates(worker, actor=worker.user, dates=days, today=today)
        stats.blocked += 1

    # Demo only: register_worker starts the search on the registration day and no service moves that date
    # (people do not backdate their own search). A spread of waiting times is what makes the long-wait
    # and older-worker tiers appear, so the date is set directly and the tier recomputed by the service.
    waiting = draw_waiting_days(rng)
    hardship_cats: list[HardshipCategory] = []
    if not juvenile and rng.random() < 0.12:  # the categories describe adults' situations
        options = eligible_categories(catalog.categories, sex, age)
        if options:
            hardship_cats.append(weighted(rng, options))
            if rng.random() < 0.15:
                rest = [(c, w) for c, w in options if c not in hardship_cats]
                if rest:
                    hardship_cats.append(weighted(rng, rest))
    if any(c.code == "long_waiting" for c in hardship_cats):
        waiting = max(waiting, rng.randint(120, 300))
    worker.looking_since = today - dt.timedelta(days=waiting)
    Worker.objects.filter(pk=worker.pk).update(looking_since=worker.looking_since)
    recompute_tier(worker, actor=None, today=today)

    # Town admins see the workers of their town's stations; a worker without a station is the city's.
    town_admins = network.town_admins.get(town.pk, []) if station is not None else []
    for cat in hardship_cats:
        recorder = rng.choice(coordinators) if coordinators else admin
        record = record_hardship(
            worker,
            actor=recorder,
            category=cat,
            evidence=hardship_evidence(rng, cat.code, today, short),
            valid_until=today + dt.timedelta(days=rng.randint(90, 365))
            if cat.code in ("dibao", "low_income_family")
            else None,
        )
        r = rng.random()
        # A second person checks the evidence: the town admin where there is one, else the city office.
        verifier = rng.choice(town_admins or [admin])
        if r < 0.75:
            verify_hardship(record, actor=verifier, approve=True, note="已核验原件")
            stats.hardship[HardshipStatus.VERIFIED.value] += 1
        elif r < 0.92:
            stats.hardship[HardshipStatus.PENDING.value] += 1
        else:
            verify_hardship(record, actor=verifier, approve=False, note="证明材料已过期，请补交最新证明")
            stats.hardship[HardshipStatus.REJECTED.value] += 1

    if rng.random() < 0.03:
        withdraw_consent(worker, actor=worker.user, purpose="matching")
        stats.withdrew_matching += 1

    stats.workers += 1
    stats.by_town[short] += 1
    stats.by_via[via] += 1
    stats.juveniles += juvenile
    stats.aged_60_plus += age >= 60
    return worker


# --- employers --------------------------------------------------------------------------------------------


def _employer_kind(rng: random.Random, short: str, index: int) -> str:
    r = rng.random()
    household = 0.22 if short in CENTRAL or short == "三乡" else 0.04
    if index % 60 == 11:
        return EmployerKind.HR_AGENCY.value  # a few per 300
    if r < household:
        return EmployerKind.HOUSEHOLD.value
    if r < household + 0.16:
        return EmployerKind.INDIVIDUAL_BUSINESS.value
    return EmployerKind.ENTERPRISE.value


def _employer_data(
    rng: random.Random,
    *,
    kind: str,
    town: Town,
    manager: str,
    phone: str,
    codes: _Unique,
    names: _Unique,
    roads: list[str],
) -> dict[str, Any]:
    short = town.short
    lat, lng = point_near(rng, town.lat, town.lng, sd_m=1500, max_m=5000)
    address = f"中山市{town.name}{rng.choice(roads)}{rng.randint(1, 299)}号"
    uscc: str | None = None
    if kind == EmployerKind.HOUSEHOLD:
        title = "女士" if rng.random() < 0.6 else "先生"
        family = manager[:2] if manager[:2] in {"欧阳", "司徒"} else manager[0]
        community = rng.choice(COMMUNITIES.get(short) or [short])
        door = f"{rng.choice(roads)}{rng.randint(1, 99)}号"
        industry, description = rng.choice(HOUSEHOLD_NEEDS)

        def household(attempt: int) -> str:
            # Told apart by their street address once a family name repeats in a community.
            nonlocal door
            if attempt == 0:
                return f"{family}{title}家庭（{community}）"
            door = f"{rng.choice(roads)}{rng.randint(1, 199)}号"
            return f"{family}{title}家庭（{community}{door}）"

        name = names.draw(household)
        address = f"中山市{town.name}{community}{door}"
    elif kind == EmployerKind.INDIVIDUAL_BUSINESS:
        industry, shop, description = rng.choice(SHOPS)
        name = names.draw(lambda a: f"中山市{short}{_trade(rng, a)}{shop}")
        if rng.random() < 0.6:  # 个体工商户 codes start with 92
            uscc = codes.draw(lambda _: make_uscc("92442000" + _uscc_body(rng)))
    elif kind == EmployerKind.HR_AGENCY:
        industry, description = "人力资源服务", "持人力资源服务许可证，为周边工厂招聘普工、派遣临时工"
        name = names.draw(lambda a: f"中山市{_trade(rng, a)}人力资源服务有限公司")
        uscc = codes.draw(lambda _: make_uscc("91442000" + _uscc_body(rng)))
    else:
        trades = TOWN_TRADES.get(short) or [("综合", "实业有限公司")]
        industry, suffix = rng.choice(trades)
        name = names.draw(lambda a: f"中山市{short}{_trade(rng, a)}{suffix}")
        description = f"{industry}企业，旺季常招临时工、日结工"
        uscc = codes.draw(lambda _: make_uscc("91442000" + _uscc_body(rng)))
    return {
        "kind": kind,
        "name": name,
        "uscc": uscc or "",
        "contact_name": manager,
        "contact_phone": phone,
        "town": town,
        "address": address,
        "lat": lat,
        "lng": lng,
        "industry": industry,
        "description": "演示数据：" + description,
    }


def _trade(rng: random.Random, attempt: int) -> str:
    """A trade name (字号); two words once one-word names keep colliding (many employers in a town)."""
    word = rng.choice(TRADE_NAMES)
    return word if attempt < 10 else word + rng.choice(TRADE_NAMES)


def _uscc_body(rng: random.Random) -> str:
    """The 9-character organisation part; real ones issued since 2015 mostly start with MA."""
    return "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7))


def _break_check_character(code: str) -> str:
    """The same code with a wrong last character: saved as “failed” and sent to a reviewer."""
    last = code[-1]
    return code[:-1] + next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != last)


def _seed_employers(
    rng: random.Random,
    count: int,
    *,
    admin: User,
    towns: list[Town],
    network: Network,
    phones: _Unique,
    stats: PeopleStats,
) -> None:
    from lingong.places.management.commands.seed_demo import DEMO_PASSWORD, TOWN_PROFILES

    by_short = {t.short: t for t in towns}
    weights = {s: p * EMPLOYER_DENSITY.get(s, 1.0) for s, p in town_populations(towns).items()}
    plan = [s for s, n in allocate(count, weights).items() for _ in range(n)]
    rng.shuffle(plan)  # interleave towns so failures, agencies and statuses spread over the city
    codes = _Unique(Employer.objects.exclude(uscc=None).values_list("uscc", flat=True))
    names = _Unique(Employer.objects.values_list("name", flat=True))
    for index, short in enumerate(plan):
        town = by_short[short]
        sex = "F" if rng.random() < 0.45 else "M"
        manager_name = draw_name(rng, sex)
        phone = phones.draw(lambda _: f"136{rng.randrange(10**8):08d}")
        manager = create_user(
            actor=None, username=f"u{phone}", password=DEMO_PASSWORD, phone=phone, display_name=manager_name
        )
        # Two in every 300 have a credit code whose check character is wrong: the review queue's case.
        failed = index % 150 == 7
        kind = EmployerKind.ENTERPRISE.value if failed else _employer_kind(rng, short, index)
        roads = TOWN_PROFILES.get(short, {}).get("roads") or ["人民路"]
        data = _employer_data(
            rng,
            kind=kind,
            town=town,
            manager=manager_name,
            phone=phone,
            codes=codes,
            names=names,
            roads=roads,
        )
        if failed:
            data["uscc"] = _break_check_character(data["uscc"])
        employer = register_employer(actor=manager, data=data)
        stats.uscc_failed += employer.uscc_check == UsccCheck.FAILED
        reviewer = rng.choice(network.town_admins.get(town.pk, []) or [admin])
        r = rng.random()
        if failed or r < 0.12:
            pass  # waiting in the review queue
        elif r < 0.19:
            employer = review_employer(
                employer,
                actor=reviewer,
                decision="more_info",
                reason=rng.choice(
                    ["请上传营业执照副本照片", "联系人手机无法接通，请更新联系方式", "请补充用工地址的门牌号"]
                ),
            )
        elif r < 0.21:
            employer = review_employer(
                employer, actor=reviewer, decision="reject", reason="营业执照已注销，无法认证"
            )
        else:
            employer = review_employer(
                employer, actor=reviewer, decision="approve", reason="演示数据：资料齐全"
            )
        stats.employers += 1
        stats.employer_status[employer.status] += 1
        stats.employer_kind[employer.kind] += 1


# --- entry point ------------------------------------------------------------------------------------------


@transaction.atomic
def seed_people(
    *,
    admin: User,
    workers: int = 2000,
    employers: int = 300,
    seed: int = SEED,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Create `workers` workers and `employers` employers through the services; all or nothing.

    `admin` is the city admin: it registers walk-ins at stations without a coordinator, records and
    verifies hardship where no coordinator or town admin is at hand, and reviews employers.
    `today` moves every date the seeding sets (ages, waiting times, expiry, blocked dates); services that
    take no date (verify_hardship re-tiers with the real date) still use the calendar. Returns counts
    (see PeopleStats) for the summary.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    stats = PeopleStats()
    towns = list(Town.objects.order_by("plan_seq"))
    if not towns:
        raise ValidationError("镇街参考数据为空：请先运行 manage.py load_reference")
    network = Network.load()
    phones = _Unique(User.objects.exclude(phone=None).values_list("phone", flat=True))

    if workers > 0:
        catalog = CatalogView.load([t.short for t in towns], today)
        ids: set[str] = set()
        by_short = {t.short: t for t in towns}
        plan = [s for s, n in allocate(workers, town_populations(towns)).items() for _ in range(n)]
        rng.shuffle(plan)
        created: list[int] = []
        for n, short in enumerate(plan):
            for attempt in range(5):
                try:
                    worker = _seed_worker(
                        rng,
                        n + attempt * workers,
                        admin=admin,
                        town=by_short[short],
                        network=network,
                        catalog=catalog,
                        phones=phones,
                        ids=ids,
                        today=today,
                        stats=stats,
                    )
                    created.append(worker.pk)
                    break
                except ValidationError as exc:
                    # An ID number already registered outside this run: draw another person.
                    if "id_number" not in getattr(exc, "error_dict", {}) or attempt == 4:
                        raise
        for start in range(0, len(created), 500):
            chunk = created[start : start + 500]
            stats.tiers.update(Worker.objects.filter(pk__in=chunk).values_list("tier", flat=True))

    if employers > 0:
        with override_settings(PASSWORD_HASHERS=[*DEMO_HASHERS, *settings.PASSWORD_HASHERS]):
            _seed_employers(
                rng, employers, admin=admin, towns=towns, network=network, phones=phones, stats=stats
            )
    stats.seconds = round(time.perf_counter() - started, 1)
    return stats.as_dict()
