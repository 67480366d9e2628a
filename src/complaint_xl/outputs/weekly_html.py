"""The weekly report as an HTML page (weekly-YYYY-Www.html) and as plain text.

Both render the same view of a :class:`~complaint_xl.kpi.WeeklyKpis` through the
team's templates (``weekly.html``, ``weekly.txt``, whose words are in
``<lang>/weekly_labels.txt``); the page gets the view HTML-escaped, so a customer
called ``<script>`` is shown, not run. Numbers are formatted here once:
counts as integers, rates as percentages, working days with at most one decimal,
and every null as "—" with the reason beside it, never a silent 0.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.cross import CrossTable
from complaint_xl.kpi.labels import AGING_BUCKETS, FIGURES, column
from complaint_xl.kpi.lifecycle import LIFECYCLE_FIGURES
from complaint_xl.kpi.rates import decimal, on_time_rate, percent
from complaint_xl.outputs.templating import render
from complaint_xl.outputs.weekly_lifecycle import has_lifecycle, lifecycle_view, moved_reasons
from complaint_xl.words import say

__all__ = [
    "NULL", "definitions", "format_figure", "general_notes", "meaning", "render_page", "shown",
    "summary_text", "view",
]

NULL: Final[str] = "—"
"""How a null figure is shown; its reason is always shown with it."""

LIST_LIMIT: Final[int] = 30
"""Rows of a list shown on the page and in the mail; the workbook has all of them."""
_HEADLINE_WEEK: Final[tuple[str, ...]] = ("new", "closed", "closed_on_time", "on_time_rate",
                                          "median_resolution_workdays", "mean_resolution_workdays")
_HEADLINE_NOW: Final[tuple[str, ...]] = ("open", "overdue", "due_soon")


def format_figure(figure: str, value: Any) -> str:
    """A figure as a manager reads it: 12, 73.3%, 6.5 (working days), or — for null."""
    if value is None:
        return NULL
    if figure == "on_time_rate":
        return percent(value) or NULL
    if figure.endswith("_workdays"):
        return decimal(value, 1).removesuffix(".0")
    return f"{int(value):,}"


def shown(figures: Mapping[str, Any]) -> dict[str, Any]:
    """A row of figures with its on-time rate exact from the counts, as a spreadsheet
    computes it (:func:`complaint_xl.kpi.rates.on_time_rate`), for showing."""
    return {**figures, "on_time_rate": on_time_rate(figures)} if "on_time_rate" in figures \
        else dict(figures)


def _card(kpis: WeeklyKpis, figure: str, lang: str) -> dict[str, Any]:
    value = shown(kpis.totals)[figure]
    hint = ""
    if figure in kpis.unavailable:
        hint = say("weekly.card.unavailable", lang)
    elif figure == "on_time_rate" and kpis.totals["closed"] == 0:
        hint = say("weekly.card.no-closures", lang)
    elif figure in ("new", "closed", "on_time_rate") and len(kpis.trend) > 1:
        prev = kpis.trend[-2][figure]
        if prev is not None:
            hint = say("weekly.last-week", lang, value=format_figure(figure, prev))
    return {"key": figure, "label": say(f"figure.{figure}", lang),
            "value": format_figure(figure, value), "null": value is None, "hint": hint,
            "alert": figure == "overdue" and bool(value)}


def _row(name: str, figures: Mapping[str, Any]) -> dict[str, Any]:
    figures = shown(figures)
    return {"name": name, "cells": [{"text": format_figure(k, figures[k]),
                                     "null": figures[k] is None,
                                     # a 0% on-time rate is news, not an empty cell
                                     "zero": figures[k] == 0 and k != "on_time_rate"}
                                    for k in FIGURES]}


def _tables(kpis: WeeklyKpis, lang: str) -> list[dict[str, Any]]:
    tables = []
    for dim, values in kpis.by.items():
        rows = [_row(name, figs) for name, figs in values.items()]
        if dim in kpis.by_blank:
            rows.append(_row(say("weekly.blank", lang), kpis.by_blank[dim]))
        tables.append({"key": dim, "title": column(dim, lang), "rows": rows})
    return tables


# -- what the figures mean (the page's 说明 section and the workbook's 说明 sheet) -------------

def meaning(figure: str, kpis: WeeklyKpis, lang: str, due_soon_days: int | None = None) -> str:
    """What a figure counts, in one sentence (``definition.<figure>``)."""
    if figure == "due_soon" and due_soon_days is None:
        return say("definition.due_soon-setting", lang, as_of=kpis.as_of)
    return say(f"definition.{figure}", lang, as_of=kpis.as_of, days=due_soon_days)


def definitions(kpis: WeeklyKpis, lang: str, due_soon_days: int | None = None
                ) -> list[tuple[str, str]]:
    """(figure's name, what it counts) for every figure of the report, in FIGURES order."""
    return [(say(f"figure.{f}", lang), meaning(f, kpis, lang, due_soon_days)) for f in FIGURES]


def general_notes(kpis: WeeklyKpis, lang: str) -> list[str]:
    """The rules behind every figure: working days, age, rounding, the dash."""
    return [say(f"definition.{k}", lang, as_of=kpis.as_of)
            for k in ("workdays", "aging", "rounding", "dash")]


def _lifecycle_definitions(kpis: WeeklyKpis, lang: str, due_soon_days: int | None
                           ) -> dict[str, Any]:
    """The definitions with the lifecycle's figures after the others, for a register that has
    the lifecycle's columns (else nothing changes)."""
    if not has_lifecycle(kpis):
        return {}
    return {"definitions": definitions(kpis, lang, due_soon_days) + [
        (say(f"figure.{f}", lang), say(f"definition.{f}", lang)) for f in LIFECYCLE_FIGURES]}


def cross_view(table: CrossTable, lang: str) -> dict[str, Any]:
    """A cross table for the page: counts with their shares, totals, the weak spot."""
    def cell(n: int) -> dict[str, Any]:
        return {"n": n, "share": percent(table.share(n)) or NULL, "zero": n == 0}

    words = {"rows": say(f"field-word.{table.row_field}", lang),
             "cols": say(f"field-word.{table.col_field}", lang)}
    return {
        "key": table.key,
        "title": say("weekly.cross.title", lang, **words),
        "corner": column(table.row_field, lang),
        "cols": list(table.cols),
        "rows": [{"name": name, "cells": [cell(n) for n in counts], "total": cell(sum(counts))}
                 for name, counts in zip(table.rows, table.counts, strict=True)],
        "totals": [cell(n) for n in table.col_totals()],
        "total": cell(table.total),
        "weak_spot": table.weak_spot().say(lang),
        "blank": say("weekly.cross.blank", lang, n=table.blank, **words) if table.blank else "",
    }


def view(kpis: WeeklyKpis, lang: str | None = None,
         charts: Mapping[str, str] | None = None, due_soon_days: int | None = None
         ) -> dict[str, Any]:
    """The template context: every text and number already formatted for ``lang``.

    ``charts`` maps a chart name to the image source (a data: URI or ``cid:name``);
    ``due_soon_days`` (the settings' 到期提醒) goes into the definition of due soon.
    """
    lang = lang or kpis.lang
    effect = kpis.effect
    names = {k: say(f"figure.{k}", lang) for k in FIGURES}
    return {
        "lang": lang,
        "title": kpis.title(lang),
        "week": kpis.week_label,
        "week_start": kpis.week_start.isoformat(),
        "week_end": kpis.week_end.isoformat(),
        "as_of": kpis.as_of.isoformat(),
        "register": Path(kpis.register).name,
        "rows": kpis.rows,
        "filters": kpis.filter_text(lang),
        "window": "{} – {}".format(*kpis.trend_window),
        "week_cards": [_card(kpis, f, lang) for f in _HEADLINE_WEEK],
        "now_cards": [_card(kpis, f, lang) for f in _HEADLINE_NOW],
        "points": [p.text(lang) for p in kpis.hard_points],
        "figure_names": names,
        "figure_labels": list(names.values()),
        "tables": _tables(kpis, lang),
        "trend": [{"week": t["week"], "new": format_figure("new", t["new"]),
                   "closed": format_figure("closed", t["closed"]),
                   "on_time_rate": format_figure("on_time_rate", t["on_time_rate"])}
                  for t in kpis.trend],
        "aging": [{"bucket": b, "count": format_figure("open", kpis.aging[b])}
                  for b in AGING_BUCKETS],
        "aging_reason": kpis.reason("aging", lang),
        "effect": None if effect is None else {
            "closed": effect["closed"], "blank": effect["blank"],
            "counts": list(effect["counts"].items())},
        "effect_reason": kpis.reason("effect", lang),
        "most_overdue": [{**item, "moved": why} for item, why in
                         zip(kpis.most_overdue, moved_reasons(kpis, kpis.most_overdue, lang),
                             strict=True)],
        "overdue_reason": kpis.reason("overdue", lang),
        "repeats": kpis.repeats[:LIST_LIMIT],
        "repeats_total": len(kpis.repeats),
        "multi_sheet": kpis.multi_sheet,
        "reasons": kpis.reason_lines(lang),
        "notes": kpis.note_texts(lang),
        "charts": dict(charts or {}),
        "totals": {k: format_figure(k, v) for k, v in shown(kpis.totals).items()},
        "definitions_title": say("definition.title", lang),
        "definitions": definitions(kpis, lang, due_soon_days),
        "general_notes": general_notes(kpis, lang),
        "period_title": say("definition.period", lang),
        "cross_note": say("weekly.cross.note", lang),
        "cross_total": say("weekly.cross.total", lang),
        "cross": [] if kpis.cross is None else [cross_view(t, lang) for t in kpis.cross.tables],
        "cross_reason": kpis.reason("new", lang) if kpis.cross is not None
        and not kpis.cross.available else None,
        # None for a register without the lifecycle's columns: no section at all
        "lifecycle": lifecycle_view(kpis, lang),
    } | _lifecycle_definitions(kpis, lang, due_soon_days)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_page(kpis: WeeklyKpis, charts: Mapping[str, bytes], lang: str | None = None,
                override: str | Path | None = None, due_soon_days: int | None = None) -> str:
    """The page as one self-contained HTML document (charts embedded as data: URIs)."""
    lang = lang or kpis.lang
    context = view(kpis, lang, {k: _data_uri(v) for k, v in charts.items()}, due_soon_days)
    return render("weekly.html", context, lang=lang, override=override)


def summary_text(kpis: WeeklyKpis, lang: str | None = None,
                 override: str | Path | None = None) -> str:
    """The short plain-text summary: the command line's output and the draft's text part."""
    lang = lang or kpis.lang
    return render("weekly.txt", view(kpis, lang), lang=lang, override=override)
