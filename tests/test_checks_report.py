"""The report object, the catalogue, the 规则 sheet switches, the CLI and the findings workbook."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from tests.checks_helpers import check, closed, good, write_register
from tests.conftest import AS_OF

import complaint_xl
from complaint_xl.checks import CATALOGUE, RULES, Findings, check_register
from complaint_xl.checks.context import ERROR_TEXTS
from complaint_xl.cli import cli
from complaint_xl.register.dates import is_error_value

# -- the catalogue ---------------------------------------------------------------------


def test_every_code_is_kebab_case_with_titles_and_messages_in_both_languages() -> None:
    for code, entry in CATALOGUE.items():
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", code), code
        assert entry.severity in ("error", "warning")
        for lang in ("zh", "en"):
            assert entry.title(lang) and entry.template(lang)
        assert re.search(r"[\u4e00-\u9fff]", entry.template("zh")), code
        for variant in entry.variants:
            assert entry.template("zh", variant) != entry.template("en", variant)


def test_every_code_has_a_rule_and_every_rule_only_catalogued_codes() -> None:
    produced = [c for rule in RULES for c in rule.codes]
    assert sorted(produced) == sorted(CATALOGUE)  # each code from exactly one rule


def test_error_texts_are_exactly_what_the_reader_calls_error_values() -> None:
    assert all(is_error_value(t) for t in ERROR_TEXTS)
    for text in ("#N/A", "#REF!", "Err:502", "Err:000"):
        assert text in ERROR_TEXTS
    for text in ("#", "N/A", "Err:5", "Err:5023", "#n/a "):
        assert text not in ERROR_TEXTS and not is_error_value(text)


# -- the report ------------------------------------------------------------------------


def _mixed(tmp_path: Path) -> Findings:
    return check(tmp_path, good(type="售后服务", customer_contact="王经理"), closed(effect="无效"),
                 good())


def test_report_fields_locate_each_finding(tmp_path: Path) -> None:
    report = _mixed(tmp_path)
    first = report.findings[0]
    assert (first.sheet, first.row, first.column, first.header, first.field) == (
        "登记表", 2, "G", "投诉项目", "type")
    assert (first.code, first.severity, first.value, first.owner) == (
        "unknown-type", "error", "售后服务", "李明")
    assert report.flatten(["row", "column", "code"]) == [
        [2, "G", "unknown-type"], [2, "C", "contact-invalid"], [3, "O", "closed-but-ineffective"]]
    assert not report.valid and (report.errors, report.warnings, report.rows_affected) == (1, 2, 2)
    assert report.rows == 3 and len(report) == 3
    assert [f.code for f in report.at(2)] == ["unknown-type", "contact-invalid"]


def test_to_json_is_the_contract(tmp_path: Path) -> None:
    report = _mixed(tmp_path)
    doc = report.to_json()
    assert doc["register"] == str(tmp_path / "register.xlsx") and doc["rows"] == 3
    assert set(doc) >= {"register", "rows", "findings"}
    contract = {"row": int, "column": str, "field": str, "code": str, "severity": str,
                "message": str}
    for item in doc["findings"]:
        for key, kind in contract.items():
            assert isinstance(item[key], kind), key
        assert item["value"] is None or isinstance(item["value"], str)
        assert item["severity"] in ("error", "warning")
    assert doc["findings"][1] == {
        "row": 2, "column": "C", "field": "customer_contact", "code": "contact-invalid",
        "severity": "warning", "value": "王经理", "sheet": "登记表", "header": "联系方式",
        "message": "联系方式“王经理”不是有效的手机号、带区号的固定电话、400/800 号码或邮箱。"}
    json.dumps(doc)  # plain types only


def test_to_frame_holds_every_finding(tmp_path: Path) -> None:
    frame = _mixed(tmp_path).to_frame()
    assert list(frame.columns) == ["sheet", "row", "column", "header", "field", "code", "severity",
                                   "message", "value", "owner"]
    assert frame["code"].tolist() == ["unknown-type", "contact-invalid", "closed-but-ineffective"]


def test_an_empty_report(tmp_path: Path) -> None:
    report = check(tmp_path, good())
    assert report.valid and report.findings == [] and report.to_json()["findings"] == []
    assert report.to_frame().empty


# -- switching rules off and changing severities (the 规则 sheet) -------------------------


def test_rules_sheet_switches_rules_off_and_changes_severities(tmp_path: Path) -> None:
    rows = [good(type="售后服务"), good(problem="客户不满意"), good(problem="少发了"), good(owner=None)]
    before = check(tmp_path, *rows, name="before.xlsx")
    assert before.flatten(["row", "code", "severity"]) == [
        [2, "unknown-type", "error"], [3, "vague-problem", "warning"],
        [4, "problem-too-short", "warning"], [5, "owner-missing", "error"]]
    rules = [["代码", "启用", "级别", "说明"],
             ["vague-problem", "否", "", "我们不查笼统用语"],
             ["unknown-type", "是", "警告", ""],
             ["问题点过短", "停用", "", "a rule named by its title"],
             ["owner-missing", "", "warning", ""]]
    after = check(tmp_path, *rows, extra_sheets={"规则": rules}, name="after.xlsx")
    assert after.flatten(["row", "code", "severity"]) == [
        [2, "unknown-type", "warning"], [5, "owner-missing", "warning"]]
    assert after.valid


def test_an_unknown_rule_name_is_pointed_at(tmp_path: Path) -> None:
    rules = [["代码", "启用"], ["vague-problem", "否"], ["vague-problme", "否"]]
    report = check(tmp_path, good(problem="客户不满意"), extra_sheets={"规则": rules})
    assert report.flatten(["sheet", "row", "column", "code", "value"]) == [
        ["规则", 3, "A", "settings-invalid", "vague-problme"]]


# -- the command line ------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaint_xl", *args], capture_output=True,
                          text=True, timeout=120)


def test_json_output_is_exactly_report_to_json(tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [good(type="售后服务"), good(deadline=None)])
    done = _cli("validate", str(path), "--today", AS_OF.isoformat(), "--json")
    loaded = complaint_xl.load(path, as_of=AS_OF)
    expected = check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar).to_json()
    doc = json.loads(done.stdout)
    # the command line adds what it read (issue 12): the sheets, and the notes it printed
    assert doc.pop("sheets") == [{"name": "登记表", "header_row": 1, "rows": 2}]
    assert doc.pop("notes") == []
    assert doc == expected
    assert done.returncode == 1


def test_exit_codes(tmp_path: Path) -> None:
    clean = write_register(tmp_path / "clean.xlsx", [good(), good(deadline=None)])
    broken = write_register(tmp_path / "broken.xlsx", [good(), good(owner=None)])
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    runner = CliRunner()
    today = ["--today", AS_OF.isoformat()]
    assert runner.invoke(cli, ["validate", str(clean), *today]).exit_code == 0  # warnings only
    assert runner.invoke(cli, ["validate", str(broken), *today]).exit_code == 1
    for bad in (tmp_path / "missing.xlsx", tmp_path / "notes.xlsx"):
        done = _cli("validate", str(bad), *today)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr and done.stdout == ""
    # an output that cannot be written: exit 2, nothing on stdout, the register untouched
    before = clean.read_bytes()
    done = _cli("validate", str(clean), *today, "--json", "--out", str(tmp_path / "notes.xlsx" / "x.xlsx"))
    assert done.returncode == 2 and done.stdout == "" and "notes.xlsx" in done.stderr
    assert clean.read_bytes() == before


def test_terminal_table_groups_by_row_with_a_summary(tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [good(), good(customer_contact="王经理",
                                                             type="售后服务"), good(owner=None)])
    result = CliRunner().invoke(cli, ["validate", str(path), "--today", AS_OF.isoformat()])
    lines = result.output.splitlines()
    assert lines[0] == "共 2 个错误、1 个警告，涉及 2 行（已检查 3 行）。"  # the summary first
    lines = lines[lines.index("") + 1:]  # the findings, after the counts by rule and by owner
    assert lines[0] == "登记表 第 3 行（跟进：李明）"
    assert re.match(r"  错误  G3 +unknown-type +投诉项目“售后服务”", lines[1])
    assert re.match(r"  警告  C3 +contact-invalid +联系方式“王经理”", lines[2])
    assert lines[3] == "登记表 第 4 行"
    assert re.match(r"  错误  F4 +owner-missing", lines[4])
    english = CliRunner().invoke(cli, ["validate", str(path), "--today", AS_OF.isoformat(),
                                       "--lang", "en"])
    assert english.output.splitlines()[0] == "2 errors, 1 warning in 2 rows (3 rows checked)."


def test_terminal_table_puts_rows_with_errors_first(tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [good(customer_contact="王经理"), good(owner=None)])
    result = CliRunner().invoke(cli, ["validate", str(path), "--today", AS_OF.isoformat()])
    heads = [line for line in result.output.splitlines() if line.startswith("登记表")]
    assert heads == ["登记表 第 3 行", "登记表 第 2 行（跟进：李明）"]


# -- the findings workbook ---------------------------------------------------------------


def test_findings_workbook(tmp_path: Path) -> None:
    register = write_register(tmp_path / "登记 表.xlsx", [
        good(type="=SUM(A1:A2)", owner="张伟"),
        good(customer_contact="王经理", owner="张伟"),
        good(owner=None),
        closed(effect="无效"),
    ], sheet="投诉's 表")
    out = tmp_path / "out" / "检查结果.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(register), "--today", AS_OF.isoformat(),
                                      "--out", str(out)])
    assert result.exit_code == 1 and str(out) in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["检查结果", "按规则汇总", "按跟进人汇总"]
    ws = wb["检查结果"]
    header = [c.value for c in ws[1]]
    assert header == ["工作表", "行", "列", "单元格", "表头", "级别", "代码", "规则", "说明", "原值",
                      "跟进人员"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [(r[1], r[2], r[6]) for r in rows] == [
        (2, "G", "unknown-type"), (3, "C", "contact-invalid"), (4, "F", "owner-missing"),
        (5, "O", "closed-but-ineffective")]
    # a value typed as a formula stays text
    value = ws.cell(row=2, column=10)
    assert value.value == "=SUM(A1:A2)" and value.data_type == "s"
    # every cell address links into the register, at the cell, with the sheet name quoted
    link = ws.cell(row=3, column=4).hyperlink
    # relative to the findings file, forward slashes (Excel on Windows and macOS), spaces escaped
    assert link.target == "../登记%20表.xlsx" and link.location == "'投诉''s 表'!C3"
    assert ws.cell(row=3, column=4).value == "投诉's 表!C3"
    # an Excel table: filters on every column
    (name, ref), = ws.tables.items()
    assert ref == "A1:K5" and ws.tables[name].autoFilter is not None
    by_rule = [[c.value for c in r] for r in wb["按规则汇总"].iter_rows(min_row=6)]
    assert by_rule == [["unknown-type", "投诉项目不在列表中", "错误", 1, 1],
                       ["owner-missing", "跟进人员未填写", "错误", 1, 1],
                       ["contact-invalid", "联系方式无效", "警告", 1, 1],
                       ["closed-but-ineffective", "效果无效却已结案", "警告", 1, 1]]
    assert wb["按规则汇总"].tables
    by_owner = [[c.value for c in r] for r in wb["按跟进人汇总"].iter_rows()]
    # the rules by their names; each code in its header's note
    assert by_owner[0] == ["跟进人员", "错误", "警告", "合计", "效果无效却已结案",
                           "联系方式无效", "跟进人员未填写", "投诉项目不在列表中"]
    assert [c.comment.text for c in wb["按跟进人汇总"][1][4:]] == [
        "closed-but-ineffective", "contact-invalid", "owner-missing", "unknown-type"]
    assert by_owner[1:] == [["张伟", 1, 1, 2, 0, 1, 0, 1],
                            ["（未填写跟进人员）", 1, 0, 1, 0, 0, 1, 0],
                            ["李明", 0, 1, 1, 1, 0, 0, 0]]


def test_findings_workbook_in_english_into_a_folder_with_json(tmp_path: Path) -> None:
    register = write_register(tmp_path / "r.xlsx", [good(problem="投诉")])
    folder = tmp_path / "out"
    folder.mkdir()
    done = _cli("validate", str(register), "--today", AS_OF.isoformat(), "--out", str(folder),
                "--json", "--lang", "en")
    assert done.returncode == 0
    assert json.loads(done.stdout)["findings"][0]["code"] == "vague-problem"
    assert str(folder / "findings.xlsx") in done.stderr
    wb = openpyxl.load_workbook(folder / "findings.xlsx")
    assert wb.sheetnames == ["Findings", "By rule", "By owner"]
    assert wb["Findings"]["F2"].value == "warning"
    assert wb["Findings"]["D2"].hyperlink.target == "../r.xlsx"


def test_an_empty_findings_workbook_is_still_a_workbook(tmp_path: Path) -> None:
    from complaint_xl.outputs.findings_xlsx import write_findings_xlsx

    report = check(tmp_path, good())
    out = write_findings_xlsx(report, tmp_path / "none.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb["检查结果"].max_row <= 2 and "未发现问题" in wb["按规则汇总"]["A3"].value


@pytest.mark.filterwarnings("ignore::UserWarning")  # the demo's chase step warns of a staff gap
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_writes_the_findings_workbook(tmp_path: Path, lang: str) -> None:
    from complaint_xl.demo import run_demo

    lines: list[str] = []
    written = run_demo(tmp_path, today=dt.date(2026, 11, 29), lang=lang, echo=lines.append)
    findings = tmp_path / ("检查结果.xlsx" if lang == "zh" else "findings.xlsx")
    assert findings in written
    codes = {r[6] for r in openpyxl.load_workbook(findings).worksheets[0].iter_rows(
        min_row=2, values_only=True)}
    # the demo register's planted mistakes are all found
    assert {"unknown-type", "vague-problem", "date-text", "owner-missing", "deadline-before-raised",
            "duplicate-complaint", "support-need-missing"} <= codes
