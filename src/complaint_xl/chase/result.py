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

__all__ = [
    "FOLLOWUP_COLUMNS",
    "ITEM_COLUMNS",
    "JSON_KEYS",
    "LIFECYCLE_LISTS",
    "NEW_ACTION_COLUMNS",
    "PAUSED_COLUMNS",
    "ChaseOutputs",
    "ChaseResult",
    "records",
]

ITEM_COLUMNS: Final[tuple[str, ...]] = (
    "status", "level", "workdays_overdue", "workdays_left", "sheet", "row", "seq", "owner",
    "superior", "customer", "customer_attr", "key_account", "type", "severity", "is_major",
    "raised_on", "deadline", "deadline_derived", "deadline_suspect", "support_unit",
    "support_need", "progress", "problem", "deadline_original", "paused_workdays", "extended",
)
"""Columns of :attr:`ChaseResult.items`, in the order the chase list shows them.

``deadline_suspect``: the deadline is before the raised date (validate's error
``deadline-before-raised``); the item is still chased, with a note to check it.
``deadline`` is the effective deadline; ``deadline_original`` the one before pauses and
extensions, ``paused_workdays`` and ``extended`` say why it moved
(:func:`complaint_xl.deadlines.moved_texts` words it)."""

PAUSED_COLUMNS: Final[tuple[str, ...]] = (
    *ITEM_COLUMNS, "paused_from", "paused_to", "pause_too_long")
"""Columns of :attr:`ChaseResult.paused`: ``paused_workdays`` counts the pause through today;
``pause_too_long``: beyond the settings' 最长暂停, for its owner to follow up."""
FOLLOWUP_COLUMNS: Final[tuple[str, ...]] = (
    *ITEM_COLUMNS, "closed_on", "followup_deadline", "workdays_since_closed", "workdays_late")
"""Columns of :attr:`ChaseResult.followup_due`: the call was due by ``followup_deadline`` (回访时限
working days after closed_on) and is ``workdays_late`` working days late."""
NEW_ACTION_COLUMNS: Final[tuple[str, ...]] = (*ITEM_COLUMNS, "closed_on", "effect")
"""Columns of :attr:`ChaseResult.new_action_due`."""
LIFECYCLE_LISTS: Final[tuple[str, ...]] = ("paused", "followup_due", "new_action_due")
"""The lifecycle's lists of ``chase --json`` (design.md), as :class:`ChaseResult` names them."""

JSON_KEYS: Final[tuple[str, ...]] = (
    "row", "seq", "owner", "customer", "type", "deadline", "workdays_overdue", "level",
    "sheet", "customer_attr", "key_account", "severity", "support_unit", "support_need",
    "deadline_derived", "workdays_left", "deadline_suspect", "deadline_original",
    "paused_workdays", "extended",
)
"""The keys of an item in ``chase --json`` (contract in design.md), in order; the lifecycle's
lists add their own columns after these."""
_OWN_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "paused": PAUSED_COLUMNS[len(ITEM_COLUMNS):],
    "followup_due": FOLLOWUP_COLUMNS[len(ITEM_COLUMNS):],
    "new_action_due": NEW_ACTION_COLUMNS[len(ITEM_COLUMNS):],
}
_DATES: Final[tuple[str, ...]] = (
    "deadline", "deadline_original", "paused_from", "paused_to", "closed_on", "followup_deadline")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in _DATES or c == "raised_on"
                                      else object) for c in columns})


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
    paused: pd.DataFrame = field(default_factory=lambda: _empty(PAUSED_COLUMNS))
    """Open complaints waiting for the customer today (columns :data:`PAUSED_COLUMNS`),
    pauses beyond 最长暂停 first; never escalated."""
    followup_due: pd.DataFrame = field(default_factory=lambda: _empty(FOLLOWUP_COLUMNS))
    """Closed complaints without a follow-up call more than 回访时限 working days after closing
    (columns :data:`FOLLOWUP_COLUMNS`), the latest first."""
    new_action_due: pd.DataFrame = field(default_factory=lambda: _empty(NEW_ACTION_COLUMNS))
    """Closed complaints whose effect is 无效 with no 新措施 (columns :data:`NEW_ACTION_COLUMNS`)."""
    pause_max_days: int = 10
    followup_days: int = 5
    """The settings' 最长暂停 and 回访时限, for the reports."""
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

    def lifecycle(self, owner: str | None = None) -> dict[str, pd.DataFrame]:
        """The lifecycle's lists (paused, followup_due, new_action_due), of one owner when given
        (None: every owner's), for a draft's own short sections."""
        lists = {name: getattr(self, name) for name in LIFECYCLE_LISTS}
        if owner is None:
            return lists
        return {name: items[items["owner"].eq(owner).to_numpy(dtype=bool)]
                for name, items in lists.items()}

    def lifecycle_by_owner(self) -> pd.DataFrame:
        """Per owner (missing owner as None): paused (and beyond 最长暂停), follow-ups due, new
        actions due; owners with most to do first."""
        parts = [pd.DataFrame({"owner": items["owner"], "superior": items["superior"],
                               name: 1, "pause_too_long": items.get("pause_too_long", False)})
                 for name, items in self.lifecycle().items() if len(items)]
        counts = ["paused", "pause_too_long", "followup_due", "new_action_due"]
        if not parts:
            return pd.DataFrame(columns=["owner", "superior", *counts])
        joined = pd.concat(parts, ignore_index=True)
        joined["owner"] = joined["owner"].fillna("")
        joined[counts] = joined.reindex(columns=counts).fillna(0).astype(int)
        out = joined.groupby("owner", sort=False).agg(
            superior=("superior", "first"), **{c: (c, "sum") for c in counts}).reset_index()
        out["owner"] = out["owner"].replace("", None)
        return out.sort_values(counts[::-1], ascending=False, kind="stable").reset_index(drop=True)

    def to_json(self, outputs: ChaseOutputs | None = None) -> dict[str, Any]:
        """The ``--json`` document (contract in design.md), with the written files if any."""
        doc: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "overdue": records(self.overdue),
            "due_soon": records(self.due_soon),
            **{name: records(getattr(self, name), _OWN_KEYS[name]) for name in LIFECYCLE_LISTS},
            "drafts": [str(p) for p in outputs.drafts] if outputs else [],
        }
        if outputs is not None:
            doc["folder"] = str(outputs.folder)
            doc["workbook"] = str(outputs.workbook)
            doc["missing_addresses"] = list(outputs.missing_addresses)
            doc["kept_edited"] = [str(p) for p in outputs.kept]
        return doc


def records(items: pd.DataFrame, own: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Items as JSON objects (keys :data:`JSON_KEYS`, then ``own``): plain ints/strs/bools,
    dates as YYYY-MM-DD, None for none."""
    keys = [*JSON_KEYS, *own]
    shown = items.loc[:, keys].astype(object)
    for key in keys:
        if key in _DATES:
            days = pd.to_datetime(items[key])  # an empty list's column may be of objects
            shown[key] = days.dt.strftime("%Y-%m-%d").astype(object).where(days.notna(), None)
    return shown.where(shown.notna(), None).to_dict("records")


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
