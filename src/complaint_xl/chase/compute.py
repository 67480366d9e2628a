"""Computing the chase list: which open complaints are overdue or due soon, and how far to escalate.

Rule 3 of the sheet: once help is asked for, follow the complaint until it is closed
and report to the superior. :func:`chase` is one vectorised pass over the register
frame; what is overdue or due soon, and by how many working days, is decided by
:func:`complaint_xl.deadlines.deadline_status`, the rule the KPIs, ``cxl_status`` and
the workbook's colours share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from complaint_xl.chase.result import (
    FOLLOWUP_COLUMNS,
    ITEM_COLUMNS,
    NEW_ACTION_COLUMNS,
    PAUSED_COLUMNS,
    ChaseResult,
)
from complaint_xl.deadlines import (
    EffectiveDeadlines,
    deadline_status,
    deadline_suspect,
    effective_deadlines,
)
from complaint_xl.register.reader import Register
from complaint_xl.register.schema import EFFECT_INEFFECTIVE, KEY_ACCOUNT_ATTRS
from complaint_xl.register.text import fold, map_unique
from complaint_xl.settings import Settings
from complaint_xl.workdays import Calendar

__all__ = ["KEY_ACCOUNT_ATTRS", "chase"]


def chase(register: Register, settings: Settings, calendar: Calendar, as_of: dt.date) -> ChaseResult:
    """Overdue and due-soon open items with their escalation level, sorted for chasing; and
    the lifecycle's lists: paused, follow-up due, new action due.

    Level of an overdue item: 1 from the first day (a reminder to the owner), 2 once
    it is more than ``escalate_level2_after`` working days overdue (the superior is
    copied), 3 once more than ``escalate_level3_after`` (the manager gets it); a 重大
    complaint is one level higher, at most 3. Due-soon items have level 0. Deadlines are
    the effective ones (:func:`~complaint_xl.deadlines.effective_deadlines`); a complaint
    waiting for the customer is listed as paused, never escalated.
    """
    frame = register.frame
    eff = effective_deadlines(frame, settings, calendar, as_of)
    status = deadline_status(eff.deadline, frame["is_closed"], as_of, calendar,
                             settings.due_soon_days, paused=eff.paused_now)
    keep = status.overdue | status.due_soon
    # workdays(deadline, today): the days late, or minus the days left when due soon.
    late = -status.workdays_to_deadline[keep].astype(np.int64)
    over = status.overdue[keep]
    major = frame["is_major"].to_numpy(dtype=bool)[keep]

    level = np.where(late > settings.escalate_level3_after, 3,
                     np.where(late > settings.escalate_level2_after, 2, 1))
    level = np.where(over, np.minimum(level + major, 3), 0)
    items = _items(frame, np.flatnonzero(keep), eff, settings, ITEM_COLUMNS,
                   status=np.where(over, "overdue", "due_soon"), level=level.astype(np.int64),
                   workdays_overdue=late, workdays_left=np.where(over, 0, -late).astype(np.int64))
    # Overdue before due soon, most overdue first, then higher level, key accounts;
    # lexsort is stable, so ties keep the register's order.
    order = np.lexsort((~items["key_account"].to_numpy(dtype=bool), -level, -late, ~over))
    return ChaseResult(as_of, items.iloc[order].reset_index(drop=True), settings.due_soon_days,
                       (settings.escalate_level2_after, settings.escalate_level3_after),
                       paused=_paused(frame, eff, settings, calendar, as_of),
                       followup_due=_followup_due(register, eff, settings, calendar, as_of),
                       new_action_due=_new_action_due(register, eff, settings),
                       pause_max_days=settings.pause_max_days,
                       followup_days=settings.followup_days)


def _items(frame: pd.DataFrame, at: np.ndarray, eff: EffectiveDeadlines, settings: Settings,
           columns: tuple[str, ...], **own: Any) -> pd.DataFrame:
    """The rows ``at`` as chase items: where they are, who follows them up, their deadlines;
    ``own`` gives the list's own columns (one value per item, or one for all)."""
    sub = frame.iloc[at]
    n = len(at)
    common: dict[str, Any] = {
        "sheet": _objects(sub["_sheet"]),
        "row": sub["_row"].to_numpy(dtype=np.int64),
        "seq": _seq(sub),
        "owner": _objects(sub["owner"]),
        "superior": _objects(map_unique(sub["owner"], lambda o: _superior(settings, o))),
        "customer": _objects(sub["customer"]),
        "customer_attr": _objects(sub["customer_attr"]),
        "key_account": eff.key_account[at],
        "type": _objects(sub["type"]),
        "severity": _objects(sub["severity"]),
        "is_major": sub["is_major"].to_numpy(dtype=bool),
        "raised_on": sub["raised_on"].to_numpy(dtype="datetime64[ns]"),
        "deadline": eff.deadline[at].astype("datetime64[ns]"),
        "deadline_derived": sub["deadline_derived"].to_numpy(dtype=bool),
        "deadline_suspect": deadline_suspect(sub["deadline"], sub["raised_on"],
                                             sub["deadline_derived"]),
        "deadline_original": eff.original[at].astype("datetime64[ns]"),
        "paused_workdays": eff.paused_workdays[at],
        "extended": eff.extended[at],
        "support_unit": _objects(sub["support_unit"]),
        "support_need": _objects(sub["support_need"]),
        "progress": _objects(sub["progress"]),
        "problem": _objects(sub["problem"]),
    }
    for name, value in own.items():
        common[name] = np.full(n, value) if np.ndim(value) == 0 else value
    return pd.DataFrame(common, columns=list(columns))


def _paused(frame: pd.DataFrame, eff: EffectiveDeadlines, settings: Settings,
            calendar: Calendar, as_of: dt.date) -> pd.DataFrame:
    """Open complaints waiting for the customer today; longest pauses first."""
    at = np.flatnonzero(eff.paused_now)
    today = np.full(len(at), np.datetime64(as_of, "D"))
    left = np.maximum(calendar.count(today, eff.deadline[at]), 0) if len(at) else np.zeros(0)
    paused = eff.paused_workdays[at]
    items = _items(frame, at, eff, settings, PAUSED_COLUMNS, status="paused", level=0,
                   workdays_overdue=0,
                   workdays_left=np.nan_to_num(left).astype(np.int64),
                   paused_from=frame["paused_from"].to_numpy(dtype="datetime64[ns]")[at],
                   paused_to=frame["paused_to"].to_numpy(dtype="datetime64[ns]")[at],
                   pause_too_long=paused > settings.pause_max_days)
    return items.iloc[np.lexsort((-paused, ~(paused > settings.pause_max_days)))
                      ].reset_index(drop=True)


def _followup_due(register: Register, eff: EffectiveDeadlines, settings: Settings,
                  calendar: Calendar, as_of: dt.date) -> pd.DataFrame:
    """Closed complaints whose follow-up call is more than 回访时限 working days late to come."""
    frame = register.frame
    if "followup_on" not in register.present:
        return _items(frame, np.zeros(0, dtype=np.int64), eff, settings, FOLLOWUP_COLUMNS)
    closed_on = frame["closed_on"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    today = np.datetime64(as_of, "D")
    waiting = np.flatnonzero(frame["is_closed"].to_numpy(dtype=bool)
                             & frame["followup_on"].isna().to_numpy() & ~np.isnat(closed_on)
                             & (closed_on < today))
    since = calendar.count(closed_on[waiting], np.full(len(waiting), today)).astype(np.int64)
    due = since > settings.followup_days
    at, since = waiting[due], since[due]
    by = calendar.add(closed_on[at], settings.followup_days) if len(at) else closed_on[at]
    items = _items(frame, at, eff, settings, FOLLOWUP_COLUMNS, status="followup_due", level=0,
                   workdays_overdue=0, workdays_left=0,
                   closed_on=closed_on[at].astype("datetime64[ns]"),
                   followup_deadline=by.astype("datetime64[ns]"),
                   workdays_since_closed=since,
                   workdays_late=since - settings.followup_days)
    return items.iloc[np.argsort(-since, kind="stable")].reset_index(drop=True)


def _new_action_due(register: Register, eff: EffectiveDeadlines, settings: Settings
                    ) -> pd.DataFrame:
    """Closed complaints whose corrective action was ineffective, with no new action written."""
    frame = register.frame
    if "new_action" not in register.present:
        return _items(frame, np.zeros(0, dtype=np.int64), eff, settings, NEW_ACTION_COLUMNS)
    ineffective = map_unique(frame["effect"], lambda v: isinstance(v, str)
                             and fold(v).casefold() in EFFECT_INEFFECTIVE).to_numpy(dtype=bool)
    at = np.flatnonzero(frame["is_closed"].to_numpy(dtype=bool) & ineffective
                        & frame["new_action"].isna().to_numpy())
    return _items(frame, at, eff, settings, NEW_ACTION_COLUMNS, status="new_action_due", level=0,
                  workdays_overdue=0, workdays_left=0,
                  closed_on=frame["closed_on"].to_numpy(dtype="datetime64[ns]")[at],
                  effect=_objects(frame["effect"].iloc[at]))


def _objects(values: pd.Series | np.ndarray) -> pd.Series:
    """Text column as objects with None for missing (pandas' str dtype would use NaN)."""
    array = pd.Series(values).to_numpy(dtype=object, copy=True)
    array[pd.isna(array)] = None
    return pd.Series(array, dtype=object)


def _seq(frame: pd.DataFrame) -> pd.Series:
    """序号 as a whole number where it is one (as the user typed it otherwise)."""
    num = pd.to_numeric(frame["seq__num"], errors="coerce").to_numpy(dtype="float64")
    out = _objects(frame["seq"]).to_numpy(dtype=object, copy=True)
    whole = ~np.isnan(num) & (np.mod(num, 1) == 0)
    out[whole] = num[whole].astype(np.int64).astype(object)
    return pd.Series(out, dtype=object)


def _superior(settings: Settings, owner: Any) -> str | None:
    person = settings.person(owner) if isinstance(owner, str) else None
    return person.superior if person else None
