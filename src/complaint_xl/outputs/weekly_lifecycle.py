"""The weekly report's lifecycle section, once for the page, the mail and the workbook.

Acceptance, abnormal closures with their reasons, follow-up calls and satisfaction (the
rate and who was dissatisfied), the follow-ups still due, extensions, and the key accounts
beside the other customers (design.md, the complaint's lifecycle). Everything comes from
:attr:`WeeklyKpis.lifecycle` and the row facts; this module only picks and words it, so the
three outputs show the same numbers and lists. A register without the lifecycle's columns
gets None: its outputs show exactly what they showed before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.deadlines import moved_texts
from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.labels import column
from complaint_xl.kpi.lifecycle import LIFECYCLE_FIGURES
from complaint_xl.kpi.rates import on_time_rate, percent, rate
from complaint_xl.register.schema import SATISFACTION_LEVELS
from complaint_xl.words import listing, phrase, say

__all__ = ["KEY_ACCOUNT_FIGURES", "LIST_ROWS", "has_lifecycle", "lifecycle_view", "moved_reasons"]

LIST_ROWS: Final[int] = 10
"""Rows a list of the section shows; the rest are counted ("另有 N 件")."""
KEY_ACCOUNT_FIGURES: Final[tuple[str, ...]] = (
    "new", "closed", "on_time_rate", "open", "overdue", "acceptance_rate", "satisfaction_rate")
"""The key-account breakdown's columns: the report's headline and the lifecycle's two rates."""
_RATES: Final[dict[str, tuple[str, str]]] = {
    "on_time_rate": ("closed_on_time", "closed"),
    "acceptance_rate": ("accepted_on_time", "accepted"),
    "satisfaction_rate": ("satisfied", "followed_up"),
}
"""Rate -> (part, whole): every rate shown is exact from its counts (kpi.rates)."""
_COLUMNS: Final[tuple[str, ...]] = (
    "accepted_on", "paused_from", "paused_to", "extended_to", "customer_informed", "closure_kind",
    "abnormal_reason", "approved_by", "followup_on", "satisfaction", "new_action")
_NULL: Final[str] = "—"


def has_lifecycle(kpis: WeeklyKpis) -> bool:
    """The register has lifecycle columns: some lifecycle figure can be counted, or some row
    has a lifecycle value (a sheet with only the pause columns)."""
    lc = kpis.lifecycle
    if lc is None:
        return False
    if set(LIFECYCLE_FIGURES) - lc.unavailable.keys():
        return True
    frame = kpis.frame
    return any(c in frame and bool(frame[c].notna().any()) for c in _COLUMNS)


def _rate(figures: Mapping[str, Any], key: str) -> float | None:
    part, whole = _RATES[key]
    if figures.get(key) is None:
        return None
    return rate(figures.get(part), figures.get(whole)) if key != "on_time_rate" \
        else on_time_rate(figures)


def _text(figure: str, value: Any) -> str:
    if value is None:
        return _NULL
    return (percent(value) or _NULL) if figure.endswith("_rate") else f"{int(value):,}"


def _card(figure: str, figures: Mapping[str, Any], lang: str) -> dict[str, Any]:
    value = _rate(figures, figure) if figure in _RATES else figures.get(figure)
    return {"key": figure, "label": say(f"figure.{figure}", lang), "value": value,
            "text": _text(figure, value), "null": value is None}


def _day(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _rows(kpis: WeeklyKpis, mask: np.ndarray, fields: Sequence[str], lang: str
          ) -> list[list[Any]]:
    """The flagged rows' values, by field (dates as dates, None for blanks, 满意度 in ``lang``),
    register order."""
    frame = kpis.frame[mask]
    rows = []
    for _, row in frame.iterrows():
        values: list[Any] = []
        for f in fields:
            v = row.get(f) if f not in ("sheet", "row") else row["_" + f]
            if f == "row":
                v = int(v)
            elif f in ("closed_on", "followup_on", "extended_to", "deadline"):
                v = _day(v)
            elif v is not None and pd.isna(v):
                v = None
            elif f == "satisfaction" and v in SATISFACTION_LEVELS:
                v = say(f"lifecycle.{SATISFACTION_LEVELS[v]}", lang)
            values.append(v)
        rows.append(values)
    return rows


def _list(kpis: WeeklyKpis, lang: str, key: str, mask: np.ndarray, fields: Sequence[str]
          ) -> dict[str, Any]:
    """One list of the section: its title and count, heads, the first rows, the rest counted."""
    n = int(mask.sum())
    fields = ["sheet", *fields] if kpis.multi_sheet else list(fields)
    shown = np.flatnonzero(mask)[:LIST_ROWS]
    first = np.zeros(len(mask), dtype=bool)
    first[shown] = True
    return {
        "key": key,
        "title": say(f"weekly.lifecycle.{key}", lang, n=n),
        "heads": [column(f, lang) for f in fields],
        "fields": list(fields),
        "rows": _rows(kpis, first, fields, lang),
        "n": n,
        "more": say("weekly.lifecycle.more", lang, n=n - len(shown)) if n > len(shown) else "",
        "empty": say(f"weekly.lifecycle.{key}-none", lang),
    }


def _flag(facts: pd.DataFrame, name: str) -> np.ndarray:
    return facts[name].to_numpy(dtype=bool) if name in facts else np.zeros(len(facts), bool)


def _satisfaction(kpis: WeeklyKpis, lang: str) -> dict[str, Any] | None:
    """The week's follow-up calls by 满意度: each level, and the calls without one."""
    lc = kpis.lifecycle
    if lc is None or "followed_up" in lc.unavailable:
        return None
    called = _flag(kpis.facts, "followed_up")
    levels = kpis.frame.loc[called, "satisfaction"]
    counts = [int(levels.eq(level).sum()) for level in SATISFACTION_LEVELS]
    return {"title": say("weekly.lifecycle.satisfaction", lang),
            "heads": [*(say(f"lifecycle.{w}", lang) for w in SATISFACTION_LEVELS.values()),
                      say("weekly.lifecycle.not-filled", lang), say("figure.followed_up", lang)],
            "counts": [*counts, int(called.sum()) - sum(counts), int(called.sum())]}


def _key_accounts(kpis: WeeklyKpis, lang: str) -> dict[str, Any]:
    lc = kpis.lifecycle
    assert lc is not None
    rows = []
    # The groups in the report's language, named again in ``lang`` (key accounts first).
    names = [say("lifecycle.key-account", lang), say("lifecycle.other-account", lang)]
    for name, figures in zip(names, lc.by_key_account.values(), strict=True):
        cells = []
        for f in KEY_ACCOUNT_FIGURES:
            value = _rate(figures, f) if f in _RATES else figures.get(f)
            cells.append({"value": value, "text": _text(f, value), "null": value is None,
                          "rate": f in _RATES})
        rows.append({"name": name, "cells": cells})
    return {"title": say("weekly.lifecycle.key-accounts", lang),
            "corner": say("weekly.lifecycle.customers", lang),
            "heads": [say(f"figure.{f}", lang) for f in KEY_ACCOUNT_FIGURES], "rows": rows,
            "note": say("weekly.lifecycle.key-accounts-note", lang)}


def _reasons(kpis: WeeklyKpis, lang: str) -> list[str]:
    """Why lifecycle figures are null, one line per reason (the report's own, e.g. no closing
    dates, are said with the headline already)."""
    lc = kpis.lifecycle
    assert lc is not None
    groups: dict[str, list[str]] = {}
    for figure, code in lc.unavailable.items():
        if code not in kpis.unavailable.values():
            groups.setdefault(code, []).append(figure)
    return [say("kpi.reason-line", lang, reason=phrase(f"reason.{code}"),
                figures=listing(phrase(f"figure.{f}") for f in figures))
            for code, figures in groups.items()]


def lifecycle_view(kpis: WeeklyKpis, lang: str) -> dict[str, Any] | None:
    """The section's contents in ``lang``, or None for a register without lifecycle columns."""
    if not has_lifecycle(kpis):
        return None
    lc = kpis.lifecycle
    assert lc is not None
    facts = kpis.facts
    open_ = _flag(facts, "open")
    week = [_card(f, lc.totals, lang) for f in LIFECYCLE_FIGURES]
    now = [{"key": k, "label": say(f"weekly.lifecycle.now-{k}", lang), "value": int(n),
            "text": f"{int(n):,}", "null": False}
           for k, n in (("paused", _flag(facts, "paused_now").sum()),
                        ("followup_due", _flag(facts, "followup_due").sum()),
                        ("extended", (_flag(facts, "extended") & open_).sum()))]
    # The longest text of each list last: the workbook runs it across the remaining columns.
    lists = [
        _list(kpis, lang, "abnormal", _flag(facts, "abnormal_closed"),
              ["row", "customer", "owner", "closed_on", "approved_by", "abnormal_reason"]),
        _list(kpis, lang, "dissatisfied", _flag(facts, "dissatisfied_in_week"),
              ["row", "customer", "owner", "followup_on", "satisfaction", "summary"]),
        _list(kpis, lang, "followup_due", _flag(facts, "followup_due"),
              ["row", "owner", "closed_on", "customer"]),
        _list(kpis, lang, "extended", _flag(facts, "extended_closed"),
              ["row", "owner", "extended_to", "customer_informed", "closed_on", "customer"]),
    ]
    return {
        "title": say("weekly.lifecycle.title", lang),
        "week_title": say("weekly.lifecycle.week", lang, week=kpis.week_label),
        "now_title": say("weekly.lifecycle.now", lang, as_of=kpis.as_of),
        "week": week,
        "now": now,
        "reasons": _reasons(kpis, lang),
        "satisfaction": _satisfaction(kpis, lang),
        "lists": lists,
        "key_accounts": _key_accounts(kpis, lang),
    }


def moved_reasons(kpis: WeeklyKpis, items: Sequence[Mapping[str, Any]], lang: str
                  ) -> list[str | None]:
    """Why each listed complaint's deadline (the effective one) moved, '暂停 4 个工作日（原期限
    2026-10-20）', None where it did not: for the most overdue items, found by their place."""
    facts, frame = kpis.facts, kpis.frame
    if not items or "paused_workdays" not in facts or not has_lifecycle(kpis):
        return [None] * len(items)
    files = frame["_file"].tolist() if "_file" in frame else [None] * len(frame)
    where = {(s, int(r), f): i for i, s, r, f in zip(frame.index, frame["_sheet"], frame["_row"],
                                                      files, strict=True)}
    at = [where.get((i["sheet"], int(i["row"]), i.get("file"))) for i in items]
    known = [i for i in at if i is not None]
    texts = iter(moved_texts(facts.loc[known, "paused_workdays"], facts.loc[known, "extended"],
                             facts.loc[known, "deadline_effective"], lang,
                             original=facts.loc[known, "deadline_original"]).tolist())
    return [None if i is None else next(texts) for i in at]
