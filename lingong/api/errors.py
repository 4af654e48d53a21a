"""Clear Chinese messages for invalid API input (never a bare English validation dump, never a 500)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "greater_than": "数值太小",
    "greater_than_equal": "数值太小",
    "less_than": "数值太大",
    "less_than_equal": "数值太大",
    "literal_error": "取值无效",
    "enum": "取值无效",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体格式不正确",
    "dict_type": "请求体格式不正确",
    "list_type": "应为列表",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "value_error": "取值无效",
}

# Where a parameter lives is noise to a reader; drop the location prefix from the path.
LOCATIONS = {"query", "body", "path", "header", "cookie", "form", "payload"}


def describe(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if str(p) not in LOCATIONS]
        kind = err.get("type", "")
        message = MESSAGES.get(kind, "取值无效")
        ctx = err.get("ctx") or {}
        if kind == "value_error" and "error" in ctx:
            message = str(ctx["error"])
        elif kind in {"literal_error", "enum"} and "expected" in ctx:
            message = f"取值无效，可选：{ctx['expected']}"
        elif kind.startswith(("greater", "less")) and ctx:
            bound = next(iter(ctx.values()))
            relation = {
                "greater_than": "大于",
                "greater_than_equal": "不小于",
                "less_than": "小于",
                "less_than_equal": "不大于",
            }[kind]
            message = f"应{relation} {bound}"
        out.append({"field": ".".join(loc), "message": message})
    return out


def summary(details: list[dict[str, str]]) -> str:
    return "；".join(f"{d['field']}：{d['message']}" if d["field"] else d["message"] for d in details)


NUL = "\x00"
NUL_MESSAGE = "不能包含空字符（U+0000）"


def null_characters(request) -> list[dict[str, str]]:
    """Where the request's text holds a NUL character, which PostgreSQL can neither store nor compare.

    Looks at the path, the query string and a JSON body (other bodies go through Django's forms, whose
    fields already refuse NUL).
    """
    fields = []
    if NUL in request.path:
        fields.append("path")
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            fields.append(key.replace(NUL, ""))
    if request.content_type == "application/json" and b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None  # not JSON: the body parser answers that itself
        fields.extend(_nul_fields(data, []))
    return [{"field": field, "message": NUL_MESSAGE} for field in fields]


def _nul_fields(value: Any, loc: list[str]) -> Iterator[str]:
    if isinstance(value, str):
        if NUL in value:
            yield ".".join(loc)
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield ".".join([*loc, key.replace(NUL, "")])
            else:
                yield from _nul_fields(item, [*loc, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_fields(item, [*loc, str(i)])
