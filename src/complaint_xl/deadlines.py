"""The one overdue rule: overdue, due soon and working days late, decided in one place.

The chase, the KPI facts and the ``cxl_status`` worksheet function all call
:func:`deadline_status`, and the workbook's red/amber colours are the same rule written
as an Excel formula (``workbook/builder.py``, tested against this function), so a
complaint is never red in the sheet, "on track" in a cell and overdue in the chase.
The definitions are the contract of ``design.md`` (KPI definitions):

- overdue = open and deadline < today;
- due soon = open, today <= deadline and ``workdays(today, deadline) <= N``;
- working days overdue = ``workdays(deadline, today)``, the half-open count (a, b].

Right after a deadline, on a weekend or holiday, no working day has passed yet: the
row is overdue with 0 working days. People are then told that the deadline passed on
that date (:func:`late_texts`), never "overdue 0 working days".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from complaint_xl.register.text import map_unique
from complaint_xl.words import Phrase, phrase, say
from complaint_xl.workdays import Calendar, to_days

__all__ = [
    "DeadlineStatus",
    "deadline_status",
    "deadline_suspect",
    "due_text",
    "due_texts",
    "late_phrase",
    "late_text",
    "late_texts",
    "passed_text",
]

@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """Each row's standing against its deadline as of one day; arrays of the input's shape.

    Counts are float64 with NaN where they do not apply, so a caller can keep them as
    a column or cast the rows it selected.
    """

    overdue: np.ndarray
    """Open and the deadline is before today."""
    due_soon: np.ndarray
    """Open, deadline today or later and at most N working days away (due today included)."""
    due_today: np.ndarray
    """Open and the deadline is today."""
    passed_on_day_off: np.ndarray
    """Overdue, but no working day has passed since the deadline (today is a day off):
    words must say the deadline passed on its date, not "overdue 0 working days"."""
    workdays_overdue: np.ndarray
    """``workdays(deadline, today)`` where overdue (0 or more), else NaN."""
    workdays_left: np.ndarray
    """``workdays(today, deadline)`` where open and not overdue, else NaN."""
    workdays_to_deadline: np.ndarray
    """``workdays(today, deadline)`` signed (negative when overdue) where open, else NaN."""


def _day(value: Any) -> np.datetime64:
    """One day (a date, datetime, Timestamp, datetime64 or ISO text) as ``datetime64[D]``."""
    return np.datetime64(pd.Timestamp(value).date(), "D")


def deadline_status(deadline: Any, is_closed: Any, today: Any, calendar: Calendar,
                    due_soon_days: int) -> DeadlineStatus:
    """Overdue, due soon and working days late of every row, in whole arrays.

    ``deadline``: dates (NaT or None where there is none: such a row is neither overdue
    nor due soon); ``is_closed``: booleans; ``today``: the as-of day; ``due_soon_days``:
    the settings' N (到期提醒). The one rule behind the chase, the KPIs, ``cxl_status``
    and the workbook's colours.
    """
    days = to_days(deadline)
    closed = np.broadcast_to(np.asarray(is_closed, dtype=bool), days.shape)
    day = _day(today)
    has = ~np.isnat(days)
    open_ = ~closed & has
    # Calendar.count is signed: workdays(today, deadline) = -workdays(deadline, today).
    to_deadline = calendar.count(np.full(days.shape, day), days).reshape(days.shape)
    overdue = open_ & (days < day)
    ahead = open_ & (days >= day)
    with np.errstate(invalid="ignore"):
        due_soon = ahead & (np.nan_to_num(to_deadline, nan=np.inf) <= due_soon_days)
    late = np.where(overdue, -to_deadline, np.nan) + 0.0  # + 0.0: no -0.0 on a day off
    return DeadlineStatus(
        overdue=overdue,
        due_soon=due_soon,
        due_today=open_ & (days == day),
        passed_on_day_off=overdue & (late == 0),
        workdays_overdue=late,
        workdays_left=np.where(ahead, to_deadline, np.nan),
        workdays_to_deadline=np.where(open_, to_deadline, np.nan),
    )


def deadline_suspect(deadline: Any, raised_on: Any, derived: Any) -> np.ndarray:
    """A written deadline before the raised date: validate's error ``deadline-before-raised``.

    The chase still lists such a row by its deadline, but flags it, so nobody is chased
    for "N working days overdue" on what is most likely a typing error.
    """
    early = to_days(deadline) < to_days(raised_on)  # NaT compares False
    return early & ~np.asarray(derived, dtype=bool)


# -- words ----------------------------------------------------------------------------
# What people are shown about a deadline: ``deadline.*`` of complaint_xl.words (the chase
# drafts' own words are in templates/<lang>/chase_labels.txt and say the same).

def passed_text(deadline: Any, lang: str = "zh") -> str:
    """'已过期限（10月10日到期）' / 'deadline passed on 2025-10-10' (no platform strftime codes)."""
    return say("deadline.passed", lang, date=pd.Timestamp(deadline))


def late_phrase(workdays_overdue: int, deadline: Any) -> Phrase:
    """An overdue row in words, said later: 'N working days overdue', or the passed-on date
    when N is 0."""
    n = int(workdays_overdue)
    if n == 0:
        return phrase("deadline.passed", date=pd.Timestamp(deadline))
    return phrase("deadline.overdue-one") if n == 1 else phrase("deadline.overdue", n=n)


def late_text(workdays_overdue: int, deadline: Any, lang: str = "zh") -> str:
    """An overdue row in words: 'N working days overdue', or the passed-on date when N is 0."""
    return late_phrase(workdays_overdue, deadline).say(lang)


def due_text(workdays_left: int, lang: str = "zh") -> str:
    """A due-soon row in words: 'due today' or 'due in N working days'."""
    n = int(workdays_left)
    if n <= 0:
        return say("deadline.due-today", lang)
    return say("deadline.due-in-one", lang) if n == 1 else say("deadline.due-in", lang, n=n)


def late_texts(workdays_overdue: Any, deadline: Any, lang: str = "zh") -> np.ndarray:
    """:func:`late_text` for whole columns (None where not overdue), once per distinct value."""
    n = np.asarray(workdays_overdue, dtype="float64").ravel()
    days = to_days(deadline).ravel()
    late = ~np.isnan(n)
    counted = pd.Series(np.where(late & (n > 0), n, 0).astype(np.int64))
    over = map_unique(counted, lambda k: late_text(k, None, lang) if k else None).to_numpy()
    passed = map_unique(pd.Series(days), lambda d: None if d is None else passed_text(d, lang))
    out = np.where(late & (n > 0), over, np.where(late, passed.to_numpy(), None))
    return out.astype(object).reshape(np.shape(workdays_overdue))


def due_texts(workdays_left: Any, lang: str = "zh") -> np.ndarray:
    """:func:`due_text` for whole columns (None where NaN), once per distinct value."""
    n = np.asarray(workdays_left, dtype="float64").ravel()
    ahead = ~np.isnan(n)
    words = map_unique(pd.Series(np.where(ahead, n, 0).astype(np.int64)),
                       lambda k: None if k is None else due_text(k, lang)).to_numpy()
    return np.where(ahead, words, None).astype(object).reshape(np.shape(workdays_left))
