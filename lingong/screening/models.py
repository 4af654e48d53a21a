"""Screening rules: the unlawful or discriminatory wording a gig posting must not contain, as data.

Built-in rules ship in data/rules.toml and are loaded by a migration and by `manage.py load_reference`;
city admins add their own on /manage/screening/rules/. The engine (engine.py) compiles the active rules
once per process and follows changes through a version (count and latest updated_at).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lingong.lib.codes import new_code


class Category(models.TextChoices):
    SEX = "sex", "性别"
    MARRIAGE = "marriage", "婚育"
    ETHNICITY = "ethnicity", "民族宗教"
    HEALTH = "health", "健康"
    DISABILITY = "disability", "残疾"
    ORIGIN = "origin", "户籍地域"
    AGE = "age", "年龄"
    FEE = "fee", "收费押金"
    ID_CARD = "id_card", "扣押证件"
    PAY_PROMISE = "pay_promise", "夸大薪酬"
    OFF_PLATFORM = "off_platform", "引导私下联系"
    MIN_WAGE = "min_wage", "低于最低工资"
    MISSING = "missing", "缺少必填项"


class Severity(models.TextChoices):
    BLOCK = "block", "禁止发布"
    WARN = "warn", "提醒修改"


class RuleKind(models.TextChoices):
    KEYWORDS = "keywords", "关键词"
    REGEX = "regex", "正则表达式"


def new_rule_code() -> str:
    return new_code("SR")


class ScreeningRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ScreeningRule(models.Model):
    """One rule: words (or regular expressions) that make a posting unlawful or worth a second look.

    pattern: for keywords, one word per line (or separated by 、 and commas); for regex, one regular
    expression per line. allow: wording that must not be flagged even though it contains a match (清真
    餐厅, 男女不限, 不收押金), in the same form as the pattern. Both are matched against the normalised
    text (simplified, half-width, lower case, no spacers inside words; see normalise.py).
    Built-in rules are kept in step with data/rules.toml: they can be switched off but not edited here.
    """

    code = models.CharField("编号", max_length=40, unique=True, default=new_rule_code, editable=False)
    name = models.CharField("规则名称", max_length=60)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    severity = models.CharField("处理方式", max_length=10, choices=Severity.choices, default=Severity.BLOCK)
    kind = models.CharField("写法", max_length=10, choices=RuleKind.choices, default=RuleKind.KEYWORDS)
    pattern = models.TextField("匹配内容")
    allow = models.TextField("例外写法", blank=True)
    message = models.CharField("修改提示", max_length=300)
    law = models.CharField("依据", max_length=200)
    active = models.BooleanField("启用", default=True)
    built_in = models.BooleanField("系统内置", default=False)
    sort = models.PositiveSmallIntegerField("排序", default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="添加人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("添加时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    objects = ScreeningRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "审查规则"
        verbose_name_plural = "审查规则"
        ordering = ["sort", "category", "code"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.name}"
