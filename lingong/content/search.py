"""Keyword search over published articles, with the same jieba words as the gig search.

The index: every published article has ArticleTerm rows, the search-mode jieba words of its title,
summary, issuing body, document number and body (catalog.classifier.tokens, so 就业创业补贴 also yields
就业, 创业 and 补贴), title words first, capped at MAX_TERMS. The query is cut by gigs.search.query_words
(precise mode, stop words dropped); each word must match a term of the article, or appear in its title
(single characters, which the index leaves out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lingong.catalog.classifier import tokens
from lingong.gigs.search import query_words

from .models import CHANNEL_FIELDS, Article, ArticleKind, ArticleTerm, Category, Channel

MAX_TERMS = 400
TERM_MAX_CHARS = ArticleTerm._meta.get_field("term").max_length or 24
MAX_QUERY_CHARS = 60
CODE_RE = re.compile(r"[0-9A-Za-z_-]{0,20}")


class SearchError(ValueError):
    """A search parameter that makes no sense; the message is Chinese and shown to the person."""


def article_terms(article: Article) -> list[str]:
    """The index keys of one article, most important first."""
    terms: dict[str, None] = {}
    for text in (article.title, article.summary, article.source, article.doc_number, article.body):
        for word in sorted(tokens(text or ""), key=lambda w: (-len(w), w)):
            if len(terms) >= MAX_TERMS:
                return list(terms)
            if len(word) <= TERM_MAX_CHARS:
                terms.setdefault(word, None)
    return list(terms)


def index_article(article: Article) -> None:
    """(Re)write the terms of one article; an article that is not published has none. Called inside the
    services' transaction, so the index never disagrees with the article's status."""
    ArticleTerm.objects.filter(article=article).delete()
    if article.is_published:
        ArticleTerm.objects.bulk_create(ArticleTerm(article=article, term=t) for t in article_terms(article))


@dataclass
class ArticleSearch:
    q: str = ""
    kind: str = ""
    category: str = ""  # a Category code
    channel: str = ""  # web | kiosk | led
    town: str = ""  # a town code; articles of the whole city always match


def check(params: ArticleSearch) -> None:
    if not (CODE_RE.fullmatch(params.category) and CODE_RE.fullmatch(params.town)):
        raise SearchError("栏目或镇街代码无效")
    if len(params.q) > MAX_QUERY_CHARS:
        raise SearchError(f"关键词不能超过 {MAX_QUERY_CHARS} 个字")
    if params.kind and params.kind not in ArticleKind.values:
        raise SearchError("类型应为：" + "、".join(f"{v}（{label}）" for v, label in ArticleKind.choices))
    if params.channel and params.channel not in Channel.values:
        raise SearchError("发布渠道应为 web（网站）、kiosk（信息一体机）或 led（LED屏）")
    if params.category and not Category.objects.filter(code=params.category).exists():
        raise SearchError(f"找不到栏目“{params.category}”")


def search_articles(params: ArticleSearch, qs: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Published articles matching params, pinned first, newest first. SearchError for bad params."""
    check(params)
    qs = Article.objects.published() if qs is None else qs
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.category:
        qs = qs.filter(category__code=params.category)
    if params.channel:
        qs = qs.filter(**{CHANNEL_FIELDS[Channel(params.channel)]: True})
    if params.town:
        qs = qs.filter(Q(town__isnull=True) | Q(town__code=params.town))
    for word in query_words(params.q) if params.q.strip() else []:
        in_index = Q(pk__in=ArticleTerm.objects.filter(term=word).values("article_id"))
        qs = qs.filter(in_index | Q(title__icontains=word))
    return qs.select_related("category", "town").order_by("-pinned", "-published_at", "-id")
