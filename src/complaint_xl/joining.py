"""One view over several teams' registers: joined rows and facts, chase lists, run settings.

What was computed per file — each under its own settings and calendar, so each team's SLA,
holidays and due-soon days apply to its own rows — is joined here into one register with
its facts (the weekly report then aggregates once over the joined rows, so medians and
trends are right across teams), one chase list, or the settings a run writes under.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from complaint_xl.register.reader import Register, SheetLayout
from complaint_xl.register.text import fold, map_unique
from complaint_xl.teams import Part, unused_columns

if TYPE_CHECKING:
    from complaint_xl.chase import ChaseResult
    from complaint_xl.kpi import Week
    from complaint_xl.settings import Settings

__all__ = ["Gathered", "merge_chase", "run_settings", "tag", "tag_chase"]

def tag(part: Part, *, compact: bool = True) -> pd.DataFrame:
    """The part's rows with ``team`` (the 团队 cell, folded; the file's team where blank) and
    ``_file`` (the file as given); ``compact``: without the columns no figure reads."""
    frame = part.loaded.register.frame
    drop = unused_columns(list(frame.columns), "report" if compact else "export")
    out = frame.drop(columns=drop)
    named = map_unique(out["team"], lambda v: (fold(v) or None) if isinstance(v, str) else None)
    out["team"] = named.fillna(part.team).to_numpy(dtype=object)
    out["_file"] = str(part.path)
    return out


# -- the report's rows: every team's, with facts under each team's settings ---------------------

@dataclass
class Gathered:
    """The joined rows of several registers and their per-row facts (for the weekly report).

    Each file's facts are computed as it is added, with its own calendar and settings
    (:func:`complaint_xl.kpi.facts.row_facts`); only its compact columns are kept, not its
    cells. The index runs on across files, so a repeat's earlier row is found by position.
    """

    as_of: dt.date
    week: Week
    frames: list[pd.DataFrame] = field(default_factory=list)
    facts: list[pd.DataFrame] = field(default_factory=list)
    layouts: list[SheetLayout] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    paths: list[str] = field(default_factory=list)
    rows: int = 0

    def add(self, part: Part) -> None:
        """Tag the part's rows, compute their facts and keep both."""
        from complaint_xl.kpi.facts import row_facts

        loaded = part.loaded
        frame = tag(part)
        frame.index = pd.RangeIndex(self.rows, self.rows + len(frame))
        facts = row_facts(frame, loaded.calendar, self.as_of, self.week,
                          loaded.settings.due_soon_days, settings=loaded.settings,
                          present=loaded.register.present)
        self.frames.append(frame)
        self.facts.append(facts)
        self.layouts += loaded.register.sheets
        self.present |= loaded.register.present
        self.paths.append(str(part.path))
        self.rows += len(frame)

    def register(self) -> tuple[Register, pd.DataFrame]:
        """One register of every team's rows (``team`` present), and their facts."""
        frame = pd.concat(self.frames, ignore_index=False) if self.frames else pd.DataFrame()
        facts = pd.concat(self.facts, ignore_index=False) if self.facts else pd.DataFrame()
        self.frames, self.facts = [], []  # the joined copies are what is kept
        names = [Path(p).name for p in self.paths]  # the titles name them; files lists them all
        name = ", ".join(names) if len(names) <= 3 else f"{names[0]}, {names[1]} … ({len(names)})"
        register = Register(name, frame, self.layouts,
                            frozenset(self.present | {"team"}), pd.DataFrame(index=frame.index))
        return register, facts


# -- the run's settings ---------------------------------------------------------------------------

def run_settings(settings: Sequence[Settings]) -> Settings:
    """The settings of what a run with several registers writes once for all (language,
    company, recipients, the chase's manager and thresholds): the first register's (or the
    ``--settings`` workbook's), with every team's staff, so that each owner's draft finds
    the address wherever that owner is listed, and every team's lists for the breakdowns."""
    lead = settings[0]
    staff = {}
    for one in reversed(settings):
        staff.update(one.staff)

    def union(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for one in settings for v in getattr(one, name)))

    return dataclasses.replace(lead, staff=staff, types=union("types"),
                               support_units=union("support_units"),
                               effect_values=union("effect_values"),
                               severity_values=union("severity_values"),
                               problems=[])


# -- the chase: every team's lists as one ----------------------------------------------------------

_LISTS: Final[tuple[str, ...]] = ("items", "paused", "followup_due", "new_action_due")


def tag_chase(part: Part, result: ChaseResult) -> ChaseResult:
    """The part's chase lists, each item with its ``team`` (its row's 团队, else the file's
    team) and ``file``: all a run with several registers keeps of each."""
    lists = {}
    for name in _LISTS:
        items = getattr(result, name).copy()
        items.insert(0, "team", _team_cells(part, items).to_numpy(dtype=object))
        items.insert(1, "file", str(part.path))
        lists[name] = items
    return dataclasses.replace(result, **lists)


def merge_chase(results: Sequence[ChaseResult], settings: Settings) -> ChaseResult:
    """One chase list of every team's items (:func:`tag_chase`), sorted as one team's is
    (:func:`complaint_xl.chase.chase`); the thresholds the drafts state are the run's
    ``settings``' (each item's level was decided under its own team's)."""
    from complaint_xl.chase import ChaseResult

    lists = {name: pd.concat([getattr(r, name) for r in results], ignore_index=True)
             for name in _LISTS}
    items = lists["items"]
    over = items["status"].eq("overdue").to_numpy()
    late = items["workdays_overdue"].to_numpy(dtype=np.int64)
    level = items["level"].to_numpy(dtype=np.int64)
    order = np.lexsort((~items["key_account"].to_numpy(dtype=bool), -level, -late, ~over))
    paused = lists["paused"]
    days = paused["paused_workdays"].to_numpy(dtype=np.int64)
    long = paused["pause_too_long"].to_numpy(dtype=bool)
    followup = lists["followup_due"]
    since = followup["workdays_since_closed"].to_numpy(dtype=np.int64)
    return ChaseResult(
        results[0].as_of, items.iloc[order].reset_index(drop=True), settings.due_soon_days,
        (settings.escalate_level2_after, settings.escalate_level3_after),
        paused=paused.iloc[np.lexsort((-days, ~long))].reset_index(drop=True),
        followup_due=followup.iloc[np.argsort(-since, kind="stable")].reset_index(drop=True),
        new_action_due=lists["new_action_due"], pause_max_days=settings.pause_max_days,
        followup_days=settings.followup_days)


def _team_cells(part: Part, items: pd.DataFrame) -> pd.Series:
    """Each item's team: its row's 团队 cell, else the file's team."""
    frame = part.loaded.register.frame
    if "team" not in part.loaded.register.present or not len(items):
        return pd.Series([part.team] * len(items), dtype=object)
    where = pd.Series(np.arange(len(frame)), index=pd.MultiIndex.from_arrays(
        [frame["_sheet"].to_numpy(dtype=object), frame["_row"].to_numpy(dtype=np.int64)]))
    at = where.reindex(pd.MultiIndex.from_arrays([items["sheet"].to_numpy(dtype=object),
                                                  items["row"].to_numpy(dtype=np.int64)]))
    cells = frame["team"].to_numpy(dtype=object)
    found = (cells[int(i)] if i == i else None for i in at.to_numpy())
    return pd.Series([fold(v) if isinstance(v, str) and fold(v) else part.team for v in found],
                     dtype=object)
