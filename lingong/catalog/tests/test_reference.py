"""load_catalog: the 2022 occupation table, gig occupations, synonyms, certificates, hardship categories."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from lingong.catalog.models import (
    Certificate,
    GigOccupation,
    HardshipCategory,
    Occupation,
    OccupationSynonym,
)
from lingong.catalog.reference import (
    CERTIFICATES,
    DATA_DIR,
    HARDSHIP_CATEGORIES,
    load_catalog,
    parent_code,
    read_occupations,
    read_synonyms,
    split_mark,
)

pytestmark = pytest.mark.django_db


def _empty_catalog():
    # Raw deletes: no other rows point at the catalog in these tests, and the collector would otherwise
    # visit every app that references it.
    Occupation.objects.update(parent=None)
    for model in (
        Certificate.required_for.through,
        Certificate,
        HardshipCategory,
        OccupationSynonym,
        GigOccupation,
        Occupation,
    ):
        qs = model.objects.all()
        qs._raw_delete(qs.db)


def test_source_has_2051_rows_and_2047_distinct_codes():
    with open(DATA_DIR / "csco2022_occupations.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2051
    # Three rows are exact repeats and 2-03-01-00 is listed as both 小类 and 细类.
    assert len(read_occupations()) == len({r["code"] for r in rows}) == 2047


def test_load_from_empty_creates_everything(catalog):
    _empty_catalog()
    result = load_catalog()
    occ = result.tables["occupations"]
    assert (occ.created, occ.updated, occ.total) == (2047, 0, 2047)
    levels = dict(Occupation.objects.values_list("level").annotate(n=Count("id")))
    assert levels == {1: 8, 2: 72, 3: 335, 4: 1632}
    assert result.tables["gig_occupations"].created == 78  # the source's 80 rows less 2 without a code
    assert result.tables["synonyms"].created == OccupationSynonym.objects.count() >= 150
    assert result.tables["certificates"].created == len(CERTIFICATES)
    assert result.tables["hardship_categories"].created == len(HARDSHIP_CATEGORIES) == 13


def test_parents_are_linked_to_the_level_above(catalog):
    assert not Occupation.objects.exclude(level=1).filter(parent__isnull=True).exists()
    assert not Occupation.objects.filter(level=1, parent__isnull=False).exists()
    housekeeping = Occupation.objects.select_related("parent__parent__parent").get(code="4-10-01-06")
    assert housekeeping.name == "家政服务员" and housekeeping.level == 4
    chain = [housekeeping.parent, housekeeping.parent.parent, housekeeping.parent.parent.parent]
    assert [(o.code, o.level) for o in chain] == [("4-10-01-00", 3), ("4-10-00-00", 2), ("4-00-00-00", 1)]
    # A 小类 without 细类 is a level-4 row ending in -00 and hangs from its 中类.
    furniture = Occupation.objects.get(code="6-06-04-00")
    assert furniture.parent is not None and (furniture.level, furniture.parent.code) == (4, "6-06-00-00")
    # Where the source lacks the 小类 row, the nearest ancestor present is used.
    director = Occupation.objects.get(code="1-06-01-01")
    assert director.parent is not None and director.parent.code == "1-06-00-00"
    for o in Occupation.objects.filter(parent__isnull=False).select_related("parent"):
        assert o.parent.level < o.level


def test_marks_are_split_from_names(catalog):
    assert split_mark("保洁员L") == ("保洁员", "L")
    assert split_mark("工程测量工程技术人员S") == ("工程测量工程技术人员", "S")
    assert split_mark("摄影测量员L/S") == ("摄影测量员", "L/S")
    cleaner = Occupation.objects.get(code="4-09-08-01")
    assert (cleaner.name, cleaner.mark, cleaner.mark_label) == ("保洁员", "L", "绿色职业")
    assert Occupation.objects.filter(mark="L/S").count() == 23
    assert not Occupation.objects.filter(name__regex=r"[LS]$").exists()


def test_parent_code_rules():
    known = {"4-00-00-00": {"level": 1}, "4-10-00-00": {"level": 2}, "4-10-01-00": {"level": 3}}
    assert parent_code("4-10-01-06", 4, known) == "4-10-01-00"
    assert parent_code("4-10-02-01", 4, known) == "4-10-00-00"
    assert parent_code("4-10-01-00", 3, known) == "4-10-00-00"
    assert parent_code("4-10-00-00", 2, known) == "4-00-00-00"
    assert parent_code("4-00-00-00", 1, known) is None


def test_second_run_changes_nothing(catalog):
    result = load_catalog()
    assert all((r.created, r.updated) == (0, 0) for r in result.tables.values()), result.summary()


def test_changed_rows_are_updated_in_place(catalog):
    Occupation.objects.filter(code="4-09-08-01").update(name="旧名称", parent=None)
    pk = Occupation.objects.get(code="4-09-08-01").pk
    result = load_catalog()
    assert (result.tables["occupations"].created, result.tables["occupations"].updated) == (0, 1)
    cleaner = Occupation.objects.get(code="4-09-08-01")
    assert cleaner.parent is not None
    assert (cleaner.pk, cleaner.name, cleaner.parent.code) == (pk, "保洁员", "4-09-08-00")


def test_gig_occupations_link_to_codes(catalog):
    nanny = GigOccupation.objects.get(name="家政服务员/保姆/钟点工")
    assert nanny.occupation.code == "4-10-01-06" and nanny.category == "家政服务"
    assert nanny.aliases == ["家政服务员", "保姆", "钟点工"]
    assert GigOccupation.objects.get(name="车位工/衣车工（缝纫工）").aliases == ["车位工", "衣车工"]
    # 普工 and 育婴员 have no single code in the table: not loaded, synonyms cover them.
    assert not GigOccupation.objects.filter(name__startswith="普工").exists()
    assert OccupationSynonym.objects.get(term="育儿嫂").occupation.code == "4-10-01-06"
    assert list(GigOccupation.objects.values_list("sort", flat=True)[:3]) == [1, 2, 3]


def test_shipped_synonyms_are_general_and_point_at_level_4(catalog):
    rows = read_synonyms()
    assert len(rows) >= 150
    levels = dict(Occupation.objects.filter(code__in={r["code"] for r in rows}).values_list("code", "level"))
    assert set(levels.values()) == {4} and len(levels) == len({r["code"] for r in rows})
    for term, code in [("保姆", "4-10-01-06"), ("月嫂", "4-10-01-06"), ("保洁", "4-09-08-01")]:
        assert OccupationSynonym.objects.get(term=term).occupation.code == code
    assert OccupationSynonym.objects.get(term="cnc").occupation.code == "6-18-01-07"  # stored lower case


def test_reload_respects_admin_decisions(catalog, personas):
    OccupationSynonym.objects.filter(term="保姆").update(active=False)
    OccupationSynonym.objects.filter(term="月嫂").update(created_by=personas.city_admin, note="管理员改过")
    load_catalog()
    assert OccupationSynonym.objects.get(term="保姆").active is False
    assert OccupationSynonym.objects.get(term="月嫂").note == "管理员改过"


def test_certificates_are_seeded(catalog):
    names = set(Certificate.objects.values_list("name", flat=True))
    for expected in ["低压电工作业", "高压电工作业", "叉车司机（N1）", "保安员证", "机动车驾驶证（C1）"]:
        assert expected in names
    assert any("焊接与热切割" in n for n in names) and any("高处作业" in n for n in names)
    assert any("制冷与空调作业" in n for n in names) and any("健康证" in n for n in names)
    for skill in ["家政服务员", "育婴员", "养老护理员", "中式烹调师", "电工"]:
        assert Certificate.objects.filter(kind="skill_level", name__startswith=skill).exists()
    forklift = Certificate.objects.get(code="TSSB-N1")
    assert (forklift.kind, forklift.validity_years, forklift.legally_required) == (
        "special_equipment",
        4,
        True,
    )
    assert [c.code for c in Certificate.objects.required_for("6-30-05-01")] == ["TSSB-N1"]
    assert "JKZ" in {c.code for c in Certificate.objects.required_for("4-03-02-05")}
    assert not Certificate.objects.filter(legally_required=False, required_for__isnull=False).exists()


def test_hardship_categories(catalog):
    current = HardshipCategory.objects.current(dt.date(2026, 1, 1))
    assert current.count() == 13
    assert not HardshipCategory.objects.current(dt.date(2023, 7, 31)).exists()
    older = HardshipCategory.objects.get(code="older_unemployed")
    assert older.age_rule_applies("F", 40) and not older.age_rule_applies("F", 39)
    assert older.age_rule_applies("M", 50) and not older.age_rule_applies("M", 49)
    assert not HardshipCategory.objects.get(code="dibao").age_rule_applies("F", 60)
    assistance = set(HardshipCategory.objects.assistance().values_list("code", flat=True))
    assert (
        len(assistance) == 11 and "low_income_family" not in assistance and "long_waiting" not in assistance
    )
    top = set(HardshipCategory.objects.filter(tier_weight=3).values_list("code", flat=True))
    assert top == {"disabled", "dibao", "zero_employment_urban", "zero_transfer_rural"}
    assert "粤人社规〔2023〕11号" in older.source


def test_command_reports_and_rejects_bad_data(catalog, tmp_path: Path):
    out = io.StringIO()
    call_command("load_catalog", stdout=out)
    assert "职业：新建 0，更新 0，共 2047" in out.getvalue()
    for name in ("csco2022_occupations.csv", "gig_occupations.csv", "occupation_synonyms.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with open(tmp_path / "occupation_synonyms.csv", "a", encoding="utf-8") as fh:
        fh.write("鬼工种,9-99-99-99,不存在,\n")
    before = OccupationSynonym.objects.count()
    with pytest.raises(CommandError, match="不存在的职业代码：9-99-99-99"):
        call_command("load_catalog", data_dir=str(tmp_path), stdout=io.StringIO())
    assert OccupationSynonym.objects.count() == before  # nothing half-saved
    (tmp_path / "gig_occupations.csv").write_text("code,name\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列"):
        call_command("load_catalog", data_dir=str(tmp_path), stdout=io.StringIO())


def test_synonyms_may_not_point_above_level_4(catalog, tmp_path: Path):
    for name in ("csco2022_occupations.csv", "gig_occupations.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    (tmp_path / "occupation_synonyms.csv").write_text(
        "term,target_code,target_name,note\n家务活,4-10-01-00,生活照料服务人员,\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="只能对应细类"):
        load_catalog(tmp_path)
