"""The buttons on a real ``xw.Book``: xlwings' remote engine records every write they make.

What is asserted is what Excel would be asked to do: which sheets are added, how
many calls write them (one block each), which cells get coloured, that the user's
rows are never written, deleted or moved, and that a failure is a message box.
The built workbook's findings mask (its register's colours read the check's marks) is
tested in test_xl_actions.py; here a book without its names is a workbook without the
mask, whose cells the check fills itself.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from complaint_xl.checks import check_register
from complaint_xl.loading import load
from complaint_xl.register.text import column_letter
from complaint_xl.sample import make_register
from complaint_xl.workbook import HIGHLIGHT, build_workbook, demo_settings
from complaint_xl.workbook.build import BUILD_DATE
from complaint_xl.workbook.register_sheet import register_columns
from complaint_xl.workbook.sheets import staff_rows
from complaint_xl.xl.blocks import MARKS_SHEET, runs
from complaint_xl.xl.buttons import (
    HEADER_FILL,
    chase_book,
    check_book,
    report_book,
    run_button,
)
from xl_helpers import actions, after_actions, file_names, file_sheets, remote_book, sheet_index

TODAY = BUILD_DATE
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
REGISTER = "投诉登记"
MASK = "校验标记"
# Anything that would delete, insert, move, sort or rewrite cells the user typed.
DESTRUCTIVE = {"rangeDelete", "rangeInsert", "rangeSort", "tableSort", "sheetDelete", "moveRange",
               "rangeRemoveDuplicates", "rangeClear", "rangeClearContents", "sheetClear",
               "sheetClearContents", "setValues", "setFormula", "copyFromRange", "rangeReplaceAll",
               "setSheetPosition", "setSheetName"}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xl")
    return build_workbook(folder / "complaints.xlsm", demo=True, today=TODAY)


@pytest.fixture(scope="module")
def sheets(workbook: Path) -> dict[str, list[list[Any]]]:
    return file_sheets(workbook)


def built_book(workbook: Path, sheets: dict[str, list[list[Any]]]) -> Any:
    """The built workbook as Excel hands it over: its hidden mask and defined names too."""
    return remote_book(workbook, sheets, hidden=[MASK], names=file_names(workbook))


def on_sheet(book: Any, name: str, func: str | None = None) -> list[dict[str, Any]]:
    position = sheet_index(book, name)
    return [a for a in actions(book, func) if a["sheet_position"] == position]


def cells_of(colour_actions: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """Excel (row, column) of every cell the actions cover."""
    return {(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
            for a in colour_actions for i in range(a["row_count"]) for j in range(a["column_count"])}


def assert_user_rows_untouched(book: Any) -> None:
    register = on_sheet(book, REGISTER)
    assert {a["func"] for a in register} <= {"setRangeColor"}
    assert not [a for a in actions(book) if a["func"] in ("sheetDelete", "setSheetPosition")]


# -- 校验 ------------------------------------------------------------------------------------

def test_check_writes_the_findings_sheet_in_one_block(workbook: Path, sheets: dict) -> None:
    book = built_book(workbook, sheets)
    report = check_book(book, today=TODAY).findings
    assert len(report) > 5 and report.errors >= 3  # the demo's planted mistakes
    assert actions(book, "addSheet")[0]["args"] == [10, "检查结果"]  # after the hidden mask
    writes = on_sheet(book, "检查结果", "setValues")
    assert len(writes) == 1
    block = writes[0]["values"]
    head = block.index(["位置", "工作表", "行", "列", "表头", "级别", "代码", "说明", "值", "跟进人员"])
    body = block[head + 1:]
    assert len(body) == len(report)
    expected = report.table
    assert [r[6] for r in body] == expected["code"].tolist()
    assert [r[2] for r in body] == expected["row"].tolist()
    # Each finding links to its cell; text that looks like a formula would stay text.
    first = body[0]
    assert first[0] == f'=HYPERLINK("#\'{REGISTER}\'!{first[3]}{first[2]}","{first[3]}{first[2]}")'
    assert f"错误 {report.errors} 条，警告 {report.warnings} 条" in block[1][0]
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@"))
                   for row in body for v in row[1:])
    # Screen updating off first, on again after the writes; one message at the end.
    funcs = [a["func"] for a in actions(book)]
    assert funcs[0] == "setScreenUpdating" and actions(book)[0]["args"] == [False]
    assert funcs[-2:] == ["setScreenUpdating", "alert"]
    assert "校验完成" in actions(book, "alert")[0]["args"][0]
    assert not on_sheet(book, REGISTER)  # the marks go to the mask, not one call here
    assert_user_rows_untouched(book)


def expected_marks(report: Any) -> dict[str, set[tuple[int, int]]]:
    """Fill colour -> the (row, column) cells the check should colour: errors win a shared cell."""
    letters = [column_letter(i) for i in range(60)]  # complaint_xl's own A, B, … AA
    fills: dict[tuple[int, int], str] = {}
    table = report.table[report.table["column"].ne("")]
    for row, letter, severity in zip(table["row"], table["column"], table["severity"], strict=True):
        cell = (int(row), letters.index(letter) + 1)
        if fills.get(cell) != HIGHLIGHT["error"]:
            fills[cell] = HIGHLIGHT[severity]
    return {fill: {c for c, f in fills.items() if f == fill} for fill in HIGHLIGHT.values()}


def test_check_without_the_mask_colours_exactly_the_offending_cells(workbook: Path,
                                                                    sheets: dict) -> None:
    book = remote_book(workbook, sheets)
    report = check_book(book, today=TODAY).findings
    want = expected_marks(report)
    assert want[HIGHLIGHT["error"]] and want[HIGHLIGHT["warning"]]
    coloured = on_sheet(book, REGISTER, "setRangeColor")
    for fill, cells in want.items():
        assert cells_of([a for a in coloured if a["args"] == [fill]]) == cells
    # One call per run of cells down a column, never one per cell of a run.
    assert len(coloured) == sum(len(runs(cells)) for cells in want.values())
    assert all(a["column_count"] == 1 for a in coloured)
    # The runs are remembered on a hidden sheet, as formulas that follow the cells.
    assert actions(book, "addSheet")[1]["args"][1] == MARKS_SHEET
    assert on_sheet(book, MARKS_SHEET, "setSheetVisibility")[0]["args"] == ["Hidden"]
    memory = on_sheet(book, MARKS_SHEET, "setValues")[0]["values"]
    assert len(memory) - 1 == len(coloured)
    assert memory[1][0].startswith(f"=SHEET('{REGISTER}'!$")


def test_a_second_check_clears_only_what_the_first_coloured(workbook: Path, sheets: dict,
                                                             tmp_path: Path) -> None:
    first = remote_book(workbook, sheets)
    report = check_book(first, today=TODAY).findings
    # What Excel holds afterwards (LibreOffice calculates the remembered positions) ...
    after, hidden = after_actions(first, sheets, tmp_path)
    assert hidden == [MARKS_SHEET]
    # ... then the user fills in the missing owner the check pointed at.
    missing = report.table[report.table["code"].eq("owner-missing")].iloc[0]
    row, col = int(missing["row"]), register_columns("zh").index(("owner", "跟进人员")) + 1
    after[REGISTER][row - 1][col - 1] = "李明"
    second = remote_book(workbook, after, hidden)
    check_book(second, today=TODAY)
    coloured = on_sheet(second, REGISTER, "setRangeColor")
    # Only that cell loses its colour; every other mark stays without a single call.
    assert [(a["args"], a["start_row"] + 1, a["start_column"] + 1, a["row_count"]) for a in coloured] \
        == [([None], row, col, 1)]
    assert not actions(second, "addSheet")  # both sheets exist now and are refreshed in place
    assert len(on_sheet(second, "检查结果", "setValues")) == 1
    assert_user_rows_untouched(second)


def test_cell_text_that_looks_like_a_formula_is_written_as_text(workbook: Path, sheets: dict,
                                                                tmp_path: Path) -> None:
    changed = {name: [list(r) for r in rows] for name, rows in sheets.items()}
    type_col = register_columns("zh").index(("type", "投诉项目"))
    changed[REGISTER][3][type_col] = "=HYPERLINK(\"http://x\")"
    book = remote_book(tmp_path / "c.xlsm", changed)
    report = check_book(book, today=TODAY).findings
    assert "unknown-type" in report.table[report.table["row"].eq(4)]["code"].tolist()
    block = on_sheet(book, "检查结果", "setValues")[0]["values"]
    row = next(r for r in block if r[6] == "unknown-type" and r[2] == 4)
    assert row[8] == "'=HYPERLINK(\"http://x\")"  # the apostrophe keeps it text in Excel


def test_check_on_a_book_without_a_register_says_so_in_a_message(tmp_path: Path) -> None:
    book = remote_book(tmp_path / "empty.xlsm", {"Sheet1": [["hello", 1]]})
    assert run_button(book, check_book, today=TODAY) is None
    alert = actions(book, "alert")
    assert len(alert) == 1
    text, title, _, mode, _ = alert[0]["args"]
    assert "没有找到投诉登记表" in text and "Traceback" not in text
    assert mode == "critical" and title.startswith("complaint_xl")
    assert not actions(book, "setValues") and not actions(book, "addSheet")
    assert actions(book, "setScreenUpdating")[-1]["args"] == [True]


# -- 催办 ------------------------------------------------------------------------------------

def test_chase_refreshes_its_sheet_and_writes_drafts_beside_the_workbook(workbook: Path,
                                                                         sheets: dict) -> None:
    book = remote_book(workbook, sheets)
    run = chase_book(book, today=TODAY, now=NOW)
    result, outputs = run.result, run.outputs
    folder = workbook.parent / f"催办-{TODAY.isoformat()}"
    assert outputs.folder == folder and folder.is_dir()
    drafts = sorted(folder.glob("*.eml"))
    assert drafts and len(drafts) == len(outputs.drafts)
    message = email.message_from_bytes(drafts[0].read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    writes = on_sheet(book, "催办", "setValues")
    assert len(writes) == 1
    block = writes[0]["values"]
    head = next(i for i, r in enumerate(block) if r[:2] == ["位置", "状态"])
    body = block[head + 1:]
    assert len(body) == len(result.items) > 0
    assert [r[1] for r in body].count("逾期") == len(result.overdue)
    assert body[0][0].startswith(f"=HYPERLINK(\"#'{REGISTER}'!A")
    text = actions(book, "alert")[0]["args"][0]
    assert str(folder) in text and f"逾期 {len(result.overdue)} 项" in text
    assert "杨帆" in text  # the sample staff member without an e-mail address is named
    assert_user_rows_untouched(book)


def test_chase_failure_is_a_message(workbook: Path, sheets: dict, tmp_path: Path) -> None:
    blocker = tmp_path / "草稿"
    blocker.write_text("a file where the drafts folder should be")
    changed = {name: [list(r) for r in rows] for name, rows in sheets.items()}
    settings = changed["设置"]
    row = next(r for r in settings if r[0] == "草稿文件夹")
    row[1] = str(blocker)
    book = remote_book(tmp_path / "c.xlsm", changed)
    assert run_button(book, chase_book, today=TODAY, now=NOW) is None
    text = actions(book, "alert")[0]["args"][0]
    assert str(blocker) in text and "Traceback" not in text


# -- 周报 ------------------------------------------------------------------------------------

def test_weekly_sheet_has_the_report_figures_and_the_files_exist(workbook: Path,
                                                                 sheets: dict) -> None:
    book = remote_book(workbook, sheets)
    run = report_book(book, today=TODAY)
    report, files = run.kpis, run.written
    assert files is not None
    assert report.week_label == "2026-W47"
    folder = workbook.parent / "周报-2026-W47"
    assert all(p.parent == folder and p.exists() for p in files)
    # The same figures as the command line computes from the file.
    cli = load(workbook, as_of=TODAY)
    from complaint_xl.kpi import weekly

    assert weekly(cli.register, cli.settings, cli.calendar, TODAY).totals == report.totals
    block = on_sheet(book, "周报", "setValues")[0]["values"]
    labels = next(r for r in block if r[:2] == ["新增", "结案"])
    values = block[block.index(labels) + 1]
    assert values[0] == report.totals["new"] and values[3] == report.totals["on_time_rate"]
    texts = [r[0] for r in block]
    assert all(p.text("zh") in texts for p in report.hard_points)
    trend = [r for r in block if str(r[0]).startswith("2026-W") and len(str(r[0])) == 8]
    assert [r[0] for r in trend] == [w["week"] for w in report.trend]
    assert [r[1] for r in trend] == [w["new"] for w in report.trend]
    assert str(files.xlsx) in texts
    assert len(on_sheet(book, "周报", "setValues")) == 1
    assert "2026-W47" in actions(book, "alert")[0]["args"][0]
    assert_user_rows_untouched(book)


# -- calls into Excel do not grow with the register --------------------------------------------

def _register_sheets(n: int) -> dict[str, list[list[Any]]]:
    frame = make_register(n, as_of=TODAY, seed=5)
    columns = register_columns("zh")
    rows: list[list[Any]] = [[header for _, header in columns]]
    values = frame.reindex(columns=[f for f, _ in columns]).astype(object)  # lifecycle: empty
    for record in values.itertuples(index=False):
        rows.append([None if v is None or v is pd.NaT or (isinstance(v, float) and v != v)
                     else v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in record])
    return {REGISTER: rows, "人员": staff_rows(demo_settings("zh"), "zh")}


def test_calls_per_button_at_10000_rows(tmp_path: Path) -> None:
    """10,000 rows of a register without the mask: chase and report make as many calls as for
    200; check adds one per run of cells it fills (test_xl_actions.py: with the mask, none)."""
    counts: dict[int, dict[str, int]] = {}
    for n in (200, 10_000):
        grids = _register_sheets(n)
        counts[n] = {}
        for button in (check_book, chase_book, report_book):
            book = remote_book(tmp_path / f"r{n}.xlsm", grids)
            result = button(book, today=TODAY)
            counts[n][button.__name__] = len(actions(book))
            if button is check_book:
                coloured = len(on_sheet(book, REGISTER, "setRangeColor"))
                assert coloured == sum(len(runs(c)) for c in expected_marks(result.findings).values())
                counts[n]["runs"] = coloured
            assert_user_rows_untouched(book)
    for name in ("chase_book", "report_book"):
        assert counts[10_000][name] == counts[200][name] <= 20
    # The check: 14 calls (sheets, blocks, formats, message) plus one per coloured run.
    for n in counts:
        assert counts[n]["check_book"] == 14 + counts[n]["runs"]


def test_same_findings_as_the_command_line(workbook: Path, sheets: dict) -> None:
    book = remote_book(workbook, sheets)
    from_button = check_book(book, today=TODAY).findings
    loaded = load(workbook, as_of=TODAY)
    from_file = check_register(loaded.register, loaded.settings, TODAY, loaded.calendar)
    assert from_button.flatten(("sheet", "row", "column", "code")) == \
        from_file.flatten(("sheet", "row", "column", "code"))
    assert HEADER_FILL not in HIGHLIGHT.values()
