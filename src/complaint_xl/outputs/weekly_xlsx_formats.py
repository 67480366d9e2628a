"""Cell formats and the subtitle shared by the sheets of the weekly workbook."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.outputs.xlsx import write_text
from complaint_xl.words import say

__all__ = ["Formats", "merged", "subtitle", "text_width"]


class Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: Workbook) -> None:
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.subtitle = add({"font_color": "#595959"})
        self.section = add({"bold": True, "font_size": 12, "font_color": "#1F3864", "bottom": 2,
                            "bottom_color": "#1F3864"})
        self.group = add({"bold": True, "align": "center", "bg_color": "#D9E1F2", "border": 1})
        self.group_now = add({"bold": True, "align": "center", "bg_color": "#FCE4D6", "border": 1})
        self.label = add({"align": "center", "valign": "vcenter", "text_wrap": True,
                          "bg_color": "#F2F2F2", "border": 1, "font_size": 10})
        big = {"bold": True, "font_size": 20, "align": "center", "valign": "vcenter", "border": 1}
        self.big = add({**big, "num_format": "0"})
        self.big_days = add({**big, "num_format": "0.0"})
        self.big_rate = add({**big, "num_format": "0.0%"})
        self.big_bad = add({**big, "num_format": "0", "font_color": "#C00000"})
        self.big_null = add({**big, "font_color": "#808080"})
        self.small = add({"align": "center", "font_size": 9, "font_color": "#595959",
                          "text_wrap": True, "valign": "top"})
        self.point = add({"text_wrap": True, "valign": "top"})
        self.num = add({"num_format": "0", "align": "center", "border": 1})
        self.head = add({"bold": True, "bg_color": "#F2F2F2", "border": 1, "align": "center",
                         "text_wrap": True})
        self.cell = add({"border": 1})
        self.date = add({"num_format": "yyyy-mm-dd", "border": 1})
        self.note = add({"font_color": "#7F6000", "text_wrap": True, "valign": "top"})
        self.rate = add({"num_format": "0.0%"})
        self.days = add({"num_format": "0.0"})
        self.int = add({"num_format": "0"})
        shown = {"align": "center", "valign": "vcenter", "border": 1, "font_color": "#595959"}
        self.shown = add({**shown, "num_format": "0"})
        self.shown_rate = add({**shown, "num_format": "0.0%"})
        self.share = add({"num_format": "0.0%", "align": "center", "border": 1})


def text_width(text: str) -> int:
    """Columns a text takes in a cell: CJK characters are two wide (for row heights)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def merged(ws: Worksheet, row: int, first: int, last: int, value: str, fmt: Any,
           col_width: float, min_height: float = 15.0) -> None:
    """A wrapped text across merged columns, with a row height that shows all of it."""
    lines = max(1, math.ceil(text_width(value) / (col_width * (last - first + 1))))
    ws.set_row(row, max(min_height, 15.5 * lines + 2))
    if last > first:
        ws.merge_range(row, first, row, last, "", fmt)
    write_text(ws, row, first, value, fmt)


def subtitle(kpis: WeeklyKpis, lang: str) -> str:
    """The line under a sheet's title: the as-of day, the register's file name, its size."""
    return say("weekly.subtitle", lang, as_of=kpis.as_of, name=Path(kpis.register).name,
               rows=kpis.rows)
