"""Excel workbooks of the rows CSV writes, for the offices that keep their lists in Excel.

One sheet, one row per record, the CSV's columns under a frozen header row.
Fields holding a day (`done_on`, `last_event`) become Excel dates, so Excel can
sort and filter them as dates; `due` stays text because it is often a year or a
month ("2023", "2024-09"), which no Excel date can say without inventing a day.
Every other cell is text written as text: a title that starts with "=" is never
a formula. openpyxl is imported here only, when a workbook is asked for.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, BinaryIO, Sequence

from ..core.text import safe_text
from .tables import width

DATE_FIELDS = frozenset({"done_on", "last_event", "date"})
_MAX_WIDTH = 60  # a quote would make a column wider than a screen; Excel wraps nothing by itself


def cell_value(column: str, value: Any) -> Any:
    """What Excel should hold: a date, a number, or text (lists joined as in CSV)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = safe_text(str(value))
    if column in DATE_FIELDS and len(text) == 10:
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    return text


def write_xlsx(rows: Sequence[dict[str, Any]], out: BinaryIO, columns: Sequence[str] | None = None, *,
               sheet: str = "bbtrack") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = list(columns or (rows[0].keys() if rows else []))
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    sizes = [width(c) for c in columns]
    for row in rows:
        values = [cell_value(col, row.get(col)) for col in columns]
        ws.append(values)
        for index, (cell, value) in enumerate(zip(ws[ws.max_row], values)):
            if isinstance(value, str):
                # openpyxl reads a leading "=" as a formula; data text is never one.
                cell.data_type = "s"
                sizes[index] = max(sizes[index], width(value))
            elif isinstance(value, _dt.date):
                cell.number_format = "yyyy-mm-dd"
                sizes[index] = max(sizes[index], 10)
            elif value is not None:
                sizes[index] = max(sizes[index], len(str(value)))
    from openpyxl.utils import get_column_letter

    for index, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(size, _MAX_WIDTH) + 2
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"
    book.save(out)
