"""Code tables: the 2022 occupation classification, its everyday gig view, synonyms, certificates and
the hardship categories (就业困难人员类别). Loaded by `manage.py load_catalog` from data/ and reference.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .classifier import normalize, split_gig_name

OCCUPATION_CODE_RE = r"^\d-\d{2}-\d{2}-\d{2}$"


class OccupationLevel(models.IntegerChoices):
    MAJOR = 1, "大类"
    MEDIUM = 2, "中类"
    MINOR = 3, "小类"
    DETAIL = 4, "细类"


class OccupationMark(models.TextChoices):
    """The 2022 edition's marks. A few occupations carry both, written "L/S" in the source table."""

    NONE = "", "无"
    DIGITAL = "S", "数字职业"
    GREEN = "L", "绿色职业"
    BOTH = "L/S", "绿色职业、数字职业"


class OccupationQuerySet(models.QuerySet):
    def detailed(self):
        """Level-4 occupations (细类): the codes workers, gigs and statistics use."""
        return self.filter(level=OccupationLevel.DETAIL)

    def search(self, q: str):
        """Occupations whose name, code, gig names or active synonyms contain q (plain substring)."""
        q = (q or "").strip()
        if not q:
            return self
        match = (
            Q(name__icontains=q)
            | Q(code__startswith=q)
            | Q(gig_occupations__name__icontains=q, gig_occupations__active=True)
            | Q(synonyms__term__contains=normalize(q).replace(" ", ""), synonyms__active=True)
        )
        return self.filter(match).distinct()


class Occupation(models.Model):
    """One node of 《中华人民共和国职业分类大典》(2022): 大类, 中类, 小类 or 细类.

    A 小类 without 细类 appears in the source as a level-4 row whose code ends in -00; its parent is then
    the 中类. Where the source lacks a 小类 row, a 细类 hangs from the nearest ancestor present.
    """

    code = models.CharField(
        "职业代码",
        max_length=10,
        unique=True,
        validators=[RegexValidator(OCCUPATION_CODE_RE, "职业代码格式应为 D-DD-DD-DD，如 4-10-01-06")],
    )
    name = models.CharField("名称", max_length=80)
    level = models.PositiveSmallIntegerField("层级", choices=OccupationLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    mark = models.CharField("标识", max_length=3, choices=OccupationMark.choices, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    objects = OccupationQuerySet.as_manager()

    class Meta:
        verbose_name = "职业"
        verbose_name_plural = "职业"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="occupation_level_range", condition=Q(level__gte=1, level__lte=4)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def mark_label(self) -> str:
        return OccupationMark(self.mark).label if self.mark else ""


class GigOccupationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class GigOccupation(models.Model):
    """An occupation as gig boards name it (e.g. “家政服务员/保姆/钟点工”), linked to the closest 2022 code.

    Every row has a code. The source's two groups without one (育婴员/育儿嫂, whose 细类 is missing from
    the table, and 普工, which depends on the industry) are not loaded; synonyms cover those words.
    """

    name = models.CharField("零工常用名", max_length=80, unique=True, help_text="多个叫法用“/”分隔")
    occupation = models.ForeignKey(
        Occupation, verbose_name="对应职业", on_delete=models.PROTECT, related_name="gig_occupations"
    )
    category = models.CharField("类别", max_length=20)
    typical_wage_unit = models.CharField("常见计薪方式", max_length=80, blank=True)
    certificate = models.CharField("常见证书要求", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    source_note = models.CharField("来源与可信度", max_length=120, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    objects = GigOccupationQuerySet.as_manager()

    class Meta:
        verbose_name = "零工工种"
        verbose_name_plural = "零工工种"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def aliases(self) -> list[str]:
        """The separate everyday names, without the explanatory brackets: “车位工/衣车工（缝纫工）” → 2."""
        return split_gig_name(self.name)[0]


class OccupationSynonymQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class OccupationSynonym(models.Model):
    """An everyday word for an occupation (保姆 → 家政服务员). Shipped in data/, extended by city admins.

    Terms are stored normalised (full-width folded, lower case) so “ＣＮＣ” and “cnc” are the same term.
    Shipped rows have no created_by; load_catalog never touches rows an admin created or deactivated.
    """

    term = models.CharField("词语", max_length=20, unique=True)
    occupation = models.ForeignKey(
        Occupation, verbose_name="对应职业", on_delete=models.PROTECT, related_name="synonyms"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="添加人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("添加时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    objects = OccupationSynonymQuerySet.as_manager()

    class Meta:
        verbose_name = "职业同义词"
        verbose_name_plural = "职业同义词"
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.occupation.name}"


class CertificateKind(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", "特种作业操作证"
    SPECIAL_EQUIPMENT = "special_equipment", "特种设备作业人员证"
    QUALIFICATION = "qualification", "职业资格"
    SKILL_LEVEL = "skill_level", "技能等级"
    HEALTH = "health", "健康证"
    OTHER = "other", "其他"


class CertificateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def required_for(self, occupation: Occupation | str):
        """Certificates the law requires for the occupation (by object or code)."""
        code = occupation.code if isinstance(occupation, Occupation) else occupation
        return self.filter(legally_required=True, required_for__code=code).distinct()


class Certificate(models.Model):
    """A certificate a gig may ask for or the law requires (特种作业操作证, 健康证, 技能等级 …)."""

    code = models.CharField("代码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=80)
    kind = models.CharField("类型", max_length=20, choices=CertificateKind.choices)
    issuing_body = models.CharField("发证机关", max_length=80, blank=True)
    legally_required = models.BooleanField(
        "依法必须持证", default=False, help_text="从事“法定必须持证的职业”所列工作须持此证"
    )
    required_for = models.ManyToManyField(
        Occupation, verbose_name="法定必须持证的职业", blank=True, related_name="required_certificates"
    )
    legal_basis = models.CharField("依据", max_length=200, blank=True)
    validity_years = models.PositiveSmallIntegerField("有效期(年)", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "证书"
        verbose_name_plural = "证书"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class HardshipCategoryQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        """Active categories in force on the given day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(active=True, valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def assistance(self):
        """Categories whose members are 就业援助对象 (assistance level in the tier rule)."""
        return self.filter(assistance_level=True)


class HardshipCategory(models.Model):
    """A 就业困难人员 category (粤人社规〔2023〕11号) or a local attention category, for the tier rule.

    tier_weight: 3 = priority assistance (兜底帮扶), 2 = assistance, 1 = attention only, 0 = no effect.
    assistance_level: members are 就业援助对象 once recognised (援助 level in the tier rule); False for the
    local attention categories.
    """

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=40)
    description = models.CharField("认定条件", max_length=300)
    rule_note = models.CharField("规则说明", max_length=300, blank=True)
    min_age_female = models.PositiveSmallIntegerField("女性起始年龄", null=True, blank=True)
    min_age_male = models.PositiveSmallIntegerField("男性起始年龄", null=True, blank=True)
    tier_weight = models.PositiveSmallIntegerField(
        "分级权重", default=1, validators=[MinValueValidator(0), MaxValueValidator(3)]
    )
    assistance_level = models.BooleanField("就业援助对象", default=True)
    source = models.CharField("依据", max_length=200, blank=True)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = HardshipCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = "就业困难人员类别"
        verbose_name_plural = "就业困难人员类别"
        ordering = ["sort", "code"]
        constraints = [
            models.CheckConstraint(name="hardship_tier_weight_range", condition=Q(tier_weight__lte=3)),
            models.CheckConstraint(
                name="hardship_valid_range",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age_rule_applies(self, sex: str, age: int) -> bool:
        """For age-based categories (大龄): does a person of this sex ("F"/"M") and age qualify?"""
        threshold = self.min_age_female if sex == "F" else self.min_age_male if sex == "M" else None
        return threshold is not None and age >= threshold
