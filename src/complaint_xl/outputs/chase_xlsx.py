"""The chase list workbook (催办清单): every item to chase, and who has how many.

One Excel table with filters (overdue rows red, due soon amber, by conditional
formatting so the colours follow the rows when the coordinator sorts or filters),
then a summary per owner and per support unit for the sales meeting. A register with
the lifecycle's columns adds, each only when it has items, the complaints waiting for
the customer (暂停中), the follow-up calls due (待回访) and the new actions due (待新措施),
and a column saying why a deadline moved; a register without them gets the workbook it
always got. The tables' rows are written by :mod:`complaint_xl.outputs.xlsx_rows` (tens of
thousands of items on a big register; a call per cell took most of a chase run).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.chase.result import LIFECYCLE_LISTS, ChaseResult
from complaint_xl.deadlines import late_texts, moved_texts
from complaint_xl.kpi.labels import column
from complaint_xl.outputs.xlsx import open_workbook
from complaint_xl.outputs.xlsx_rows import fill_rows, table_later
from complaint_xl.register.schema import FIELD_NAMES
from complaint_xl.words import say, template

__all__ = ["labels", "list_filename", "write_chase_xlsx"]

_WORDS: Final[tuple[str, ...]] = (
    "list", "by_owner", "by_unit", "about", "status", "level", "workdays_left", "superior", "note",
    "key_account", "deadline_derived", "level2", "level3", "max_workdays_overdue", "yes", "none",
    "title", "about_text", "moved", "paused", "followup_due", "new_action_due", "paused_workdays",
    "pause_too_long", "deadline_original", "followup_deadline", "workdays_since_closed",
    "workdays_late", "about_lifecycle",
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
_LIFECYCLE_SUMMARY: Final[tuple[str, ...]] = (
    "paused", "pause_too_long", "followup_due", "new_action_due")
"""The by-owner sheet's lifecycle counts (:meth:`ChaseResult.lifecycle_by_owner`), when any."""
_LIFECYCLE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "paused": ("pause_too_long", "paused_workdays", "paused_from", "paused_to", "deadline",
               "moved", "workdays_left", "owner", "superior", "customer", "customer_attr",
               "key_account", "type", "severity", "raised_on", "progress", "problem", "sheet",
               "row", "seq"),
    "followup_due": ("closed_on", "followup_deadline", "workdays_late", "owner", "superior",
                     "customer", "customer_attr", "key_account", "type", "raised_on", "problem",
                     "sheet", "row", "seq"),
    "new_action_due": ("closed_on", "effect", "owner", "superior", "customer", "customer_attr",
                       "key_account", "type", "raised_on", "progress", "problem", "sheet", "row",
                       "seq"),
}
"""The columns of each lifecycle sheet, its own first."""
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


def _moved(items: pd.DataFrame, lang: str) -> np.ndarray:
    """Why each deadline moved ("暂停 5 个工作日（原期限 2026-05-08）"), None where it did not."""
    return moved_texts(items["paused_workdays"], items["extended"], items["deadline"], lang,
                       original=items["deadline_original"])


def _any_moved(items: pd.DataFrame) -> bool:
    return bool(items["extended"].to_numpy(dtype=bool).any()
                or (items["paused_workdays"].to_numpy(dtype=float) > 0).any())


def _list_frame(result: ChaseResult, t: dict[str, str], lang: str) -> pd.DataFrame:
    """The chase list with user-facing labels; blanks where a figure does not apply. The
    column saying why a deadline moved is there only when one did."""
    items = result.items
    over = items["status"].eq("overdue").to_numpy()
    columns = list(_LIST_COLUMNS)
    if _any_moved(items):
        columns.insert(columns.index("deadline") + 1, "moved")
    frame = items.reindex(columns=columns)
    if "moved" in columns:
        frame["moved"] = _moved(items, lang)
    frame["note"] = _notes(items, over, lang)
    frame["status"] = np.where(over, t["overdue"], t["due_soon"])
    # Figures stay numeric columns (NaN = blank), written without a look at each value.
    frame["level"] = np.where(over, items["level"].to_numpy(dtype=float), np.nan)
    frame["workdays_overdue"] = np.where(over, items["workdays_overdue"].to_numpy(dtype=float), np.nan)
    frame["workdays_left"] = np.where(over, np.nan, items["workdays_left"].to_numpy(dtype=float))
    for flag in ("key_account", "deadline_derived"):
        frame[flag] = np.where(items[flag].to_numpy(dtype=bool), t["yes"], None)
    return frame.rename(columns=t)


def _lifecycle_frame(name: str, items: pd.DataFrame, t: dict[str, str], lang: str
                     ) -> pd.DataFrame:
    """One lifecycle list with user-facing labels (flags as 是, the moved deadline's reason)."""
    frame = items.reindex(columns=list(_LIFECYCLE_COLUMNS[name]))
    if "moved" in frame:
        frame["moved"] = _moved(items, lang)
    for flag in ("key_account", "pause_too_long"):
        if flag in frame:
            frame[flag] = np.where(items[flag].to_numpy(dtype=bool), t["yes"], None)
    return frame.rename(columns=t)


def _with_lifecycle(result: ChaseResult) -> pd.DataFrame:
    """The by-owner counts with the lifecycle's beside them; owners with only lifecycle items
    come after the others."""
    summary = result.by_owner()
    counts = result.lifecycle_by_owner()
    if not len(counts):
        return summary
    none = "\x00"  # a missing owner, as a key both tables share
    left = summary.set_index(summary["owner"].fillna(none))
    right = counts.set_index(counts["owner"].fillna(none))
    order = [*left.index, *(k for k in right.index if k not in left.index)]
    joined = left.reindex(order)
    for c in _LIFECYCLE_SUMMARY:
        joined[c] = right[c].reindex(order).fillna(0).astype(int)
    joined["superior"] = joined["superior"].fillna(right["superior"].reindex(order))
    for c in _SUMMARY_COLUMNS[:4]:
        joined[c] = joined[c].fillna(0).astype(int)
    joined["owner"] = [None if k == none else k for k in order]
    return joined.reset_index(drop=True)


def _summary_frame(summary: pd.DataFrame, key: str, extra: list[str], t: dict[str, str]
                   ) -> pd.DataFrame:
    own = [c for c in _LIFECYCLE_SUMMARY if c in summary]
    frame = summary.loc[:, [key, *extra, *_SUMMARY_COLUMNS, *own]].astype(object)
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

    for name in LIFECYCLE_LISTS:
        items = getattr(result, name)
        if not len(items):
            continue
        ws = wb.add_worksheet(t[name])
        frame = _lifecycle_frame(name, items, t, lang)
        last_row, last_col, rows = table_later(
            wb, ws, frame, name=f"T_{name}", widths={t["problem"]: 50, t["progress"]: 24},
            formats={t["problem"]: wrap, t["progress"]: wrap})
        pending.append(rows)
        ws.freeze_panes(1, 0)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # printed as the list is: all columns one page wide
        ws.repeat_rows(0)
        if name == "paused":  # a pause beyond 最长暂停: its owner is to follow it up
            ws.conditional_format(1, 0, last_row, last_col, {
                "type": "formula", "criteria": f'=$A2="{t["yes"]}"', "format": amber})

    for sheet, summary, key, extra in (
        (t["by_owner"], _with_lifecycle(result), "owner", ["superior"]),
        (t["by_unit"], result.by_unit(), "support_unit", []),
    ):
        ws = wb.add_worksheet(sheet)
        *_, rows = table_later(wb, ws, _summary_frame(summary, key, extra, t), name=f"T_{key}")
        pending.append(rows)
        ws.freeze_panes(1, 0)

    ws = wb.add_worksheet(t["about"])
    ws.set_column(0, 0, 100)
    l2, l3 = result.escalate_after
    about = t["about_text"].format(as_of=result.as_of.isoformat(), n=result.due_soon_days,
                                   l2=l2, l3=l3)
    if any(len(getattr(result, name)) for name in LIFECYCLE_LISTS) or _any_moved(result.items):
        about += "\n\n" + t["about_lifecycle"].format(pause_max=result.pause_max_days,
                                                      followup=result.followup_days)
    ws.write_string(0, 0, about, wrap)
    wb.close()
    return fill_rows(path, pending)
