"""Gig search: the GigTerm index, keyword matching (words, pinyin, synonyms) and every filter and order."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from lingong.catalog import autocode
from lingong.catalog.services import add_synonym
from lingong.employers.models import Employer
from lingong.gigs import search, services
from lingong.gigs.models import Gig, GigTerm, Shift
from lingong.gigs.search import (
    MAX_TERMS,
    FilterError,
    GigSearch,
    index_gigs,
    public_scan,
    query_words,
    search_gigs,
)

from .factories import approved_employer, gig_data, open_gig

pytestmark = pytest.mark.django_db

XIAOLAN = (22.6750, 113.2456)


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def local(offset: int, hour: int, minute: int = 0) -> dt.datetime:
    when = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=offset), dt.time(hour, minute))
    return timezone.make_aware(when)


def codes(params: GigSearch, **kwargs) -> list[str]:
    gigs, total = search_gigs(params, **kwargs)
    assert total == len(gigs) or total > len(gigs)
    return [g.code for g in gigs]


@pytest.fixture
def employer(personas) -> Employer:
    return approved_employer(personas)


@pytest.fixture
def post(personas, employer):
    """open_gig, with the place of work in any town (the factory puts it in the employer's town)."""

    def make(town=None, **overrides):
        if town is None:
            return open_gig(personas.employer, employer, **overrides)
        data = gig_data(town, **overrides)
        gig = services.save_draft(actor=personas.employer, employer=employer, data=data)
        gig = services.submit(gig, actor=personas.employer)
        assert gig.status == "open", gig.findings
        return gig

    return make


@pytest.fixture
def cleaning(post):
    return post(title="写字楼保洁 日结", description="负责写字楼公共区域日常清洁，工具由我方提供。")


@pytest.fixture
def housekeeping(post):
    return post(
        occupation="4-10-01-06",  # 家政服务员
        title="家庭清洁做饭 每周两次",
        description="照顾家里日常起居，打扫卫生、做一餐晚饭。",
        settlement="weekly",
    )


@pytest.fixture
def electrician(post, towns):
    return post(
        occupation="6-31-01-03",  # 电工
        title="厂房电工 维修线路",
        description="小榄工业区厂房照明线路检修，持证上岗。",
        town=towns["小榄"],
        lat=22.6760,
        lng=113.2470,
        pay_amount="35",
        pay_unit="hour",
        settlement="on_completion",
    )


class TestIndex:
    def test_terms_hold_words_pinyin_synonyms_and_the_code(self, cleaning):
        terms = set(GigTerm.objects.filter(gig=cleaning).values_list("term", flat=True))
        assert {"写字楼", "保洁", "清洁"} <= terms
        assert "py:bj" in terms and "py:xzl" in terms
        assert "oc:4-09-08-01" in terms and "保洁员" in terms
        assert "东区" in terms  # the town's name
        assert {"g0:9008:45358", "g1:2252:11339", "g5:450:2267"} <= terms  # map cells of 22.52, 113.395
        assert not terms & {"的", "负责", "由", "我方", "，"}
        assert all(len(t) <= 24 for t in terms) and len(terms) <= MAX_TERMS

    def test_closing_and_cancelling_remove_the_terms(self, personas, cleaning, housekeeping):
        services.close(cleaning, actor=personas.employer)
        services.cancel(housekeeping, actor=personas.employer, reason="客户取消")
        assert not GigTerm.objects.exists()

    def test_reindex_command_and_bulk_index_rebuild_the_same_rows(self, cleaning, housekeeping):
        before = set(GigTerm.objects.values_list("gig_id", "term"))
        GigTerm.objects.all().delete()
        call_command("reindex_gigs", stdout=io.StringIO())
        assert set(GigTerm.objects.values_list("gig_id", "term")) == before
        assert index_gigs([cleaning, housekeeping]) == len(before)
        assert set(GigTerm.objects.values_list("gig_id", "term")) == before

    def test_query_words_drop_stop_words(self, catalog):
        autocode.current_index()
        assert query_words("写字楼 的 保洁") == ["写字楼", "保洁"]


class TestKeyword:
    def test_segmented_word_matches(self, cleaning, housekeeping):
        assert codes(GigSearch(q="写字楼")) == [cleaning.code]
        assert codes(GigSearch(q="保洁")) == [cleaning.code]

    def test_every_word_must_match(self, cleaning, electrician):
        assert codes(GigSearch(q="保洁 电工")) == []
        assert codes(GigSearch(q="电工 线路")) == [electrician.code]

    def test_pinyin_initials(self, cleaning, electrician):
        assert codes(GigSearch(q="bj")) == [cleaning.code]
        assert codes(GigSearch(q="BJ")) == [cleaning.code]
        assert codes(GigSearch(q="dg")) == [electrician.code]

    def test_synonym_finds_the_occupation(self, cleaning, housekeeping):
        # Neither the title nor the description says 保姆 or 钟点工; the occupation 家政服务员 does.
        assert codes(GigSearch(q="保姆")) == [housekeeping.code]
        assert codes(GigSearch(q="钟点工")) == [housekeeping.code]

    def test_a_synonym_added_later_works_without_reindexing(self, personas, housekeeping):
        add_synonym(actor=personas.city_admin, data={"term": "家务帮手", "occupation_code": "4-10-01-06"})
        autocode.invalidate()
        assert codes(GigSearch(q="家务帮手")) == [housekeeping.code]

    def test_town_name_in_the_keyword(self, cleaning, electrician):
        assert codes(GigSearch(q="小榄 电工")) == [electrician.code]

    def test_filter_words_in_the_keyword_become_filters(self, cleaning, housekeeping):
        assert codes(GigSearch(q="日结")) == [cleaning.code]


class TestFilters:
    def test_town(self, cleaning, electrician, towns):
        assert codes(GigSearch(town="小榄")) == [electrician.code]
        assert codes(GigSearch(town=towns["东区"].code)) == [cleaning.code]

    def test_near_orders_by_distance_and_limits_by_minutes(self, post, cleaning, electrician):
        closer = post(title="小榄镇保洁 临时", lat=22.6900, lng=113.2456)
        found, total = search_gigs(GigSearch(near=XIAOLAN, mode="ebike"))
        assert [g.code for g in found] == [electrician.code, closer.code, cleaning.code]
        nearest = vars(found[0])  # search_gigs annotates distance_m and minutes on each result
        assert nearest["distance_m"] < 300 and nearest["minutes"] < 2
        assert codes(GigSearch(near=XIAOLAN, within_minutes=15, mode="ebike")) == [
            electrician.code,
            closer.code,
        ]
        assert codes(GigSearch(near=XIAOLAN, within_km=1)) == [electrician.code]

    def test_from_a_station(self, personas, cleaning, electrician):
        found = codes(GigSearch(station=personas.station_a.code, within_minutes=10, mode="ebike"))
        assert found == [electrician.code]

    def test_dates(self, post):
        tomorrow = post(title="保洁 明天")
        later = post(title="保洁 下周", shifts=[{"date": day(8), "start": "08:00", "end": "12:00"}])
        assert codes(GigSearch(date="tomorrow")) == [tomorrow.code]
        early_tomorrow = local(1, 6)
        assert codes(GigSearch(date="today"), now=early_tomorrow) == [tomorrow.code]
        assert codes(GigSearch(date="tomorrow"), now=early_tomorrow) == []
        # From the Monday of tomorrow's week: 本周 runs to Sunday night, so tomorrow is in and day 8 is not.
        monday = local(1 - (timezone.localdate() + dt.timedelta(days=1)).weekday(), 0, 1)
        assert codes(GigSearch(date="week"), now=monday) == [tomorrow.code]
        assert set(codes(GigSearch())) == {tomorrow.code, later.code}

    def test_gigs_with_only_past_or_full_shifts_are_hidden(self, cleaning, housekeeping):
        Shift.objects.filter(gig=housekeeping).update(booked=3)
        assert codes(GigSearch()) == [cleaning.code]
        assert codes(GigSearch(), now=local(1, 9)) == []  # every shift has started

    def test_pay_minimum_by_the_hour_and_by_unit(self, cleaning, electrician):
        assert codes(GigSearch(pay_min=Decimal("25"))) == [electrician.code]
        assert codes(GigSearch(pay_min=Decimal("150"), pay_unit="day")) == [cleaning.code]
        assert codes(GigSearch(pay_min=Decimal("200"), pay_unit="day")) == []

    def test_settlement(self, cleaning, housekeeping, electrician):
        assert codes(GigSearch(settlement="daily")) == [cleaning.code]

    def test_category(self, cleaning, housekeeping, electrician):
        assert set(codes(GigSearch(category="4"))) == {cleaning.code, housekeeping.code}
        assert codes(GigSearch(category="4-09")) == [cleaning.code]
        assert codes(GigSearch(category="6-31")) == [electrician.code]
        assert codes(GigSearch(category="5")) == []

    def test_instant_and_public_welfare(self, post, cleaning):
        instant = post(title="搬运工 抢单", occupation="4-02-05-01", booking_mode="instant")
        welfare = post(title="社区公益保洁", kind="public_welfare")
        assert codes(GigSearch(instant=True)) == [instant.code]
        assert codes(GigSearch(public_welfare=True)) == [welfare.code]

    def test_bad_values_are_clear_errors(self, cleaning):
        for params, message in [
            (GigSearch(town="火星"), "镇街"),
            (GigSearch(within_minutes=15), "定位"),
            (GigSearch(sort="distance"), "定位"),
            (GigSearch(date="yesterday"), "today"),
            (GigSearch(category="4-1"), "大类"),
            (GigSearch(near=(40.0, 116.4)), "中山市"),
            (GigSearch(station="NOPE"), "站点"),
            (GigSearch(mode="plane"), "出行方式"),
        ]:
            with pytest.raises(FilterError, match=message):
                search_gigs(params)


class TestVisibility:
    def test_closed_and_unverified_employers_never_appear(self, personas, employer, cleaning, electrician):
        services.close(cleaning, actor=personas.employer)
        assert codes(GigSearch()) == [electrician.code]
        Employer.objects.filter(pk=employer.pk).update(
            reverify_due=timezone.localdate() - dt.timedelta(days=1)
        )
        assert codes(GigSearch()) == []
        assert codes(GigSearch(q="电工")) == []

    def test_public_scan_holds_the_same_rows_as_public(self, personas, employer, post, cleaning):
        draft = services.save_draft(actor=personas.employer, employer=employer, data=gig_data(employer.town))
        closed = services.close(post(title="已招满的保洁"), actor=personas.employer)
        now = timezone.now()
        expected = {cleaning.pk}
        assert set(Gig.objects.public().values_list("pk", flat=True)) == expected
        for in_id_order in (False, True):
            assert set(public_scan(now, in_id_order=in_id_order).values_list("pk", flat=True)) == expected
        lapsed = timezone.localdate() - dt.timedelta(days=1)
        Employer.objects.filter(pk=employer.pk).update(reverify_due=lapsed)
        assert not public_scan(now).exists() and not public_scan(now, in_id_order=True).exists()
        assert draft.pk and closed.status == "closed"


class TestOrder:
    def test_sort_by_pay_start_and_newest(self, post, cleaning, electrician):
        piece = post(title="包装工 计件", occupation="6-31-05-00", pay_amount="0.8", pay_unit="piece")
        soon = post(title="保洁 后天", shifts=[{"date": day(2), "start": "07:00", "end": "11:00"}])
        Shift.objects.filter(gig=soon).update(starts_at=local(1, 6), ends_at=local(1, 10))
        # 180 元/天 for four hours is 45 元/时, above the electrician's 35; piece rates have no hourly figure.
        assert codes(GigSearch(sort="pay")) == [soon.code, electrician.code, cleaning.code, piece.code]
        assert codes(GigSearch(sort="start"))[0] == soon.code
        assert codes(GigSearch(sort="newest"))[0] == soon.code
        assert codes(GigSearch())[-1] == cleaning.code

    def test_pages_of_twenty(self, post, django_assert_max_num_queries):
        for n in range(21):
            post(title=f"保洁 第{n}组")
        with django_assert_max_num_queries(5):
            first, total = search_gigs(GigSearch(q="保洁"))
        assert total == 21 and len(first) == 20
        assert vars(first[0])["next_shift"] is not None and first[0].employer.town.name
        second, _ = search_gigs(GigSearch(q="保洁", page=2))
        assert len(second) == 1 and second[0].code not in {g.code for g in first}

    def test_best_paid_first_looks_further_when_the_best_are_full(self, monkeypatch, post):
        monkeypatch.setattr(search, "PAGE_SIZE", 1)
        monkeypatch.setattr(search, "TOP_K_MIN", 0)  # look at 2 gigs first, then 8
        gigs = {
            pay: post(title=f"电工 {pay}", pay_amount=str(pay), pay_unit="hour") for pay in (50, 45, 40, 35)
        }
        Shift.objects.filter(gig__in=[gigs[50], gigs[45]]).update(booked=3)
        found, total = search_gigs(GigSearch(sort="pay"))
        assert [g.code for g in found] == [gigs[40].code] and total == 2
        assert codes(GigSearch(sort="pay", page=2)) == [gigs[35].code]

    def test_counts_stop_at_the_limit(self, monkeypatch, post, cleaning, electrician, housekeeping):
        monkeypatch.setattr(search, "COUNT_LIMIT", 2)
        gigs, total = search_gigs(GigSearch())
        assert total == 3 and len(gigs) == 3  # 3 = "more than 2"
        assert search_gigs(GigSearch(q="电工"))[1] == 1
        # More matches than counted: the newest are found by walking the newest and testing the keyword.
        monkeypatch.setattr(search, "COUNT_LIMIT", 1)
        assert codes(GigSearch(q="清洁")) == [housekeeping.code, cleaning.code]
        with pytest.raises(FilterError, match="页码"):
            search_gigs(GigSearch(page=search.MAX_PAGE + 1))
