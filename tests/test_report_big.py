"""The weekly workbook of a larger register: the detail sheet is the table T_detail at any size,
its body written after XlsxWriter closes the file, a few thousand rows at a time (so memory stays
bounded without XlsxWriter's constant-memory mode, which cannot make a table); every detail cell
is the detail frame's, and its 0/1 columns add up to the report's figures."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from typing import Any

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.outputs.weekly import write_weekly
from complaint_xl.outputs.weekly_xlsx import sheet_names
from complaint_xl.outputs.weekly_xlsx_detail import LIVE_COUNTS, count_header, detail_frame
from complaint_xl.outputs.xlsx_rows import _CHUNK
from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx

AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("big")
    frame = make_register(12_000, as_of=AS_OF, seed=11)
    path = write_register_xlsx(frame, folder / "register.xlsx", extra_sheets=sample_settings_sheets())
    loaded = load(path, as_of=AS_OF)
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no report recipients in the sample settings
        files = write_weekly(report, folder / "out", loaded.settings)
    return {"report": report, "files": files, "rows": len(loaded.register.frame)}


def _parts(path: Any) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_detail_sheet_is_a_table_filled_after_closing(big: dict[str, Any]) -> None:
    detail_rows = len(detail_frame(big["report"], "zh"))
    assert detail_rows > _CHUNK  # the body is written in more than one piece
    names = list(sheet_names(big["report"], "zh").values())
    parts = _parts(big["files"].xlsx)
    # XlsxWriter numbers sheet parts in order; the detail sheet is the one before the notes.
    assert names[-2:] == ["明细", "说明"]
    detail = parts[f"xl/worksheets/sheet{len(names) - 1}.xml"].decode()
    assert "<tableParts" in detail
    # The body rows are fill_rows' (inline text); the header row is XlsxWriter's (shared strings).
    assert 't="inlineStr"' in detail and f'<row r="{detail_rows + 1}">' in detail
    tables = {m: x.decode() for n, x in parts.items() if n.startswith("xl/tables/")
              for m in re.findall(r'displayName="([^"]+)"', x.decode())}
    assert {"T_trend", "T_by_type", "T_by_support_unit", "T_by_owner", "T_repeats",
            "T_detail"} <= set(tables)
    last = re.search(r'<table [^>]*ref="A1:([A-Z]+)(\d+)"', tables["T_detail"])
    assert last is not None and int(last[2]) == detail_rows + 1
    charts = [n for n in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert len(charts) == 3


def _expected(column: pd.Series) -> list[Any]:
    """What a reader gets back from a cell of this column ('' for an empty cell)."""
    if column.dtype.kind == "M":
        return ["" if pd.isna(v) else v.date() for v in column]
    if column.dtype.kind in "iuf":
        return ["" if pd.isna(v) else float(v) for v in column]
    return ["" if v is None else v for v in column]


def test_every_detail_cell_is_written_in_its_row(big: dict[str, Any]) -> None:
    frame = detail_frame(big["report"], "zh")
    rows = CalamineWorkbook.from_path(str(big["files"].xlsx)).get_sheet_by_name("明细").to_python()
    assert rows[0] == list(frame.columns)
    assert len(rows) - 1 == len(frame) < big["rows"]  # the period's rows, not the register
    for j, name in enumerate(frame.columns):
        assert [r[j] for r in rows[1:]] == _expected(frame[name]), name


def test_the_count_columns_add_up_to_the_report(big: dict[str, Any]) -> None:
    rows = CalamineWorkbook.from_path(str(big["files"].xlsx)).get_sheet_by_name("明细").to_python()
    totals = big["report"].totals
    for figure in LIVE_COUNTS:
        j = rows[0].index(count_header(figure, "zh"))
        assert {r[j] for r in rows[1:]} <= {0.0, 1.0}
        assert sum(r[j] for r in rows[1:]) == totals[figure], figure
    assert totals["closed"] > 100 and totals["overdue"] > 100  # a register with something to add


def test_detail_text_columns_are_str_or_none(big: dict[str, Any]) -> None:
    # One type per column lets write_table write them without testing each cell's type.
    frame = detail_frame(big["report"], "en")
    text = [c for c in frame.columns if frame[c].dtype.kind not in "iufMb"]
    assert len(text) >= 15
    for c in text:
        assert frame[c].dtype == object, c
        assert {type(v) for v in frame[c]} <= {str, type(None)}, c
    assert frame["Overdue"].isna().any() and (frame["Overdue"] == "yes").any()
