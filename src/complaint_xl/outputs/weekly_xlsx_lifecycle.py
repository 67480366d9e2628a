"""The lifecycle section of the weekly workbook's summary sheet (受理、结案与回访).

What :func:`~complaint_xl.outputs.weekly_lifecycle.lifecycle_view` says, laid out like the
rest of the summary sheet: the week's figures and those as of today, satisfaction, the
lists (abnormal closures with their reasons, dissatisfied customers, follow-ups due,
extensions) and the key accounts beside the other customers. Written only for a register
with the lifecycle's columns; register text stays text (``write_cell``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.outputs.weekly_xlsx_formats import Formats, merged, text_width
from complaint_xl.outputs.xlsx import write_cell

__all__ = ["write_lifecycle"]


def _figures(ws: Worksheet, r: int, head: str, cards: list[dict[str, Any]], group: Any,
             f: Formats, rate: Any) -> int:
    """A group header over the figures' labels, and their values below; the next free row."""
    if len(cards) > 1:
        ws.merge_range(r, 0, r, len(cards) - 1, head, group)
    else:
        ws.write_string(r, 0, head, group)
    ws.set_row(r + 1, 30)
    for c, card in enumerate(cards):
        ws.write_string(r + 1, c, card["label"], f.label)
        value = card["value"]
        if value is None:
            ws.write_string(r + 2, c, card["text"], f.num)
        else:
            ws.write_number(r + 2, c, value, rate if card["key"].endswith("_rate") else f.num)
    return r + 3


def write_lifecycle(wb: Workbook, ws: Worksheet, r: int, view: dict[str, Any], f: Formats,
                    last: int, col_width: float) -> int:
    """Write the section from row ``r`` across columns 0..``last``; the next free row."""
    rate = wb.add_format({"num_format": "0.0%", "align": "center", "border": 1})
    bold = wb.add_format({"bold": True, "font_color": "#1F3864"})
    text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    ws.merge_range(r, 0, r, last, view["title"], f.section)
    r = _figures(ws, r + 1, view["week_title"], view["week"], f.group, f, rate)
    r = _figures(ws, r, view["now_title"], view["now"], f.group_now, f, rate)
    for line in view["reasons"]:
        merged(ws, r, 0, last, line, f.note, col_width)
        r += 1
    r += 1
    sat = view["satisfaction"]
    if sat:
        ws.write_string(r, 0, sat["title"], bold)
        for c, (head, n) in enumerate(zip(sat["heads"], sat["counts"], strict=True)):
            ws.write_string(r + 1, c, head, f.head)
            ws.write_number(r + 2, c, n, f.num)
        r += 4
    for part in view["lists"]:
        ws.write_string(r, 0, part["title"], bold)
        r += 1
        if not part["rows"]:
            ws.write_string(r, 0, part["empty"], f.note)
            r += 2
            continue
        end = len(part["heads"]) - 1  # the last column (the longest text) runs to ``last``
        for c, head in enumerate(part["heads"]):
            ws.write_string(r, c, head, f.head)
        if end < last:
            ws.merge_range(r, end, r, last, part["heads"][end], f.head)
        for row in part["rows"]:
            r += 1
            if end < last:
                ws.merge_range(r, end, r, last, "", text)
            lines = 1
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), f.date)
                    continue
                write_cell(ws, r, c, value, f.num if isinstance(value, int) else text)
                if isinstance(value, str):  # wrapped: the row grows to show all of it
                    width = col_width * ((last - end + 1) if c == end else 1) - 1
                    lines = max(lines, math.ceil(text_width(value) / width))
            if lines > 1:
                ws.set_row(r, 15.5 * lines + 2)
        r += 1
        if part["more"]:
            ws.write_string(r, 0, part["more"], f.note)
            r += 1
        r += 1
    key = view["key_accounts"]
    ws.write_string(r, 0, key["title"], bold)
    ws.set_row(r + 1, 30)
    ws.write_string(r + 1, 0, key["corner"], f.head)
    for c, head in enumerate(key["heads"], start=1):
        ws.write_string(r + 1, c, head, f.head)
    r += 2
    for row in key["rows"]:
        ws.write_string(r, 0, row["name"], f.cell)
        for c, cell in enumerate(row["cells"], start=1):
            if cell["value"] is None:
                ws.write_string(r, c, cell["text"], f.num)
            else:
                ws.write_number(r, c, cell["value"], rate if cell["rate"] else f.num)
        r += 1
    merged(ws, r, 0, last, key["note"], f.note, col_width)
    return r + 1
