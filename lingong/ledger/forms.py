"""Forms for the ledger pages. They parse what people typed; the rules live in services.py."""

from __future__ import annotations

from typing import cast

from django import forms

from lingong.workers.models import Worker, WorkerStatus

from .models import MAX_WALK_INS, Partner, PartnerKind, Result, ServiceType
from .services import NOTES_MAX, OUTCOME_MAX, VOID_REASON_MAX

RESULT_CHOICES = [("", "不填"), *Result.choices]


def _partner_choices(partners) -> list[tuple[str, str]]:
    return [("", "本站工作人员"), *((p.code, str(p)) for p in partners)]


class EntryForm(forms.Form):
    """One visitor, one or more services: the quick-entry form on a tablet."""

    services = forms.MultipleChoiceField(
        label="服务项目",
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项服务"},
    )
    worker = forms.CharField(label="求职者", required=False, max_length=12)
    walk_in_count = forms.IntegerField(
        label="匿名来访人数",
        required=False,
        min_value=1,
        max_value=MAX_WALK_INS,
        initial=1,
        error_messages={"invalid": "来访人数应为整数", "min_value": "来访人数至少 1 人"},
    )
    notes = forms.CharField(
        label="备注", required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.ChoiceField(label="结果", required=False, choices=RESULT_CHOICES, widget=forms.RadioSelect)
    outcome = forms.CharField(label="结果说明", required=False, max_length=OUTCOME_MAX)
    partner = forms.ChoiceField(label="服务提供方", required=False)

    def __init__(self, *args, user, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.partners = {p.code: p for p in partners}
        cast(forms.ChoiceField, self.fields["partner"]).choices = _partner_choices(partners)
        self.fields["walk_in_count"].widget.attrs.update({"inputmode": "numeric", "min": 1})

    def clean_worker(self) -> Worker | None:
        code = (self.cleaned_data.get("worker") or "").strip()
        if not code:
            return None
        worker = (
            Worker.objects.served_by(self.user)
            .exclude(status=WorkerStatus.ERASED)
            .select_related("user")
            .filter(code=code)
            .first()
        )
        if worker is None:
            raise forms.ValidationError("找不到该求职者，或不在您服务的范围内")
        return worker

    def clean_partner(self) -> Partner | None:
        code = self.cleaned_data.get("partner") or ""
        return self.partners.get(code) if code else None

    def clean(self):
        super().clean()
        data = self.cleaned_data
        # A named worker is one person; without one, the count defaults to a single walk-in.
        if data.get("worker") is not None:
            data["walk_in_count"] = 0
        elif not data.get("walk_in_count") and "walk_in_count" not in self.errors:
            data["walk_in_count"] = 1
        return data


class CorrectionForm(forms.Form):
    """What the recorder may change on the same day."""

    service = forms.ChoiceField(label="服务项目", choices=ServiceType.choices)
    walk_in_count = forms.IntegerField(label="匿名来访人数", min_value=1, max_value=MAX_WALK_INS)
    notes = forms.CharField(
        label="备注", required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.ChoiceField(label="结果", required=False, choices=RESULT_CHOICES)
    outcome = forms.CharField(label="结果说明", required=False, max_length=OUTCOME_MAX)
    partner = forms.ChoiceField(label="服务提供方", required=False)

    def __init__(self, *args, entry, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = {p.code: p for p in partners}
        cast(forms.ChoiceField, self.fields["partner"]).choices = _partner_choices(partners)
        if entry.source != "manual":
            del self.fields["service"]
        if entry.worker_id or entry.source != "manual":
            del self.fields["walk_in_count"]

    def clean_partner(self) -> Partner | None:
        code = self.cleaned_data.get("partner") or ""
        return self.partners.get(code) if code else None


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=VOID_REASON_MAX,
        min_length=2,
        error_messages={"required": "请写明作废原因", "min_length": "请写明作废原因（至少 2 个字）"},
    )


class PartnerForm(forms.Form):
    station = forms.ChoiceField(label="所属站点")
    kind = forms.ChoiceField(label="类型", choices=PartnerKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label="名称/姓名", max_length=60)
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, help_text="手机或座机，如 0760-88888888"
    )
    offers = forms.CharField(
        label="提供的服务",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：每周二上午政策咨询；提供保洁、搬运岗位信息",
    )
    active = forms.BooleanField(label="在册（停用后不能再记录其服务）", required=False, initial=True)

    def __init__(self, *args, stations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stations = {s.code: s for s in stations}
        if editing:
            del self.fields["station"]
        else:
            del self.fields["active"]
            cast(forms.ChoiceField, self.fields["station"]).choices = [(s.code, s.name) for s in stations]

    def clean_station(self):
        return self.stations.get(self.cleaned_data["station"])
