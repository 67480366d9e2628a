"""Per-complaint computed fields: the one place the KPI definitions meet the rows.

Every figure of the weekly report is a sum, median or count over these columns, and
the workbook's detail sheet shows them, so a manager can check any figure with a
filter. All columns are computed in whole arrays (the calendar counts working days
by two look-ups per row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.deadlines import deadline_status, effective_deadlines
from complaint_xl.kpi.labels import AGING_BUCKETS
from complaint_xl.kpi.lifecycle import lifecycle_facts
from complaint_xl.kpi.weeks import Week, monday, mondays, week_labels
from complaint_xl.register.text import fold, map_unique
from complaint_xl.settings import Settings
from complaint_xl.workdays import Calendar

__all__ = ["REPEAT_WITHIN_DAYS", "categories", "ranked_counts", "row_facts"]

REPEAT_WITHIN_DAYS: Final[int] = 30
"""A complaint is a repeat when the same customer raised the same type within this many days."""


def ranked_counts(values: pd.Series) -> pd.Series:
    """How often each value occurs, most first; ties in order of first appearance.

    ``value_counts`` leaves ties in an order that differs between pandas versions (2.2 in
    xlwings Lite, 3.x here), and the hard points name the first few: the same register must
    give the same words everywhere. Missing values are not counted.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    order = np.lexsort((np.arange(len(uniques)), -counts))
    return pd.Series(counts[order], index=pd.Index(np.asarray(uniques, dtype=object)[order]),
                     dtype="int64")


def categories(values: pd.Series) -> pd.Series:
    """Category values as the breakdowns count them: trimmed, full-width folded; None if empty."""
    return map_unique(values, lambda v: (fold(v) or None) if isinstance(v, str) else None)


def row_facts(frame: pd.DataFrame, calendar: Calendar, as_of: dt.date, week: Week,
              due_soon_days: int, *, settings: Settings | None = None,
              present: Collection[str] | None = None) -> pd.DataFrame:
    """The computed fields of each row for the report week and the run's 'today'.

    Columns: ``week_raised``, ``week_closed`` ('YYYY-Www' or None), ``monday_raised``,
    ``monday_closed``, ``new``, ``closed_in_week``, ``on_time`` (closed on or before
    the effective deadline, any week), ``on_time_in_week``, ``resolution_workdays``, ``open``,
    ``overdue``, ``due_soon``, ``workdays_overdue``, ``workdays_to_deadline``,
    ``age_workdays``, ``aging_bucket``, ``repeat``, ``repeat_of`` (index of the earlier row),
    ``repeat_days``, and the lifecycle's (:func:`~complaint_xl.kpi.lifecycle.lifecycle_facts`).
    ``settings`` (default: the defaults) give the key accounts and the lifecycle's limits;
    ``present``, the register's columns, where the frame alone cannot tell.
    """
    settings = settings or Settings()
    eff = effective_deadlines(frame, settings, calendar, as_of)
    deadline = pd.Series(eff.deadline.astype("datetime64[ns]"), index=frame.index)
    raised, closed_on = frame["raised_on"], frame["closed_on"]
    start = pd.Timestamp(monday(week))
    out = pd.DataFrame(index=frame.index)
    out["week_raised"] = week_labels(raised)
    out["week_closed"] = week_labels(closed_on)
    out["monday_raised"] = mondays(raised)
    out["monday_closed"] = mondays(closed_on)
    out["new"] = out["monday_raised"].eq(start).to_numpy(dtype=bool)
    out["closed_in_week"] = out["monday_closed"].eq(start).to_numpy(dtype=bool)
    # NaT compares False: a closure without a deadline is never shown as on time.
    out["on_time"] = (closed_on <= deadline).to_numpy(dtype=bool)
    out["on_time_in_week"] = out["closed_in_week"] & out["on_time"]
    out["resolution_workdays"] = calendar.count(raised, closed_on)
    is_open = ~frame["is_closed"].to_numpy(dtype=bool)
    out["open"] = is_open
    # The one overdue rule (complaint_xl.deadlines), shared with the chase and the UDFs.
    status = deadline_status(deadline, ~is_open, as_of, calendar, due_soon_days,
                             paused=eff.paused_now)
    out["overdue"] = status.overdue
    out["due_soon"] = status.due_soon
    out["workdays_to_deadline"] = status.workdays_to_deadline
    out["workdays_overdue"] = status.workdays_overdue
    age = np.where(is_open, calendar.count(raised, np.datetime64(as_of, "D")), np.nan)
    out["age_workdays"] = age
    with np.errstate(invalid="ignore"):
        bucket = np.select([age <= 5, age <= 10, age <= 15, age > 15], list(AGING_BUCKETS),
                           default="")
    out["aging_bucket"] = pd.Series(bucket, index=frame.index, dtype=object).replace("", None)
    _repeats(frame, out)
    out["followup_in_week"] = mondays(frame["followup_on"]).eq(start).to_numpy(dtype=bool)
    lifecycle_facts(frame, out, eff, settings, calendar, as_of, present)
    return out


def _repeats(frame: pd.DataFrame, out: pd.DataFrame) -> None:
    """Mark rows whose customer raised the same type again within REPEAT_WITHIN_DAYS."""
    key = pd.DataFrame({
        "customer": categories(frame["customer"]),
        "type": categories(frame["type"]),
        "raised": frame["raised_on"],
        "index": frame.index,
    }, index=frame.index)
    usable = key[key["customer"].notna() & key["type"].notna() & key["raised"].notna()]
    usable = usable.sort_values(["customer", "type", "raised", "index"], kind="stable")
    previous = usable.groupby(["customer", "type"], sort=False)[["raised", "index"]].shift(1)
    days = (usable["raised"] - previous["raised"]).dt.days
    # Same day is the same occasion (or a duplicate entry, which validate reports).
    hit = (days >= 1) & (days <= REPEAT_WITHIN_DAYS)
    out["repeat"] = False
    out["repeat_of"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["repeat_days"] = pd.array([pd.NA] * len(out), dtype="Int64")
    idx = hit[hit].index
    out.loc[idx, "repeat"] = True
    out.loc[idx, "repeat_of"] = previous.loc[idx, "index"].astype("int64").to_numpy()
    out.loc[idx, "repeat_days"] = days.loc[idx].astype("int64").to_numpy()
