"""The detail sheet of the weekly workbook: the period's complaints with their computed fields.

It holds the rows that matter for the report (open at the as-of day, raised in the week
or closed in the week), not the whole register, which is the export's job. Beside the
computed fields, one 0/1 column per headline count (:data:`LIVE_COUNTS`) lets the
workbook's live KPIs (:mod:`~complaint_xl.outputs.weekly_xlsx_live`) add them up with
SUBTOTAL, so filtering the table moves them. The sheet is always an Excel table,
``T_detail``: its body is written after XlsxWriter closes the file
(:func:`~complaint_xl.outputs.xlsx_rows.fill_rows`, a few thousand rows at a time), so
memory stays bounded at any size without XlsxWriter's constant-memory mode, which
cannot make a table.
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
from complaint_xl.outputs.xlsx_rows import PendingRows, table_later
from complaint_xl.words import say

__all__ = ["DETAIL_TABLE", "LIVE_COUNTS", "count_header", "detail_frame", "period_rows",
           "write_detail"]

DETAIL_TABLE: Final[str] = "T_detail"
"""The detail table's name, which the live KPIs' formulas reference."""
LIVE_COUNTS: Final[dict[str, str]] = {
    "new": "new", "closed": "closed_in_week", "closed_on_time": "on_time_in_week",
    "open": "open", "overdue": "overdue", "due_soon": "due_soon",
}
"""Headline figure -> the fact it counts, as :func:`complaint_xl.kpi.figures.figure_table`
counts it (tests/test_weekly_live.py holds the column sums to ``report --json``)."""

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


def count_header(figure: str, lang: str) -> str:
    """The header of a figure's 0/1 column (``weekly.count.<figure>``), which formulas name."""
    return say(f"weekly.count.{figure}", lang)


def period_rows(kpis: WeeklyKpis) -> np.ndarray:
    """Which rows of the report the detail holds: open at the as-of day, raised in the week
    or closed in the week (every row any headline count counts)."""
    facts = kpis.facts
    return (facts["open"].to_numpy(dtype=bool) | facts["new"].to_numpy(dtype=bool)
            | facts["closed_in_week"].to_numpy(dtype=bool))


def detail_frame(kpis: WeeklyKpis, lang: str) -> pd.DataFrame:
    """The period's complaints (:func:`period_rows`) with their computed fields and the 0/1
    columns of :data:`LIVE_COUNTS`, headers in ``lang``."""
    keep = period_rows(kpis)
    frame, facts = kpis.frame[keep], kpis.facts[keep]
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
    if "team" in kpis.by:  # several teams' registers, or a 团队 column
        cols["team"] = frame["team"]
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
    out = out.rename(columns={k: _head(k, lang) for k in out.columns})
    for figure, fact in LIVE_COUNTS.items():
        out[count_header(figure, lang)] = facts[fact].to_numpy(dtype=np.int8)
    return out


def _plain(values: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """A column without its index; text stays object dtype with None for empty.

    pandas 3 would infer its str dtype from an object array and turn None into NaN,
    and a column mixing str and NaN is written cell by cell, testing each value's type.
    """
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    return pd.Series(arr, dtype=object, copy=False) if arr.dtype == object else arr


def write_detail(wb: Workbook, ws: Worksheet, frame: pd.DataFrame, lang: str,
                 f: Formats) -> PendingRows:
    """Head the detail sheet as the table ``T_detail`` over ``frame`` (:func:`detail_frame`);
    its body is for :func:`~complaint_xl.outputs.xlsx_rows.fill_rows` once the file is closed."""
    ints = [_head(k, lang) for k in ("resolution_workdays", "workdays_overdue",
                                     "workdays_to_deadline", "age_workdays", "_row")]
    ints += [count_header(k, lang) for k in LIVE_COUNTS]
    widths = {c: 11.0 for c in frame.columns}
    widths |= {_head("customer", lang): 26.0, say("field.problem", lang): 60.0}
    *_, pending = table_later(wb, ws, frame, first_row=0, name=DETAIL_TABLE,
                              formats={c: f.int for c in ints if c in frame.columns}, widths=widths)
    ws.freeze_panes(1, 0)
    return pending
