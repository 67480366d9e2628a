"""The chase list workbook (催办清单): every item to chase, and who has how many.

One Excel table with filters (overdue rows red, due soon amber, by conditional
formatting so the colours follow the rows when the coordinator sorts or filters),
then a summary per owner and per support unit for the sales meeting. The tables'
rows are written by :mod:`complaint_xl.outputs.xlsx_rows` (tens of thousands of items on
a big register; a call per cell took most of a chase run).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.chase.result import ChaseResult
from complaint_xl.deadlines import late_texts
from complaint_xl.kpi.labels import column
from complaint_xl.outputs.xlsx import open_workbook
from complaint_xl.outputs.xlsx_rows import fill_rows, table_later
from complaint_xl.register.schema import FIELD_NAMES
from complaint_xl.words import say, template

__all__ = ["labels", "list_filename", "write_chase_xlsx"]

_WORDS: Final[tuple[str, ...]] = (
    "list", "by_owner", "by_unit", "about", "status", "level", "workdays_left", "superior", "note",
    "key_account", "deadline_derived", "level2", "level3", "max_workdays_overdue", "yes", "none",
    "title", "about_text",
)
"""The workbook's own words (``chase.list.<key>``), beside the column headers of every list."""
_COMPUTED: Final[tuple[str, ...]] = ("sheet", "row", "overdue", "due_soon", "workdays_overdue")
"""Columns the chase computes, headed as in every list (``column.<key>``)."""


@functools.cache
def labels(lang: str) -> dict[str, str]:
    """The workbook's words in ``lang``: the column headers shared with every list
    (:func:`~complaint_xl.kpi.labels.column`), then its own."""
    columns = {k: column(k, lang) for k in (*FIELD_NAMES, *_COMPUTED)}
    return columns | {k: template(f"chase.list.{k}", lang) for k in _WORDS}


_LIST_COLUMNS: Final[tuple[str, ...]] = (
    "status", "level", "workdays_overdue", "workdays_left", "note", "owner", "superior", "customer",
    "customer_attr", "key_account", "type", "severity", "raised_on", "deadline",
    "deadline_derived", "support_unit", "support_need", "progress", "problem", "sheet", "row", "seq",
)
_SUMMARY_COLUMNS: Final[tuple[str, ...]] = (
    "overdue", "due_soon", "level2", "level3", "max_workdays_overdue",
)
RED: Final[dict[str, str]] = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
AMBER: Final[dict[str, str]] = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}


def _notes(items: pd.DataFrame, over: np.ndarray, lang: str) -> np.ndarray:
    """The 备注 column: "deadline passed on <date>" where no working day has passed since
    the deadline (the 0 in 逾期工作日 alone would read as "not late"), and a request to check
    a deadline before the raised date; None elsewhere."""
    passed = over & items["workdays_overdue"].eq(0).to_numpy()
    suspect = items["deadline_suspect"].to_numpy(dtype=bool)
    check = say("deadline.suspect", lang)
    late = late_texts(np.where(passed, 0.0, np.nan), items["deadline"], lang)
    both = np.where(passed, late, "").astype(object) + template("list.semi", lang) + check
    return np.select([passed & suspect, passed, suspect], [both, late, check], default=None)


def _list_frame(result: ChaseResult, t: dict[str, str], lang: str) -> pd.DataFrame:
    """The chase list with user-facing labels; blanks where a figure does not apply."""
    items = result.items
    over = items["status"].eq("overdue").to_numpy()
    frame = items.reindex(columns=list(_LIST_COLUMNS))
    frame["note"] = _notes(items, over, lang)
    frame["status"] = np.where(over, t["overdue"], t["due_soon"])
    # Figures stay numeric columns (NaN = blank), written without a look at each value.
    frame["level"] = np.where(over, items["level"].to_numpy(dtype=float), np.nan)
    frame["workdays_overdue"] = np.where(over, items["workdays_overdue"].to_numpy(dtype=float), np.nan)
    frame["workdays_left"] = np.where(over, np.nan, items["workdays_left"].to_numpy(dtype=float))
    for flag in ("key_account", "deadline_derived"):
        frame[flag] = np.where(items[flag].to_numpy(dtype=bool), t["yes"], None)
    return frame.rename(columns=t)


def _summary_frame(summary: pd.DataFrame, key: str, extra: list[str], t: dict[str, str]
                   ) -> pd.DataFrame:
    frame = summary.loc[:, [key, *extra, *_SUMMARY_COLUMNS]].astype(object)
    frame[key] = frame[key].where(frame[key].notna(), t["none"])
    frame = frame.where(frame.notna(), None)
    return frame.rename(columns=t)


def list_filename(as_of: dt.date) -> str:
    """The chase list's file name, which the mails name for the items they do not list."""
    return f"chase-{as_of.isoformat()}.xlsx"


def write_chase_xlsx(result: ChaseResult, path: str | Path, *, lang: str = "zh") -> Path:
    """Write the chase list workbook to ``path`` (call it with a temporary path, then rename)."""
    t = labels(lang)
    wb = open_workbook(path)
    red, amber = wb.add_format(RED), wb.add_format(AMBER)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    title_fmt = wb.add_format({"bold": True, "font_size": 13})

    ws = wb.add_worksheet(t["list"])
    n_over, n_soon = len(result.overdue), len(result.due_soon)
    ws.write_string(0, 0, t["title"].format(as_of=result.as_of.isoformat(), overdue=n_over,
                                            due_soon=n_soon), title_fmt)
    frame = _list_frame(result, t, lang)
    last_row, last_col, items = table_later(
        wb, ws, frame, first_row=2, name="T_chase",
        widths={t["problem"]: 50, t["support_need"]: 30, t["progress"]: 24},
        formats={t["problem"]: wrap, t["support_need"]: wrap, t["progress"]: wrap},
    )
    pending = [items]  # every table's rows, filled in once XlsxWriter has written the rest
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed for the sales meeting: all columns on one page wide
    ws.repeat_rows(2)
    if len(frame):
        # Colour by the status cell of each row, so the colours follow sorting and filtering.
        for label, fmt in ((t["overdue"], red), (t["due_soon"], amber)):
            ws.conditional_format(3, 0, last_row, last_col, {
                "type": "formula", "criteria": f'=$A4="{label}"', "format": fmt,
            })

    for sheet, summary, key, extra in (
        (t["by_owner"], result.by_owner(), "owner", ["superior"]),
        (t["by_unit"], result.by_unit(), "support_unit", []),
    ):
        ws = wb.add_worksheet(sheet)
        *_, rows = table_later(wb, ws, _summary_frame(summary, key, extra, t), name=f"T_{key}")
        pending.append(rows)
        ws.freeze_panes(1, 0)

    ws = wb.add_worksheet(t["about"])
    ws.set_column(0, 0, 100)
    l2, l3 = result.escalate_after
    ws.write_string(0, 0, t["about_text"].format(as_of=result.as_of.isoformat(),
                                                 n=result.due_soon_days, l2=l2, l3=l3), wrap)
    wb.close()
    return fill_rows(path, pending)
