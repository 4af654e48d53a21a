"""The notification outbox, what the local channel delivered, and SMS verification codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lingong.lib.masking import mask_phone

REDACTED = "******"


class ChannelName(models.TextChoices):
    SMS = "sms", "短信"
    WECHAT = "wechat", "微信"
    INAPP = "inapp", "站内消息"


class Status(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    DEAD = "dead", "重试用尽"


# A message in one of these states is never claimed again (consumers de-duplicate on them).
FINAL_STATUSES = (Status.SENT, Status.FAILED, Status.DEAD)


class OutboxMessage(models.Model):
    """One notification to one recipient, written in the same transaction as the change that causes it.

    Delivery happens after commit (and again from the periodic sweep), so a rolled-back change never
    sends, and a crashed consumer loses nothing. The unique dedupe key makes enqueueing idempotent.
    """

    channel = models.CharField("渠道", max_length=10, choices=ChannelName.choices)
    # A mainland mobile for sms, an openid for wechat, a user id for inapp.
    recipient = models.CharField("接收方", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    template = models.CharField("模板", max_length=60)
    params = models.JSONField("模板参数", default=dict, blank=True)
    # Names of params that must not outlive delivery (a verification code); redacted when final.
    secret_params = models.JSONField(default=list, blank=True)
    text = models.TextField("内容")
    dedupe_key = models.CharField("去重键", max_length=200, unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    # Who holds the message while it is "sending": a consumer that crashes leaves it here, and the
    # sweep takes it over once claimed_at is older than the timeout.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # A verification code that arrives after it expired is useless; it is not sent at all.
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    provider_id = models.CharField("服务商消息编号", max_length=100, blank=True)

    class Meta:
        verbose_name = "待发通知"
        verbose_name_plural = "待发通知"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notify_outbox_due")]
        constraints = [
            models.CheckConstraint(name="notify_outbox_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(
                name="notify_outbox_channel_valid", condition=Q(channel__in=ChannelName.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.masked_recipient} {self.template}"

    @property
    def masked_recipient(self) -> str:
        if self.channel == ChannelName.SMS:
            return mask_phone(self.recipient)
        if self.channel == ChannelName.WECHAT:
            r = self.recipient
            return f"{r[:4]}****{r[-4:]}" if len(r) > 8 else "****"
        return f"用户 {self.recipient}"

    @property
    def is_redacted(self) -> bool:
        return any(self.params.get(name) == REDACTED for name in self.secret_params)


class LocalDelivery(models.Model):
    """What the local channel "delivered": the inbox of a pretend phone, for demos and tests.

    One row per outbox message (unique), so a redelivery after a crash does not show twice.
    """

    message = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="local_delivery")
    channel = models.CharField(max_length=10, choices=ChannelName.choices)
    recipient = models.CharField(max_length=64, db_index=True)
    template = models.CharField(max_length=60)
    text = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    provider_id = models.CharField(max_length=100)
    delivered_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "本地通道投递记录"
        verbose_name_plural = "本地通道投递记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient} {self.text[:30]}"

    @property
    def code(self) -> str:
        """The verification code carried by the message, if any (for the demo page)."""
        return str(self.params.get("code", ""))


class Purpose(models.TextChoices):
    REGISTER = "register", "注册"
    LOGIN = "login", "登录"
    RESET = "reset", "找回密码"


class PhoneVerification(models.Model):
    """One SMS verification code. Only a keyed hash of the code is stored; it is single use."""

    phone = models.CharField("手机号", max_length=11)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("过期时间")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    request_ip = models.GenericIPAddressField("请求 IP", null=True, blank=True)
    # A short hint about the requester (e.g. a hashed session key) to investigate abuse.
    client_hint = models.CharField(max_length=64, blank=True)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [
            models.Index(fields=["phone", "created_at"], name="notify_verif_phone"),
            models.Index(fields=["request_ip", "created_at"], name="notify_verif_ip"),
        ]
        constraints = [
            models.CheckConstraint(
                name="notify_verification_purpose_valid", condition=Q(purpose__in=Purpose.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.get_purpose_display()}"
