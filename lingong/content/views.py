"""Public pages: 政策资讯 list with search and filters, one article, its attachments."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from .access import article_for_reader
from .models import ArticleKind, Category, Channel
from .search import ArticleSearch, SearchError, search_articles

PAGE_SIZE = 20


def article_list(request):
    g = request.GET
    params = ArticleSearch(
        q=g.get("q", "").strip(), kind=g.get("kind", ""), category=g.get("category", ""), channel=Channel.WEB
    )
    error = ""
    try:
        qs = search_articles(params)
    except SearchError as exc:
        error = str(exc)
        qs = search_articles(ArticleSearch(channel=Channel.WEB))
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    rest = g.copy()
    rest.pop("page", None)
    context = {
        "page": page,
        "articles": page.object_list,
        "kinds": ArticleKind.choices,
        "categories": Category.objects.filter(active=True),
        "params": params,
        "error": error,
        "query": rest.urlencode(),
    }
    return render(request, "content/list.html", context, status=400 if error else 200)


def article_detail(request, code: str):
    article, can_edit = article_for_reader(request, code)
    context = {"article": article, "can_edit": can_edit, "attachments": article.attachments.all()}
    return render(request, "content/detail.html", context)


def attachment(request, code: str, file_code: str):
    """One attachment: public once the article is published; before that, only for its editors."""
    article, _ = article_for_reader(request, code)
    item = get_object_or_404(article.attachments.all(), code=file_code)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    response = FileResponse(
        handle, content_type=item.content_type, as_attachment=not item.inline, filename=item.original_name
    )
    response["Cache-Control"] = "public, max-age=3600" if article.is_published else "private, no-store"
    return response
