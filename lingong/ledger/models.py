"""The daily service ledger 台账 (P-13) and the station's partners and volunteers (P-19)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from lingong.accounts.models import User


class ServiceType(models.TextChoices):
    """What a station did for someone. Codes shared with places.Service mean the same service."""

    REGISTRATION = "registration", "求职登记"
    RECOMMENDATION = "recommendation", "岗位推荐"
    GUIDANCE = "guidance", "职业指导"
    ENTREPRENEURSHIP = "entrepreneurship", "创业指导"
    ASSESSMENT = "assessment", "职业能力测评"
    TRAINING = "training", "培训推荐"
    RIGHTS = "rights", "劳动权益咨询"
    POLICY = "policy", "政策咨询"
    REST = "rest", "便民休憩"
    RECRUITMENT = "recruitment", "招聘活动"
    OTHER = "other", "其他"


class Result(models.TextChoices):
    """The structured outcome of a service; the free-text outcome says the rest."""

    REFERRED = "referred", "已推荐/转介"
    HIRED = "hired", "已上岗"
    NONE = "none", "暂无结果"


# Labels for the parts of the system that add lines. Unknown sources still work (shown as their code),
# so another part of the system can start writing lines without changing this module.
SOURCE_LABELS = {
    "manual": "手工记录",
    "registration": "登记时自动记入",
    "invitation": "邀请时自动记入",
    "training_referral": "培训推荐时自动记入",
    "assessment": "测评时自动记入",
    "event": "活动时自动记入",
    "assistance": "就业援助时自动记入",
}
MAX_WALK_INS = 2000


class PartnerKind(models.TextChoices):
    VOLUNTEER = "volunteer", "志愿者"
    HR_AGENCY = "hr_agency", "人力资源服务机构"
    OTHER = "other", "其他"


def _station_scope(user: User | None, station_field: str) -> Q | None:
    """Q for the stations whose ledger the user keeps or oversees; None means everything (city)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_city_admin:
        return None
    return Q(**{f"{station_field}__town_id__in": user.admin_town_ids}) | Q(
        **{f"{station_field}_id__in": user.coordinator_station_ids}
    )


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """The one access path: coordinators their stations' partners, town admins their towns', city all."""
        scope = _station_scope(user, "station")
        return self.all() if scope is None else self.filter(scope)


class Partner(models.Model):
    """A volunteer or a partner organisation (e.g. an HR service agency) working with one station."""

    code = models.CharField("编号", max_length=12, unique=True)
    station = models.ForeignKey(
        "places.Station", verbose_name="站点", on_delete=models.PROTECT, related_name="partners"
    )
    kind = models.CharField("类型", max_length=20, choices=PartnerKind.choices)
    name = models.CharField("名称/姓名", max_length=60)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    offers = models.CharField("提供的服务", max_length=300, blank=True)
    active = models.BooleanField("在册", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "合作伙伴"
        verbose_name_plural = "合作伙伴与志愿者"
        ordering = ["-active", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="partner_name_once_per_station"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class LedgerEntryQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        """Lines of the stations the user keeps (coordinators) or oversees (town and city admins)."""
        scope = _station_scope(user, "station")
        return self.all() if scope is None else self.filter(scope)

    def valid(self):
        """Lines that count: voided lines stay for the record but are left out of every total."""
        return self.filter(voided_at__isnull=True)


class LedgerEntry(models.Model):
    """One service given at a station: to a registered worker, or to N anonymous walk-ins.

    Lines are never deleted; a mistaken line is voided with a reason and stays visible.
    (source, ref, service, worker) identifies a line another part of the system added, so the same
    event never writes two lines.
    """

    code = models.CharField("编号", max_length=12, unique=True)
    station = models.ForeignKey(
        "places.Station", verbose_name="站点", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    day = models.DateField("日期")
    at = models.DateTimeField("服务时间")
    service = models.CharField("服务类型", max_length=20, choices=ServiceType.choices)
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name="求职者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    walk_in_count = models.PositiveSmallIntegerField("匿名来访人数", default=0)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name="服务提供方",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    notes = models.CharField("备注", max_length=500, blank=True)
    outcome = models.CharField("结果说明", max_length=200, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result.choices, blank=True)
    source = models.CharField("来源", max_length=30, default="manual")
    ref = models.CharField("关联编号", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    corrected_at = models.DateTimeField("更正时间", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "服务台账记录"
        verbose_name_plural = "服务台账"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["station", "day"]),
            models.Index(fields=["day", "service"]),
        ]
        constraints = [
            # A line names a registered worker or counts anonymous walk-ins, never both, never neither.
            models.CheckConstraint(
                name="ledger_worker_or_walk_ins",
                condition=Q(worker__isnull=False, walk_in_count=0)
                | Q(worker__isnull=True, walk_in_count__gte=1, walk_in_count__lte=MAX_WALK_INS),
            ),
            models.CheckConstraint(
                name="ledger_void_has_reason",
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
            ),
            models.UniqueConstraint(
                fields=["source", "ref", "service", "worker"],
                condition=~Q(ref="") & Q(worker__isnull=False),
                name="ledger_once_per_ref_worker",
            ),
            models.UniqueConstraint(
                fields=["source", "ref", "service"],
                condition=~Q(ref="") & Q(worker__isnull=True),
                name="ledger_once_per_ref_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_service_display()} {self.who}"

    @property
    def persons(self) -> int:
        """服务人次: one for a named worker, the count for anonymous walk-ins."""
        return 1 if self.worker_id else self.walk_in_count

    @property
    def who(self) -> str:
        if self.worker is not None:
            return self.worker.masked_name
        return f"匿名来访 {self.walk_in_count} 人"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)
