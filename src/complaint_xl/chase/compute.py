"""Computing the chase list: which open complaints are overdue or due soon, and how far to escalate.

Rule 3 of the sheet: once help is asked for, follow the complaint until it is closed
and report to the superior. :func:`chase` is one vectorised pass over the register
frame; what is overdue or due soon, and by how many working days, is decided by
:func:`complaint_xl.deadlines.deadline_status`, the rule the KPIs, ``cxl_status`` and
the workbook's colours share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.chase.result import ITEM_COLUMNS, ChaseResult
from complaint_xl.deadlines import deadline_status, deadline_suspect
from complaint_xl.register.reader import Register
from complaint_xl.register.text import fold, map_unique
from complaint_xl.settings import Settings
from complaint_xl.workdays import Calendar

__all__ = ["KEY_ACCOUNT_ATTRS", "chase"]

KEY_ACCOUNT_ATTRS: Final[frozenset[str]] = frozenset({"大客户", "重点客户", "keyaccount"})
"""A customer attribute that itself says 'key account' (the seed's 客户(属性) column)."""


def chase(register: Register, settings: Settings, calendar: Calendar, as_of: dt.date) -> ChaseResult:
    """Overdue and due-soon open items with their escalation level, sorted for chasing.

    Level of an overdue item: 1 from the first day (a reminder to the owner), 2 once
    it is more than ``escalate_level2_after`` working days overdue (the superior is
    copied), 3 once more than ``escalate_level3_after`` (the manager gets it); a 重大
    complaint is one level higher, at most 3. Due-soon items have level 0.
    """
    frame = register.frame
    status = deadline_status(frame["deadline"], frame["is_closed"], as_of, calendar,
                             settings.due_soon_days)
    keep = status.overdue | status.due_soon
    sub = frame[keep]
    # workdays(deadline, today): the days late, or minus the days left when due soon.
    late = -status.workdays_to_deadline[keep].astype(np.int64)
    over = status.overdue[keep]
    major = sub["is_major"].to_numpy(dtype=bool)
    suspect = deadline_suspect(sub["deadline"], sub["raised_on"], sub["deadline_derived"])

    level = np.where(late > settings.escalate_level3_after, 3,
                     np.where(late > settings.escalate_level2_after, 2, 1))
    level = np.where(over, np.minimum(level + major, 3), 0)

    items = pd.DataFrame({
        "status": np.where(over, "overdue", "due_soon"),
        "level": level.astype(np.int64),
        "workdays_overdue": late,
        "workdays_left": np.where(over, 0, -late).astype(np.int64),
        "sheet": _objects(sub["_sheet"]),
        "row": sub["_row"].to_numpy(dtype=np.int64),
        "seq": _seq(sub),
        "owner": _objects(sub["owner"]),
        "superior": _objects(map_unique(sub["owner"], lambda o: _superior(settings, o))),
        "customer": _objects(sub["customer"]),
        "customer_attr": _objects(sub["customer_attr"]),
        "key_account": _key_accounts(sub, settings),
        "type": _objects(sub["type"]),
        "severity": _objects(sub["severity"]),
        "is_major": major,
        "raised_on": sub["raised_on"].to_numpy(dtype="datetime64[ns]"),
        "deadline": sub["deadline"].to_numpy(dtype="datetime64[ns]"),
        "deadline_derived": sub["deadline_derived"].to_numpy(dtype=bool),
        "deadline_suspect": suspect,
        "support_unit": _objects(sub["support_unit"]),
        "support_need": _objects(sub["support_need"]),
        "progress": _objects(sub["progress"]),
        "problem": _objects(sub["problem"]),
    }, columns=list(ITEM_COLUMNS))
    # Overdue before due soon, most overdue first, then higher level, key accounts;
    # lexsort is stable, so ties keep the register's order.
    order = np.lexsort((~items["key_account"].to_numpy(dtype=bool), -level, -late, ~over))
    return ChaseResult(as_of, items.iloc[order].reset_index(drop=True), settings.due_soon_days,
                       (settings.escalate_level2_after, settings.escalate_level3_after))


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


def _key_accounts(frame: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Key account: named in the settings' 大客户 list, or its attribute says so."""
    listed = {fold(a).lower() for a in settings.key_accounts}
    by_name = map_unique(frame["customer"],
                         lambda c: isinstance(c, str) and fold(c).lower() in listed)
    by_attr = map_unique(frame["customer_attr"],
                         lambda a: isinstance(a, str) and fold(a).lower().replace(" ", "")
                         in KEY_ACCOUNT_ATTRS)
    return by_name.to_numpy(dtype=bool) | by_attr.to_numpy(dtype=bool)
