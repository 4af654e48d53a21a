"""Employer forms. Validation lives in services.clean_employer_data; forms only shape the input."""

from __future__ import annotations

from django import forms

from lingong.places.models import Town

from .models import Employer, EmployerKind
from .services import DECISIONS, EDIT_FIELDS

DECISION_CHOICES = list(DECISIONS.items())


class EmployerForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=EmployerKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label="名称", max_length=100, help_text="与营业执照一致；家庭用工可填“某某家庭”，如“王女士家庭”"
    )
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=40,
        required=False,
        help_text="18 位，见营业执照。企业和人力资源服务机构必填，个体工商户可填，家庭不填",
    )
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(
        label="联系人手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    town = forms.ModelChoiceField(label="所在镇街", queryset=Town.objects.all(), empty_label="请选择")
    address = forms.CharField(label="地址", max_length=200, help_text="经营地址；家庭填用工地址")
    industry = forms.CharField(
        label="所属行业", max_length=50, required=False, help_text="如 灯饰、家政、餐饮"
    )
    description = forms.CharField(
        label="简介", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lat = forms.FloatField(label="纬度", required=False, help_text="可不填")
    lng = forms.FloatField(label="经度", required=False)

    def __init__(self, *args, employer: Employer | None = None, **kwargs):
        if employer is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(employer, f) for f in EDIT_FIELDS}
            kwargs["initial"]["uscc"] = employer.uscc or ""
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in EDIT_FIELDS}


class InviteForm(forms.Form):
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text="已注册的用户会直接加入；未注册的会得到一个 7 天内有效的邀请链接",
    )
    as_manager = forms.BooleanField(label="设为管理员（可修改资料、管理成员）", required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=DECISION_CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="审核意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不通过或要求补充材料时必填，用工主体会看到这段说明",
    )


class ResubmitForm(forms.Form):
    # Required by services.resubmit, which says so in its own words.
    note = forms.CharField(
        label="补充说明",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="说明补充或修改了什么，方便审核人员核对",
    )
