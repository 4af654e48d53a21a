"""Public API for the code tables: occupation auto-coding, occupations, certificates, hardship categories.

These are code tables, not personal data, so every endpoint is public (auth=None).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Prefetch, Subquery
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .autocode import classify
from .models import Certificate, GigOccupation, HardshipCategory, Occupation

router = Router()


class MatchOut(Schema):
    code: str
    name: str
    score: float = Field(description="0–1，越大越可信")


class ClassifyQuery(Schema):
    q: str = Field(
        min_length=1, max_length=100, description="岗位名称或“我会做什么”，如“急招日结搬运工 2名”“bj”"
    )
    limit: int = Field(default=5, ge=1, le=20, description="最多返回几条（1–20）")


class OccupationOut(Schema):
    code: str
    name: str
    level: int
    mark: str
    parent_code: str | None
    gig_names: list[str]
    category: str


class OccupationList(Schema):
    count: int
    items: list[OccupationOut]


class OccupationQuery(Schema):
    q: str = Field(default="", max_length=50, description="名称、常用叫法、同义词或代码前缀")
    gig_only: bool = Field(default=False, description="只列常见零工工种")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=100000)


class AncestorOut(Schema):
    code: str
    name: str
    level: int


class GigNameOut(Schema):
    name: str
    category: str
    typical_wage_unit: str
    certificate: str


class OccupationDetailOut(Schema):
    code: str
    name: str
    level: int
    mark: str
    ancestors: list[AncestorOut]
    gig_occupations: list[GigNameOut]
    synonyms: list[str]
    required_certificates: list[str]


class CertificateOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    issuing_body: str
    legally_required: bool
    required_for: list[str]
    legal_basis: str
    validity_years: int | None
    note: str


class HardshipOut(Schema):
    code: str
    name: str
    description: str
    rule_note: str
    min_age_female: int | None
    min_age_male: int | None
    tier_weight: int
    assistance_level: bool
    source: str
    valid_from: dt.date
    valid_to: dt.date | None


@router.get(
    "/classify", response=list[MatchOut], auth=None, summary="识别职业代码（岗位名称或技能描述→职业）"
)
def classify_text(request, params: Query[ClassifyQuery]):
    q = params.q.strip()
    if not q:
        raise HttpError(400, "请输入工种或岗位名称，如“保洁”“搬运工”")
    return [{"code": m.code, "name": m.name, "score": m.score} for m in classify(q, params.limit)]


@router.get("/certificates", response=list[CertificateOut], auth=None, summary="证书代码表")
def list_certificates(request):
    certs = Certificate.objects.active().prefetch_related(
        Prefetch("required_for", queryset=Occupation.objects.only("code"))
    )
    return [
        {
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "issuing_body": c.issuing_body,
            "legally_required": c.legally_required,
            "required_for": [o.code for o in c.required_for.all()],
            "legal_basis": c.legal_basis,
            "validity_years": c.validity_years,
            "note": c.note,
        }
        for c in certs
    ]


@router.get(
    "/hardship-categories", response=list[HardshipOut], auth=None, summary="就业困难人员类别（现行有效）"
)
def list_hardship_categories(request, include_inactive: bool = False):
    qs = HardshipCategory.objects.all() if include_inactive else HardshipCategory.objects.current()
    return list(qs)


@router.get("/", response=OccupationList, auth=None, summary="职业细类列表与搜索（常见零工工种在前）")
def list_occupations(request, params: Query[OccupationQuery]):
    qs = Occupation.objects.detailed()
    q = params.q.strip()
    if q:
        qs = qs.filter(pk__in=Occupation.objects.detailed().search(q).values("pk"))
    if params.gig_only:
        qs = qs.filter(gig_occupations__active=True).distinct()
    first_gig = GigOccupation.objects.active().filter(occupation=OuterRef("pk")).order_by("sort")
    qs = qs.annotate(gig_order=Subquery(first_gig.values("sort")[:1])).select_related("parent")
    qs = qs.order_by("gig_order", "code") if params.gig_only else qs.order_by("code")
    count = qs.count()
    page = qs.prefetch_related(
        Prefetch("gig_occupations", queryset=GigOccupation.objects.active(), to_attr="active_gigs")
    )[params.offset : params.offset + params.limit]
    items = [
        {
            "code": o.code,
            "name": o.name,
            "level": o.level,
            "mark": o.mark,
            "parent_code": o.parent.code if o.parent else None,
            "gig_names": [g.name for g in o.active_gigs],
            "category": o.active_gigs[0].category if o.active_gigs else "",
        }
        for o in page
    ]
    return {"count": count, "items": items}


@router.get("/{code}", response=OccupationDetailOut, auth=None, summary="职业详情")
def get_occupation(request, code: str):
    occupation = Occupation.objects.select_related("parent__parent__parent").filter(code=code).first()
    if occupation is None:
        raise HttpError(404, f"找不到职业代码 {code}")
    ancestors: list[dict] = []
    node = occupation.parent
    while node is not None:
        ancestors.insert(0, {"code": node.code, "name": node.name, "level": node.level})
        node = node.parent
    return {
        "code": occupation.code,
        "name": occupation.name,
        "level": occupation.level,
        "mark": occupation.mark,
        "ancestors": ancestors,
        "gig_occupations": list(occupation.gig_occupations.filter(active=True)),
        "synonyms": list(occupation.synonyms.filter(active=True).values_list("term", flat=True)),
        "required_certificates": list(
            occupation.required_certificates.filter(active=True).values_list("code", flat=True)
        ),
    }
