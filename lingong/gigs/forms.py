"""Forms for the gig pages. They only shape the input: every rule lives in posting.clean_gig_data and the
services (one validation path), whose Chinese messages the views put next to these fields.

So fields here accept anything (no `required`, no choice checks); a value the services reject comes
back with the services' own words instead of a second, different message from the form.
"""

from __future__ import annotations

import datetime as dt
from itertools import zip_longest
from typing import Any

from django import forms
from django.utils import timezone

from lingong.catalog.forms import occupation_code_from
from lingong.catalog.models import Certificate
from lingong.employers.models import Employer
from lingong.places.models import Town

from .models import (
    BookingMode,
    Gig,
    GigKind,
    Insurance,
    PayMethod,
    PayUnit,
    Provided,
    Settlement,
)
from .posting import MAX_HEADCOUNT, MAX_SHIFTS, TEXT_LIMITS

# Empty shift rows shown when the page works without scripts (scripts add more rows on demand).
BLANK_SHIFT_ROWS = 3
# A payment dated before this year is a typing mistake (and far-past dates cannot be stored everywhere).
EARLIEST_PAY_YEAR = 2000
# Service error keys that belong to a differently named form field.
GIG_FIELD_MAP = {"occupation": "occupation_code", "lng": "lat"}


def _text(maxlength: int, **attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"maxlength": maxlength, **attrs})


def _list_field(label: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.Field:
    """Checkboxes whose values the service checks (a plain Field keeps the posted list as it is)."""
    return forms.Field(
        label=label, required=False, help_text=help_text, widget=forms.CheckboxSelectMultiple(choices=choices)
    )


def _choice_field(label: str, choices: list[tuple[str, str]], *, radio: bool = True, help_text: str = ""):
    widget = forms.RadioSelect(choices=choices) if radio else forms.Select(choices=choices)
    return forms.CharField(label=label, required=False, help_text=help_text, widget=widget)


class GigForm(forms.Form):
    """A posting: every field of posting.clean_gig_data. No sex, age, household-registration or ethnicity
    field exists, by design (就业促进法 and 网络招聘服务管理规定)."""

    occupation_text = forms.CharField(label="工种", required=False)
    occupation_code = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label="标题",
        required=False,
        widget=_text(TEXT_LIMITS["title"]),
        help_text="一句话说清做什么，如“酒楼洗碗工 日结”",
    )
    description = forms.CharField(
        label="工作内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMITS["description"]}),
        help_text="做什么、在哪里做、几点到、要带什么",
    )
    requirements = forms.CharField(
        label="技能与体力要求",
        required=False,
        widget=_text(TEXT_LIMITS["requirements"]),
        help_text="可不填，如“能搬 20 斤”“会用洗碗机”",
    )
    headcount = forms.CharField(
        label="每班要几个人",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 3}),
        help_text=f"1 到 {MAX_HEADCOUNT} 人",
    )
    shifts = forms.CharField(label="用工日期和时间", required=False, widget=forms.HiddenInput)
    town = forms.CharField(label="所在镇街", required=False, widget=forms.Select())
    address = forms.CharField(label="工作地点", required=False, widget=_text(TEXT_LIMITS["address"]))
    lat = forms.CharField(
        label="纬度",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 12}),
        help_text="在地图上点一下工作地点，会自动填写",
    )
    lng = forms.CharField(
        label="经度", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 12})
    )
    pay_amount = forms.CharField(
        label="报酬（元）",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 9}),
    )
    pay_unit = _choice_field("计酬单位", [("", "请选择"), *PayUnit.choices], radio=False)
    settlement = _choice_field("结算方式", Settlement.choices, help_text="日结最受欢迎")
    certificates = _list_field("必须持有的证书", [], help_text="法律要求持证上岗的工种必须勾选")
    provided = _list_field("提供", Provided.choices)
    insurance = _choice_field("意外伤害保险", Insurance.choices)
    booking_mode = _choice_field(
        "录用方式",
        BookingMode.choices,
        help_text="先到先得：零工点“抢单”即录用；用工方挑选：零工报名后由您确认",
    )
    kind = _choice_field("岗位类型", GigKind.choices, help_text="公益性岗位只面向经认定的就业困难人员")
    contact_name = forms.CharField(label="联系人", required=False, widget=_text(TEXT_LIMITS["contact_name"]))
    contact_phone = forms.CharField(
        label="联系手机",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "maxlength": 11, "autocomplete": "tel"}),
        help_text="录用后才告诉零工",
    )

    def __init__(
        self,
        data=None,
        *,
        staff: bool,
        gig: Gig | None = None,
        employer: Employer | None = None,
    ):
        self.gig = gig
        self.staff = staff
        super().__init__(data, initial=self._initial(gig, employer) if data is None else None)
        towns = [("", "请选择")] + [(t.name, t.name) for t in Town.objects.all()]
        self.fields["town"].widget.choices = towns  # type: ignore[attr-defined]
        certs = [(c.code, c.name) for c in Certificate.objects.active().order_by("code")]
        self.fields["certificates"].widget.choices = certs  # type: ignore[attr-defined]
        if not staff:
            # Public welfare posts are set up by staff for certified hardship workers (P-16).
            del self.fields["kind"]
        self.shift_rows = self._shift_rows(data)

    @staticmethod
    def _initial(gig: Gig | None, employer: Employer | None) -> dict[str, Any]:
        if gig is not None:
            initial: dict[str, Any] = {
                f: getattr(gig, f)
                for f in (
                    "title",
                    "description",
                    "requirements",
                    "headcount",
                    "address",
                    "lat",
                    "lng",
                    "pay_unit",
                    "settlement",
                    "provided",
                    "insurance",
                    "booking_mode",
                    "kind",
                    "contact_name",
                    "contact_phone",
                )
            }
            initial["pay_amount"] = f"{gig.pay_amount:.2f}".rstrip("0").rstrip(".")
            initial["occupation_code"] = gig.occupation.code
            initial["occupation_text"] = gig.occupation.name
            initial["town"] = gig.town.name
            initial["certificates"] = [c.code for c in gig.certificates.all()]
            return initial
        initial = {
            "settlement": Settlement.DAILY,
            "insurance": Insurance.NONE,
            "booking_mode": BookingMode.CHOOSE,
            "kind": GigKind.REGULAR,
            "pay_unit": PayUnit.DAY,
        }
        if employer is not None:
            # Most postings are at the employer's own address, by its usual contact.
            initial.update(
                town=employer.town.name,
                address=employer.address,
                contact_name=employer.contact_name,
                contact_phone=employer.contact_phone,
            )
            if employer.lat is not None and employer.lng is not None:
                initial.update(lat=employer.lat, lng=employer.lng)
        return initial

    def _shift_rows(self, data) -> list[dict[str, str]]:
        """The shift rows to show: what was typed (or the gig's shifts), topped up with empty rows."""
        rows: list[dict[str, str]] = []
        if data is not None:
            for date, start, end in zip_longest(
                data.getlist("shift_date")[: MAX_SHIFTS + 1],
                data.getlist("shift_start")[: MAX_SHIFTS + 1],
                data.getlist("shift_end")[: MAX_SHIFTS + 1],
                fillvalue="",
            ):
                row = {"date": date.strip(), "start": start.strip(), "end": end.strip()}
                if any(row.values()):
                    rows.append(row)
        elif self.gig is not None:
            for shift in self.gig.shifts.all():
                start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
                rows.append(
                    {"date": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
                )
        typed = len(rows)
        rows += [{"date": "", "start": "", "end": ""}] * max(0, BLANK_SHIFT_ROWS - typed)
        return rows

    def service_data(self) -> dict[str, Any]:
        """The dict posting.clean_gig_data validates."""
        d = self.cleaned_data
        data = {
            f: d.get(f) or ""
            for f in (
                "title",
                "description",
                "requirements",
                "headcount",
                "town",
                "address",
                "lat",
                "lng",
                "pay_amount",
                "pay_unit",
                "settlement",
                "insurance",
                "booking_mode",
                "contact_name",
                "contact_phone",
            )
        }
        data["occupation"] = occupation_code_from(d.get("occupation_code", ""), d.get("occupation_text", ""))
        data["provided"] = _strings(d.get("provided"))
        data["certificates"] = _strings(d.get("certificates"))
        if self.staff:
            data["kind"] = d.get("kind") or GigKind.REGULAR
        else:
            data["kind"] = self.gig.kind if self.gig is not None else GigKind.REGULAR
        data["shifts"] = [row for row in self.shift_rows if any(row.values())]
        return data


def _strings(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class PayForm(forms.Form):
    amount = forms.CharField(
        label="实付金额（元）", required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    method = _choice_field("支付方式", PayMethod.choices)
    paid_at = forms.CharField(
        label="支付时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="不填就是现在",
    )

    def clean_paid_at(self) -> dt.datetime | None:
        raw = (self.cleaned_data.get("paid_at") or "").strip()
        if not raw:
            return None
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError("支付时间格式不对，如 2026-05-01 18:30") from None
        if value.year < EARLIEST_PAY_YEAR:
            raise forms.ValidationError("支付时间不对，请核对年份")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


STAR_CHOICES = [(str(n), f"{'★' * n} {n} 星") for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    stars = _choice_field("评分", STAR_CHOICES)
    comment = forms.CharField(
        label="说几句（可不填）",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "off"}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text="退回时必填：写明哪里不合规、怎么改",
    )
