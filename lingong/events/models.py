"""Recruitment events (P-15): job fairs 招聘会, briefings 宣讲会, training sessions and mobile recruitment
流动招聘, run by a station; participating employers and their gigs; sign-ups (online, by QR on the spot,
or by staff for a walk-in), attendance and outcomes (意向 intentions, 到岗 hires)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

if TYPE_CHECKING:
    from lingong.accounts.models import User


class EventKind(models.TextChoices):
    JOB_FAIR = "job_fair", "招聘会"
    BRIEFING = "briefing", "宣讲会"
    TRAINING = "training", "培训"
    MOBILE = "mobile", "流动招聘"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "报名中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events the public can see: published, held, and cancelled ones that had been announced."""
        return self.filter(
            Q(status__in=[EventStatus.PUBLISHED, EventStatus.HELD])
            | Q(status=EventStatus.CANCELLED, published_at__isnull=False)
        )

    def upcoming(self, now=None):
        return self.filter(status=EventStatus.PUBLISHED, ends_at__gt=now or timezone.now())

    def manageable_by(self, user: User | None):
        """Events the user runs: coordinators their stations', town admins their towns', city admins all."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(
            Q(station_id__in=user.coordinator_station_ids) | Q(station__town_id__in=user.admin_town_ids)
        )

    def visible_to(self, user: User | None):
        public = self.public()
        if user is None or not user.is_authenticated:
            return public
        return (public | self.manageable_by(user)).distinct()


class Event(models.Model):
    """One event, organised by a station (whose ledger records it) and held there or at another place."""

    code = models.CharField("编号", max_length=12, unique=True)
    kind = models.CharField("类型", max_length=12, choices=EventKind.choices)
    title = models.CharField("名称", max_length=80)
    description = models.TextField("活动介绍", max_length=3000, blank=True)
    station = models.ForeignKey(
        "places.Station", verbose_name="主办站点", on_delete=models.PROTECT, related_name="events"
    )
    town = models.ForeignKey("places.Town", verbose_name="镇街", on_delete=models.PROTECT)
    venue = models.CharField(
        "场地", max_length=80, blank=True, help_text="如 小榄镇文化广场；在站点举办可不填"
    )
    address = models.CharField("地址", max_length=200)
    lat = models.FloatField("纬度")
    lng = models.FloatField("经度")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    capacity = models.PositiveIntegerField("名额")
    # Active sign-ups, kept by the services with conditional updates; the constraint is the last guard.
    signed_up = models.PositiveIntegerField("已报名", default=0)
    status = models.CharField("状态", max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="组织者", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    held_at = models.DateTimeField("确认举办时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘活动"
        verbose_name_plural = "招聘活动"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(name="event_capacity_positive", condition=Q(capacity__gte=1)),
            models.CheckConstraint(name="event_not_overbooked", condition=Q(signed_up__lte=F("capacity"))),
            models.CheckConstraint(name="event_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.signed_up)

    @property
    def place_label(self) -> str:
        return f"{self.venue}（{self.address}）" if self.venue else self.address

    def signup_open(self, now=None) -> bool:
        """Sign-ups are taken while the event is published and not over (on the day too, by QR)."""
        return self.status == EventStatus.PUBLISHED and (now or timezone.now()) < self.ends_at

    def on_the_day(self, now=None) -> bool:
        local = timezone.localtime(now or timezone.now()).date()
        return timezone.localtime(self.starts_at).date() <= local <= timezone.localtime(self.ends_at).date()


class EventEmployer(models.Model):
    """An employer taking part, with the open gigs it brings (links to existing postings)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    employer = models.ForeignKey("employers.Employer", verbose_name="用工主体", on_delete=models.PROTECT)
    gigs = models.ManyToManyField("gigs.Gig", verbose_name="带来的岗位", blank=True, related_name="+")
    booth = models.CharField("展位", max_length=20, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参会用工主体"
        verbose_name_plural = "参会用工主体"
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "employer"], name="event_employer_once")]

    def __str__(self) -> str:
        return f"{self.event} · {self.employer}"


class SignupSource(models.TextChoices):
    ONLINE = "online", "网上报名"
    QR = "qr", "现场扫码"
    STAFF = "staff", "工作人员登记"


class SignupStatus(models.TextChoices):
    ACTIVE = "active", "已报名"
    CANCELLED = "cancelled", "已取消"


class Signup(models.Model):
    """A person signed up: a registered worker, or a walk-in known only by name and phone."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="signups")
    code = models.CharField("编号", max_length=12, unique=True)
    worker = models.ForeignKey(
        "workers.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="event_signups"
    )
    name = models.CharField("姓名", max_length=30, blank=True)
    phone = models.CharField("手机号", max_length=11, blank=True)
    source = models.CharField("报名方式", max_length=10, choices=SignupSource.choices)
    status = models.CharField(
        "状态", max_length=10, choices=SignupStatus.choices, default=SignupStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("报名时间", auto_now_add=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # True once this person is counted in the station's ledger (on the spot, or when the event is held),
    # so nobody is counted twice.
    in_ledger = models.BooleanField(default=False)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "worker"],
                condition=Q(status="active", worker__isnull=False),
                name="signup_worker_once",
            ),
            models.UniqueConstraint(
                fields=["event", "phone"],
                condition=Q(status="active", worker__isnull=True) & ~Q(phone=""),
                name="signup_phone_once",
            ),
            models.CheckConstraint(
                name="signup_worker_or_name", condition=Q(worker__isnull=False) | ~Q(name="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.display_name}"

    @property
    def display_name(self) -> str:
        """Masked, as anyone but the event's staff sees it."""
        if self.worker is not None:
            return self.worker.masked_name
        name = self.name
        return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name

    @property
    def is_active(self) -> bool:
        return self.status == SignupStatus.ACTIVE


class OutcomeKind(models.TextChoices):
    INTENTION = "intention", "达成意向"
    HIRED = "hired", "到岗"


class Outcome(models.Model):
    """What came of the event for one person and one employer: an intention (意向) or a hire (到岗)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="outcomes")
    signup = models.ForeignKey(Signup, on_delete=models.PROTECT, related_name="outcomes")
    employer = models.ForeignKey("employers.Employer", verbose_name="用工主体", on_delete=models.PROTECT)
    gig = models.ForeignKey("gigs.Gig", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField("结果", max_length=10, choices=OutcomeKind.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动成效"
        verbose_name_plural = "活动成效"
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["signup", "employer", "kind"], name="outcome_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.signup.display_name} · {self.employer} · {self.get_kind_display()}"
