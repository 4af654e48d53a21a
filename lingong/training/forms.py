"""Training forms: they only shape input; the rules are in services.clean_course and change_status."""

from __future__ import annotations

from typing import cast

from django import forms

from lingong.catalog.models import Certificate
from lingong.places.models import Town
from lingong.workers.profile import gig_occupation_choices

from .models import CourseStatus, ReferralStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CourseForm(forms.Form):
    title = forms.CharField(label="课程名称", max_length=60)
    occupation = forms.ChoiceField(label="培训职业（工种）", required=False)
    occupation_code = forms.CharField(
        label="或填写职业代码",
        max_length=10,
        required=False,
        help_text="上面没有的职业，填 2022 版职业分类代码，如 4-14-02-02",
    )
    certificate = forms.ModelChoiceField(
        label="结业可考取的证书", queryset=Certificate.objects.none(), required=False, empty_label="无"
    )
    level = forms.CharField(label="培训等级", max_length=20, required=False)
    provider = forms.CharField(label="培训机构", max_length=80)
    provider_phone = forms.CharField(label="咨询电话", max_length=20, required=False)
    description = forms.CharField(
        label="学什么", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label="开班日期", widget=DateInput())
    ends_on = forms.DateField(label="结业日期", widget=DateInput())
    schedule = forms.CharField(
        label="上课时间", max_length=80, required=False, help_text="如：每周六、日 9:00–17:00"
    )
    town = forms.ModelChoiceField(
        label="所在镇街", queryset=Town.objects.none(), required=False, empty_label="全市"
    )
    address = forms.CharField(label="上课地点", max_length=200)
    fee = forms.DecimalField(label="培训费（元）", min_value=0, max_digits=8, decimal_places=2, initial=0)
    subsidy = forms.DecimalField(
        label="可申请补贴（元）", min_value=0, max_digits=8, decimal_places=2, initial=0
    )
    subsidy_note = forms.CharField(label="补贴说明", max_length=200, required=False)
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=500)
    shortage = forms.BooleanField(label="急需紧缺职业（工种）", required=False)
    new_occupation = forms.BooleanField(label="新职业", required=False)
    entrepreneurship = forms.BooleanField(label="创业培训", required=False)
    status = forms.ChoiceField(label="状态", choices=CourseStatus.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["occupation"]).choices = [
            ("", "请选择（创业培训可不选）"),
            *gig_occupation_choices(),
        ]
        certificate = cast(forms.ModelChoiceField, self.fields["certificate"])
        certificate.queryset = Certificate.objects.active().order_by("kind", "sort", "code")
        town = cast(forms.ModelChoiceField, self.fields["town"])
        towns = Town.objects.all()
        if user is not None and not user.is_city_admin:
            towns = towns.filter(pk__in=user.admin_town_ids)
            town.empty_label = None
            town.required = True
        town.queryset = towns

    def course_data(self) -> dict:
        d = dict(self.cleaned_data)
        code = d.pop("occupation_code", "").strip()
        d["occupation"] = code or d.get("occupation") or None
        return d


class ReferForm(forms.Form):
    course = forms.CharField(max_length=12)
    note = forms.CharField(label="备注", max_length=200, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="改为", choices=ReferralStatus.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)


class FindWorkerForm(forms.Form):
    q = forms.CharField(
        label="手机号、求职编号或姓名",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "如 13800138000 或 WK…"}),
    )
