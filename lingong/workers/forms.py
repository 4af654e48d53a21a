"""Worker forms: few fields, choices instead of typing, errors next to the field.

Validation rules live in services (validate_registration, _clean_profile); these forms only shape input.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from lingong.places.models import Town

from .models import DAY_PARTS, LANGUAGES, ConsentPurpose, ExperienceLevel, PayUnit, Settlement, TravelMode

WEEKDAYS_SHORT = ["一", "二", "三", "四", "五", "六", "日"]


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "placeholder": "11 位手机号"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"min_length": "验证码是 6 位数字", "max_length": "验证码是 6 位数字"},
    )


class IdentityForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=30, help_text="与身份证一致")
    id_number = forms.CharField(
        label="身份证号码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="18 位，最后一位可能是 X；仅用于核实身份，加密保存，不向用工方展示",
    )
    home_town = forms.ModelChoiceField(
        label="住在哪个镇街", queryset=Town.objects.all(), required=False, empty_label="请选择"
    )


class ConsentFields(forms.Form):
    consent_registration = forms.BooleanField(
        label="我同意进行求职登记，并按《个人信息处理说明》处理我的信息", required=False
    )
    consent_sensitive = forms.BooleanField(
        label="我同意处理我的身份证号（用于核实身份，加密保存）", required=False
    )
    consent_matching = forms.BooleanField(
        label="我同意平台向我推荐岗位，并在我报名时向用工方展示我的姓氏、工种和经验",
        required=False,
        initial=True,
    )

    def consents(self) -> list[str]:
        d = self.cleaned_data
        chosen = [
            (d.get("consent_registration"), ConsentPurpose.REGISTRATION),
            (d.get("consent_sensitive"), ConsentPurpose.SENSITIVE),
            (d.get("consent_matching"), ConsentPurpose.MATCHING),
        ]
        return [purpose for given, purpose in chosen if given]


class SelfRegisterForm(CodeForm, IdentityForm, ConsentFields):
    password = forms.CharField(
        label="设置密码（可不填）",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="不设密码也可以，以后用手机短信验证码登录",
    )


class AssistedRegisterForm(PhoneForm, IdentityForm):
    """Walk-in registration at a station: the coordinator reads the ID card and asks for consent in person."""

    home_community = forms.CharField(label="村/社区", max_length=40, required=False)
    gig_occupations = forms.MultipleChoiceField(
        label="会做的工作", required=False, widget=forms.CheckboxSelectMultiple
    )
    consent_witnessed = forms.BooleanField(
        label="已向本人当面说明《个人信息处理说明》，本人同意求职登记、身份证号处理和岗位推荐",
        required=True,
        error_messages={"required": "请先向本人说明并取得同意"},
    )

    def __init__(self, *args, gig_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gig_occupations"].choices = gig_choices  # type: ignore[attr-defined]


class AvailabilityWidget(forms.CheckboxSelectMultiple):
    template_name = "workers/widgets/availability.html"


def availability_choices() -> list[tuple[str, str]]:
    return [
        (str(day * 3 + part), f"周{WEEKDAYS_SHORT[day]}{label}")
        for day in range(7)
        for part, (label, _, _) in enumerate(DAY_PARTS)
    ]


def mask_from_bits(bits) -> int:
    return sum(1 << int(b) for b in bits or [])


def bits_from_mask(mask: int) -> list[str]:
    return [str(b) for b in range(21) if mask >> b & 1]


class ProfileForm(forms.Form):
    home_town = forms.ModelChoiceField(
        label="居住镇街", queryset=Town.objects.all(), required=False, empty_label="请选择"
    )
    home_community = forms.CharField(label="村/社区", max_length=40, required=False)
    home_lat = forms.FloatField(label="居住地纬度", required=False, widget=forms.HiddenInput)
    home_lng = forms.FloatField(label="居住地经度", required=False, widget=forms.HiddenInput)
    travel_mode = forms.ChoiceField(label="平时怎么出行", choices=TravelMode.choices)
    travel_minutes = forms.TypedChoiceField(
        label="最远愿意走多久",
        coerce=int,
        choices=[
            (10, "10 分钟"),
            (15, "15 分钟"),
            (20, "20 分钟"),
            (30, "30 分钟"),
            (45, "45 分钟"),
            (60, "1 小时"),
            (90, "1 个半小时"),
        ],
    )
    availability = forms.MultipleChoiceField(
        label="什么时候可以工作", required=False, widget=AvailabilityWidget
    )
    blocked_dates = forms.CharField(
        label="哪些日子不能工作",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个日期，如 2026-12-24",
    )
    expected_pay = forms.DecimalField(
        label="期望报酬（元）", required=False, min_value=0, max_digits=8, decimal_places=2
    )
    expected_pay_unit = forms.ChoiceField(label="按什么算", choices=PayUnit.choices)
    settlement_pref = forms.ChoiceField(label="希望怎么结算", choices=Settlement.choices)
    languages = forms.MultipleChoiceField(
        label="会说的语言",
        required=False,
        choices=[(x, x) for x in LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
    )
    intro = forms.CharField(
        label="自我介绍", required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["availability"].choices = availability_choices()  # type: ignore[attr-defined]

    def clean_blocked_dates(self) -> list[dt.date]:
        days = []
        for n, line in enumerate((self.cleaned_data.get("blocked_dates") or "").split(), start=1):
            try:
                days.append(dt.date.fromisoformat(line.strip()))
            except ValueError:
                raise forms.ValidationError(f"第 {n} 个日期格式不对，应写成 2026-12-24") from None
        return days

    def profile_data(self) -> dict:
        d = self.cleaned_data
        data = {
            k: d.get(k)
            for k in (
                "home_town",
                "home_community",
                "home_lat",
                "home_lng",
                "travel_mode",
                "travel_minutes",
                "expected_pay",
                "expected_pay_unit",
                "settlement_pref",
                "languages",
                "intro",
            )
        }
        data["availability"] = mask_from_bits(d.get("availability"))
        return data


class OccupationRowForm(forms.Form):
    occupation_code = forms.CharField(label="工种", required=False, widget=forms.HiddenInput)
    level = forms.ChoiceField(label="经验", choices=ExperienceLevel.choices, initial=ExperienceLevel.SOME)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="查看原因", max_length=200, help_text="如：办理就业困难人员认定，需核对身份证"
    )


class HardshipForm(forms.Form):
    category: forms.ModelChoiceField = forms.ModelChoiceField(
        label="困难类别",
        queryset=None,
        empty_label="请选择",  # type: ignore[arg-type]
    )
    evidence = forms.CharField(
        label="证明材料", max_length=200, help_text="如：残疾人证编号、低保证编号、失业登记日期"
    )
    valid_until = forms.DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        from lingong.catalog.models import HardshipCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = HardshipCategory.objects.filter(active=True)  # type: ignore[attr-defined]
