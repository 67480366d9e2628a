"""Reading ahead: the register is parsed in a thread while the command imports and reads settings.

What must hold: the same frame as a plain read, error cells found wherever the scan's
chunks cut the XML, errors in the thread reach the caller, and the command line
reaches the parse before pandas is imported (the overlap the design is for).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from complaint_xl.errors import UnusableFile
from complaint_xl.loading import load, load_grids
from complaint_xl.register import error_cells
from complaint_xl.register.book import open_book
from conftest import row, write_xlsx

AS_OF = dt.date(2026, 11, 29)


def _error_workbook(path: Path, rows: int) -> dict[tuple[int, int], str]:
    """A register whose owner cells are error values every few rows; the errors by (row, col)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("登记")
    ws.write_row(0, 0, ["客户", "投诉项目", "问题点", "跟进人员", "解决期限"])
    errors = {}
    for r in range(1, rows + 1):
        ws.write_row(r, 0, [f"客户{r}", "售后", f"第 {r} 批 开裂 3 张，型号 A{r}"])
        if r % 7 == 0:
            text = "#N/A" if r % 2 else "#REF!"
            ws.write_formula(r, 3, f'=VLOOKUP(A{r + 1},Z:Z,2,0)&"{"x" * (r % 50)}"', None, text)
            errors[(r, 3)] = text
        else:
            ws.write_string(r, 3, "李明")
    wb.close()
    return errors


@pytest.mark.parametrize("chunk", [97, 1000, 4096])
def test_error_scan_finds_every_error_cell_wherever_chunks_cut(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    path = tmp_path / "errors.xlsx"
    expected = _error_workbook(path, 600)
    # the XML itself, searched whole, agrees with what the workbook was given
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert len(re.findall(rb't="e"', xml)) == len(expected)
    monkeypatch.setattr(error_cells, "SCAN_CHUNK", chunk)  # boundaries fall inside cells
    found = open_book(path)._error_cells("登记")
    assert found == expected


def test_read_ahead_gives_the_same_frame_as_a_plain_read(make_xlsx) -> None:
    path = make_xlsx([
        row(seq=1, customer="甲(经销商)", type="售后", problem="开裂 3 张", owner="李明",
            raised_on="2026-11-02"),
        row(seq=2, customer="乙", type="质量", problem="批号 B12 漏液", owner="王芳",
            raised_on=dt.date(2026, 11, 3)),
    ], extra_sheets={"设置": [["项目", "值"], ["默认时限", 12]],
                     "检查结果": [["这是工具写的表"]] * 5})
    plain = open_book(path)
    plain_loaded = load_grids(plain, {n: plain.grid(n) for n in plain.readable}, as_of=AS_OF)
    ahead = open_book(path)
    ahead.read_ahead()
    assert "检查结果" not in ahead._ahead  # the product's own sheets are never parsed
    assert next(iter(ahead._ahead)) == "设置"  # settings first: ready while the register parses
    ahead_loaded = load_grids(ahead, ahead.grids(), as_of=AS_OF)
    pd.testing.assert_frame_equal(ahead_loaded.register.frame, plain_loaded.register.frame)
    assert ahead_loaded.settings.sla_days == plain_loaded.settings.sla_days == 12
    assert load(path, as_of=AS_OF).register.frame["deadline"].notna().all()


def test_a_damaged_sheet_read_ahead_is_one_clear_error(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"登记": [["客户", "投诉项目"], ["甲", "售后"]]})
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut inside the sheet XML
            zout.writestr(info, data)
    book = open_book(bad)
    book.read_ahead()
    with pytest.raises(UnusableFile) as caught:
        book.grid("登记")
    assert "\n" not in caught.value.message("zh")


def test_the_command_line_starts_without_pandas() -> None:
    # pandas must load while the file is parsed, not before: see Book.read_ahead.
    code = ("import sys, complaint_xl, complaint_xl.cli, complaint_xl.register.book;"
            "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_run_ending_at_once_still_delivers_all_its_output(tmp_path: Path) -> None:
    # main() leaves with os._exit after flushing: the JSON must be whole, the code kept.
    path = write_xlsx(tmp_path / "r.xlsx", {"登记": [
        ["序号", "客户", "投诉项目", "问题点", "跟进人员"],
        *[[i, f"客户{i}", "不存在的类型", "开裂", "李明"] for i in range(1, 400)],
    ]})
    res = subprocess.run([sys.executable, "-m", "complaint_xl", "validate", str(path), "--today",
                          AS_OF.isoformat(), "--json"], capture_output=True, text=True)
    assert res.returncode == 1
    document = json.loads(res.stdout)
    assert sum(f["code"] == "unknown-type" for f in document["findings"]) == 399


def test_pauses_from_two_threads_leave_the_collector_as_they_found_it() -> None:
    import gc
    import threading

    from complaint_xl.speed import gc_paused

    assert gc.isenabled()
    inside, leave = threading.Event(), threading.Event()

    def reader() -> None:
        with gc_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=reader)
    thread.start()
    inside.wait(5)
    with gc_paused():  # begins after the reader's pause and ends before it
        assert not gc.isenabled()
    assert not gc.isenabled()  # the reader still reads
    leave.set()
    thread.join()
    assert gc.isenabled()
    with gc_paused(), gc_paused():  # nested in one thread
        assert not gc.isenabled()
    assert gc.isenabled()


def test_prepare_runs_once_with_the_settings_before_the_register_is_read(make_xlsx) -> None:
    from complaint_xl.settings import Settings

    path = make_xlsx([row(seq=1, customer="甲", type="售后", problem="开裂 3 张", owner="李明")],
                     extra_sheets={"设置": [["项目", "值"], ["默认时限", 9]]})
    seen: list[tuple[int, bool]] = []
    book = open_book(path)
    book.read_ahead()

    def prepare(settings: Settings) -> None:
        # the settings are the workbook's; the register sheet is not asked for yet
        seen.append((settings.sla_days, "登记表" in grids._read))

    grids = book.grids()
    load_grids(book, grids, as_of=AS_OF, prepare=prepare)
    assert seen == [(9, False)]


def test_preloaded_templates_are_compiled_for_both_kinds_of_output() -> None:
    from complaint_xl.outputs import templating

    templating._environment.cache_clear()  # fresh environments: nothing compiled yet
    templating.preload("chase", lang="en")
    for html in (True, False):
        cached = {t.name for t in templating._environment("en", None, html).cache.values()}
        assert {"chase_owner.html", "chase_owner.txt", "chase_labels.txt"} <= cached
        assert not any(name.startswith("weekly") for name in cached)
