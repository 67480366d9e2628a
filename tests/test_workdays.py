"""The working-day calendar, against days counted by hand on the 2026 State Council schedule."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaint_xl.workdays import Calendar, CalendarWarning, workdays

D = dt.date
CAL = Calendar("CN")


def days(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-11-27", "2026-11-27", 0),   # empty span
        ("2026-11-27", "2026-11-28", 0),   # (Fri, Sat]
        ("2026-11-27", "2026-11-30", 1),   # (Fri, Mon]
        ("2026-11-23", "2026-11-27", 4),   # (Mon, Fri]
        ("2026-11-30", "2026-11-27", -1),  # negated when b is before a
        # National Day 2026: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 are make-up working days.
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-30", "2026-10-09", 2),
        ("2026-09-30", "2026-10-10", 3),
        ("2026-09-30", "2026-10-12", 4),
        ("2026-09-18", "2026-09-21", 2),   # (Fri, Mon] with the working Sunday
        ("2026-09-28", "2026-10-23", 15),
    ],
)
def test_count_by_hand(a: str, b: str, expected: int) -> None:
    assert workdays(a, b, CAL) == expected


def test_make_up_days_and_holidays() -> None:
    got = CAL.is_workday(days("2026-09-20", "2026-10-10", "2026-10-01", "2026-10-07", "2026-10-08",
                              "2026-02-14", "2026-02-16", "2026-12-25"))
    assert got.tolist() == [True, True, False, False, True, True, False, True]


def test_add_is_the_sla_deadline() -> None:
    assert CAL.add(days("2026-09-28"), 15).tolist() == [D(2026, 10, 23)]
    # From a day off: the first working day counts as 1.
    assert CAL.add(days("2026-10-03"), 1).tolist() == [D(2026, 10, 8)]
    assert np.isnat(CAL.add(days("NaT"), 5)).all()


def test_workbook_overrides_win() -> None:
    cal = Calendar("CN", {D(2026, 11, 27): False, D(2026, 11, 28): True})
    assert cal.is_workday(days("2026-11-27", "2026-11-28")).tolist() == [False, True]
    assert workdays("2026-11-26", "2026-11-30", cal) == 2  # Sat instead of Fri, then Mon


def test_missing_dates_give_nan() -> None:
    got = CAL.count(days("2026-11-02", "NaT"), days("NaT", "2026-11-02"))
    assert np.isnan(got).all()


def test_unknown_year_warns_naming_it_and_still_counts() -> None:
    cal = Calendar("CN")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        n = workdays("2027-03-05", "2027-03-12", cal)
    assert n == 5
    messages = [str(w.message) for w in caught if issubclass(w.category, CalendarWarning)]
    assert len(messages) == 1 and "2027" in messages[0]
    # A year beyond the package's range: weekends only, no crash.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert workdays("2150-01-01", "2150-01-08", cal) == 5


def test_other_countries() -> None:
    us = Calendar("US")
    assert us.is_workday(days("2026-07-03", "2026-11-26", "2026-11-27")).tolist() == [False, False, True]
    with pytest.raises(ValueError):
        Calendar("XX")


def test_vectorised_count_agrees_with_a_day_by_day_count() -> None:
    rng = np.random.default_rng(1)
    start = np.datetime64("2025-01-01")
    a = start + rng.integers(0, 600, 100_000).astype("timedelta64[D]")
    b = a + rng.integers(-40, 80, 100_000).astype("timedelta64[D]")
    got = CAL.count(a, b)
    assert got.shape == (100_000,)
    for i in rng.choice(100_000, 300, replace=False):
        lo, hi, sign = (a[i], b[i], 1) if b[i] >= a[i] else (b[i], a[i], -1)
        span = np.arange(lo + 1, hi + 1, dtype="datetime64[D]")
        assert got[i] == sign * int(CAL.is_workday(span).sum())


@pytest.mark.filterwarnings("ignore::complaint_xl.workdays.CalendarWarning")
@settings(max_examples=200, deadline=None)
@given(st.dates(D(2024, 1, 1), D(2026, 12, 31)), st.integers(1, 60))
def test_add_and_count_are_inverse(start: D, n: int) -> None:
    end = CAL.add(days(start.isoformat()), n)
    assert CAL.count(days(start.isoformat()), end)[0] == n
    assert CAL.is_workday(end)[0]


def test_days_off_lists_the_exceptions_of_a_year() -> None:
    exceptions = dict(CAL.days_off(2026))
    assert exceptions[D(2026, 10, 1)] is False
    assert exceptions[D(2026, 10, 10)] is True
    assert exceptions[D(2026, 9, 20)] is True
    assert D(2026, 11, 28) not in exceptions  # an ordinary Saturday is no exception
