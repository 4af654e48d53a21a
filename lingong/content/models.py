"""Articles (P-4, P-22): policies, laws, interpretations, news, announcements and typical cases, published
to the web, the station kiosks and the LED screens, with attachments and a keyword index."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from lingong.accounts.models import User


class ArticleKind(models.TextChoices):
    POLICY = "policy", "政策"
    LAW = "law", "法规"
    INTERPRETATION = "interpretation", "解读"
    NEWS = "news", "新闻"
    ANNOUNCEMENT = "announcement", "公告"
    CASE = "case", "典型经验"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    UNPUBLISHED = "unpublished", "已撤下"


class Channel(models.TextChoices):
    WEB = "web", "网站"
    KIOSK = "kiosk", "信息一体机"
    LED = "led", "LED屏/零工橱窗"


# The boolean column behind each channel: three columns filter and index better than a JSON list.
CHANNEL_FIELDS = {Channel.WEB: "on_web", Channel.KIOSK: "on_kiosk", Channel.LED: "on_led"}


class Category(models.Model):
    """A topic (栏目) such as 就业创业 or 劳动权益; a code table the city office keeps."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)

    def on_channel(self, channel: str):
        return self.filter(**{CHANNEL_FIELDS[Channel(channel)]: True})

    def editable_by(self, user: User | None):
        """Articles the user may change. City admins: all. Town admins: their towns' articles.
        Coordinators: their own drafts (an admin publishes them)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        scope = Q(pk__in=[])
        if user.admin_town_ids:
            scope |= Q(town_id__in=user.admin_town_ids)
        if user.coordinator_station_ids:
            scope |= Q(created_by=user) & ~Q(status=ArticleStatus.PUBLISHED)
        return self.filter(scope)

    def publishable_by(self, user: User | None):
        """Articles the user may publish or take down: city admins all, town admins their towns'."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(town_id__in=user.admin_town_ids)

    def visible_to(self, user: User | None):
        """Published articles for everyone; drafts and withdrawn ones for the people who may edit them."""
        if user is None or not user.is_authenticated:
            return self.published()
        return (self.published() | self.editable_by(user)).distinct()


class Article(models.Model):
    """One article. The body is plain text (paragraphs separated by blank lines), never HTML, so nothing
    an editor pastes can run in a reader's browser."""

    code = models.CharField("编号", max_length=12, unique=True)
    kind = models.CharField("类型", max_length=16, choices=ArticleKind.choices)
    category = models.ForeignKey(Category, verbose_name="栏目", on_delete=models.PROTECT)
    title = models.CharField("标题", max_length=120)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body = models.TextField("正文", max_length=20000)
    source = models.CharField("发布机构", max_length=60, blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    town = models.ForeignKey(
        "places.Town",
        verbose_name="镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="镇街发布的资讯；留空为全市",
    )
    on_web = models.BooleanField("网站", default=True)
    on_kiosk = models.BooleanField("信息一体机", default=False)
    on_led = models.BooleanField("LED屏", default=False)
    pinned = models.BooleanField("置顶", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "资讯"
        verbose_name_plural = "资讯"
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                name="article_has_channel", condition=Q(on_web=True) | Q(on_kiosk=True) | Q(on_led=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def channels(self) -> list[str]:
        return [str(c) for c, f in CHANNEL_FIELDS.items() if getattr(self, f)]

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channels]

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n") if p.strip()]


class ArticleTerm(models.Model):
    """The search index: one row per jieba word of a published article (see search.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=24)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "article"], name="article_term_unique")]

    def __str__(self) -> str:
        return self.term


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under the article's folder: the uploaded name is kept only as a label."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"content/{instance.article.code}/{secrets.token_hex(16)}.{ext}"


class Attachment(models.Model):
    """A PDF, image or Office document attached to an article, stored under MEDIA_ROOT and served by
    views.attachment: to everyone once the article is published, else only to its editors."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    code = models.CharField("编号", max_length=12, unique=True)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=120)
    # Decided from the file's content, not from what the browser claimed.
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def inline(self) -> bool:
        """Images and PDFs open in the browser; Office documents download."""
        return self.content_type.startswith("image/") or self.content_type == "application/pdf"

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"
