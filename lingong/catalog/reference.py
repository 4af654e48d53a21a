"""Loading the catalog's reference data: occupations, gig occupations and synonyms from data/*.csv, plus
the certificates and hardship categories defined below. load_catalog() is idempotent and uses bulk
operations, so it is safe (and quick) to run on every deploy.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .autocode import invalidate
from .classifier import OccupationIndex, OccupationRecord, Surface, build_index, normalize, split_gig_name
from .models import (
    OCCUPATION_CODE_RE,
    Certificate,
    CertificateKind,
    GigOccupation,
    HardshipCategory,
    Occupation,
    OccupationLevel,
    OccupationMark,
    OccupationSynonym,
)

DATA_DIR = Path(settings.BASE_DIR) / "data"
OCCUPATIONS_CSV = "csco2022_occupations.csv"
GIG_CSV = "gig_occupations.csv"
SYNONYMS_CSV = "occupation_synonyms.csv"
_MARK_RE = re.compile(r"(L/S|L|S)$")
_CODE_RE = re.compile(OCCUPATION_CODE_RE)

# --- certificates ---------------------------------------------------------------------------------------
# 特种作业操作证: 《特种作业人员安全技术培训考核管理规定》(原国家安监总局令第30号, 附件《特种作业目录》),
# issued by 应急管理部门, valid 6 years with a review every 3. 特种设备作业人员证: 《特种设备作业人员监督
# 管理办法》and TSG Z6001-2019 (项目代号 N1 = 叉车司机), issued by 市场监督管理部门, valid 4 years.
# required_for lists level-4 codes; only certificates the law requires name occupations there.
SPECIAL_OPERATION_BASIS = "《特种作业人员安全技术培训考核管理规定》及《特种作业目录》"
CERTIFICATES: tuple[dict[str, Any], ...] = (
    {
        "code": "TZ-1.2",
        "name": "低压电工作业",
        "kind": CertificateKind.SPECIAL_OPERATION,
        "issuing_body": "应急管理部门",
        "legally_required": True,
        "required_for": ["6-31-01-03"],
        "legal_basis": SPECIAL_OPERATION_BASIS,
        "validity_years": 6,
        "note": "特种作业操作证（电工作业）；每3年复审一次",
    },
    {
        "code": "TZ-1.1",
        "name": "高压电工作业",
        "kind": CertificateKind.SPECIAL_OPERATION,
        "issuing_body": "应急管理部门",
        "legally_required": True,
        "required_for": [],
        "legal_basis": SPECIAL_OPERATION_BASIS,
        "validity_years": 6,
        "note": "从事1千伏以上高压电气设备作业时须持证；每3年复审一次",
    },
    {
        "code": "TZ-2.1",
        "name": "焊接与热切割作业（熔化焊接与热切割作业）",
        "kind": CertificateKind.SPECIAL_OPERATION,
        "issuing_body": "应急管理部门",
        "legally_required": True,
        "required_for": ["6-18-02-04"],
        "legal_basis": SPECIAL_OPERATION_BASIS,
        "validity_years": 6,
        "note": "承压设备焊接另需特种设备焊接作业人员证",
    },
    {
        "code": "TZ-3.1",
        "name": "高处作业（登高架设作业）",
        "kind": CertificateKind.SPECIAL_OPERATION,
        "issuing_body": "应急管理部门",
        "legally_required": True,
        "required_for": [],
        "legal_basis": SPECIAL_OPERATION_BASIS,
        "validity_years": 6,
        "note": "房屋建筑工地的架子工另需住建部门的建筑施工特种作业操作资格证",
    },
    {
        "code": "TZ-3.2",
        "name": "高处作业（高处安装、维护、拆除作业）",
        "kind": CertificateKind.SPECIAL_OPERATION,
        "issuing_body": "应急管理部门",
        "legally_required": True,
        "required_for": [],
        "legal_basis": SPECIAL_OPERATION_BASIS,
        "validity_years": 6,
        "note": "如空调外机安装、外墙清洗、幕墙安装等2米以上高处作业",
    },
    {
        "code": "TZ-4.2",
        "name": "制冷与空调作业（制冷与空调设备安装修理作业）",
        "kind": CertificateKind.SPECIAL_OPERATION,
        "issuing_body": "应急管理部门",
        "legally_required": True,
        "required_for": ["6-29-03-05"],
        "legal_basis": SPECIAL_OPERATION_BASIS,
        "validity_years": 6,
        "note": "",
    },
    {
        "code": "TSSB-N1",
        "name": "叉车司机（N1）",
        "kind": CertificateKind.SPECIAL_EQUIPMENT,
        "issuing_body": "市场监督管理部门",
        "legally_required": True,
        "required_for": ["6-30-05-01"],
        "legal_basis": "《特种设备作业人员监督管理办法》、TSG Z6001-2019《特种设备作业人员考核规则》",
        "validity_years": 4,
        "note": "特种设备作业人员证，项目代号N1",
    },
    {
        "code": "JKZ",
        "name": "健康证（健康检查合格证明）",
        "kind": CertificateKind.HEALTH,
        "issuing_body": "卫生健康部门指定的体检机构",
        "legally_required": True,
        "required_for": [
            "4-03-02-01",
            "4-03-02-02",
            "4-03-02-03",
            "4-03-02-05",
            "4-03-02-08",
            "4-03-02-10",
            "6-02-01-01",
        ],
        "legal_basis": "《中华人民共和国食品安全法》第四十五条（从事接触直接入口食品工作的食品生产经营人员）",
        "validity_years": 1,
        "note": "公共场所（美容美发、住宿等）从业人员的要求以当地规定为准；家政、外卖等雇主常要求",
    },
    {
        "code": "BAY",
        "name": "保安员证",
        "kind": CertificateKind.QUALIFICATION,
        "issuing_body": "公安机关",
        "legally_required": True,
        "required_for": ["4-07-05-01"],
        "legal_basis": "《保安服务管理条例》",
        "validity_years": None,
        "note": "",
    },
    {
        "code": "JSZ-C1",
        "name": "机动车驾驶证（C1）",
        "kind": CertificateKind.OTHER,
        "issuing_body": "公安机关交通管理部门",
        "legally_required": True,
        "required_for": ["4-10-08-02", "4-02-02-01"],
        "legal_basis": "《中华人民共和国道路交通安全法》第十九条",
        "validity_years": 6,
        "note": "初次领证有效期6年，期满换证后为10年、长期；可驾驶小型汽车和总质量4.5吨以下的轻型货车",
    },
    {
        "code": "JSZ-A2",
        "name": "机动车驾驶证（A2）",
        "kind": CertificateKind.OTHER,
        "issuing_body": "公安机关交通管理部门",
        "legally_required": True,
        "required_for": [],
        "legal_basis": "《中华人民共和国道路交通安全法》第十九条",
        "validity_years": 6,
        "note": "重型、中型牵引车（半挂车），可兼驾B1、B2、C1等车型；营运货车另需道路运输从业资格证",
    },
    {
        "code": "YSCY-HY",
        "name": "道路运输从业资格证（货运）",
        "kind": CertificateKind.QUALIFICATION,
        "issuing_body": "交通运输部门",
        "legally_required": True,
        "required_for": [],
        "legal_basis": "《道路运输从业人员管理规定》",
        "validity_years": 6,
        "note": "驾驶总质量4.5吨以上普通货运车辆从事经营性运输时须持证",
    },
    {
        "code": "JN-4-10-01-06",
        "name": "家政服务员职业技能等级证书",
        "kind": CertificateKind.SKILL_LEVEL,
        "issuing_body": "经备案的职业技能等级认定机构",
        "legally_required": False,
        "required_for": [],
        "legal_basis": "",
        "validity_years": None,
        "note": "非法定强制，雇主和家政企业常要求",
    },
    {
        "code": "JN-YUYING",
        "name": "育婴员职业技能等级证书",
        "kind": CertificateKind.SKILL_LEVEL,
        "issuing_body": "经备案的职业技能等级认定机构",
        "legally_required": False,
        "required_for": [],
        "legal_basis": "",
        "validity_years": None,
        "note": "非法定强制；所用大典数据缺育婴员细类代码",
    },
    {
        "code": "JN-4-10-01-05",
        "name": "养老护理员职业技能等级证书",
        "kind": CertificateKind.SKILL_LEVEL,
        "issuing_body": "经备案的职业技能等级认定机构",
        "legally_required": False,
        "required_for": [],
        "legal_basis": "",
        "validity_years": None,
        "note": "非法定强制，养老机构常要求",
    },
    {
        "code": "JN-4-03-02-01",
        "name": "中式烹调师职业技能等级证书（厨师等级）",
        "kind": CertificateKind.SKILL_LEVEL,
        "issuing_body": "经备案的职业技能等级认定机构",
        "legally_required": False,
        "required_for": [],
        "legal_basis": "",
        "validity_years": None,
        "note": "非法定强制",
    },
    {
        "code": "JN-6-31-01-03",
        "name": "电工职业技能等级证书",
        "kind": CertificateKind.SKILL_LEVEL,
        "issuing_body": "经备案的职业技能等级认定机构",
        "legally_required": False,
        "required_for": [],
        "legal_basis": "",
        "validity_years": None,
        "note": "技能等级不能代替特种作业操作证（低压/高压电工作业）",
    },
    {
        "code": "XF-CZY",
        "name": "消防设施操作员证书",
        "kind": CertificateKind.SKILL_LEVEL,
        "issuing_body": "经备案的职业技能等级认定机构",
        "legally_required": False,
        "required_for": [],
        "legal_basis": "",
        "validity_years": None,
        "note": "消防控制室值班须持证上岗（见 GB 25506《消防控制室通用技术要求》）",
    },
)

# --- hardship categories --------------------------------------------------------------------------------
# 《广东省就业困难人员认定管理办法》(粤人社规〔2023〕11号, in force 2023-08-01): the eleven categories
# below are quoted from its first article (as republished by district governments, e.g. 清远市清新区
# 2025-04-27). The 办法 has thirteen categories in all; 低收入家庭 and 长期等待 are this project's local
# attention categories and their definitions must be confirmed by the city office (source says so).
#
# Tier rule inputs: assistance_level = the person is a 就业援助对象 once recognised (all eleven provincial
# categories); tier_weight 3 = priority assistance (兜底帮扶): households with no earner or on 低保, and
# people with disabilities (《就业促进法》第五十二条、第五十六条 put these first); 2 = assistance;
# 1 = attention only (not 援助 level, assistance_level False).
GD_2023 = "《广东省就业困难人员认定管理办法》（粤人社规〔2023〕11号）"
GD_2023_FROM = dt.date(2023, 8, 1)
HARDSHIP_CATEGORIES: tuple[dict[str, Any], ...] = (
    {
        "code": "older_unemployed",
        "name": "大龄失业人员",
        "description": "女40周岁以上、男50周岁以上的失业人员",
        "rule_note": "按身份证出生日期计算：女满40周岁、男满50周岁",
        "min_age_female": 40,
        "min_age_male": 50,
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "disabled",
        "name": "残疾人员",
        "description": "持有《中华人民共和国残疾人证》或者持有退役军人事务部门发放的伤残证件的人员",
        "rule_note": "核验残疾人证或伤残证件",
        "tier_weight": 3,
        "assistance_level": True,
    },
    {
        "code": "dibao",
        "name": "享受最低生活保障待遇人员",
        "description": "在民政部门低保管理系统登记备案的人员",
        "rule_note": "以民政部门低保系统登记为准",
        "tier_weight": 3,
        "assistance_level": True,
    },
    {
        "code": "zero_employment_urban",
        "name": "城镇“零就业家庭”人员",
        "description": (
            "户口簿显示住址在城镇的同一家庭户口中，法定劳动年龄内有劳动能力和就业意愿的家庭成员"
            "均处于无业状态的城镇居民家庭人员"
        ),
        "rule_note": "确保零就业家庭至少一人就业（就业促进法第五十六条）",
        "tier_weight": 3,
        "assistance_level": True,
    },
    {
        "code": "zero_transfer_rural",
        "name": "农村零转移就业原建档立卡贫困家庭人员",
        "description": (
            "户口簿显示住址在农村的同一家庭户口中，法定劳动年龄内有劳动能力和就业意愿的家庭成员"
            "均处于无业状态的原建档立卡贫困家庭人员"
        ),
        "rule_note": "",
        "tier_weight": 3,
        "assistance_level": True,
    },
    {
        "code": "landless_farmer",
        "name": "失地农民",
        "description": "依法被市、县人民政府组织实施征地而失去全部土地的农民",
        "rule_note": "",
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "long_unemployed",
        "name": "连续失业1年以上人员",
        "description": "最近一次办理失业登记后连续失业1年（含1年）以上的人员",
        "rule_note": "从最近一次失业登记之日起算满1年",
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "drug_rehab",
        "name": "戒毒康复人员",
        "description": "经过戒毒治疗、康复后回归社会的人员",
        "rule_note": "涉及敏感个人信息，仅记录类别，不记录细节",
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "released_prisoner",
        "name": "刑满释放人员",
        "description": "刑满释放后回归社会的人员",
        "rule_note": "涉及敏感个人信息，仅记录类别，不记录细节",
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "mental_rehab",
        "name": "精神障碍康复人员",
        "description": "经过精神障碍治疗、康复后回归社会的人员",
        "rule_note": "涉及敏感个人信息，仅记录类别，不记录细节",
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "veteran_unemployed",
        "name": "失业6个月以上的退役军人",
        "description": "依法退出现役且在申请认定时已登记失业6个月以上的退役军人",
        "rule_note": "从失业登记之日起算满6个月",
        "tier_weight": 2,
        "assistance_level": True,
    },
    {
        "code": "low_income_family",
        "name": "低收入家庭人员",
        "description": "经民政部门认定的低收入家庭（含最低生活保障边缘家庭）成员",
        "rule_note": "本项目的关注类别，定义待市人力资源管理办公室按现行文件核实",
        "tier_weight": 1,
        "assistance_level": False,
    },
    {
        "code": "long_waiting",
        "name": "长期等待就业人员",
        "description": "在零工市场或就业驿站求职登记后长时间未实现就业或未获派工的人员",
        "rule_note": (
            "本项目的关注类别：建议以求职登记后连续90天无成交为准，由驿站核实；定义待市人力资源管理办公室确认"
        ),
        "tier_weight": 1,
        "assistance_level": False,
    },
)


# --- reading the CSV files ------------------------------------------------------------------------------


def _open_csv(path: Path, required: set[str]) -> Iterable[tuple[int, dict[str, str]]]:
    # utf-8-sig: the files may have been re-saved by Excel with a BOM.
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path.name} 缺少列：{'、'.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in row.items() if k}


def split_mark(raw_name: str) -> tuple[str, str]:
    """“工程测量工程技术人员S” → ("工程测量工程技术人员", "S"); the 2022 marks trail the name."""
    m = _MARK_RE.search(raw_name)
    if m and len(raw_name) > len(m.group(1)):
        return raw_name[: m.start()].strip(), m.group(1)
    return raw_name.strip(), ""


def read_occupations(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """code → {name, level, mark}. The source repeats four codes; the deepest level wins (2-03-01-00 is
    listed as both 小类 and 细类 and has no children, like the other 小类 without 细类)."""
    path = Path(path) if path is not None else DATA_DIR / OCCUPATIONS_CSV
    out: dict[str, dict[str, Any]] = {}
    for line, row in _open_csv(path, {"level", "code", "name"}):
        code = row["code"]
        if not _CODE_RE.match(code):
            raise ValueError(f"{path.name} 第{line}行：职业代码“{code}”格式不对")
        try:
            level = int(row["level"])
        except ValueError:
            raise ValueError(f"{path.name} 第{line}行：层级“{row['level']}”不是数字") from None
        if level not in OccupationLevel.values:
            raise ValueError(f"{path.name} 第{line}行：层级应为1–4")
        name, mark = split_mark(row["name"])
        if mark not in OccupationMark.values:
            raise ValueError(f"{path.name} 第{line}行：未知的标识“{mark}”")
        if code not in out or level > out[code]["level"]:
            out[code] = {"name": name, "level": level, "mark": mark}
    return out


def parent_code(code: str, level: int, known: dict[str, Any]) -> str | None:
    """The nearest ancestor present in the table (the source lacks a few 小类 rows)."""
    major, medium, minor, _ = code.split("-")
    candidates = []
    if level == 4 and not code.endswith("-00"):
        candidates.append(f"{major}-{medium}-{minor}-00")
    if level >= 3:
        candidates.append(f"{major}-{medium}-00-00")
    if level >= 2:
        candidates.append(f"{major}-00-00-00")
    for c in candidates:
        if c != code and c in known and known[c]["level"] < level:
            return c
    return None


def read_gig_occupations(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Rows with a code, in file order. Rows without one are explanatory (普工 depends on the industry;
    育婴员's 细类 is missing from the table) and are skipped: synonyms map those words instead."""
    path = Path(path) if path is not None else DATA_DIR / GIG_CSV
    rows: list[dict[str, Any]] = []
    required = {"code", "gig_name", "category", "typical_wage_unit", "certificate", "note", "code_check"}
    for line, row in _open_csv(path, required):
        if not row["gig_name"]:
            raise ValueError(f"{path.name} 第{line}行：缺少零工常用名")
        if not row["code"]:
            continue
        if not _CODE_RE.match(row["code"]):
            raise ValueError(f"{path.name} 第{line}行：职业代码“{row['code']}”格式不对")
        rows.append(
            {
                "name": row["gig_name"][:80],
                "code": row["code"],
                "category": row["category"][:20],
                "typical_wage_unit": row["typical_wage_unit"][:80],
                "certificate": row["certificate"][:200],
                "note": row["note"][:200],
                "source_note": row["code_check"][:120],
                "sort": len(rows) + 1,
            }
        )
    return rows


def read_synonyms(path: Path | str | None = None) -> list[dict[str, str]]:
    path = Path(path) if path is not None else DATA_DIR / SYNONYMS_CSV
    rows = []
    seen: set[str] = set()
    for line, row in _open_csv(path, {"term", "target_code", "target_name", "note"}):
        term = normalize(row["term"]).replace(" ", "")
        if not term:
            raise ValueError(f"{path.name} 第{line}行：缺少词语")
        if term in seen:
            raise ValueError(f"{path.name} 第{line}行：词语“{term}”重复")
        seen.add(term)
        rows.append(
            {"term": term, "code": row["target_code"], "name": row["target_name"], "note": row["note"]}
        )
    return rows


# --- loading --------------------------------------------------------------------------------------------


@dataclass
class TableResult:
    created: int = 0
    updated: int = 0
    total: int = 0


@dataclass
class CatalogLoadResult:
    tables: dict[str, TableResult] = field(default_factory=dict)

    def summary(self) -> str:
        labels = {
            "occupations": "职业",
            "gig_occupations": "零工工种",
            "synonyms": "同义词",
            "certificates": "证书",
            "hardship_categories": "就业困难人员类别",
        }
        return "；".join(
            f"{labels[k]}：新建 {r.created}，更新 {r.updated}，共 {r.total}" for k, r in self.tables.items()
        )


def _upsert(
    model: type[models.Model],
    key: str,
    wanted: dict[str, dict[str, Any]],
    fields: list[str],
    existing_qs: models.QuerySet | None = None,
) -> tuple[TableResult, dict[str, Any], set[str]]:
    """Create missing rows and update changed ones, in bulk.

    Returns the counts, key → object for every row now present, and the keys created or updated.
    """
    now = timezone.now()
    qs = existing_qs if existing_qs is not None else model._default_manager.all()
    existing = {getattr(o, key): o for o in qs}
    to_create, to_update = [], []
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**{key: k}, **values, updated_at=now))
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            obj.updated_at = now  # type: ignore[union-attr]
            to_update.append(obj)
    model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, [*fields, "updated_at"], batch_size=500)
    objects = {getattr(o, key): o for o in model._default_manager.all()}
    touched = {getattr(o, key) for o in (*to_create, *to_update)}
    return TableResult(len(to_create), len(to_update), len(objects)), objects, touched


def _load_occupations(data_dir: Path) -> TableResult:
    rows = read_occupations(data_dir / OCCUPATIONS_CSV)
    result, objects, touched = _upsert(Occupation, "code", rows, ["name", "level", "mark"])
    # Parents in a second pass: the ids exist only now. Compare ids, so an unchanged tree costs nothing.
    now = timezone.now()
    changed = []
    for code, values in rows.items():
        parent = parent_code(code, values["level"], rows)
        parent_id = objects[parent].pk if parent else None
        obj = objects[code]
        if obj.parent_id != parent_id:
            obj.parent_id = parent_id
            obj.updated_at = now
            changed.append(obj)
    if changed:
        Occupation.objects.bulk_update(changed, ["parent", "updated_at"], batch_size=500)
        # A row whose only change is its parent counts as updated; the others were counted already.
        result.updated += sum(1 for o in changed if o.code not in touched)
    return result


def _occupation_ids(codes: Iterable[str], what: str) -> dict[str, int]:
    codes = set(codes)
    found = dict(Occupation.objects.filter(code__in=codes).values_list("code", "id"))
    missing = codes - set(found)
    if missing:
        raise ValueError(f"{what}引用了不存在的职业代码：{'、'.join(sorted(missing))}")
    return found


def _load_gig_occupations(data_dir: Path) -> TableResult:
    rows = read_gig_occupations(data_dir / GIG_CSV)
    ids = _occupation_ids((r["code"] for r in rows), GIG_CSV)
    wanted = {}
    for r in rows:
        values = {k: v for k, v in r.items() if k not in {"name", "code"}}
        values["occupation_id"] = ids[r["code"]]
        values["active"] = True
        wanted[r["name"]] = values
    fields = ["occupation_id", "category", "typical_wage_unit", "certificate", "note", "source_note"]
    result, _, _ = _upsert(GigOccupation, "name", wanted, [*fields, "sort", "active"])
    # Rows no longer in the file stay (other records may point at them) but are switched off.
    result.updated += (
        GigOccupation.objects.exclude(name__in=wanted)
        .filter(active=True)
        .update(active=False, updated_at=timezone.now())
    )
    return result


def _load_synonyms(data_dir: Path) -> TableResult:
    rows = read_synonyms(data_dir / SYNONYMS_CSV)
    ids = _occupation_ids((r["code"] for r in rows), SYNONYMS_CSV)
    levels = dict(Occupation.objects.filter(id__in=ids.values()).values_list("code", "level"))
    shallow = sorted(c for c, level in levels.items() if level != OccupationLevel.DETAIL)
    if shallow:
        raise ValueError(f"{SYNONYMS_CSV} 只能对应细类（第4层）职业：{'、'.join(shallow)}")
    # Admin-created rows win over the file; `active` is the admins' decision and never reset here.
    admin_terms = set(
        OccupationSynonym.objects.filter(created_by__isnull=False).values_list("term", flat=True)
    )
    wanted = {
        r["term"]: {"occupation_id": ids[r["code"]], "note": r["note"][:200]}
        for r in rows
        if r["term"] not in admin_terms
    }
    result, _, _ = _upsert(
        OccupationSynonym,
        "term",
        wanted,
        ["occupation_id", "note"],
        existing_qs=OccupationSynonym.objects.filter(created_by__isnull=True),
    )
    result.total = OccupationSynonym.objects.count()
    return result


def _load_certificates() -> TableResult:
    codes = {c for cert in CERTIFICATES for c in cert["required_for"]}
    ids = _occupation_ids(codes, "证书")
    wanted = {}
    for i, cert in enumerate(CERTIFICATES, start=1):
        values = {k: v for k, v in cert.items() if k not in {"code", "required_for"}}
        values["kind"] = str(values["kind"])
        wanted[cert["code"]] = {**values, "sort": i, "active": True}
    fields = [f for f in next(iter(wanted.values())) if f != "updated_at"]
    result, objects, _ = _upsert(Certificate, "code", wanted, fields)
    through = Certificate.required_for.through
    have = set(through.objects.values_list("certificate_id", "occupation_id"))
    want = {(objects[c["code"]].pk, ids[o]) for c in CERTIFICATES for o in c["required_for"]}
    ours = {objects[c["code"]].pk for c in CERTIFICATES}
    through.objects.bulk_create([through(certificate_id=c, occupation_id=o) for c, o in want - have])
    stale = {(c, o) for c, o in have if c in ours} - want
    for c, o in stale:
        through.objects.filter(certificate_id=c, occupation_id=o).delete()
    return result


def _load_hardship_categories() -> TableResult:
    wanted = {}
    for i, cat in enumerate(HARDSHIP_CATEGORIES, start=1):
        provincial = cat["assistance_level"]
        values = {
            "min_age_female": None,
            "min_age_male": None,
            **{k: v for k, v in cat.items() if k != "code"},
            "source": GD_2023 if provincial else f"本项目关注类别（参照{GD_2023}，待核实）",
            "valid_from": GD_2023_FROM,
            "valid_to": None,
            "active": True,
            "sort": i,
        }
        wanted[cat["code"]] = values
    fields = list(next(iter(wanted.values())))
    result, _, _ = _upsert(HardshipCategory, "code", wanted, fields)
    return result


@transaction.atomic
def load_catalog(data_dir: Path | str | None = None) -> CatalogLoadResult:
    """Upsert every catalog table. Safe to run repeatedly; raises ValueError in Chinese on bad data."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    result = CatalogLoadResult()
    result.tables["occupations"] = _load_occupations(data_dir)
    result.tables["gig_occupations"] = _load_gig_occupations(data_dir)
    result.tables["synonyms"] = _load_synonyms(data_dir)
    result.tables["certificates"] = _load_certificates()
    result.tables["hardship_categories"] = _load_hardship_categories()
    # Other processes notice through the catalog version; this one rechecks on its next classify.
    transaction.on_commit(invalidate)
    invalidate()
    return result


def index_from_files(data_dir: Path | str | None = None) -> OccupationIndex:
    """The classifier index straight from the CSV files, without a database (tests, benchmarks)."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    occupations = read_occupations(data_dir / OCCUPATIONS_CSV)
    records = []
    for code, values in occupations.items():
        if values["level"] != OccupationLevel.DETAIL:
            continue
        parent = parent_code(code, values["level"], occupations)
        minor = parent if parent and occupations[parent]["level"] == OccupationLevel.MINOR else None
        records.append(OccupationRecord(code, values["name"], occupations[minor]["name"] if minor else ""))
    surfaces = []
    for row in read_gig_occupations(data_dir / GIG_CSV):
        names, context = split_gig_name(row["name"])
        surfaces += [Surface(n, row["code"], "gig") for n in names]
        surfaces += [Surface(c, row["code"], "context") for c in context]
    surfaces += [Surface(r["term"], r["code"], "synonym") for r in read_synonyms(data_dir / SYNONYMS_CSV)]
    return build_index(records, surfaces, version="files")
