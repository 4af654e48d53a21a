"""Workers' rights (P-20): suspected wage arrears (疑似欠薪), complaints with evidence, and accident
insurance for gig work (就业意外伤害保险).

Arrears cases are opened by the periodic scan (arrears.py) from the state of the database alone, so a
restart or downtime never loses one. Complaints are filed by workers (or staff on their behalf) and
carry a handling trail. Coverage records say who insured whom, for which gig, and for how long.
Department referrals (部门转介, P-21) hand a complaint, an arrears case or an assistance plan to another
department (民政, 残联, 住建 …) and follow it until the department answers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lingong.employers.models import managed_employer_ids

if TYPE_CHECKING:
    from lingong.accounts.models import User


def _staff_scope(user: User, *, station_field: str, town_field: str) -> Q | None:
    """Q for the rows a coordinator (their stations) or a town admin (their towns, directly or through
    a station in the town) handles; None when the user holds no staff scope at all."""
    scope = Q(pk__in=[])
    has_scope = False
    if user.coordinator_station_ids:
        scope |= Q(**{f"{station_field}__in": user.coordinator_station_ids})
        has_scope = True
    if user.admin_town_ids:
        scope |= Q(**{f"{town_field}__in": user.admin_town_ids})
        scope |= Q(**{f"{station_field}__town_id__in": user.admin_town_ids})
        has_scope = True
    return scope if has_scope else None


# --- arrears -------------------------------------------------------------------------------------


class Level(models.TextChoices):
    STATION = "station", "站点跟进"
    TOWN = "town", "镇街分局督办"
    INSPECTION = "inspection", "转介劳动监察"


LEVEL_ORDER = [Level.STATION, Level.TOWN, Level.INSPECTION]


class CaseStatus(models.TextChoices):
    OPEN = "open", "处理中"
    RESOLVED = "resolved", "已解决"
    CLOSED = "closed", "已结案"


class Resolution(models.TextChoices):
    PAID_LATE = "paid_late", "用工方逾期支付，零工已确认收款"
    PAID_CONFIRMED = "paid_confirmed", "经核实工资已足额支付"
    SETTLED = "settled_by_staff", "经工作人员调解解决"
    REFERRED = "referred", "已移交劳动监察处理"
    NOT_ARREARS = "not_arrears", "经核实不属于欠薪"
    WITHDRAWN = "withdrawn", "零工撤回"


# The worker got their money: the case is 已解决. The others end the case without that (已结案).
PAID_RESOLUTIONS = {Resolution.PAID_LATE, Resolution.PAID_CONFIRMED, Resolution.SETTLED}
# Set by the scan when the worker confirms receipt; staff choose among the others.
STAFF_RESOLUTIONS = [r for r in Resolution if r != Resolution.PAID_LATE]


class ArrearsCaseQuerySet(models.QuerySet):
    def handled_by(self, user: User | None):
        """Cases the user handles as staff: city admins all; town admins those of employers in their
        towns (or followed by a station in their towns); coordinators those of their stations."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        scope = _staff_scope(user, station_field="station", town_field="town")
        return self.filter(scope) if scope is not None else self.none()

    def visible_to(self, user: User | None):
        """The one read path: staff in scope, the worker the case is about, the employer's managers."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        scope = Q(worker__user=user)
        managed = managed_employer_ids(user)
        if managed:
            scope |= Q(employer_id__in=managed)
        staff = _staff_scope(user, station_field="station", town_field="town")
        if staff is not None:
            scope |= staff
        return self.filter(scope)


class ArrearsCase(models.Model):
    """A completed booking whose pay was not confirmed by the end of its settlement cycle (疑似欠薪).

    Opened by the scan, never by hand: `due_at` is when the pay should have been confirmed (rules in
    arrears.pay_due_at). It moves up a level on a schedule (站点 → 镇街 → 劳动监察) until the worker
    confirms receipt or staff end it. `town` is the employer's town and `station` the station that
    follows the case (the gig's, else the worker's); together they decide which staff see it.
    """

    code = models.CharField("编号", max_length=12, unique=True)
    application = models.ForeignKey(
        "gigs.Application", verbose_name="录用记录", on_delete=models.PROTECT, related_name="arrears_cases"
    )
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="用工主体",
        on_delete=models.PROTECT,
        related_name="arrears_records",
    )
    worker = models.ForeignKey(
        "workers.Worker", verbose_name="零工", on_delete=models.PROTECT, related_name="arrears_cases"
    )
    gig = models.ForeignKey(
        "gigs.Gig", verbose_name="岗位", on_delete=models.PROTECT, related_name="arrears_cases"
    )
    town = models.ForeignKey("places.Town", verbose_name="用工主体所在镇街", on_delete=models.PROTECT)
    station = models.ForeignKey(
        "places.Station", verbose_name="跟进站点", null=True, blank=True, on_delete=models.PROTECT
    )
    amount_expected = models.DecimalField(
        "应付金额",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="按岗位报酬推算；计件等无法推算时为空",
    )
    due_at = models.DateTimeField("应确认支付时间")
    opened_at = models.DateTimeField("立案时间")
    level = models.CharField("督办层级", max_length=12, choices=Level.choices, default=Level.STATION)
    escalated_at = models.DateTimeField("最近升级时间", null=True, blank=True)
    next_escalation_at = models.DateTimeField("下次升级时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    resolution = models.CharField("结果", max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField("处理情况", max_length=500, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认欠薪时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArrearsCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "疑似欠薪案件"
        verbose_name_plural = "疑似欠薪案件"
        ordering = ["-due_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_escalation_at"]),
            models.Index(fields=["employer", "opened_at"]),
            models.Index(fields=["town", "status"]),
            models.Index(fields=["station", "status"]),
        ]
        constraints = [
            # What makes the scan safe to run twice or on two machines at once: the second insert fails.
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="open"), name="arrears_one_open_per_application"
            ),
            models.CheckConstraint(
                name="arrears_resolution_iff_ended",
                condition=Q(status="open", resolution="") | (~Q(status="open") & ~Q(resolution="")),
            ),
        ]

    def __str__(self) -> str:
        return f"疑似欠薪 {self.code}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    def overdue_days(self, now: dt.datetime | None = None) -> int:
        """Whole days the pay has been overdue (0 for a case that has ended)."""
        if not self.is_open:
            return 0
        return max(0, ((now or timezone.now()) - self.due_at).days)


class EventKind(models.TextChoices):
    OPENED = "opened", "立案"
    ESCALATED = "escalated", "升级督办"
    NOTE = "note", "处理记录"
    CONFIRMED = "confirmed", "确认欠薪"
    REFERRED = "referred", "转介劳动监察"
    SUSPENDED = "suspended", "暂停用工方发布"
    RESOLVED = "resolved", "办结"


class ArrearsEvent(models.Model):
    """One line of a case's trail. `at` is when it took effect under the rules; `recorded_at` when it
    was written, which is later only when the scan caught up after downtime."""

    case = models.ForeignKey(ArrearsCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("事项", max_length=12, choices=EventKind.choices)
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    text = models.CharField("内容", max_length=500)
    # Staff notes may name people and places; the worker and the employer see the other events only.
    staff_only = models.BooleanField("仅工作人员可见", default=False)

    class Meta:
        verbose_name = "欠薪处理记录"
        verbose_name_plural = "欠薪处理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case.code} {self.get_kind_display()}"

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else "系统"

    @property
    def caught_up(self) -> bool:
        """Written well after it took effect (the scan caught up after downtime)."""
        return self.recorded_at - self.at > dt.timedelta(hours=1)


# --- complaints ----------------------------------------------------------------------------------


class ComplaintKind(models.TextChoices):
    WAGES = "wages", "欠薪"
    DISCRIMINATION = "discrimination", "歧视"
    SAFETY = "safety", "安全"
    OTHER = "other", "其他"


class ComplaintStatus(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    IN_PROGRESS = "in_progress", "处理中"
    CONCLUDED = "concluded", "已办结"
    REJECTED = "rejected", "不予受理"


CLOSED_COMPLAINT = (ComplaintStatus.CONCLUDED, ComplaintStatus.REJECTED)


class ComplaintQuerySet(models.QuerySet):
    def handled_by(self, user: User | None):
        """Complaints the user handles as staff: city admins all; the owner; coordinators those of
        their stations; town admins those of their towns. Never one about an employer the user
        belongs to: staff who are also an employer's members do not handle complaints against it."""
        if user is None or not user.is_authenticated or not user.is_back_office:
            return self.none()
        if user.is_city_admin:
            qs = self.all()
        else:
            scope = Q(owner=user)
            staff = _staff_scope(user, station_field="station", town_field="town")
            if staff is not None:
                scope |= staff
            qs = self.filter(scope)
        if user.employer_ids:
            qs = qs.exclude(employer_id__in=user.employer_ids)
        return qs

    def visible_to(self, user: User | None):
        """The one read path: the worker their own, staff by scope, city admins all.

        Employers never see complaints here, not even those against them: the worker's account of
        what happened stays with the people handling it.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        return (self.filter(worker__user=user) | self.handled_by(user)).distinct()


class Complaint(models.Model):
    """A worker's complaint (投诉) about pay, discrimination, safety or anything else, with a trail.

    `station` and `town` are fixed when it is filed (the worker's station and its town, else the
    employer's town) and decide which staff handle it; `owner` is the one person answering for it.
    """

    code = models.CharField("编号", max_length=12, unique=True)
    kind = models.CharField("类型", max_length=16, choices=ComplaintKind.choices)
    worker = models.ForeignKey(
        "workers.Worker", verbose_name="投诉人", on_delete=models.PROTECT, related_name="complaints"
    )
    employer = models.ForeignKey(
        "employers.Employer",
        verbose_name="被投诉用工主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_records",
    )
    gig = models.ForeignKey(
        "gigs.Gig", verbose_name="相关岗位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("投诉内容", max_length=2000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("投诉时间")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    station = models.ForeignKey(
        "places.Station", verbose_name="受理站点", null=True, blank=True, on_delete=models.PROTECT
    )
    town = models.ForeignKey(
        "places.Town", verbose_name="受理镇街", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        "状态", max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.ACCEPTED
    )
    outcome = models.TextField("办理结果", max_length=1000, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "filed_at"]),
            models.Index(fields=["station", "status"]),
            models.Index(fields=["town", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="complaint_closed_has_outcome",
                condition=~Q(status__in=["concluded", "rejected"])
                | (~Q(outcome="") & Q(closed_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"投诉 {self.code}（{self.get_kind_display()}）"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_COMPLAINT


def evidence_path(instance: ComplaintEvidence, filename: str) -> str:
    """A random name under the complaint's folder: the uploaded name is kept only as a label."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"complaints/{instance.complaint.code}/{secrets.token_hex(16)}.{ext}"


class ComplaintEvidence(models.Model):
    """A photo or PDF attached to a complaint. Stored under MEDIA_ROOT and served only by the
    permission-checked view (views.evidence), never as a public URL."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    code = models.CharField("编号", max_length=12, unique=True)
    file = models.FileField("文件", upload_to=evidence_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=120)
    # Decided from the file's first bytes, not from what the browser claimed.
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "投诉证据"
        verbose_name_plural = "投诉证据"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ComplaintEventKind(models.TextChoices):
    FILED = "filed", "受理"
    ASSIGNED = "assigned", "指定承办人"
    NOTE = "note", "处理记录"
    STATUS = "status", "状态变更"
    EVIDENCE = "evidence", "补充证据"
    CLOSED = "closed", "办结"


class ComplaintEvent(models.Model):
    """One step of handling: who, when, what was noted, and any change of status."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("事项", max_length=10, choices=ComplaintEventKind.choices)
    status_from = models.CharField(max_length=12, choices=ComplaintStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=ComplaintStatus.choices, blank=True)
    note = models.CharField("说明", max_length=1000, blank=True)
    # Internal notes are for staff; the worker follows the rest of the trail.
    internal = models.BooleanField("仅工作人员可见", default=False)

    class Meta:
        verbose_name = "投诉处理记录"
        verbose_name_plural = "投诉处理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.code} {self.get_kind_display()}"

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else "系统"


# --- accident insurance --------------------------------------------------------------------------


class CoverageSource(models.TextChoices):
    EMPLOYER = "employer", "用工方投保"
    SUBSIDISED = "subsidised", "政府补贴投保"
    SELF = "self", "个人投保"


class InsuranceCoverageQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """City admins all; staff the coverage of workers they serve and gigs they manage; employer
        managers their own gigs' coverage; a worker their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        from lingong.gigs.models import Gig
        from lingong.workers.models import Worker

        scope = Q(worker__user=user)
        managed = managed_employer_ids(user)
        if managed:
            scope |= Q(employer_id__in=managed)
        if user.is_back_office:
            scope |= Q(worker__in=Worker.objects.visible_to(user)) | Q(gig__in=Gig.objects.managed_by(user))
        return self.filter(scope)


class InsuranceCoverage(models.Model):
    """就业意外伤害保险 for one gig (everyone working it) or one worker (any gig), over a date range."""

    code = models.CharField("编号", max_length=12, unique=True)
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name="被保险零工",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="insurance_coverages",
    )
    gig = models.ForeignKey(
        "gigs.Gig",
        verbose_name="承保岗位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="insurance_coverages",
    )
    # The gig's employer, kept here so its managers find their records without a join through gigs.
    employer = models.ForeignKey(
        "employers.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    insurer = models.CharField("保险公司", max_length=60)
    policy_number = models.CharField("保单号", max_length=60)
    source = models.CharField("投保方", max_length=12, choices=CoverageSource.choices)
    valid_from = models.DateField("起保日期")
    valid_until = models.DateField("终止日期")
    subsidy_eligible = models.BooleanField("符合保费补贴条件", default=False)
    subsidy_reason = models.CharField("补贴依据", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = InsuranceCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = "意外伤害保险"
        verbose_name_plural = "意外伤害保险"
        ordering = ["-valid_until", "-id"]
        indexes = [
            models.Index(fields=["worker", "valid_until"]),
            models.Index(fields=["gig", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="coverage_has_target", condition=Q(worker__isnull=False) | Q(gig__isnull=False)
            ),
            models.CheckConstraint(
                name="coverage_dates_ordered", condition=Q(valid_until__gte=models.F("valid_from"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


# --- referrals to other departments (部门转介, P-21) ------------------------------------------------


class Department(models.TextChoices):
    """The departments a case is referred to. `其他` carries its name on the referral."""

    CIVIL_AFFAIRS = "civil_affairs", "民政局（低保/救助）"
    DISABLED_PERSONS = "disabled_persons", "残联"
    HOUSING = "housing", "住建局（建筑工地欠薪）"
    MARKET_REGULATION = "market_regulation", "市场监管局"
    MEDICAL_INSURANCE = "medical_insurance", "医保局"
    HEALTH = "health", "卫健局"
    POLICE = "police", "公安（身份证/治安）"
    JUSTICE = "justice", "司法局（法律援助）"
    TRADE_UNION = "trade_union", "总工会"
    WOMENS_FEDERATION = "womens_federation", "妇联"
    LABOUR_INSPECTION = "labour_inspection", "人社劳动监察"
    OTHER = "other", "其他"


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", "已转介"
    RECEIVED = "received", "已接收"
    REPLIED = "replied", "已回复"
    CONCLUDED = "concluded", "已办结"
    RETURNED = "returned", "退回"


# Still waiting for the department's answer: these are the ones that can become overdue.
AWAITING_REPLY = (ReferralStatus.REFERRED, ReferralStatus.RECEIVED)
ENDED_REFERRAL = (ReferralStatus.CONCLUDED, ReferralStatus.RETURNED)
# Where a referral may go next. A department that answers without first acknowledging receipt may be
# recorded as replied (or concluded) straight away; nothing goes backwards, and an ended one stays.
NEXT_REFERRAL_STATUSES: dict[str, tuple[str, ...]] = {
    ReferralStatus.REFERRED: (
        ReferralStatus.RECEIVED,
        ReferralStatus.REPLIED,
        ReferralStatus.CONCLUDED,
        ReferralStatus.RETURNED,
    ),
    ReferralStatus.RECEIVED: (ReferralStatus.REPLIED, ReferralStatus.CONCLUDED, ReferralStatus.RETURNED),
    ReferralStatus.REPLIED: (ReferralStatus.CONCLUDED,),
    ReferralStatus.CONCLUDED: (),
    ReferralStatus.RETURNED: (),
}


class DepartmentReferralQuerySet(models.QuerySet):
    def handled_by(self, user: User | None):
        """Referrals on cases the user handles as staff, through each case's own access path:
        complaints and arrears cases they handle (never those against an employer they belong to),
        assistance plans of the workers they serve or that they are responsible for."""
        if user is None or not user.is_authenticated or not user.is_back_office:
            return self.none()
        if user.is_city_admin:
            qs = self.all()
        else:
            from lingong.assistance.models import AssistancePlan

            qs = self.filter(
                Q(complaint__in=Complaint.objects.handled_by(user).values("pk"))
                | Q(arrears_case__in=ArrearsCase.objects.handled_by(user).values("pk"))
                | Q(plan__in=AssistancePlan.objects.visible_to(user).values("pk"))
                | Q(plan__coordinator=user)
            )
        if user.employer_ids:
            ids = list(user.employer_ids)
            qs = qs.exclude(complaint__employer_id__in=ids).exclude(arrears_case__employer_id__in=ids)
        return qs

    def visible_to(self, user: User | None):
        """Staff through handled_by; the worker the case is about sees theirs. Employers never do,
        not even on a case about them: a referral often says something about the worker's life."""
        if user is None or not user.is_authenticated:
            return self.none()
        return (self.filter(worker__user=user) | self.handled_by(user)).distinct()

    def awaiting_reply(self):
        return self.filter(status__in=AWAITING_REPLY)

    def overdue(self, today: dt.date):
        """Still without an answer after the reply date (N working days from the referral)."""
        return self.awaiting_reply().filter(reply_due_on__lt=today)


class DepartmentReferral(models.Model):
    """A case handed to another department for what this office cannot do itself (部门转介).

    It belongs to exactly one case: a complaint, an arrears case or an individual assistance plan
    (the database refuses anything else). `worker` is the case's worker, kept here so the worker's
    own view and the notices need no join through three kinds of case. `reply_due_on` is fixed when
    the referral is made, N working days later (settings.RIGHTS_REFERRAL_REPLY_DAYS).
    """

    code = models.CharField("编号", max_length=12, unique=True)
    complaint = models.ForeignKey(
        Complaint,
        verbose_name="投诉",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    arrears_case = models.ForeignKey(
        ArrearsCase,
        verbose_name="疑似欠薪案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    plan = models.ForeignKey(
        "assistance.AssistancePlan",
        verbose_name="就业帮扶计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    worker = models.ForeignKey(
        "workers.Worker", verbose_name="零工", on_delete=models.PROTECT, related_name="department_referrals"
    )
    department = models.CharField("转介部门", max_length=20, choices=Department.choices)
    department_name = models.CharField(
        "部门名称", max_length=60, blank=True, help_text="选“其他”时必填；也可写明具体科室或镇街办"
    )
    reason = models.TextField("转介原因", max_length=1000)
    request_detail = models.TextField("请协助事项", max_length=1000)
    contact_name = models.CharField("对方联系人", max_length=40, blank=True)
    contact_phone = models.CharField("对方联系电话", max_length=30, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    reply = models.TextField("部门回复", max_length=1000, blank=True)
    referred_at = models.DateTimeField("转介时间")
    reply_due_on = models.DateField("应回复日期")
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结或退回时间", null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="转介人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = DepartmentReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "部门转介"
        verbose_name_plural = "部门转介"
        ordering = ["-referred_at", "-id"]
        indexes = [
            models.Index(fields=["status", "reply_due_on"]),
            models.Index(fields=["department", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_exactly_one_case",
                condition=Q(complaint__isnull=False, arrears_case__isnull=True, plan__isnull=True)
                | Q(complaint__isnull=True, arrears_case__isnull=False, plan__isnull=True)
                | Q(complaint__isnull=True, arrears_case__isnull=True, plan__isnull=False),
            ),
            models.CheckConstraint(
                name="referral_other_has_name", condition=~Q(department="other") | ~Q(department_name="")
            ),
            models.CheckConstraint(
                name="referral_replied_has_reply", condition=~Q(status="replied") | ~Q(reply="")
            ),
        ]

    def __str__(self) -> str:
        return f"部门转介 {self.code}（{self.department_label}）"

    @property
    def department_label(self) -> str:
        if self.department == Department.OTHER:
            return self.department_name
        label = self.get_department_display()
        return f"{label}·{self.department_name}" if self.department_name else label

    @property
    def case(self):
        return self.complaint or self.arrears_case or self.plan

    @property
    def case_kind(self) -> str:
        if self.complaint_id:
            return "complaint"
        return "arrears" if self.arrears_case_id else "plan"

    @property
    def case_label(self) -> str:
        """How the case is named to the worker and on lists, e.g. 投诉 TSxxxx."""
        kind = {"complaint": "投诉", "arrears": "疑似欠薪案件", "plan": "就业帮扶计划"}[self.case_kind]
        return f"{kind} {self.case.code}"

    @property
    def case_url(self) -> str:
        """The case page, at its referral section."""
        from django.urls import reverse

        name = {
            "complaint": "rights:complaint_detail",
            "arrears": "rights:arrears_detail",
            "plan": "assistance:plan",
        }[self.case_kind]
        return reverse(name, args=[self.case.code]) + "#referrals"

    @property
    def is_awaiting_reply(self) -> bool:
        return self.status in AWAITING_REPLY

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_REFERRAL

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_awaiting_reply and self.reply_due_on < today

    def next_statuses(self) -> tuple[str, ...]:
        return NEXT_REFERRAL_STATUSES.get(self.status, ())


class ReferralEventKind(models.TextChoices):
    REFERRED = "referred", "转介"
    STATUS = "status", "状态变更"
    NOTE = "note", "跟进记录"


class ReferralEvent(models.Model):
    """One line of a referral's trail. Internal notes are for staff; the worker follows the rest."""

    referral = models.ForeignKey(DepartmentReferral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("事项", max_length=10, choices=ReferralEventKind.choices)
    status_from = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    note = models.CharField("说明", max_length=1000, blank=True)
    internal = models.BooleanField("仅工作人员可见", default=False)

    class Meta:
        verbose_name = "部门转介记录"
        verbose_name_plural = "部门转介记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral.code} {self.get_kind_display()}"

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else "系统"
