"""The summary sheet of the weekly workbook, laid out to be read on a projector.

Headline figures with last week's beside them, the hard points for the meeting, aging,
the effect of the week's closures, the most overdue items, the lifecycle section (a
register with the lifecycle's columns only: :mod:`.weekly_xlsx_lifecycle`), and native
charts that read the trend and breakdown sheets.
"""

from __future__ import annotations

import math
from typing import Final

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.deadlines import passed_text
from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.labels import AGING_BUCKETS, column
from complaint_xl.kpi.rates import on_time_rate, percent
from complaint_xl.outputs.weekly_lifecycle import lifecycle_view, moved_reasons
from complaint_xl.outputs.weekly_xlsx_formats import Formats, merged, subtitle
from complaint_xl.outputs.weekly_xlsx_lifecycle import write_lifecycle
from complaint_xl.outputs.xlsx import write_cell, write_text
from complaint_xl.words import say

__all__ = ["HEADLINE", "WEEK_FIGURES", "write_summary"]

HEADLINE: Final[tuple[str, ...]] = (
    "new", "closed", "closed_on_time", "on_time_rate", "median_resolution_workdays",
    "mean_resolution_workdays", "open", "overdue", "due_soon",
)
"""The headline figures in the order a meeting reads them: the week, then as of today."""
WEEK_FIGURES: Final[int] = 6
"""The first six headline figures are about the report week, the rest as of today."""
_SUMMARY_COLS = len(HEADLINE)
_COL_WIDTH = 14.0


def _headline_value(ws: Worksheet, row: int, col: int, kpis: WeeklyKpis, figure: str,
                    f: Formats) -> None:
    value = on_time_rate(kpis.totals) if figure == "on_time_rate" else kpis.totals[figure]
    if value is None:
        ws.write_string(row, col, "—", f.big_null)
    elif figure == "on_time_rate":
        ws.write_number(row, col, value, f.big_rate)
    elif figure.endswith("_workdays"):
        ws.write_number(row, col, value, f.big_days)
    elif figure == "overdue" and value > 0:
        ws.write_number(row, col, value, f.big_bad)
    else:
        ws.write_number(row, col, value, f.big)


def _headline_hint(kpis: WeeklyKpis, figure: str, lang: str) -> str:
    """The small line under a figure: last week's value, or why it is missing."""
    if figure in kpis.unavailable:
        return say("weekly.summary.unavailable", lang)
    if figure == "on_time_rate" and kpis.totals["closed"] == 0:
        return say("weekly.summary.no-closures", lang)
    prev = kpis.trend[-2] if len(kpis.trend) > 1 else None
    if prev and figure in ("new", "closed", "on_time_rate") and prev[figure] is not None:
        v = prev[figure]
        return say("weekly.last-week", lang, value=percent(v) if figure == "on_time_rate" else str(v))
    return ""


def write_summary(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats,
                  names: dict[str, str]) -> None:
    """Fill the summary sheet; ``names`` are the workbook's sheet names, which the charts read."""
    last = _SUMMARY_COLS - 1
    ws.set_column(0, last, _COL_WIDTH)
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, last, kpis.title(lang), f.title)
    ws.merge_range(1, 0, 1, last, subtitle(kpis, lang), f.subtitle)
    r = 3
    week_head = say("weekly.summary.week", lang, week=kpis.week_label)
    now_head = say("weekly.summary.as-of", lang, as_of=kpis.as_of)
    ws.merge_range(r, 0, r, WEEK_FIGURES - 1, week_head, f.group)
    ws.merge_range(r, WEEK_FIGURES, r, last, now_head, f.group_now)
    ws.set_row(r + 1, 30)
    for c, figure in enumerate(HEADLINE):
        ws.write_string(r + 1, c, say(f"figure.{figure}", lang), f.label)
    ws.set_row(r + 2, 36)
    for c, figure in enumerate(HEADLINE):
        _headline_value(ws, r + 2, c, kpis, figure, f)
    for c, figure in enumerate(HEADLINE):
        ws.write_string(r + 3, c, _headline_hint(kpis, figure, lang), f.small)
    r += 5
    ws.merge_range(r, 0, r, last, say("weekly.summary.points", lang), f.section)
    r += 1
    for i, point in enumerate(kpis.hard_points, 1):
        merged(ws, r, 0, last, f"{i}. {point.text(lang)}", f.point, _COL_WIDTH)
        r += 1
    r += 1
    r = _write_aging_effect(ws, r, kpis, lang, f)
    r += 1
    r = _write_most_overdue(ws, r, kpis, lang, f)
    r += 1
    lifecycle = lifecycle_view(kpis, lang)
    if lifecycle is not None:
        r = write_lifecycle(wb, ws, r, lifecycle, f, last, _COL_WIDTH) + 1
    notes = kpis.reason_lines(lang) + kpis.note_texts(lang)
    if notes:
        ws.merge_range(r, 0, r, last, say("weekly.summary.notes", lang), f.section)
        r += 1
        for line in notes:
            merged(ws, r, 0, last, line, f.note, _COL_WIDTH)
            r += 1
    _insert_charts(wb, ws, kpis, lang, names)


def _write_aging_effect(ws: Worksheet, r: int, kpis: WeeklyKpis, lang: str, f: Formats) -> int:
    ws.merge_range(r, 0, r, 3, say("weekly.summary.aging", lang), f.section)
    ws.merge_range(r, 5, r, 8, say("weekly.summary.effect", lang), f.section)
    effect = kpis.effect
    heads: list[str] = []
    values: list[int | None] = []
    if effect is not None:
        heads = [*effect["counts"], say("weekly.summary.effect-blank", lang)]
        values = [*effect["counts"].values(), effect["blank"]]
    for c, b in enumerate(AGING_BUCKETS):
        ws.write_string(r + 1, c, b, f.head)
    if effect is None:
        ws.merge_range(r + 1, 5, r + 1, 8, kpis.reason("effect", lang) or "", f.note)
    for c, h in enumerate(heads[:4]):
        ws.write_string(r + 1, 5 + c, h, f.head)
    for c, b in enumerate(AGING_BUCKETS):
        v = kpis.aging[b]
        write_cell(ws, r + 2, c, "—" if v is None else v, f.num)
    for c, v in enumerate(values[:4]):
        write_cell(ws, r + 2, 5 + c, v, f.num)
    return r + 3


def _write_most_overdue(ws: Worksheet, r: int, kpis: WeeklyKpis, lang: str, f: Formats) -> int:
    items = kpis.most_overdue
    ws.merge_range(r, 0, r, _SUMMARY_COLS - 1, say("weekly.summary.most-overdue", lang), f.section)
    r += 1
    if not items:
        reason = kpis.reason("overdue", lang)
        ws.write_string(r, 0, reason or say("weekly.summary.none-overdue", lang), f.note)
        return r + 1
    # The customer goes last, across the remaining columns: names are the longest text.
    cols = ["row", "seq", "type", "owner", "support_unit", "deadline", "workdays_overdue"]
    moved = moved_reasons(kpis, items, lang)  # why a deadline moved: a note on its cell
    if kpis.multi_sheet:
        cols.insert(0, "sheet")
    last = _SUMMARY_COLS - 1
    for c, key in enumerate(cols):
        ws.write_string(r, c, column(key, lang), f.head)
    ws.merge_range(r, len(cols), r, last, column("customer", lang), f.head)
    for item, why in zip(items, moved, strict=True):
        r += 1
        for c, key in enumerate(cols):
            v = item[key]
            if key == "deadline" and v:
                ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), f.date)
                if why:
                    ws.write_comment(r, c, why)
            elif key == "workdays_overdue" and v == 0:  # a day off right after the deadline
                write_cell(ws, r, c, passed_text(item["deadline"], lang), f.cell)
            else:
                write_cell(ws, r, c, v, f.num if key in ("row", "seq", "workdays_overdue") else f.cell)
        ws.merge_range(r, len(cols), r, last, "", f.cell)
        write_text(ws, r, len(cols), item["customer"] or "", f.cell)
    return r + 1


def _insert_charts(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, lang: str,
                   names: dict[str, str]) -> None:
    """Native charts beside the summary, reading the trend and breakdown tables."""
    n = len(kpis.trend)
    trend = _quote(names["trend"])
    columns = wb.add_chart({"type": "column"})
    columns.add_series({"name": say("figure.new", lang), "categories": f"={trend}!$A$4:$A${3 + n}",
                        "values": f"={trend}!$B$4:$B${3 + n}", "fill": {"color": "#4472C4"}})
    if "closed" not in kpis.unavailable:
        columns.add_series({"name": say("figure.closed", lang),
                            "categories": f"={trend}!$A$4:$A${3 + n}",
                            "values": f"={trend}!$C$4:$C${3 + n}", "fill": {"color": "#70AD47"}})
        line = wb.add_chart({"type": "line"})
        line.add_series({"name": say("figure.on_time_rate", lang),
                         "categories": f"={trend}!$A$4:$A${3 + n}",
                         "values": f"={trend}!$D$4:$D${3 + n}", "y2_axis": True,
                         "line": {"color": "#C00000", "width": 2.25},
                         "marker": {"type": "circle", "size": 6,
                                    "fill": {"color": "#C00000"}, "border": {"color": "#C00000"}}})
        line.set_y2_axis({"num_format": "0%", "min": 0, "max": 1})
        columns.combine(line)
    columns.set_title({"name": say("weekly.trend", lang)})
    columns.set_legend({"position": "bottom"})
    columns.set_y_axis({"major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    columns.set_size({"width": 620, "height": 300})
    ws.insert_chart(2, _SUMMARY_COLS + 1, columns)
    row = 18
    for dim in ("type", "support_unit"):
        values = kpis.by.get(dim, {})
        count = len(values) + (1 if dim in kpis.by_blank else 0)
        sheet = _quote(names[f"by_{dim}"])
        bar = wb.add_chart({"type": "bar"})
        for col, figure, color in (("B", "new", "#4472C4"), ("F", "open", "#A5A5A5"),
                                   ("G", "overdue", "#ED7D31")):
            label = say(f"figure.{figure}", lang)
            if figure == "new":
                label = say("weekly.this-week", lang, figure=label)
            bar.add_series({"name": label, "categories": f"={sheet}!$A$5:$A${4 + max(count, 1)}",
                            "values": f"={sheet}!${col}$5:${col}${4 + max(count, 1)}",
                            "fill": {"color": color}})
        bar.set_title({"name": say("weekly.sheet.by", lang, label=column(dim, lang))})
        bar.set_y_axis({"reverse": True})
        bar.set_legend({"position": "bottom"})
        height = max(300, 90 + 42 * count)
        bar.set_size({"width": 620, "height": height})
        ws.insert_chart(row, _SUMMARY_COLS + 1, bar)
        row += math.ceil(height / 20) + 1


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
