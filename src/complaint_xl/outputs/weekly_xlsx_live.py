"""The weekly workbook's live KPIs (筛选统计): headline figures that follow the 明细 table's filter.

Each count is ``SUBTOTAL(109, T_detail[<0/1 column>])``: SUBTOTAL with 109 adds only the
rows a filter (or the user) leaves visible, in Excel, WPS and LibreOffice alike, so a
manager filters the detail by owner, type, support unit or customer attribute and reads
that selection's figures without another run. The rate is the ratio of two of them.
LibreOffice evaluates the table references of an XlsxWriter file on load
(tests/test_weekly_live.py recalculates the workbook with rows hidden as a filter hides
them), and a reference grows with the table, so the formulas name the table rather than
a fixed range. Each formula carries its value for the unfiltered table, so a viewer that
does not recalculate still shows the report's numbers; the cells have the defined names
``kpi_<figure>``. These are the only formulas the product writes: every other cell,
user text above all, is a value.
"""

from __future__ import annotations

from typing import Final

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.rates import on_time_rate
from complaint_xl.outputs.weekly_html import NULL, meaning
from complaint_xl.outputs.weekly_xlsx_detail import DETAIL_TABLE, count_header
from complaint_xl.outputs.weekly_xlsx_formats import Formats, merged
from complaint_xl.outputs.xlsx import write_cell
from complaint_xl.words import say

__all__ = ["LIVE_FIGURES", "LIVE_NAMES", "write_live"]

LIVE_FIGURES: Final[tuple[str, ...]] = (
    "new", "closed", "closed_on_time", "on_time_rate", "open", "overdue", "due_soon")
"""The live figures, in the summary's order: the week's, then as of the run's day."""
LIVE_NAMES: Final[dict[str, str]] = {f: f"kpi_{f}" for f in LIVE_FIGURES}
"""Figure -> the defined name of its live cell."""
_FIRST: Final[int] = 5
"""Sheet row (0-based) of the first figure; the header is the row above."""
_WIDTHS: Final[tuple[float, ...]] = (16.0, 14.0, 14.0, 64.0)


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def write_live(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats,
               detail_name: str, detail_rows: int, due_soon_days: int | None = None) -> None:
    """Fill the live sheet: per figure its name, the formula, the report's value, its meaning.

    ``detail_name`` and ``detail_rows`` are the detail sheet's name and row count (for the
    explanation); the formulas reference the table, whatever its sheet is called.
    """
    for c, width in enumerate(_WIDTHS):
        ws.set_column(c, c, width)
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, len(_WIDTHS) - 1, f"{say('weekly.sheet.live', lang)} — {kpis.title(lang)}",
                   f.title)
    width = sum(_WIDTHS) / len(_WIDTHS)
    merged(ws, 1, 0, len(_WIDTHS) - 1, say("weekly.live.explain", lang, detail=detail_name),
           f.point, width)
    merged(ws, 2, 0, len(_WIDTHS) - 1, say("weekly.live.rows", lang, detail=detail_name,
                                           rows=detail_rows, as_of=kpis.as_of), f.note, width)
    for c, key in enumerate(("figure", "filtered", "report", "meaning")):
        ws.write_string(_FIRST - 1, c, say(f"weekly.live.{key}", lang), f.head)
    row_of = {figure: _FIRST + i for i, figure in enumerate(LIVE_FIGURES)}
    sheet = _quote(ws.get_name())
    for figure, r in row_of.items():
        ws.set_row(r, 30)
        ws.write_string(r, 0, say(f"figure.{figure}", lang), f.label)
        value = kpis.totals[figure]
        rate = figure == "on_time_rate"
        fmt, shown = (f.big_rate, f.shown_rate) if rate else (f.big, f.shown)
        if figure in kpis.unavailable:  # no formula: the reason is below and on the 说明 sheet
            ws.write_string(r, 1, NULL, f.big_null)
            ws.write_string(r, 2, NULL, f.shown)
        elif rate:
            closed = xl_rowcol_to_cell(row_of["closed"], 1)
            on_time = xl_rowcol_to_cell(row_of["closed_on_time"], 1)
            exact = on_time_rate(kpis.totals)
            ws.write_formula(r, 1, f'=IF({closed}=0,"",{on_time}/{closed})', fmt,
                             "" if exact is None else exact)
            write_cell(ws, r, 2, exact, shown)
        else:
            column = count_header(figure, lang)
            ws.write_formula(r, 1, f"=SUBTOTAL(109,{DETAIL_TABLE}[{column}])", fmt, value)
            ws.write_number(r, 2, value, shown)
        ws.write_string(r, 3, meaning(figure, kpis, lang, due_soon_days), f.point)
        wb.define_name(LIVE_NAMES[figure], f"={sheet}!{xl_rowcol_to_cell(r, 1, True, True)}")
    reasons = kpis.reason_lines(lang)
    for i, line in enumerate(reasons):
        merged(ws, _FIRST + len(LIVE_FIGURES) + 1 + i, 0, len(_WIDTHS) - 1, line, f.note, width)
