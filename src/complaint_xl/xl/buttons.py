"""The workbook's buttons: 校验 (check), 催办 (chase), 周报 (weekly report).

Each button's VBA macro (macros/ComplaintXL.bas) runs one of the entry points below
through xlwings' ``RunPython``. The entry point takes the calling workbook and hands
it to a function that takes an ``xw.Book`` (testable without Excel): it reads the
register, settings and staff sheets in whole blocks, runs the same job as the
command line (:mod:`complaint_xl.jobs`), and writes its result back in a few blocks
with screen updating off; it returns the job's run object.
The user's rows are never deleted, reordered or rewritten; a failure becomes a
message box, never a Python traceback window.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pandas as pd
from openpyxl.utils import column_index_from_string

from complaint_xl.checks.catalogue import SEVERITIES
from complaint_xl.errors import ComplaintXLError, warning_text
from complaint_xl.loading import require_columns
from complaint_xl.outputs.files import output_folder
from complaint_xl.words import DEFAULT, say, texts
from complaint_xl.workbook.style import HIGHLIGHT
from complaint_xl.xl.blocks import (
    as_text,
    color_cells,
    find_mask,
    hyperlink,
    load_book,
    output_sheet,
    read_grids,
    read_marks,
    runs,
    write_block,
    write_marks,
    write_mask,
)

if TYPE_CHECKING:
    import xlwings as xw

    from complaint_xl.jobs import ChaseRun, ReportRun, ValidateRun
    from complaint_xl.kpi import Week

__all__ = [
    "MAX_MARKED_RUNS",
    "chase_book",
    "chase_overdue",
    "check_book",
    "check_entries",
    "report_book",
    "run_button",
    "weekly_report",
]

T = TypeVar("T")

MAX_MARKED_RUNS: Final[int] = 3000
"""At most this many cell runs are coloured per check: each is one call into Excel."""
HEADER_FILL: Final[str] = "#DDEBF7"
TITLE: Final[str] = "complaint_xl"

_CHASE_COLUMNS: Final[tuple[str, ...]] = (
    "status", "level", "workdays_overdue", "workdays_left", "owner", "superior", "customer", "type",
    "severity", "raised_on", "deadline", "support_unit", "support_need", "progress",
)
"""The chase sheet's columns after the cell link, headed as in the chase list workbook."""


def _t(lang: str) -> dict[str, str]:
    """The buttons' words in ``lang`` (``button.*``), unformatted."""
    return {k.removeprefix("button."): v for k, v in texts(lang).items() if k.startswith("button.")}


# -- entry points (RunPython) ------------------------------------------------------------

def check_entries() -> None:
    """The 校验 button."""
    _entry(check_book)


def chase_overdue() -> None:
    """The 催办 button."""
    _entry(chase_book)


def weekly_report() -> None:
    """The 周报 button."""
    _entry(report_book)


def _entry(action: Callable[..., Any]) -> None:
    import xlwings as xw

    run_button(xw.Book.caller(), action)


def run_button(book: xw.Book, action: Callable[..., T], **kwargs: Any) -> T | None:
    """Run a button's work on ``book``; any failure is told in a message box, in one line."""
    try:
        return action(book, **kwargs)
    except Exception as exc:  # the user gets a sentence, never a traceback window
        lang = _book_lang(book)
        t = _t(lang)
        message = (exc.message(lang) if isinstance(exc, ComplaintXLError)
                   else f"{t['unexpected']}: {type(exc).__name__}: {exc}")
        with contextlib.suppress(Exception):
            book.app.screen_updating = True
        book.app.alert(message, title=f"{TITLE}: {t['failed']}", mode="critical")
        return None


def _book_lang(book: xw.Book) -> str:
    """The language setting of the workbook, read again after a failure (the default if
    unreadable)."""
    try:
        from complaint_xl.settings import read_settings, sheet_role

        grids = {n: rows for n, rows in read_grids(book).items() if sheet_role(n) == "settings"}
        return read_settings(grids).lang
    except Exception:
        return DEFAULT


@contextlib.contextmanager
def _quiet(book: xw.Book) -> Iterator[None]:
    """Screen updating off while a button writes, back on whatever happens."""
    book.app.screen_updating = False
    try:
        yield
    finally:
        book.app.screen_updating = True


def _table_sheet(book: xw.Book, name: str, rows: list[list[Any]], head_row: int) -> xw.Sheet:
    """The output sheet ``name`` filled with ``rows`` in one call, its header row (1-based) styled."""
    sheet = output_sheet(book, name)
    write_block(sheet, rows)
    cells = sheet.range((head_row, 1), (head_row, len(rows[head_row - 1])))
    cells.font.bold = True
    cells.color = HEADER_FILL
    return sheet


def _warning_lines(caught: Sequence[Warning], lang: str, limit: int = 3) -> str:
    texts = list(dict.fromkeys(warning_text(w, lang) for w in caught))
    if not texts:
        return ""
    more = len(texts) - limit
    lines = texts[:limit] + ([f"… (+{more})"] if more > 0 else [])
    return "\n\n" + _t(lang)["warnings"] + "\n" + "\n".join(lines)


# -- 校验 -----------------------------------------------------------------------------------

def check_book(book: xw.Book, today: dt.date | None = None) -> ValidateRun:
    """Check the open workbook's register: the findings sheet, the cells coloured, a message.

    In a workbook built with the findings mask (complaint-xl new-workbook) the register's
    marks are one block written to the mask, which its conditional formats colour: every
    finding, whatever the size, in one call. Cells elsewhere (the settings sheets, another
    register sheet, a workbook without the mask) are filled one run down a column per call,
    at most :data:`MAX_MARKED_RUNS`; the last check's fills are cleared first, and only
    those (they are remembered on a hidden sheet), so the user's own fills stay, and cells
    keep their colour when a run repeats, which costs no call at all.
    """
    from complaint_xl.jobs import run_validate

    with _quiet(book):
        grids = read_grids(book)
        loaded = load_book(book, today=today, grids=grids)
        lang = loaded.settings.lang
        t = _t(lang)
        run = run_validate(loaded)
        findings = run.findings
        table = findings.table

        mask = find_mask(book)
        masked, new_marks = _marks(table, mask.sheet if mask else None)
        capped = len(new_marks) > MAX_MARKED_RUNS
        new_marks = new_marks[:MAX_MARKED_RUNS]
        old_marks = read_marks(book)
        _recolour(book, old_marks, new_marks)

        help_text = t["check_help"] + (" " + t["check_moved"] if mask else "")
        rows: list[list[Any]] = [
            [t["check_title"].format(as_of=loaded.as_of.isoformat())],
            [t["check_summary"].format(rows=findings.rows, errors=findings.errors,
                                       warnings=findings.warnings, affected=findings.rows_affected)],
            [help_text + (" " + t["check_capped"].format(n=MAX_MARKED_RUNS) if capped else "")],
            [],
            [t["cell"], *t["check_head"].split("|")],
        ]
        head_row = len(rows)
        severities = {s: say(f"severity.{s}", lang) for s in SEVERITIES}
        for r in table.itertuples(index=False):
            place = f"{r.column}{r.row}" if r.column and r.row else ""
            rows.append([
                hyperlink(str(r.sheet), place, place) if place else "",
                as_text(r.sheet), int(r.row) if r.row else None, r.column or None, as_text(r.header),
                severities[str(r.severity)], r.code, as_text(r.message), as_text(r.value),
                as_text(r.owner),
            ])
        if table.empty:
            rows.append([t["check_clean"]])
        sheet = _table_sheet(book, t["findings"], rows, head_row)
        sheet.range((1, 1)).font.bold = True
        sheet.autofit("c")
        sheet.range((1, 8)).column_width = 70  # the message column; autofit makes it too wide
        if mask:
            write_mask(mask, masked, grids.get(mask.sheet, []))
        if new_marks or old_marks:
            write_marks(book, new_marks)
        sheet.activate()
    book.app.alert(t["check_done"].format(rows=findings.rows, errors=findings.errors,
                                          warnings=findings.warnings, sheet=t["findings"]),
                   title=TITLE, mode="info")
    return run


def _marks(table: pd.DataFrame, masked_sheet: str | None
           ) -> tuple[dict[tuple[int, int], str], list[tuple[str, int, int, int, str]]]:
    """The findings' cells, an error winning a cell over a warning: (row, column) -> severity on
    the masked sheet, and the runs to fill elsewhere (sheet, first row, column, rows, fill)."""
    located = table[table["column"].astype(str).ne("") & table["row"].gt(0)]
    severity: dict[tuple[str, int, int], str] = {}
    for sheet, row, letter, level in zip(located["sheet"], located["row"], located["column"],
                                         located["severity"], strict=True):
        key = (str(sheet), int(row), column_index_from_string(str(letter)))
        if severity.get(key) != "error":
            severity[key] = str(level)
    masked = {(r, c): v for (s, r, c), v in severity.items() if s == masked_sheet}
    filled = {k: HIGHLIGHT[v] for k, v in severity.items() if k[0] != masked_sheet}
    runs_: list[tuple[str, int, int, int, str]] = []
    for (sheet, fill) in sorted({(s, c) for (s, _, _), c in filled.items()}):
        cells = [(r, c) for (s, r, c), f in filled.items() if s == sheet and f == fill]
        runs_ += [(sheet, r, c, n, fill) for r, c, n in runs(cells)]
    return masked, sorted(runs_, key=lambda m: (m[0], m[1], m[2]))


def _recolour(book: xw.Book, old: Sequence[tuple[str, int, int, int, str]],
              new: Sequence[tuple[str, int, int, int, str]]) -> None:
    """Clear the old runs that are not coloured again, colour the new ones not there yet."""
    sheets = {s.name: s for s in book.sheets}
    keep = set(old) & set(new)
    for marks, clear in ((old, True), (new, False)):
        for name, row, col, n, fill in marks:
            if (name, row, col, n, fill) in keep or name not in sheets:
                continue
            cells = [(row + i, col) for i in range(n)]
            color_cells(sheets[name], cells, None if clear else fill)


# -- 催办 -----------------------------------------------------------------------------------

def chase_book(book: xw.Book, today: dt.date | None = None,
               now: dt.datetime | None = None) -> ChaseRun:
    """Refresh the 催办 sheet and write the chase list and drafts to a folder beside the workbook."""
    from complaint_xl.jobs import run_chase
    from complaint_xl.outputs.chase import folder_name
    from complaint_xl.outputs.chase_xlsx import labels as chase_labels

    with _quiet(book):
        loaded = load_book(book, today=today)
        require_columns(loaded, "chase")  # as the command line: no owner column, no chase
        settings, lang = loaded.settings, loaded.settings.lang
        t = _t(lang)
        folder = output_folder(folder_name(loaded.as_of, lang), settings.drafts_folder,
                               book.fullname, beside_workbook=True)
        run = run_chase(loaded, folder, now=now)
        result, outputs = run.result, run.outputs

        rows: list[list[Any]] = [[as_text(line)] for line in run.lines]
        rows += [[], [t["cell"], *(chase_labels(lang)[k] for k in _CHASE_COLUMNS)]]
        head_row = len(rows)
        items = result.items
        for r in items.itertuples(index=False):
            place = f"A{int(r.row)}"
            rows.append([
                hyperlink(str(r.sheet), place, f"{r.sheet}!{place}"), t[str(r.status)], int(r.level),
                _number(r.workdays_overdue), _number(r.workdays_left), as_text(r.owner),
                as_text(r.superior), as_text(r.customer), as_text(r.type), as_text(r.severity),
                _day(r.raised_on), _day(r.deadline), as_text(r.support_unit),
                as_text(r.support_need), as_text(r.progress),
            ])
        if items.empty:
            rows.append([t["chase_none"]])
        sheet = _table_sheet(book, t["chase"], rows, head_row)
        sheet.autofit("c")
        sheet.activate()
    message = t["chase_done"].format(overdue=len(result.overdue), due_soon=len(result.due_soon),
                                     drafts=len(outputs.drafts), folder=outputs.folder)
    book.app.alert(message + _warning_lines(run.warnings, lang), title=TITLE, mode="info")
    return run


def _number(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _day(value: Any) -> dt.date | None:
    """A date cell value (xlwings writes date objects as Excel dates)."""
    return None if pd.isna(value) else pd.Timestamp(value).date()


# -- 周报 -----------------------------------------------------------------------------------

def report_book(book: xw.Book, today: dt.date | None = None,
                week: Week | None = None) -> ReportRun:
    """Refresh the 周报 sheet (headline figures, hard points, trend) and write the report files."""
    from complaint_xl.jobs import run_report
    from complaint_xl.kpi import FIGURES
    from complaint_xl.kpi.weeks import to_week
    from complaint_xl.outputs.weekly import folder_name

    with _quiet(book):
        loaded = load_book(book, today=today)
        require_columns(loaded, "report")
        settings, lang = loaded.settings, loaded.settings.lang
        t = _t(lang)
        week = to_week(week, loaded.as_of)  # the folder is named after it
        folder = output_folder(folder_name(week, lang), settings.drafts_folder, book.fullname,
                               beside_workbook=True)
        run = run_report(loaded, week=week, out=folder)
        kpis, files = run.kpis, run.written
        assert files is not None  # a folder was given

        figures = list(FIGURES)
        rows: list[list[Any]] = [[as_text(kpis.title())], [f"{t['week']} {kpis.week_label}"
                                                             f" · {loaded.as_of.isoformat()}"], []]
        bold = [1]
        rows.append([t["figures"]])
        bold.append(len(rows))
        rows.append([say(f"figure.{f}", lang) for f in figures])
        bold.append(len(rows))
        rows.append([_figure(kpis.totals.get(f)) for f in figures])
        percent = [(len(rows), figures.index("on_time_rate") + 1)]
        rows += [[], [t["hard_points"]]]
        bold.append(len(rows))
        rows += [[as_text(p.text(lang))] for p in kpis.hard_points] or [[t["no_points"]]]
        rows += [[], [t["trend"]]]
        bold.append(len(rows))
        trend_figures = [k for k in kpis.trend[0] if k != "week"] if kpis.trend else []
        rows.append([t["week"], *(say(f"figure.{k}", lang) for k in trend_figures)])
        bold.append(len(rows))
        first_trend = len(rows) + 1
        rows += [[w["week"], *(_figure(w[k]) for k in trend_figures)] for w in kpis.trend]
        if "on_time_rate" in trend_figures:
            col = trend_figures.index("on_time_rate") + 2
            percent += [(r, col) for r in range(first_trend, len(rows) + 1)]
        notes = [*kpis.reason_lines(lang), *kpis.note_texts(lang)]
        if notes:
            rows += [[], [t["unavailable"]]]
            bold.append(len(rows))
            rows += [[as_text(n)] for n in notes]
        rows += [[], [t["files"]]]
        bold.append(len(rows))
        rows += [[str(p)] for p in files]
        sheet = output_sheet(book, t["weekly"])
        write_block(sheet, rows)
        width = max(len(r) for r in rows)
        for r in bold:
            sheet.range((r, 1), (r, width)).font.bold = True
        for r, c in _percent_runs(percent):
            sheet.range(r, c).number_format = "0%"
        sheet.range((1, 1)).column_width = 24
        sheet.activate()
    message = t["weekly_done"].format(week=kpis.week_label, sheet=t["weekly"], folder=folder)
    book.app.alert(message + _warning_lines(run.warnings, lang), title=TITLE, mode="info")
    return run


def _figure(value: Any) -> Any:
    """A figure for a cell: numbers as numbers, an unavailable one as a dash."""
    return "—" if value is None else value


def _percent_runs(cells: Sequence[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Percent-formatted cells as ranges: one call per run down a column."""
    return [((r, c), (r + n - 1, c)) for r, c, n in runs(cells)]
