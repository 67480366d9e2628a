"""ISO weeks (Monday to Sunday), the unit of the weekly report.

Dates become the Monday of their week in whole columns, so grouping a register by
week is a comparison of datetime64 values, never a per-row calendar call.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.register.text import map_unique

__all__ = [
    "WEEKS_IN_TREND", "NoSuchWeek", "Week", "default_week", "label", "monday", "mondays", "of_day",
    "parse_week", "to_week", "week_labels", "weeks_ending", "weeks_in_year",
]

WEEKS_IN_TREND = 8
"""The trend covers this many weeks, ending with the report week."""

Week = tuple[int, int]
"""(ISO year, ISO week)."""


def label(week: Week) -> str:
    """(2026, 48) -> '2026-W48'."""
    return f"{week[0]}-W{week[1]:02d}"


def monday(week: Week) -> dt.date:
    """The first day (Monday) of an ISO week."""
    return dt.date.fromisocalendar(week[0], week[1], 1)


def of_day(day: dt.date) -> Week:
    """The ISO week a day falls in."""
    iso = day.isocalendar()
    return iso.year, iso.week


def default_week(today: dt.date) -> Week:
    """The last complete week: the latest week whose Sunday is before ``today``."""
    # isoweekday: Monday 1 .. Sunday 7; on a Sunday the week is not complete yet.
    back = today.isoweekday() % 7 or 7
    return of_day(today - dt.timedelta(days=back))


_WEEK: Final = re.compile(r"\s*(\d{4})\s*-?\s*W\s*(\d{1,2})\s*", re.IGNORECASE)


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO weeks of ``year`` (28 December is always in its last week)."""
    return dt.date(year, 12, 28).isocalendar().week


class NoSuchWeek(ValueError):
    """A week written correctly that its year does not have (2026-W60, W53 of a 52-week year)."""

    def __init__(self, year: int, week: int) -> None:
        self.year, self.week, self.weeks = year, week, weeks_in_year(year)
        super().__init__(f"{year} has {self.weeks} ISO weeks; week {week} does not exist")


def parse_week(text: str) -> Week:
    """'2026-W48' (also 2026W48, 2026-w48, spaces around the parts) -> (2026, 48).

    The one reading of a typed week, for ``--week`` and the UDFs alike. Raises
    ValueError for text that is no ISO week, and its :class:`NoSuchWeek` for a week the
    year does not have, so that a person can be told which of the two is wrong.
    """
    m = _WEEK.fullmatch(text)
    if not m or not 1 <= int(m[1]) <= 9998:
        raise ValueError(f"not an ISO week: {text!r}")
    week = int(m[1]), int(m[2])
    if not 1 <= week[1] <= weeks_in_year(week[0]):
        raise NoSuchWeek(*week)
    return week


def to_week(value: Week | None, today: dt.date) -> Week:
    """A week from (year, week) or None (the default week); typed text is :func:`parse_week`'s."""
    if value is None:
        return default_week(today)
    year, week = value
    dt.date.fromisocalendar(year, week, 1)  # ValueError for a week that does not exist
    return year, week


def weeks_ending(week: Week, count: int = WEEKS_IN_TREND) -> list[Week]:
    """``count`` consecutive weeks ending with ``week``, oldest first."""
    last = monday(week)
    return [of_day(last - dt.timedelta(weeks=k)) for k in range(count - 1, -1, -1)]


def mondays(days: pd.Series) -> pd.Series:
    """The Monday of each day's ISO week (NaT stays NaT)."""
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def week_labels(days: pd.Series) -> pd.Series:
    """'YYYY-Www' for each day (None for NaT); computed once per distinct week."""
    def one(v: object) -> str | None:
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            return None
        return label(of_day(pd.Timestamp(v).date()))

    return map_unique(mondays(days), one)
