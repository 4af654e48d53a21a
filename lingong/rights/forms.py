"""Forms for the rights pages. Validation lives in the services; forms only shape the input."""

from __future__ import annotations

from typing import cast

from django import forms

from .models import (
    CLOSED_COMPLAINT,
    STAFF_RESOLUTIONS,
    ComplaintKind,
    ComplaintStatus,
    CoverageSource,
    Department,
    ReferralStatus,
)

NOTE_WIDGET = forms.Textarea(attrs={"rows": 3})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files from one input; the service checks each one's type and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)]


EVIDENCE_HELP = "照片、截图（JPG、PNG、GIF、WEBP）或 PDF，每个不超过 5 MB，可一次选多个"


# --- arrears ------------------------------------------------------------------------------------


class ArrearsNoteForm(forms.Form):
    note = forms.CharField(label="处理记录", max_length=500, required=False, widget=NOTE_WIDGET)
    share = forms.BooleanField(label="零工和用工方也可以看到这条记录", required=False)


class ArrearsConfirmForm(forms.Form):
    note = forms.CharField(
        label="核实情况",
        max_length=500,
        required=False,
        widget=NOTE_WIDGET,
        help_text="确认欠薪后，用工方将被暂停发布招工信息",
    )


class ArrearsReferForm(forms.Form):
    note = forms.CharField(label="转介原因", max_length=500, required=False, widget=NOTE_WIDGET)


class ArrearsResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label="处理结果", choices=[(r.value, r.label) for r in STAFF_RESOLUTIONS], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="处理情况",
        max_length=500,
        required=False,
        widget=NOTE_WIDGET,
        help_text="写明支付金额、日期和方式，或结案的理由；零工和用工方会收到短信",
    )


# --- complaints ---------------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label="投诉类型", choices=ComplaintKind.choices, widget=forms.RadioSelect)
    gig = forms.ChoiceField(label="相关岗位", required=False, help_text="选择您报名或做过的岗位（可不选）")
    employer_code = forms.CharField(
        label="被投诉用工主体编号",
        max_length=12,
        required=False,
        help_text="工作人员代为登记时可填写，如 EMxxxxxxxx",
    )
    description = forms.CharField(
        label="发生了什么",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="时间、地点、经过，以及您希望怎样解决",
    )
    evidence = EvidenceField(label="证据材料", help_text=EVIDENCE_HELP)

    def __init__(self, *args, gigs=(), staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["gig"]).choices = [("", "（不选）")] + [
            (g.code, f"{g.title}（{g.employer.name}）") for g in gigs
        ]
        if not staff:
            del self.fields["employer_code"]


class ComplaintNoteForm(forms.Form):
    note = forms.CharField(label="处理记录", max_length=1000, required=False, widget=NOTE_WIDGET)
    internal = forms.BooleanField(label="仅工作人员可见（不通知投诉人）", required=False)


class ComplaintStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        choices=[(s.value, s.label) for s in ComplaintStatus if s not in CLOSED_COMPLAINT],
    )
    note = forms.CharField(label="说明", max_length=1000, required=False)


class ComplaintCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="结果", choices=[(s.value, s.label) for s in CLOSED_COMPLAINT], widget=forms.RadioSelect
    )
    outcome = forms.CharField(
        label="办理结果或不予受理的理由", max_length=1000, required=False, widget=NOTE_WIDGET
    )


class AssignForm(forms.Form):
    owner = forms.ChoiceField(label="承办人")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [(str(u.pk), str(u)) for u in people]


class EvidenceForm(forms.Form):
    evidence = EvidenceField(label="补充证据", help_text=EVIDENCE_HELP)


# --- insurance ----------------------------------------------------------------------------------


class CoverageForm(forms.Form):
    gig_code = forms.CharField(
        label="岗位编号", max_length=12, required=False, help_text="为一个岗位的所有零工投保时填写"
    )
    worker_code = forms.CharField(
        label="零工编号",
        max_length=12,
        required=False,
        help_text="为某位零工投保时填写（工作人员）；与岗位同填表示该零工在该岗位",
    )
    insurer = forms.CharField(label="保险公司", max_length=60, required=False)
    policy_number = forms.CharField(label="保单号", max_length=60, required=False)
    source = forms.ChoiceField(label="投保方", choices=CoverageSource.choices, widget=forms.RadioSelect)
    valid_from = forms.DateField(label="起保日期", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label="终止日期", widget=forms.DateInput(attrs={"type": "date"}))
    subsidy_eligible = forms.BooleanField(label="符合保费补贴条件", required=False)
    subsidy_reason = forms.CharField(
        label="补贴依据",
        max_length=200,
        required=False,
        help_text="如 就业困难人员认定、公益性岗位、补贴文件",
    )

    def service_data(self) -> dict:
        keys = (
            "insurer",
            "policy_number",
            "source",
            "valid_from",
            "valid_until",
            "subsidy_eligible",
            "subsidy_reason",
        )
        return {k: self.cleaned_data.get(k) for k in keys}


# --- department referrals -----------------------------------------------------------------------


class ReferralForm(forms.Form):
    department = forms.ChoiceField(
        label="转介部门", choices=[("", "请选择"), *Department.choices], required=False
    )
    department_name = forms.CharField(
        label="部门名称",
        max_length=60,
        required=False,
        help_text="选“其他”时必填；也可写明具体单位，如 小榄镇社会事务局",
    )
    reason = forms.CharField(
        label="转介原因", max_length=1000, required=False, widget=NOTE_WIDGET, help_text="仅工作人员可见"
    )
    request_detail = forms.CharField(
        label="请协助事项",
        max_length=1000,
        required=False,
        widget=NOTE_WIDGET,
        help_text="写明需要对方部门办理什么，仅工作人员可见",
    )
    contact_name = forms.CharField(label="对方联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="对方联系电话", max_length=30, required=False)


class ReferralStatusForm(forms.Form):
    # Any value reaches the service, which explains in words why a status cannot follow another.
    status = forms.CharField(label="新状态", max_length=12, required=False, widget=forms.Select)
    reply = forms.CharField(
        label="部门回复或办理结果",
        max_length=1000,
        required=False,
        widget=NOTE_WIDGET,
        help_text="“已回复”必填；零工本人可以看到，并会收到短信",
    )
    note = forms.CharField(
        label="说明", max_length=1000, required=False, help_text="退回时写明原因；零工本人可以看到"
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.Select, self.fields["status"].widget).choices = [
            (s, ReferralStatus(s).label) for s in statuses
        ]


class ReferralNoteForm(forms.Form):
    note = forms.CharField(label="跟进记录", max_length=1000, required=False, widget=NOTE_WIDGET)
    internal = forms.BooleanField(label="仅工作人员可见", required=False, initial=True)
