"""Excel files an office can file: a title row naming the station and period, Chinese headers, a
totals row; the daily file lists every line, the monthly file adds services × days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lingong.lib.excel import XLSX
from lingong.places.models import Station

from .models import LedgerEntry
from .reports import ByService, Grid

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
DETAIL_HEADERS = [
    "序号",
    "日期",
    "时间",
    "服务类型",
    "服务对象",
    "求职编号",
    "人数",
    "服务提供方",
    "备注",
    "结果",
    "结果说明",
    "记录人",
    "来源",
    "记录编号",
]
PERSONS_COLUMN = DETAIL_HEADERS.index("人数") + 1
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _sheet(wb: Workbook, title: str, *, first: bool = False) -> Worksheet:
    if first:
        ws = wb.active
        assert ws is not None
        ws.title = title
        return ws
    return wb.create_sheet(title)


def _table(ws: Worksheet, title: str, note: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Title (merged across the table), a note line, bold headers, the rows, borders and widths."""
    width = len(headers)
    ws.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    ws.cell(NOTE_ROW, 1, note)
    ws.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=width)
    widths = [max(6, len(str(h)) * 2 + 2) for h in headers]
    for i, header in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, i, header)
        cell.font = Font(bold=True)
        cell.border = BOX
    r = HEADER_ROW
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for i, value in enumerate(values, start=1):
            cell = ws.cell(r, i, value)
            cell.border = BOX
            widths[i - 1] = min(50, max(widths[i - 1], len(str(value if value is not None else "")) * 2))
        if values and values[0] == "合计":
            for i in range(1, width + 1):
                ws.cell(r, i).font = Font(bold=True)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"


def _note(station: Station | None, extra: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    where = f"所属镇街：{station.town.name}　" if station is not None else ""
    return f"{where}{extra}　导出时间：{stamp}　人数为服务人次（求职者每条计 1 人次，匿名来访按人数计）"


def _detail_rows(entries: Iterable[LedgerEntry]) -> list[list]:
    rows: list[list] = []
    total = 0
    for n, e in enumerate(entries, start=1):
        at = timezone.localtime(e.at)
        rows.append(
            [
                n,
                e.day.isoformat(),
                at.strftime("%H:%M"),
                e.get_service_display(),
                e.worker.masked_name if e.worker is not None else "匿名来访",
                e.worker.code if e.worker is not None else "",
                e.persons,
                e.partner.name if e.partner is not None else "",
                e.notes,
                e.get_result_display() if e.result else "",
                e.outcome,
                str(e.coordinator) if e.coordinator_id else "系统",
                e.source_label,
                e.code,
            ]
        )
        total += e.persons
    blank: list = [""] * len(DETAIL_HEADERS)
    totals = list(blank)
    totals[0], totals[PERSONS_COLUMN - 1] = "合计", total
    return [*rows, totals]


def _grid_rows(grid: Grid) -> list[list]:
    rows: list[list] = [[r.label, *r.cells, r.total] for r in grid.rows]
    rows.append(["合计", *grid.totals, grid.grand])
    return rows


def _bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def day_workbook(station: Station, day: dt.date, entries: Sequence[LedgerEntry], totals: ByService) -> bytes:
    wb = Workbook()
    period = f"{day.year}年{day.month}月{day.day}日"
    _table(
        _sheet(wb, "台账明细", first=True),
        f"{station.name} 服务台账（{period}）",
        _note(station, f"共 {len(entries)} 条"),
        DETAIL_HEADERS,
        _detail_rows(entries),
    )
    _table(
        _sheet(wb, "分类合计"),
        f"{station.name} 服务分类合计（{period}）",
        _note(station, ""),
        ["服务类型", "记录条数", "服务人次"],
        [*([r.label, r.lines, r.persons] for r in totals.rows), ["合计", totals.lines, totals.persons]],
    )
    return _bytes(wb)


def month_workbook(station: Station, grid: Grid, entries: Sequence[LedgerEntry]) -> bytes:
    wb = Workbook()
    _table(
        _sheet(wb, "按日汇总", first=True),
        grid.title,
        _note(station, f"服务人次合计：{grid.grand}"),
        ["服务类型", *(label for _, label in grid.columns), "合计"],
        _grid_rows(grid),
    )
    _table(
        _sheet(wb, "台账明细"),
        grid.title.replace("汇总", "明细"),
        _note(station, f"共 {len(entries)} 条"),
        DETAIL_HEADERS,
        _detail_rows(entries),
    )
    return _bytes(wb)


def rollup_workbook(grid: Grid, row_header: str, station: Station | None = None) -> bytes:
    wb = Workbook()
    _table(
        _sheet(wb, "汇总", first=True),
        grid.title,
        _note(station, f"服务人次合计：{grid.grand}"),
        [row_header, *(label for _, label in grid.columns), "合计"],
        _grid_rows(grid),
    )
    return _bytes(wb)


def response(filename: str, content: bytes) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
