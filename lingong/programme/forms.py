"""Forms for the programme pages. They only read and type the input; the services validate the rules
(one validation path), and their Chinese messages are shown next to the fields."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from lingong.places.models import Station, StationStatus, Town

from .checklist import ITEM_BY_KEY, MANUAL_KEYS
from .coverage import MAX_K
from .models import PLAN_CATEGORIES, CandidateKind, Category, FundSource, PhaseKey

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_HELP = "单位：元，可保留两位小数，例如 12800.50"


class TownChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class StationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.town.short}）"


class ExpenditureForm(forms.Form):
    town = TownChoiceField(label="镇街", queryset=Town.objects.none(), empty_label=None)
    station = StationChoiceField(
        label="站点", queryset=Station.objects.none(), required=False, empty_label="（不落到具体站点）"
    )
    category = forms.ChoiceField(
        label="类别",
        choices=[("", "请选择")] + list(Category.choices),
        help_text="建设方案允许的资金使用范围：" + "、".join(Category(c).label for c in PLAN_CATEGORIES),
    )
    item = forms.CharField(
        label="项目",
        required=False,
        max_length=40,
        help_text="设备购置请写明设备，如 LED屏、电脑、信息一体机",
    )
    spent_on = forms.DateField(label="支出日期", widget=DATE_WIDGET)
    amount = forms.CharField(label="金额（元）", max_length=20, help_text=MONEY_HELP)
    source = forms.ChoiceField(label="资金来源", choices=FundSource.choices, initial=FundSource.CITY)
    supplier = forms.CharField(label="供应商/收款方", max_length=80)
    description = forms.CharField(
        label="用途说明",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="选择“其他（方案未列明）”时必须写明用途和理由",
    )
    voucher = forms.FileField(
        label="凭证（发票、收据或合同）",
        required=False,
        help_text="PDF 或 JPG、PNG、WEBP 图片，不超过 10 MB；也可以稍后补传",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        self.fields["station"].queryset = (  # type: ignore[attr-defined]
            Station.objects.filter(town__in=towns)
            .exclude(status=StationStatus.REVOKED)
            .select_related("town")
        )
        self.fields["item"].widget.attrs["list"] = "equipment-items"
        if not self.is_bound:
            self.initial.setdefault("spent_on", timezone.localdate())

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k) for k in ("station", "category", "item", "spent_on", "amount", "source", "supplier")
        } | {"description": d.get("description", "")}


class VoucherForm(forms.Form):
    voucher = forms.FileField(
        label="凭证文件",
        help_text="PDF 或 JPG、PNG、WEBP 图片，不超过 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200)


class AdjustmentForm(forms.Form):
    town = TownChoiceField(label="镇街", queryset=Town.objects.none(), empty_label=None)
    amount = forms.CharField(
        label="调整金额（元）", max_length=20, help_text="增加填正数，减少填负数，如 -5000"
    )
    reason = forms.CharField(label="调整理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "不批准")])
    note = forms.CharField(label="审批意见", required=False, max_length=300)


class CoFundingForm(forms.Form):
    co_funding = forms.CharField(label="镇街配套资金（元）", max_length=20, help_text=MONEY_HELP)
    co_funding_note = forms.CharField(label="说明", required=False, max_length=200)


class AllocationForm(forms.Form):
    """One amount field per plan category."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for cat in PLAN_CATEGORIES:
            self.fields[cat] = forms.CharField(label=Category(cat).label, required=False, max_length=20)


class PlanForm(forms.Form):
    kiosk_planned = forms.BooleanField(label="计划配置信息一体机", required=False)


class TickForm(forms.Form):
    item = forms.ChoiceField(choices=[(k, ITEM_BY_KEY[k].label) for k in MANUAL_KEYS])
    evidence = forms.CharField(label="核实说明", max_length=300, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="事项", max_length=60)
    phase = forms.ChoiceField(label="阶段", choices=PhaseKey.choices)
    due_on = forms.DateField(label="计划完成", widget=DATE_WIDGET)


class AcceptForm(forms.Form):
    on = forms.DateField(label="验收日期", widget=DATE_WIDGET, required=False, help_text="不填为今天")
    note = forms.CharField(label="验收意见", max_length=300, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因和整改要求", max_length=300, required=False)


class CandidateForm(forms.Form):
    town = TownChoiceField(label="镇街", queryset=Town.objects.none(), empty_label=None)
    name = forms.CharField(label="名称", max_length=80, help_text="如：小榄镇永宁社区党群服务中心")
    kind = forms.ChoiceField(label="类型", choices=CandidateKind.choices)
    lat = forms.FloatField(label="纬度")
    lng = forms.FloatField(label="经度")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]


class SitingForm(forms.Form):
    town = TownChoiceField(label="镇街", queryset=Town.objects.none(), empty_label=None)
    k = forms.IntegerField(label="新建站点数", min_value=1, max_value=MAX_K, initial=3)
    mode = forms.ChoiceField(
        label="出行方式", choices=[("walk", "步行"), ("ebike", "电动车")], initial="walk"
    )
    source = forms.ChoiceField(
        label="候选点",
        choices=[("candidates", "登记的候选站址"), ("grid", "网格（自动生成）")],
        initial="candidates",
    )
    count_planned = forms.BooleanField(label="在建站点视为已覆盖", required=False, initial=True)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
