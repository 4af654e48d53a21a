"""Forms for the content pages. They shape the input; the services validate it (one validation path)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from .files import TYPE_HINT, max_bytes
from .models import Article, ArticleKind, Category, Channel

CITY_WIDE = ""


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ArticleKind.choices, required=False)
    category = forms.ChoiceField(label="栏目", required=False)
    title = forms.CharField(label="标题", max_length=120, required=False)
    summary = forms.CharField(
        label="摘要",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="列表和一体机上显示的一两句话，可不填",
    )
    body = forms.CharField(
        label="正文",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="纯文本，每段之间空一行",
    )
    source = forms.CharField(label="发布机构", max_length=60, required=False)
    doc_number = forms.CharField(
        label="文号", max_length=60, required=False, help_text="政策、法规填写，如 中人社发〔2023〕12号"
    )
    town = forms.ChoiceField(label="范围", required=False)
    channels = forms.MultipleChoiceField(
        label="发布渠道", choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    pinned = forms.BooleanField(label="置顶", required=False)

    def __init__(self, *args: Any, towns: list, can_pin: bool, article: Article | None = None, **kwargs: Any):
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": article.kind,
                "category": article.category.code,
                "title": article.title,
                "summary": article.summary,
                "body": article.body,
                "source": article.source,
                "doc_number": article.doc_number,
                "town": article.town.code if article.town is not None else CITY_WIDE,
                "channels": article.channels,
                "pinned": article.pinned,
            }
        kwargs.setdefault("initial", {"channels": [Channel.WEB], "source": "中山市人力资源和社会保障局"})
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(active=True)
        if article is not None:
            categories = categories | Category.objects.filter(pk=article.category_id)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (c.code, c.name) for c in categories.distinct()
        ]
        cast(forms.ChoiceField, self.fields["town"]).choices = [
            (CITY_WIDE if t is None else t.code, "全市" if t is None else t.name) for t in towns
        ]
        if not can_pin:
            del self.fields["pinned"]

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "category": d["category"],
            "title": d["title"],
            "summary": d["summary"],
            "body": d["body"],
            "source": d["source"],
            "doc_number": d["doc_number"],
            "town": d.get("town") or None,
            "channels": d["channels"],
            "pinned": d.get("pinned", False),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files from one input; the service checks each one's type and size."""

    def __init__(self, **kwargs: Any):
        accept = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)]


class UploadForm(forms.Form):
    attachments = FilesField(label="附件")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = max_bytes() // 1024 // 1024
        self.fields["attachments"].help_text = f"{TYPE_HINT}，每个不超过 {limit} MB，可一次选多个"


class CategoryForm(forms.Form):
    name = forms.CharField(label="栏目名称", max_length=20)
    sort = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0, required=False)
