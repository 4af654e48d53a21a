"""Towns (镇街) and stations (零工市场 / 就业驿站) with their hours, services and status."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from lingong.accounts.models import User


class Town(models.Model):
    """One of Zhongshan's 23 town-level divisions; shipped as reference data (data/towns.csv)."""

    code = models.CharField("区划代码", max_length=9, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    short = models.CharField("简称", max_length=10, unique=True)
    kind = models.CharField("类型", max_length=4)  # 街道 / 镇
    name_in_plan = models.CharField("建设方案中的名称", max_length=30, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    lat = models.FloatField("纬度")
    lng = models.FloatField("经度")
    coord_confidence = models.CharField("坐标可信度", max_length=20, blank=True)
    population = models.PositiveIntegerField("常住人口(2021年末)", null=True, blank=True)
    area_km2 = models.FloatField("面积(km²)", null=True, blank=True)
    budget_wan = models.DecimalField("方案预算(万元)", max_digits=8, decimal_places=2)
    demo_site_kind = models.CharField("示范点类型", max_length=20, blank=True)
    plan_seq = models.PositiveSmallIntegerField("方案序号")

    class Meta:
        verbose_name = "镇街"
        verbose_name_plural = "镇街"
        ordering = ["plan_seq"]

    def __str__(self) -> str:
        return self.name


class StationKind(models.TextChoices):
    GIG_MARKET = "gig_market", "零工市场"
    EMPLOYMENT_STATION = "employment_station", "就业驿站"


class StationStatus(models.TextChoices):
    SURVEY = "survey", "调研摸底"
    BUILDING = "building", "建设实施"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "待验收"
    OPERATING = "operating", "运营中"
    SUSPENDED = "suspended", "暂停"
    REVOKED = "revoked", "撤销"


class HostVenue(models.TextChoices):
    PARTY_CENTRE = "party_centre", "党群服务中心"
    BEE_STATION = "bee_station", "蜂享驿站"
    PUBLIC_EMPLOYMENT = "public_employment", "公共就业服务场所"
    VILLAGE = "village", "村/社区"
    OTHER = "other", "其他"


class OperatingMode(models.TextChoices):
    DIRECT = "direct", "人社直办"
    ATTACHED = "attached", "公共就业服务机构加挂"
    PURCHASED = "purchased", "政府购买服务"


class Service(models.TextChoices):
    """The services of P-3 plus 即时快招."""

    GUIDANCE = "guidance", "就业创业指导"
    ASSESSMENT = "assessment", "职业能力测评"
    RECOMMENDATION = "recommendation", "岗位推荐"
    TRAINING = "training", "职业技能培训"
    RIGHTS = "rights", "劳动权益咨询"
    REST = "rest", "便民休憩"
    QUICK_HIRE = "quick_hire", "即时快招"


class Facility(models.TextChoices):
    LED = "led", "LED屏"
    COMPUTER = "computer", "电脑"
    KIOSK = "kiosk", "信息一体机"
    GIG_WINDOW = "gig_window", "零工橱窗"
    REST_AREA = "rest_area", "休息区"


WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
LEDGER_ACTIVE_DAYS = 30


class StationQuerySet(models.QuerySet):
    def public(self):
        """Stations the public can see: everything except revoked ones."""
        return self.exclude(status=StationStatus.REVOKED)

    def visible_to(self, user: User | None):
        """The one access path for reading stations: the directory is public, revoked ones are staff-only."""
        if user is not None and user.is_authenticated and user.is_back_office:
            return self.all()
        return self.public()

    def editable_by(self, user: User | None):
        """Stations whose full record the user may change: city admins all, town admins their towns."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(town_id__in=user.admin_town_ids)

    def operable_by(self, user: User | None):
        """Stations whose hours, contacts and services the user may change (adds coordinators' own)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(Q(town_id__in=user.admin_town_ids) | Q(id__in=user.coordinator_station_ids))


class Station(models.Model):
    """A 零工市场 or 就业驿站, named 中山市（X街道/X镇/X行业）零工市场|就业驿站."""

    code = models.CharField("编号", max_length=12, unique=True)
    name = models.CharField("名称", max_length=80, unique=True)
    kind = models.CharField("类型", max_length=20, choices=StationKind.choices)
    town = models.ForeignKey(Town, verbose_name="所在镇街", on_delete=models.PROTECT, related_name="stations")
    industry = models.CharField("所属行业", max_length=30, blank=True, help_text="行业站点填写，如“灯饰”")
    address = models.CharField("地址", max_length=200, blank=True)
    lat = models.FloatField("纬度")
    lng = models.FloatField("经度")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    host_venue = models.CharField("依托场所", max_length=20, choices=HostVenue.choices, blank=True)
    host_venue_name = models.CharField("场所名称", max_length=80, blank=True)
    services = models.JSONField("服务项目", default=list, blank=True)
    facilities = models.JSONField("设施设备", default=list, blank=True)
    occupations = models.JSONField("主要服务工种", default=list, blank=True)
    operating_mode = models.CharField("运营模式", max_length=20, choices=OperatingMode.choices, blank=True)
    is_demo_site = models.BooleanField("市级示范点", default=False)
    status = models.CharField(
        "状态", max_length=24, choices=StationStatus.choices, default=StationStatus.SURVEY
    )
    status_since = models.DateField("状态起始日期")
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    ledger_last_entry_on = models.DateField("台账最近记录日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = "站点"
        verbose_name_plural = "站点"
        ordering = ["town__plan_seq", "kind", "name"]
        constraints = [
            models.CheckConstraint(name="station_lat_range", condition=Q(lat__gte=-90, lat__lte=90)),
            models.CheckConstraint(name="station_lng_range", condition=Q(lng__gte=-180, lng__lte=180)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def service_labels(self) -> list[str]:
        return [Service(s).label for s in self.services if s in Service.values]

    @property
    def facility_labels(self) -> list[str]:
        return [Facility(f).label for f in self.facilities if f in Facility.values]

    def missing_public_info(self) -> list[str]:
        """What the public directory still lacks (P-18: address, hours, occupations, contact)."""
        missing = []
        if not self.address:
            missing.append("地址")
        if not self.opening_hours.all():
            missing.append("开放时间")
        if not self.occupations:
            missing.append("服务工种")
        if not (self.phone and self.contact_name):
            missing.append("联系人和电话")
        return missing

    def ledger_active(self, today: dt.date) -> bool:
        last = self.ledger_last_entry_on
        return last is not None and 0 <= (today - last).days <= LEDGER_ACTIVE_DAYS

    def compliance_problems(self, today: dt.date) -> list[str]:
        """Empty when the station belongs on the 规范运行清单."""
        problems = [f"缺少{item}" for item in self.missing_public_info()]
        if not self.ledger_active(today):
            problems.append(f"台账近{LEDGER_ACTIVE_DAYS}天无记录")
        if self.status != StationStatus.OPERATING or self.accepted_on is None:
            problems.append("未验收运营")
        return problems


class OpeningHours(models.Model):
    """One opening interval on a weekday; a day may have several (e.g. morning and afternoon)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField("星期", choices=list(enumerate(WEEKDAYS)))
    opens = models.TimeField("开门")
    closes = models.TimeField("关门")

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(name="hours_open_before_close", condition=Q(opens__lt=models.F("closes"))),
            models.CheckConstraint(name="hours_weekday_range", condition=Q(weekday__lte=6)),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.opens:%H:%M}-{self.closes:%H:%M}"


class HoursException(models.Model):
    """A date whose hours differ from the week: closed for a holiday, or special hours."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours_exceptions")
    date = models.DateField("日期")
    closed = models.BooleanField("全天闭馆", default=True)
    opens = models.TimeField("开门", null=True, blank=True)
    closes = models.TimeField("关门", null=True, blank=True)
    note = models.CharField("说明", max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="hours_exception_one_per_day"),
            models.CheckConstraint(
                name="hours_exception_times",
                condition=Q(closed=True)
                | Q(opens__isnull=False, closes__isnull=False, opens__lt=models.F("closes")),
            ),
        ]

    def __str__(self) -> str:
        if self.closed:
            return f"{self.date} 闭馆 {self.note}".strip()
        return f"{self.date} {self.opens:%H:%M}-{self.closes:%H:%M} {self.note}".strip()
