"""Assistance forms. They shape input only; every rule is in services.py, subsidies.py and rules.py."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone

from .inventory import INTEREST_CHOICES, SKILL_CHOICES, Item, skill_categories
from .models import ApplicationStatus, ContactWay, ItemKind, ItemStatus, Outcome, SubsidyCategory
from .rules import FACTS, OP_LABELS

PLAN_ROWS = 6
RULE_ROWS = 8


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AnswersForm(forms.Form):
    """One radio group per item. Not required here: the service names the unanswered items."""

    def __init__(self, *args, items: tuple[Item, ...], choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for n, item in enumerate(items, start=1):
            self.fields[item.code] = forms.ChoiceField(
                label=f"{n}. {item.text}", choices=choices, required=False, widget=forms.RadioSelect
            )

    def answers(self) -> dict[str, str]:
        return {code: value for code, value in self.cleaned_data.items() if value}

    def rows(self):
        """(number, item, bound field) for the template."""
        return [(n, item, self[item.code]) for n, item in enumerate(self.items, start=1)]


def interest_form(data=None, *, items: tuple[Item, ...]) -> AnswersForm:
    return AnswersForm(data, items=items, choices=INTEREST_CHOICES)


def skills_form(data=None, *, items: tuple[Item, ...]) -> AnswersForm:
    return AnswersForm(data, items=items, choices=SKILL_CHOICES)


class CategoriesForm(forms.Form):
    cats = forms.MultipleChoiceField(
        label="想查哪几类活的本事（最多 4 类）", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cats"]).choices = [(c, c) for c in skill_categories()]


def _today() -> dt.date:
    return timezone.localdate()


class FollowUpForm(forms.Form):
    on = forms.DateField(label="联系日期", initial=_today, widget=DateInput())
    way = forms.ChoiceField(
        label="方式", choices=ContactWay.choices, widget=forms.RadioSelect, initial="phone"
    )
    note = forms.CharField(label="情况", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    next_due_on = forms.DateField(
        label="下次跟进日期", required=False, widget=DateInput(), help_text="不填则为两周后"
    )


class FinishItemForm(forms.Form):
    item = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(choices=[(ItemStatus.DONE, "已完成"), (ItemStatus.SKIPPED, "不需要")])
    note = forms.CharField(label="完成情况", max_length=200, required=False)


class AddItemForm(forms.Form):
    kind = forms.ChoiceField(label="服务项目", choices=ItemKind.choices)
    due_on = forms.DateField(label="计划完成日期", widget=DateInput())
    note = forms.CharField(label="具体安排", max_length=200, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="帮扶结果", choices=Outcome.choices, widget=forms.RadioSelect)
    outcome_note = forms.CharField(label="结果说明", max_length=200, required=False)


class DecideForm(forms.Form):
    status = forms.ChoiceField(label="处理", choices=ApplicationStatus.choices)
    amount = forms.DecimalField(
        label="发放金额（元）", required=False, min_value=0, max_digits=9, decimal_places=2
    )
    note = forms.CharField(label="审核意见", max_length=200, required=False)


class SubsidyKindForm(forms.Form):
    code = forms.CharField(
        label="代码", max_length=40, required=False, help_text="英文字母、数字和下划线，新增时填写"
    )
    name = forms.CharField(label="名称", max_length=60)
    category = forms.ChoiceField(label="类别", choices=SubsidyCategory.choices)
    summary = forms.CharField(
        label="说明（给求职者看）", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount_note = forms.CharField(label="补贴标准", max_length=200, required=False)
    basis = forms.CharField(label="政策依据", max_length=200, required=False)
    materials = forms.CharField(label="申请材料（每行一项）", widget=forms.Textarea(attrs={"rows": 4}))
    active = forms.BooleanField(label="启用", required=False)
    sort = forms.IntegerField(label="排序", required=False, min_value=0, max_value=999)


FACT_CHOICES = [("", "（不用）"), *((code, f.label) for code, f in FACTS.items())]
OP_CHOICES = list(OP_LABELS.items())


def condition_rows(conditions: list[dict], extra: int = RULE_ROWS) -> list[dict]:
    """The rule as editable rows (value as text), plus empty rows to add more."""
    rows = []
    for c in conditions:
        value = c["value"]
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, list) and c["op"] == "between":
            text = f"{value[0]}-{value[1]}"
        elif isinstance(value, list):
            text = "、".join(value)
        else:
            text = str(value)
        rows.append({"group": c.get("group", 1), "fact": c["fact"], "op": c["op"], "value": text})
    blank = {"group": len(rows) + 1, "fact": "", "op": "", "value": ""}
    return rows + [dict(blank, group=len(rows) + 1 + n) for n in range(max(0, extra - len(rows)))]


def conditions_from_post(post) -> list[dict]:
    """Rows from the rule editor; rows without a fact are ignored. Values are checked by rules.py."""
    out = []
    for n in range(RULE_ROWS + 12):
        fact = post.get(f"cond-{n}-fact", "")
        if not fact:
            continue
        out.append(
            {
                "group": post.get(f"cond-{n}-group", "1") or "1",
                "fact": fact,
                "op": post.get(f"cond-{n}-op", ""),
                "value": post.get(f"cond-{n}-value", ""),
            }
        )
    return out


def plan_items_from_post(post) -> list[dict]:
    """Rows of the new-plan form, in order; empty rows are ignored. Dates are checked by the service."""
    out = []
    for n in range(PLAN_ROWS):
        kind = post.get(f"item-{n}-kind", "")
        if not kind:
            continue
        raw = post.get(f"item-{n}-due", "")
        try:
            due = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            due = None
        out.append({"kind": kind, "due_on": due, "note": post.get(f"item-{n}-note", "")})
    return out
