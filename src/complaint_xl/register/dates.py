"""Reading the dates people type into a register.

A date cell may hold a real Excel date, an Excel serial number, or text in one of
the styles Chinese offices use (2026-03-05, 2026.3.5, 2026/3/5, 2026年3月5日, 3月5日).
Every value is read once per distinct value and gets a *note* saying how it was
read, so the checks can warn about text dates without parsing them again.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from complaint_xl.register.text import fold

__all__ = ["ERROR_VALUES", "PLACEHOLDERS", "DateNote", "DateOrder", "parse_date", "parse_dates"]

DateOrder = Literal["ymd", "dmy", "mdy"]
DateNote = Literal["text", "serial", "no-year", "ambiguous", "unparseable", "error"]

ERROR_VALUES: Final[frozenset[str]] = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)
"""Excel's error values; LibreOffice's Err:5xx codes are matched separately."""

PLACEHOLDERS: Final[frozenset[str]] = frozenset(
    {"?", "？", "-", "--", "—", "/", "n/a", "na", "none", "null", "无", "暂无", "待定", "tbd"}
)
"""What people and exports type for 'no date' (the UCI export writes ?): read as empty."""

_NAT = np.datetime64("NaT", "D")
# Serial numbers 32874..73050 are 1990-01-01..2099-12-31: outside that a number is
# not a plausible complaint date, whatever Excel would show.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
# Days the calendar can count in (and pandas can hold): a year such as 3026 is a typo,
# and 1899-12-31 is Excel's day 0 shown by an empty date formula.
_FIRST_DAY, _LAST_DAY = np.datetime64("1900-01-01", "D"), np.datetime64("2199-12-31", "D")

_TIME_TAIL = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)$")
_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD_CN = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_XY_YEAR = re.compile(r"^(\d{1,2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{4})$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_LIBRE_ERROR = re.compile(r"^Err:\d{3}$")


def is_error_value(text: str) -> bool:
    """True for an Excel or LibreOffice error value such as #N/A or Err:502."""
    return text in ERROR_VALUES or bool(_LIBRE_ERROR.match(text))


def _in_range(day: np.datetime64) -> np.datetime64 | None:
    return day if _FIRST_DAY <= day <= _LAST_DAY else None


def _ymd(year: int, month: int, day: int) -> np.datetime64 | None:
    try:
        return _in_range(np.datetime64(dt.date(year, month, day), "D"))
    except ValueError:
        return None


def _date_cell(value: dt.date | np.datetime64) -> tuple[np.datetime64, DateNote | None]:
    """A real date cell (date, datetime, Timestamp, datetime64): its day, NaT when empty."""
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        return _NAT, None
    if isinstance(value, dt.datetime):
        value = value.date()  # drops the time and any time zone
    day = _in_range(np.datetime64(value, "D"))
    return (day, None) if day is not None else (_NAT, "unparseable")


def _serial(number: float) -> np.datetime64 | None:
    if _SERIAL_MIN <= number <= _SERIAL_MAX:
        return _EXCEL_EPOCH + np.timedelta64(int(number), "D")
    return None


def parse_date(
    value: Any, *, as_of: dt.date, order: DateOrder = "ymd"
) -> tuple[np.datetime64, DateNote | None]:
    """Read one cell as a date: the day (or NaT) and how it was read.

    The note is ``None`` for a real date cell or an empty cell; ``"text"`` for a
    readable text date; ``"serial"`` for a bare number taken as an Excel serial;
    ``"no-year"`` for 3月5日 (the latest such day not after ``as_of``);
    ``"ambiguous"`` for 5/3/2026 when no day-first or month-first setting says
    which; ``"unparseable"`` and ``"error"`` (an Excel error value) for the rest,
    including days outside 1900-2199, which no complaint has (a typo such as 3026).
    Never raises, whatever the cell holds.
    """
    if value is None or (isinstance(value, str) and value == ""):
        return _NAT, None
    if isinstance(value, dt.date | np.datetime64):  # datetimes and pandas' Timestamp/NaT too
        return _date_cell(value)
    if isinstance(value, bool | np.bool_):
        return _NAT, "unparseable"
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            return _NAT, "unparseable"
        if number != number:  # NaN from a CSV reader
            return _NAT, None
        day = _serial(number)
        return (day, "serial") if day is not None else (_NAT, "unparseable")
    if not isinstance(value, str):
        return _NAT, "unparseable"
    text = fold(value)
    if not text or text.lower() in PLACEHOLDERS:
        return _NAT, None
    if is_error_value(text):
        return _NAT, "error"
    text = _TIME_TAIL.sub("", text).strip()
    day: np.datetime64 | None
    if m := _YMD.match(text) or _YMD_COMPACT.match(text):
        day = _ymd(int(m[1]), int(m[2]), int(m[3]))
        return (day, "text") if day is not None else (_NAT, "unparseable")
    if m := _MD_CN.match(text):
        day = _ymd(as_of.year, int(m[1]), int(m[2]))
        if day is not None and day > np.datetime64(as_of, "D"):
            day = _ymd(as_of.year - 1, int(m[1]), int(m[2]))
        return (day, "no-year") if day is not None else (_NAT, "unparseable")
    if m := _XY_YEAR.match(text):
        if order == "ymd":
            return _NAT, "ambiguous"
        first, second = int(m[1]), int(m[2])
        month, mday = (second, first) if order == "dmy" else (first, second)
        day = _ymd(int(m[3]), month, mday)
        return (day, "text") if day is not None else (_NAT, "unparseable")
    if _NUMBER.match(text):
        day = _serial(float(text))
        return (day, "serial") if day is not None else (_NAT, "unparseable")
    return _NAT, "unparseable"


def parse_dates(
    values: pd.Series, *, as_of: dt.date, order: DateOrder = "ymd"
) -> tuple[pd.Series, pd.Series]:
    """Read a column of cells as dates, once per distinct value.

    Returns the dates (``datetime64``, NaT where none) and the notes (object, None
    where the cell was a clean date or empty), both on ``values.index``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [parse_date(u, as_of=as_of, order=order) for u in uniques]
    # One extra slot at the end for missing cells: code -1 picks it.
    day_table = np.array([r[0] for r in results] + [_NAT], dtype="datetime64[D]")
    note_table = np.array([r[1] for r in results] + [None], dtype=object)
    days = pd.Series(day_table[codes].astype("datetime64[ns]"), index=values.index)
    return days, pd.Series(note_table[codes], index=values.index, dtype=object)
