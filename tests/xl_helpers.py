"""A real ``xw.Book`` without Excel: xlwings' remote engine over a workbook's cell values.

The remote engine (xlwings PRO, used here under its noncommercial licence, in tests
only) takes the JSON that xlwings' JavaScript clients send (book, names, sheets with
their values, dates as ISO strings) and records every write as an action in
``book.json()["actions"]``, which the tests assert. The product itself only uses the
BSD part of xlwings.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # before xlwings is first imported

import python_calamine as pc
import xlwings as xw

if "remote" not in [e.name for e in xw.engines]:
    # xlwings was imported before the licence key was set (another test module did):
    # register the remote engine the way xlwings' own __init__ does.
    from xlwings.pro import _xlremote

    xw.engines.add(xw.Engine(impl=_xlremote.engine))

from tests.conftest import write_value


def _json_value(value: Any) -> Any:
    """A cell value as the JavaScript clients send it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


def names_json(names: Mapping[str, str], sheets: Sequence[str]) -> list[dict[str, Any]]:
    """Book-scoped defined names (name -> "='Sheet'!$A$1:$B$9") as the JavaScript clients send them."""
    out = []
    for name, refers_to in names.items():
        sheet, _, cells = refers_to.removeprefix("=").rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        out.append({"name": name, "sheet_index": sheets.index(sheet), "address": cells.replace("$", ""),
                    "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None,
                    "refers_to": refers_to})
    return out


def file_names(path: Path) -> dict[str, str]:
    """A workbook file's book-scoped names that refer to one range (name -> "='Sheet'!$A$1")."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=False, keep_vba=True)
    return {name: "=" + d.attr_text for name, d in wb.defined_names.items()
            if d.localSheetId is None and "!" in d.attr_text and "(" not in d.attr_text}


def book_json(name: str, sheets: Mapping[str, Sequence[Sequence[Any]]],
              hidden: Sequence[str] = (), names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The remote engine's JSON for a workbook with these sheets (name -> rows) and names."""
    payload_sheets = []
    for sheet, rows in sheets.items():
        width = max((len(r) for r in rows), default=0)
        values = [[_json_value(v) for v in [*r, *([None] * (width - len(r)))]] for r in rows]
        payload_sheets.append({
            "name": sheet, "values": values or [[]], "pictures": [], "tables": [], "shapes": [],
            "charts": [], "notes": [], "visibility": "Hidden" if sheet in hidden else "Visible",
            "print_area": None,
        })
    return {
        "client": "Microsoft Office Scripts", "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": names_json(names or {}, list(sheets)), "sheets": payload_sheets,
    }


def file_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values of a workbook file, as Excel would hand them to xlwings."""
    wb = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    for meta in wb.sheets_metadata:
        rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        out[meta.name] = [[None if v == "" else v for v in row] for row in rows]
    return out


def remote_book(name: str | Path, sheets: Mapping[str, Sequence[Sequence[Any]]],
                hidden: Sequence[str] = (), names: Mapping[str, str] | None = None) -> xw.Book:
    """An ``xw.Book`` on the remote engine; ``name`` is what ``book.fullname`` says."""
    return xw.Book(json=book_json(str(name), sheets, hidden, names))


def actions(book: xw.Book, func: str | None = None) -> list[dict[str, Any]]:
    """The recorded actions (all, or those of one kind)."""
    recorded = book.json()["actions"]
    return [a for a in recorded if func is None or a["func"] == func]


def sheet_index(book: xw.Book, name: str) -> int:
    """The 0-based position the actions use for a sheet."""
    return [s.name for s in book.sheets].index(name)


def after_actions(book: xw.Book, before: Mapping[str, Sequence[Sequence[Any]]], folder: Path
                  ) -> tuple[dict[str, list[list[Any]]], list[str]]:
    """The sheets' values once Excel has applied the recorded writes and calculated.

    The writes (setValues, sheetClear, new sheets) are replayed into an .xlsx and
    LibreOffice calculates the formulas in it, as Excel would: the returned values
    are what the next button press would read. Also returns the hidden sheets.
    """
    import subprocess
    import tempfile

    import xlsxwriter

    names = [s.name for s in book.sheets]
    grids: dict[str, list[list[Any]]] = {n: [list(r) for r in before.get(n, [])] for n in names}
    hidden = [s.name for s in book.sheets if not s.visible]
    for action in book.json()["actions"]:
        if action["sheet_position"] is None:
            continue
        grid = grids[names[action["sheet_position"]]]
        if action["func"] == "sheetClear":
            grid.clear()
        elif action["func"] == "setValues":
            top, left = action["start_row"], action["start_column"]
            for i, row in enumerate(action["values"]):
                while len(grid) <= top + i:
                    grid.append([])
                target = grid[top + i]
                target.extend([None] * (left + len(row) - len(target)))
                # A leading apostrophe keeps text as text in Excel and is not part of the value.
                target[left:left + len(row)] = [None if v == "" else v[1:] if isinstance(v, str)
                                                and v.startswith("'") else v for v in row]
    source = folder / "replayed.xlsx"
    # use_future_functions writes SHEET() as _xlfn.SHEET, the way Excel stores it.
    wb = xlsxwriter.Workbook(str(source), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "use_future_functions": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name in names:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(grids[name]):
            for c, v in enumerate(row):
                write_value(ws, r, c, v, date_fmt, formulas=True)
    wb.close()
    out = folder / "calculated"
    with tempfile.TemporaryDirectory(prefix="lo-xl-") as profile:
        # LibreOffice keeps an .xlsx file's cached results unless told to recalculate on load.
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(RECALC_ON_LOAD, encoding="utf-8")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                       capture_output=True, timeout=180, check=True)
    return file_sheets(out / "replayed.xlsx"), hidden


RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""
