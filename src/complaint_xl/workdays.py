"""The working-day calendar: weekends, public holidays, make-up working days, overrides.

China's State Council moves working days around every holiday (调休): a Saturday can
be a working day and a Thursday a day off. The calendar therefore keeps one boolean
per day over a span of years and a cumulative count of working days, so that counting
the working days between a million pairs of dates is two array look-ups and a
subtraction, never a Python loop.

A year's schedule counts as known (confirmed) when the ``holidays`` package publishes it,
or when the team marked rows of that year 已公布 (official) on the workbook's 节假日 sheet
and none of that year's rows is still an estimate (估计). Any other year touched by a
query raises a :class:`CalendarWarning` naming it: its days come from the package's
statutory rules and from the sheet's estimates, which is better than nothing but not to
be trusted silently. The sheet's rows apply either way (the sheet wins).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import holidays
import numpy as np
import pandas as pd

from complaint_xl.errors import LocalizedWarning
from complaint_xl.words import listing, phrase

__all__ = ["Calendar", "CalendarWarning", "to_days", "workdays"]

DayLike = dt.date | np.datetime64 | pd.Timestamp | str


class CalendarWarning(LocalizedWarning):
    """Deadlines in a year whose holiday schedule is not confirmed rest on estimates.

    Said in the run's language (``message(lang)``); ``years`` names the years.
    """

    years: tuple[int, ...] = ()


def _calendar_warning(years: set[int], *, partly: bool, country: str) -> CalendarWarning:
    """The warning for ``years``; ``partly``: official rows exist but estimates remain."""
    who = phrase("calendar.who-china" if country == "CN" else "calendar.who-other")
    warning = CalendarWarning(phrase("calendar.partly" if partly else "calendar.unconfirmed",
                                     years=listing(sorted(years)), who=who))
    warning.years = tuple(sorted(years))
    return warning


def to_days(values: object) -> np.ndarray:
    """Dates of any common form as ``datetime64[D]`` (NaT kept, also for what is no date)."""
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]")
    flat = pd.to_datetime(pd.Series(arr.ravel(), dtype=object), errors="coerce")
    return flat.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").reshape(arr.shape)


@dataclass
class Calendar:
    """Working days of one country, with the workbook's own overrides winning.

    ``overrides`` maps a day to True (a working day, e.g. a company make-up day) or
    False (a day off, e.g. a company holiday). ``official_years`` and ``estimated_years``
    are the years of the sheet's rows marked official (已公布) and estimated (估计): they
    decide which years the team has confirmed (see the module's docstring), never the
    overrides themselves, so a guess or one company day off cannot pass for a schedule.
    """

    country: str = "CN"
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    official_years: Collection[int] = frozenset()
    """Years with rows marked official (已公布) on the team's 节假日 sheet."""
    estimated_years: Collection[int] = frozenset()
    """Years with rows marked, or noted, as estimates (估计) on the sheet."""
    unknown_years: set[int] = field(default_factory=set, init=False)
    """Years whose schedule the ``holidays`` package does not know (see ``_build``)."""
    _warned: set[int] = field(default_factory=set, init=False, repr=False)
    _start: np.datetime64 = field(init=False, repr=False)
    _is_work: np.ndarray = field(init=False, repr=False)
    _cum: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.country = self.country.upper()
        self.official_years = frozenset(self.official_years)
        self.estimated_years = frozenset(self.estimated_years)
        try:  # one country's class, not list_supported_countries(), which loads all of them
            holidays.country_holidays(self.country)
        except NotImplementedError:
            raise ValueError(f"unknown country code for the holiday calendar: {self.country}") from None
        today = dt.date.today()
        self._build(today.year - 3, today.year + 2)

    # -- building ------------------------------------------------------------------

    def _known_last_year(self) -> int | None:
        """Last year of an announced schedule, for countries that publish one yearly.

        China's 调休 days are announced each autumn for the next year; the package
        lists them per year in ``special_public_holidays``. Years after the last one
        are estimates without make-up days, so they are reported.
        """
        if self.country != "CN":
            return None
        special = getattr(holidays.country_holidays("CN"), "special_public_holidays", None)
        return max(special) if special else None

    def _build(self, first_year: int, last_year: int) -> None:
        start = np.datetime64(f"{first_year}-01-01", "D")
        end = np.datetime64(f"{last_year + 1}-01-01", "D")
        days = np.arange(start, end, dtype="datetime64[D]")
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (3)
        is_work = weekday < 5
        years = range(first_year, last_year + 1)
        known_last = self._known_last_year()
        try:
            book = holidays.country_holidays(self.country, years=list(years))
            supported = set(years) & set(range(book.start_year, book.end_year + 1))
        except (NotImplementedError, KeyError, ValueError):
            book, supported = None, set()
        unknown = {y for y in years if y not in supported}
        if known_last is not None:
            unknown |= {y for y in years if y > known_last}
        # Not reduced by the overrides: rows on the sheet may be guesses (see confirmed()).
        if book is not None:
            offs = [d for d in book if d.year in supported]
            ons = [d for d in getattr(book, "weekend_workdays", ()) if d.year in supported]
            is_work[self._index(days, start, offs)] = False
            is_work[self._index(days, start, ons)] = True
        for day, working in self.overrides.items():
            i = (np.datetime64(day, "D") - start).astype(int)
            if 0 <= i < len(days):
                is_work[i] = working
        self.unknown_years |= unknown
        self._start, self._is_work = start, is_work
        # _cum[i] = working days among days[0..i-1]; counts over (a, b] come out
        # as _cum[b+1] - _cum[a+1].
        self._cum = np.concatenate([[0], np.cumsum(is_work, dtype=np.int64)])

    @staticmethod
    def _index(days: np.ndarray, start: np.datetime64, dates: Iterable[dt.date]) -> np.ndarray:
        idx = np.array([(np.datetime64(d, "D") - start).astype(int) for d in dates], dtype=int)
        return idx[(idx >= 0) & (idx < len(days))]

    def _cover(self, *arrays: np.ndarray) -> None:
        """Extend the span so every given (non-NaT) day lies inside it, with a margin."""
        lo = hi = None
        for a in arrays:
            ok = a[~np.isnat(a)]
            if ok.size:
                a_lo, a_hi = ok.min(), ok.max()
                lo = a_lo if lo is None else min(lo, a_lo)
                hi = a_hi if hi is None else max(hi, a_hi)
        if lo is None:
            return
        end = self._start + len(self._is_work)
        # 120 days of headroom past the latest day: SLA deadlines land after it.
        if lo < self._start or hi + 120 >= end:
            first = min(lo.astype(object).year, self._start.astype(object).year)
            last = max((hi + 120).astype(object).year, (end - 1).astype(object).year)
            first = max(first, 1900)
            last = min(last, 2200)
            self._build(first, last)

    @property
    def team_confirmed_years(self) -> frozenset[int]:
        """Years the sheet confirms: some row marked official, none left as an estimate."""
        return frozenset(self.official_years) - frozenset(self.estimated_years)

    def confirmed(self, year: int) -> bool:
        """Whether ``year``'s schedule is official: the package has it, or the team confirmed it."""
        self._cover(np.array([f"{year}-01-01", f"{year}-12-31"], dtype="datetime64[D]"))
        return year not in self.unknown_years or year in self.team_confirmed_years

    def _warn_for(self, *arrays: np.ndarray) -> None:
        """Warn once per unconfirmed year that a query actually touches (not the margins)."""
        years: set[int] = set()
        for a in arrays:
            ok = a[~np.isnat(a)]
            if ok.size:
                years |= set(range(ok.min().astype(object).year, ok.max().astype(object).year + 1))
        new = (years & self.unknown_years) - self.team_confirmed_years - self._warned
        if not new:
            return
        self._warned |= new
        partly = new & set(self.official_years)
        for group, is_partly in ((new - partly, False), (partly, True)):
            if group:
                warnings.warn(_calendar_warning(group, partly=is_partly, country=self.country),
                              stacklevel=3)

    def _pos(self, days: np.ndarray) -> np.ndarray:
        """Index of each day in the span (clipped; callers mask NaT themselves)."""
        pos = (days - self._start).astype("int64")
        return np.clip(pos, -1, len(self._is_work) - 1)

    # -- queries -------------------------------------------------------------------

    def is_workday(self, days: object) -> np.ndarray:
        """Whether each day is a working day (False for NaT)."""
        d = to_days(days)
        self._cover(d)
        nat = np.isnat(d)
        self._warn_for(d)
        result = self._is_work[np.clip(self._pos(d), 0, None)]
        return np.where(nat, False, result)

    def count(self, a: object, b: object) -> np.ndarray:
        """Working days in the half-open span (a, b], negated when b is before a.

        Returns float64 with NaN where either date is missing.
        """
        da, db = to_days(a), to_days(b)
        da, db = np.broadcast_arrays(da, db)
        self._cover(da, db)
        self._warn_for(da, db)
        nat = np.isnat(da) | np.isnat(db)
        ca = self._cum[self._pos(da) + 1]
        cb = self._cum[self._pos(db) + 1]
        return np.where(nat, np.nan, (cb - ca).astype("float64"))

    def add(self, start: object, n: object) -> np.ndarray:
        """The working day d with count(start, d) == n, for n >= 1 (NaT where start is NaT).

        This is how a deadline follows from an SLA of n working days.
        """
        d = to_days(start)
        steps = np.broadcast_to(np.asarray(n, dtype="int64"), d.shape)
        nat = np.isnat(d)
        if (~nat).any():
            # Make sure the span reaches far enough: n working days is at most ~3n days.
            ok = d[~nat]
            self._cover(ok, ok + np.timedelta64(int(steps.max(initial=0)) * 3 + 30, "D"))
        target = self._cum[self._pos(d) + 1] + steps
        idx = np.searchsorted(self._cum, target, side="left") - 1
        idx = np.clip(idx, 0, len(self._is_work) - 1)
        out = np.where(nat, np.datetime64("NaT", "D"), self._start + idx.astype("timedelta64[D]"))
        self._warn_for(d, out)
        return out

    def days_off(self, year: int) -> list[tuple[dt.date, bool]]:
        """The year's exceptions to the Monday-to-Friday week: (day, is_working_day).

        Used to fill the workbook's Holidays sheet so the team can see and edit them.
        """
        self._cover(np.array([f"{year}-01-01", f"{year}-12-31"], dtype="datetime64[D]"))
        days = np.arange(
            np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"), dtype="datetime64[D]"
        )
        work = self.is_workday(days)
        weekday = (days.astype("int64") + 3) % 7
        odd = work != (weekday < 5)
        return [(d.astype(object), bool(w)) for d, w in zip(days[odd], work[odd], strict=True)]


def workdays(a: DayLike, b: DayLike, calendar: Calendar | None = None) -> int:
    """Working days in (a, b] for one pair: the scalar form of :meth:`Calendar.count`."""
    cal = calendar or Calendar()
    value = cal.count(np.array([a], dtype="datetime64[D]"), np.array([b], dtype="datetime64[D]"))
    return int(value[0])
