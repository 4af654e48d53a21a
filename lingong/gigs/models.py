"""Gigs (零工岗位): postings, their shifts, applications and bookings, attendance, pay and ratings.

The life of a gig: an employer posts it (screened, then public or in the staff review queue); workers
apply or claim a shift; the employer offers, the worker accepts; on the day the worker checks in and
out; the employer records pay, the worker confirms it; both rate each other.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lingong.workers.models import PayUnit, Settlement

if TYPE_CHECKING:
    from lingong.accounts.models import User

__all__ = ["PayUnit", "Settlement"]


class BookingMode(models.TextChoices):
    CHOOSE = "choose", "用工方挑选"
    INSTANT = "instant", "先到先得（抢单）"


class GigKind(models.TextChoices):
    REGULAR = "regular", "普通零工"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位"


class Insurance(models.TextChoices):
    NONE = "none", "未投保"
    EMPLOYER = "employer", "用工方投保"
    SUBSIDISED = "subsidised", "政府补贴投保"


class Provided(models.TextChoices):
    MEALS = "meals", "包餐"
    LODGING = "lodging", "包住"
    TRANSPORT = "transport", "接送/交通补贴"
    TOOLS = "tools", "提供工具"
    UNIFORM = "uniform", "提供工装"
    INSURANCE = "insurance", "购买意外险"


class GigStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待人工审核"
    OPEN = "open", "招聘中"
    REJECTED = "rejected", "审核未通过"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


class GigQuerySet(models.QuerySet):
    def public(self):
        """Open gigs of employers whose verification is current: the only gigs anyone else may see."""
        today = timezone.localdate()
        return self.filter(
            status=GigStatus.OPEN,
            employer__status="approved",
            employer__reverify_due__gte=today,
        )

    def managed_by(self, user: User | None):
        """Gigs the user may change: members of the employer; staff for employers in their scope."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        scope = Q(employer_id__in=user.employer_ids)
        if user.admin_town_ids:
            scope |= Q(town_id__in=user.admin_town_ids)
        if user.coordinator_station_ids:
            scope |= Q(station_id__in=user.coordinator_station_ids)
        return self.filter(scope)

    def visible_to(self, user: User | None):
        """Public gigs plus the ones the user manages (drafts, in review, closed)."""
        public = self.public()
        if user is None or not user.is_authenticated:
            return public
        return (public | self.managed_by(user)).distinct()


class Gig(models.Model):
    """One posting. Headcount is per shift; a gig has one or more dated shifts."""

    code = models.CharField("编号", max_length=12, unique=True)
    employer = models.ForeignKey("employers.Employer", verbose_name="用工主体", on_delete=models.PROTECT)
    kind = models.CharField("岗位类型", max_length=16, choices=GigKind.choices, default=GigKind.REGULAR)
    occupation = models.ForeignKey("catalog.Occupation", verbose_name="职业", on_delete=models.PROTECT)
    title = models.CharField("标题", max_length=60)
    description = models.TextField("工作内容", max_length=2000)
    requirements = models.CharField("技能与体力要求", max_length=300, blank=True)
    headcount = models.PositiveSmallIntegerField("每班人数")
    town = models.ForeignKey("places.Town", verbose_name="镇街", on_delete=models.PROTECT)
    address = models.CharField("工作地点", max_length=200)
    lat = models.FloatField("纬度")
    lng = models.FloatField("经度")
    pay_amount = models.DecimalField("报酬", max_digits=8, decimal_places=2)
    pay_unit = models.CharField("计酬单位", max_length=8, choices=PayUnit.choices)
    settlement = models.CharField("结算方式", max_length=16, choices=Settlement.choices)
    certificates = models.ManyToManyField("catalog.Certificate", verbose_name="所需证书", blank=True)
    provided = models.JSONField("提供", default=list, blank=True)
    insurance = models.CharField(
        "意外伤害保险", max_length=12, choices=Insurance.choices, default=Insurance.NONE
    )
    booking_mode = models.CharField(
        "录用方式", max_length=10, choices=BookingMode.choices, default=BookingMode.CHOOSE
    )
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=11)
    station = models.ForeignKey(
        "places.Station",
        verbose_name="代发布站点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="站点工作人员代用工方发布时填写",
    )
    status = models.CharField("状态", max_length=10, choices=GigStatus.choices, default=GigStatus.DRAFT)
    findings = models.JSONField("审查结果", default=list, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Earliest and latest shift, kept by services so lists sort and filter without a join.
    first_start = models.DateTimeField("最早开工", null=True, blank=True)
    last_end = models.DateTimeField("最晚收工", null=True, blank=True)
    # Pay as an hourly figure (None for piece and order rates), so gigs sort by pay across units.
    hourly_pay = models.DecimalField("折合时薪", max_digits=8, decimal_places=2, null=True, blank=True)

    objects = GigQuerySet.as_manager()

    class Meta:
        verbose_name = "零工岗位"
        verbose_name_plural = "零工岗位"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "first_start"]),
            models.Index(fields=["status", "town", "first_start"]),
            models.Index(fields=["employer", "status"]),
            models.Index(fields=["status", "published_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="gig_headcount_positive", condition=Q(headcount__gte=1)),
            models.CheckConstraint(name="gig_pay_positive", condition=Q(pay_amount__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public_welfare(self) -> bool:
        return self.kind == GigKind.PUBLIC_WELFARE

    @property
    def is_instant(self) -> bool:
        return self.booking_mode == BookingMode.INSTANT

    def provided_labels(self) -> list[str]:
        return [str(Provided(p).label) for p in self.provided if p in Provided.values]

    def pay_label(self) -> str:
        amount = f"{self.pay_amount:.2f}".rstrip("0").rstrip(".")
        return f"{amount} {PayUnit(self.pay_unit).label}"


class GigTerm(models.Model):
    """The search index: one row per word, pinyin-initials key or synonym of a gig (see search.py)."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=24)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "gig"], name="gig_term_unique")]

    def __str__(self) -> str:
        return self.term


class ShiftStatus(models.TextChoices):
    OPEN = "open", "可报名"
    CANCELLED = "cancelled", "已取消"


class Shift(models.Model):
    """One dated shift of a gig. `booked` counts confirmed bookings; it can never pass `headcount`."""

    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField("开始")
    ends_at = models.DateTimeField("结束")
    headcount = models.PositiveSmallIntegerField("人数")
    booked = models.PositiveSmallIntegerField("已录用", default=0)
    status = models.CharField("状态", max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.OPEN)
    # The secret behind this shift's rotating check-in QR code.
    checkin_secret = models.CharField(max_length=32)

    class Meta:
        verbose_name = "班次"
        verbose_name_plural = "班次"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            # The last line of defence against overbooking, under the locking in services.
            models.CheckConstraint(name="shift_not_overbooked", condition=Q(booked__lte=F("headcount"))),
            models.CheckConstraint(name="shift_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{local:%m月%d日 %H:%M}–{end:%H:%M}"

    @property
    def places_left(self) -> int:
        return max(0, self.headcount - self.booked)

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()


class AppStatus(models.TextChoices):
    APPLIED = "applied", "已报名"
    INVITED = "invited", "用工方邀请"
    OFFERED = "offered", "待确认录用"
    BOOKED = "booked", "已录用"
    DECLINED = "declined", "已婉拒"
    REJECTED = "rejected", "未录用"
    WITHDRAWN = "withdrawn", "已撤回"
    CANCELLED = "cancelled", "已取消"
    NO_SHOW = "no_show", "未到岗"
    COMPLETED = "completed", "已完工"


# Statuses that hold a place on the shift (counted in Shift.booked).
HOLDS_PLACE = (AppStatus.BOOKED, AppStatus.COMPLETED)
# Statuses still in play: a worker may have at most one of these per shift.
LIVE = (AppStatus.APPLIED, AppStatus.INVITED, AppStatus.OFFERED, AppStatus.BOOKED)


class CancelledBy(models.TextChoices):
    WORKER = "worker", "零工"
    EMPLOYER = "employer", "用工方"
    SYSTEM = "system", "系统"


class CheckMethod(models.TextChoices):
    QR = "qr", "扫码"
    LOCATION = "location", "定位"
    MANUAL = "manual", "用工方确认"
    AUTO = "auto", "按班次结束时间自动签退"


class ApplicationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE)


class Application(models.Model):
    """A worker and a shift: from application or invitation through booking to completion."""

    code = models.CharField("编号", max_length=12, unique=True)
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="applications")
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="applications")
    worker = models.ForeignKey("workers.Worker", on_delete=models.PROTECT, related_name="applications")
    status = models.CharField("状态", max_length=12, choices=AppStatus.choices)
    note = models.CharField("留言", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    booked_at = models.DateTimeField("录用时间", null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    cancelled_late = models.BooleanField("临时取消", default=False)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    check_in_method = models.CharField(max_length=10, choices=CheckMethod.choices, blank=True)
    late_minutes = models.PositiveIntegerField("迟到（分钟）", default=0)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    check_out_method = models.CharField(max_length=10, choices=CheckMethod.choices, blank=True)
    completed_at = models.DateTimeField("完工时间", null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "报名与录用"
        verbose_name_plural = "报名与录用"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["gig", "status"]),
            models.Index(fields=["status", "completed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "worker"],
                condition=Q(status__in=["applied", "invited", "offered", "booked"]),
                name="application_one_live_per_shift",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gig} · {self.worker}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE


class PayMethod(models.TextChoices):
    CASH = "cash", "现金"
    WECHAT = "wechat", "微信转账"
    ALIPAY = "alipay", "支付宝"
    BANK = "bank", "银行转账"


class PayStatus(models.TextChoices):
    RECORDED = "recorded", "用工方已登记，待零工确认"
    CONFIRMED = "confirmed", "零工已确认收款"
    DISPUTED = "disputed", "零工有异议"


class PayRecord(models.Model):
    """Pay for one completed booking, as the employer recorded it and the worker confirmed it."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="pay")
    amount = models.DecimalField("金额", max_digits=9, decimal_places=2)
    method = models.CharField("方式", max_length=10, choices=PayMethod.choices)
    paid_at = models.DateTimeField("支付时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=PayStatus.choices, default=PayStatus.RECORDED)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    dispute_reason = models.CharField("异议说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "工资支付"
        verbose_name_plural = "工资支付"
        constraints = [models.CheckConstraint(name="pay_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.application} · {self.amount}"


class RatingSide(models.TextChoices):
    WORKER = "worker", "零工评价用工方"
    EMPLOYER = "employer", "用工方评价零工"


class Rating(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="ratings")
    side = models.CharField(max_length=10, choices=RatingSide.choices)
    stars = models.PositiveSmallIntegerField("评分")
    comment = models.CharField("评价", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [
            models.UniqueConstraint(fields=["application", "side"], name="rating_once_per_side"),
            models.CheckConstraint(name="rating_stars_1_to_5", condition=Q(stars__gte=1, stars__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.stars}星"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key: replays return the first answer; another body with it is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=60)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return self.key


class Reliability(models.Model):
    """A worker's record over the rolling window, recomputed when a booking ends (see reliability.py)."""

    worker = models.OneToOneField("workers.Worker", on_delete=models.CASCADE, related_name="reliability")
    window_days = models.PositiveSmallIntegerField(default=90)
    booked = models.PositiveIntegerField("录用次数", default=0)
    completed = models.PositiveIntegerField("完工", default=0)
    no_shows = models.PositiveIntegerField("未到岗", default=0)
    late_cancels = models.PositiveIntegerField("临时取消", default=0)
    on_time = models.PositiveIntegerField("准时到岗", default=0)
    score = models.FloatField("可靠度", default=1.0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.score}"
