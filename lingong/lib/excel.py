"""Excel exports: Chinese headers, bold header row, sensible widths.

`workbook_bytes` writes one sheet; `sheets_bytes` writes a workbook of several sheets, each with an
optional title row, a note line and a bold 合计 row, styled the same way.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: object) -> object:
    return "、".join(value) if isinstance(value, list | tuple) else value


def _write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    header_row: int = 1,
    totals: Sequence[object] | None = None,
) -> None:
    """Bold headers at `header_row`, the rows under them, an optional bold totals row, widths, frozen
    header."""
    for i, header in enumerate(headers, start=1):
        ws.cell(header_row, i, header).font = Font(bold=True)
    widths = [max(6, len(str(h)) * 2) for h in headers]
    r = header_row
    for r, row in enumerate(rows, start=header_row + 1):
        values = [_cell(v) for v in row]
        for i, v in enumerate(values, start=1):
            ws.cell(r, i, v)  # type: ignore[arg-type]
            widths[i - 1] = min(60, max(widths[i - 1], len(str(v or "")) * 2))
    if totals is not None:
        for i, v in enumerate(totals, start=1):
            ws.cell(r + 1, i, _cell(v)).font = Font(bold=True)  # type: ignore[arg-type]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    _write_table(ws, headers, rows)
    return _bytes(wb)


@dataclass
class Sheet:
    """One sheet of a workbook: tab name, headers and rows, with an optional title, note and totals."""

    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    title: str = ""
    note: str = ""
    totals: Sequence[object] | None = None


def sheets_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per entry (tab names cut to Excel's 31 characters); decimals are
    shown with two places (money, ratios)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    for n, sheet in enumerate(sheets):
        ws = first if n == 0 else wb.create_sheet()
        ws.title = sheet.name[:31]
        row = 1
        width = max(1, len(sheet.headers))
        for text, font in ((sheet.title, Font(bold=True, size=14)), (sheet.note, Font(italic=True))):
            if text:
                ws.cell(row, 1, text).font = font
                ws.cell(row, 1).alignment = Alignment(horizontal="left", wrap_text=False)
                if width > 1:
                    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
                row += 1
        _write_table(ws, sheet.headers, sheet.rows, header_row=row, totals=sheet.totals)
        for cells in ws.iter_rows(min_row=row + 1):
            for cell in cells:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
        ws.print_title_rows = f"{row}:{row}"
    return _bytes(wb)


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]):
    return bytes_response(filename, workbook_bytes(title, headers, rows))


def bytes_response(filename: str, content: bytes) -> HttpResponse:
    """An Excel file as a download, with its Chinese file name."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
