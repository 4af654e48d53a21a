"""Exchange API for partner platforms: push a batch of gigs in (upsert by the partner's own id), pull
the feed of public gigs out. Bearer tokens of the partner's authorised users (or the web session)."""

from __future__ import annotations

import functools
from typing import Any

from django.http import JsonResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lingong.accounts.services import user_for_token
from lingong.api.auth import token_or_session
from lingong.gigs.idempotency import run_once

from . import access, feed, importer, services

router = Router(auth=token_or_session)

# A full batch of 5,000 gigs is several megabytes, over Django's default in-memory limit for a request
# body. Only a signed-in caller's body is taken in up to this size.
MAX_BODY_BYTES = 20 * 1024 * 1024


def _take_body(request) -> JsonResponse | None:
    if hasattr(request, "_body") or getattr(request, "_read_started", False):
        return None
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        detail = f"请求体不能超过 {MAX_BODY_BYTES // 1024 // 1024} MB，请分批推送"
        return JsonResponse({"detail": detail}, status=413, json_dumps_params={"ensure_ascii": False})
    request._body = request.read()  # what HttpRequest.body does, with our limit instead of the default
    return None


def _signed_in(request) -> bool:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return user_for_token(header[7:].strip()) is not None
    return bool(request.user.is_authenticated)


def _large_body_when_signed_in(run):
    """Runs before anything else reads the body (the API-wide checks included), so a signed-in partner's
    full batch is taken in; everyone else keeps Django's default limit. Auth still runs as usual."""

    @functools.wraps(run)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and _signed_in(request):
            refused = _take_body(request)
            if refused is not None:
                return refused
        return run(request, *args, **kwargs)

    return wrapped


router.add_decorator(_large_body_when_signed_in, mode="view")


class ShiftRowIn(Schema):
    date: str = Field(default="", max_length=20, description="日期 YYYY-MM-DD")
    start: str = Field(default="", max_length=8, description="上班时间 HH:MM")
    end: str = Field(default="", max_length=8, description="下班时间 HH:MM（早于上班时间表示跨夜）")


class GigRowIn(Schema):
    """One gig as the partner holds it. Values are checked row by row with the posting rules, so a bad
    value rejects that row (with its row number and the reason) and not the whole batch."""

    external_id: str = Field(max_length=64, description="合作方自己的岗位编号：同一编号再次推送即更新")
    occupation: str = Field(default="", max_length=20, description="职业代码，如 4-09-08-01（保洁员）")
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    requirements: str = Field(default="", max_length=1000)
    headcount: int | str | None = Field(default=None, description="每班人数 1–500")
    town: str = Field(default="", max_length=30, description="镇街：代码、名称或简称")
    address: str = Field(default="", max_length=400)
    lat: float | str | None = None
    lng: float | str | None = None
    pay_amount: str | float | None = Field(default=None, description="报酬金额")
    pay_unit: str = Field(default="", max_length=10, description="hour/day/shift/piece/order/month")
    settlement: str = Field(default="", max_length=16, description="daily/weekly/monthly/on_completion")
    certificates: list[str] = Field(default_factory=list, max_length=10)
    provided: list[str] = Field(default_factory=list, max_length=10)
    insurance: str = Field(default="", max_length=12)
    booking_mode: str = Field(default="", max_length=10)
    kind: str = Field(default="", max_length=16)
    contact_name: str = Field(default="", max_length=60)
    contact_phone: str = Field(default="", max_length=20)
    shifts: list[ShiftRowIn] = Field(default_factory=list, max_length=40)


class ImportIn(Schema):
    partner: str = Field(default="", max_length=12, description="合作方编号；只代表一个合作方时可省略")
    gigs: list[GigRowIn] = Field(min_length=1, max_length=importer.MAX_ROWS)


class RowErrorOut(Schema):
    row: int = Field(description="第几条（从 1 起）")
    external_id: str
    messages: list[str]


class ImportOut(Schema):
    batch: str
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]


@router.post(
    "/gigs",
    response={200: ImportOut},
    summary="批量推送岗位（最多 5,000 条，按外部编号新增或更新，逐条审查）；支持 Idempotency-Key",
    description="被拒绝的行返回行号和中文原因，其余各行完整保存；内容未变的行跳过。",
)
def import_gigs(request, payload: ImportIn):
    partner = access.partner_for_import(request.auth, payload.partner)
    rows = [row.model_dump() for row in payload.gigs]

    def action() -> tuple[int, Any]:
        batch, result = services.import_gigs(actor=request.auth, partner=partner, rows=rows)
        return 200, {"batch": batch.code, **result.as_dict()}

    status, body = run_once(
        request, scope=f"exchange-import:{partner.code}", body=payload.model_dump(), action=action
    )
    return Status(status, body)


class PartnerFeedQuery(Schema):
    since: str = Field(default="", max_length=50, description="上次返回的 next_cursor；首次拉取留空")
    limit: int = Field(default=feed.FEED_LIMIT, ge=1, le=feed.FEED_LIMIT)


class FeedOut(Schema):
    items: list[dict[str, Any]] = Field(
        description="变化的岗位：event=open 为公开岗位全文（联系电话为掩码），event=closed 表示已下架"
    )
    next_cursor: str
    has_more: bool


@router.get(
    "/gigs/feed", response=FeedOut, summary="拉取岗位变化（公开岗位的新增、更新与下架），按游标增量同步"
)
def gig_feed(request, q: Query[PartnerFeedQuery]):
    access.require_feed_access(request.auth)
    try:
        return feed.changes(q.since, limit=q.limit)
    except feed.CursorError as exc:
        raise HttpError(422, str(exc)) from None
