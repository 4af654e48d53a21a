"""The database adapter: index built from the tables, one cached index per process, following changes."""

from __future__ import annotations

import pytest

from lingong.catalog import autocode
from lingong.catalog.models import GigOccupation, Occupation, OccupationSynonym
from lingong.catalog.services import add_synonym, set_synonym_active

pytestmark = pytest.mark.django_db


def codes(text, n=3):
    return [m.code for m in autocode.classify(text, n)]


def test_classify_from_the_database(catalog):
    assert codes("保姆", 1) == ["4-10-01-06"]
    assert codes("bj", 1) == ["4-09-08-01"]
    assert codes("jzfw", 1) == ["4-10-01-06"]
    assert codes("搬运/装卸", 1) == ["4-02-05-01"]
    assert codes("叉车", 1) == ["6-30-05-01"]


def test_index_is_built_once_and_reused(catalog, django_assert_num_queries):
    autocode.classify("保洁")
    first = autocode.current_index()
    with django_assert_num_queries(0):  # within the recheck interval nothing touches the database
        for _ in range(20):
            autocode.classify("搬运工")
    assert autocode.current_index() is first


def test_version_check_is_one_query_and_unchanged_version_keeps_the_index(catalog, django_assert_num_queries):
    index = autocode.current_index()
    autocode.invalidate()
    with django_assert_num_queries(1):
        assert autocode.current_index() is index


def test_a_new_synonym_changes_results_at_once(catalog, personas):
    assert "6-24-07-02" not in codes("打光工", 1)
    add_synonym(actor=personas.city_admin, data={"term": "打光工", "occupation_code": "6-24-07-02"})
    assert codes("打光工", 1) == ["6-24-07-02"]
    set_synonym_active(actor=personas.city_admin, term="打光工", active=False)
    assert "6-24-07-02" not in codes("打光工", 1)


def test_changes_from_another_process_are_seen_through_the_version(catalog, settings):
    settings.CATALOG_INDEX_RECHECK_SECONDS = 0  # check on every call, as after the interval
    before = autocode.current_index()
    # Written directly, as another process would: this process is not told.
    OccupationSynonym.objects.create(term="擦鞋", occupation=Occupation.objects.get(code="4-12-04-02"))
    assert codes("擦鞋", 1) == ["4-12-04-02"]
    assert autocode.current_index() is not before
    OccupationSynonym.objects.filter(term="擦鞋").delete()  # count changes too
    assert "4-12-04-02" not in codes("擦鞋", 1)
    GigOccupation.objects.filter(name__startswith="家政服务员").update(active=False)
    assert autocode.current_index().by_code  # a rebuild without that row still works


def test_cold_start_after_reset(catalog):
    autocode.reset()
    assert codes("保安", 1) == ["4-07-05-01"]
