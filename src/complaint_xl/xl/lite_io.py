"""What every xlwings Lite script shares: reading the workbook in one go, result sheets, errors."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar

import xlwings as xw

from complaint_xl.errors import warning_text
from complaint_xl.settings import sheet_role
from complaint_xl.words import listing, say
from complaint_xl.xl.blocks import (
    output_sheet,
    read_grids,
    runs,
    write_block,
)

__all__ = [
    "CHART_COLUMN",
    "CHART_ROWS",
    "FONT_FOLDERS",
    "HEADER_FILL",
    "KEEP",
    "MAILTO_LIMIT",
    "MAX_COLOR_CELLS",
    "MAX_MAIL_LINKS",
    "Caught",
    "LiteError",
    "as_of_day",
    "cell_place",
    "column_index",
    "read_book",
    "result_sheet",
    "run_job",
    "style_rows",
]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

MAILTO_LIMIT: Final[int] = 2000
"""Longest ``mailto:`` link written, in characters. On Windows a clicked link reaches
Outlook through the shell's URL handling, whose limits are about 2,048 characters
(2,083 was Internet Explorer's): past them a draft opens with its body cut off, or not
at all. Chinese text costs 9 characters per character once percent-encoded, so a body
rarely fits whole; the link then carries the beginning of the text and a note saying
where the rest is, and the full text is beside the link to copy."""
MAX_MAIL_LINKS: Final[int] = 100
"""At most this many drafts get a link (one call into Excel each); the rest are copied by hand."""
MAX_COLOR_CELLS: Final[int] = 10_000
"""``Range.set_colors`` takes at most this many cells a call (xlwings 0.37.5 and later)."""
KEEP = ...
"""A cell :func:`color_blocks` leaves as it is (``set_colors`` keeps its fill)."""
HEADER_FILL: Final[str] = "#DDEBF7"
CHART_COLUMN: Final[int] = 12
"""The 周报 sheet's charts start in column L, right of the tables."""
CHART_ROWS: Final[int] = 20
"""Rows between the tops of two charts."""
FONT_FOLDERS: Final[tuple[str, ...]] = ("/data",)
"""Where xlwings Lite puts files imported through its Files menu: a font put there is
used before the packaged subset font (complaint_xl/fonts), e.g. for rarer characters."""

_SIMPLE_SHEET = re.compile(r"[^\W\d][\w.]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]+[Cc][0-9]+")


class LiteError(Exception):
    """A failure told in one sentence: xlwings Lite shows the text in its task pane."""


# -- reading the workbook ------------------------------------------------------------------

def as_of_day(today: dt.date | None) -> dt.date:
    if isinstance(today, dt.datetime):
        return today.date()
    return today or dt.date.today()


def _filled(rows: Sequence[Sequence[Any]]) -> bool:
    return any(v is not None and v != "" for row in rows for v in row)


def read_book(book: xw.Book, lang: str) -> tuple[str, list[list[Any]], dict[str, list[list[Any]]], list[str]]:
    """The register sheet's name and values, the settings sheets, and notes on the choice.

    Every sheet arrives with the book, so this costs no call. The register is the active
    sheet when it could be one, else the first sheet that is neither a settings sheet
    nor one of the product's own.
    """
    grids = read_grids(book)
    settings = {name: rows for name, rows in grids.items() if sheet_role(name) not in (None, "tool")}
    candidates = [name for name, rows in grids.items() if sheet_role(name) is None and _filled(rows)]
    if not candidates:
        raise LiteError(say("lite.no-register", lang))
    active = book.sheets.active.name
    sheet = active if active in candidates else candidates[0]
    others = [n for n in candidates if n != sheet]
    notes = [say("lite.other-registers", lang, sheet=sheet, others=listing(others, item="list.sheet"))
             ] if others else []
    return sheet, grids[sheet], settings, notes


class Caught:
    """Warnings raised while a job runs, as lines for the sheet in the reader's language."""

    def __init__(self) -> None:
        self.records: list[warnings.WarningMessage] = []

    def lines(self, lang: str) -> list[str]:
        texts = list(dict.fromkeys(warning_text(w.message, lang) for w in self.records))
        return [say("lite.warnings", lang), *texts] if texts else []


def run_job(job: Callable[[], T]) -> tuple[T, Caught]:
    """The job's answer and the warnings it raised."""
    caught = Caught()
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        document = job()
    caught.records = list(records)
    return document, caught


# -- writing -------------------------------------------------------------------------------

def cell_place(sheet: str, cell: str) -> str:
    """'sheet!cell' as Excel's Name Box takes it (the sheet quoted when it must be)."""
    simple = _SIMPLE_SHEET.fullmatch(sheet) and not _CELL_LIKE.fullmatch(sheet)
    return (sheet if simple else "'" + sheet.replace("'", "''") + "'") + "!" + cell


def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - ord("A") + 1
    return index


def style_rows(sheet: xw.Sheet, rows: Iterable[int], width: int, *, fill: bool = False) -> None:
    """Bold (and fill) whole table rows: one call per run of adjacent rows."""
    for first, _, n in runs((r, 1) for r in rows):
        cells = sheet.range((first, 1), (first + n - 1, width))
        cells.font.bold = True
        if fill:
            cells.color = HEADER_FILL


def result_sheet(book: xw.Book, name: str, rows: list[list[Any]]) -> tuple[xw.Sheet, int]:
    """The result sheet ``name``, emptied or added, with ``rows`` written in one call."""
    sheet = output_sheet(book, name)
    write_block(sheet, rows)
    return sheet, max(len(r) for r in rows)


