"""The complaint's lifecycle in the weekly report: acceptance, abnormal closures, follow-up
calls, satisfaction and extensions (design.md, **contract**), and the key-account breakdown.

The figures are group sums over the row facts, as the others are
(:mod:`complaint_xl.kpi.figures`), kept in their own table so that a register without the
lifecycle columns gives the report it always gave: the JSON carries the keys, null where
the register lacks the column a figure needs (unavailable, never 0), and the written
outputs show nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.deadlines import EffectiveDeadlines
from complaint_xl.kpi.figures import figure_table, table_dicts
from complaint_xl.register.schema import DISSATISFIED, SATISFIED
from complaint_xl.settings import Settings
from complaint_xl.words import say
from complaint_xl.workdays import Calendar, to_days

__all__ = ["LIFECYCLE_FIGURES", "Lifecycle", "lifecycle", "lifecycle_facts", "lifecycle_table",
           "lifecycle_unavailable"]

LIFECYCLE_FIGURES: Final[tuple[str, ...]] = (
    "accepted", "accepted_on_time", "acceptance_rate", "abnormal_closed", "followed_up",
    "satisfied", "satisfaction_rate", "extended",
)
"""The keys the lifecycle adds to ``totals`` and each ``by`` value (``figure.<key>`` words)."""
_COUNTS: Final[dict[str, str]] = {
    "accepted": "accepted", "accepted_on_time": "accepted_on_time",
    "abnormal_closed": "abnormal_closed", "followed_up": "followed_up", "satisfied": "satisfied",
    "extended": "extended_closed",
}
"""Figure -> the boolean fact column it counts."""
_RATES: Final[dict[str, tuple[str, str]]] = {
    "acceptance_rate": ("accepted_on_time", "accepted"),
    "satisfaction_rate": ("satisfied", "followed_up"),
}
_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "accepted_on": ("accepted", "accepted_on_time", "acceptance_rate"),
    "closure_kind": ("abnormal_closed",),
    "followup_on": ("followed_up", "satisfied", "satisfaction_rate"),
    "satisfaction": ("satisfied", "satisfaction_rate"),
    "extended_to": ("extended",),
}
"""A lifecycle column -> the figures that cannot be counted without it."""
_BASED_ON: Final[dict[str, str]] = {
    "accepted": "new", "accepted_on_time": "new", "acceptance_rate": "new",
    "abnormal_closed": "closed", "followed_up": "closed", "satisfied": "closed",
    "satisfaction_rate": "closed", "extended": "closed",
}
"""Each figure counts among the week's new or closed rows: unavailable when they are."""


# -- per row -----------------------------------------------------------------------------------

def _present(frame: pd.DataFrame, name: str, present: Collection[str] | None) -> bool:
    """The register has the column (a caller without the register: some cell is filled)."""
    return name in present if present is not None else bool(frame[name].notna().any())


def lifecycle_facts(frame: pd.DataFrame, out: pd.DataFrame, eff: EffectiveDeadlines,
                    settings: Settings, calendar: Calendar, as_of: dt.date,
                    present: Collection[str] | None = None) -> None:
    """Add the lifecycle's columns to the row facts ``out`` (which has ``new`` and
    ``closed_in_week``), in place.

    Columns: ``deadline_effective``, ``deadline_original``, ``paused_workdays``,
    ``paused_now``, ``extended``, ``key_account`` (see
    :class:`~complaint_xl.deadlines.EffectiveDeadlines`); ``acceptance_workdays``,
    ``accepted`` (new and accepted_on given), ``accepted_on_time`` (within 受理时限),
    ``abnormal_closed``, ``followed_up``, ``satisfied``, ``extended_closed`` (closed in the
    week and …); as of today ``followup_due`` (closed, no follow-up more than 回访时限
    working days after closing) and ``dissatisfied`` (满意度 不满意); ``dissatisfied_in_week``
    (called in the week: ``out`` has ``followup_in_week``).
    """
    out["deadline_effective"] = eff.deadline.astype("datetime64[ns]")
    out["deadline_original"] = eff.original.astype("datetime64[ns]")
    out["paused_workdays"] = eff.paused_workdays
    out["paused_now"] = eff.paused_now
    out["extended"] = eff.extended
    out["key_account"] = eff.key_account
    raised, accepted = to_days(frame["raised_on"]), to_days(frame["accepted_on"])
    took = np.full(len(frame), np.nan)
    both = np.flatnonzero(~np.isnat(raised) & ~np.isnat(accepted))
    if len(both):
        took[both] = calendar.count(raised[both], accepted[both])
    out["acceptance_workdays"] = took
    new, closed_week = out["new"].to_numpy(dtype=bool), out["closed_in_week"].to_numpy(dtype=bool)
    out["accepted"] = new & ~np.isnat(accepted)
    with np.errstate(invalid="ignore"):
        out["accepted_on_time"] = out["accepted"].to_numpy() & (took <= settings.accept_days)
    followed = frame["followup_on"].notna().to_numpy()
    satisfaction = frame["satisfaction"]
    out["abnormal_closed"] = closed_week & frame["is_abnormal"].to_numpy(dtype=bool)
    out["followed_up"] = closed_week & followed
    out["satisfied"] = out["followed_up"].to_numpy() & satisfaction.isin(SATISFIED).to_numpy()
    out["extended_closed"] = closed_week & eff.extended
    out["dissatisfied"] = satisfaction.eq(DISSATISFIED).to_numpy(dtype=bool)
    # called this week; a 满意度 without its date counts with the week's closures
    called = out["followup_in_week"].to_numpy(dtype=bool) | (closed_week & ~followed)
    out["dissatisfied_in_week"] = out["dissatisfied"].to_numpy() & called
    due = np.zeros(len(frame), dtype=bool)
    if _present(frame, "followup_on", present):
        closed_on = to_days(frame["closed_on"])
        today = np.datetime64(as_of, "D")
        waiting = np.flatnonzero(frame["is_closed"].to_numpy(dtype=bool) & ~followed
                                 & ~np.isnat(closed_on) & (closed_on < today))
        since = calendar.count(closed_on[waiting], np.full(len(waiting), today))
        due[waiting] = since > settings.followup_days
    out["followup_due"] = due


# -- figures -----------------------------------------------------------------------------------

def lifecycle_unavailable(present: Collection[str], unavailable: Mapping[str, str]
                          ) -> dict[str, str]:
    """Figure -> reason code (``reason.<code>``) for the lifecycle figures that cannot be had:
    the register lacks their column, or the new or closed rows they count among."""
    out: dict[str, str] = {}
    for name, figures in _NEEDS.items():
        if name not in present:
            for f in figures:
                out.setdefault(f, f"no-{name.replace('_', '-')}-column")
    for f, base in _BASED_ON.items():
        if base in unavailable:
            out[f] = unavailable[base]
    return out


def lifecycle_table(facts: pd.DataFrame, groups: pd.Series | None = None,
                    values: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group (or one row 'all'), one column per figure of LIFECYCLE_FIGURES;
    groups in ``values`` order, with 0 counts and null rates where they have no rows."""
    data = pd.DataFrame({f: facts[c].to_numpy(dtype=np.int64) for f, c in _COUNTS.items()},
                        index=facts.index)
    key = groups if groups is not None else pd.Series("all", index=facts.index)
    table = data.groupby(key, sort=False, dropna=True).sum()
    order = list(values) if values is not None else (["all"] if groups is None else list(table.index))
    table = table.reindex(order).fillna(0).astype(np.int64)
    for rate, (part, whole) in _RATES.items():
        n = table[whole].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[rate] = np.where(n > 0, table[part] / n, np.nan)
    return table[list(LIFECYCLE_FIGURES)]


def _dicts(table: pd.DataFrame, unavailable: Collection[str]) -> dict[str, dict[str, Any]]:
    """Rows as JSON-ready dicts: ints, rates rounded as on_time_rate is, None for null."""
    def number(figure: str, value: Any) -> int | float | None:
        if figure in unavailable or value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        return round(float(value), 4) if figure in _RATES else int(value)

    return {str(name): {f: number(f, v) for f, v in zip(table.columns, row, strict=True)}
            for name, row in zip(table.index, table.to_numpy(dtype=object), strict=True)}


@dataclass
class Lifecycle:
    """The lifecycle's figures of a weekly report, merged into ``report --json`` by
    :meth:`merge`; ``by_key_account`` has every figure, the lifecycle's included."""

    totals: dict[str, Any]
    by: dict[str, dict[str, dict[str, Any]]]
    by_blank: dict[str, dict[str, Any]]
    by_key_account: dict[str, dict[str, Any]]
    """{大客户 / 其他客户 (the run's words): the figures of ``totals`` and the lifecycle's}."""
    unavailable: dict[str, str] = field(default_factory=dict)
    """Figure -> reason code, for the lifecycle's figures only."""

    def merge(self, doc: dict[str, Any], lang: str) -> dict[str, Any]:
        """``doc`` (the JSON document of the report) with the lifecycle's keys added."""
        doc["totals"] = {**doc["totals"], **self.totals}
        doc["by"] = {d: {v: {**figures, **self.by[d][v]} for v, figures in values.items()}
                     for d, values in doc["by"].items()} | {"key_account": self.by_key_account}
        doc["by_blank"] = {d: {**figures, **self.by_blank[d]}
                           for d, figures in doc["by_blank"].items()}
        doc["unavailable"] = {**doc["unavailable"],
                              **{f: say(f"reason.{code}", lang) for f, code in self.unavailable.items()}}
        return doc


def lifecycle(facts: pd.DataFrame, cats: Mapping[str, pd.Series],
              orders: Mapping[str, Sequence[str]], present: Collection[str],
              unavailable: Mapping[str, str], lang: str) -> Lifecycle:
    """The lifecycle's figures over the (filtered) facts: totals, each breakdown's values in
    ``orders``, blanks, and the key-account breakdown (大客户 first, then 其他客户, both
    always there) with every figure of the report."""
    gone = lifecycle_unavailable(present, unavailable)

    def table(rows: pd.DataFrame, groups: pd.Series | None = None,
              values: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        if gone.keys() >= set(LIFECYCLE_FIGURES):  # a register without the columns: all null
            return _dicts(pd.DataFrame(np.nan, index=list(values or ["all"]),
                                       columns=list(LIFECYCLE_FIGURES)), gone)
        return _dicts(lifecycle_table(rows, groups, values), gone)

    by = {d: table(facts, cats[d], orders[d]) for d in orders}
    by_blank = {d: table(facts[cats[d].isna()])["all"] for d in orders if cats[d].isna().any()}
    groups = key_account_groups(facts, lang)
    names = [say("lifecycle.key-account", lang), say("lifecycle.other-account", lang)]
    own = table(facts, groups, names)
    key = {name: {**figures, **own[name]} for name, figures in
           table_dicts(figure_table(facts, groups, names), unavailable).items()}
    return Lifecycle(table(facts)["all"], by, by_blank, key, gone)


def key_account_groups(facts: pd.DataFrame, lang: str) -> pd.Series:
    """大客户 or 其他客户 (in ``lang``) for each row: the key-account breakdown's groups."""
    yes, no = say("lifecycle.key-account", lang), say("lifecycle.other-account", lang)
    return pd.Series(np.where(facts["key_account"].to_numpy(dtype=bool), yes, no),
                     index=facts.index, dtype=object)

