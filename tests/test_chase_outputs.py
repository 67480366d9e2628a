"""The chase list workbook, the output folder on reruns, and the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from chase_helpers import load_register, parse, row, write_register
from complaint_xl.chase import chase
from complaint_xl.cli import cli
from complaint_xl.outputs.chase import ChaseWarning, write_chase
from complaint_xl.outputs.drafts import MANIFEST

NOW = dt.datetime(2026, 10, 12, 9, 0).astimezone()

ROWS = [
    row(1, "2026-09-20", customer="=cmd|'/C calc'!A0", support_unit="工厂",
        support_need="=1+1 请工厂出报告"),
    row(2, "2026-10-09", owner="王芳", support_unit="工厂", support_need="核对批次"),
    row(3, "2026-10-13", owner="王芳"),
    row(4, "2026-09-30", severity="重大", support_unit="财务", support_need="-5% 返利"),
]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return write_register(tmp_path / "登记.xlsx", ROWS)


def chase_into(register: Path, out: Path, lang: str | None = None, **kw):
    loaded = load_register(register, lang=lang)
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    return result, write_chase(result, loaded.settings, out, now=NOW, **kw)


# -- the workbook ---------------------------------------------------------------------

def test_chase_list_workbook(register, tmp_path):
    _, outputs = chase_into(register, tmp_path / "out")
    assert outputs.workbook == (tmp_path / "out" / "chase-2026-10-12.xlsx").absolute()
    wb = openpyxl.load_workbook(outputs.workbook)
    assert wb.sheetnames == ["催办清单", "按跟进人员", "按支援单位", "说明"]
    ws = wb["催办清单"]
    [(name, ref)] = ws.tables.items()
    assert (name, ref) == ("T_chase", "A3:V7")  # header + 4 items
    header = [c.value for c in ws[3]]
    for label in ("跟进人员", "客户", "投诉项目", "解决期限", "逾期工作日", "级别", "支援单位",
                  "支援或协助需求点", "进展情况"):
        assert label in header
    col = {h: i for i, h in enumerate(header)}
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=7)]
    # Most overdue first: row 1 (11 days, level 3), row 4 (4 days, major: 3), row 2, then due soon.
    assert [(r[col["状态"]], r[col["逾期工作日"]], r[col["级别"]]) for r in body] == [
        ("逾期", 11, 3), ("逾期", 4, 3), ("逾期", 2, 1), ("即将到期", None, None)]
    assert body[3][col["剩余工作日"]] == 1
    assert [r[col["备注"]] for r in body] == [None] * 4  # nothing passed on a day off, no bad deadline
    assert body[0][col["解决期限"]] == dt.datetime(2026, 9, 20)
    # User text that looks like a formula or a number stays text.
    formula_cell = ws.cell(row=4, column=col["客户"] + 1)
    assert formula_cell.value == "=cmd|'/C calc'!A0" and formula_cell.data_type == "s"
    assert ws.cell(row=4, column=col["支援或协助需求点"] + 1).data_type == "s"
    assert ws.cell(row=5, column=col["支援或协助需求点"] + 1).value == "-5% 返利"
    # Red for overdue, amber for due soon, keyed on the status column of each row.
    rules = {r.formula[0]: r.dxf.fill.bgColor.rgb for cf in ws.conditional_formatting
             for r in cf.rules}
    assert rules == {'$A4="逾期"': "FFFFC7CE", '$A4="即将到期"': "FFFFEB9C"}
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {"A4:V7"}


def test_summary_sheets(register, tmp_path):
    _, outputs = chase_into(register, tmp_path / "out")
    wb = openpyxl.load_workbook(outputs.workbook)
    owners = [[c.value for c in r] for r in wb["按跟进人员"].iter_rows()]
    assert owners[0] == ["跟进人员", "上级", "逾期", "即将到期", "二级及以上", "三级",
                         "最长逾期工作日"]
    assert owners[1:] == [["李明", "周强", 2, 0, 2, 2, 11], ["王芳", "周强", 1, 1, 0, 0, 2]]
    units = [[c.value for c in r] for r in wb["按支援单位"].iter_rows()]
    assert units[1:] == [["工厂", 2, 0, 1, 1, 11], ["财务", 1, 0, 1, 1, 4]]
    assert wb["按跟进人员"].tables and wb["按支援单位"].tables


def test_english_workbook(register, tmp_path):
    _, outputs = chase_into(register, tmp_path / "out", lang="en")
    wb = openpyxl.load_workbook(outputs.workbook)
    assert wb.sheetnames == ["Chase list", "By owner", "By support unit", "About"]
    assert wb["Chase list"]["A4"].value == "Overdue"


# -- reruns into one folder -------------------------------------------------------------

def test_running_twice_duplicates_nothing(register, tmp_path):
    out = tmp_path / "out"
    _, first = chase_into(register, out)
    before = sorted(p.name for p in out.iterdir())
    _, second = chase_into(register, out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in second.drafts] == [p.name for p in first.drafts]
    assert second.kept == [] and MANIFEST in before
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {p for p in before if p != MANIFEST}


def test_an_edited_draft_is_kept_and_the_new_one_written_beside_it(register, tmp_path):
    out = tmp_path / "out"
    chase_into(register, out)
    edited = out / "催办-李明.eml"
    data = edited.read_bytes().replace(b"X-Unsent: 1\r\n", b"X-Unsent: 1\r\nX-Note: called\r\n")
    assert data != edited.read_bytes()
    edited.write_bytes(data)
    with pytest.warns(ChaseWarning, match="催办-李明.eml") as caught:
        _, second = chase_into(register, out)
    assert edited.read_bytes() == data
    assert second.kept == [edited.absolute()]
    beside = out / "催办-李明 (2).eml"
    assert beside.absolute() in second.drafts and parse(beside)["X-Unsent"] == "1"
    assert any("催办-李明 (2).eml" in str(w.message) for w in caught)
    # A third run replaces its own untouched "(2)" file instead of adding "(3)".
    with pytest.warns(ChaseWarning):
        chase_into(register, out)
    assert not (out / "催办-李明 (3).eml").exists() and edited.read_bytes() == data


def test_a_file_we_did_not_write_is_never_overwritten(register, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "催办-王芳.eml").write_text("my own notes", encoding="utf-8")
    with pytest.warns(ChaseWarning, match="催办-王芳"):
        _, outputs = chase_into(register, out)
    assert (out / "催办-王芳.eml").read_text(encoding="utf-8") == "my own notes"
    assert (out / "催办-王芳 (2).eml").absolute() in outputs.drafts


def test_a_workbook_open_in_excel_is_left_alone(register, tmp_path):
    out = tmp_path / "out"
    _, first = chase_into(register, out)
    before = first.workbook.read_bytes()
    (out / "~$chase-2026-10-12.xlsx").write_bytes(b"lock")  # Excel's owner file
    with pytest.warns(ChaseWarning, match="Excel"):
        _, second = chase_into(register, out)
    assert second.workbook.name == "chase-2026-10-12 (2).xlsx"
    assert first.workbook.read_bytes() == before
    assert openpyxl.load_workbook(second.workbook).sheetnames[0] == "催办清单"


def test_a_damaged_manifest_overwrites_nothing(register, tmp_path):
    out = tmp_path / "out"
    chase_into(register, out)
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.warns(ChaseWarning) as caught:
        _, second = chase_into(register, out)
    assert any(MANIFEST in str(w.message) for w in caught)
    assert "催办-李明 (2).eml" in [p.name for p in second.drafts]
    assert (out / "催办-李明.eml").absolute() in second.kept
    # The rewritten manifest knows the "(2)" files: a third run adds no "(3)".
    with pytest.warns(ChaseWarning):  # the unknown originals are still kept, and said so
        _, third = chase_into(register, out)
    assert sorted(p.name for p in third.drafts) == sorted(p.name for p in second.drafts)


def test_stale_drafts_of_an_earlier_run_are_removed_unless_edited(register, tmp_path):
    out = tmp_path / "out"
    result, _ = chase_into(register, out)
    (out / "支援-财务.eml").write_bytes(b"edited by hand")
    loaded = load_register(register)
    # The next day 王芳's items are closed: no digest for her any more.
    later = dataclasses.replace(result, items=result.items[result.items["owner"] != "王芳"])
    with pytest.warns(ChaseWarning, match="支援-财务"):
        outputs = write_chase(later, loaded.settings, out, now=NOW)
    assert not (out / "催办-王芳.eml").exists()
    assert (out / "支援-财务.eml").read_bytes() == b"edited by hand"
    assert "催办-王芳.eml" not in json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    assert (out / "催办-李明.eml").absolute() in outputs.drafts


# -- the command line -----------------------------------------------------------------

def test_cli_json_is_the_contract_with_draft_paths(register, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["chase", str(register), "--today", "2026-10-12", "--out",
                                   str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"as_of", "overdue", "due_soon", "drafts"}
    assert doc["as_of"] == "2026-10-12"
    contract = ("row", "seq", "owner", "customer", "type", "deadline", "workdays_overdue", "level")
    assert [tuple(d[k] for k in contract) for d in doc["overdue"]] == [
        (2, 1, "李明", "=cmd|'/C calc'!A0", "品质", "2026-09-20", 11, 3),
        (5, 4, "李明", "客户04有限公司", "品质", "2026-09-30", 4, 3),
        (3, 2, "王芳", "客户02有限公司", "品质", "2026-10-09", 2, 1),
    ]
    assert [d["row"] for d in doc["due_soon"]] == [4]
    assert doc["due_soon"][0]["workdays_left"] == 1
    names = sorted(Path(p).name for p in doc["drafts"])
    assert names == sorted(["催办-李明.eml", "催办-王芳.eml", "支援-工厂.eml", "支援-财务.eml",
                            "升级-孙建国.eml"])
    assert all(Path(p).is_file() and Path(p).parent == out.absolute() for p in doc["drafts"])
    assert Path(doc["workbook"]).is_file()


def test_cli_summary_and_default_dated_folder(register, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["chase", str(register), "--today", "2026-10-12"])
    assert res.exit_code == 0, res.output
    folder = tmp_path / "催办-2026-10-12"
    assert (folder / "chase-2026-10-12.xlsx").is_file()
    assert "逾期 3 项" in res.stdout and "即将到期 1 项" in res.stdout
    assert str(folder) in res.stdout and "邮件草稿 5 封" in res.stdout
    assert "李明｜=cmd|" in res.stdout
    res = CliRunner().invoke(cli, ["chase", str(register), "--today", "2026-10-12", "--lang", "en"])
    assert (tmp_path / "chase-2026-10-12" / "chase-李明.eml").is_file()
    assert "3 overdue" in res.stdout


def test_the_settings_drafts_folder_holds_the_dated_folder(tmp_path, monkeypatch):
    settings = [["项目", "值"], ["草稿文件夹", "草稿"], ["经理", "孙建国"]]
    register = write_register(tmp_path / "team" / "r.xlsx", ROWS, settings=settings)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["chase", str(register), "--today", "2026-10-12", "--json"])
    assert res.exit_code == 0, res.output
    folder = (tmp_path / "team" / "草稿" / "催办-2026-10-12").absolute()
    assert json.loads(res.stdout)["folder"] == str(folder)
    assert (folder / "chase-2026-10-12.xlsx").is_file()


def test_cli_missing_address_goes_to_stderr_only(tmp_path):
    register = write_register(tmp_path / "r.xlsx", [row(1, "2026-10-09", owner="杨帆")])
    res = CliRunner().invoke(cli, ["chase", str(register), "--today", "2026-10-12", "--out",
                                   str(tmp_path / "o"), "--json"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)  # stdout is pure JSON
    assert doc["missing_addresses"] == ["杨帆"]
    assert "杨帆" in res.stderr and "没有登记邮箱" in res.stderr
    assert parse(Path(doc["drafts"][0]))["To"] is None


def test_cli_unusable_register_exits_2(tmp_path):
    res = CliRunner().invoke(cli, ["chase", str(tmp_path / "nope.xlsx"), "--json"])
    assert res.exit_code == 2 and res.stdout == ""


def test_demo_runs_the_chase(tmp_path):
    from complaint_xl.demo import run_demo

    lines: list[str] = []
    with pytest.warns(ChaseWarning, match="杨帆"):  # the demo staff has one person without e-mail
        written = run_demo(tmp_path / "demo", today=dt.date(2026, 11, 30), echo=lines.append)
    folder = tmp_path / "demo" / "催办"
    assert (folder / "chase-2026-11-30.xlsx").absolute() in written
    assert any(p.suffix == ".eml" for p in written)
    assert any(line.startswith("催办（截至 2026-11-30）") for line in lines)
