"""Station forms. Validation lives in services.clean_station_data; forms only shape the input."""

from __future__ import annotations

from django import forms

from .hours import format_exceptions, format_intervals, parse_exceptions, parse_intervals
from .models import (
    WEEKDAYS,
    Facility,
    HostVenue,
    OperatingMode,
    Service,
    Station,
    StationKind,
    StationStatus,
    Town,
)

HOURS_HELP = "如 08:30-12:00，14:00-17:30；留空表示休息"


class StationOperationsForm(forms.Form):
    """What a coordinator keeps current: contacts, services, facilities, occupations, hours."""

    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, help_text="如 0760-88888888 或手机号"
    )
    services = forms.MultipleChoiceField(
        label="服务项目", choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    facilities = forms.MultipleChoiceField(
        label="设施设备", choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    occupations = forms.CharField(
        label="主要服务工种", required=False, help_text="用顿号或逗号分隔，如 普工、保洁、搬运装卸"
    )
    exceptions = forms.CharField(
        label="特殊日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一条，如“2026-10-01 闭馆 国庆节”或“2026-12-24 09:00-12:00 提前闭馆”",
    )

    def __init__(self, *args, station: Station | None = None, **kwargs):
        if station is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(station)
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"hours_{day}"] = forms.CharField(label=label, required=False)

    @property
    def hour_fields(self):
        return [self[f"hours_{d}"] for d in range(7)]

    def clean(self):
        cleaned = super().clean() or {}
        hours = {}
        for day in range(7):
            try:
                hours[day] = parse_intervals(cleaned.get(f"hours_{day}", ""))
            except ValueError as exc:
                self.add_error(f"hours_{day}", str(exc))
        try:
            cleaned["exception_rows"] = parse_exceptions(cleaned.get("exceptions", ""))
        except ValueError as exc:
            self.add_error("exceptions", str(exc))
        cleaned["hours"] = hours
        return cleaned

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("contact_name", "phone", "services", "facilities", "occupations")}


class StationForm(StationOperationsForm):
    """The full record, for town admins (their towns) and city admins."""

    name = forms.CharField(
        label="站点名称", max_length=80, help_text="按“中山市（X街道/X镇/X行业）零工市场/就业驿站”命名"
    )
    kind = forms.ChoiceField(label="类型", choices=StationKind.choices)
    town = forms.ModelChoiceField(label="所在镇街", queryset=Town.objects.none(), empty_label="请选择")
    industry = forms.CharField(
        label="所属行业", max_length=30, required=False, help_text="仅行业站点填写，如“灯饰”"
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    lat = forms.FloatField(label="纬度", help_text="在下方地图上点一下即可填入经纬度")
    lng = forms.FloatField(label="经度")
    host_venue = forms.ChoiceField(
        label="依托场所", choices=[("", "请选择"), *HostVenue.choices], required=False
    )
    host_venue_name = forms.CharField(label="场所名称", max_length=80, required=False)
    operating_mode = forms.ChoiceField(
        label="运营模式", choices=[("", "请选择"), *OperatingMode.choices], required=False
    )
    status = forms.ChoiceField(label="建设/运营状态", choices=StationStatus.choices)
    status_since = forms.DateField(
        label="状态起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    accepted_on = forms.DateField(
        label="验收日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_demo_site = forms.BooleanField(label="市级示范点", required=False)

    field_order = [
        "name",
        "kind",
        "town",
        "industry",
        "address",
        "lat",
        "lng",
        "host_venue",
        "host_venue_name",
        "operating_mode",
        "status",
        "status_since",
        "accepted_on",
        "is_demo_site",
    ]

    def __init__(self, *args, towns=None, allow_demo_flag=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns if towns is not None else Town.objects.all()  # type: ignore[attr-defined]
        if not allow_demo_flag:
            del self.fields["is_demo_site"]

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = super().service_data()
        for key in (
            "name",
            "kind",
            "town",
            "industry",
            "address",
            "lat",
            "lng",
            "host_venue",
            "host_venue_name",
            "operating_mode",
            "status",
            "status_since",
            "accepted_on",
        ):
            data[key] = d.get(key)
        if "is_demo_site" in self.fields:
            data["is_demo_site"] = d.get("is_demo_site", False)
        return data


def initial_for(station: Station) -> dict:
    by_day: dict[int, list] = {d: [] for d in range(7)}
    for h in station.opening_hours.all():
        by_day[h.weekday].append((h.opens, h.closes))
    initial = {
        f.name: getattr(station, f.name)
        for f in Station._meta.fields
        if f.name not in {"id", "code", "updated_at", "ledger_last_entry_on"}
    }
    initial.update({f"hours_{d}": format_intervals(v) for d, v in by_day.items()})
    initial["occupations"] = "、".join(station.occupations)
    initial["exceptions"] = format_exceptions(station)
    return initial
