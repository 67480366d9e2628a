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

The deadline the rule is applied to is the *effective* one (:func:`effective_deadlines`,
the complaint's lifecycle in design.md): the written or derived deadline (derived with
the key accounts' SLA where the team set one), moved by the working days the complaint
was paused waiting for the customer, or replaced by an agreed extension. A row paused
today is neither overdue nor due soon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from complaint_xl.register.reader import sla_days
from complaint_xl.register.schema import KEY_ACCOUNT_ATTRS
from complaint_xl.register.text import fold, map_unique
from complaint_xl.settings import Settings
from complaint_xl.words import Phrase, phrase, say
from complaint_xl.workdays import Calendar, to_days

__all__ = [
    "DeadlineStatus",
    "EffectiveDeadlines",
    "deadline_status",
    "deadline_suspect",
    "due_text",
    "due_texts",
    "effective_deadlines",
    "key_accounts",
    "late_phrase",
    "late_text",
    "late_texts",
    "moved_deadlines",
    "moved_phrase",
    "moved_texts",
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
                    due_soon_days: int, paused: Any = False) -> DeadlineStatus:
    """Overdue, due soon and working days late of every row, in whole arrays.

    ``deadline``: dates, the effective ones (NaT or None where there is none: such a row
    is neither overdue nor due soon); ``is_closed``: booleans; ``today``: the as-of day;
    ``due_soon_days``: the settings' N (到期提醒); ``paused``: booleans, rows waiting for
    the customer today (:attr:`EffectiveDeadlines.paused_now`), which are neither. The one
    rule behind the chase, the KPIs, ``cxl_status`` and the workbook's colours.
    """
    days = to_days(deadline)
    closed = np.broadcast_to(np.asarray(is_closed, dtype=bool), days.shape)
    waiting = np.broadcast_to(np.asarray(paused, dtype=bool), days.shape)
    day = _day(today)
    has = ~np.isnat(days)
    open_ = ~closed & has & ~waiting
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


# -- the effective deadline ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EffectiveDeadlines:
    """Each row's deadline after the key accounts' SLA, pauses and extensions, as of one day.

    Arrays of the frame's length; dates are ``datetime64[D]`` (NaT where there is none).
    """

    deadline: np.ndarray
    """The effective deadline: ``extended_to`` where set, else ``original`` moved by
    ``paused_workdays`` working days."""
    original: np.ndarray
    """The deadline as written, or derived from the SLA (the key accounts' where set)."""
    sla: np.ndarray
    """The SLA in working days of each row: per type, shorter for major complaints and key
    accounts (``int64``)."""
    key_account: np.ndarray
    """The customer is a key account (大客户: the 列表 sheet names it, or its attribute says so)."""
    paused_workdays: np.ndarray
    """Working days paused (``int64``, 0 when not): paused_from through paused_to, both
    counted; an open pause through today (through closed_on for a closed row)."""
    paused_now: np.ndarray
    """Open and waiting for the customer today: paused_from <= today, paused_to empty or
    today or later."""
    extended: np.ndarray
    """``extended_to`` is set and replaced the deadline."""

    @property
    def moved(self) -> np.ndarray:
        """The effective deadline differs from the original because of a pause or extension."""
        return self.extended | ((self.paused_workdays > 0) & ~np.isnat(self.original))


def _days(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A date column as ``datetime64[D]``; all NaT when the frame has no such column."""
    if name not in frame:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    return to_days(frame[name])


def key_accounts(frame: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Key account: named in the settings' 大客户 list, or its attribute says so."""
    listed = {fold(a).lower() for a in settings.key_accounts}
    by_name = map_unique(frame["customer"],
                         lambda c: isinstance(c, str) and fold(c).lower() in listed)
    by_attr = map_unique(frame["customer_attr"],
                         lambda a: isinstance(a, str) and fold(a).lower().replace(" ", "")
                         in KEY_ACCOUNT_ATTRS)
    return by_name.to_numpy(dtype=bool) | by_attr.to_numpy(dtype=bool)


def effective_deadlines(frame: pd.DataFrame, settings: Settings, calendar: Calendar,
                        as_of: Any) -> EffectiveDeadlines:
    """The one answer to "by when?" for every row (design.md, the complaint's lifecycle).

    A register without the lifecycle columns, and a team without a key-account SLA, get
    the deadline as read: nothing moves. An extension replaces the deadline rather than
    adding to the pauses: the date agreed with the customer is the date.
    """
    key = key_accounts(frame, settings)
    sla = sla_days(frame, settings)
    original = _days(frame, "deadline")
    if settings.sla_key_account_days is not None:
        sla = np.where(key, np.minimum(sla, settings.sla_key_account_days), sla)
        again = key & frame["deadline_derived"].to_numpy(dtype=bool)
        if again.any():
            original = original.copy()
            original[again] = calendar.add(_days(frame, "raised_on")[again], sla[again])
    return moved_deadlines(original, frame["is_closed"], _days(frame, "closed_on"),
                           _days(frame, "paused_from"), _days(frame, "paused_to"),
                           _days(frame, "extended_to"), calendar, as_of, sla=sla,
                           key_account=key)


def moved_deadlines(original: Any, is_closed: Any, closed_on: Any, paused_from: Any,
                    paused_to: Any, extended_to: Any, calendar: Calendar, as_of: Any, *,
                    sla: Any = None, key_account: Any = None) -> EffectiveDeadlines:
    """The pauses and extensions part of :func:`effective_deadlines`, on plain 1-D arrays of
    dates (any form :func:`~complaint_xl.workdays.to_days` reads) and booleans: for a caller
    that has cells, not a register frame (``cxl_status``). ``sla`` and ``key_account`` are
    carried into the result as given (0 and False when None)."""
    original = to_days(original)
    n = len(original)
    today = _day(as_of)
    closed = np.broadcast_to(np.asarray(is_closed, dtype=bool), (n,))
    start, stop, closed_on = to_days(paused_from), to_days(paused_to), to_days(closed_on)
    started = ~np.isnat(start) & (start <= today)
    paused = np.zeros(n, dtype=np.int64)
    if started.any():
        open_end = np.where(closed & ~np.isnat(closed_on), closed_on, today)
        end = np.where(np.isnat(stop), open_end, stop)
        at = np.flatnonzero(started & (end >= start))  # paused_to before paused_from: no pause
        # paused_from through end, both counted: the half-open (paused_from - 1, end]
        paused[at] = calendar.count(start[at] - np.timedelta64(1, "D"), end[at]).astype(np.int64)
    paused_now = ~closed & started & (np.isnat(stop) | (stop >= today))
    extended_to = to_days(extended_to)
    extended = ~np.isnat(extended_to)
    deadline = original
    shift = np.flatnonzero((paused > 0) & ~np.isnat(original) & ~extended)
    if len(shift):
        deadline = original.copy()
        deadline[shift] = calendar.add(original[shift], paused[shift])
    deadline = np.where(extended, extended_to, deadline)
    return EffectiveDeadlines(
        deadline=deadline, original=original,
        sla=np.zeros(n, dtype=np.int64) if sla is None else np.asarray(sla, dtype=np.int64),
        key_account=np.zeros(n, dtype=bool) if key_account is None else np.asarray(
            key_account, dtype=bool),
        paused_workdays=paused, paused_now=paused_now, extended=extended)


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


def moved_phrase(paused_workdays: int, extended_to: Any = None, original: Any = None
                 ) -> Phrase | None:
    """Why a deadline moved, said later: '延期至 12-31' / 'extended to 31 Dec', or
    '暂停 5 个工作日' / 'paused 5 working days'; with ``original``, the deadline it moved
    from too. None when it did not move."""
    if extended_to is not None and not pd.isna(extended_to):
        why = phrase("deadline.extended", date=pd.Timestamp(extended_to))
    elif int(paused_workdays) > 0:
        n = int(paused_workdays)
        why = phrase("deadline.paused-one") if n == 1 else phrase("deadline.paused", n=n)
    else:
        return None
    if original is None or pd.isna(original):
        return why
    return phrase("deadline.moved", why=why, original=pd.Timestamp(original))


def moved_texts(paused_workdays: Any, extended: Any, deadline: Any, lang: str = "zh",
                original: Any = None) -> np.ndarray:
    """:func:`moved_phrase` for whole columns (None where the deadline did not move), once
    per distinct reason; ``deadline`` is the effective one (the extension's date)."""
    n = np.nan_to_num(np.asarray(paused_workdays, dtype="float64").ravel()).astype(np.int64)
    # NaN (a column filled in where records were joined) is truthy: it must read as not extended.
    ext = np.asarray(extended, dtype=object).ravel()
    ext = np.where(pd.isna(ext), False, ext).astype(bool)
    days = to_days(deadline).ravel()
    was = to_days(original).ravel() if original is not None else np.full(len(n), None)
    out = np.full(len(n), None, dtype=object)
    moved = np.flatnonzero(ext | (n > 0))  # words only for the rows that moved
    said: dict[tuple[Any, ...], str | None] = {}
    for i in moved.tolist():
        key = (0 if ext[i] else int(n[i]), days[i] if ext[i] else None, was[i])
        if key not in said:
            reason = moved_phrase(key[0], key[1], key[2])
            said[key] = None if reason is None else reason.say(lang)
        out[i] = said[key]
    return out.reshape(np.shape(paused_workdays))
