"""Table bodies written straight into the sheet XML read back exactly as write_table's cells."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import zipfile
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chase_helpers import load_register, row, write_register
from complaint_xl.chase import chase
from complaint_xl.outputs import xlsx_rows
from complaint_xl.outputs.chase import ChaseWarning, write_chase
from complaint_xl.outputs.xlsx import open_workbook
from complaint_xl.outputs.xlsx_rows import fill_rows, table_later
from xlsx_helpers import cells, write_both

TEXTS = [
    "plain", "=cmd|'/C calc'!A0", "-5%", "@SUM(A1)", "+1", "a & b < c > d \"q\"", " leading",
    "trailing ", "\tTab", "ctrl\x01\x1f\x0b", "_x0041_ looks escaped", "emoji 😀", "多行\n文本\r\n",
    "\ufffe\uffff", None, "x" * 40_000, "😀" * 20_000, "全角　", "",
]


def frame_of_everything() -> pd.DataFrame:
    n = len(TEXTS)
    mixed: list[Any] = [1, 2.5, "s", True, pd.Timestamp("2026-10-12"), dt.date(2026, 1, 2), None,
                        float("nan"), np.int64(3), np.float64(0.1), pd.NaT, False,
                        dt.datetime(2026, 3, 4, 5, 6), float("inf"), "=1+1", np.bool_(True), -7,
                        1e300, 12345678901234567]
    return pd.DataFrame({
        "文本": pd.Series(TEXTS, dtype=object),
        "number": [1.5, float("nan"), -2, 0.1, 1e-9, 3, float("inf"), 7, 8, 9, 10, 11, 12, 13, 14,
                   15, 16, 17, 18],
        "int": np.arange(n, dtype=np.int64) * 1000,
        "flag": [i % 3 == 0 for i in range(n)],
        "date": pd.to_datetime(["2026-10-12", None] * 9 + ["1999-12-31"]),
        "mixed": pd.Series(mixed, dtype=object),
    })


def test_every_kind_of_value_reads_back_as_write_table_wrote_it(tmp_path):
    frame = frame_of_everything()
    by_cells, by_rows = write_both(tmp_path, frame)
    assert cells(by_rows) == cells(by_cells)
    ws = openpyxl.load_workbook(by_rows)["列表"]
    assert ws.tables["T_x"].ref == f"A3:F{3 + len(frame)}"
    text = {c.value: c for c in ws["A"][3:]}
    # Formula-like text stays text; Excel's limit of 32,767 characters holds.
    assert text["=cmd|'/C calc'!A0"].data_type == "s" and text["-5%"].data_type == "s"
    assert max(len(str(v)) for v in text if v) == 32_767
    assert ws["A4"].alignment.wrap_text and ws["E4"].number_format == "yyyy-mm-dd"


def test_text_xlsxwriter_would_take_for_rich_text_stays_the_text_typed(tmp_path):
    # XlsxWriter writes a string "<r>…</r>" as raw XML (its own rich-text form); here it is text.
    typed = ["<r>abc</r>", "<r><t>injected</t></r>", "<r></is></c></row></sheetData></r>"]
    _, by_rows = write_both(tmp_path, pd.DataFrame({"t": typed}))
    ws = openpyxl.load_workbook(by_rows)["列表"]
    assert [c.value for c in ws["A"][3:]] == typed


@pytest.mark.parametrize("text", ["x ]]> y", "a & b", "a < b", "_x0041_", "ctrl\x01", "行\n 缩进"])
def test_a_column_with_one_text_to_escape_reads_back(tmp_path, text):
    # Each column is searched in one go for text to escape: each kind alone must be found.
    by_cells, by_rows = write_both(tmp_path, pd.DataFrame({"t": ["plain", text, None]}))
    assert cells(by_rows) == cells(by_cells)


def test_the_chase_list_keeps_names_that_look_like_rich_text(tmp_path):
    # Set on the result: XlsxWriter cannot even write such a register for the test to read.
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-10-09")]))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    items = result.items.assign(owner="<r>李明</r>", customer="<r><t>甲</t></r>")
    with pytest.warns(ChaseWarning):  # that owner is not in the staff sheet
        workbook = write_chase(dataclasses.replace(result, items=items), loaded.settings,
                               tmp_path / "out").workbook
    wb = openpyxl.load_workbook(workbook)
    listed = [c.value for r in wb["催办清单"].iter_rows(min_row=4) for c in r]
    assert "<r>李明</r>" in listed and "<r><t>甲</t></r>" in listed
    assert wb["按跟进人员"]["A2"].value == "<r>李明</r>"


def test_rows_below_the_table_stay_below_it(tmp_path):
    frame = frame_of_everything()
    by_cells, by_rows = write_both(tmp_path, frame, below="说明：以上为全部")
    assert cells(by_rows) == cells(by_cells)
    ws = openpyxl.load_workbook(by_rows)["列表"]
    assert ws.cell(row=3 + len(frame) + 2, column=2).value == "说明：以上为全部"


def test_many_rows_come_out_in_order_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_rows, "_CHUNK", 7)
    frame = pd.DataFrame({"n": np.arange(50), "s": [f"第{i}行" for i in range(50)]})
    by_cells, by_rows = write_both(tmp_path, frame)
    assert cells(by_rows) == cells(by_cells)
    ws = openpyxl.load_workbook(by_rows)["列表"]
    assert [c.value for c in ws["B"][3:]] == [f"第{i}行" for i in range(50)]


def test_an_empty_table_is_a_header_and_one_empty_row(tmp_path):
    by_cells, by_rows = write_both(tmp_path, pd.DataFrame({"a": [], "b": []}))
    assert cells(by_rows) == cells(by_cells)
    assert openpyxl.load_workbook(by_rows)["列表"].tables["T_x"].ref == "A3:B4"


def test_a_cell_written_inside_the_body_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = open_workbook(path)
    ws = wb.add_worksheet()
    _, _, pending = table_later(wb, ws, pd.DataFrame({"a": [1, 2, 3]}))
    ws.write_string(2, 0, "in the way")
    wb.close()
    with pytest.raises(ValueError, match="row 3"):
        fill_rows(path, [pending])


def test_a_chart_sheet_before_the_table_does_not_shift_its_part(tmp_path):
    path = tmp_path / "c.xlsx"
    wb = open_workbook(path)
    chartsheet = wb.add_chartsheet("图")
    ws = wb.add_worksheet("列表")
    _, _, pending = table_later(wb, ws, pd.DataFrame({"n": [3, 1, 2]}))
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "='列表'!$A$2:$A$4"})
    chartsheet.set_chart(chart)
    wb.close()
    fill_rows(path, [pending])
    assert pending.member == "xl/worksheets/sheet1.xml"
    assert [c.value for c in openpyxl.load_workbook(path)["列表"]["A"]] == ["n", 3, 1, 2]


def test_the_file_stays_a_valid_package(tmp_path):
    _, by_rows = write_both(tmp_path, frame_of_everything())
    with zipfile.ZipFile(by_rows) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "[Content_Types].xml"
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<sheetData>") == 1 and sheet.count(b"</sheetData>") == 1
    assert b'<dimension ref="A1:F22"/>' in sheet


def test_libreoffice_reads_the_rows(tmp_path):
    frame = pd.DataFrame({"客户": ["甲公司", "=1+1", "a & b"], "n": [1, 2, 3]})
    _, by_rows = write_both(tmp_path, frame)
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path / "csv"),
         str(by_rows)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "csv" / "rows.csv").read_text(encoding="utf-8").splitlines()
    # Text is quoted, numbers are not: "=1+1" is the text typed, not a formula worth 2.
    assert lines[2:] == ['"客户","n"', '"甲公司",1', '"=1+1",2', '"a & b",3']


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), min_size=1, max_size=6))
def test_any_text_reads_back_as_write_table_wrote_it(tmp_path_factory, texts):
    # XlsxWriter itself breaks "<r>…</r>" (the test above); everything else must agree.
    texts = [t for t in texts if not (t and t.startswith("<r>") and t.endswith("</r>"))]
    by_cells, by_rows = write_both(tmp_path_factory.mktemp("t"), pd.DataFrame(
        {"t": pd.Series(texts, dtype=object)}))
    assert cells(by_rows) == cells(by_cells)
