"""Finding open gigs: the GigTerm index and the public search.

The index. Every open gig has GigTerm rows, one per distinct key:
- the words of its title and occupation name, cut by jieba in search mode (so 写字楼保洁 also yields
  写字楼 and 保洁), and of its description in precise mode, without stop words, punctuation, numbers and
  single characters that mean nothing alone; title words always fit, description words fill the rest of
  the budget (MAX_TERMS);
- the occupation's everyday names and synonyms from the catalogue (保姆, 钟点工 … for 家政服务员), and the
  occupation code as `oc:<code>`;
- pinyin initials (and full pinyin for the occupation's names) as `py:bj`, `py:baojie`, so a phone user
  can type bj for 保洁 without the key clashing with a Latin word such as cnc;
- the town's names, so 小榄 保洁 works as a keyword query;
- its map cells at three sizes (`g0:…`, `g1:…`, `g5:…`), so a search near a point starts from the
  cells around it instead of reading every gig.

The query. Each query word (cut in precise mode) must match one of its alternatives: the word itself,
its pinyin key when it is Latin letters, and the `oc:` codes of the occupations it names as a name, gig
name or synonym (保姆 → 家政服务员; bj → 保洁员 …), read from the catalogue's in-process index in
lingong/catalog/autocode.py, so a synonym an admin adds works at once, without re-indexing. Each word is
one `id IN (SELECT gig_id … WHERE term IN …)` over the (term, gig) unique index. Other filters are
columns of the gig (town, settlement, pay, kind, booking mode, a lat/lng bounding box) and one subquery
over Shift: "has an open shift with places left" (in the chosen date range, if any). Distance is an
equirectangular expression in SQL (exact enough across a city), so filtering, sorting and counting all
happen in the database.

Speed at 100,000 open gigs (bench/bench_gig_search.py): counts stop at COUNT_LIMIT; a page is found by
taking the best few dozen by the sort key alone and running the shift subquery on those only (_top_ids),
nearest first within growing circles; the page's rows are loaded by id afterwards. Where a comment
mentions SQLite's planner, the form of the query was chosen after reading its query plans.

Words such as 日结 or 抢单 in the keyword box act as the matching filter instead of as words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Exists, F, FloatField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Lower
from django.utils import timezone

from lingong.catalog import autocode
from lingong.catalog.classifier import OccupationIndex, normalize, pinyin_keys
from lingong.catalog.models import Occupation
from lingong.employers.models import Employer, EmployerStatus
from lingong.lib.geo import TravelMode, haversine_m, in_city, parse_point, travel_mode
from lingong.places.models import Station, Town
from lingong.places.queries import FilterError
from lingong.places.towns import resolve_town

from .models import (
    HOLDS_PLACE,
    Application,
    BookingMode,
    Gig,
    GigKind,
    GigStatus,
    GigTerm,
    PayUnit,
    Settlement,
    Shift,
    ShiftStatus,
)

PAGE_SIZE = 20
COUNT_LIMIT = 1000  # totals are exact up to here; beyond, "more than 1000" (and no pages past it)
MAX_PAGE = COUNT_LIMIT // PAGE_SIZE
TERM_MAX_CHARS = GigTerm._meta.get_field("term").max_length or 24
MAX_TERMS = 80  # per gig: a long description must not bloat the index
# Catalogue names per occupation written into a gig's terms, and how many of them get pinyin keys. The
# query resolves synonyms through `oc:` codes anyway; the stored names keep the index meaningful on its
# own (SQL, exports), and the cap keeps it small.
MAX_ALIASES = 8
MAX_PINYIN_NAMES = 4
MAX_QUERY_WORDS = 6
MAX_EXPANSION = 24  # alternatives a single query word may expand to
MAX_QUERY_CHARS = 60
PINYIN_PREFIX = "py:"
OCCUPATION_PREFIX = "oc:"

# Words that say nothing about the work. Recruitment filler such as 夜班, 包吃住 or 兼职 stays: people
# search for those.
_STOP_TEXT = """的 了 和 与 及 或 等 在 由 对 为 是 有 无 可 能 会 要 把 被 让 给 从 到 向
    并 且 也 都 就 还 又 很
    负责 提供 进行 以及 相关 我们 我方 你们 本人 需要 要求 可以 能够 或者 以上 以下 左右 每天 每日 一名
    若干 人员 工作 主要 一般 一些 其他 其它 按照 根据 如果 如有 能力 具有 具备 优先 联系 电话 咨询 欢迎
    内容 地点 时间 报名 招聘 急招 急聘 诚聘 直招 中山 中山市"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Single characters that name a thing people look for; every other single character is dropped.
MEANINGFUL_CHARS = frozenset("厨车焊漆搬洗扫鞋灯布茶鱼菜花树猫狗")

# Keyword-box words that mean a filter, not a word of the posting: (GigSearch field, value).
FILTER_WORDS: dict[str, tuple[str, Any]] = {
    "日结": ("settlement", Settlement.DAILY.value),
    "当天结": ("settlement", Settlement.DAILY.value),
    "周结": ("settlement", Settlement.WEEKLY.value),
    "月结": ("settlement", Settlement.MONTHLY.value),
    "完工结": ("settlement", Settlement.ON_COMPLETION.value),
    "抢单": ("instant", True),
    "公益性岗位": ("public_welfare", True),
    "公益岗位": ("public_welfare", True),
    "公益岗": ("public_welfare", True),
}
_FILTER_WORDS_RE = re.compile("|".join(sorted(FILTER_WORDS, key=len, reverse=True)))
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RE = re.compile(r"[a-z]{2,24}")
_CATEGORY_RE = re.compile(r"^\d(-\d{2})?$")

DATE_CHOICES = {"today": "今天", "tomorrow": "明天", "week": "本周"}
SORT_CHOICES = {"distance": "离我最近", "start": "最早开工", "pay": "报酬最高", "newest": "最新发布"}

# Metres per degree, for the equirectangular distance used in SQL (error well under 1 % across a city).
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LNG_AT_EQUATOR = 111_320.0
# Map cells as terms (g1:2267:11324): a search within a radius starts from the cells around the point,
# through the (term, gig) index, instead of reading every gig. 0.0025° is about 280 m, 0.01° about 1 km,
# 0.05° about 5 km; the smallest size that covers the radius in at most MAX_CELLS cells is used.
CELL_SIZES = {"g0": 0.0025, "g1": 0.01, "g5": 0.05}
MAX_CELLS = 100
# A page: the best TOP_K_MIN + 2 × the page's end by the sort key alone, then the open-shift test on
# those only (most gigs pass it), instead of on every candidate.
TOP_K_MIN = 40
EXPAND_RADII_M = (800, 2_500, 8_000)


# --- words ------------------------------------------------------------------------------------------------


def _catalog() -> OccupationIndex:
    """The catalogue index (cached per process). Building it also teaches jieba the catalogue's terms, so
    the index and the query cut words the same way; when it changes, cached cuts are dropped."""
    global _segmented_with
    index = autocode.current_index()
    if index is not _segmented_with:
        _words.cache_clear()
        _segmented_with = index
    return index


_segmented_with: OccupationIndex | None = None


def _jieba():
    # The catalogue's loader: one lazy, locked, quiet initialisation per process, shared with autocoding.
    from lingong.catalog.classifier import _jieba as load

    return load()


def _keep(word: str) -> bool:
    if word in STOP_WORDS or word.isdigit():
        return False
    if len(word) == 1:
        return word in MEANINGFUL_CHARS
    return len(word) <= TERM_MAX_CHARS and not re.fullmatch(r"[\d.]+[a-z]?", word)


@lru_cache(maxsize=65536)
def _words(text: str, search_mode: bool = True) -> tuple[str, ...]:
    """The kept words of a text in first-seen order. Search mode adds the shorter words inside long ones
    (写字楼保洁 → 写字楼, 保洁), for titles; descriptions use precise mode, which keeps the index small.
    Cached: generated and repeated postings share texts, and a gig is indexed again when re-published."""
    jieba = _jieba()
    cut = jieba.cut_for_search if search_mode else jieba.cut
    seen: dict[str, None] = {}
    for part in normalize(text).split():
        for word in cut(part, HMM=False):
            word = word.strip()
            if word and _keep(word):
                seen.setdefault(word, None)
    return tuple(seen)


def query_words(text: str) -> list[str]:
    """The words of a keyword query, precise mode, in order, without stop words (at most six)."""
    _catalog()
    jieba = _jieba()
    out: list[str] = []
    for part in normalize(text[: MAX_QUERY_CHARS * 2]).split():
        for word in jieba.cut(part, HMM=False):
            word = word.strip()
            if not word or word.isdigit() or word in STOP_WORDS or word in out:
                continue
            if len(word) > TERM_MAX_CHARS:
                word = word[:TERM_MAX_CHARS]
            out.append(word)
    return out[:MAX_QUERY_WORDS]


def _initials(word: str) -> str:
    return pinyin_keys(word)[1] if _HAN_RE.search(word) else ""


@dataclass
class _Aliases:
    index: OccupationIndex
    by_code: dict[str, list[str]]


_aliases: _Aliases | None = None


def aliases_by_code() -> dict[str, list[str]]:
    """Occupation code → its names, everyday gig names and synonyms, strongest first (agent nouns such as
    保姆 before task words, generic words such as 阿姨 last). Rebuilt when the catalogue index is."""
    global _aliases
    index = _catalog()
    cached = _aliases
    if cached is not None and cached.index is index:
        return cached.by_code
    weighted: dict[str, list[tuple[float, str]]] = {}
    for term, docs in index.terms.items():
        for doc, weight in docs:
            weighted.setdefault(index.docs[doc].code, []).append((weight, term))
    by_code = {
        code: [t for _, t in sorted(items, key=lambda wt: (-wt[0], len(wt[1]), wt[1]))]
        for code, items in weighted.items()
    }
    _aliases = _Aliases(index, by_code)
    return by_code


# --- the index --------------------------------------------------------------------------------------------


def cell_terms(lat: float, lng: float) -> list[str]:
    return [
        f"{prefix}:{math.floor(lat / size)}:{math.floor(lng / size)}" for prefix, size in CELL_SIZES.items()
    ]


def cells_around(lat: float, lng: float, radius_m: float) -> list[str] | None:
    """The cells of one size that cover the circle's bounding box; None when even the largest needs more
    than MAX_CELLS (then the bounding box alone filters)."""
    dlat, dlng = _degrees(lat, radius_m)
    for prefix, size in CELL_SIZES.items():
        rows = range(math.floor((lat - dlat) / size), math.floor((lat + dlat) / size) + 1)
        cols = range(math.floor((lng - dlng) / size), math.floor((lng + dlng) / size) + 1)
        if len(rows) * len(cols) <= MAX_CELLS:
            return [f"{prefix}:{i}:{j}" for i in rows for j in cols]
    return None


def _degrees(lat: float, metres: float) -> tuple[float, float]:
    return metres / M_PER_DEG_LAT, metres / (M_PER_DEG_LNG_AT_EQUATOR * math.cos(math.radians(lat)))


def gig_terms(
    *,
    title: str,
    description: str,
    occupation_code: str,
    occupation_name: str,
    town: Town | None,
    lat: float | None = None,
    lng: float | None = None,
) -> list[str]:
    """Every key a gig is found by, most important first, capped at MAX_TERMS."""
    terms: dict[str, None] = {}

    def add(term: str) -> None:
        if term and len(term) <= TERM_MAX_CHARS and len(terms) < MAX_TERMS:
            terms.setdefault(term, None)

    title_words = _words(title)
    for word in title_words:
        add(word)
    if occupation_code:
        add(OCCUPATION_PREFIX + occupation_code)
    if lat is not None and lng is not None:
        for cell in cell_terms(lat, lng):
            add(cell)
    names = [normalize(occupation_name).replace(" ", "")] if occupation_name else []
    names += aliases_by_code().get(occupation_code, [])[:MAX_ALIASES]
    for name in names:
        add(name)
    for word in title_words:
        if len(word) >= 2 and len(initials := _initials(word)) >= 2:
            add(PINYIN_PREFIX + initials)
    for name in names[:MAX_PINYIN_NAMES]:
        if _HAN_RE.search(name):
            full, initials = pinyin_keys(name)
            add(PINYIN_PREFIX + initials)
            add(PINYIN_PREFIX + full)
    if town is not None:
        for name in (town.short, town.name, *(town.aliases or [])):
            add(normalize(name))
    for word in _words(occupation_name):
        add(word)
    for word in _words(description, search_mode=False):
        add(word)
    return list(terms)


def _term_rows(gigs: Iterable[Gig]) -> list[tuple[int, str]]:
    """(gig id, term) for every gig: one query for their occupations and one for the towns in all."""
    gigs = list(gigs)
    if not gigs:
        return []
    _catalog()
    occupation_ids = {g.occupation_id for g in gigs}
    occupations = {
        pk: (code, name)
        for pk, code, name in Occupation.objects.filter(pk__in=occupation_ids).values_list(
            "pk", "code", "name"
        )
    }
    towns = {t.pk: t for t in Town.objects.all()}
    rows: list[tuple[int, str]] = []
    for gig in gigs:
        code, name = occupations.get(gig.occupation_id, ("", ""))
        terms = gig_terms(
            title=gig.title,
            description=gig.description,
            occupation_code=code,
            occupation_name=name,
            town=towns.get(gig.town_id),
            lat=gig.lat,
            lng=gig.lng,
        )
        rows.extend((gig.pk, term) for term in terms)
    return rows


def _insert(rows: list[tuple[int, str]]) -> int:
    """A plain executemany: building a GigTerm instance per row costs more than inserting it (about 30
    rows per gig). Sorted by term, the (term, gig) index takes the rows in order: far fewer page splits
    and cache misses when indexing thousands of gigs at once."""
    if not rows:
        return 0
    rows.sort(key=lambda row: (row[1], row[0]))
    qn = connection.ops.quote_name
    table = qn(GigTerm._meta.db_table)
    gig, term = qn(GigTerm._meta.get_field("gig").column), qn("term")
    with connection.cursor() as cursor:
        # Only the model's own table and column names, quoted by the backend, go into the SQL.
        cursor.executemany(f"INSERT INTO {table} ({gig}, {term}) VALUES (%s, %s)", rows)  # noqa: S608
    return len(rows)


def index_gig(gig: Gig) -> None:
    """(Re)write the terms of one gig; a gig that is not open has none. Called inside the services'
    transaction, so the index never disagrees with the gig's status."""
    GigTerm.objects.filter(gig=gig).delete()
    if gig.status == GigStatus.OPEN:
        _insert(_term_rows([gig]))


def unindex_gig(gig: Gig) -> None:
    GigTerm.objects.filter(gig=gig).delete()


def index_gigs(gigs: Iterable[Gig], *, batch_size: int = 5000, replace: bool = True) -> int:
    """Index many gigs at once (imports, the generator, reindex_gigs), batch_size gigs per insert. Gigs
    that are not open are only removed. Returns the rows written. Call it inside a transaction.

    replace=False skips deleting old rows, for gigs known to have none (freshly bulk-created)."""
    total = 0
    chunk: list[Gig] = []

    def flush() -> int:
        if replace:
            GigTerm.objects.filter(gig_id__in=[g.pk for g in chunk]).delete()
        written = _insert(_term_rows(g for g in chunk if g.status == GigStatus.OPEN))
        chunk.clear()
        return written

    for gig in gigs:
        chunk.append(gig)
        if len(chunk) >= batch_size:
            total += flush()
    if chunk:
        total += flush()
    return total


# --- the query --------------------------------------------------------------------------------------------


@dataclass
class GigSearch:
    """What people can ask for. Text fields hold what they typed; search_gigs checks them."""

    q: str = ""
    town: str = ""  # code, name, short name or alias
    near: tuple[float, float] | None = None
    station: str = ""  # a station code: measure from the station instead of from the person
    within_minutes: float | None = None
    within_km: float | None = None
    mode: str = "walk"
    date: str = ""  # today | tomorrow | week
    pay_min: Decimal | None = None
    pay_unit: str = ""  # with pay_min; "" or hour compares the hourly figure across units
    settlement: str = ""
    category: str = ""  # 大类 "4" or 中类 "4-10": a prefix of the occupation code
    instant: bool = False
    public_welfare: bool = False
    sort: str = ""  # distance | start | pay | newest; default: distance with a point, else newest
    page: int = 1


def _text(data: Mapping[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


def _flag(data: Mapping[str, Any], key: str) -> bool:
    return _text(data, key).lower() in {"1", "true", "on", "yes"}


def _number(data: Mapping[str, Any], key: str, message: str) -> float | None:
    raw = _text(data, key)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise FilterError(message) from None
    if not math.isfinite(value):
        raise FilterError(message)
    return value


MINUTES_MSG = "分钟数必须是数字"


def parse_search(data: Mapping[str, Any]) -> GigSearch:
    """A GigSearch from form or query-string values (strings); FilterError with a Chinese message."""
    near = parse_point(_text(data, "near")) if _text(data, "near") else None
    pay_raw = _text(data, "pay_min")
    try:
        pay_min = Decimal(pay_raw) if pay_raw else None
    except InvalidOperation:
        raise FilterError("最低报酬必须是数字，如 150") from None
    page_raw = _text(data, "page") or "1"
    if not page_raw.isdigit():
        raise FilterError("页码必须是正整数")
    return GigSearch(
        q=_text(data, "q"),
        town=_text(data, "town"),
        near=near,
        station=_text(data, "station"),
        # "within" is the page's short name (as on the station finder), within_minutes the API's.
        within_minutes=_number(data, "within" if _text(data, "within") else "within_minutes", MINUTES_MSG),
        within_km=_number(data, "within_km", "公里数必须是数字"),
        mode=_text(data, "mode") or "walk",
        date=_text(data, "date"),
        pay_min=pay_min,
        pay_unit=_text(data, "pay_unit"),
        settlement=_text(data, "settlement"),
        category=_text(data, "category"),
        instant=_flag(data, "instant"),
        public_welfare=_flag(data, "public_welfare"),
        sort=_text(data, "sort"),
        page=int(page_raw),
    )


@dataclass
class _Plan:
    """A checked GigSearch: resolved objects and the filters still to apply."""

    params: GigSearch
    words: list[str]
    town: Town | None
    point: tuple[float, float] | None
    mode: TravelMode
    radius_m: float | None
    cells: list[str] | None
    range_start: dt.datetime
    range_end: dt.datetime | None
    sort: str


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def date_range(date: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """[start, end) of the shifts a date filter asks for; never earlier than now."""
    today = timezone.localtime(now).date()
    if date == "today":
        return now, _day_start(today + dt.timedelta(days=1))
    if date == "tomorrow":
        return _day_start(today + dt.timedelta(days=1)), _day_start(today + dt.timedelta(days=2))
    if date == "week":  # to the end of Sunday
        return now, _day_start(today + dt.timedelta(days=7 - today.weekday()))
    return now, None


def _apply_filter_words(p: GigSearch) -> str:
    """Take 日结, 抢单 … out of the keyword and set the filter they stand for (unless already set)."""
    text = normalize(p.q)
    for word in _FILTER_WORDS_RE.findall(text):
        field, value = FILTER_WORDS[word]
        if not getattr(p, field):
            setattr(p, field, value)
    return _FILTER_WORDS_RE.sub(" ", text)


def resolve_point(p: GigSearch, user=None) -> tuple[float, float] | None:
    """The point distances are measured from: the station's when one is chosen, else the person's."""
    if not p.station:
        return p.near
    station = Station.objects.visible_to(user).filter(code=p.station).only("lat", "lng").first()
    if station is None:
        raise FilterError(f"找不到站点“{p.station}”")
    return (station.lat, station.lng)


def _plan(p: GigSearch, user, now: dt.datetime) -> _Plan:
    p = replace(p)  # filter words in the keyword set fields: on a copy, not on the caller's params
    if len(p.q) > MAX_QUERY_CHARS:
        raise FilterError(f"关键词不能超过 {MAX_QUERY_CHARS} 个字")
    words = query_words(_apply_filter_words(p))
    town = None
    if p.town:
        town = resolve_town(p.town)
        if town is None:
            raise FilterError(f"找不到镇街“{p.town}”，请填写镇街名称、简称或区划代码")
    point = resolve_point(p, user)
    if point is not None and not in_city(*point):
        raise FilterError("位置不在中山市范围内，请重新定位或选择站点")
    try:
        mode = travel_mode(p.mode or "walk")
    except ValueError as exc:
        raise FilterError(str(exc)) from None
    radius = None
    if p.within_minutes is not None:
        if not 0 < p.within_minutes <= 180:
            raise FilterError("分钟数应在 1 到 180 之间")
        radius = mode.reach_m(p.within_minutes)
    if p.within_km is not None:
        if not 0 < p.within_km <= 100:
            raise FilterError("距离应在 0 到 100 公里之间")
        radius = min(radius or math.inf, p.within_km * 1000)
    if radius is not None and point is None:
        raise FilterError("按距离或分钟数筛选时，请先定位（用我的位置）或选择出发的站点")
    if p.date and p.date not in DATE_CHOICES:
        raise FilterError("日期应为 today（今天）、tomorrow（明天）或 week（本周）")
    if p.pay_min is not None and not (p.pay_min.is_finite() and 0 <= p.pay_min < 1_000_000):
        raise FilterError("最低报酬应为 0 到 1000000 之间的数字")
    if p.pay_unit and p.pay_unit not in PayUnit.values:
        raise FilterError(f"计酬单位应为：{'、'.join(PayUnit.values)}")
    if p.settlement and p.settlement not in Settlement.values:
        raise FilterError(
            "结算方式应为 daily（日结）、weekly（周结）、monthly（月结）或 on_completion（完工结）"
        )
    if p.category and not _CATEGORY_RE.match(p.category):
        raise FilterError("职业类别应为大类或中类代码，如 4 或 4-10")
    sort = p.sort or ("distance" if point is not None else "newest")
    if sort not in SORT_CHOICES:
        raise FilterError("排序应为 distance（距离）、start（开工时间）、pay（报酬）或 newest（最新）")
    if sort == "distance" and point is None:
        raise FilterError("按距离排序时，请先定位（用我的位置）或选择出发的站点")
    if not 1 <= p.page <= MAX_PAGE:
        raise FilterError(f"页码应在 1 到 {MAX_PAGE} 之间；结果太多时请加上镇街、日期或关键词缩小范围")
    start, end = date_range(p.date, now)
    cells = cells_around(*point, radius) if point is not None and radius is not None else None
    return _Plan(p, words, town, point, mode, radius, cells, start, end, sort)


def word_alternatives(word: str, index: OccupationIndex | None = None) -> list[str]:
    """The terms that satisfy one query word: itself, its pinyin key, and the `oc:` codes of the
    occupations it names. Synonyms work through the codes: 保姆 names 家政服务员, and every 家政服务员 gig
    carries `oc:4-10-01-06`. The synonyms' own words are not added: they would also match unrelated gigs
    whose descriptions happen to use them (后厨 in a dish-washing post for 厨师)."""
    index = index or _catalog()
    alts: dict[str, None] = {word: None}
    docs: list[int] = []
    if _LATIN_RE.fullmatch(word):
        alts[PINYIN_PREFIX + word] = None
        docs += [d for d, _ in index.pinyin_exact.get("i:" + word, ())]
        docs += [d for d, _ in index.pinyin_exact.get("f:" + word, ())]
    elif _HAN_RE.search(word):
        docs += [d for d, _ in index.terms.get(word, ())]
        if len(word) == 1:
            # One character typed on a phone (厨): the catalogue's words that begin with it.
            k = bisect_left(index.terms_sorted, word)
            for term in index.terms_sorted[k : k + MAX_EXPANSION]:
                if not term.startswith(word):
                    break
                alts.setdefault(term, None)
                docs += [d for d, _ in index.terms[term]]
    for doc in dict.fromkeys(docs):
        alts.setdefault(OCCUPATION_PREFIX + index.docs[doc].code, None)
    return list(alts)[: MAX_EXPANSION * 2]


def _open_shifts(now: dt.datetime, start: dt.datetime, end: dt.datetime | None) -> QuerySet[Shift]:
    shifts = Shift.objects.filter(
        status=ShiftStatus.OPEN, booked__lt=F("headcount"), starts_at__gt=now, starts_at__gte=start
    )
    return shifts.filter(starts_at__lt=end) if end is not None else shifts


def _distance2(lat: float, lng: float) -> ExpressionWrapper:
    """Squared equirectangular distance in m², plain arithmetic so SQLite and PostgreSQL both run it."""
    kx = M_PER_DEG_LNG_AT_EQUATOR * math.cos(math.radians(lat))
    dy = (F("lat") - lat) * M_PER_DEG_LAT
    dx = (F("lng") - lng) * kx
    return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())


def public_scan(now: dt.datetime, *, in_id_order: bool = False) -> QuerySet[Gig]:
    """Gig.objects.public() (the same rows: a test holds them equal) for queries with nothing selective to
    start from, written for SQLite's planner. Joined to the employers, it walks the 5,000 employers and
    fetches the gigs in random order; against a small set of current employer ids (the column hidden from
    its index by `+ 0`) it reads them in one pass, about eight times faster at 100,000 gigs.

    in_id_order: for orders no index serves (distance, pay, start). Nearly every row is open, yet SQLite
    would still walk the (status, …) index and fetch the rows in its order; lower(status) reads the table
    in id order instead. The newest-first order keeps the (status, published_at) index, which stops early.
    """
    current = Employer.objects.filter(
        status=EmployerStatus.APPROVED, reverify_due__gte=timezone.localdate(now)
    ).values("pk")
    qs = Gig.objects.alias(employer_key=F("employer_id") + 0).filter(employer_key__in=current)
    if in_id_order:
        return qs.alias(status_key=Lower("status")).filter(status_key=GigStatus.OPEN)
    return qs.filter(status=GigStatus.OPEN)


def _selective(plan: _Plan) -> bool:
    """Is there something small to start from: keyword terms, map cells, or the shifts of a date range?"""
    return bool(plan.words or plan.cells) or plan.range_end is not None


def _filtered(
    plan: _Plan, now: dt.datetime, *, available: bool = True, probe_words: bool = False
) -> QuerySet[Gig]:
    """Public gigs matching the plan; with available, only those with an open shift left (see _available).

    probe_words: test the keyword per gig (EXISTS) instead of starting from its terms, so that newest
    first walks the (status, published_at) index and stops early; for keywords that match thousands."""
    p = plan.params
    if _selective(plan) and not probe_words:
        qs = Gig.objects.public()  # the terms, cells or the day's shifts lead; employers looked up per gig
    else:
        qs = public_scan(now, in_id_order=plan.sort != "newest")
    if plan.town is not None:
        qs = qs.filter(town=plan.town)
    if p.settlement:
        qs = qs.filter(settlement=p.settlement)
    if p.instant:
        qs = qs.filter(booking_mode=BookingMode.INSTANT)
    if p.public_welfare:
        qs = qs.filter(kind=GigKind.PUBLIC_WELFARE)
    if p.category:
        qs = qs.filter(occupation__code__startswith=p.category + "-")
    if p.pay_min is not None:
        if p.pay_unit in ("", PayUnit.HOUR):
            qs = qs.filter(hourly_pay__gte=p.pay_min)
        else:
            qs = qs.filter(pay_unit=p.pay_unit, pay_amount__gte=p.pay_min)
    if plan.words:
        index = _catalog()
        for word in plan.words:
            terms = GigTerm.objects.filter(term__in=word_alternatives(word, index))
            if probe_words:
                qs = qs.filter(Exists(terms.filter(gig_id=OuterRef("pk"))))
            else:
                qs = qs.filter(pk__in=terms.values("gig_id"))
    if plan.point is not None and plan.radius_m is not None:
        lat, lng = plan.point
        if plan.cells:
            qs = qs.filter(pk__in=GigTerm.objects.filter(term__in=plan.cells).values("gig_id"))
        dlat, dlng = _degrees(lat, plan.radius_m)
        qs = qs.filter(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
        qs = qs.alias(d2=_distance2(lat, lng)).filter(d2__lte=plan.radius_m**2)
    # A cheap column test first: gigs whose last shift is over never reach the shift subquery.
    qs = qs.filter(last_end__gt=now)
    if plan.range_end is not None:
        # A date range is selective: the database starts from its open shifts (starts_at index), and
        # that is the open-shift test as well.
        qs = qs.filter(pk__in=_open_shifts(now, plan.range_start, plan.range_end).values("gig_id"))
    return _available(qs, plan, now) if available else qs


def _available(qs: QuerySet[Gig], plan: _Plan, now: dt.datetime) -> QuerySet[Gig]:
    """Only gigs with an open shift that has not started and has places left (with a date range,
    _filtered has tested that already)."""
    shifts = _open_shifts(now, plan.range_start, plan.range_end)
    if plan.sort == "start":
        # The next open shift is both the order and the test: one subquery per gig instead of two.
        first = shifts.filter(gig_id=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
        return qs.alias(next_start=Subquery(first)).filter(next_start__isnull=False)
    if plan.range_end is None:
        qs = qs.filter(Exists(shifts.filter(gig_id=OuterRef("pk"))))
    return qs


def _ordered(qs: QuerySet[Gig], plan: _Plan) -> QuerySet[Gig]:
    if plan.sort == "distance" and plan.point is not None:
        return qs.alias(d2=_distance2(*plan.point)).order_by("d2", "-id")
    if plan.sort == "pay":
        return qs.order_by(F("hourly_pay").desc(nulls_last=True), "-published_at", "-id")
    if plan.sort == "start":
        return qs.order_by("next_start", "-id")  # aliased by _filtered
    return qs.order_by("-published_at", "-id")


def search_gigs(params: GigSearch, *, user=None, now: dt.datetime | None = None) -> tuple[list[Gig], int]:
    """One page (PAGE_SIZE) of public gigs matching params, and how many match: exact up to COUNT_LIMIT,
    COUNT_LIMIT + 1 meaning "more than that" (pages stop there too: narrow the search instead).

    Each gig comes with `next_shift` (its first open shift with places left in the asked range, or None),
    and with `distance_m` and `minutes` (by params.mode) when a point or a station was given, else None.
    Employer (with its town), town and occupation are loaded with it. FilterError for bad params.
    """
    now = now or timezone.now()
    plan = _plan(params, user, now)
    return _page(_filtered(plan, now), plan, now)


def _best_by_key(plan: _Plan, now: dt.datetime, k: int, *, broad: bool) -> list[int]:
    """The first k ids by the sort key, without the open-shift test. Nearest first: look within growing
    circles (through the map cells) and stop at the first that holds k gigs, since then no gig outside it
    can be nearer; the whole asked radius (or city) only when none does."""
    if plan.sort == "distance" and plan.point is not None:
        for radius in (r for r in EXPAND_RADII_M if plan.radius_m is None or r < plan.radius_m):
            ring = replace(plan, radius_m=radius, cells=cells_around(*plan.point, radius))
            within = _ordered(_filtered(ring, now, available=False), ring)
            best = list(within.values_list("pk", flat=True)[:k])
            if len(best) == k:
                return best
    # A keyword that matches more gigs than we count, newest first: walk the newest and test the keyword.
    probe = broad and plan.sort == "newest" and bool(plan.words) and not plan.cells and plan.range_end is None
    ordered = _ordered(_filtered(plan, now, available=False, probe_words=probe), plan)
    return list(ordered.values_list("pk", flat=True)[:k])


def _top_ids(plan: _Plan, now: dt.datetime, offset: int, *, broad: bool) -> list[int]:
    """The page's ids without running the open-shift test on every candidate: the best k by the sort key
    alone, then the test on those. Exact: if at least offset + PAGE_SIZE of the best k pass, no gig
    outside them can rank higher (the order is total, ties broken by id)."""
    need = offset + PAGE_SIZE
    k = TOP_K_MIN + 2 * need
    while True:
        best = _best_by_key(plan, now, k, broad=broad)
        passing = _ordered(_available(Gig.objects.filter(pk__in=best), plan, now), plan)
        ids = list(passing.values_list("pk", flat=True)[:need])
        if len(ids) >= need or len(best) < k:
            return ids[offset:]
        k *= 4


def _page(qs: QuerySet[Gig], plan: _Plan, now: dt.datetime) -> tuple[list[Gig], int]:
    """The asked page of a filtered queryset, and the (limited) count."""
    params = plan.params
    # Counting stops at the limit, so a broad search never reads every gig just to say how many.
    total = qs.order_by()[: COUNT_LIMIT + 1].count()
    offset = (params.page - 1) * PAGE_SIZE
    if offset >= total:
        return [], total
    # The page's ids first, with nothing joined that could change the plan; then those rows in full.
    if plan.sort != "start":  # there the next open shift is the key itself
        ids = _top_ids(plan, now, offset, broad=total > COUNT_LIMIT)
    else:
        ids = list(_ordered(qs, plan).values_list("pk", flat=True)[offset : offset + PAGE_SIZE])
    shifts = _open_shifts(now, plan.range_start, plan.range_end).order_by("starts_at", "id")
    rows = (
        Gig.objects.filter(pk__in=ids)
        .select_related("employer__town", "town", "occupation")
        .prefetch_related(Prefetch("shifts", queryset=shifts, to_attr="open_shifts"))
    )
    by_id = {g.pk: g for g in rows}
    page: list[Gig] = [by_id[pk] for pk in ids if pk in by_id]
    for gig in page:
        open_shifts = getattr(gig, "open_shifts", [])
        metres = haversine_m(*plan.point, gig.lat, gig.lng) if plan.point is not None else None
        setattr(gig, "next_shift", open_shifts[0] if open_shifts else None)  # noqa: B010
        setattr(gig, "distance_m", metres)  # noqa: B010
        setattr(gig, "minutes", plan.mode.minutes(metres) if metres is not None else None)  # noqa: B010
    return page, total


# --- reading one gig --------------------------------------------------------------------------------------


def may_see_contact(gig: Gig, user) -> bool:
    """The contact phone in full: the gig's managers, and workers booked on it. Everyone else sees it
    masked (they reach the employer through an application)."""
    if user is None or not user.is_authenticated:
        return False
    if Gig.objects.managed_by(user).filter(pk=gig.pk).exists():
        return True
    return Application.objects.filter(gig=gig, worker__user=user, status__in=HOLDS_PLACE).exists()
