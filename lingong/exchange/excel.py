"""The import workbook: a template with Chinese headers, and reading an uploaded one into rows.

Rows come out in the API's row shape (the same keys as a posting), so both paths share the importer and
the content hash. Choice columns accept the Chinese label (日结, 元/天, 包餐) or the code (daily, day,
meals); dates may be Excel dates or text, several separated by 、 or commas, each a shift with the same
hours. A row whose cells cannot be read is reported with its row number; blank rows are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from lingong.gigs.models import BookingMode, GigKind, Insurance, PayUnit, Provided, Settlement
from lingong.lib.excel import _bytes

from .importer import RowError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SHEET_TITLE = "岗位"
# (header, key, required, example)
COLUMNS: list[tuple[str, str, bool, Any]] = [
    ("外部编号", "external_id", True, "HR-2026-0001"),
    ("标题", "title", True, "写字楼保洁 日结"),
    ("职业代码", "occupation", True, "4-09-08-01"),
    ("工作内容", "description", True, "负责写字楼公共区域日常清洁，工具由我方提供，包午餐。"),
    ("技能与体力要求", "requirements", False, ""),
    ("每班人数", "headcount", True, 2),
    ("镇街", "town", True, "东区"),
    ("工作地点", "address", True, "中山市东区中山四路2号"),
    ("纬度", "lat", True, 22.525),
    ("经度", "lng", True, 113.4),
    ("报酬", "pay_amount", True, 180),
    ("计酬单位", "pay_unit", True, "元/天"),
    ("结算方式", "settlement", True, "日结"),
    ("用工日期", "dates", True, ""),
    ("上班时间", "start", True, "08:00"),
    ("下班时间", "end", True, "17:00"),
    ("联系人", "contact_name", True, "周经理"),
    ("联系电话", "contact_phone", True, "13900000005"),
    ("提供", "provided", False, "包餐"),
    ("所需证书", "certificates", False, ""),
    ("意外伤害保险", "insurance", False, "用工方投保"),
    ("录用方式", "booking_mode", False, "用工方挑选"),
    ("岗位类型", "kind", False, "普通零工"),
]
HEADERS = [c[0] for c in COLUMNS]
CHOICES = {
    "pay_unit": PayUnit,
    "settlement": Settlement,
    "insurance": Insurance,
    "booking_mode": BookingMode,
    "kind": GigKind,
}
_SPLIT = re.compile(r"[、,，;；\s]+")


class ExcelError(ValueError):
    """The workbook as a whole cannot be read (not a workbook, wrong headers)."""


def template_bytes(example_date: dt.date | None = None) -> bytes:
    """The template: headers (required ones marked *), one example row and a notes sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    for i, (header, _, required, _) in enumerate(COLUMNS, start=1):
        ws.cell(1, i, header + ("*" if required else "")).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(header) * 3)
    day = (example_date or dt.date.today() + dt.timedelta(days=3)).isoformat()
    for i, (_, key, _, example) in enumerate(COLUMNS, start=1):
        ws.cell(2, i, day if key == "dates" else example)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    lines = [
        "带 * 的列必填；第 2 行是示例，可直接覆盖。",
        "同一外部编号再次导入时：内容未变则跳过，有变化则更新岗位。",
        "计酬单位：" + "、".join(str(label) for label in PayUnit.labels),
        "结算方式：" + "、".join(str(label) for label in Settlement.labels),
        "用工日期：一个或多个日期，用顿号分隔，如 2026-12-01、2026-12-02；每个日期一个班次，上下班时间相同。",
        "提供（可多选，用顿号分隔）：" + "、".join(str(label) for label in Provided.labels),
        "意外伤害保险：" + "、".join(str(label) for label in Insurance.labels),
        "录用方式：" + "、".join(str(label) for label in BookingMode.labels),
        "岗位类型：" + "、".join(str(label) for label in GigKind.labels),
        "职业代码：2022 版国家职业分类代码，可在“职业与代码表”页面查找；所需证书填写证书代码。",
        "岗位内容会经过就业歧视和违法违规用语审查，被拦截的行不会导入，结果表会列出行号和原因。",
    ]
    for r, line in enumerate(lines, start=1):
        notes.cell(r, 1, line)
    notes.column_dimensions["A"].width = 120
    return _bytes(wb)


def _choice(value: str, choices) -> str:
    for code, label in choices.choices:
        if value in (code, str(label)):
            return code
    return value  # unknown: the posting rules say what is wrong


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value).replace("/", "-")


def _time(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = _text(value).replace("：", ":")
    return f"0{text}" if re.fullmatch(r"\d:\d\d", text) else text


def _number(value: Any) -> Any:
    if isinstance(value, int | float | Decimal):
        return str(value)
    return _text(value)


def row_from_cells(cells: dict[str, Any]) -> dict[str, Any]:
    """One sheet row (key → cell value) in the API's row shape."""
    row: dict[str, Any] = {}
    for key in (
        "external_id",
        "title",
        "occupation",
        "description",
        "requirements",
        "town",
        "address",
        "contact_name",
        "contact_phone",
    ):
        row[key] = _text(cells.get(key))
    for key in ("headcount", "lat", "lng", "pay_amount"):
        row[key] = _number(cells.get(key))
    for key, choices in CHOICES.items():
        value = _text(cells.get(key))
        row[key] = _choice(value, choices) if value else ""
    provided_labels = {str(label): code for code, label in Provided.choices}
    row["provided"] = [provided_labels.get(p, p) for p in _SPLIT.split(_text(cells.get("provided"))) if p]
    row["certificates"] = [c for c in _SPLIT.split(_text(cells.get("certificates"))) if c]
    raw_dates = cells.get("dates")
    dates: list[Any] = (
        [raw_dates] if isinstance(raw_dates, dt.date) else [d for d in _SPLIT.split(_text(raw_dates)) if d]
    )
    start, end = _time(cells.get("start")), _time(cells.get("end"))
    row["shifts"] = [{"date": _date(d), "start": start, "end": end} for d in dates]
    return row


def _header_keys(header: Iterable[Any]) -> list[str | None]:
    by_header = {h: key for h, key, _, _ in COLUMNS}
    keys = [by_header.get(_text(h).rstrip("*")) for h in header]
    missing = [h for h, key, required, _ in COLUMNS if required and key not in keys]
    if missing:
        raise ExcelError("表头缺少必填列：" + "、".join(missing) + "。请使用下载的模板")
    return keys


def read_rows(fh: IO[bytes]) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """[(row number, row)] and rows that could not be read. Row numbers are the sheet's (header = 1)."""
    try:
        wb = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise ExcelError("无法读取该文件，请上传用模板填写的 .xlsx 文件") from exc
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            raise ExcelError("文件是空的")
        keys = _header_keys(header)
        rows: list[tuple[int, dict[str, Any]]] = []
        problems: list[RowError] = []
        for number, values in enumerate(rows_iter, start=2):
            if values is None or all(v is None or _text(v) == "" for v in values):
                continue
            cells = {k: v for k, v in zip(keys, values, strict=False) if k}
            try:
                rows.append((number, row_from_cells(cells)))
            except (TypeError, ValueError) as exc:
                problems.append(RowError(number, _text(cells.get("external_id")), [f"无法读取该行：{exc}"]))
        return rows, problems
    finally:
        wb.close()


def errors_bytes(errors: list[dict[str, Any]]) -> bytes:
    """The rejected rows as a workbook: 行号, 外部编号, 原因."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "被拒绝的行"
    for i, header in enumerate(("行号", "外部编号", "原因"), start=1):
        ws.cell(1, i, header).font = Font(bold=True)
    for r, err in enumerate(errors, start=2):
        ws.cell(r, 1, err.get("row"))
        ws.cell(r, 2, err.get("external_id", ""))
        ws.cell(r, 3, "；".join(err.get("messages", [])))
    ws.column_dimensions["C"].width = 100
    ws.column_dimensions["B"].width = 24
    return _bytes(wb)
