"""complaint_xl inside Excel without installing Python: the xlwings Lite edition (issue 18).

xlwings Lite runs Python (Pyodide) inside Excel on Windows, macOS and the web. A
workbook's ``main.py`` imports the three scripts and the five worksheet functions
from here (lite/main.py in the repository), and Lite registers them:

- the scripts 校验 (:func:`check_entries`), 催办 (:func:`chase_overdue`) and 周报
  (:func:`weekly_report`), each a button in the task pane; App Mode shows a date
  picker for the as-of date and a dropdown for the language;
- the functions ``cxl_workdays``, ``cxl_deadline``, ``cxl_status``, ``cxl_findings``
  and ``cxl_kpi``: the implementations of the classic edition
  (:mod:`complaint_xl.xl.udfs`), under the same names.

A script gets the workbook with every sheet's values (xlwings' remote book), runs the
grid API (:mod:`complaint_xl.grid`) on the register and settings sheets, and writes
each result sheet as one block; everything it asks of Excel is recorded as an action
and applied by the add-in after the script returns, so few calls are cheap but each
still counts. Nothing is written to the user's disk: the chase drafts become
``mailto:`` links and copyable text on the 催办 sheet, the charts pictures on the 周报
sheet (their PNG passes through Pyodide's in-memory file system).

``script``, ``func`` and ``arg`` are xlwings' own: inside Lite (and xlwings Server) they
register; on a desktop Python they leave the function unchanged, so the tests call
the scripts with an ``xw.Book`` of the remote engine, as Lite does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import xlwings as xw
from xlwings import arg, func, script

from complaint_xl.errors import ComplaintXLError
from complaint_xl.words import DEFAULT, say
from complaint_xl.xl import udfs as _udfs
from complaint_xl.xl.lite_io import F, LiteError, cell_place
from complaint_xl.xl.lite_sheets import (
    MAILTO_LIMIT,
    MAX_COLOR_CELLS,
    MAX_MAIL_LINKS,
    chase_book,
    check_book,
    color_blocks,
    mailto,
)
from complaint_xl.xl.lite_weekly import report_book

__all__ = [
    "MAILTO_LIMIT",
    "MAX_COLOR_CELLS",
    "MAX_MAIL_LINKS",
    "LiteError",
    "cell_place",
    "chase_book",
    "chase_overdue",
    "check_book",
    "check_entries",
    "color_blocks",
    "cxl_deadline",
    "cxl_findings",
    "cxl_kpi",
    "cxl_status",
    "cxl_workdays",
    "mailto",
    "report_book",
    "weekly_report",
]


# -- the scripts (buttons in the task pane) ------------------------------------------------

def _described(key: str) -> Callable[[F], F]:
    """The function's docstring from the words (App Mode shows it), both languages."""
    def inner(f: F) -> F:
        f.__doc__ = "\n\n".join(dict.fromkeys(say(key, lang) for lang in (DEFAULT, "en")))
        return f
    return inner


@script(name=say("lite.check-name", DEFAULT))
@_described("lite.check-doc")
def check_entries(book: xw.Book, as_of: dt.date | None = None,
                  lang: Literal["zh", "en"] = "zh") -> None:
    _told(check_book, book, today=as_of, lang=lang)


@script(name=say("lite.chase-name", DEFAULT))
@_described("lite.chase-doc")
def chase_overdue(book: xw.Book, as_of: dt.date | None = None,
                  lang: Literal["zh", "en"] = "zh") -> None:
    _told(chase_book, book, today=as_of, lang=lang)


@script(name=say("lite.report-name", DEFAULT))
@_described("lite.report-doc")
def weekly_report(book: xw.Book, as_of: dt.date | None = None, week: str = "",
                  lang: Literal["zh", "en"] = "zh") -> None:
    _told(report_book, book, today=as_of, week=week, lang=lang)


def _told(action: Callable[..., Any], book: xw.Book, *, lang: str, **kwargs: Any) -> None:
    """Run a script's work; a problem of the register or settings becomes one sentence."""
    try:
        action(book, lang=lang, **kwargs)
    except ComplaintXLError as exc:
        raise LiteError(exc.message(lang)) from None


# -- worksheet functions: the classic edition's, registered for xlwings Lite ----------------

def _as_in(ce_function: Callable[..., Any], more: str = "") -> Callable[[F], F]:
    """The classic function's docstring (Excel shows it as the function's description)."""
    def inner(f: F) -> F:
        f.__doc__ = (ce_function.__doc__ or "") + more
        return f
    return inner


@func
@arg("start", ndim=2)
@arg("end", ndim=2)
@arg("holidays", ndim=2)
@_as_in(_udfs.cxl_workdays)
def cxl_workdays(start, end, holidays=None, settings=None):  # no hints: xlwings reads them as converters
    return _udfs.cxl_workdays(start, end, holidays, settings)


@func
@arg("raised_on", ndim=2)
@arg("complaint_type", ndim=2)
@arg("severity", ndim=2)
@arg("settings", ndim=2)
@arg("lists", ndim=2)
@arg("holidays", ndim=2)
@_as_in(_udfs.cxl_deadline)
def cxl_deadline(raised_on, complaint_type=None, severity=None, settings=None, lists=None,
                 holidays=None):
    return _udfs.cxl_deadline(raised_on, complaint_type, severity, settings, lists, holidays)


@func
@arg("deadline", ndim=2)
@arg("closed", ndim=2)
@arg("closed_on", ndim=2)
@arg("holidays", ndim=2)
@arg("paused_from", ndim=2)
@arg("paused_to", ndim=2)
@arg("extended_to", ndim=2)
@arg("followup_on", ndim=2)
@arg("closure", ndim=2)
@_as_in(_udfs.cxl_status)
def cxl_status(deadline, closed=None, closed_on=None, today=None, holidays=None, settings=None,
               paused_from=None, paused_to=None, extended_to=None, followup_on=None, closure=None):
    return _udfs.cxl_status(deadline, closed, closed_on, today, holidays, settings, paused_from,
                            paused_to, extended_to, followup_on, closure)


class _Placed:
    """Cell values and the sheet row they start on: what the classic function reads from
    the range xlwings hands it on Windows (a Lite function gets values only)."""

    def __init__(self, value: Any, row: int) -> None:
        self.value, self.row = value, row

    def options(self, **_options: Any) -> _Placed:
        return self


def _first_row(value: Any) -> int | None:
    """A row number from a cell, or the smallest of an array (=ROW(T_Register) spills)."""
    cells = value if isinstance(value, list | tuple) else [value]
    numbers = [v for row in cells for v in (row if isinstance(row, list | tuple) else [row])
               if isinstance(v, int | float) and not isinstance(v, bool) and v >= 2]
    return int(min(numbers)) if numbers else None


@func
@arg("header", ndim=2)
@arg("rows", ndim=2)
@arg("settings", ndim=2)
@arg("lists", ndim=2)
@arg("holidays", ndim=2)
@_as_in(_udfs.cxl_findings, """
    In xlwings Lite a function gets the values only: give ``first_row``, the sheet row of
    the first of ``rows`` (e.g. ROW(T_Register[#Headers])+1), for the sheet's row numbers.
""")
def cxl_findings(header, rows, settings=None, lists=None, holidays=None, today=None,
                 first_row=None):
    start = _first_row(first_row) if first_row is not None else None
    return _udfs.cxl_findings(header, rows if start is None else _Placed(rows, start), settings, lists,
                              holidays, today)


@func
@arg("register", ndim=2)
@arg("settings", ndim=2)
@arg("lists", ndim=2)
@arg("holidays", ndim=2)
@_as_in(_udfs.cxl_kpi)
def cxl_kpi(figure, register, week=None, today=None, dimension=None, value=None, settings=None,
            lists=None, holidays=None):
    return _udfs.cxl_kpi(figure, register, week, today, dimension, value, settings, lists, holidays)

