"""Writes to articles: save (draft or edit), publish, take down, attachments, categories.

Every function checks who may do it, validates everything before writing, saves whole or not at all, and
writes an audit entry in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.places.models import Station, Town

from .files import check_uploads
from .models import CHANNEL_FIELDS, Article, ArticleKind, ArticleStatus, Attachment, Category, Channel
from .search import index_article

logger = logging.getLogger(__name__)

LIMITS = {"title": 120, "summary": 300, "body": 20000, "source": 60, "doc_number": 60}
ARTICLE_FIELDS = ("kind", "category", "title", "summary", "body", "source", "doc_number", "town", "pinned")


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Trimmed, NFC-normalised text; control characters become spaces (newlines kept in multi-line text)."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n")
    keep = "\n" if multiline else ""
    return "".join(ch if ch in keep or unicodedata.category(ch)[0] != "C" else " " for ch in text).strip()


def may_write(user: User | None) -> bool:
    """Who may open the content pages at all: admins, and coordinators (drafts only)."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_city_admin or user.admin_town_ids or user.coordinator_station_ids)
    )


def allowed_towns(user: User) -> list[Town | None]:
    """The towns an article by this person may belong to (None = the whole city)."""
    if user.is_city_admin:
        return [None, *Town.objects.all()]
    ids = set(user.admin_town_ids)
    ids |= set(Station.objects.filter(pk__in=user.coordinator_station_ids).values_list("town_id", flat=True))
    return list(Town.objects.filter(pk__in=ids))


def clean_article_data(data: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """Raw values (form or API) → model values, or ValidationError with Chinese messages per field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    kind = str(data.get("kind") or "")
    if kind not in ArticleKind.values:
        errors["kind"] = ["请选择类型：" + "、".join(ArticleKind.labels)]
    out["kind"] = kind
    category = data.get("category")
    if not isinstance(category, Category):
        category = Category.objects.filter(code=str(category or "")).first()
    if category is None or not category.active:
        errors["category"] = ["请选择栏目"]
    out["category"] = category
    for field, limit in LIMITS.items():
        text = clean_text(data.get(field), multiline=field == "body")
        if len(text) > limit:
            errors.setdefault(field, []).append(f"不能超过 {limit} 个字（现在 {len(text)} 个）")
        out[field] = text
    if not out["title"]:
        errors.setdefault("title", []).append("请填写标题")
    if not out["body"]:
        errors.setdefault("body", []).append("请填写正文")
    channels = data.get("channels") or []
    if isinstance(channels, str):
        channels = [channels]
    if not channels or any(c not in Channel.values for c in channels):
        errors["channels"] = ["请至少选择一个发布渠道：网站、信息一体机或 LED屏"]
    for channel, field in CHANNEL_FIELDS.items():
        out[field] = channel in channels
    town = data.get("town")
    if town is not None and not isinstance(town, Town):
        town = Town.objects.filter(code=str(town)).first() if str(town) else None
    towns = allowed_towns(actor)
    if town not in towns:
        errors["town"] = ["只能发布本镇街的资讯" if not actor.is_city_admin else "请选择有效的镇街"]
    out["town"] = town
    out["pinned"] = bool(data.get("pinned"))
    if errors:
        raise ValidationError(errors)
    return out


def snapshot(article: Article) -> dict[str, Any]:
    return {
        "kind": article.kind,
        "category": article.category.code if article.category_id else None,
        "title": article.title,
        "town": article.town.name if article.town is not None else "全市",
        "channels": article.channels,
        "status": article.status,
        "pinned": article.pinned,
    }


def _check_edit(actor: User, article: Article) -> None:
    if not Article.objects.editable_by(actor).filter(pk=article.pk).exists():
        raise PermissionDenied("只能修改本镇街的资讯（协理员只能修改自己未发布的稿件）")


def _check_publish(actor: User, article: Article) -> None:
    if not Article.objects.publishable_by(actor).filter(pk=article.pk).exists():
        raise PermissionDenied("只有市级管理员或本镇街管理员可以发布、撤下资讯")


@transaction.atomic
def save_article(*, actor: User, data: dict[str, Any], article: Article | None = None) -> Article:
    """Create a draft, or edit an article. A published article stays published and is re-indexed."""
    if not may_write(actor):
        raise PermissionDenied("没有编辑资讯的权限")
    cleaned = clean_article_data(data, actor=actor)
    if article is None:
        article = Article(code=new_code("A"), created_by=actor)
        before: dict[str, Any] = {}
    else:
        article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
        _check_edit(actor, article)
        if article.is_published:
            _check_publish(actor, article)
        before = snapshot(article)
    for field in (*ARTICLE_FIELDS, *CHANNEL_FIELDS.values()):
        setattr(article, field, cleaned[field])
    if not actor.is_city_admin:
        article.pinned = article.pinned and bool(actor.admin_town_ids)
    article.save()
    index_article(article)
    after = snapshot(article)
    if before:
        b, a = audit.diff(before, after)
        audit.record(actor, "content.edit", article, summary="修改资讯", before=b, after=a)
    else:
        audit.record(actor, "content.create", article, summary="新建资讯", after=after)
    return article


@transaction.atomic
def publish(article: Article, *, actor: User) -> Article:
    article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
    _check_publish(actor, article)
    if article.is_published:
        raise ValidationError("这篇资讯已经发布")
    article.status = ArticleStatus.PUBLISHED
    article.published_at = article.published_at or timezone.now()
    article.published_by = actor
    article.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    index_article(article)
    audit.record(actor, "content.publish", article, summary="发布资讯", after=snapshot(article))
    return article


@transaction.atomic
def unpublish(article: Article, *, actor: User, reason: str = "") -> Article:
    article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
    _check_publish(actor, article)
    if not article.is_published:
        raise ValidationError("这篇资讯没有发布，无需撤下")
    article.status = ArticleStatus.UNPUBLISHED
    article.save(update_fields=["status", "updated_at"])
    index_article(article)
    audit.record(actor, "content.unpublish", article, summary=f"撤下资讯 {clean_text(reason)[:200]}".strip())
    return article


def _discard(names: list[str]) -> None:
    """Files written by a transaction that then failed: the rows are gone, so the files go too."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("content: could not remove orphan attachment %s", name)


def add_attachments(article: Article, *, actor: User, files: Sequence[UploadedFile]) -> list[Attachment]:
    """Store files on an article: all of them or none (a bad file refuses the whole upload)."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
            _check_edit(actor, article)
            checked = check_uploads(files, already=article.attachments.count())
            saved = []
            for item in checked:
                digest = hashlib.sha256()
                for chunk in item.upload.chunks():
                    digest.update(chunk)
                item.upload.seek(0)
                attachment = Attachment(
                    article=article,
                    code=new_code("F"),
                    original_name=clean_text(item.name)[:120],
                    content_type=item.content_type,
                    size=item.upload.size or 0,
                    sha256=digest.hexdigest(),
                    uploaded_by=actor,
                )
                attachment.file.save(f"file.{item.ext}", item.upload, save=False)
                stored.append(attachment.file.name)
                attachment.save()
                saved.append(attachment)
            audit.record(
                actor,
                "content.attach",
                article,
                summary=f"上传附件 {len(saved)} 个",
                after={"files": [a.original_name for a in saved]},
            )
    except Exception:
        _discard(stored)
        raise
    return saved


def remove_attachment(attachment: Attachment, *, actor: User) -> None:
    name = attachment.file.name
    with transaction.atomic():
        _check_edit(actor, attachment.article)
        audit.record(
            actor, "content.detach", attachment.article, summary=f"删除附件 {attachment.original_name}"
        )
        attachment.delete()
        transaction.on_commit(lambda: _discard([name]))


# --- categories (city admins) -------------------------------------------------------------------------


def _check_city(actor: User) -> None:
    if not actor.is_city_admin:
        raise PermissionDenied("只有市级管理员可以管理栏目")


@transaction.atomic
def save_category(*, actor: User, name: str, sort: int = 0, category: Category | None = None) -> Category:
    _check_city(actor)
    name = clean_text(name)
    if not name or len(name) > 20:
        raise ValidationError({"name": ["栏目名称应为 1 到 20 个字"]})
    clash = Category.objects.filter(name=name)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"name": [f"已有栏目“{name}”"]})
    if category is None:
        category = Category(code=new_code("c", 6).lower(), active=True)
    category.name = name
    category.sort = max(0, min(int(sort), 999))
    category.save()
    audit.record(actor, "content.category", category, summary=f"保存栏目 {name}")
    return category


@transaction.atomic
def set_category_active(category: Category, *, actor: User, active: bool) -> Category:
    _check_city(actor)
    category.active = active
    category.save(update_fields=["active"])
    audit.record(
        actor, "content.category", category, summary=("启用" if active else "停用") + f"栏目 {category}"
    )
    return category
