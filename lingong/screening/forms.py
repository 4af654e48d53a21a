"""Screening forms. Rule validation lives in services.clean_rule_data; forms only shape the input."""

from __future__ import annotations

from django import forms

from .models import Category, RuleKind, ScreeningRule, Severity
from .services import EDIT_FIELDS
from .wages import PAY_UNITS

TITLE_MAX = 60
DESCRIPTION_MAX = 2000
PAY_UNIT_CHOICES = [("", "—")] + [(code, f"元/{label}") for code, label in PAY_UNITS.items()]


class RuleForm(forms.Form):
    name = forms.CharField(label="规则名称", max_length=60, help_text="如“限定性别”“收取工衣费”")
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    severity = forms.ChoiceField(
        label="处理方式",
        choices=Severity.choices,
        initial=Severity.BLOCK,
        help_text="禁止发布：岗位不能公开；提醒修改：提示用工方和审核人员",
    )
    kind = forms.ChoiceField(label="写法", choices=RuleKind.choices, initial=RuleKind.KEYWORDS)
    pattern = forms.CharField(
        label="匹配内容",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="关键词：每行一个，或用顿号、逗号分开；正则表达式：每行一条。"
        "匹配的是整理后的文字：简体、半角、小写，字与字之间的空格和符号已去掉",
    )
    allow = forms.CharField(
        label="例外写法",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不应被判为问题的正常写法，写法同上，如“不收押金”“男女不限”",
    )
    message = forms.CharField(
        label="修改提示",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="用平实的话说明哪里不对、应该怎么写",
    )
    law = forms.CharField(label="依据", max_length=200, help_text="如“《劳动合同法》第九条”")

    def __init__(self, *args, rule: ScreeningRule | None = None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(rule, f) for f in EDIT_FIELDS}
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f, "") for f in EDIT_FIELDS}


class CheckForm(forms.Form):
    """The fields of a posting as the live check receives them (the gig form's own field names)."""

    title = forms.CharField(label="岗位名称", max_length=TITLE_MAX, required=False, strip=False)
    description = forms.CharField(
        label="岗位描述",
        max_length=DESCRIPTION_MAX,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    pay_amount = forms.DecimalField(
        label="工价", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    pay_unit = forms.ChoiceField(label="计薪单位", choices=PAY_UNIT_CHOICES, required=False)
