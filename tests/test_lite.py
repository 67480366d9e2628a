"""The xlwings Lite edition (issue 18) on xlwings' remote book, the engine Lite itself runs.

For a button, xlwings Lite builds an ``xw.Book`` from the JSON the add-in sends (every
sheet's values) and sends back the actions the script recorded; the remote engine here
is that code (xlwings PRO's, under its noncommercial licence, in tests only). What is
asserted is what Excel would be asked to do: the result sheets written in one block
each, the register's cells coloured in a few blocks and never written, the ``mailto:``
links, the weekly figures, and how few calls each script makes at 10,000 rows.

The scripts are reached three ways: called directly (on a desktop Python xlwings'
decorators leave them as they are); through xlwings' own Lite dispatch over lite/main.py
(``custom_scripts_call``, ``custom_functions_call``) in a CPython subprocess; and the same
inside Pyodide 0.27.7 under Node (tests/pyodide/run.mjs), from the wheels of complaint_xl
and xlwings. How the add-in applies the actions only Excel can show.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
import os
import shutil
import subprocess
import sys
import time
import tomllib
import typing
import urllib.parse
import warnings
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest
import xlwings as xw

from complaint_xl import grid
from complaint_xl.sample import make_register, sample_settings_sheets
from complaint_xl.settings import sheet_role
from complaint_xl.words import say
from complaint_xl.workbook import HIGHLIGHT, build_workbook
from complaint_xl.workbook.build import BUILD_DATE
from complaint_xl.workbook.register_sheet import register_columns
from complaint_xl.xl import lite, udfs
from complaint_xl.xl.blocks import MARKS_SHEET, runs
from xl_helpers import actions, book_json, file_sheets, sheet_index

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "lite"
RUNTIME = ROOT / "tests" / "pyodide" / "lite_runtime.py"
TODAY = BUILD_DATE
REGISTER = "投诉登记"
BIG_ROWS = 10_000
MAX_ACTIONS = 30
MEMORY_LIMIT = 2 * 2**30  # what a browser grants a WebAssembly page; xlwings Lite runs in one
DESTRUCTIVE = {"rangeDelete", "rangeInsert", "rangeSort", "sheetDelete", "rangeClear", "rangeClearContents",
               "sheetClear", "sheetClearContents", "setValues", "setFormula", "setSheetPosition",
               "setSheetName", "addHyperlink"}


# -- workbooks as xlwings Lite sends them ----------------------------------------------------

def lite_json(sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = (),
              pictures: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The book JSON of xlwings Lite's Office.js client: every sheet with its values."""
    doc = book_json("complaints.xlsx", sheets, hidden)
    doc["client"] = "Office.js"
    for sheet in doc["sheets"]:
        sheet["show_gridlines"], sheet["pivot_tables"] = True, []
        sheet["pictures"] = [{"name": n, "width": 400, "height": 250, "left": 600, "top": 0,
                              "lock_aspect_ratio": True} for n in (pictures or {}).get(sheet["name"], [])]
    return doc


def lite_book(sheets: dict[str, list[list[Any]]], **kwargs: Any) -> xw.Book:
    return xw.Book(json=lite_json(sheets, **kwargs))


def on_sheet(book: xw.Book, name: str, func: str | None = None) -> list[dict[str, Any]]:
    position = sheet_index(book, name)
    return [a for a in actions(book, func) if a["sheet_position"] == position]


def settings_of(sheets: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    return {n: rows for n, rows in sheets.items() if sheet_role(n) not in (None, "tool")}


def quiet(job: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return job(*args, **kwargs)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[Any]]]:
    """The demo workbook's sheets (register with its planted mistakes, settings, staff)."""
    path = build_workbook(tmp_path_factory.mktemp("lite") / "complaints.xlsm", demo=True, today=TODAY)
    return file_sheets(path)


def _cell(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


@pytest.fixture(scope="module")
def big_sheets() -> dict[str, list[list[Any]]]:
    """A 10,000-row sample register and the sample team's settings sheets."""
    frame = make_register(BIG_ROWS, as_of=TODAY, seed=11)
    labels = dict(register_columns("zh"))
    columns = [c for c in labels if c in frame.columns]
    values = [[labels[c] for c in columns],
              *([_cell(v) for v in row] for row in frame[columns].itertuples(index=False))]
    settings = {n: [[None if v == "" else v for v in row] for row in rows]
                for n, rows in sample_settings_sheets().items()}
    return {REGISTER: values, **settings}


def painted(colour_actions: list[dict[str, Any]]) -> dict[tuple[int, int], str | None]:
    """(row, column) -> fill of every cell the setRangeColors actions change (1-based)."""
    out: dict[tuple[int, int], str | None] = {}
    for a in colour_actions:
        (matrix,) = a["args"]
        assert len(matrix) == a["row_count"] and all(len(r) == a["column_count"] for r in matrix)
        assert a["row_count"] * a["column_count"] <= lite.MAX_COLOR_CELLS
        for i, row in enumerate(matrix):
            for j, fill in enumerate(row):
                if fill != "keep":
                    out[(a["start_row"] + 1 + i, a["start_column"] + 1 + j)] = fill and fill.upper()
    return out


def expected_fills(findings: list[dict[str, Any]]) -> dict[tuple[int, int], str]:
    """The fill of every cell a finding names: errors win a shared cell."""
    letters = {"".join(chr(65 + d) for d in ([i // 26 - 1] if i >= 26 else []) + [i % 26]): i + 1
               for i in range(60)}
    fills: dict[tuple[int, int], str] = {}
    for f in findings:
        if f["column"] and f["row"]:
            cell = (f["row"], letters[f["column"]])
            if fills.get(cell) != HIGHLIGHT["error"]:
                fills[cell] = HIGHLIGHT[f["severity"]]
    return fills


def assert_register_untouched(book: xw.Book) -> None:
    """The user's rows are never written, cleared, moved or linked: only coloured."""
    assert {a["func"] for a in on_sheet(book, REGISTER)} <= {"setRangeColors"}
    assert not [a for a in actions(book) if a["func"] in ("sheetDelete", "setSheetPosition")]


# -- 校验 -------------------------------------------------------------------------------------

def test_check_writes_the_findings_in_one_block_and_colours_in_few(sheets: dict) -> None:
    book = lite_book(sheets)
    lite.check_entries(book, TODAY, "zh")
    document = quiet(grid.validate, sheets[REGISTER], today=TODAY, settings=settings_of(sheets),
                     sheet=REGISTER)
    findings = document["findings"]
    assert document["errors"] >= 3 and len(findings) > 5  # the demo's planted mistakes
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert added == ["检查结果", MARKS_SHEET]
    (write,) = on_sheet(book, "检查结果", "setValues")
    block = write["values"]
    head = block.index(say("lite.findings-head", "zh").split("|"))
    body = block[head + 1:]
    assert len(body) == len(findings)
    assert [r[6] for r in body] == [f["code"] for f in findings]
    # A place is a link to the cell, written with the block (as the classic button does),
    # for every finding that names a cell.
    assert [r[0] for r in body] == [
        f'=HYPERLINK("#\'{REGISTER}\'!{f["column"]}{f["row"]}","{REGISTER}!{f["column"]}{f["row"]}")'
        if f["column"] and f["row"] else "" for f in findings]
    assert f"错误 {document['errors']} 条，警告 {document['warnings']} 条" in block[1][0]
    # Those links are the only formulas: what the register's users typed stays text.
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for r in body for v in r[1:])
    assert not actions(book, "addHyperlink")  # no call per finding
    # The register's cells: exactly the findings' cells, in whole blocks.
    colours = on_sheet(book, REGISTER, "setRangeColors")
    assert painted(colours) == expected_fills(findings)
    assert len(colours) <= len({c for _, c in expected_fills(findings)})
    assert_register_untouched(book)
    # The marks are remembered on the hidden sheet the classic buttons use too.
    marks = on_sheet(book, MARKS_SHEET)
    assert {a["func"] for a in marks} == {"setSheetVisibility", "setValues"}
    (write,) = [a for a in marks if a["func"] == "setValues"]
    assert write["values"][1][0].startswith("=SHEET(")
    assert actions(book)[-1]["func"] == "activateSheet"


def marks_values(book_sheets: list[str], fills: dict[tuple[int, int], str]) -> list[list[Any]]:
    """The hidden marks sheet as Excel has calculated it: sheet number, row, column, rows, fill."""
    rows: list[list[Any]] = [["sheet", "row", "column", "rows", "colour"]]
    index = book_sheets.index(REGISTER) + 1
    for fill in sorted(set(fills.values())):
        rows += [[index, r, c, n, fill] for r, c, n in runs([k for k, v in fills.items() if v == fill])]
    return rows


def test_check_again_changes_only_what_changed(sheets: dict) -> None:
    findings = quiet(grid.validate, sheets[REGISTER], today=TODAY, settings=settings_of(sheets),
                     sheet=REGISTER)["findings"]
    fills = expected_fills(findings)
    stale = (5, 2)  # coloured by the last check, fine now
    assert stale not in fills
    marks = marks_values([*sheets, MARKS_SHEET], {**fills, stale: HIGHLIGHT["error"]})
    before = {**sheets, MARKS_SHEET: marks}
    book = lite_book(before, hidden=(MARKS_SHEET,))
    lite.check_entries(book, TODAY, "zh")
    # Only the stale cell is cleared; cells already coloured right are not touched.
    assert painted(on_sheet(book, REGISTER, "setRangeColors")) == {stale: None}
    assert [a["func"] for a in on_sheet(book, MARKS_SHEET)] == ["sheetClear", "setValues"]
    assert_register_untouched(book)


# -- 催办 -------------------------------------------------------------------------------------

def parse_mailto(url: str) -> dict[str, Any]:
    """A mailto: link back into to, cc, subject, body (RFC 6068)."""
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "mailto"
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    path = urllib.parse.unquote(parts.path)
    return {"to": path.split(",") if path else [], "cc": query.get("cc", [""])[0].split(",") if "cc" in query
            else [], "subject": query["subject"][0],
            "body": query["body"][0].replace("\r\n", "\n") if "body" in query else None}


def bare(people: list[str]) -> list[str]:
    return [addr for _, addr in email.utils.getaddresses(people)]


def test_chase_writes_one_row_per_draft_with_a_mailto_link(sheets: dict) -> None:
    book = lite_book(sheets)
    lite.chase_overdue(book, TODAY, "zh")
    document = quiet(grid.chase, sheets[REGISTER], today=TODAY, settings=settings_of(sheets), sheet=REGISTER)
    drafts = document["drafts"]
    assert len(drafts) >= 5
    (write,) = on_sheet(book, "催办", "setValues")
    block = write["values"]
    names = say("lite.drafts-head", "zh").split("|")
    head = next(i for i, r in enumerate(block) if r[:len(names)] == names)
    links = on_sheet(book, "催办", "addHyperlink")
    assert len(links) == len(drafts)
    cut_tail = "\n\n" + say("lite.mail-cut", "zh", sheet="催办")
    kinds = set()
    for i, (draft, link) in enumerate(zip(drafts, links, strict=True)):
        row = block[head + 1 + i]
        assert (link["start_row"], link["start_column"]) == (head + 1 + i, 0)  # the draft's own row
        url, text, tip = link["args"]
        assert text == row[0] == say("lite.mail-link", "zh") and tip
        assert row[5] == draft["text"]  # the full text, to copy
        assert len(url) <= lite.MAILTO_LIMIT
        mail = parse_mailto(url)
        assert mail["to"] == bare(draft["to"]) and mail["cc"] == bare(draft["cc"])
        assert mail["subject"] == draft["subject"]
        if mail["body"] == draft["text"]:
            kinds.add("whole")
            assert row[4] == ""
        else:
            kinds.add("cut")
            assert mail["body"].endswith(cut_tail)
            kept = mail["body"][:-len(cut_tail)]
            assert kept and draft["text"].startswith(kept)
            assert row[4] == say("lite.mail-shortened", "zh", limit=lite.MAILTO_LIMIT)
    assert "cut" in kinds  # Chinese text, percent-encoded, rarely fits whole
    # Then every item to chase, with a link to its row.
    items = [*document["overdue"], *document["due_soon"]]
    places = [r[0] for r in block if isinstance(r[0], str) and r[0].startswith("=HYPERLINK(")]
    assert places == [f'=HYPERLINK("#\'{REGISTER}\'!A{item["row"]}","{REGISTER}!A{item["row"]}")'
                      for item in items]
    assert "杨帆" in " ".join(str(r[0]) for r in block[:6])  # no address: said on the sheet
    assert_register_untouched(book)


def test_mailto_keeps_short_texts_whole_and_cuts_long_ones() -> None:
    short = {"to": ["Ann <ann@example.com>", "bo@example.com"], "cc": ["Cy <cy@example.com>"],
             "subject": "Chase: 2 overdue & 1 due + more?", "text": "Hello Ann,\n\nline 2 = 100%\n"}
    url, kept = lite.mailto(short, cut_note="(cut)")
    assert kept == "whole" and url.startswith("mailto:ann@example.com,bo@example.com?cc=cy@example.com&")
    assert "%0D%0A" in url and "+" not in url and " " not in url  # CRLF line breaks, no plus-spaces
    assert parse_mailto(url) == {"to": ["ann@example.com", "bo@example.com"], "cc": ["cy@example.com"],
                                 "subject": short["subject"], "body": short["text"]}
    long = {**short, "text": "\n".join(f"第 {i} 行：逾期投诉，请尽快处理。" for i in range(200))}
    url, kept = lite.mailto(long, cut_note="（正文已截短）")
    body = parse_mailto(url)["body"]
    assert kept == "cut" and len(url) <= lite.MAILTO_LIMIT
    assert body.endswith("\n\n（正文已截短）") and long["text"].startswith(body[:-len("\n\n（正文已截短）")])
    assert len(lite.mailto(long, cut_note="x", limit=4000)[0]) > lite.MAILTO_LIMIT  # the limit is the limit
    crowded = {**short, "cc": [f"person{i}@example.com" for i in range(150)]}
    url, kept = lite.mailto(crowded, cut_note="（正文已截短）")
    assert kept == "none" and parse_mailto(url)["body"] is None
    nobody = {"to": [], "cc": ["boss@example.com"], "subject": "s", "text": "t"}
    assert lite.mailto(nobody, cut_note="x")[0].startswith("mailto:?cc=boss@example.com&")


# -- 周报 -------------------------------------------------------------------------------------

def test_report_sheet_shows_grid_reports_figures(sheets: dict) -> None:
    from complaint_xl.outputs.charts import cjk_font

    book = lite_book(sheets)
    document = lite.report_book(book, today=TODAY, lang="zh")
    assert document == quiet(grid.report, sheets[REGISTER], today=TODAY, settings=settings_of(sheets),
                             sheet=REGISTER)
    (write,) = on_sheet(book, "周报", "setValues")
    block = write["values"]
    totals = document["totals"]
    labels = [say(f"figure.{f}", "zh") for f in totals]
    at = block.index([*labels, *[""] * (len(block[0]) - len(labels))])
    assert block[at + 1][:len(totals)] == ["—" if v is None else v for v in totals.values()]
    rate = (at + 1, list(totals).index("on_time_rate"))
    assert any(a["func"] == "setNumberFormat" and (a["start_row"], a["start_column"]) == rate
               for a in on_sheet(book, "周报"))
    assert block[0][0] == document["title"]
    assert [p["text"] for p in document["hard_points"]] == [
        r[0] for r in block if r[0] in {p["text"] for p in document["hard_points"]}]
    pictures = on_sheet(book, "周报", "addPicture")
    if cjk_font():
        assert len(pictures) == 4
        assert [a["args"][1] for a in on_sheet(book, "周报", "setPictureName")] == [
            "cxl_trend", "cxl_by_type", "cxl_by_support_unit", "cxl_aging"]
    else:
        assert not pictures
        assert any(say("lite.no-chart-font", "zh") in str(r[0]) for r in block)
    assert_register_untouched(book)


def test_report_again_replaces_its_charts_in_place(sheets: dict) -> None:
    from complaint_xl.outputs.charts import cjk_font

    if not cjk_font():
        pytest.skip("no font with Chinese characters here: the charts are left out (tested above)")
    names = ["cxl_trend", "cxl_by_type", "cxl_by_support_unit", "cxl_aging"]
    book = lite_book({**sheets, "周报": [["old"]]}, pictures={"周报": names})
    lite.weekly_report(book, TODAY, "2026-W46", "zh")
    assert not actions(book, "addPicture") and len(actions(book, "updatePicture")) == 4
    assert not actions(book, "addSheet")  # the sheet is emptied, not added again
    (write,) = on_sheet(book, "周报", "setValues")
    assert "2026-W46" in write["values"][0][0]


def test_errors_are_one_sentence(sheets: dict) -> None:
    with pytest.raises(lite.LiteError, match="2026-W99"):
        lite.weekly_report(lite_book(sheets), TODAY, "2026-W99", "zh")
    with pytest.raises(lite.LiteError) as caught:
        lite.check_entries(lite_book(settings_of(sheets)), TODAY, "en")
    assert str(caught.value) == say("lite.no-register", "en")
    # No owner column: the chase cannot say whom to chase (the command line's sentence).
    owner = sheets[REGISTER][2].index("跟进人员")
    no_owner = {**sheets, REGISTER: [r[:owner] + r[owner + 1:] for r in sheets[REGISTER]]}
    with pytest.raises(lite.LiteError) as caught:
        lite.chase_overdue(lite_book(no_owner), TODAY, "zh")
    assert "跟进人员" in str(caught.value) and "Traceback" not in str(caught.value)


# -- at 10,000 rows ---------------------------------------------------------------------------

@pytest.mark.parametrize("script", ["check_entries", "chase_overdue", "weekly_report"])
def test_each_script_makes_few_calls_at_ten_thousand_rows(big_sheets: dict, script: str) -> None:
    book = lite_book(big_sheets)
    quiet(getattr(lite, script), book, TODAY)
    recorded = actions(book)
    counts: dict[str, int] = {}
    for a in recorded:
        counts[a["func"]] = counts.get(a["func"], 0) + 1
    print(f"{script}: {len(recorded)} actions at {BIG_ROWS:,} rows: {counts}")
    assert len(recorded) <= MAX_ACTIONS
    assert counts["setValues"] <= 2  # the result sheet (and the hidden marks) in one block each
    assert_register_untouched(book)


def test_nothing_is_written_to_disk(sheets: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for script in (lite.check_entries, lite.chase_overdue, lite.weekly_report):
        quiet(script, lite_book(sheets), TODAY)
    assert list(tmp_path.iterdir()) == []  # the charts' PNGs passed through and went


# -- the worksheet functions ------------------------------------------------------------------

def test_functions_are_the_classic_ones(sheets: dict) -> None:
    register = sheets[REGISTER]
    header, rows = register[2], register[3:]
    col = {h: i for i, h in enumerate(header)}
    holidays = sheets["节假日"]
    column = [[r[col["提出日期"]]] for r in rows[:20]]
    deadlines = [[r[col["解决期限"]]] for r in rows[:20]]
    assert lite.cxl_workdays(column, deadlines, holidays) == udfs.cxl_workdays(column, deadlines, holidays)
    assert lite.cxl_status(deadlines, [[r[col["是否结案"]]] for r in rows[:20]], None, TODAY) == \
        udfs.cxl_status(deadlines, [[r[col["是否结案"]]] for r in rows[:20]], None, TODAY)
    kinds = [[r[col["投诉项目"]]] for r in rows[:20]]
    assert lite.cxl_deadline(column, kinds) == udfs.cxl_deadline(column, kinds)
    table = register[2:]
    assert lite.cxl_kpi("按期结案率", table, "2026-W47", TODAY) == \
        udfs.cxl_kpi("按期结案率", table, "2026-W47", TODAY)
    # Given where the rows start, a message naming a row uses the sheet's number, as the
    # classic function does with the range it gets on Windows.
    validate = quiet(grid.validate, register, today=TODAY, settings=settings_of(sheets), sheet=REGISTER)
    duplicate = next(f for f in validate["findings"] if f["code"] == "duplicate-complaint")
    found = lite.cxl_findings([header], rows, None, None, None, TODAY, [[4.0]])
    assert duplicate["message"] in found[duplicate["row"] - 4][0]
    assert duplicate["message"] not in lite.cxl_findings([header], rows, None, None, None, TODAY)[
        duplicate["row"] - 4][0]


def test_script_arguments_give_app_mode_its_form() -> None:
    """App Mode draws a date picker for a date, a dropdown for a Literal, a text box for str."""
    for script in (lite.check_entries, lite.chase_overdue, lite.weekly_report):
        hints = typing.get_type_hints(script)
        assert hints["book"] is xw.Book
        assert hints["as_of"] == dt.date | None
        assert hints["lang"] == typing.Literal["zh", "en"]
        assert script.__doc__ and "今天" in script.__doc__
    assert typing.get_type_hints(lite.weekly_report)["week"] is str


# -- xlwings Lite's own dispatch over lite/main.py ---------------------------------------------

CALLS = [{"script": "check_entries", "args": [TODAY.isoformat(), "zh"]},
         {"script": "chase_overdue", "args": [TODAY.isoformat(), "en"]},
         {"script": "weekly_report", "args": [TODAY.isoformat(), "", "zh"]},
         {"script": "weekly_report", "args": [TODAY.isoformat(), "2026-W99", "zh"]}]


def funcs_input(sheets: dict) -> list[dict[str, Any]]:
    """Function calls as Excel sends them: 2-D arrays, dates as serial numbers."""
    def serial(day: Any) -> float:
        if not day:
            return 0.0
        return float((dt.date(day.year, day.month, day.day) - dt.date(1899, 12, 30)).days)

    register = sheets[REGISTER]
    header, rows = register[2], register[3:]
    col = {h: i for i, h in enumerate(header)}
    raised = [[serial(r[col["提出日期"]])] for r in rows[:10]]
    due = [[serial(r[col["解决期限"]])] for r in rows[:10]]
    today = serial(dt.datetime.combine(TODAY, dt.time()))
    return [{"name": "cxl_workdays", "args": [raised, due, None, None]},
            {"name": "cxl_deadline", "args": [raised, [[r[col["投诉项目"]]] for r in rows[:10]], None, None,
                                              None, None]},
            {"name": "cxl_status", "args": [due, [[r[col["是否结案"]] or ""] for r in rows[:10]], None,
                                            [[today]], None, None]},
            {"name": "cxl_kpi", "args": [[["新增"]], [[("" if v is None else serial(v) if isinstance(
                v, dt.date) else v) for v in r] for r in register[2:]], [["2026-W47"]], [[today]], None,
                None, None, None, None]}]


def lite_input(sheets: dict, calls: list[dict[str, Any]] | None = None,
               funcs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """lite_runtime.py's input: the book, the script calls (:data:`CALLS`) and the function
    calls (:func:`funcs_input`)."""
    doc = {"book": lite_json(sheets), "calls": CALLS if calls is None else calls,
           "funcs": funcs_input(sheets) if funcs is None else funcs}
    return json.loads(json.dumps(doc, ensure_ascii=False))


def dispatch_in_cpython(doc: dict[str, Any], folder: Path) -> dict[str, Any]:
    """lite_runtime.py over ``doc`` in a CPython subprocess: xlwings' decorators register, as
    in Lite. Without matplotlib, as in the Pyodide cache here (the charts are tested above)."""
    (folder / "input.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code = (f"import asyncio, json, sys; sys.modules['matplotlib'] = None; "
            f"sys.path.insert(0, {str(RUNTIME.parent)!r}); import lite_runtime; "
            f"doc = json.load(open({str(folder / 'input.json')!r}, encoding='utf-8')); "
            f"print(json.dumps(asyncio.run(lite_runtime.run(doc, {str(LITE / 'main.py')!r})), "
            f"ensure_ascii=False))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def dispatched(sheets: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo register through xlwings' dispatch in CPython."""
    return dispatch_in_cpython(lite_input(sheets), tmp_path_factory.mktemp("dispatch"))


def direct_actions(sheets: dict, call: dict[str, Any]) -> list[dict[str, Any]]:
    book = xw.Book(json=lite_input(sheets)["book"])
    script = getattr(lite, call["script"])
    today, *rest = call["args"]
    with mock.patch.dict(sys.modules, {"matplotlib": None}):  # as in the dispatch runs
        quiet(script, book, dt.date.fromisoformat(today), *rest)
    return json.loads(json.dumps(book.json()["actions"], ensure_ascii=False, default=str))


def test_lite_registers_what_main_py_holds(dispatched: dict) -> None:
    scripts = {s["function_name"]: s["name"] for s in dispatched["scripts"]}
    assert scripts == {"check_entries": "校验", "chase_overdue": "催办", "weekly_report": "周报"}
    functions = {f["name"]: [p["name"] for p in f["parameters"]]
                 for f in dispatched["functions"]["functions"]}
    assert functions == {
        "CXL_WORKDAYS": ["start", "end", "holidays", "settings"],
        "CXL_DEADLINE": ["raised_on", "complaint_type", "severity", "settings", "lists", "holidays"],
        "CXL_STATUS": ["deadline", "closed", "closed_on", "today", "holidays", "settings",
                       "paused_from", "paused_to", "extended_to", "followup_on", "closure"],
        "CXL_FINDINGS": ["header", "rows", "settings", "lists", "holidays", "today", "first_row"],
        "CXL_KPI": ["figure", "register", "week", "today", "dimension", "value", "settings", "lists",
                    "holidays"],
    }


def test_lite_dispatch_runs_the_scripts_as_called_directly(sheets: dict, dispatched: dict) -> None:
    for call, answer in zip(CALLS[:3], dispatched["calls"][:3], strict=True):
        assert "error" not in answer, answer.get("details")
        assert answer["actions"] == direct_actions(sheets, call), call["script"]
    bad_week = dispatched["calls"][3]
    assert bad_week["type"] == "LiteError" and "2026-W99" in bad_week["error"]


def test_lite_dispatch_runs_the_functions(sheets: dict, dispatched: dict) -> None:
    values = [answer.get("value", answer.get("error")) for answer in dispatched["funcs"]]
    register = sheets[REGISTER]
    header, rows = register[2], register[3:]
    col = {h: i for i, h in enumerate(header)}
    raised, due = ([[r[col[h]]] for r in rows[:10]] for h in ("提出日期", "解决期限"))
    assert values[0] == udfs.cxl_workdays(raised, due)
    assert all(isinstance(v, list) for v in values[1:3]), values
    assert values[3] == [[udfs.cxl_kpi("新增", register[2:], "2026-W47", TODAY)]]


# -- the same inside Pyodide ---------------------------------------------------------------------

def _xlwings_version() -> str:
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return next(p.split("==")[1].split()[0] for p in pins if p.startswith("xlwings=="))


@pytest.fixture(scope="module")
def lite_pyodide_setup(project_wheel: Path) -> dict[str, Any]:
    """Node, the checked Pyodide 0.27.7 cache, complaint_xl's wheel and xlwings' pure wheel
    (fetched once into .pyodide/lite/). The cache has no matplotlib: the 周报 sheet says why
    it has no charts."""
    node = shutil.which("node")
    if not node:
        pytest.fail("Node.js is not installed: apt-get install nodejs npm (scripts/test does)")
    cache = ROOT / ".pyodide"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "pyodide-setup"), "--cache", str(cache)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode:
        pytest.fail(f"scripts/pyodide-setup could not prepare {cache}:\n{done.stderr[-3000:]}")
    version = _xlwings_version()
    lite_cache = cache / "lite"
    wheel = lite_cache / f"xlwings-{version}-py3-none-any.whl"
    if not wheel.is_file():
        done = subprocess.run([sys.executable, "-m", "pip", "download", f"xlwings=={version}", "--no-deps",
                               "--only-binary=:all:", "--platform", "any", "--implementation", "py",
                               "--abi", "none", "--python-version", "3.12", "-d", str(lite_cache)],
                              capture_output=True, text=True, timeout=600)
        if done.returncode or not wheel.is_file():
            pytest.fail(f"xlwings {version}'s pure wheel could not be fetched (needs PyPI the first "
                        f"time):\n{done.stderr[-3000:]}")
    return {"node": node, "cache": cache, "wheels": [project_wheel, wheel]}


def run_lite_in_pyodide(setup: dict[str, Any], doc: dict[str, Any], folder: Path) -> dict[str, Any]:
    """lite_runtime.py over ``doc`` in a fresh Pyodide under Node, offline: run.mjs's answer
    (result, versions, wasm_memory_bytes, seconds) and the run's wall time (``wall_seconds``)."""
    (folder / "input.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    sys.path.insert(0, str(RUNTIME.parent))
    try:
        import lite_runtime
    finally:
        sys.path.remove(str(RUNTIME.parent))
    cmd = [setup["node"], str(ROOT / "tests" / "pyodide" / "run.mjs"), "--cache", str(setup["cache"]),
           *(arg for wheel in setup["wheels"] for arg in ("--wheel", str(wheel))),
           "--file", f"{folder / 'input.json'}={lite_runtime.INPUT}",
           "--file", f"{LITE / 'main.py'}={lite_runtime.MAIN}",
           "--file", f"{RUNTIME}=/data/lite_runtime.py", "-"]
    started = time.perf_counter()
    done = subprocess.run(cmd, input=lite_runtime.DRIVER, capture_output=True, text=True, timeout=900)
    if done.returncode or not done.stdout.strip():
        pytest.fail(f"Pyodide run failed ({done.returncode}):\n{done.stderr[-6000:]}")
    return {**json.loads(done.stdout), "wall_seconds": time.perf_counter() - started}


@pytest.fixture(scope="module")
def pyodide_lite(sheets: dict, lite_pyodide_setup: dict[str, Any],
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo register through xlwings' dispatch in Pyodide."""
    folder = tmp_path_factory.mktemp("pyodide-lite")
    return run_lite_in_pyodide(lite_pyodide_setup, lite_input(sheets), folder)


def assert_same_calls(calls: list[dict[str, Any]], pyodide: list[dict[str, Any]],
                      cpython: list[dict[str, Any]]) -> None:
    """Each call raised the same error in both, or recorded the same actions."""
    for call, py, cp in zip(calls, pyodide, cpython, strict=True):
        assert ("error" in py) == ("error" in cp), py.get("details") or cp.get("details")
        if "error" in cp:
            assert py["error"] == cp["error"]
        else:
            assert py["actions"] == cp["actions"], call["script"]


def test_lite_runs_in_pyodide_as_in_cpython(pyodide_lite: dict, dispatched: dict) -> None:
    run = pyodide_lite["result"]
    assert pyodide_lite["versions"]["python"].startswith("3.12.")
    assert pyodide_lite["versions"]["xlwings"] == _xlwings_version()
    assert run["scripts"] == dispatched["scripts"] and run["functions"] == dispatched["functions"]
    assert_same_calls(CALLS, run["calls"], dispatched["calls"])
    assert run["funcs"] == dispatched["funcs"]


# -- 10,000 rows inside Pyodide --------------------------------------------------------------------

BIG_CALLS = CALLS[:3]  # 校验, 催办, 周报


@pytest.fixture(scope="module")
def big_lite_input(big_sheets: dict) -> dict[str, Any]:
    return lite_input(big_sheets, BIG_CALLS, funcs=[])


@pytest.fixture(scope="module")
def pyodide_lite_big(big_lite_input: dict, lite_pyodide_setup: dict[str, Any],
                     tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The 10,000-row register through xlwings' dispatch in Pyodide: one more Node process."""
    folder = tmp_path_factory.mktemp("pyodide-lite-big")
    return run_lite_in_pyodide(lite_pyodide_setup, big_lite_input, folder)


@pytest.fixture(scope="module")
def dispatched_big(big_lite_input: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The 10,000-row register through xlwings' dispatch in CPython."""
    return dispatch_in_cpython(big_lite_input, tmp_path_factory.mktemp("dispatch-big"))


def test_ten_thousand_rows_run_in_pyodide_as_in_cpython(pyodide_lite_big: dict, dispatched_big: dict,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The three scripts on a 10,000-row register, within the memory a browser grants a
    WebAssembly page (xlwings Lite's Pyodide runs in one), recording CPython's actions."""
    run = pyodide_lite_big
    for call, answer in zip(BIG_CALLS, run["result"]["calls"], strict=True):
        assert "error" not in answer, f"{call['script']}: {answer.get('details')}"
    assert_same_calls(BIG_CALLS, run["result"]["calls"], dispatched_big["calls"])
    memory = run["wasm_memory_bytes"]
    counts = [len(answer["actions"]) for answer in run["result"]["calls"]]
    with capsys.disabled():
        print(f"\nxlwings Lite scripts in Pyodide, {BIG_ROWS:,}-row register: WebAssembly memory after "
              f"校验/催办/周报 {memory / 2**20:.0f} MiB (limit {MEMORY_LIMIT / 2**30:.0f} GiB); actions "
              f"{dict(zip((c['script'] for c in BIG_CALLS), counts, strict=True))}; Node run "
              f"{run['wall_seconds']:.1f} s (run.mjs laps {run['seconds']})")
    assert memory < MEMORY_LIMIT


# -- what a workbook carries ------------------------------------------------------------------------

def test_requirements_pin_what_the_pyodide_tests_run_on() -> None:
    lines = [line.split("#")[0].strip() for line in (LITE / "requirements.txt").read_text().splitlines()]
    wanted = dict(line.split("==") if "==" in line else (line, None) for line in lines if line)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = tomllib.loads((ROOT / "tests" / "pyodide" / "pins.toml").read_text(encoding="utf-8"))
    assert wanted.pop("complaint-xl") == project["version"]
    assert wanted.pop("xlwings") == _xlwings_version()
    for name, version in pins["pure"].items():
        assert wanted.pop(name) == version, name
    # Pyodide's own builds: their versions come with Lite's Pyodide, so they are not pinned.
    assert wanted == {"markupsafe": None, "numpy": None, "pandas": None, "matplotlib": None}
