"""The register workbook's look: its colours and cell formats, shared by every sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = ["CLOSED", "DUE_SOON", "HIGHLIGHT", "OVERDUE", "PAUSED", "Formats", "formats", "printable",
           "ref"]

HIGHLIGHT: Final[dict[str, str]] = {"error": "#FFFF00", "warning": "#BDD7EE"}
"""Fill colours the 校验 button marks cells with (see complaint_xl.xl.buttons)."""
OVERDUE = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
DUE_SOON = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
CLOSED = {"font_color": "#808080"}
PAUSED = {"bg_color": "#E4DFEC", "font_color": "#5B3C88"}
"""Waiting for the customer (暂停): neither overdue nor due soon, in a colour of its own."""


def ref(sheet: str, cell: str) -> str:
    """A cell reference on ``sheet``, quoted for Excel formulas."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


@dataclass
class Formats:
    """The workbook's cell formats, made once per workbook."""

    title: Format
    header: Format
    note: Format
    hint: Format
    left: Format
    date: Format
    text: Format
    wrap: Format
    head: Format
    legend: dict[str, Format]


def formats(wb: Workbook) -> Formats:
    """Every format the sheets use, in the team's font."""
    def fmt(**props: Any) -> Format:
        return wb.add_format({"font_name": "Microsoft YaHei", **props})

    return Formats(
        title=fmt(bold=True, font_size=15, valign="vcenter"),
        header=fmt(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, valign="top"),
        note=fmt(italic=True, font_color="#595959", text_wrap=True, valign="top"),
        hint=fmt(italic=True, font_color="#595959", valign="vcenter"),
        left=fmt(align="left"),
        date=fmt(num_format="yyyy-mm-dd"),
        text=fmt(num_format="@"),
        wrap=fmt(text_wrap=True, valign="top"),
        head=fmt(bold=True, font_size=12, font_color="#1F4E79"),
        legend={
            "overdue": fmt(**OVERDUE, border=1, align="center"),
            "due_soon": fmt(**DUE_SOON, border=1, align="center"),
            "paused": fmt(**PAUSED, border=1, align="center"),
            "closed": fmt(**CLOSED, border=1, align="center"),
            "error": fmt(bg_color=HIGHLIGHT["error"], border=1, align="center"),
            "warning": fmt(bg_color=HIGHLIGHT["warning"], border=1, align="center"),
        },
    )


def printable(ws: Worksheet) -> None:
    """Landscape A4, one page wide: a sheet prints whole in width."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


