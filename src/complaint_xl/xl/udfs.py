"""Worksheet functions (UDFs) for the register, through xlwings on Windows (导入函数 button).

Each takes whole ranges where that saves calls (a column in, a column out: one call
for the whole table) and answers bad input with a short text in the cell, never
#VALUE!. Dates arrive as Excel hands them over: datetime for date cells, a float for
a serial number, text for a typed date, None for an empty cell; all go through the
register's own date reader. The team's settings come from optional ranges of the
workbook's sheets (the names CXL_Settings, CXL_Lists and CXL_Holidays cover them):

    =cxl_workdays(J4, L4, CXL_Holidays)
    =cxl_deadline(T_Register[提出日期], T_Register[投诉项目], T_Register[严重程度],
                  CXL_Settings, CXL_Lists, CXL_Holidays)
    =cxl_status(T_Register[解决期限], T_Register[是否结案], T_Register[结案日期], TODAY())
    =cxl_status(T_Register[解决期限], T_Register[是否结案], T_Register[结案日期], TODAY(),
                CXL_Holidays, CXL_Settings, T_Register[暂停开始], T_Register[暂停结束],
                T_Register[延期至], T_Register[回访日期], T_Register[结案方式])
    =cxl_findings(T_Register[#Headers], T_Register[@])
    =cxl_kpi("on_time_rate", T_Register[#All], "2026-W47")

The parameters carry no type annotations on purpose: xlwings reads annotations as
converters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

from complaint_xl.deadlines import deadline_status, due_texts, late_texts, moved_deadlines
from complaint_xl.kpi.weeks import parse_week
from complaint_xl.register.dates import parse_date
from complaint_xl.register.reader import sla_days
from complaint_xl.register.schema import (
    CLOSURE_ABNORMAL,
    SEVERITY_MAJOR,
    closed_flag,
    closure_kind,
)
from complaint_xl.register.text import cell_text, fold, header_key, map_unique
from complaint_xl.settings import Settings, read_settings
from complaint_xl.words import DEFAULT, LANGS, say
from complaint_xl.workdays import Calendar, CalendarWarning

__all__ = ["cxl_deadline", "cxl_findings", "cxl_kpi", "cxl_status", "cxl_workdays"]

_NAT = np.datetime64("NaT", "D")
class CellError(ValueError):
    """Bad input: its message is what the cell shows."""

    def __init__(self, key: str, lang: str = "zh", **params: Any) -> None:
        super().__init__(say(f"udf.{key}", lang, **params))


# -- what Excel passes ---------------------------------------------------------------------

def _grid(value: Any) -> list[list[Any]]:
    """A cell or a range as a 2-D list: xlwings passes a scalar for one cell."""
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, list | tuple) for v in value):
            return [list(v) for v in value]
        return [list(value)]
    return [[value]]


def _array(value: Any) -> np.ndarray:
    return np.array(_grid(value), dtype=object)


def _broadcast(*values: Any) -> list[np.ndarray]:
    """Ranges (or single cells) to arrays of one shape; ValueError if they do not fit."""
    arrays = [_array(v) for v in values]
    return list(np.broadcast_arrays(*arrays))


def _dates(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells as datetime64[D] and a mask of those that are not dates (empty is not bad)."""
    flat = pd.Series(cells.ravel(), dtype=object)
    today = dt.date.today()
    parsed = map_unique(flat, lambda v: parse_date(v, as_of=today))
    days = np.array([p[0] for p in parsed], dtype="datetime64[D]").reshape(cells.shape)
    bad = np.array([p[1] in ("unparseable", "error", "ambiguous") for p in parsed]).reshape(cells.shape)
    return days, bad


def _rows(value: Any) -> list[list[Any]]:
    """A settings range as rows; an omitted argument gives none."""
    return [] if value is None else _grid(value)


@functools.lru_cache(maxsize=32)
def _cached_settings(settings: tuple[tuple[Any, ...], ...], lists: tuple[tuple[Any, ...], ...],
                     holidays: tuple[tuple[Any, ...], ...]) -> tuple[Settings, Calendar]:
    rows = [list(r) for r in holidays]
    if rows and parse_date(rows[0][0], as_of=dt.date.today())[1] in (None, "text", "serial") \
            and cell_text(rows[0][0]).strip():
        rows.insert(0, ["日期", "类型"])  # a range without its header row
    found = read_settings({"设置": [list(r) for r in settings], "列表": [list(r) for r in lists],
                           "节假日": rows})
    return found, Calendar(found.country, found.holidays, found.official_holiday_years,
                           found.estimated_holiday_years)


def _team(settings: Any = None, lists: Any = None, holidays: Any = None) -> tuple[Settings, Calendar]:
    """The team's settings and calendar from the ranges given (defaults for those omitted)."""
    def frozen(value: Any) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(r) for r in _rows(value))

    return _cached_settings(frozen(settings), frozen(lists), frozen(holidays))


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """Any failure becomes a short text in the cell instead of #VALUE!."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CalendarWarning)
                return func(*args, **kwargs)
        except CellError as exc:
            return str(exc)
        except Exception as exc:  # a cell shows a sentence, never a Python traceback
            return say("udf.failed", DEFAULT, value=f"{type(exc).__name__}: {str(exc)[:80]}")
    return wrapper


def _shape_check(*values: Any, lang: str = "zh") -> list[np.ndarray]:
    try:
        return _broadcast(*values)
    except ValueError:
        raise CellError("bad-shape", lang) from None


def _out(values: np.ndarray) -> Any:
    """One cell gets a value, a range a 2-D list (xlwings spills or array-enters it)."""
    rows = values.tolist()
    return rows[0][0] if values.shape == (1, 1) else rows


# -- the functions -----------------------------------------------------------------------

@xw.func
@xw.arg("start", ndim=2)
@xw.arg("end", ndim=2)
@xw.arg("holidays", ndim=2)
@_guard
def cxl_workdays(start, end, holidays=None, settings=None):
    """Working days after start up to and including end, on the team's calendar.

    Weekends and public holidays are off, 调休 make-up days are on, and the
    holidays range (the 节假日 sheet) wins. Negative when end is before start.
    """
    team, calendar = _team(settings, None, holidays)
    a, b = _shape_check(start, end, lang=team.lang)
    (da, bad_a), (db, bad_b) = _dates(a), _dates(b)
    counts = calendar.count(da.ravel(), db.ravel()).reshape(a.shape)
    out = np.array([[None if c != c else int(c) for c in row] for row in counts], dtype=object)
    return _out(np.where(bad_a | bad_b, say("udf.bad-date", team.lang), out))


@xw.func
@xw.arg("raised_on", ndim=2)
@xw.arg("complaint_type", ndim=2)
@xw.arg("severity", ndim=2)
@xw.arg("settings", ndim=2)
@xw.arg("lists", ndim=2)
@xw.arg("holidays", ndim=2)
@_guard
def cxl_deadline(raised_on, complaint_type=None, severity=None, settings=None, lists=None,
                 holidays=None):
    """The deadline a complaint gets when none is written: the SLA-th working day after raised_on.

    The SLA comes from the settings (默认时限), per type from the lists sheet, and the
    shorter 重大投诉时限 for a major complaint; the same rule the checks and the KPIs use.
    """
    team, calendar = _team(settings, lists, holidays)
    raised, kinds, levels = _shape_check(raised_on, complaint_type, severity, lang=team.lang)
    days, bad = _dates(raised)
    folded = np.vectorize(lambda v: fold(cell_text(v)) or None, otypes=[object])
    frame = pd.DataFrame({
        "type": folded(kinds).ravel(),
        "is_major": [isinstance(v, str) and v.lower() in SEVERITY_MAJOR for v in folded(levels).ravel()],
    })
    due = calendar.add(days.ravel(), sla_days(frame, team)).reshape(raised.shape)
    out = np.array([[None if np.isnat(d) else d.astype(object) for d in row] for row in due],
                   dtype=object)
    return _out(np.where(bad, say("udf.bad-date", team.lang), out))


@xw.func
@xw.arg("deadline", ndim=2)
@xw.arg("closed", ndim=2)
@xw.arg("closed_on", ndim=2)
@xw.arg("holidays", ndim=2)
@xw.arg("paused_from", ndim=2)
@xw.arg("paused_to", ndim=2)
@xw.arg("extended_to", ndim=2)
@xw.arg("followup_on", ndim=2)
@xw.arg("closure", ndim=2)
@_guard
def cxl_status(deadline, closed=None, closed_on=None, today=None, holidays=None, settings=None,
               paused_from=None, paused_to=None, extended_to=None, followup_on=None, closure=None):
    """A row's status text: 已结案, 逾期 N 个工作日, 已过期限（M月D日到期）, 今天到期,
    N 个工作日内到期, 正常; with the lifecycle's columns also 暂停中（等待客户）,
    已结案（非正常） and 已结案，待回访 / 回访已超时.

    Closed when 是否结案 says yes or a closing date is written; overdue and due soon
    are decided by the chase's own rule (:func:`complaint_xl.deadlines.deadline_status`)
    on the effective deadline (pauses and extensions moved it:
    :func:`complaint_xl.deadlines.moved_deadlines`), so a cell never disagrees with the
    chase list. A row waiting for the customer is paused, neither overdue nor due soon; a
    closed row whose 回访日期 column is given and empty awaits its follow-up call (回访时限
    working days after closing, then it is late). Pass TODAY() so the text follows the date.
    """
    team, calendar = _team(settings, None, holidays)
    lang = team.lang
    due, flag, done, start, stop, ext, called, kind = _shape_check(
        deadline, closed, closed_on, paused_from, paused_to, extended_to, followup_on, closure,
        lang=lang)
    day = _dates(np.array([[today]], dtype=object))[0][0, 0] if today is not None else \
        np.datetime64(dt.date.today(), "D")
    if np.isnat(day):
        raise CellError("bad-date", lang)
    (d, bad), (c, bad_c) = _dates(due), _dates(done)
    lifecycle = [_dates(cells) for cells in (start, stop, ext, called)]
    bad = bad | bad_c | np.logical_or.reduce([b for _, b in lifecycle])
    (pf, _), (pt, _), (ex, _), (fu, _) = lifecycle
    yes = np.vectorize(lambda v: closed_flag(cell_text(v)) is True, otypes=[bool])(flag)
    is_closed = yes | ~np.isnat(c)
    eff = moved_deadlines(d.ravel(), is_closed.ravel(), c.ravel(), pf.ravel(), pt.ravel(),
                          ex.ravel(), calendar, day)
    moved = eff.deadline.reshape(d.shape)
    paused = eff.paused_now.reshape(d.shape)
    status = deadline_status(moved, is_closed, day, calendar, team.due_soon_days, paused=paused)
    abnormal = np.vectorize(lambda v: closure_kind(cell_text(v)) == CLOSURE_ABNORMAL,
                            otypes=[bool])(kind)
    shut = np.where(abnormal, say("udf.closed-abnormal", lang), say("udf.closed", lang))
    # The follow-up call: only where the 回访日期 column is passed at all.
    waiting = is_closed & (followup_on is not None) & np.isnat(fu) & ~np.isnat(c)
    since = np.where(waiting, calendar.count(c.ravel(), np.full(c.size, day)).reshape(c.shape), 0)
    late = waiting & (np.nan_to_num(since) > team.followup_days)
    closed_text = np.where(
        late, np.vectorize(lambda t: say("udf.followup-late", lang, closed=t), otypes=[object])(shut),
        np.where(waiting & ~late, np.vectorize(lambda t: say("udf.awaiting-followup", lang, closed=t),
                                                otypes=[object])(shut), shut)).astype(object)
    out = np.select(
        [is_closed, bad, paused, np.isnat(moved), status.overdue, status.due_soon],
        [closed_text,
         np.full(d.shape, say("udf.bad-date", lang), dtype=object),
         np.full(d.shape, say("deadline.paused-now", lang), dtype=object),
         np.full(d.shape, say("udf.no-deadline", lang), dtype=object),
         late_texts(status.workdays_overdue, moved, lang),
         due_texts(status.workdays_left, lang)],
        default=say("udf.on-track", lang))
    return _out(out)


def _range_values(value: Any) -> tuple[Any, int | None]:
    """A range argument's values and its first Excel row (None when Excel passed values only)."""
    if hasattr(value, "options") and hasattr(value, "row"):  # an xw.Range ("range" converter)
        return value.options(ndim=2).value, int(value.row)
    return value, None


def _register_grids(header: Any, rows: Any) -> tuple[list[list[Any]], int, int]:
    """One sheet: the header first, then the rows where Excel has them (blank rows between
    are skipped by the reader), so a message naming a row uses the sheet's number.

    Returns the grid, the Excel row of the first data row and the number of rows.
    """
    head = _grid(_range_values(header)[0])[0]
    values, first = _range_values(rows)
    body = _grid(values)
    if any(len(r) != len(head) for r in body):
        raise CellError("bad-shape")
    first = first if first and first >= 2 else 2
    return [head, *([[]] * (first - 2)), *body], first, len(body)


def _load(grid: list[list[Any]], team: Settings, today: Any) -> Any:
    """The register of a range, read exactly like a file (same reader, same settings)."""
    from complaint_xl.errors import UnusableFile
    from complaint_xl.loading import load_grids
    from complaint_xl.register.book import Book, Grid

    day = _dates(np.array([[today]], dtype=object))[0][0, 0] if today is not None else _NAT
    as_of = dt.date.today() if np.isnat(day) else day.astype(dt.date)
    try:
        return load_grids(Book(Path("udf"), "xlsx", ["登记表"]), {"登记表": Grid(grid)}, as_of=as_of,
                          settings=team)
    except UnusableFile:
        raise CellError("no-register", team.lang) from None


@xw.func
@xw.arg("header", "range")
@xw.arg("rows", "range")
@xw.arg("settings", ndim=2)
@xw.arg("lists", ndim=2)
@xw.arg("holidays", ndim=2)
@_guard
def cxl_findings(header, rows, settings=None, lists=None, holidays=None, today=None):
    """What the 校验 button would say about each row: the messages, joined; empty when clean.

    ``header`` is the register's header row, ``rows`` one row or the whole table
    (rules across rows, such as duplicates, need the whole table). They come as
    ranges so that messages naming a row ("与第 N 行重复") use the sheet's numbers.
    """
    from complaint_xl.checks import check_register

    team, calendar = _team(settings, lists, holidays)
    grid, first, n = _register_grids(header, rows)
    loaded = _load(grid, team, today)
    table = check_register(loaded.register, team, loaded.as_of, calendar).table
    table = table[table["sheet"].eq("登记表") & table["row"].between(first, first + n - 1)]
    sep = say("list.semi", team.lang)
    texts = table.groupby("row")["message"].agg(lambda m: sep.join(dict.fromkeys(m)))
    return _out(np.array([[texts.get(first + i, "")] for i in range(n)], dtype=object))


def _week(value: Any, lang: str) -> tuple[int, int] | None:
    """'2026-W47' (:func:`~complaint_xl.kpi.weeks.parse_week`), a date in the week, or
    nothing (the last complete week)."""
    if value is None or cell_text(value).strip() == "":
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # else perhaps a date in the week
            return parse_week(value)
    day, note = parse_date(value, as_of=dt.date.today())
    if np.isnat(day) or note in ("unparseable", "error", "ambiguous"):
        raise CellError("bad-week", lang)
    iso = day.astype(dt.date).isocalendar()
    return iso.year, iso.week


def _key(name: str, keys: Sequence[str], label: Callable[[str, str], str]) -> str | None:
    """A figure or breakdown by its code or its label in any language."""
    wanted = header_key(name)
    for key in keys:
        if wanted in {header_key(key), *(header_key(label(key, lang)) for lang in LANGS)}:
            return key
    return None


def _figure(key: str, lang: str) -> str:
    return say(f"figure.{key}", lang)


@xw.func
@xw.arg("register", ndim=2)
@xw.arg("settings", ndim=2)
@xw.arg("lists", ndim=2)
@xw.arg("holidays", ndim=2)
@_guard
def cxl_kpi(figure, register, week=None, today=None, dimension=None, value=None, settings=None,
            lists=None, holidays=None):
    """One figure of the weekly report, e.g. =cxl_kpi("按期结案率", T_Register[#All], "2026-W47").

    ``figure`` is a key or label of the report's totals (new, closed, on_time_rate,
    open, overdue, …); with ``dimension`` and ``value`` (e.g. "投诉项目", "售后") the
    figure of that breakdown. The same numbers as the 周报 button and ``report --json``.
    """
    from complaint_xl.kpi import DIMENSIONS, FIGURES, weekly
    from complaint_xl.kpi.labels import column

    team, calendar = _team(settings, lists, holidays)
    lang = team.lang
    code = _key(cell_text(figure), FIGURES, _figure)
    if code is None:
        raise CellError("bad-figure", lang, value=cell_text(figure))
    grid = _grid(register)
    loaded = _load(grid, team, today)
    report = weekly(loaded.register, team, calendar, loaded.as_of, week=_week(week, lang))
    figures: dict[str, Any] = report.totals
    if dimension is not None and cell_text(dimension).strip():
        dim = _key(cell_text(dimension), DIMENSIONS, column)
        if dim is None or dim not in report.by:
            raise CellError("bad-dimension", lang, value=cell_text(dimension))
        figures = report.by[dim].get(fold(cell_text(value)), {})
        if not figures:
            return say("udf.no-value", lang)
    result = figures.get(code)
    if result is None:
        reason = report.reason(code, lang)
        return say("udf.unavailable", lang, reason=reason) if reason else None
    return result

