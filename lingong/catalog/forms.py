"""Catalog forms. Validation lives in services.clean_synonym_data; forms only shape the input."""

from __future__ import annotations

import re

from django import forms

from .models import OCCUPATION_CODE_RE, Occupation

SUGGEST_HELP = "输入工种或岗位名称（如“保洁”“搬运”），或拼音首字母（如 bj），再从下方选择"


def occupation_code_from(code: str, text: str) -> str:
    """The chosen code: the hidden field set by the type-ahead, else a code or exact name typed by hand
    (so the form still works when scripts do not load)."""
    code, text = (code or "").strip(), (text or "").strip()
    if code:
        return code
    if re.match(OCCUPATION_CODE_RE, text):
        return text
    match = Occupation.objects.detailed().filter(name=text).values_list("code", flat=True).first()
    return match or ""


class SynonymForm(forms.Form):
    term = forms.CharField(
        label="词语", max_length=40, help_text="群众和用工方的常用说法，如“住家保姆”“卸柜”"
    )
    occupation_text = forms.CharField(
        label="对应职业", max_length=100, required=False, help_text=SUGGEST_HELP
    )
    occupation_code = forms.CharField(max_length=10, required=False, widget=forms.HiddenInput)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "term": d["term"],
            "occupation_code": occupation_code_from(
                d.get("occupation_code", ""), d.get("occupation_text", "")
            ),
            "note": d.get("note", ""),
        }
