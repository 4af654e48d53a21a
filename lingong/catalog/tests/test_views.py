"""Occupation pages: browse, detail, the type-ahead partial, and the city admins' synonyms page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lingong.accounts.models import AuditEntry
from lingong.catalog import autocode
from lingong.catalog.models import OccupationSynonym

pytestmark = pytest.mark.django_db
SYNONYMS = "/occupations/synonyms/"
TOGGLE = "/occupations/synonyms/toggle/"


def test_urls():
    assert reverse("catalog:browse") == "/occupations/"
    assert reverse("catalog:suggest") == "/occupations/suggest"
    assert reverse("catalog:synonyms") == SYNONYMS
    assert reverse("catalog:detail", args=["4-10-01-06"]) == "/occupations/4-10-01-06/"


def test_browse_lists_gig_occupations_then_searches(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get("/occupations/").content.decode()
    assert "常见零工工种" in page and "家政服务员/保姆/钟点工" in page and "4-10-01-06" in page
    found = client.get("/occupations/", {"q": "保姆"}).content.decode()
    assert "家政服务员" in found and "匹配度" in found
    partial = client.get("/occupations/", {"q": "叉车"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "起重装卸机械操作工" in partial
    major = client.get("/occupations/", {"major": "6"}).content.decode()
    assert "生产制造及有关人员" in major and "6-01-01-01" in major


def test_detail_page(client, catalog):
    page = client.get("/occupations/6-31-01-03/").content.decode()
    assert "电工" in page and "低压电工作业" in page and "生产辅助人员" in page
    assert client.get("/occupations/9-99-99-99/").status_code == 404


def test_suggest_partial_and_full_page(client, catalog):
    partial = client.get("/occupations/suggest", {"q": "搬运"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert 'data-code="4-02-05-01"' in partial and 'data-name="装卸搬运工"' in partial
    assert "客运售票员" not in partial  # the weak tail is cut
    by_field = client.get("/occupations/suggest", {"occupation_text": "bj"}, HTTP_HX_REQUEST="true")
    assert 'data-code="4-09-08-01"' in by_field.content.decode()
    none = client.get("/occupations/suggest", {"q": "asdkjh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "没有找到" in none
    assert client.get("/occupations/suggest", HTTP_HX_REQUEST="true").content.decode().strip() == ""
    full = client.get("/occupations/suggest", {"q": "保姆"}).content.decode()
    assert "<html" in full and "家政服务员" in full


@pytest.mark.parametrize(
    ("role", "get_status", "post_status"),
    [
        ("anon", 302, 302),
        ("worker", 403, 403),
        ("employer", 403, 403),
        ("outsider", 403, 403),
        ("coordinator_a", 403, 403),
        ("town_admin_b", 403, 403),
        ("city_admin", 200, 200),  # an empty POST re-renders the form, as elsewhere in the project
    ],
)
def test_synonym_page_permissions(client, catalog, personas, role, get_status, post_status):
    if role != "anon":
        client.force_login(getattr(personas, role))
    get = client.get(SYNONYMS)
    post = client.post(SYNONYMS, {})
    toggle = client.post(TOGGLE, {"term": "保姆", "active": "0"})
    assert (get.status_code, post.status_code) == (get_status, post_status)
    if role == "anon":
        assert "/accounts/login/" in get["Location"] and "/accounts/login/" in toggle["Location"]
    elif role != "city_admin":
        assert toggle.status_code == 403
    assert OccupationSynonym.objects.get(term="保姆").active is (role != "city_admin")


def test_city_admin_adds_a_synonym_and_classification_follows(client, catalog, personas):
    client.force_login(personas.city_admin)
    assert [m.code for m in autocode.classify("拉闸工", 1)] != ["6-31-01-03"]
    response = client.post(
        SYNONYMS,
        {
            "term": " 拉闸工 ",
            "occupation_text": "电工",
            "occupation_code": "6-31-01-03",
            "note": "配电房值班",
        },
    )
    assert response.status_code == 302
    synonym = OccupationSynonym.objects.get(term="拉闸工")
    assert (synonym.occupation.code, synonym.created_by, synonym.active) == (
        "6-31-01-03",
        personas.city_admin,
        True,
    )
    entry = AuditEntry.objects.get(action="catalog.synonym.add", object_id=str(synonym.pk))
    assert entry.actor == personas.city_admin and "拉闸工" in entry.summary
    assert entry.after is not None and entry.after["occupation"] == "6-31-01-03 电工"
    assert [m.code for m in autocode.classify("拉闸工", 1)] == ["6-31-01-03"]
    listing = client.get(SYNONYMS, {"q": "拉闸"}).content.decode()
    assert "拉闸工" in listing and "配电房值班" in listing and "现在识别为" in listing


def test_without_scripts_a_typed_code_or_exact_name_is_enough(client, catalog, personas):
    client.force_login(personas.city_admin)
    client.post(SYNONYMS, {"term": "擦皮鞋", "occupation_text": "4-12-04-02"})
    client.post(SYNONYMS, {"term": "补鞋", "occupation_text": "修鞋工"})
    assert set(
        OccupationSynonym.objects.filter(term__in=["擦皮鞋", "补鞋"]).values_list(
            "occupation__code", flat=True
        )
    ) == {"4-12-04-02"}


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"term": "", "occupation_code": "4-10-01-06"}, "这个字段是必填项"),
        ({"term": "保姆", "occupation_code": "4-10-01-06"}, "已是“家政服务员”的同义词"),
        ({"term": "新词", "occupation_code": ""}, "请选择对应的职业"),
        ({"term": "新词", "occupation_text": "不知道"}, "请选择对应的职业"),
        ({"term": "新词", "occupation_code": "4-10-01-00"}, "不是细类"),
        ({"term": "新词", "occupation_code": "9-99-99-99"}, "找不到职业代码"),
        ({"term": "新词", "occupation_code": "abc"}, "格式应为"),
        ({"term": "甲", "occupation_code": "4-10-01-06"}, "应为2到20个字"),
        ({"term": "123", "occupation_code": "4-10-01-06"}, "应包含汉字或字母"),
    ],
)
def test_invalid_input_is_explained_and_nothing_is_saved(client, catalog, personas, data, field_message):
    client.force_login(personas.city_admin)
    count, audits = OccupationSynonym.objects.count(), AuditEntry.objects.count()
    response = client.post(SYNONYMS, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert field_message in page and "修改前不会保存任何内容" in page
    assert (OccupationSynonym.objects.count(), AuditEntry.objects.count()) == (count, audits)


def test_deactivated_synonyms_are_kept_audited_and_unused(client, catalog, personas):
    client.force_login(personas.city_admin)
    assert [m.code for m in autocode.classify("啤机", 1)] == ["6-14-02-00"]
    response = client.post(TOGGLE, {"term": "啤机", "active": "0"})
    assert response.status_code == 302
    synonym = OccupationSynonym.objects.get(term="啤机")
    assert synonym.active is False
    assert AuditEntry.objects.filter(action="catalog.synonym.deactivate", object_id=str(synonym.pk)).exists()
    assert "6-14-02-00" not in [m.code for m in autocode.classify("啤机", 3)]
    inactive = client.get(SYNONYMS, {"show": "inactive"}).content.decode()
    assert "啤机" in inactive and "重新启用" in inactive
    client.post(TOGGLE, {"term": "啤机", "active": "1"})
    assert OccupationSynonym.objects.get(term="啤机").active is True
    assert AuditEntry.objects.filter(action="catalog.synonym.activate").count() == 1
    missing = client.post(TOGGLE, {"term": "没有这个词", "active": "0"}, follow=True)
    assert "找不到同义词" in missing.content.decode()
    assert client.get(TOGGLE).status_code == 405
