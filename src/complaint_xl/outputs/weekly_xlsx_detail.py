"""The detail sheet of the weekly workbook: every complaint with its computed fields.

A manager filters or pivots it to check any figure. Above :data:`DETAIL_STREAM_ROWS`
complaints it is written in constant-memory mode, with an autofilter instead of a table.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.labels import column
from complaint_xl.outputs.weekly_xlsx_formats import Formats
from complaint_xl.outputs.xlsx import write_table
from complaint_xl.words import say

__all__ = ["DETAIL_STREAM_ROWS", "add_detail_sheet", "detail_frame", "write_detail"]

DETAIL_STREAM_ROWS: Final[int] = 20_000
"""Above this many complaints the detail sheet is written in constant-memory mode.

XlsxWriter keeps every cell of a normal sheet until it closes the workbook (~5 KB a
detail row: 8.5 GB at a million rows); in constant-memory mode each finished row goes
to a temporary file. That mode cannot make an Excel table, so only the detail sheet
switches, and only where memory matters: below this the detail sheet stays a table like
the other sheets (banding, a pivot that grows with it) at a cost of ~100 MB at most,
and every other sheet, a few hundred rows at most, stays a table at any size.
"""

_DETAIL: Final[tuple[str, ...]] = (
    "deadline_derived", "is_closed", "week_raised", "week_closed", "resolution_workdays", "on_time",
    "workdays_to_deadline", "age_workdays", "aging_bucket", "repeat",
)
"""Computed columns with headers of their own (``detail.<key>``)."""
_LISTED: Final[dict[str, str]] = {
    "_sheet": "sheet", "_row": "row", "customer": "customer", "overdue": "overdue",
    "workdays_overdue": "workdays_overdue", "due_soon": "due_soon",
}
"""Columns headed as in every list (:func:`~complaint_xl.kpi.labels.column`); the register's
other fields by their template header."""


def _head(key: str, lang: str) -> str:
    if key in _DETAIL:
        return say(f"detail.{key}", lang)
    return column(_LISTED[key], lang) if key in _LISTED else say(f"field.{key}", lang)


def detail_frame(kpis: WeeklyKpis, lang: str) -> pd.DataFrame:
    """Every complaint of the report with its computed fields, headers in ``lang``."""
    frame, facts = kpis.frame, kpis.facts
    yes, no = say("flag.yes", lang), say("flag.no", lang)
    present = set(frame.columns)

    def flag(values: pd.Series | np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        arr = np.where(np.asarray(values, dtype=bool), yes, no).astype(object)
        if where is not None:
            arr[~where] = None
        return arr

    closed = frame["is_closed"].to_numpy(dtype=bool)
    is_open = ~closed
    has_closed_on = "closed_on" not in kpis.unavailable
    cols: dict[str, Any] = {}
    if kpis.multi_sheet:
        cols["_sheet"] = frame["_sheet"]
    cols["_row"] = frame["_row"]
    for name in ("seq", "customer", "customer_attr", "owner", "type", "support_unit",
                 "responsible", "severity", "raised_on", "deadline"):
        if name in present:
            cols[name] = frame[name]
    cols["deadline_derived"] = flag(frame["deadline_derived"])
    cols["is_closed"] = flag(closed)
    if has_closed_on:
        cols["closed_on"] = frame["closed_on"]
    cols["effect"] = frame["effect"]
    cols["week_raised"] = facts["week_raised"]
    if has_closed_on:
        cols["week_closed"] = facts["week_closed"]
        cols["resolution_workdays"] = facts["resolution_workdays"]
        cols["on_time"] = flag(facts["on_time"], frame["closed_on"].notna().to_numpy())
    cols["overdue"] = flag(facts["overdue"], is_open)
    cols["workdays_overdue"] = facts["workdays_overdue"]
    cols["due_soon"] = flag(facts["due_soon"], is_open)
    cols["workdays_to_deadline"] = facts["workdays_to_deadline"]
    cols["age_workdays"] = facts["age_workdays"]
    cols["aging_bucket"] = facts["aging_bucket"]
    cols["repeat"] = flag(facts["repeat"])
    cols["problem"] = frame["problem"]
    out = pd.DataFrame({k: _plain(v) for k, v in cols.items()})
    return out.rename(columns={k: _head(k, lang) for k in out.columns})


def _plain(values: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """A column without its index; text stays object dtype with None for empty.

    pandas 3 would infer its str dtype from an object array and turn None into NaN,
    and a column mixing str and NaN is written cell by cell, testing each value's type.
    """
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    return pd.Series(arr, dtype=object, copy=False) if arr.dtype == object else arr


def add_detail_sheet(wb: Workbook, name: str, rows: int) -> Worksheet:
    """The detail sheet, in constant-memory mode above DETAIL_STREAM_ROWS rows.

    XlsxWriter takes the mode per sheet from the workbook's flag when the sheet is
    added (``Worksheet.constant_memory``), so raising the flag for this one sheet
    leaves the others able to hold tables; :func:`write_table` then writes rows in
    order and an autofilter instead of a table. (That flag is XlsxWriter's internals:
    tests/test_report_big.py fails if a release stops honouring it.)
    """
    if rows <= DETAIL_STREAM_ROWS:
        return wb.add_worksheet(name)
    wb.constant_memory = True
    try:
        return wb.add_worksheet(name)
    finally:
        wb.constant_memory = False


def write_detail(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats) -> None:
    """Fill the detail sheet: :func:`detail_frame` as a table (or rows with an autofilter)."""
    frame = detail_frame(kpis, lang)
    ints = [_head(k, lang) for k in ("resolution_workdays", "workdays_overdue",
                                     "workdays_to_deadline", "age_workdays", "_row")]
    widths = {c: 11.0 for c in frame.columns}
    widths |= {_head("customer", lang): 26.0, say("field.problem", lang): 60.0}
    write_table(wb, ws, frame, first_row=0, name="T_detail",
                formats={c: f.int for c in ints if c in frame.columns}, widths=widths)
    ws.freeze_panes(1, 0)
