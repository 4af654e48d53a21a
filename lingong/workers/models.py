"""Workers (零工/求职者): identity held encrypted, profile, skills, hardship records, consent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from lingong.lib.idcard import ADULT_AGE, age_on

if TYPE_CHECKING:
    from lingong.accounts.models import User


class PayUnit(models.TextChoices):
    HOUR = "hour", "元/时"
    DAY = "day", "元/天"
    SHIFT = "shift", "元/班"
    PIECE = "piece", "元/件"
    ORDER = "order", "元/单"
    MONTH = "month", "元/月"


class Settlement(models.TextChoices):
    DAILY = "daily", "日结"
    WEEKLY = "weekly", "周结"
    MONTHLY = "monthly", "月结"
    ON_COMPLETION = "on_completion", "完工结"


class TravelMode(models.TextChoices):
    WALK = "walk", "步行"
    EBIKE = "ebike", "电动车"
    CAR = "car", "驾车"


class RegisteredVia(models.TextChoices):
    SELF = "self", "本人手机登记"
    ASSISTED = "assisted", "站点代登记"
    KIOSK = "kiosk", "一体机登记"


class Tier(models.IntegerChoices):
    GENERAL = 1, "一般服务"
    KEY = 2, "重点服务"
    ASSISTANCE = 3, "援助服务"


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    DELETION_REQUESTED = "deletion_requested", "申请注销"
    ERASED = "erased", "已注销"


LANGUAGES = ["普通话", "粤语", "客家话", "潮汕话", "闽南话", "其他方言"]
# Availability is a 21-bit mask: 7 days × 3 parts of the day. Bit = day * 3 + part.
DAY_PARTS = [("上午", 6, 12), ("下午", 12, 18), ("晚上", 18, 22)]
ALL_WEEK = (1 << 21) - 1


class WorkerQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """The one access path to workers' records.

        A worker sees themself; a coordinator the workers of their station(s); a town admin the workers
        whose station is in their town; a city admin everyone. Employers never list workers here (they
        see applicants through gigs, masked).
        """
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        scope = Q(user=user)
        if user.coordinator_station_ids:
            scope |= Q(station_id__in=user.coordinator_station_ids)
        if user.admin_town_ids:
            scope |= Q(station__town_id__in=user.admin_town_ids)
        return self.filter(scope)

    def served_by(self, user: User | None):
        """Workers whose sensitive data (hardship, full profile) this staff member may handle."""
        qs = self.visible_to(user)
        if user is None or not user.is_authenticated or not user.is_back_office:
            return qs.none()
        return qs


class Worker(models.Model):
    """A person looking for gig work. The resident ID is stored only encrypted plus a keyed hash."""

    code = models.CharField("编号", max_length=12, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worker")
    real_name = models.CharField("姓名", max_length=30)
    id_cipher = models.TextField("身份证号（加密）")
    id_index = models.CharField("身份证号索引", max_length=64, unique=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18)
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    station = models.ForeignKey(
        "places.Station",
        verbose_name="服务站点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
    )
    registered_via = models.CharField("登记方式", max_length=10, choices=RegisteredVia.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    home_town = models.ForeignKey(
        "places.Town", verbose_name="居住镇街", null=True, blank=True, on_delete=models.PROTECT
    )
    home_community = models.CharField("村/社区", max_length=40, blank=True)
    home_lat = models.FloatField("居住地纬度", null=True, blank=True)
    home_lng = models.FloatField("居住地经度", null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField("愿意通勤（分钟）", default=30)
    travel_mode = models.CharField(
        "出行方式", max_length=10, choices=TravelMode.choices, default=TravelMode.EBIKE
    )
    availability = models.PositiveIntegerField("每周可工作时段", default=ALL_WEEK)
    expected_pay = models.DecimalField("期望报酬", max_digits=8, decimal_places=2, null=True, blank=True)
    expected_pay_unit = models.CharField(
        "报酬单位", max_length=10, choices=PayUnit.choices, default=PayUnit.DAY
    )
    settlement_pref = models.CharField(
        "结算偏好", max_length=16, choices=Settlement.choices, default=Settlement.DAILY
    )
    languages = models.JSONField("语言/方言", default=list, blank=True)
    intro = models.CharField("自我介绍", max_length=200, blank=True)
    looking_since = models.DateField("开始求职日期")
    tier = models.PositiveSmallIntegerField("服务等级", choices=Tier.choices, default=Tier.GENERAL)
    tier_reason = models.CharField("定级依据", max_length=200, blank=True)
    matching_opt_out = models.BooleanField("不接受岗位推荐", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "求职者"
        verbose_name_plural = "求职者"
        indexes = [models.Index(fields=["station", "status"]), models.Index(fields=["home_town", "status"])]
        constraints = [
            models.CheckConstraint(name="worker_travel_minutes", condition=Q(travel_minutes__lte=180)),
            models.CheckConstraint(name="worker_availability_bits", condition=Q(availability__lte=ALL_WEEK)),
            models.CheckConstraint(name="worker_tier_range", condition=Q(tier__gte=1, tier__lte=3)),
        ]

    def __str__(self) -> str:
        return f"{self.masked_name}（{self.code}）"

    @property
    def masked_name(self) -> str:
        """张*华 / 李*: what anyone without a reason to know sees."""
        name = self.real_name
        if len(name) <= 1:
            return name
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]

    def age(self, today: dt.date | None = None) -> int:
        return age_on(self.birth_date, today or dt.date.today())

    def is_juvenile(self, today: dt.date | None = None) -> bool:
        return self.age(today) < ADULT_AGE

    def available(self, weekday: int, part: int) -> bool:
        return bool(self.availability >> (weekday * 3 + part) & 1)


class ExperienceLevel(models.TextChoices):
    NEW = "new", "新手"
    SOME = "some", "1-3年"
    SKILLED = "skilled", "3年以上"
    MASTER = "master", "师傅/带班"


class WorkerOccupation(models.Model):
    """An occupation the worker can do, with how experienced they are."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="occupations")
    occupation = models.ForeignKey("catalog.Occupation", verbose_name="职业", on_delete=models.PROTECT)
    level = models.CharField(
        "经验", max_length=10, choices=ExperienceLevel.choices, default=ExperienceLevel.SOME
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "occupation"], name="worker_occupation_once")
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name}（{self.get_level_display()}）"


class WorkerCertificate(models.Model):
    """A certificate the worker holds; special-operation permits expire and must be valid on the day."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="certificates")
    certificate = models.ForeignKey("catalog.Certificate", verbose_name="证书", on_delete=models.PROTECT)
    number = models.CharField("证书编号", max_length=40, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    verified = models.BooleanField("已核验", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "certificate"], name="worker_certificate_once")
        ]

    def __str__(self) -> str:
        return self.certificate.name

    def valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class BlockedDate(models.Model):
    """A day the worker cannot work (a family matter, a hospital visit)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="blocked_dates")
    date = models.DateField("日期")

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["worker", "date"], name="worker_blocked_date_once")]

    def __str__(self) -> str:
        return str(self.date)


class HardshipStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    VERIFIED = "verified", "已核实"
    REJECTED = "rejected", "未通过"


class HardshipRecord(models.Model):
    """A hardship category (就业困难人员认定) recorded by staff with its evidence. Sensitive data."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="hardships")
    category = models.ForeignKey("catalog.HardshipCategory", verbose_name="类别", on_delete=models.PROTECT)
    evidence = models.CharField(
        "证明材料", max_length=200, help_text="如：残疾人证编号、低保证编号、失业登记日期"
    )
    status = models.CharField(
        "核实状态", max_length=10, choices=HardshipStatus.choices, default=HardshipStatus.PENDING
    )
    note = models.CharField("核实说明", max_length=200, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "category"], condition=~Q(status="rejected"), name="hardship_open_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.name}（{self.get_status_display()}）"

    def counts_on(self, day: dt.date) -> bool:
        return self.status == HardshipStatus.VERIFIED and (
            self.valid_until is None or self.valid_until >= day
        )


class ConsentPurpose(models.TextChoices):
    REGISTRATION = "registration", "求职登记与个人信息处理"
    SENSITIVE = "sensitive", "敏感个人信息（身份证号、困难认定）处理"
    MATCHING = "matching", "岗位推荐与向用工主体展示"


CONSENT_VERSION = "2026-11"


class Consent(models.Model):
    """What the worker agreed to, when, which text version, and how (self or in person)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("事项", max_length=20, choices=ConsentPurpose.choices)
    version = models.CharField("文本版本", max_length=20)
    given_at = models.DateTimeField("同意时间")
    channel = models.CharField("方式", max_length=10, choices=RegisteredVia.choices)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.version}"


class DeletionRequest(models.Model):
    """A worker's request to erase their data; wage and recruitment records are kept as the law requires."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="deletion_requests")
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField("原因", max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.worker_id} {self.requested_at:%Y-%m-%d}"
