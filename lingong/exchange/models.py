"""岗位交换: partner platforms that push gigs in and pull them out, their import batches, and the outbox
that hands gig changes to the provincial public employment platform."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PartnerKind(models.TextChoices):
    HR_AGENCY = "hr_agency", "人力资源服务机构"
    PLATFORM = "platform", "招聘平台"
    PROVINCIAL = "provincial", "省级平台"


class Partner(models.Model):
    """A platform or agency that exchanges gigs with us. Imported gigs are posted for `employer` (a
    verified employer: the HR agency itself, or the employer the platform posts for); `users` may act
    for the partner (import, read the feed) with their own API tokens."""

    code = models.CharField("编号", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=PartnerKind.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="代发布的用工主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="可代表该合作方的用户", blank=True, related_name="partners"
    )
    active = models.BooleanField("有效", default=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "合作方"
        verbose_name_plural = "合作方"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="exchange_partner_kind_valid", condition=Q(kind__in=PartnerKind.values)
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExternalGig(models.Model):
    """Which of our gigs a partner's own id stands for, and the hash of the row it last sent, so a
    re-sent unchanged row is skipped."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="external_gigs")
    external_id = models.CharField("外部编号", max_length=64)
    gig = models.OneToOneField("gigs.Gig", on_delete=models.CASCADE, related_name="external")
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "外部岗位编号"
        verbose_name_plural = "外部岗位编号"
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="exchange_external_id_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.external_id}"


class BatchSource(models.TextChoices):
    API = "api", "接口"
    EXCEL = "excel", "Excel 上传"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "导入失败"


class ImportBatch(models.Model):
    """One import: a call of the API or an uploaded workbook. Counts grow chunk by chunk while it runs;
    `errors` lists the rejected rows with their row numbers and Chinese messages."""

    code = models.CharField("编号", max_length=12, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="batches")
    source = models.CharField("来源", max_length=8, choices=BatchSource.choices)
    status = models.CharField("状态", max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    file = models.FileField("文件", upload_to="exchange/imports/", blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    total = models.PositiveIntegerField("总行数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    rejected = models.PositiveIntegerField("被拒绝", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "created_at"], name="exchange_batch_partner")]

    def __str__(self) -> str:
        return f"{self.code} {self.get_source_display()}"

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else (100 if self.is_finished else 0)

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)


class PushStatus(models.TextChoices):
    PENDING = "pending", "待推送"
    SENDING = "sending", "推送中"
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败"
    DEAD = "dead", "重试用尽"


PUSH_FINAL = (PushStatus.SENT, PushStatus.FAILED, PushStatus.DEAD)


class ProvincialPush(models.Model):
    """A hand-off to the provincial platform: the gigs whose state changed, written in the transaction
    of the change. Delivered after commit and by the minute sweep, claimed with a conditional update so
    it is sent once; the gigs' current public state is what goes out."""

    gig_codes = models.JSONField("岗位编号", default=list)
    reason = models.CharField("原因", max_length=60)
    dedupe_key = models.CharField("去重键", max_length=200, unique=True)
    status = models.CharField("状态", max_length=8, choices=PushStatus.choices, default=PushStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", db_index=True)
    sent_at = models.DateTimeField("推送时间", null=True, blank=True)
    receipt = models.CharField("对方回执", max_length=100, blank=True)

    class Meta:
        verbose_name = "省级平台推送"
        verbose_name_plural = "省级平台推送"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="exchange_push_due")]

    def __str__(self) -> str:
        return f"{self.reason} {len(self.gig_codes)} 个岗位"
