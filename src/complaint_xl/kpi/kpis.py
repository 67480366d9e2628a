"""The weekly KPIs: every figure of the 周报 computed once, shown by every output.

:func:`weekly` is what the command line and the 周报 button call; the workbook, the
page, the draft and ``--json`` all read the same :class:`WeeklyKpis`, so they
cannot disagree. ``to_json()`` is the **contract** of ``complaint-xl report --json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.errors import UsageError
from complaint_xl.kpi import figures as fig
from complaint_xl.kpi.cross import Cross, cross_tables
from complaint_xl.kpi.facts import categories, ranked_counts, row_facts
from complaint_xl.kpi.hardpoints import HardPoint, Window, hard_points, lifecycle_points
from complaint_xl.kpi.labels import AGING_BUCKETS, FIGURES, column
from complaint_xl.kpi.lifecycle import Lifecycle, lifecycle
from complaint_xl.kpi.weeks import Week, label, monday, to_week, weeks_ending
from complaint_xl.register.reader import Register
from complaint_xl.register.schema import EFFECT_INEFFECTIVE
from complaint_xl.settings import Settings
from complaint_xl.words import listing, phrase, say, template
from complaint_xl.workdays import Calendar

__all__ = ["FILTER_FIELDS", "WeeklyKpis", "weekly"]

FILTER_FIELDS: Final[tuple[str, ...]] = ("type", "support_unit", "owner", "customer_attr")
"""Fields a report can be narrowed by (the manager's filters)."""

_ALWAYS: Final[tuple[str, ...]] = FILTER_FIELDS
_WHERE_PRESENT: Final[tuple[str, ...]] = ("responsible", "severity", "team")
"""Breakdowns where the register has the column; ``team`` too where several registers are
joined (:mod:`complaint_xl.teams`)."""
MOST_OVERDUE: Final[int] = 10


@dataclass
class WeeklyKpis:
    """The weekly KPI summary of one register for one ISO week, as of one day."""

    register: str
    lang: str
    week: Week
    as_of: dt.date
    filters: dict[str, tuple[str, ...]]
    """Field -> the values kept (any of them); empty when not filtered."""
    rows: int
    """Complaints in the (filtered) register."""
    totals: dict[str, Any]
    by: dict[str, dict[str, dict[str, Any]]]
    by_blank: dict[str, dict[str, Any]]
    """Figures of the rows where a breakdown field is empty, per field (only if any)."""
    aging: dict[str, int | None]
    trend: list[dict[str, Any]]
    unavailable: dict[str, str]
    """Figure -> reason code (``reason.<code>`` of the words); those figures are null."""
    notes: list[tuple[str, int]]
    """(note code, count): context such as closures without a closing date."""
    effect: dict[str, Any] | None
    repeats: list[dict[str, Any]]
    most_overdue: list[dict[str, Any]]
    hard_points: list[HardPoint]
    company: str | None = None
    multi_sheet: bool = False
    cross: Cross | None = None
    """Region × category: the period's new rows by two fields (:mod:`complaint_xl.kpi.cross`)."""
    lifecycle: Lifecycle | None = None
    """The lifecycle's figures and the key-account breakdown, which ``to_json`` merges into
    ``totals`` and ``by`` (:mod:`complaint_xl.kpi.lifecycle`)."""
    frame: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """The register rows the report covers (after the filters)."""
    facts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """Their computed fields (see :func:`complaint_xl.kpi.facts.row_facts`)."""

    # -- names -----------------------------------------------------------------------

    @property
    def week_label(self) -> str:
        return label(self.week)

    @property
    def week_start(self) -> dt.date:
        return monday(self.week)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    def filter_text(self, lang: str | None = None) -> str:
        """'投诉项目：售后；跟进人员：李明' (empty when not filtered)."""
        lang = lang or self.lang
        return template("list.semi", lang).join(
            say("kpi.filter", lang, label=column(f, lang), values=listing(v))
            for f, v in self.filters.items())

    def title(self, lang: str | None = None) -> str:
        """The report's title, naming the week, its dates and any filter."""
        lang = lang or self.lang
        f = self.filter_text(lang)
        return say("kpi.title", lang, week=self.week_label, start=self.week_start, end=self.week_end,
                   company=phrase("kpi.title-company", company=self.company) if self.company else "",
                   filters=phrase("kpi.title-filters", filters=f) if f else "")

    def reason(self, figure: str, lang: str | None = None) -> str | None:
        """Why a figure is null, or None when it is available."""
        code = self.unavailable.get(figure)
        return say(f"reason.{code}", lang or self.lang) if code else None

    def reason_lines(self, lang: str | None = None) -> list[str]:
        """One line per reason, naming the figures it makes null: '— 结案、按期结案率：…'."""
        lang = lang or self.lang
        groups: dict[str, list[str]] = {}
        for figure, code in self.unavailable.items():
            groups.setdefault(code, []).append(figure)
        return [say("kpi.reason-line", lang, reason=phrase(f"reason.{code}"), figures=listing(
                    phrase(f"figure.{f}" if f in FIGURES else f"part.{f}") for f in figs))
                for code, figs in groups.items()]

    def note_texts(self, lang: str | None = None) -> list[str]:
        return [say(f"note.{code}", lang or self.lang, count=n) for code, n in self.notes]

    @property
    def trend_window(self) -> tuple[str, str]:
        return self.trend[0]["week"], self.trend[-1]["week"]

    # -- the contract ----------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The JSON document of ``complaint-xl report --json`` (only JSON types inside)."""
        doc = {
            "register": self.register,
            "title": self.title(),
            "week": self.week_label,
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "lang": self.lang,
            "filters": {k: list(v) for k, v in self.filters.items()},
            "rows": self.rows,
            "totals": self.totals,
            "by": self.by,
            "by_blank": self.by_blank,
            "aging": self.aging,
            "trend": self.trend,
            "unavailable": {f: self.reason(f) for f in self.unavailable},
            "notes": [{"code": c, "count": n, "message": m}
                      for (c, n), m in zip(self.notes, self.note_texts(), strict=True)],
            "effect": self.effect,
            "repeats": self.repeats,
            "most_overdue": self.most_overdue,
            "hard_points": [{"code": p.code, "text": p.text(self.lang)} for p in self.hard_points],
            "cross": self.cross.to_json() if self.cross else None,
        }
        return self.lifecycle.merge(doc, self.lang) if self.lifecycle else doc


# -- building ------------------------------------------------------------------------

def _unavailable(present: frozenset[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if "closed_on" not in present:
        for f in ("closed", "closed_on_time", "on_time_rate", "median_resolution_workdays",
                  "mean_resolution_workdays", "effect"):
            out[f] = "no-closed-on-column"
    if "raised_on" not in present:
        for f in ("new", "median_resolution_workdays", "mean_resolution_workdays", "aging"):
            out.setdefault(f, "no-raised-on-column")
        if "deadline" not in present:
            for f in ("closed_on_time", "on_time_rate", "overdue", "due_soon"):
                out.setdefault(f, "no-deadline")
    if "closed" not in present and "closed_on" not in present:
        for f in ("open", "overdue", "due_soon", "aging"):
            out[f] = "no-closed-columns"
    if "effect" not in present:
        out.setdefault("effect", "no-effect-column")
    return out


def _order(values: pd.Series, preferred: Sequence[str]) -> list[str]:
    """Values that occur: the configured list's order first, then by frequency."""
    counts = ranked_counts(values)
    first = [v for v in preferred if v in counts.index]
    rest = [str(v) for v in counts.index if v not in set(first)]
    return first + rest


def _normalise_filters(filters: Mapping[str, str | Sequence[str]] | None,
                       cats: dict[str, pd.Series]) -> dict[str, tuple[str, ...]]:
    """Match each filter value to a value of the register (folded, case-insensitive)."""
    out: dict[str, tuple[str, ...]] = {}
    for f, wanted in (filters or {}).items():
        if f not in cats:
            raise ValueError(f"cannot filter on {f!r}; fields: {', '.join(cats)}")
        items = [wanted] if isinstance(wanted, str) else list(wanted)
        if not items:
            continue
        known = {v.casefold(): v for v in cats[f].dropna().unique()}
        chosen = []
        for item in items:
            hit = known.get((categories(pd.Series([item])).iloc[0] or "").casefold())
            if hit is None:
                raise UsageError("report-filter-unknown", option=f.replace("_", "-"), value=item,
                                 known="、".join(sorted(known.values())[:20]) or "—")
            chosen.append(hit)
        out[f] = tuple(dict.fromkeys(chosen))
    return out


_PLACE = {"_sheet": "sheet", "_row": "row", "seq": "seq", "customer": "customer", "type": "type",
          "owner": "owner"}


def _records(frame: pd.DataFrame, index: pd.Index, **extra: pd.Series | np.ndarray
             ) -> list[dict[str, Any]]:
    """Where rows are and what they are about, as JSON-ready dicts (None for empty); rows
    joined from several registers also say their ``team`` and ``file``."""
    place = {**_PLACE, "team": "team", "_file": "file"} if "_file" in frame else _PLACE
    part = frame.loc[index, list(place)].rename(columns=place).astype(object)
    part["row"] = frame.loc[index, "_row"].astype(int).to_numpy(dtype=object)
    for name, values in extra.items():
        part[name] = np.asarray(values, dtype=object)
    part = part.astype(object)
    return part.where(part.notna(), None).to_dict("records")


def _iso(days: pd.Series) -> np.ndarray:
    """Dates as 'YYYY-MM-DD' text, None for NaT."""
    text = days.dt.strftime("%Y-%m-%d").astype(object)
    return text.where(days.notna(), None).to_numpy(dtype=object)


def _most_overdue(frame: pd.DataFrame, facts: pd.DataFrame) -> list[dict[str, Any]]:
    top = facts[facts["overdue"]].sort_values("workdays_overdue", ascending=False,
                                              kind="stable").index[:MOST_OVERDUE]
    return _records(frame, top, support_unit=frame.loc[top, "support_unit"].astype(object),
                    deadline=_iso(facts.loc[top, "deadline_effective"]),
                    workdays_overdue=facts.loc[top, "workdays_overdue"].astype(int).to_numpy())


def _repeats(frame: pd.DataFrame, whole: pd.DataFrame, facts: pd.DataFrame) -> list[dict[str, Any]]:
    hits = facts.index[facts["new"] & facts["repeat"]]
    earlier = facts.loc[hits, "repeat_of"].astype("int64").to_numpy()
    return _records(frame, hits, raised_on=_iso(frame.loc[hits, "raised_on"]),
                    previous_sheet=whole["_sheet"].to_numpy(dtype=object)[earlier],
                    previous_row=whole["_row"].to_numpy(dtype=object)[earlier],
                    previous_raised_on=_iso(whole["raised_on"].iloc[earlier]),
                    days=facts.loc[hits, "repeat_days"].astype("int64").to_numpy(dtype=object))


def _effect(frame: pd.DataFrame, facts: pd.DataFrame, settings: Settings,
            unavailable: dict[str, str]) -> dict[str, Any] | None:
    if "effect" in unavailable:
        return None
    closed = facts["closed_in_week"]
    values = categories(frame.loc[closed, "effect"])
    counts = ranked_counts(values)
    ordered = {v: int(counts.get(v, 0)) for v in settings.effect_values}
    ordered |= {str(v): int(n) for v, n in counts.items() if v not in ordered}
    bad = values[values.map(lambda v: isinstance(v, str) and v.casefold() in EFFECT_INEFFECTIVE)]
    return {"closed": int(closed.sum()), "counts": ordered, "blank": int(values.isna().sum()),
            "ineffective": _records(frame, bad.index)}


def _notes(frame: pd.DataFrame, facts: pd.DataFrame, present: frozenset[str]) -> list[tuple[str, int]]:
    checks = {
        "closed-without-date": (frame["is_closed"] & frame["closed_on"].isna()).sum()
        if "closed_on" in present else 0,
        "deadline-derived": frame["deadline_derived"].sum(),
        "no-raised-on": frame["raised_on"].isna().sum() if "raised_on" in present else 0,
        "closed-no-deadline": (facts["closed_in_week"] & facts["deadline_effective"].isna()).sum(),
    }
    return [(code, int(n)) for code, n in checks.items() if n]


def weekly(register: Register, settings: Settings, calendar: Calendar, as_of: dt.date,
           week: Week | None = None,
           filters: Mapping[str, str | Sequence[str]] | None = None, *,
           facts: pd.DataFrame | None = None) -> WeeklyKpis:
    """Compute the weekly KPI summary (see the KPI definitions in design.md).

    ``week`` is (ISO year, ISO week), default the last complete week before
    ``as_of``; ``filters`` maps type/support_unit/owner/customer_attr to a value or
    values, and narrows every figure. Raises UsageError for a filter value the
    register does not contain (a typo would otherwise give an empty report).
    ``facts``: the rows' facts for this week, computed already — several registers'
    rows, each team's under its own calendar and settings (:class:`complaint_xl.teams.Gathered`).
    """
    week = to_week(week, as_of)
    whole = register.frame
    present = register.present
    dims = [*_ALWAYS, *(d for d in _WHERE_PRESENT if d in present)]
    all_cats = {d: categories(whole[d]) for d in dims}
    chosen = _normalise_filters(filters, all_cats)
    keep = np.ones(len(whole), dtype=bool)
    for f, values in chosen.items():
        keep &= all_cats[f].isin(values).to_numpy(dtype=bool)
    # Facts over the whole register: a repeat may follow a complaint outside the filter.
    all_facts = facts if facts is not None else row_facts(
        whole, calendar, as_of, week, settings.due_soon_days, settings=settings, present=present)
    if chosen:
        frame, facts = whole[keep], all_facts[keep]
        cats = {d: s[keep] for d, s in all_cats.items()}
    else:  # no filter: no copy of a million rows
        frame, facts, cats = whole, all_facts, all_cats
    unavailable = _unavailable(present)

    preferred = {"type": settings.types, "support_unit": settings.support_units,
                 "severity": settings.severity_values}
    by = {d: fig.breakdown(facts, cats[d], _order(all_cats[d], preferred.get(d, ())), unavailable)
          for d in dims}
    by_blank = {}
    for d in dims:
        blank = cats[d].isna()
        if blank.any():
            by_blank[d] = fig.totals(facts[blank], unavailable)

    weeks = weeks_ending(week)
    starts = [pd.Timestamp(monday(w)) for w in weeks]
    window = Window(label(weeks[0]), label(weeks[-1]),
                    facts["monday_raised"].isin(starts), facts["monday_closed"].isin(starts))
    aging = ({b: None for b in AGING_BUCKETS} if "aging" in unavailable else fig.aging(facts))
    most_overdue = [] if "overdue" in unavailable else _most_overdue(frame, facts)
    repeats = [] if "new" in unavailable else _repeats(frame, whole, facts)
    effect = _effect(frame, facts, settings, unavailable)
    multi = len(register.sheets) > 1
    later = lifecycle_points(frame, facts, present, settings, multi)
    points = hard_points(facts, cats, categories(frame["customer"]), window, most_overdue, repeats,
                         effect, unavailable, multi, frozenset(chosen), extra=later)
    return WeeklyKpis(
        register=register.path, lang=settings.lang, week=week, as_of=as_of, filters=chosen,
        rows=len(frame), totals=fig.totals(facts, unavailable), by=by, by_blank=by_blank,
        aging=aging, trend=fig.trend(facts, weeks, unavailable),
        unavailable=unavailable,
        notes=_notes(frame, facts, present), effect=effect, repeats=repeats,
        most_overdue=most_overdue, hard_points=points, company=settings.company,
        multi_sheet=multi, frame=frame, facts=facts,
        cross=cross_tables(cats, facts["new"], "new" not in unavailable),
        lifecycle=lifecycle(facts, cats, {d: list(by[d]) for d in dims}, present, unavailable,
                            settings.lang),
    )
