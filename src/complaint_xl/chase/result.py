"""The chase list as data: :class:`ChaseResult`, what :func:`~complaint_xl.chase.chase` returns.

Every front end reads this one object: the chase list workbook and the e-mail drafts
(:mod:`complaint_xl.outputs.chase`), ``chase --json``, the 催办 sheet and the grid API.
It imports no writer, so the writers can import it without a circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

__all__ = ["ITEM_COLUMNS", "JSON_KEYS", "ChaseOutputs", "ChaseResult", "records"]

ITEM_COLUMNS: Final[tuple[str, ...]] = (
    "status", "level", "workdays_overdue", "workdays_left", "sheet", "row", "seq", "owner",
    "superior", "customer", "customer_attr", "key_account", "type", "severity", "is_major",
    "raised_on", "deadline", "deadline_derived", "deadline_suspect", "support_unit",
    "support_need", "progress", "problem",
)
"""Columns of :attr:`ChaseResult.items`, in the order the chase list shows them.

``deadline_suspect``: the deadline is before the raised date (validate's error
``deadline-before-raised``); the item is still chased, with a note to check it."""

JSON_KEYS: Final[tuple[str, ...]] = (
    "row", "seq", "owner", "customer", "type", "deadline", "workdays_overdue", "level",
    "sheet", "customer_attr", "key_account", "severity", "support_unit", "support_need",
    "deadline_derived", "workdays_left", "deadline_suspect",
)
"""The keys of an item in ``chase --json`` (contract in design.md), in order."""


@dataclass
class ChaseOutputs:
    """What the chase writer wrote, and what the coordinator has to do by hand."""

    folder: Path
    workbook: Path
    drafts: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Drafts the user had edited since we wrote them; left as they were."""
    missing_addresses: list[str] = field(default_factory=list)
    """People a draft is for whose e-mail address is not in the staff sheet."""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ChaseResult:
    """The chase list as of one day: overdue items first (most overdue first), then due soon."""

    as_of: dt.date
    items: pd.DataFrame
    """One row per item to chase, columns :data:`ITEM_COLUMNS`; ``level`` 0 means due soon."""
    due_soon_days: int = 2
    escalate_after: tuple[int, int] = (3, 10)
    """The settings' thresholds for levels 2 and 3 (working days overdue), for the reports."""
    _summaries: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)  # not carried over by replace()

    @property
    def overdue(self) -> pd.DataFrame:
        return self.items[self.items["status"].eq("overdue").to_numpy()]

    @property
    def due_soon(self) -> pd.DataFrame:
        return self.items[self.items["status"].eq("due_soon").to_numpy()]

    def by_owner(self) -> pd.DataFrame:
        """Counts per owner (missing owner as None), most urgent owner first."""
        if "owner" not in self._summaries:  # the chase list and the mails both ask
            self._summaries["owner"] = _summary(self.items, "owner", ["superior"])
        return self._summaries["owner"].copy()

    def by_unit(self) -> pd.DataFrame:
        """Counts per support unit, over the items that ask a unit for help."""
        if "unit" not in self._summaries:
            asked = self.items[self.items["support_unit"].notna().to_numpy()]
            self._summaries["unit"] = _summary(asked, "support_unit", [])
        return self._summaries["unit"].copy()

    def to_json(self, outputs: ChaseOutputs | None = None) -> dict[str, Any]:
        """The ``--json`` document (contract in design.md), with the written files if any."""
        doc: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "overdue": records(self.overdue),
            "due_soon": records(self.due_soon),
            "drafts": [str(p) for p in outputs.drafts] if outputs else [],
        }
        if outputs is not None:
            doc["folder"] = str(outputs.folder)
            doc["workbook"] = str(outputs.workbook)
            doc["missing_addresses"] = list(outputs.missing_addresses)
            doc["kept_edited"] = [str(p) for p in outputs.kept]
        return doc


def records(items: pd.DataFrame) -> list[dict[str, Any]]:
    """Items as JSON objects (keys :data:`JSON_KEYS`): plain ints/strs/bools, dates as YYYY-MM-DD."""
    shown = items.loc[:, list(JSON_KEYS)].astype(object)
    shown["deadline"] = items["deadline"].dt.strftime("%Y-%m-%d").astype(object)
    return shown.to_dict("records")


def _summary(items: pd.DataFrame, key: str, extra: Sequence[str]) -> pd.DataFrame:
    over = items["status"].eq("overdue")
    grouped = pd.DataFrame({
        key: items[key].fillna(""),
        "overdue": over.astype(int),
        "due_soon": (~over).astype(int),
        "level2": (items["level"] >= 2).astype(int),
        "level3": (items["level"] >= 3).astype(int),
        "max_workdays_overdue": items["workdays_overdue"].where(over),
        **{c: items[c] for c in extra},
    }).groupby(key, sort=False, dropna=False)
    out = grouped.agg(overdue=("overdue", "sum"), due_soon=("due_soon", "sum"),
                      level2=("level2", "sum"), level3=("level3", "sum"),
                      max_workdays_overdue=("max_workdays_overdue", "max"),
                      **{c: (c, "first") for c in extra})
    out = out.reset_index()
    keys = out[key].to_numpy(dtype=object, copy=True)
    keys[keys == ""] = None
    out[key] = pd.Series(keys, dtype=object)
    out["max_workdays_overdue"] = out["max_workdays_overdue"].astype("Int64")
    return out.sort_values(["level3", "level2", "overdue", "due_soon"], ascending=False,
                           kind="stable").reset_index(drop=True)
