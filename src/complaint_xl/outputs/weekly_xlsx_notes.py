"""Two reading sheets of the weekly workbook: the cross analysis and the notes (说明).

The cross sheet shows the period's new complaints by customer attribute × type and by
type × support unit, counts and shares, under the sentence that names where they gather
(:mod:`complaint_xl.kpi.cross`). The notes sheet says what every figure counts, the rules
behind them (working days, rounding, the dash) and why a figure of this run is missing:
the same words as the page's 说明 section.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.cross import CrossTable
from complaint_xl.kpi.labels import column
from complaint_xl.outputs.weekly_html import definitions, general_notes
from complaint_xl.outputs.weekly_xlsx_formats import Formats, merged
from complaint_xl.outputs.xlsx import write_cell, write_text
from complaint_xl.words import say

__all__ = ["write_cross", "write_notes"]

_TEXT_COLS = 8
_COL_WIDTH = 13.0


def write_notes(ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats,
                due_soon_days: int | None = None) -> None:
    """Fill the notes sheet: definitions, general rules, then this run's reasons and notes."""
    ws.set_column(0, 0, 26.0)
    ws.set_column(1, 1, 90.0)
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_row(0, 26)
    ws.write_string(0, 0, f"{say('weekly.sheet.notes', lang)} — {kpis.title(lang)}", f.title)
    ws.merge_range(2, 0, 2, 1, say("definition.title", lang), f.section)
    r = 3
    for name, text in definitions(kpis, lang, due_soon_days):
        ws.write_string(r, 0, name, f.head)
        merged(ws, r, 1, 1, text, f.point, 90.0)
        r += 1
    r += 1
    for line in general_notes(kpis, lang):
        merged(ws, r, 0, 1, line, f.point, 58.0)
        r += 1
    lines = kpis.reason_lines(lang) + kpis.note_texts(lang)
    if lines:
        r += 1
        ws.merge_range(r, 0, r, 1, say("definition.period", lang), f.section)
        for line in lines:
            r += 1
            merged(ws, r, 0, 1, line, f.note, 58.0)


def _grid(ws: Worksheet, r: int, table: CrossTable, lang: str, f: Formats, shares: bool) -> int:
    """One block: header row, a row per value, the totals row; counts or shares."""
    total_word = say("weekly.cross.total", lang)
    ws.write_string(r, 0, column(table.row_field, lang), f.head)
    for j, name in enumerate([*table.cols, total_word], start=1):
        write_text(ws, r, j, name, f.head)
    body = [*zip(table.rows, table.counts, strict=True), (total_word, tuple(table.col_totals()))]
    for i, (name, counts) in enumerate(body, start=1):
        write_text(ws, r + i, 0, name, f.head if i == len(body) else f.cell)
        for j, n in enumerate([*counts, sum(counts)], start=1):
            write_cell(ws, r + i, j, table.share(n) if shares else n, f.share if shares else f.num)
    return r + len(body) + 1


def write_cross(ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats) -> None:
    """Fill the cross sheet: per table its weak spot, the counts, then the shares."""
    ws.set_column(0, 0, 18.0)
    ws.set_column(1, 60, 10.0)
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_row(0, 26)
    ws.write_string(0, 0, f"{say('weekly.sheet.cross', lang)} — {kpis.title(lang)}", f.title)
    merged(ws, 1, 0, _TEXT_COLS - 1, say("weekly.cross.note", lang), f.note, _COL_WIDTH)
    r = 3
    cross = kpis.cross
    if cross is None or not cross.available:
        ws.write_string(r, 0, kpis.reason("new", lang) or "", f.note)
        return
    for table in cross.tables:
        words = {"rows": say(f"field-word.{table.row_field}", lang),
                 "cols": say(f"field-word.{table.col_field}", lang)}
        ws.merge_range(r, 0, r, _TEXT_COLS - 1, say("weekly.cross.title", lang, **words), f.section)
        merged(ws, r + 1, 0, _TEXT_COLS - 1, table.weak_spot().say(lang), f.point, _COL_WIDTH)
        r += 2
        if table.blank:
            merged(ws, r, 0, _TEXT_COLS - 1, say("weekly.cross.blank", lang, n=table.blank, **words),
                   f.note, _COL_WIDTH)
            r += 1
        if table.rows:
            r = _grid(ws, r, table, lang, f, shares=False) + 1
            ws.write_string(r, 0, say("weekly.cross.shares", lang, **words), f.subtitle)
            r = _grid(ws, r + 1, table, lang, f, shares=True)
        r += 1
