"""Employers (用工主体): who they are, whether staff have verified them, and their credit standing."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lingong.lib.uscc import CreditCodeError, normalize_uscc

if TYPE_CHECKING:
    from lingong.accounts.models import User

# Approval holds for a year; the queue starts showing an employer this many days before it lapses.
REVERIFY_AFTER_DAYS = 365
REVERIFY_WARNING_DAYS = 30
INVITATION_DAYS = 7


class EmployerKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    HOUSEHOLD = "household", "家庭"
    HR_AGENCY = "hr_agency", "人力资源服务机构"


# Which kinds must, may, or must not give a 统一社会信用代码.
USCC_REQUIRED = {EmployerKind.ENTERPRISE, EmployerKind.HR_AGENCY}
USCC_OPTIONAL = {EmployerKind.INDIVIDUAL_BUSINESS}


class EmployerStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    MORE_INFO = "more_info", "待补充材料"
    APPROVED = "approved", "已认证"
    REJECTED = "rejected", "未通过"
    SUSPENDED = "suspended", "暂停"


class UsccCheck(models.TextChoices):
    PASSED = "passed", "校验通过"
    FAILED = "failed", "校验位不符，需人工核实"
    NOT_APPLICABLE = "not_applicable", "未填写"


class CreditLevel(models.TextChoices):
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    WARNING = "warning", "警示"


# Ratings say little until there are a few of them; below this count they do not move the level.
MIN_RATINGS_FOR_CREDIT = 5


def managed_employer_ids(user: User | None) -> set[int]:
    """Employers the user manages (an active employer_member membership with is_manager)."""
    if user is None or not user.is_authenticated:
        return set()
    return {
        m.employer_id
        for m in user.active_memberships
        if m.role == "employer_member" and m.is_manager and m.employer_id
    }


def can_review(user: User | None) -> bool:
    """City admins and town admins review employers; coordinators do not."""
    return bool(user is not None and user.is_authenticated and (user.is_city_admin or user.admin_town_ids))


class EmployerQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """The one read path: city admins all, town admins their towns, members their own employers."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        towns, own = user.admin_town_ids, user.employer_ids
        if not towns and not own:
            return self.none()
        return self.filter(Q(town_id__in=towns) | Q(id__in=own))

    def public(self):
        """Verified employers for public pages. Render only code, name, kind and town from these rows."""
        return self.filter(status=EmployerStatus.APPROVED).only("code", "name", "kind", "town")

    def editable_by(self, user: User | None):
        """Employers whose record the user may change: manager members only.

        Staff never edit an employer's record; they change its status through services.review_employer.
        """
        ids = managed_employer_ids(user)
        return self.filter(id__in=ids) if ids else self.none()

    def reviewable_by(self, user: User | None):
        """Employers the user may review: city admins all, town admins their towns."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(town_id__in=user.admin_town_ids)

    def reverification_due(self, today: dt.date | None = None, within_days: int = REVERIFY_WARNING_DAYS):
        """Approved employers whose approval lapses within `within_days` (or has already lapsed)."""
        today = today or timezone.localdate()
        return self.filter(
            status=EmployerStatus.APPROVED, reverify_due__lte=today + dt.timedelta(days=within_days)
        )


class Employer(models.Model):
    """An organisation or household that posts gigs: 企业, 个体工商户, 家庭 or 人力资源服务机构.

    Staff verify it before its gigs go public (status "approved"); approval lasts a year
    (reverify_due). A 统一社会信用代码 whose check character does not match is still saved, flagged
    uscc_check="failed", and left to the reviewer instead of turning the registrant away: such codes
    exist on real licences, and a typo is easier to settle by looking at the licence.
    The credit counters are fed by other apps (arrears cases, complaints, ratings, staff warnings).
    """

    code = models.CharField("编号", max_length=12, unique=True)
    kind = models.CharField("类型", max_length=24, choices=EmployerKind.choices)
    name = models.CharField("名称", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    uscc_check = models.CharField(
        "信用代码校验", max_length=16, choices=UsccCheck.choices, default=UsccCheck.NOT_APPLICABLE
    )
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系人手机", max_length=11)
    town = models.ForeignKey(
        "places.Town", verbose_name="所在镇街", on_delete=models.PROTECT, related_name="employers"
    )
    address = models.CharField("地址", max_length=200)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    industry = models.CharField("所属行业", max_length=50, blank=True)
    description = models.TextField("简介", max_length=1000, blank=True)

    status = models.CharField(
        "认证状态", max_length=12, choices=EmployerStatus.choices, default=EmployerStatus.PENDING
    )
    status_reason = models.CharField("审核意见", max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认证人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField("认证时间", null=True, blank=True)
    reverify_due = models.DateField("复核截止日期", null=True, blank=True)
    submitted_at = models.DateTimeField("提交审核时间")
    applicant_note = models.CharField("提交说明", max_length=500, blank=True)

    warnings = models.PositiveIntegerField("警告次数", default=0)
    arrears_cases = models.PositiveIntegerField("欠薪案件数", default=0)
    complaints = models.PositiveIntegerField("投诉数", default=0)
    rating_avg = models.DecimalField("平均评分", max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField("评分人数", default=0)

    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = "用工主体"
        verbose_name_plural = "用工主体"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["town", "status"]),
            models.Index(fields=["reverify_due"]),
        ]
        constraints = [
            # A household never has a credit code; the kinds that must have one are checked in services.
            models.CheckConstraint(
                name="employer_household_has_no_uscc",
                condition=~Q(kind="household") | Q(uscc__isnull=True),
            ),
            models.CheckConstraint(
                name="employer_point_complete",
                condition=Q(lat__isnull=True, lng__isnull=True) | Q(lat__isnull=False, lng__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == EmployerStatus.APPROVED

    def is_verification_current(self, today: dt.date | None = None) -> bool:
        """Approved and the yearly re-verification has not lapsed."""
        today = today or timezone.localdate()
        return self.is_approved and self.reverify_due is not None and today <= self.reverify_due

    def reverify_soon(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_approved
            and self.reverify_due is not None
            and self.reverify_due <= today + dt.timedelta(days=REVERIFY_WARNING_DAYS)
        )

    @property
    def uscc_problem(self) -> str:
        """What is wrong with the stored credit code, for the reviewer; empty when nothing is."""
        if self.uscc_check != UsccCheck.FAILED or not self.uscc:
            return ""
        try:
            normalize_uscc(self.uscc)
        except CreditCodeError as exc:
            return str(exc)
        return ""

    def credit_reasons(self) -> list[tuple[str, str]]:
        """(level, reason) for every record that lowers the credit level; empty means 良好."""
        reasons: list[tuple[str, str]] = []
        warn, fair = CreditLevel.WARNING.value, CreditLevel.FAIR.value
        if self.arrears_cases:
            # Unpaid wages are the one thing P-20 singles out: a single case is enough for a warning.
            reasons.append((warn, f"欠薪案件 {self.arrears_cases} 起"))
        if self.warnings >= 2:
            reasons.append((warn, f"被警告 {self.warnings} 次"))
        elif self.warnings == 1:
            reasons.append((fair, "被警告 1 次"))
        if self.complaints >= 3:
            reasons.append((warn, f"被投诉 {self.complaints} 次"))
        elif self.complaints:
            reasons.append((fair, f"被投诉 {self.complaints} 次"))
        if self.rating_avg is not None and self.rating_count >= MIN_RATINGS_FOR_CREDIT:
            if self.rating_avg < Decimal("3"):
                reasons.append((warn, f"零工平均评分 {self.rating_avg}（{self.rating_count} 人）"))
            elif self.rating_avg < Decimal("4"):
                reasons.append((fair, f"零工平均评分 {self.rating_avg}（{self.rating_count} 人）"))
        return reasons

    @property
    def credit_level_code(self) -> str:
        """good / fair / warning: 警示 with any arrears case, two warnings, three complaints or an
        average rating under 3 (from at least five ratings); 一般 with one warning, a complaint or an
        average under 4; otherwise 良好. See credit_reasons() for the why."""
        levels = {level for level, _ in self.credit_reasons()}
        for level in (CreditLevel.WARNING, CreditLevel.FAIR):
            if level.value in levels:
                return level.value
        return CreditLevel.GOOD.value

    @property
    def credit_level(self) -> str:
        """信用等级 as shown to people: 良好 / 一般 / 警示 (rules in credit_level_code)."""
        return str(CreditLevel(self.credit_level_code).label)

    def next_step(self) -> str:
        """What the employer's members should do now, in one line."""
        return {
            EmployerStatus.PENDING: "资料已提交，请等待镇街分局审核（一般 3 个工作日内）",
            EmployerStatus.MORE_INFO: "审核人员要求补充材料：请按审核意见修改资料后重新提交",
            EmployerStatus.APPROVED: "已认证，可以发布招工信息",
            EmployerStatus.REJECTED: "审核未通过：请按审核意见修改后重新提交，或联系所在镇街分局",
            EmployerStatus.SUSPENDED: "已暂停，暂不能发布招工信息；请联系所在镇街分局",
        }[EmployerStatus(self.status)]


class EmployerInvitation(models.Model):
    """An invitation for a phone number that has no account yet. Only a hash of the token is stored."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    phone = models.CharField("手机号", max_length=11)
    as_manager = models.BooleanField("作为管理员", default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="邀请人"
    )
    created_at = models.DateTimeField("邀请时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    accepted_at = models.DateTimeField("接受时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="接受人",
    )
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "成员邀请"
        verbose_name_plural = "成员邀请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.employer} 邀请 {self.phone}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
