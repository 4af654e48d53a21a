"""Construction programme (P-10, P-11), funds (P-12) and candidate sites for the 15-minute circle (P-2).

A round (建设批次) is one construction plan with its phases and due dates; the 2023 plan is the first
and is loaded as reference data. Stations join a round through their progress record, which carries
the acceptance checklist and the two acceptances (town, then city). Each town has a budget per round;
spending is recorded as expenditures in 元 (Decimal, 2 places) and shown in 万元 where the plan does.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum

from lingong.places.models import Station, Town

YUAN_PER_WAN = Decimal(10000)


class Round(models.Model):
    """One construction plan (建设批次): the 2023 plan, and any later round the city sets up."""

    code = models.CharField("批次编号", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    source = models.CharField("依据文件", max_length=120, blank=True)
    starts_on = models.DateField("开始日期")
    is_current = models.BooleanField("当前批次", default=False)

    class Meta:
        verbose_name = "建设批次"
        verbose_name_plural = "建设批次"
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_round"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PhaseKey(models.TextChoices):
    SURVEY = "survey", "调研摸底"
    BUILDING = "building", "建设实施"
    ACCEPTANCE = "acceptance", "验收运营"


class Phase(models.Model):
    """A phase of a round with its due date; demonstration sites may be due earlier (mid-November)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="phases")
    seq = models.PositiveSmallIntegerField("顺序")
    key = models.CharField("阶段", max_length=20, choices=PhaseKey.choices)
    name = models.CharField("名称", max_length=20)
    due_on = models.DateField("完成时间")
    demo_due_on = models.DateField("示范点完成时间", null=True, blank=True)
    description = models.CharField("工作内容", max_length=300, blank=True)

    class Meta:
        verbose_name = "建设阶段"
        verbose_name_plural = "建设阶段"
        ordering = ["round", "seq"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="phase_unique_key")]

    def __str__(self) -> str:
        return f"{self.name}（{self.due_on:%Y-%m-%d}前）"

    def due_for(self, station: Station) -> dt.date:
        return self.demo_due_on if station.is_demo_site and self.demo_due_on else self.due_on


class StationProgress(models.Model):
    """A station's place in a round: whether a kiosk is planned, and its town and city acceptance."""

    station = models.OneToOneField(Station, on_delete=models.PROTECT, related_name="programme")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="stations")
    kiosk_planned = models.BooleanField("计划配置信息一体机", default=False)
    town_accepted_on = models.DateField("镇街验收日期", null=True, blank=True)
    town_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town_note = models.CharField("镇街验收意见", max_length=300, blank=True)
    city_accepted_on = models.DateField("市级验收日期", null=True, blank=True)
    city_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    city_note = models.CharField("市级验收意见", max_length=300, blank=True)
    # The checklist as it stood when each acceptance was given, so later data changes cannot rewrite it.
    town_checklist = models.JSONField("镇街验收时清单", default=list, blank=True)
    city_checklist = models.JSONField("市级验收时清单", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "站点建设进度"
        verbose_name_plural = "站点建设进度"
        constraints = [
            models.CheckConstraint(
                name="city_acceptance_after_town",
                condition=Q(city_accepted_on__isnull=True) | Q(town_accepted_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.round}"


class ChecklistTick(models.Model):
    """A checklist item that staff confirmed by hand, with the evidence they give in words."""

    progress = models.ForeignKey(StationProgress, on_delete=models.CASCADE, related_name="ticks")
    item = models.CharField("验收项", max_length=20)
    evidence = models.CharField("核实说明", max_length=300)
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField("确认时间")

    class Meta:
        verbose_name = "验收项确认"
        verbose_name_plural = "验收项确认"
        constraints = [models.UniqueConstraint(fields=["progress", "item"], name="tick_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item}：{self.evidence}"


class Milestone(models.Model):
    """A dated step of a station's construction (e.g. 完成场地改造); overdue when past due and not done."""

    progress = models.ForeignKey(StationProgress, on_delete=models.CASCADE, related_name="milestones")
    phase = models.CharField("阶段", max_length=20, choices=PhaseKey.choices)
    title = models.CharField("事项", max_length=60)
    due_on = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "里程碑"
        verbose_name_plural = "里程碑"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


# --- funds ---------------------------------------------------------------------------------------


class Category(models.TextChoices):
    """Spending categories. The first six are what the plan allows (五、资金保障); OTHER is flagged."""

    EQUIPMENT = "equipment", "设备购置"
    RENOVATION = "renovation", "场地改造"
    RECRUITMENT = "recruitment", "专项招聘"
    SERVICE_EVENTS = "service_events", "就业服务活动"
    PUBLICITY = "publicity", "宣传"
    MANAGEMENT = "management", "日常管理"
    OTHER = "other", "其他（方案未列明）"


PLAN_CATEGORIES = [c for c in Category.values if c != Category.OTHER]


class FundSource(models.TextChoices):
    CITY = "city", "市级专项资金"
    TOWN = "town", "镇街配套资金"


class TownBudget(models.Model):
    """A town's budget in a round: the plan's figure (incl. the demonstration grant) and town co-funding."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="budgets")
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="programme_budgets")
    plan_amount = models.DecimalField("方案预算（元）", max_digits=12, decimal_places=2)
    demo_grant = models.DecimalField(
        "其中示范点补助（元）", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    co_funding = models.DecimalField(
        "镇街配套资金（元）", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    co_funding_note = models.CharField("配套资金说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "镇街建设资金"
        verbose_name_plural = "镇街建设资金"
        ordering = ["round", "town__plan_seq"]
        constraints = [
            models.UniqueConstraint(fields=["round", "town"], name="budget_once_per_town"),
            models.CheckConstraint(
                name="budget_amounts_not_negative",
                condition=Q(plan_amount__gte=0, demo_grant__gte=0, co_funding__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} · {self.round}"

    def approved_adjustments(self) -> Decimal:
        total = self.adjustments.filter(status=AdjustmentStatus.APPROVED).aggregate(s=Sum("amount"))["s"]
        return total or Decimal(0)


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class BudgetAdjustment(models.Model):
    """A later change to a town's budget (“资金额度可适当调整”), with its reason; a city admin decides."""

    code = models.CharField("编号", max_length=12, unique=True)
    budget = models.ForeignKey(TownBudget, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField("调整金额（元，减少为负）", max_digits=12, decimal_places=2)
    reason = models.CharField("调整理由", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "预算调整"
        verbose_name_plural = "预算调整"
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(name="adjustment_not_zero", condition=~Q(amount=0))]

    def __str__(self) -> str:
        return f"{self.budget.town} {self.amount:+}元"


class Allocation(models.Model):
    """How a town plans to split its city budget across categories (资金使用计划)."""

    budget = models.ForeignKey(TownBudget, on_delete=models.CASCADE, related_name="allocations")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    amount = models.DecimalField("分配金额（元）", max_digits=12, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "资金分配"
        verbose_name_plural = "资金分配"
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="allocation_once_per_category"),
            models.CheckConstraint(name="allocation_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}元"


def voucher_path(instance: Expenditure, filename: str) -> str:
    """A random name under the town's folder: the uploaded name is kept only as a label."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"programme/vouchers/{instance.budget.town.code}/{secrets.token_hex(16)}.{ext}"


class ExpenditureQuerySet(models.QuerySet):
    def live(self):
        """Expenditures that count: everything not voided."""
        return self.filter(voided_at__isnull=True)


class Expenditure(models.Model):
    """One payment from a town's construction funds, with its voucher (凭证). Voided, never deleted."""

    code = models.CharField("编号", max_length=12, unique=True)
    budget = models.ForeignKey(TownBudget, on_delete=models.PROTECT, related_name="expenditures")
    station = models.ForeignKey(
        Station, verbose_name="站点", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    item = models.CharField("项目", max_length=40, blank=True)
    spent_on = models.DateField("支出日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    source = models.CharField("资金来源", max_length=10, choices=FundSource.choices, default=FundSource.CITY)
    supplier = models.CharField("供应商/收款方", max_length=80)
    description = models.CharField("用途说明", max_length=300, blank=True)
    voucher = models.FileField("凭证", upload_to=voucher_path, max_length=200, blank=True)
    voucher_name = models.CharField("凭证原文件名", max_length=120, blank=True)
    voucher_type = models.CharField("凭证类型", max_length=40, blank=True)
    voucher_size = models.PositiveIntegerField("凭证大小（字节）", default=0)
    voucher_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间")
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        verbose_name = "支出"
        verbose_name_plural = "支出"
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["budget", "category"])]
        constraints = [models.CheckConstraint(name="expenditure_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.get_category_display()} {self.amount}元"

    @property
    def in_plan(self) -> bool:
        return self.category in PLAN_CATEGORIES

    @property
    def voucher_is_image(self) -> bool:
        return self.voucher_type.startswith("image/")


# --- siting --------------------------------------------------------------------------------------


class CandidateKind(models.TextChoices):
    PARTY_CENTRE = "party_centre", "党群服务中心"
    COMMUNITY_CENTRE = "community_centre", "社区服务中心"
    BEE_STATION = "bee_station", "蜂享驿站"
    PUBLIC_EMPLOYMENT = "public_employment", "公共就业服务场所"
    OTHER = "other", "其他"


class CandidateSite(models.Model):
    """A place that could host a new station, entered by staff for the siting suggestions."""

    code = models.CharField("编号", max_length=12, unique=True)
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="candidate_sites")
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=20, choices=CandidateKind.choices)
    lat = models.FloatField("纬度")
    lng = models.FloatField("经度")
    note = models.CharField("备注", max_length=200, blank=True)
    active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "候选站址"
        verbose_name_plural = "候选站址"
        ordering = ["town__plan_seq", "name"]

    def __str__(self) -> str:
        return self.name
