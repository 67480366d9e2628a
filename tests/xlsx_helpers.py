"""Workbooks written two ways, and what a user sees of one, for the xlsx writer tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from python_calamine import CalamineWorkbook

from complaint_xl.outputs.xlsx import open_workbook, write_table
from complaint_xl.outputs.xlsx_rows import fill_rows, table_later

__all__ = ["cells", "write_both"]


def write_both(tmp_path: Path, frame: pd.DataFrame, *, first_row: int = 2,
               below: str | None = None) -> tuple[Path, Path]:
    """The same table by write_table (every cell through XlsxWriter) and by table_later."""
    paths = []
    for how in ("cells", "rows"):
        path = tmp_path / f"{how}.xlsx"
        wb = open_workbook(path)
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        ws = wb.add_worksheet("列表")
        ws.write_string(0, 0, "title")
        kw: dict[str, Any] = {"first_row": first_row, "name": "T_x", "widths": {"文本": 40},
                              "formats": {"文本": wrap}}
        if how == "cells":
            last_row, _ = write_table(wb, ws, frame, **kw)
        else:
            last_row, _, pending = table_later(wb, ws, frame, **kw)
        if below is not None:
            ws.write_string(last_row + 2, 1, below)
        other = wb.add_worksheet("其他")
        write_table(wb, other, frame.iloc[:2, :2])
        wb.close()
        if how == "rows":
            fill_rows(path, [pending])
        paths.append(path)
    return paths[0], paths[1]


def cells(path: Path) -> dict[str, Any]:
    """Everything a user sees of a workbook, cell by cell, plus tables, widths and dimensions.

    Values as calamine reads them: like Excel and LibreOffice it undoes the _xHHHH_
    escapes of every string, where openpyxl undoes them in shared strings only. Per
    cell: type, number format, wrapping, font (name, underline), named style and link.
    """
    wb = openpyxl.load_workbook(path)
    book = CalamineWorkbook.from_path(str(path))
    seen: dict[str, Any] = {}
    for ws in wb.worksheets:
        values = book.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        seen[ws.title] = {
            "dimensions": ws.dimensions,
            "tables": {name: (t.ref, t.autoFilter.ref if t.autoFilter else None)
                       for name, t in dict(ws.tables).items()},
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "values": values,
            "cells": [[(c.data_type, c.number_format, c.alignment.wrap_text, c.alignment.vertical,
                        c.font.name, c.font.u, c.style,
                        (c.hyperlink.target, c.hyperlink.location) if c.hyperlink else None)
                       for c in row] for row in ws.iter_rows()],
        }
    return seen
