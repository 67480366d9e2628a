"""One row per complaint as a typed Arrow table: the values read and what the product computes.

The columns (:data:`SCHEMA`) are the same for every register and every run, whether or not
a register has the lifecycle's columns (those are then null), so that an engine's queries
and a Power BI model keep working from one export to the next. Dates are ``date32``,
counts integers, flags booleans; null where a value does not apply (``workdays_overdue``
of a row that is not overdue).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from complaint_xl.kpi.facts import row_facts
from complaint_xl.kpi.weeks import default_week
from complaint_xl.register.reader import sla_days
from complaint_xl.register.schema import DATE_FIELDS, SATISFIED
from complaint_xl.teams import Part

__all__ = ["SCHEMA", "TEXT_COLUMNS", "complaints_table"]

_TEXT: Final[tuple[str, ...]] = (
    "seq", "customer", "customer_attr", "customer_contact", "reporter", "reporter_contact",
    "owner", "type", "problem", "responsible", "support_unit", "support_need", "progress",
    "effect", "summary", "severity", "closure_kind", "abnormal_reason", "approved_by",
    "satisfaction", "new_action",
)
"""The register's text fields, as read (trimmed; the categories as the reader folds them)."""

SCHEMA: Final[pa.Schema] = pa.schema([
    ("team", pa.string()), ("raised_month", pa.string()),
    ("file", pa.string()), ("sheet", pa.string()), ("row", pa.int32()),
    *((name, pa.string()) for name in _TEXT),
    ("raised_on", pa.date32()), ("deadline", pa.date32()), ("deadline_original", pa.date32()),
    ("deadline_derived", pa.bool_()), ("closed", pa.bool_()), ("closed_on", pa.date32()),
    ("accepted_on", pa.date32()), ("paused_from", pa.date32()), ("paused_to", pa.date32()),
    ("extended_to", pa.date32()), ("customer_informed", pa.bool_()), ("followup_on", pa.date32()),
    # computed, as of the run's day
    ("as_of", pa.date32()), ("status", pa.string()), ("is_closed", pa.bool_()),
    ("overdue", pa.bool_()), ("due_soon", pa.bool_()), ("workdays_overdue", pa.int32()),
    ("workdays_to_deadline", pa.int32()), ("level", pa.int8()), ("closed_on_time", pa.bool_()),
    ("resolution_workdays", pa.int32()), ("age_workdays", pa.int32()), ("aging_bucket", pa.string()),
    ("is_major", pa.bool_()), ("key_account", pa.bool_()), ("sla_workdays", pa.int32()),
    ("due_soon_days", pa.int16()), ("paused_workdays", pa.int32()), ("extended", pa.bool_()),
    ("acceptance_workdays", pa.int32()), ("accepted_late", pa.bool_()), ("abnormal", pa.bool_()),
    ("satisfied", pa.bool_()), ("followup_due", pa.bool_()), ("repeat", pa.bool_()),
])
"""Every column of the export, in order (the CSV's too); ``team`` and ``raised_month`` are
the Parquet dataset's partitions."""
TEXT_COLUMNS: Final[tuple[str, ...]] = tuple(f.name for f in SCHEMA if f.type == pa.string())


def _dates(values: pd.Series | np.ndarray) -> pa.Array:
    days = np.asarray(values).astype("datetime64[D]")
    return pa.array(days, type=pa.date32(), mask=np.isnat(days))


def _ints(values: pd.Series | np.ndarray, kind: pa.DataType, where: np.ndarray | None = None
          ) -> pa.Array:
    """Whole numbers; null where NaN (or outside ``where``)."""
    x = np.asarray(values, dtype="float64")
    missing = np.isnan(x) if where is None else np.isnan(x) | ~where
    return pa.array(np.where(missing, 0, x).astype(np.int64), type=kind, mask=missing)


def _flags(values: pd.Series | np.ndarray, where: np.ndarray | None = None) -> pa.Array:
    x = np.asarray(values, dtype=bool)
    return pa.array(x, type=pa.bool_(), mask=None if where is None else ~where)


def _texts(values: pd.Series) -> pa.Array:
    """Text as read; a number typed in a text column (序号 42) as its text."""
    arr = values.to_numpy(dtype=object)
    try:
        return pa.array(arr, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a number among the texts: each as text
        arr = np.array([None if v is None or v != v else (v if isinstance(v, str) else
                        (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
                        for v in arr], dtype=object)
        return pa.array(arr, type=pa.string(), from_pandas=True)


def _level(overdue: np.ndarray, late: np.ndarray, major: np.ndarray, part: Part) -> np.ndarray:
    """The chase's escalation level (:func:`complaint_xl.chase.chase`): 1 from the first day
    overdue, 2 and 3 past the team's thresholds, a 重大 complaint one higher; 0 if not overdue."""
    s = part.loaded.settings
    late = np.nan_to_num(late)
    level = np.where(late > s.escalate_level3_after, 3, np.where(late > s.escalate_level2_after, 2, 1))
    return np.where(overdue, np.minimum(level + major, 3), 0).astype(np.int8)


def complaints_table(part: Part, frame: pd.DataFrame) -> pa.Table:
    """The part's complaints (``frame``: its register's rows with ``team``, see
    :func:`complaint_xl.joining.tag`) as a table of :data:`SCHEMA`, computed under the
    part's own settings and calendar as of its run's day."""
    loaded = part.loaded
    as_of, settings, calendar = loaded.as_of, loaded.settings, loaded.calendar
    # The week-dependent facts are not exported: any week does.
    facts = row_facts(frame, calendar, as_of, default_week(as_of), settings.due_soon_days,
                      settings=settings, present=loaded.register.present)
    n = len(frame)
    closed = frame["is_closed"].to_numpy(dtype=bool)
    paused = facts["paused_now"].to_numpy(dtype=bool)
    overdue = facts["overdue"].to_numpy(dtype=bool)
    late = facts["workdays_overdue"].to_numpy(dtype="float64")
    major = frame["is_major"].to_numpy(dtype=bool)
    raised = frame["raised_on"]
    deadline = facts["deadline_effective"].to_numpy(dtype="datetime64[D]")
    closed_on = frame["closed_on"].to_numpy(dtype="datetime64[D]")
    took = facts["acceptance_workdays"].to_numpy(dtype="float64")
    written = frame["closed"].to_numpy(dtype=object)
    known = np.array([v is not None and v == v for v in written], dtype=bool)
    satisfaction = frame["satisfaction"]
    sla = sla_days(frame, settings)  # as complaint_xl.deadlines.effective_deadlines has it
    if settings.sla_key_account_days is not None:
        sla = np.where(facts["key_account"].to_numpy(dtype=bool),
                       np.minimum(sla, settings.sla_key_account_days), sla)
    columns: dict[str, pa.Array] = {
        "team": pa.array(frame["team"].to_numpy(dtype=object), type=pa.string()),
        "raised_month": pa.array(raised.dt.strftime("%Y-%m").to_numpy(dtype=object),
                                 type=pa.string(), from_pandas=True),
        "file": pa.array(np.full(n, str(part.path), dtype=object), type=pa.string()),
        "sheet": pa.array(frame["_sheet"].to_numpy(dtype=object), type=pa.string()),
        "row": pa.array(frame["_row"].to_numpy(dtype=np.int64), type=pa.int32()),
        **{name: _texts(frame[name]) for name in _TEXT},
        **{name: _dates(frame[name]) for name in DATE_FIELDS if name != "deadline"},
        "deadline": _dates(deadline),
        "deadline_original": _dates(facts["deadline_original"]),
        "deadline_derived": _flags(frame["deadline_derived"]),
        "closed": _flags(np.where(known, written, False).astype(bool), known),
        "customer_informed": _flags(frame["is_informed"],
                                    frame["customer_informed"].notna().to_numpy()),
        "as_of": pa.array(np.full(n, np.datetime64(as_of, "D")), type=pa.date32()),
        "status": pa.array(np.where(closed, "closed", np.where(paused, "paused", "open")).astype(object),
                           type=pa.string()),
        "is_closed": _flags(closed),
        "overdue": _flags(overdue),
        "due_soon": _flags(facts["due_soon"]),
        "workdays_overdue": _ints(late, pa.int32()),
        "workdays_to_deadline": _ints(facts["workdays_to_deadline"], pa.int32()),
        "level": pa.array(_level(overdue, late, major, part), type=pa.int8()),
        "closed_on_time": _flags(facts["on_time"], ~np.isnat(closed_on) & ~np.isnat(deadline)),
        "resolution_workdays": _ints(facts["resolution_workdays"], pa.int32()),
        "age_workdays": _ints(facts["age_workdays"], pa.int32()),
        "aging_bucket": pa.array(facts["aging_bucket"].to_numpy(dtype=object), type=pa.string(),
                                 from_pandas=True),
        "is_major": _flags(major),
        "key_account": _flags(facts["key_account"]),
        "sla_workdays": pa.array(np.asarray(sla, dtype=np.int64), type=pa.int32()),
        "due_soon_days": pa.array(np.full(n, settings.due_soon_days), type=pa.int16()),
        "paused_workdays": _ints(facts["paused_workdays"], pa.int32()),
        "extended": _flags(facts["extended"]),
        "acceptance_workdays": _ints(took, pa.int32()),
        "accepted_late": _flags(np.nan_to_num(took) > settings.accept_days, ~np.isnan(took)),
        "abnormal": _flags(frame["is_abnormal"]),
        "satisfied": _flags(satisfaction.isin(SATISFIED).to_numpy(), satisfaction.notna().to_numpy()),
        "followup_due": _flags(facts["followup_due"]),
        "repeat": _flags(facts["repeat"]),
    }
    return pa.table([columns[f.name] for f in SCHEMA], schema=SCHEMA)
