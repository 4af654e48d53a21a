"""Tables as the monitoring pages print them and as their Excel downloads carry them.

A table is built once from the snapshot values; the page, the chart beside it and the download all
read the same rows, so the figures cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lingong.lib.excel import Sheet, bytes_response, sheets_bytes

SPARK_WIDTH = 96
SPARK_HEIGHT = 24


@dataclass(frozen=True)
class Trend:
    """Weekly demand and supply of one occupation, oldest first: a sparkline on the page, text in Excel."""

    weeks: list[tuple[dt.date, int, int]]

    def __str__(self) -> str:
        demand = "、".join(str(d) for _, d, _ in self.weeks)
        supply = "、".join(str(s) for _, _, s in self.weeks)
        return f"需求 {demand}；求职者 {supply}"

    def _points(self, values: list[int], top: int) -> str:
        step = SPARK_WIDTH / max(len(values) - 1, 1)
        return " ".join(
            f"{i * step:.1f},{SPARK_HEIGHT - 2 - v / top * (SPARK_HEIGHT - 4):.1f}"
            for i, v in enumerate(values)
        )

    @property
    def spark(self) -> dict[str, str]:
        """SVG polyline points for the demand and supply lines, on one scale."""
        demand = [d for _, d, _ in self.weeks]
        supply = [s for _, _, s in self.weeks]
        top = max([*demand, *supply, 1])
        return {"demand": self._points(demand, top), "supply": self._points(supply, top)}


def cell_text(value: object) -> str:
    """How a value is printed on the page: thousands separators, 2 decimals for money and ratios."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    trend: Trend | None = None


def _is_figure(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _cell(value: object) -> Cell:
    if isinstance(value, Trend):
        return Cell(str(value), False, value)
    # "—" for a missing figure sits where the figure would.
    return Cell(cell_text(value), value is None or _is_figure(value))


@dataclass
class Table:
    """One table: its download name (``?export=<name>``), title, headers, rows and optional totals."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[object]]
    totals: list[object] | None = None
    note: str = ""
    chart: dict[str, object] = field(default_factory=dict)

    @property
    def header_cells(self) -> list[Cell]:
        """Headers, right-aligned over columns of figures."""
        figures = [any(_is_figure(row[i]) for row in self.rows) for i in range(len(self.headers))]
        return [Cell(h, f) for h, f in zip(self.headers, figures, strict=True)]

    @property
    def cells(self) -> list[list[Cell]]:
        return [[_cell(v) for v in row] for row in self.rows]

    @property
    def total_cells(self) -> list[Cell]:
        return [_cell(v) for v in self.totals] if self.totals else []

    def download(self, area_name: str, day: dt.date):
        """The table as an Excel file: a title row with the area and date, the note, headers, rows and
        the totals row in bold."""

        def plain(row: list[object]) -> list[object]:
            return [str(v) if isinstance(v, Trend) else v for v in row]

        sheet = Sheet(
            name=f"{area_name}{self.title}",
            headers=self.headers,
            rows=[plain(row) for row in self.rows],
            title=f"{area_name}·{self.title}（{day:%Y-%m-%d}）",
            note=self.note,
            totals=self.totals,
        )
        return bytes_response(f"运行监测-{area_name}-{self.title}-{day:%Y%m%d}.xlsx", sheets_bytes([sheet]))


def column(rows: list[list[object]], i: int) -> list[object]:
    return [row[i] for row in rows]


def total(rows: list[list[object]], i: int) -> int | Decimal:
    out: int | Decimal = 0
    for row in rows:
        value = row[i]
        if isinstance(value, int | Decimal):
            out += value
    return out


def line_chart(table: Table, columns: list[int], *, kinds: dict[int, str] | None = None, ratio: int = -1):
    """A chart of the table's columns by date (the first column); `ratio` goes on a second axis."""
    kinds = kinds or {}
    return {
        "x": [d.strftime("%m-%d") if isinstance(d, dt.date) else str(d) for d in column(table.rows, 0)],
        "series": [
            {
                "name": table.headers[i],
                "type": kinds.get(i, "line"),
                "data": [_number(v) for v in column(table.rows, i)],
                "axis": 1 if i == ratio else 0,
            }
            for i in columns
        ],
    }


def bar_chart(labels: list[object], series: list[tuple[str, list[object]]], *, horizontal: bool = False):
    return {
        "x": [str(v) for v in labels],
        "series": [{"name": n, "type": "bar", "data": [_number(v) for v in d], "axis": 0} for n, d in series],
        "horizontal": horizontal,
    }


def _number(value: object) -> float | int | None:
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, int | float) else None
