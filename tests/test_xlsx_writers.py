"""The parts fill_rows writes for tables and links are the ones XlsxWriter writes itself."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import openpyxl
import pandas as pd
import pytest
from tests.checks_helpers import closed, good, write_register
from tests.conftest import AS_OF

import complaint_xl
from complaint_xl.checks import Findings
from complaint_xl.outputs import findings_xlsx, xlsx_rows
from complaint_xl.outputs.findings_xlsx import write_findings_xlsx
from complaint_xl.outputs.xlsx import open_workbook, write_table
from complaint_xl.outputs.xlsx_rows import Links, fill_rows, table_later
from xlsx_helpers import cells, write_both


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def _link_targets(path: Path) -> list[str]:
    """The hyperlink relationship targets of the first sheet, as written."""
    rels = _part(path, "xl/worksheets/_rels/sheet1.xml.rels").decode()
    return sorted(re.findall(r'Type="[^"]+/hyperlink" Target="([^"]*)"', rels))


# -- tables --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 9, 300])
def test_the_table_part_is_the_one_xlsxwriter_writes_for_the_whole_range(tmp_path, n):
    # table_later declares the table over two rows and stretches it (XlsxWriter internals).
    frame = pd.DataFrame({"n": np.arange(n), "文本": [f"第{i}行" for i in range(n)]})
    by_cells, by_rows = write_both(tmp_path, frame)
    assert _part(by_rows, "xl/tables/table1.xml") == _part(by_cells, "xl/tables/table1.xml")
    ref = f"A3:B{3 + max(n, 1)}"
    assert cells(by_rows)["列表"]["tables"] == {"T_x": (ref, ref)}


def test_a_table_xlsxwriter_refuses_is_an_error(tmp_path):
    wb = open_workbook(tmp_path / "x.xlsx")
    ws = wb.add_worksheet()
    with pytest.warns(UserWarning, match="cannot contain spaces"), \
            pytest.raises(ValueError, match="no table"):
        table_later(wb, ws, pd.DataFrame({"a": [1, 2]}), name="two words")
    wb.close()


# -- links ---------------------------------------------------------------------------

FILES = ["../登记 表.xlsx", "/srv/共享/a b.xlsx", "C:\\Users\\李\\r[1].xlsx", "d:/x/y.xlsx",
         "\\\\server\\share\\r.xlsx", "./r.xlsx", "r%20x.xlsx", "a&b {x}^`\"q\".xlsx"]
PLACES = ["'投诉''s 表'!C3", "'A&B <x>'!A1", "'登记表'!B10"]


def write_linked(tmp_path: Path, file: str, *, title_link: str | None = None) -> tuple[Path, Path]:
    """A table whose 单元格 column links into ``file``: by write_url per cell, and by Links.

    Five rows, the first three linked; ``title_link`` puts a link of XlsxWriter's own above.
    """
    frame = pd.DataFrame({"n": np.arange(5), "单元格": ["=C3", "-A1", "B10", "@x", "+y"],
                          "说明": ["a", None, "c", "d", "e"]})
    paths = []
    for how in ("cells", "rows"):
        path = tmp_path / f"{how}.xlsx"
        wb = open_workbook(path)
        ws = wb.add_worksheet("结果")
        if title_link is not None:
            ws.write_url(0, 0, f"external:{file}#{title_link}", string="登记表")
        if how == "cells":
            write_table(wb, ws, frame, first_row=2, name="T_links")
            for i, place in enumerate(PLACES):
                ws.write_url(3 + i, 1, f"external:{file}#{place}", wb.get_default_url_format(),
                             string=frame["单元格"][i])
        else:
            *_, pending = table_later(wb, ws, frame, first_row=2, name="T_links",
                                      links=Links("单元格", file, PLACES))
        wb.close()
        if how == "rows":
            fill_rows(path, [pending])
        paths.append(path)
    return paths[0], paths[1]


@pytest.mark.parametrize("file", FILES)
def test_links_are_the_ones_write_url_makes(tmp_path, monkeypatch, file):
    monkeypatch.setattr(xlsx_rows, "_CHUNK", 2)  # linked, half-linked and unlinked chunks
    by_cells, by_rows = write_linked(tmp_path, file)
    assert cells(by_rows) == cells(by_cells)
    assert _link_targets(by_rows) == _link_targets(by_cells)
    ws = openpyxl.load_workbook(by_rows)["结果"]
    assert [c.hyperlink.location if c.hyperlink else None for c in ws["B"][3:]] == [*PLACES, None, None]
    # link text that looks like a formula stays text
    assert ws["B4"].value == "=C3" and ws["B4"].data_type == "s" and ws["B4"].style == "Hyperlink"
    assert ws["B7"].style == "Normal"


def test_links_join_a_link_xlsxwriter_wrote_on_the_sheet(tmp_path):
    by_cells, by_rows = write_linked(tmp_path, "../r.xlsx", title_link="'登记表'!A1")
    assert cells(by_rows) == cells(by_cells)
    sheet = _part(by_rows, "xl/worksheets/sheet1.xml")
    assert sheet.count(b"<hyperlinks>") == 1 and sheet.count(b"<hyperlink ") == 4
    assert len(_link_targets(by_rows)) == 4


# -- the findings workbook -----------------------------------------------------------


def _report(tmp_path: Path) -> Findings:
    register = write_register(tmp_path / "登记 表.xlsx", [
        good(type="=SUM(A1:A2)", owner="张伟"),
        good(customer_contact="王经理", owner="-张伟"),
        good(owner=None),
        closed(effect="无效"),
    ], sheet="投诉's 表", drop=("problem",))  # a finding without a column links to column A
    loaded = complaint_xl.load(register, as_of=AS_OF)
    return complaint_xl.check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)


def test_the_findings_sheet_is_what_write_table_and_write_url_would_write(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_rows, "_CHUNK", 3)
    report = _report(tmp_path)
    out = write_findings_xlsx(report, tmp_path / "out" / "检查结果.xlsx")
    # The same sheet the slow way: every cell and every link through XlsxWriter.
    frame, places = findings_xlsx._findings_frame(report, "zh")
    link = findings_xlsx._link_target(report.register, out)
    expected = tmp_path / "out" / "expected.xlsx"
    wb = open_workbook(expected)
    ws = wb.add_worksheet("检查结果")
    write_table(wb, ws, frame, name="Findings",
                formats={"说明": wb.add_format({"text_wrap": True, "valign": "top"})})
    for i, (place, shown) in enumerate(zip(places, frame["单元格"], strict=True)):
        ws.write_url(i + 1, 3, f"external:{link}#{place}", wb.get_default_url_format(), string=shown)
    wb.close()
    got, want = cells(out)["检查结果"], cells(expected)["检查结果"]
    # write_url turns the target's slashes into backslashes; the findings keep a URI's slashes
    want["cells"] = [[(*c[:-1], c[-1] and (c[-1][0].replace("\\", "/"), c[-1][1])) for c in r]
                     for r in want["cells"]]
    assert len(want["values"]) == 1 + len(report.table) > 4
    for key in ("values", "cells", "tables", "dimensions"):
        assert got[key] == want[key], key


def test_each_finding_links_to_its_cell_in_the_register(tmp_path):
    report = _report(tmp_path)
    out = write_findings_xlsx(report, tmp_path / "out" / "检查结果.xlsx")
    register = openpyxl.load_workbook(report.register)
    rows = list(openpyxl.load_workbook(out)["检查结果"].iter_rows(min_row=2))
    assert len(rows) == len(report.table)
    for sheet, row, column, cell, header, *_, value, _owner in rows:
        assert cell.hyperlink.target == "../登记%20表.xlsx"  # forward slashes: Windows and macOS
        name, address = re.fullmatch(r"'(.+)'!([A-Z]+\d+)", cell.hyperlink.location).groups()
        target = register[name.replace("''", "'")][address]
        assert (name.replace("''", "'"), target.row) == (sheet.value, row.value)
        if not column.value:  # a column the sheet lacks: its row
            assert (target.column, header.value) == (1, "问题点(评估)")
            continue
        assert register[sheet.value].cell(1, target.column).value == header.value
        if value.value is not None:
            assert str(target.value) == value.value
    # the value typed as a formula stays text in the findings too
    assert "=SUM(A1:A2)" in [r[9].value for r in rows if r[9].data_type == "s"]


def test_findings_beyond_excels_link_limit_keep_their_address_without_a_link(tmp_path, monkeypatch):
    monkeypatch.setattr(findings_xlsx, "MAX_LINKS", 2)
    report = _report(tmp_path)
    out = write_findings_xlsx(report, tmp_path / "检查结果.xlsx")
    column = openpyxl.load_workbook(out)["检查结果"]["D"][1:]
    assert [c.hyperlink is not None for c in column] == [True, True] + [False] * (len(column) - 2)
    assert [c.style for c in column] == ["Hyperlink"] * 2 + ["Normal"] * (len(column) - 2)
    assert all(c.value.startswith("投诉's 表!") for c in column)


def test_libreoffice_follows_the_findings_links(tmp_path):
    report = _report(tmp_path)
    out = write_findings_xlsx(report, tmp_path / "检查结果.xlsx")
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "html", "--outdir", str(tmp_path / "html"), str(out)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "html" / "检查结果.html").read_text(encoding="utf-8", errors="replace")
    links = [unquote(html.unescape(h)) for h in re.findall(r'<a href="([^"]+)"', page)]
    places = findings_xlsx._findings_frame(report, "zh")[1].tolist()
    assert links == [f"file://{tmp_path}/登记 表.xlsx#{place}" for place in places]

