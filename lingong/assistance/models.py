"""Vocational ability assessment (职业能力测评, P-3) and individual employment assistance (P-16).

- Assessment: one sitting of the interest inventory or the skills self-check, with the answers, the
  scores and the suggestions it produced, so a worker (and their coordinator) can look back at it.
- AssistancePlan: for a tier-2/3 worker, ordered service items, a responsible coordinator, follow-up
  contacts and the outcome.
- SubsidyKind: a subsidy and its eligibility rule, stored as structured conditions (rules.py) that the
  city office edits; SubsidyApplication tracks a worker's application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from lingong.accounts.models import User


def _scope(user: User, *, worker: str = "worker", station: str = "station") -> Q:
    """Rows about workers a member of staff serves, or handled at their stations (see Worker.visible_to)."""
    scope = Q(**{f"{worker}__user": user})
    if user.coordinator_station_ids:
        scope |= Q(**{f"{worker}__station_id__in": user.coordinator_station_ids})
        scope |= Q(**{f"{station}_id__in": user.coordinator_station_ids})
    if user.admin_town_ids:
        scope |= Q(**{f"{worker}__station__town_id__in": user.admin_town_ids})
        scope |= Q(**{f"{station}__town_id__in": user.admin_town_ids})
    return scope


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """The worker's own rows; staff the rows of the workers they serve or of their stations."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(_scope(user))


# --- assessment --------------------------------------------------------------------------------------


class AssessmentKind(models.TextChoices):
    INTEREST = "interest", "兴趣测评"
    SKILLS = "skills", "本事自查"


class Assessment(models.Model):
    """One sitting of a test. `scores`: RIASEC letter → 0–10 (interest) or category → 0–100 (skills)."""

    code = models.CharField("编号", max_length=12, unique=True)
    worker = models.ForeignKey("workers.Worker", on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField("类型", max_length=10, choices=AssessmentKind.choices)
    version = models.CharField("题目版本", max_length=20)
    answers = models.JSONField("回答")
    scores = models.JSONField("得分")
    summary = models.CharField("结果", max_length=60, help_text="兴趣代码（如 RSC）或擅长的类别")
    suggestions = models.JSONField("建议的职业", default=list)
    taken_at = models.DateTimeField("测评时间")
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="陪同测评的工作人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    station = models.ForeignKey(
        "places.Station", verbose_name="测评站点", null=True, blank=True, on_delete=models.PROTECT
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "职业能力测评"
        verbose_name_plural = "职业能力测评"
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["worker", "kind", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summary}"


# --- individual assistance plans ---------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "帮扶中"
    CLOSED = "closed", "已结束"


class Outcome(models.TextChoices):
    MARKET = "market", "通过市场渠道就业"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位安置"
    TRAINING = "training", "参加职业培训"
    SELF_EMPLOYED = "self_employed", "自主创业"
    NOT_PLACED = "not_placed", "暂未就业"
    OTHER = "other", "其他"


class AssistancePlan(models.Model):
    """个性化就业援助: a plan for one tier-2/3 worker. At most one active plan per worker."""

    code = models.CharField("编号", max_length=12, unique=True)
    worker = models.ForeignKey("workers.Worker", on_delete=models.PROTECT, related_name="assistance_plans")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="负责人", on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey("places.Station", verbose_name="服务站点", on_delete=models.PROTECT)
    goal = models.CharField("帮扶目标", max_length=200)
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    opened_at = models.DateTimeField("建立时间")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    next_followup_on = models.DateField("下次跟进日期", null=True, blank=True)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField("结果说明", max_length=200, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "就业援助计划"
        verbose_name_plural = "就业援助计划"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "next_followup_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(status="active"), name="assistance_one_active_plan"
            )
        ]

    def __str__(self) -> str:
        return f"帮扶计划 {self.code}"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class ItemKind(models.TextChoices):
    GUIDANCE = "guidance", "职业指导"
    ASSESSMENT = "assessment", "职业能力测评"
    TRAINING = "training", "技能培训"
    ONE_TO_ONE = "one_to_one", "一对一岗位推荐"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位"
    ENTREPRENEURSHIP = "entrepreneurship", "创业指导"
    POLICY = "policy", "政策与补贴咨询"
    OTHER = "other", "其他"


# The ledger service a finished item counts as (codes of lingong.ledger.models.ServiceType).
ITEM_LEDGER_SERVICE = {
    ItemKind.GUIDANCE: "guidance",
    ItemKind.ASSESSMENT: "assessment",
    ItemKind.TRAINING: "training",
    ItemKind.ONE_TO_ONE: "recommendation",
    ItemKind.PUBLIC_WELFARE: "recommendation",
    ItemKind.ENTREPRENEURSHIP: "entrepreneurship",
    ItemKind.POLICY: "policy",
    ItemKind.OTHER: "other",
}


class ItemStatus(models.TextChoices):
    TODO = "todo", "待办"
    DONE = "done", "已完成"
    SKIPPED = "skipped", "不需要"


class PlanItem(models.Model):
    """One service step of a plan, in order, with its due date."""

    plan = models.ForeignKey(AssistancePlan, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField("顺序")
    kind = models.CharField("服务项目", max_length=20, choices=ItemKind.choices)
    note = models.CharField("具体安排", max_length=200, blank=True)
    due_on = models.DateField("计划完成日期")
    status = models.CharField("状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.TODO)
    result_note = models.CharField("完成情况", max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="plan_item_seq_once")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.get_kind_display()}"


class ContactWay(models.TextChoices):
    PHONE = "phone", "电话"
    STATION = "station", "到站面谈"
    VISIT = "visit", "上门走访"
    MESSAGE = "message", "微信/短信"


class FollowUp(models.Model):
    """A contact with the worker: when, how, what was said, and when to get in touch next."""

    plan = models.ForeignKey(AssistancePlan, on_delete=models.CASCADE, related_name="followups")
    on = models.DateField("联系日期")
    way = models.CharField("方式", max_length=10, choices=ContactWay.choices)
    note = models.CharField("情况", max_length=300)
    next_due_on = models.DateField("下次跟进日期", null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_way_display()}"


# --- subsidies ---------------------------------------------------------------------------------------


class SubsidyCategory(models.TextChoices):
    TRAINING = "training", "培训补贴"
    SOCIAL_INSURANCE = "social_insurance", "社保补贴"
    ENTREPRENEURSHIP = "entrepreneurship", "创业补贴"
    OTHER = "other", "其他补贴"


class SubsidyKind(models.Model):
    """A subsidy and who may have it. `conditions` is data (see rules.py), edited by the city office."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    category = models.CharField("类别", max_length=20, choices=SubsidyCategory.choices)
    summary = models.CharField("说明（给求职者看）", max_length=300)
    amount_note = models.CharField("补贴标准", max_length=200, blank=True)
    basis = models.CharField("政策依据", max_length=200, blank=True)
    materials = models.JSONField("申请材料", default=list, blank=True)
    conditions = models.JSONField("条件", default=list, blank=True)
    active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "补贴项目"
        verbose_name_plural = "补贴项目"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", "申请"
    REVIEWING = "reviewing", "审核中"
    PAID = "paid", "已发放"
    REJECTED = "rejected", "不符合"


APPLICATION_NEXT: dict[str, tuple[str, ...]] = {
    ApplicationStatus.APPLIED: (ApplicationStatus.REVIEWING, ApplicationStatus.REJECTED),
    ApplicationStatus.REVIEWING: (ApplicationStatus.PAID, ApplicationStatus.REJECTED),
    ApplicationStatus.PAID: (),
    ApplicationStatus.REJECTED: (),
}
LIVE_APPLICATION = (ApplicationStatus.APPLIED, ApplicationStatus.REVIEWING)


class SubsidyApplication(models.Model):
    """A worker's application for one subsidy, with the facts that made them eligible at the time."""

    code = models.CharField("编号", max_length=12, unique=True)
    worker = models.ForeignKey(
        "workers.Worker", on_delete=models.PROTECT, related_name="subsidy_applications"
    )
    kind = models.ForeignKey(SubsidyKind, verbose_name="补贴", on_delete=models.PROTECT)
    status = models.CharField(
        "状态", max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    station = models.ForeignKey(
        "places.Station", verbose_name="受理站点", null=True, blank=True, on_delete=models.PROTECT
    )
    facts = models.JSONField("申请时的情况", default=dict)
    note = models.CharField("申请说明", max_length=200, blank=True)
    amount = models.DecimalField("发放金额（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=200, blank=True)
    applied_at = models.DateTimeField("申请时间")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "补贴申请"
        verbose_name_plural = "补贴申请"
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "kind"],
                condition=Q(status__in=["applied", "reviewing"]),
                name="subsidy_one_live_application",
            ),
            models.CheckConstraint(
                name="subsidy_amount_positive", condition=Q(amount__isnull=True) | Q(amount__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.worker}"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return APPLICATION_NEXT.get(self.status, ())
