"""Showing a stored report: the Excel workbook (one sheet per topic), the numbers as the printable page
writes them, and, where the server can make one, the PDF of the printable page.

PDF needs WeasyPrint and a Chinese font (fontconfig `fc-list :lang=zh`); WeasyPrint is not a project
dependency, so without it the page asks people to use the browser's print to PDF instead.
"""

from __future__ import annotations

import functools
import importlib
import shutil
import subprocess  # noqa: S404 - runs fc-list with fixed arguments only

from django.contrib.staticfiles import finders

from lingong.lib.excel import Sheet, sheets_bytes

PRINT_CSS = "css/reports.css"


def workbook(figures: dict) -> bytes:
    """One sheet per topic: a title row naming the area and period, a note, Chinese headers, 合计."""
    title = figures.get("title", "")
    sheets = [
        Sheet(
            name=s["name"],
            headers=s["headers"],
            rows=s["rows"],
            title=f"{title}——{s['name']}",
            note=s.get("note", ""),
            totals=s.get("totals"),
        )
        for s in figures.get("sheets", [])
    ]
    return sheets_bytes(sheets)


def _shown(value: object) -> object:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def for_display(figures: dict) -> dict:
    """The stored figures with numbers written for reading (1,234 and 9,331.00; — for none). The
    printable page and the PDF show this; the stored JSON and the workbook keep plain numbers."""
    sheets = [
        {
            **s,
            "rows": [[_shown(v) for v in row] for row in s["rows"]],
            "totals": [_shown(v) for v in s["totals"]] if s.get("totals") else None,
        }
        for s in figures.get("sheets", [])
    ]
    cards = [{**c, "value": _shown(c["value"])} for c in figures.get("cards", [])]
    return {**figures, "sheets": sheets, "cards": cards}


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed Chinese font, or None. A fact about this machine, so it is
    looked up once per process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = [line.split(",")[0].strip() for line in out.splitlines() if line.strip()]
    preferred = [f for f in families if "Sans" in f and ("SC" in f or "CN" in f)]
    found = preferred or sorted(families)
    return found[0] if found else None


@functools.cache
def _weasyprint():
    try:
        return importlib.import_module("weasyprint")
    except Exception:  # ImportError, or its system libraries (pango) missing
        return None


def pdf_available() -> bool:
    return _weasyprint() is not None and cjk_font() is not None


def render_pdf(html: str) -> bytes:
    """The printable page's HTML as an A4 PDF, styled by the same print style sheet."""
    weasyprint = _weasyprint()
    font = cjk_font()
    if weasyprint is None or font is None:
        raise RuntimeError("PDF 组件不可用")
    css_path = finders.find(PRINT_CSS)
    stylesheets = [weasyprint.CSS(filename=css_path)] if isinstance(css_path, str) else []
    stylesheets.append(weasyprint.CSS(string=f'body {{ font-family: "{font}", sans-serif; }}'))
    return weasyprint.HTML(string=html).write_pdf(stylesheets=stylesheets)
