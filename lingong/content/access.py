"""The one access path to an article, for reading and for changing it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Article
from .services import may_write


def article_for_reader(request, code: str) -> tuple[Article, bool]:
    """(article, can_edit). Published articles for everyone; others only for their editors (404)."""
    article = (
        Article.objects.visible_to(request.user).select_related("category", "town").filter(code=code).first()
    )
    if article is None:
        raise Http404("未找到该资讯，或资讯尚未发布")
    can_edit = Article.objects.editable_by(request.user).filter(pk=article.pk).exists()
    return article, can_edit


def require_writer(request) -> None:
    """403 for anyone who may not write content at all (workers, employers, outsiders)."""
    if not may_write(request.user):
        raise PermissionDenied("只有市、镇街管理员和站点协理员可以管理资讯")


def article_for_editor(request, code: str) -> tuple[Article, bool]:
    """(article, can_publish) for the edit page. 403 without write rights or outside the user's scope
    (a published article of another town); 404 for what the user cannot even read."""
    require_writer(request)
    article = (
        Article.objects.visible_to(request.user).select_related("category", "town").filter(code=code).first()
    )
    if article is None:
        raise Http404("未找到该资讯")
    if not Article.objects.editable_by(request.user).filter(pk=article.pk).exists():
        raise PermissionDenied("只能管理本镇街的资讯")
    can_publish = Article.objects.publishable_by(request.user).filter(pk=article.pk).exists()
    return article, can_publish
