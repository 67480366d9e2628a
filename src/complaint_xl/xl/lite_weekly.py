"""The xlwings Lite 周报 script's result: the weekly summary sheet with its tables and charts."""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xlwings as xw

from complaint_xl.words import known, listing, say
from complaint_xl.xl.blocks import (
    as_text,
    runs,
)
from complaint_xl.xl.lite_io import (
    CHART_COLUMN,
    CHART_ROWS,
    FONT_FOLDERS,
    Caught,
    LiteError,
    as_of_day,
    read_book,
    result_sheet,
    run_job,
    style_rows,
)

__all__ = [
    "report_book",
]

# -- 周报 -------------------------------------------------------------------------------------

def report_book(book: xw.Book, *, today: dt.date | None = None, week: str | None = None,
                lang: str = "zh") -> dict[str, Any]:
    """The 周报 sheet: headline figures, hard points, trend, breakdowns and ageing, with the
    charts as pictures (drawn with the font complaint_xl ships: Lite's Python has none);
    returns ``report --json`` (the same document as :func:`complaint_xl.grid.report`)."""
    from complaint_xl.kpi.weeks import parse_week

    day = as_of_day(today)
    chosen = None
    if week and week.strip():
        try:
            chosen = parse_week(week.strip())
        except ValueError:
            raise LiteError(say("lite.bad-week", lang, week=week)) from None
    sheet_name, values, settings, notes = read_book(book, lang)
    kpis, caught = _weekly(values, day, chosen, settings, lang, sheet_name)
    document = {**kpis.to_json(), "register": sheet_name}

    figures = list(document["totals"])
    rows: list[list[Any]] = [[as_text(document["title"])],
                             [say("lite.weekly-week", lang, week=document["week"], as_of=day.isoformat())],
                             *([as_text(n)] for n in [*notes, *caught.lines(lang)]), []]
    bold = [1]
    percent: list[tuple[int, int]] = []

    def table(title: str, head: list[str], body: list[list[Any]], rate_col: int | None = None) -> None:
        rows.append([title])
        bold.append(len(rows))
        rows.append(head)
        bold.append(len(rows))
        if rate_col is not None:
            percent.extend((len(rows) + 1 + i, rate_col) for i in range(len(body)))
        rows.extend(body)
        rows.append([])

    labels = [_figure_label(f, lang) for f in figures]
    rate = figures.index("on_time_rate") + 1 if "on_time_rate" in figures else None
    table(say("lite.weekly-figures", lang), labels, [[_cell(document["totals"][f]) for f in figures]], rate)
    rows.append([say("lite.weekly-hard-points", lang)])
    bold.append(len(rows))
    rows += [[as_text(p["text"])] for p in document["hard_points"]] or [[say("lite.weekly-no-points", lang)]]
    rows.append([])
    trend = document["trend"]
    trend_figures = [k for k in trend[0] if k != "week"] if trend else []
    table(say("lite.weekly-trend", lang),
          [say("lite.weekly-week-col", lang), *(_figure_label(k, lang) for k in trend_figures)],
          [[w["week"], *(_cell(w[k]) for k in trend_figures)] for w in trend],
          trend_figures.index("on_time_rate") + 2 if "on_time_rate" in trend_figures else None)
    for dim in ("type", "support_unit"):
        groups = document["by"].get(dim) or {}
        if groups:
            table(say("lite.weekly-by", lang, dim=say(f"field.{dim}", lang)),
                  [say(f"field.{dim}", lang), *labels],
                  [[as_text(name), *(_cell(g.get(f)) for f in figures)] for name, g in groups.items()],
                  rate + 1 if rate else None)
    aging = document["aging"]
    if aging and all(v is not None for v in aging.values()):
        table(say("lite.weekly-aging", lang), list(aging), [list(aging.values())])
    reasons = _reason_lines(document, lang)
    chart_note = _charts_note(lang)
    charts, chart_warnings = ({}, []) if chart_note else _draw_charts(kpis, lang)
    lines = [*reasons, *(n["message"] for n in document["notes"]),
             *([say("lite.weekly-no-charts", lang, reason=chart_note)] if chart_note else []),
             *chart_warnings]
    if lines:
        rows.append([say("lite.weekly-notes", lang)])
        bold.append(len(rows))
        rows += [[as_text(n)] for n in lines]

    sheet, width = result_sheet(book, say("lite.weekly-sheet", lang), rows)
    style_rows(sheet, bold, min(width, CHART_COLUMN - 1))
    for first, col, n in runs(percent):
        sheet.range((first, col), (first + n - 1, col)).number_format = "0.0%"
    sheet.range((1, 1)).column_width = 24
    if charts:
        _add_charts(sheet, charts)
    sheet.activate()
    print(rows[0][0])
    return document


def _weekly(values: list[list[Any]], day: dt.date, week: tuple[int, int] | None,
            settings: Mapping[str, list[list[Any]]], lang: str, sheet: str) -> tuple[Any, Caught]:
    """The weekly KPIs object that :func:`complaint_xl.grid.report` makes its document of
    (the charts need the object), read the same way."""
    from complaint_xl.grid import weekly_kpis

    def job() -> Any:
        return weekly_kpis(values, today=day, week=week, settings=settings, lang=lang, sheet=sheet)

    return run_job(job)


def _figure_label(name: str, lang: str) -> str:
    for key in (f"figure.{name}", f"part.{name}"):
        if known(key):
            return say(key, lang)
    return name


def _cell(value: Any) -> Any:
    """A figure for a cell: numbers as numbers, an unavailable one as a dash."""
    return "—" if value is None else value


def _reason_lines(document: Mapping[str, Any], lang: str) -> list[str]:
    """One line per reason a figure is unavailable, naming the figures it concerns."""
    groups: dict[str, list[str]] = {}
    for figure, reason in (document.get("unavailable") or {}).items():
        groups.setdefault(reason, []).append(_figure_label(figure, lang))
    return [say("kpi.reason-line", lang, figures=listing(figs), reason=reason)
            for reason, figs in groups.items()]


def _charts_note(lang: str) -> str | None:
    """Why the charts cannot be drawn here, or None when they can. A font imported through
    Lite's Files menu (in ``/data``) is used before the packaged one, e.g. for rare hanzi."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return say("lite.no-matplotlib", lang)
    from matplotlib import font_manager

    from complaint_xl.outputs.charts import cjk_font

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for folder in FONT_FOLDERS:
        if Path(folder).is_dir():
            for path in Path(folder).iterdir():
                if path.suffix.lower() in (".ttf", ".otf", ".ttc") and str(path) not in known:
                    font_manager.fontManager.addfont(str(path))
                    cjk_font.cache_clear()
    return None if cjk_font() else say("lite.no-chart-font", lang)


def _draw_charts(kpis: Any, lang: str) -> tuple[dict[str, bytes], list[str]]:
    """The report's charts as PNG bytes, and what their font warning says (for the notes)."""
    from complaint_xl.errors import warning_text
    from complaint_xl.outputs.charts import ChartFontWarning, report_charts

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = report_charts(kpis, lang)
    return charts, [warning_text(w.message, lang) for w in caught
                    if isinstance(w.message, ChartFontWarning)]


def _add_charts(sheet: xw.Sheet, charts: Mapping[str, bytes]) -> None:
    """The charts as pictures right of the tables; a rerun replaces them in place."""
    # Pictures are added from a file: Pyodide's file system lives in memory, not on disk.
    with tempfile.TemporaryDirectory(prefix="cxl-lite-") as folder:
        for i, (name, png) in enumerate(charts.items()):
            path = Path(folder) / f"{name}.png"
            path.write_bytes(png)
            sheet.pictures.add(str(path), name=f"cxl_{name}", update=True,
                               anchor=sheet.range((1 + i * CHART_ROWS, CHART_COLUMN)))


