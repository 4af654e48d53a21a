"""Daily snapshots of the network's figures, the seekers' activity they are computed from, and the
weekly demand/supply table for shortage and surplus occupations.

The dashboard, the reports and the public summary read these rows only, so they stay fast however
long the history grows. Every figure is defined in definitions.py and computed in metrics.py.
"""

from django.db import models
from django.db.models import Q


class SeekerActivity(models.Model):
    """A job seeker looked for work on a day (searched or browsed gigs while signed in).

    One row per worker per day; applications and station services are counted from their own tables.
    """

    worker = models.ForeignKey("workers.Worker", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")

    class Meta:
        verbose_name = "求职活跃记录"
        constraints = [models.UniqueConstraint(fields=["worker", "day"], name="seeker_activity_once_a_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day}"


class Scope(models.TextChoices):
    CITY = "city", "全市"
    TOWN = "town", "镇街"
    STATION = "station", "站点"
    CATEGORY = "category", "职业大类"


class DailySnapshot(models.Model):
    """The figures of one day for the city, one town, one station or one occupation category (大类).

    Flow figures count what happened on the day; stock figures (registered, active, open, cases open)
    are as at the end of the day. `key` is "city", the town or station code, or the 大类 digit.
    """

    day = models.DateField("日期")
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    key = models.CharField("范围编号", max_length=16)
    town = models.ForeignKey("places.Town", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(
        "places.Station", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    seekers_registered = models.PositiveIntegerField("登记求职者", default=0)
    seekers_active = models.PositiveIntegerField("活跃求职者", default=0)
    gigs_open = models.PositiveIntegerField("在招岗位", default=0)
    open_headcount = models.PositiveIntegerField("在招人数", default=0)
    gigs_new = models.PositiveIntegerField("新发布岗位", default=0)
    applications = models.PositiveIntegerField("报名", default=0)
    bookings = models.PositiveIntegerField("录用", default=0)
    completions = models.PositiveIntegerField("完工人次", default=0)
    pay_confirmed = models.PositiveIntegerField("确认收款笔数", default=0)
    pay_confirmed_yuan = models.DecimalField("确认收款金额（元）", max_digits=14, decimal_places=2, default=0)
    arrears_opened = models.PositiveIntegerField("新增疑似欠薪", default=0)
    arrears_closed = models.PositiveIntegerField("办结疑似欠薪", default=0)
    arrears_open = models.PositiveIntegerField("在办疑似欠薪", default=0)
    hardship_served = models.PositiveIntegerField("服务困难人员", default=0)
    hardship_placed = models.PositiveIntegerField("困难人员上岗", default=0)
    services = models.PositiveIntegerField("台账服务人次", default=0)
    services_by_type = models.JSONField("台账服务（按类型）", default=dict)
    events_held = models.PositiveIntegerField("举办活动", default=0)
    event_signups = models.PositiveIntegerField("活动报名", default=0)
    event_intentions = models.PositiveIntegerField("活动达成意向", default=0)
    event_hires = models.PositiveIntegerField("活动到岗", default=0)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "每日运行快照"
        ordering = ["day", "scope", "key"]
        constraints = [
            models.UniqueConstraint(fields=["day", "scope", "key"], name="snapshot_once_per_scope_day"),
            models.CheckConstraint(
                name="snapshot_scope_matches_refs",
                condition=(
                    Q(scope="town", town__isnull=False, station__isnull=True)
                    | Q(scope="station", station__isnull=False)
                    | Q(scope__in=["city", "category"], town__isnull=True, station__isnull=True)
                ),
            ),
        ]
        indexes = [models.Index(fields=["scope", "key", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.get_scope_display()} {self.key}"

    @property
    def job_seeker_ratio(self) -> float | None:
        """求人倍率: open headcount per active seeker; None when nobody is looking."""
        if not self.seekers_active:
            return None
        return round(self.open_headcount / self.seekers_active, 2)


class ShortageWeek(models.Model):
    """Demand and supply for one occupation (细类) in one town (or the city, town empty) in one week."""

    week = models.DateField("周一日期")
    area = models.CharField("范围编号", max_length=16, help_text="镇街编号，全市为 city")
    town = models.ForeignKey("places.Town", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    occupation = models.ForeignKey("catalog.Occupation", on_delete=models.CASCADE, related_name="+")
    demand = models.PositiveIntegerField("需求人数", default=0)
    supply = models.PositiveIntegerField("活跃求职者", default=0)

    class Meta:
        verbose_name = "职业供求（周）"
        constraints = [
            models.UniqueConstraint(fields=["week", "area", "occupation"], name="shortage_week_once")
        ]
        indexes = [models.Index(fields=["area", "week"])]

    def __str__(self) -> str:
        return f"{self.week} {self.area} {self.occupation_id}"


class ReportKind(models.TextChoices):
    MONTH = "month", "月报"
    QUARTER = "quarter", "季报"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        """City admins: every report. Town admins: their towns' reports. Everyone else: none."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(town_id__in=user.admin_town_ids)


class Report(models.Model):
    """A monthly or quarterly report of the city or one town, as generated: the figures (rendered again
    by the printable page) and the Excel workbook.

    One report per kind, period and area; generating it again replaces it and raises `version` (the
    audit log keeps what changed). The workbook is kept in the row (tens of KB): it is written in the
    same transaction as the figures, goes with the database backup, and needs no shared media folder
    when several machines serve the site.
    """

    code = models.CharField("编号", max_length=12, unique=True)
    kind = models.CharField("类型", max_length=10, choices=ReportKind.choices)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    area = models.CharField("范围编号", max_length=16, help_text="镇街编号，全市为 city")
    town = models.ForeignKey(
        "places.Town", verbose_name="镇街", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=80)
    figures = models.JSONField("报表数据", default=dict)
    xlsx = models.BinaryField("Excel 文件", editable=False)
    version = models.PositiveIntegerField("版本", default=1)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空为定时任务自动生成",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "运行报表"
        ordering = ["-period_start", "kind", "area"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "area"], name="report_once_per_period"),
            models.CheckConstraint(
                name="report_area_matches_town",
                condition=Q(area="city", town__isnull=True) | (~Q(area="city") & Q(town__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def area_name(self) -> str:
        """中山市 or the town's name (select_related("town") in lists)."""
        return self.town.name if self.town is not None else "中山市"


class CaseKind(models.TextChoices):
    PLACEMENTS = "placements", "录用人次最多"
    ARREARS = "arrears", "欠薪防控最好"
    HARDSHIP = "hardship", "帮扶困难人员上岗最多"


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    DRAFTED = "drafted", "已转为稿件"
    DISMISSED = "dismissed", "不采用"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        """City admins: all proposals. Town admins: their towns' stations (read only). Others: none."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(town_id__in=user.admin_town_ids)


class CaseProposal(models.Model):
    """An outstanding station picked from the snapshots of a period (典型案例推荐), with the figures that
    justify it. The city office turns it into a draft article or dismisses it, once."""

    code = models.CharField("编号", max_length=12, unique=True)
    kind = models.CharField("推荐理由", max_length=12, choices=CaseKind.choices)
    period_kind = models.CharField("期间类型", max_length=10, choices=ReportKind.choices)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    station = models.ForeignKey(
        "places.Station", verbose_name="站点", on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey("places.Town", verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("名次", default=1)
    figures = models.JSONField("依据数据", default=dict)
    reason = models.CharField("推荐说明", max_length=300)
    status = models.CharField("状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.PROPOSED)
    proposed_at = models.DateTimeField("推荐时间")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.CharField("处理说明", max_length=200, blank=True)
    article = models.OneToOneField(
        "content.Article",
        verbose_name="稿件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "典型案例推荐"
        ordering = ["-period_start", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_kind", "period_start", "station"], name="case_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.figures.get('station_name', '')}"
