"""Exchange forms. Rules live in services.py; forms only shape the input."""

from __future__ import annotations

import re

from django import forms

from lingong.accounts.models import User

from .models import Partner, PartnerKind

_SPLIT = re.compile(r"[、,，;；\s]+")


class PartnerForm(forms.Form):
    name = forms.CharField(label="合作方名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=PartnerKind.choices)
    employer = forms.CharField(
        label="代发布的用工主体编号",
        max_length=12,
        required=False,
        help_text="人力资源服务机构填写其本身（已认证、类型为人力资源服务机构）的用工主体编号；"
        "招聘平台填写其代为发布岗位的已认证用工主体",
    )
    users = forms.CharField(
        label="授权用户",
        max_length=1000,
        required=False,
        help_text="可代表该合作方导入岗位、拉取岗位的用户：用户名或手机号，用顿号或逗号分开",
    )
    note = forms.CharField(label="备注", max_length=300, required=False)

    def clean_users(self) -> list[User]:
        names = [n for n in _SPLIT.split(self.cleaned_data.get("users") or "") if n]
        users = list(User.objects.filter(username__in=names)) + list(User.objects.filter(phone__in=names))
        found = {u.username for u in users} | {u.phone for u in users if u.phone}
        missing = [n for n in names if n not in found]
        if missing:
            raise forms.ValidationError("找不到这些用户：" + "、".join(missing))
        return list({u.pk: u for u in users}.values())


class UsersForm(forms.Form):
    users = PartnerForm.base_fields["users"]
    clean_users = PartnerForm.clean_users


class ActiveForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)


class UploadForm(forms.Form):
    partner = forms.ModelChoiceField(label="合作方", queryset=Partner.objects.none(), empty_label=None)
    file = forms.FileField(label="Excel 文件（.xlsx）", help_text="请使用下载的模板填写，一次最多 5,000 行")

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners if partners is not None else Partner.objects.none()  # type: ignore[attr-defined]
