"""Training (P-14): the course catalogue and referrals of workers to courses.

A course is run by a provider (a training school, an enterprise, the public employment service) and
is listed by a town admin (their town) or the city office (city-wide). A referral follows one worker
through one course: 推荐 → 报名 → 在训 → 结业 → 取证, or 放弃 at any point before the end.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

if TYPE_CHECKING:
    from lingong.accounts.models import User


class CourseStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "报名中"
    RUNNING = "running", "已开班"
    FINISHED = "finished", "已结束"
    CANCELLED = "cancelled", "已取消"


# Statuses the public sees in the catalogue.
PUBLISHED = (CourseStatus.OPEN, CourseStatus.RUNNING, CourseStatus.FINISHED)


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=PUBLISHED)

    def open_for_referral(self, today: dt.date):
        """Courses a worker can still be sent to: taking sign-ups and not yet over."""
        return self.filter(status=CourseStatus.OPEN, ends_on__gte=today)

    def editable_by(self, user: User | None):
        """City admins edit every course; town admins the courses of their towns. Coordinators read."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(town_id__in=user.admin_town_ids)

    def visible_to(self, user: User | None):
        """Published courses for everyone; drafts and cancelled ones also for the admins who edit them."""
        published = Q(status__in=PUBLISHED)
        if user is None or not user.is_authenticated:
            return self.filter(published)
        if user.is_city_admin:
            return self.all()
        if user.admin_town_ids:
            return self.filter(published | Q(town_id__in=user.admin_town_ids))
        return self.filter(published)


class Course(models.Model):
    """One training course (a class with dates), as a worker would choose it."""

    code = models.CharField("编号", max_length=12, unique=True)
    title = models.CharField("课程名称", max_length=60)
    occupation = models.ForeignKey(
        "catalog.Occupation",
        verbose_name="培训职业（工种）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text="创业培训可以不填",
    )
    certificate = models.ForeignKey(
        "catalog.Certificate",
        verbose_name="结业可考取的证书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField("培训等级", max_length=20, blank=True, help_text="如：初级工（五级）、专项能力")
    provider = models.CharField("培训机构", max_length=80)
    provider_phone = models.CharField("咨询电话", max_length=20, blank=True)
    description = models.TextField("学什么", max_length=1000, blank=True)
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    schedule = models.CharField("上课时间", max_length=80, blank=True, help_text="如：每周六、日 9:00–17:00")
    town = models.ForeignKey(
        "places.Town",
        verbose_name="所在镇街",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="不填表示全市课程（由市人力资源管理办公室发布）",
    )
    address = models.CharField("上课地点", max_length=200)
    fee = models.DecimalField("培训费（元）", max_digits=8, decimal_places=2, default=0)
    subsidy = models.DecimalField("可申请补贴（元）", max_digits=8, decimal_places=2, default=0)
    subsidy_note = models.CharField("补贴说明", max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField("名额")
    shortage = models.BooleanField(
        "急需紧缺职业", default=False, help_text="列入急需紧缺职业（工种）目录的培训"
    )
    new_occupation = models.BooleanField(
        "新职业", default=False, help_text="人社部发布的新职业（新工种）培训"
    )
    entrepreneurship = models.BooleanField("创业培训", default=False)
    status = models.CharField("状态", max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["status", "ends_on"]), models.Index(fields=["occupation", "status"])]
        constraints = [
            models.CheckConstraint(name="course_dates_order", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(name="course_capacity_positive", condition=Q(capacity__gte=1)),
            models.CheckConstraint(name="course_fee_not_negative", condition=Q(fee__gte=0, subsidy__gte=0)),
            models.CheckConstraint(
                name="course_occupation_or_entrepreneurship",
                condition=Q(occupation__isnull=False) | Q(entrepreneurship=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free(self) -> bool:
        return self.fee <= self.subsidy

    @property
    def cost_label(self) -> str:
        """“免费” or “培训费 1200 元，可补贴 800 元”: what the worker pays, in plain words."""
        if self.fee == 0:
            return "免费"
        fee = f"{self.fee:.2f}".rstrip("0").rstrip(".")
        if self.subsidy == 0:
            return f"培训费 {fee} 元"
        if self.free:
            return f"培训费 {fee} 元，全部可以申请补贴"
        sub = f"{self.subsidy:.2f}".rstrip("0").rstrip(".")
        return f"培训费 {fee} 元，可申请补贴 {sub} 元"

    @property
    def place_label(self) -> str:
        """Where the class is, without saying the town twice when the address already names it."""
        area = self.town.name if self.town is not None else "中山市"
        if self.address.startswith(area) or self.address.startswith("中山市"):
            return self.address
        return f"{area} {self.address}"

    def tags(self) -> list[str]:
        out = []
        if self.shortage:
            out.append("急需紧缺")
        if self.new_occupation:
            out.append("新职业")
        if self.occupation is not None and self.occupation.mark:
            out.append(self.occupation.mark_label)
        if self.entrepreneurship:
            out.append("创业培训")
        if self.free:
            out.append("免费")
        return out


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "推荐"
    ENROLLED = "enrolled", "报名"
    TRAINING = "training", "在训"
    COMPLETED = "completed", "结业"
    CERTIFIED = "certified", "取证"
    DROPPED = "dropped", "放弃"


# The path forward, and which steps may be taken from each status. Dropping out is possible until the
# course is over; 结业 can still lead to 取证 (the exam often comes weeks later).
NEXT_STATUS: dict[str, tuple[str, ...]] = {
    ReferralStatus.REFERRED: (ReferralStatus.ENROLLED, ReferralStatus.DROPPED),
    ReferralStatus.ENROLLED: (ReferralStatus.TRAINING, ReferralStatus.DROPPED),
    ReferralStatus.TRAINING: (ReferralStatus.COMPLETED, ReferralStatus.DROPPED),
    ReferralStatus.COMPLETED: (ReferralStatus.CERTIFIED,),
    ReferralStatus.CERTIFIED: (),
    ReferralStatus.DROPPED: (),
}
# Statuses that hold one of the course's places.
HOLDS_PLACE = (
    ReferralStatus.ENROLLED,
    ReferralStatus.TRAINING,
    ReferralStatus.COMPLETED,
    ReferralStatus.CERTIFIED,
)
LIVE = (ReferralStatus.REFERRED, ReferralStatus.ENROLLED, ReferralStatus.TRAINING)
FINISHED_OK = (ReferralStatus.COMPLETED, ReferralStatus.CERTIFIED)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """A worker sees their own referrals; staff the referrals of the workers they serve, or made at
        their station; city admins all."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        scope = Q(worker__user=user)
        if user.coordinator_station_ids:
            scope |= Q(worker__station_id__in=user.coordinator_station_ids)
            scope |= Q(station_id__in=user.coordinator_station_ids)
        if user.admin_town_ids:
            scope |= Q(worker__station__town_id__in=user.admin_town_ids)
            scope |= Q(station__town_id__in=user.admin_town_ids)
        return self.filter(scope)


class Referral(models.Model):
    """One worker sent to (or asking for) one course, and how far they got."""

    code = models.CharField("编号", max_length=12, unique=True)
    worker = models.ForeignKey("workers.Worker", on_delete=models.PROTECT, related_name="training_referrals")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(
        "状态", max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    station = models.ForeignKey(
        "places.Station", verbose_name="推荐站点", null=True, blank=True, on_delete=models.PROTECT
    )
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_worker = models.BooleanField("本人申请", default=False)
    reasons = models.JSONField("推荐理由", default=list, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("推荐时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "培训推荐"
        verbose_name_plural = "培训推荐"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["worker", "status"]), models.Index(fields=["course", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "course"],
                condition=~Q(status="dropped"),
                name="referral_once_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.worker}"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return NEXT_STATUS.get(self.status, ())

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    def step_states(self) -> list[tuple[str, str]]:
        """(label, done|current|todo) along 推荐 → 报名 → 在训 → 结业 → 取证, for the progress line."""
        path: list[str] = [s.value for s in ReferralStatus if s != ReferralStatus.DROPPED]
        if self.status == ReferralStatus.DROPPED:
            return [(ReferralStatus.DROPPED.label, "dropped")]
        here = path.index(self.status)
        return [
            (ReferralStatus(s).label, "done" if n < here else "current" if n == here else "todo")
            for n, s in enumerate(path)
        ]


class ReferralEvent(models.Model):
    """One step of a referral, for the history the worker and the coordinator both see."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_to_status_display()} {self.at:%Y-%m-%d}"
