"""Public content API: articles (for the mini-program, kiosks and partners) and the LED controller feed.

Registered at "/" because the feed lives under /stations/{code}/feed, next to the places router's
/stations/{code}; the two paths do not overlap (a path parameter never matches a slash).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lingong.gigs.search import FilterError
from lingong.places.models import Station

from . import kiosk
from .models import Article
from .search import ArticleSearch, SearchError, search_articles

router = Router()


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    url: str


class ArticleOut(Schema):
    code: str
    kind: str
    kind_label: str
    category: str
    category_name: str
    title: str
    summary: str
    source: str
    doc_number: str
    town: str = Field(description="镇街名称；全市资讯为空")
    channels: list[str]
    pinned: bool
    published_at: dt.datetime | None
    url: str
    attachments: list[AttachmentOut]


class ArticleDetailOut(ArticleOut):
    body: str


class ArticleList(Schema):
    count: int
    items: list[ArticleOut]


class ArticleQuery(Schema):
    q: str = Field(default="", max_length=60, description="关键词（中文分词）")
    kind: Literal["policy", "law", "interpretation", "news", "announcement", "case", ""] = ""
    category: str = Field(default="", max_length=20, pattern=r"^[0-9A-Za-z_-]*$", description="栏目代码")
    channel: Literal["web", "kiosk", "led", ""] = Field(default="", description="发布渠道")
    town: str = Field(
        default="", max_length=9, pattern=r"^\d*$", description="镇街区划代码：本镇街和全市的资讯"
    )
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10000)


def _article_out(request, a: Article, *, with_body: bool = False) -> dict:
    out = {
        "code": a.code,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "category": a.category.code,
        "category_name": a.category.name,
        "title": a.title,
        "summary": a.summary,
        "source": a.source,
        "doc_number": a.doc_number,
        "town": a.town.name if a.town is not None else "",
        "channels": a.channels,
        "pinned": a.pinned,
        "published_at": a.published_at,
        "url": kiosk.absolute_url(request, reverse("content:detail", args=[a.code])),
        "attachments": [
            {
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "url": kiosk.absolute_url(request, reverse("content:attachment", args=[a.code, f.code])),
            }
            for f in a.attachments.all()
        ],
    }
    if with_body:
        out["body"] = a.body
    return out


@router.get("/articles", response=ArticleList, auth=None, summary="政策资讯：搜索已发布的资讯")
def list_articles(request, q: Query[ArticleQuery]):
    try:
        qs = search_articles(ArticleSearch(q.q, q.kind, q.category, q.channel, q.town))
    except SearchError as exc:
        raise HttpError(400, str(exc)) from None
    total = qs.count()
    page = qs.prefetch_related("attachments")[q.offset : q.offset + q.limit]
    return {"count": total, "items": [_article_out(request, a) for a in page]}


@router.get("/articles/{code}", response=ArticleDetailOut, auth=None, summary="资讯全文（已发布）")
def get_article(request, code: str):
    article = get_object_or_404(
        Article.objects.published().select_related("category", "town").prefetch_related("attachments"),
        code=code,
    )
    return _article_out(request, article, with_body=True)


class StationBrief(Schema):
    code: str
    name: str


class FeedItem(Schema):
    code: str
    title: str
    pay: str = Field(description="报酬，如“180 元/天”")
    settlement: str = Field(description="结算方式：日结、周结……")
    town: str
    distance_km: float | None = Field(description="离站点的直线距离（公里）")
    minutes: int | None = Field(description="从站点骑电动车的估计分钟数")
    starts: dt.datetime | None = Field(description="最近一个可报名班次的开始时间")
    places_left: int
    url: str = Field(description="手机打开岗位的地址")


class Feed(Schema):
    station: StationBrief
    generated_at: dt.datetime
    items: list[FeedItem]


class FeedQuery(Schema):
    format: Literal["json", "text"] = Field(
        default="json", description="json，或 text：每行一个岗位的纯文本（UTF-8）"
    )
    width: int = Field(default=40, ge=8, le=400, description="text 格式每行的显示宽度（汉字算 2 列）")
    limit: int = Field(default=20, ge=1, le=kiosk.FEED_MAX_ITEMS, description="岗位条数")


@router.get(
    "/stations/{code}/feed",
    response=Feed,
    auth=None,
    summary="零工橱窗/LED 屏数据：离站点最近的招聘中岗位",
    description=(
        "供 LED 控制软件定时拉取。format=text 时返回纯文本，每行一个岗位，按 width 截断或补空格到相同"
        "显示宽度（汉字等全角字符算 2 列）。"
    ),
)
def station_feed(request, code: str, q: Query[FeedQuery]):
    station = get_object_or_404(Station.objects.public(), code=code)
    now = timezone.now()
    try:
        gigs = kiosk.station_gigs(station, limit=q.limit, now=now)
    except FilterError as exc:  # the station lies outside the city: nothing near it can be listed
        raise HttpError(400, str(exc)) from None
    items = [kiosk.feed_item(g, request) for g in gigs]
    if q.format == "text":
        body = kiosk.feed_text(items, q.width, timezone.localdate(now))
        response = HttpResponse(body, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "max-age=30"
        return response
    return {"station": {"code": station.code, "name": station.name}, "generated_at": now, "items": items}
