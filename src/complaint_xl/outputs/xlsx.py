"""XlsxWriter helpers shared by every workbook complaint_xl writes.

Two promises hold for all of them: user text stays text (a cell typed ``=HYPERLINK(…)``
or ``-5%`` is written as a string, never a formula or number), and whole tables are
written as Excel tables (filters, banding) with one format per column rather than
styling cell by cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = [
    "EXCEL_EPOCH",
    "SAFE_OPTIONS",
    "add_table",
    "excel_serials",
    "open_workbook",
    "set_widths",
    "table_name",
    "write_cell",
    "write_table",
    "write_text",
]

SAFE_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
}
"""Workbook options that keep user text as text (see the module docstring)."""

CJK_FONT = "Microsoft YaHei"
"""Excel's default CJK UI font on Windows; LibreOffice substitutes a Noto CJK font."""


def open_workbook(path: str | Path, *, constant_memory: bool = False) -> Workbook:
    """A new XlsxWriter workbook with the safe options and a CJK-capable default font."""
    wb = xlsxwriter.Workbook(str(path), {**SAFE_OPTIONS, "constant_memory": constant_memory})
    wb.formats[0].set_font_name(CJK_FONT)
    return wb


def write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Any = None) -> None:
    """Write a string that stays exactly this text.

    XlsxWriter copies a string shaped ``<r>…</r>`` into the file as raw XML (that is how it
    stores rich text), so a cell typed that way could corrupt or inject into the workbook.
    Written as a three-part rich string instead, XlsxWriter escapes it and Excel shows the
    same text.
    """
    if text.startswith("<r>") and text.endswith("</r>"):
        parts = (text[:1], text[1:2], text[2:])
        ws.write_rich_string(row, col, *parts, *([fmt] if fmt is not None else []))
    else:
        ws.write_string(row, col, text, fmt)


def write_cell(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None,
               date_format: Any = None) -> None:
    """Write one value with the right XlsxWriter call; strings always as strings."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool | np.bool_):
        ws.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_format or fmt)
    elif isinstance(value, int | float | np.integer | np.floating):
        ws.write_number(row, col, float(value), fmt)
    else:
        write_text(ws, row, col, str(value), fmt)


def table_name(text: str) -> str:
    """A valid Excel table name from any label (letters, digits, underscores)."""
    cleaned = "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in text)
    return ("T_" + cleaned).strip("_")[:250] or "T_table"


def _column_cells(series: pd.Series) -> tuple[list[Any], str]:
    """A column's values ready to write, and how: 'n' number, 'd' date serial, 'b', 's'.

    Choosing once per column (and turning dates into Excel serials with numpy) keeps
    the per-cell work of a 100,000-row table to one call.
    """
    kind = series.dtype.kind
    if kind == "M":
        return [None if x != x else x for x in excel_serials(series).tolist()], "d"
    if kind == "b":
        return series.tolist(), "b"
    if kind in "iuf":
        return [None if x != x else x for x in series.astype("float64").tolist()], "n"
    values = series.tolist()
    if all(v is None or isinstance(v, str) for v in values):
        return values, "s"
    return values, "?"


EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")
"""Day 0 of Excel's date serials (1900 system, past its leap-year bug)."""


def excel_serials(series: pd.Series) -> np.ndarray:
    """A date column as Excel serials (float days, NaN for NaT), by numpy."""
    return (series.to_numpy(dtype="datetime64[ns]") - EXCEL_EPOCH) / np.timedelta64(1, "D")


def write_table(
    wb: Workbook,
    ws: Worksheet,
    frame: pd.DataFrame,
    *,
    first_row: int = 0,
    first_col: int = 0,
    name: str | None = None,
    widths: Mapping[str, float] | None = None,
    formats: Mapping[str, Any] | None = None,
    style: str = "Table Style Medium 2",
) -> tuple[int, int]:
    """Write a DataFrame as an Excel table with filters; return (last row, last col).

    Headers are the frame's column labels. Date columns get a date format, numbers
    stay numbers, everything else is written as a string. ``formats`` gives a
    column-wide cell format by column label. In a constant_memory workbook, where
    XlsxWriter cannot make tables, the same range gets a header row and an autofilter.
    """
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    columns: Sequence[str] = [str(c) for c in frame.columns]
    n = len(frame)
    last_row = first_row + max(n, 1)
    last_col = first_col + len(columns) - 1
    formats = formats or {}
    prepared = [_column_cells(frame.iloc[:, j]) for j in range(len(columns))]
    writers = {"n": ws.write_number, "d": ws.write_number, "b": ws.write_boolean,
               "s": functools.partial(write_text, ws)}
    plan = [
        (first_col + j, values, writers.get(how), date_fmt if how == "d" else formats.get(col))
        for j, (col, (values, how)) in enumerate(zip(columns, prepared, strict=True))
    ]
    as_table = not getattr(ws, "constant_memory", False)
    if not as_table:
        header_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        for j, col in enumerate(columns):
            ws.write_string(first_row, first_col + j, col, header_fmt)
    # Row by row: a constant_memory workbook flushes each finished row.
    for i in range(n):
        r = first_row + 1 + i
        for c, values, write, fmt in plan:
            v = values[i]
            if v is None:
                continue
            if write is None:
                write_cell(ws, r, c, v, fmt, date_fmt)
            else:
                write(r, c, v, fmt)
    if as_table:
        add_table(ws, first_row, first_col, last_row, columns, name=name, style=style)
    else:
        ws.autofilter(first_row, first_col, last_row, last_col)
    set_widths(ws, frame, first_col, widths)
    return last_row, last_col


def add_table(ws: Worksheet, first_row: int, first_col: int, last_row: int,
              columns: Sequence[str], *, name: str | None = None,
              style: str = "Table Style Medium 2") -> None:
    """An Excel table with filters over a header row and its body."""
    ws.add_table(first_row, first_col, last_row, first_col + len(columns) - 1, {
        "name": name or table_name(ws.get_name()),
        "style": style,
        "columns": [{"header": c, "header_format": None} for c in columns],
        "autofilter": True,
    })


def set_widths(ws: Worksheet, frame: pd.DataFrame, first_col: int,
               widths: Mapping[str, float] | None = None) -> None:
    """Column widths: as given, else fitted to the header and the first 200 values."""
    for j, col in enumerate(str(c) for c in frame.columns):
        width = (widths or {}).get(col)
        if width is None:
            sample = [str(x) for x in frame.iloc[:200, j].tolist() if x is not None]
            longest = max([_display_width(col), *(_display_width(s) for s in sample)])
            width = min(max(longest + 2, 8), 60)
        ws.set_column(first_col + j, first_col + j, width)


def _display_width(text: str) -> int:
    """Columns a text takes on screen: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))
