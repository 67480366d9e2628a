"""What a person sees in the workbooks (issue 17): long texts wrap, titles fit their rows,
the findings' links open on Windows and macOS, and the by-owner sheet names the rules.

Row heights are checked as written: an explicit height that fits the title's font, since
Excel and LibreOffice keep a row's default 15 points when nothing says otherwise (the
LibreOffice rendering of the titles was looked at when this was written: a 16-pt title in
a 15-pt row loses the tops of its characters).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path, PurePosixPath, PureWindowsPath

import openpyxl
import pytest

from complaint_xl.checks import CATALOGUE
from complaint_xl.kpi import weekly
from complaint_xl.outputs.findings_xlsx import link_uri, write_findings_xlsx
from complaint_xl.outputs.weekly_xlsx import write_weekly_xlsx
from complaint_xl.workbook import build_workbook
from complaint_xl.workbook.register_sheet import LINE_HEIGHT, WRAPPED, register_columns
from kpi_helpers import load_rows

TODAY = dt.date(2026, 11, 30)
TITLE_SIZE = 14
"""Fonts this large or larger are titles: their rows need an explicit height."""


def titles_clipped(path: Path) -> list[tuple[str, str, float, float | None]]:
    """(sheet, cell, font size, row height) of every big-font cell in a row too low for it."""
    wb = openpyxl.load_workbook(path)
    clipped = []
    for ws in wb:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 6)):
            for cell in row:
                size = cell.font.sz if cell.value is not None and cell.font else None
                if size and size >= TITLE_SIZE:
                    height = ws.row_dimensions[cell.row].height
                    if height is None or height < 1.4 * size:
                        clipped.append((ws.title, cell.coordinate, size, height))
    return clipped


@pytest.fixture(scope="module")
def register_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    return {kind: build_workbook(folder / f"{kind}.xlsm", demo=kind == "demo", today=TODAY)
            for kind in ("template", "demo")}


# -- the register workbook -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["template", "demo"])
def test_long_texts_wrap_in_the_register(register_books: dict[str, Path], kind: str) -> None:
    ws = openpyxl.load_workbook(register_books[kind])["投诉登记"]
    columns = [field for field, _ in register_columns("zh")]
    assert "problem" in WRAPPED
    for i, field in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        # the column's own format: rows typed later in Excel wrap too
        assert bool(ws.column_dimensions[letter].alignment.wrap_text) is (field in WRAPPED), field
    if kind == "demo":
        problem = columns.index("problem") + 1
        cells = [ws.cell(r, problem) for r in range(4, 40)]
        assert all(c.alignment.wrap_text for c in cells)
        # a problem of more than 22 hanzi (46 columns wide) takes two lines: its row is taller
        long_rows = [c.row for c in cells if isinstance(c.value, str) and len(c.value) > 25]
        assert long_rows and all(ws.row_dimensions[r].height >= 2 * LINE_HEIGHT for r in long_rows)


@pytest.mark.parametrize("kind", ["template", "demo"])
def test_register_workbook_titles_fit(register_books: dict[str, Path], kind: str) -> None:
    assert titles_clipped(register_books[kind]) == []
    ws = openpyxl.load_workbook(register_books[kind])["投诉登记"]
    assert ws["A1"].font.sz >= TITLE_SIZE  # the check above has a title to look at


# -- the weekly workbook ----------------------------------------------------------------------

def test_weekly_workbook_titles_fit(tmp_path: Path, make_xlsx) -> None:
    loaded = load_rows(make_xlsx)
    kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = write_weekly_xlsx(kpis, tmp_path / "weekly.xlsx", "zh")
    wb = openpyxl.load_workbook(path)
    big = [ws.title for ws in wb if ws["A1"].value and ws["A1"].font.sz and ws["A1"].font.sz >= 16]
    assert "趋势" in big and len(big) >= 4  # the sheets with 16-pt titles
    assert titles_clipped(path) == []


# -- the findings workbook ---------------------------------------------------------------------

@pytest.mark.parametrize(("source", "folder", "target"), [
    (PurePosixPath("/srv/共享/登记 表.xlsx"), PurePosixPath("/srv/共享/结果"), "../登记%20表.xlsx"),
    (PurePosixPath("/srv/共享/登记.xlsx"), PurePosixPath("/srv/共享"), "登记.xlsx"),
    (PureWindowsPath(r"C:\Users\李\登记 表.xlsx"), PureWindowsPath(r"C:\Users\李\out\周报"),
     "../../登记%20表.xlsx"),
    (PureWindowsPath(r"D:\团队\r[1].xlsx"), PureWindowsPath(r"C:\out"), "file:///D:/团队/r%5B1%5D.xlsx"),
    (PureWindowsPath(r"\\server\share\r.xlsx"), PureWindowsPath(r"C:\out"), "file://server/share/r.xlsx"),
    (PurePosixPath("/a/100%.xlsx"), PurePosixPath("/a"), "100%25.xlsx"),
    (PurePosixPath("/a/#1.xlsx"), PurePosixPath("/a"), None),  # '#' would cut the link short
])
def test_links_to_the_register_use_forward_slashes(source, folder, target) -> None:
    assert link_uri(source, folder) == target


@pytest.fixture(scope="module")
def findings_books(register_books: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
                   ) -> dict[str, Path]:
    import complaint_xl

    loaded = complaint_xl.load(register_books["demo"], as_of=TODAY)
    findings = complaint_xl.check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
    folder = tmp_path_factory.mktemp("findings") / "结果"
    return {lang: write_findings_xlsx(findings, folder / f"{lang}.xlsx", lang=lang) for lang in ("zh", "en")}


def test_findings_links_are_relative_with_forward_slashes(findings_books: dict[str, Path],
                                                          register_books: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(findings_books["zh"]).worksheets[0]
    targets = {c.hyperlink.target for c in ws["D"][1:] if c.hyperlink}
    # findings in <tmp>/findings0/结果/, the register in <tmp>/books0/
    assert targets == {f"../../{register_books['demo'].parent.name}/demo.xlsm"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_by_owner_columns_are_named_by_rule_with_the_code_in_a_note(findings_books: dict[str, Path],
                                                                    lang: str) -> None:
    wb = openpyxl.load_workbook(findings_books[lang])
    ws = wb.worksheets[2]
    header = list(ws[1])
    rules = header[4:]
    assert len(rules) >= 3  # the demo register has several kinds of findings
    codes = [c.comment.text for c in rules]
    assert [c.value for c in rules] == [CATALOGUE[code].title(lang) for code in codes]
    assert not any(c.value in CATALOGUE for c in header)  # no bare codes as headers
    assert ws.row_dimensions[1].height and ws.row_dimensions[1].height > 15  # names wrap
    assert all(c.alignment.wrap_text for c in rules)
    assert titles_clipped(findings_books[lang]) == []
