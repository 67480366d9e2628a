"""The report's figures as group sums over the row facts (see :mod:`complaint_xl.kpi.facts`).

Totals and every breakdown go through :func:`figure_table`, so a value of ``by`` and
``totals`` can never disagree on a definition.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from complaint_xl.kpi.labels import AGING_BUCKETS, FIGURES
from complaint_xl.kpi.weeks import Week, label, monday

__all__ = ["aging", "breakdown", "figure_table", "table_dicts", "totals", "trend"]

_COUNTS = {"new": "new", "closed": "closed_in_week", "closed_on_time": "on_time_in_week",
           "open": "open", "overdue": "overdue", "due_soon": "due_soon"}
"""Figure -> the boolean fact column it counts."""


def figure_table(facts: pd.DataFrame, groups: pd.Series | None = None,
                 values: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group (or one row 'all'), one column per figure of FIGURES.

    ``values`` lists the groups to show in order; groups with no rows get counts of 0
    and null rates, so every value of the register appears.
    """
    data = pd.DataFrame({fig: facts[col].to_numpy(dtype=np.int64) for fig, col in _COUNTS.items()},
                        index=facts.index)
    data["res"] = facts["resolution_workdays"].where(facts["closed_in_week"])
    key = groups if groups is not None else pd.Series("all", index=facts.index)
    grouped = data.groupby(key, sort=False, dropna=True)
    table = grouped[list(_COUNTS)].sum()
    table["median_resolution_workdays"] = grouped["res"].median()
    table["mean_resolution_workdays"] = grouped["res"].mean()
    order = list(values) if values is not None else (["all"] if groups is None else list(table.index))
    table = table.reindex(order)
    table[list(_COUNTS)] = table[list(_COUNTS)].fillna(0).astype(np.int64)
    closed = table["closed"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["on_time_rate"] = np.where(closed > 0, table["closed_on_time"] / closed, np.nan)
    return table[list(FIGURES)]


def table_dicts(table: pd.DataFrame, unavailable: Collection[str]) -> dict[str, dict[str, Any]]:
    """Rows of a figure table as JSON-ready dicts: ints, rounded floats, None for null."""
    records: dict[str, dict[str, Any]] = {}
    columns = list(table.columns)
    for name, values in zip(table.index, table.to_numpy(dtype=object), strict=True):
        records[str(name)] = {c: _json_number(c, v, unavailable) for c, v in zip(columns, values,
                                                                               strict=True)}
    return records


def _json_number(figure: str, value: Any, unavailable: Collection[str]) -> int | float | None:
    if figure in unavailable or value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if figure == "on_time_rate":
        return round(float(value), 4)
    if figure.endswith("_workdays"):
        return round(float(value), 2)
    return int(value)


def totals(facts: pd.DataFrame, unavailable: Collection[str]) -> dict[str, Any]:
    """The figures over all rows of the (filtered) register."""
    return table_dicts(figure_table(facts), unavailable)["all"]


def breakdown(facts: pd.DataFrame, groups: pd.Series, values: Sequence[str],
              unavailable: Collection[str]) -> dict[str, dict[str, Any]]:
    """{value: figures} for each value, in the given order, zeros included."""
    return table_dicts(figure_table(facts, groups, values), unavailable)


def aging(facts: pd.DataFrame) -> dict[str, int]:
    """Open rows per bucket of working days since they were raised."""
    counts = facts["aging_bucket"].value_counts()
    return {b: int(counts.get(b, 0)) for b in AGING_BUCKETS}


def trend(facts: pd.DataFrame, weeks: Sequence[Week], unavailable: Collection[str]
          ) -> list[dict[str, Any]]:
    """[{week, new, closed, on_time_rate}] for the given weeks, in their order."""
    starts = [pd.Timestamp(monday(w)) for w in weeks]
    new = facts["monday_raised"].value_counts().reindex(starts, fill_value=0)
    closed = facts["monday_closed"].value_counts().reindex(starts, fill_value=0)
    on_time = facts.loc[facts["on_time"], "monday_closed"].value_counts().reindex(
        starts, fill_value=0)
    rows = []
    for w, s in zip(weeks, starts, strict=True):
        c = int(closed[s])
        rows.append({
            "week": label(w),
            "new": None if "new" in unavailable else int(new[s]),
            "closed": None if "closed" in unavailable else c,
            "on_time_rate": (None if "on_time_rate" in unavailable or c == 0
                             else round(int(on_time[s]) / c, 4)),
        })
    return rows
