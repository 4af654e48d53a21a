"""Forms for the event pages. They shape the input; the services validate it (one validation path)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from .models import Event, EventKind, OutcomeKind


class EventForm(forms.Form):
    """Fields are optional here: the service checks everything and says what is missing, in one place."""

    kind = forms.ChoiceField(label="活动类型", choices=EventKind.choices, required=False)
    title = forms.CharField(label="活动名称", max_length=80, required=False)
    station = forms.ChoiceField(label="主办站点", required=False)
    date = forms.DateField(
        label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label="开始时间", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label="结束时间", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    venue = forms.CharField(label="场地", max_length=80, required=False, help_text="在站点举办可不填")
    address = forms.CharField(
        label="地址", max_length=200, required=False, help_text="不填则用主办站点的地址"
    )
    lat = forms.CharField(label="纬度", max_length=20, required=False, help_text="不填则用主办站点的位置")
    lng = forms.CharField(label="经度", max_length=20, required=False)
    capacity = forms.IntegerField(label="名额（人）", required=False)
    description = forms.CharField(
        label="活动介绍", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="招聘哪些工种、要带什么（身份证、证书）、怎么到达",
    )  # fmt: skip

    def __init__(self, *args: Any, stations, event: Event | None = None, **kwargs: Any):
        if event is not None and "initial" not in kwargs:
            start = timezone.localtime(event.starts_at)
            kwargs["initial"] = {
                "kind": event.kind,
                "title": event.title,
                "station": event.station.code,
                "date": start.date(),
                "start": start.time(),
                "end": timezone.localtime(event.ends_at).time(),
                "venue": event.venue,
                "address": event.address,
                "lat": event.lat,
                "lng": event.lng,
                "capacity": event.capacity,
                "description": event.description,
            }
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["station"]).choices = [(s.code, s.name) for s in stations]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class WalkInForm(forms.Form):
    phone = forms.CharField(label="手机号", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    name = forms.CharField(
        label="姓名", max_length=30, required=False, help_text="手机号已登记的求职者可不填"
    )
    check_in = forms.BooleanField(label="同时签到（人已在现场）", required=False, initial=True)


class EmployerForm(forms.Form):
    employer = forms.CharField(
        label="用工主体",
        max_length=100,
        help_text="输入单位编号或全称",
        widget=forms.TextInput(attrs={"list": "employer-names", "autocomplete": "off"}),
    )
    booth = forms.CharField(label="展位", max_length=20, required=False)


class OutcomeForm(forms.Form):
    signup = forms.ChoiceField(label="参会人员")
    employer = forms.ChoiceField(label="用工单位")
    kind = forms.ChoiceField(label="结果", choices=OutcomeKind.choices, widget=forms.RadioSelect)
    gig = forms.ChoiceField(label="岗位", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, signups, participants, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["signup"]).choices = [
            (s.code, f"{s.display_name}（{s.code}）") for s in signups
        ]
        cast(forms.ChoiceField, self.fields["employer"]).choices = [
            (p.employer.code, p.employer.name) for p in participants
        ]
        cast(forms.ChoiceField, self.fields["gig"]).choices = [("", "（不指定）")] + [
            (g.code, f"{p.employer.name} · {g.title}") for p in participants for g in p.gigs.all()
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)
