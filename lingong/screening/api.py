"""Screening API: POST /gigs/screen checks a posting's wording and pay before it is saved or published.

Mounted at the API root (final path /api/v1/gigs/screen). Invalid input is a 422 with Chinese messages
(lingong/api/main.py); anonymous callers get a 401.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from lingong.api.auth import token_or_session

from .engine import screen
from .forms import DESCRIPTION_MAX, TITLE_MAX

router = Router(auth=token_or_session)

PayUnit = Literal["hour", "day", "shift", "piece", "order", "month"]


class ScreenIn(Schema):
    title: str = Field(max_length=TITLE_MAX, description="岗位名称（最多60字）；为空时会给出“缺少必填项”")
    description: str = Field(max_length=DESCRIPTION_MAX, description="岗位描述（最多2000字）")
    pay_amount: Decimal | None = Field(
        default=None, ge=0, le=1_000_000, max_digits=10, decimal_places=2, description="工价（元）"
    )
    pay_unit: PayUnit | None = Field(
        default=None,
        description=(
            "计薪单位：hour 时 / day 天 / shift 班 / piece 件 / order 单 / month 月（件、单不做最低工资检查）"
        ),
    )


class FindingOut(Schema):
    category: str = Field(description="类别代码，如 sex、age、fee、min_wage")
    category_label: str = Field(description="类别名称，如 性别")
    severity: Literal["block", "warn"] = Field(description="block 禁止发布 / warn 提醒修改")
    text: str = Field(description="原文中有问题的文字（缺少必填项时为空）")
    message: str = Field(description="问题说明和修改建议")
    law: str = Field(description="依据的法律法规")
    field: str = Field(description="title / description / pay")


class ScreenOut(Schema):
    ok: bool = Field(description="没有“禁止发布”的问题时为 true（可能仍有提醒）")
    findings: list[FindingOut]


@router.post("/gigs/screen", response=ScreenOut, summary="岗位审查：检查岗位名称、描述和工价是否合规")
def screen_gig(request, payload: ScreenIn):
    result = screen(
        title=payload.title,
        description=payload.description,
        pay_amount=payload.pay_amount,
        pay_unit=payload.pay_unit,
    )
    return {
        "ok": result.ok,
        "findings": [
            {
                "category": f.category,
                "category_label": f.category_label,
                "severity": f.severity,
                "text": f.text,
                "message": f.message,
                "law": f.law,
                "field": f.field,
            }
            for f in result.findings
        ],
    }
