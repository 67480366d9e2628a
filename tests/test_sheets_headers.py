"""Nothing silently wrong: which sheets are read, settings that cannot be, and misspelt headers.

Issue 12. A hotline workbook held the same complaints on a summary sheet, a summary
+ history sheet and district sheets, and was read as all of them added up; an SLA of
0 put deadlines on the raised date; 跟近人员 for 跟进人员 made the chase claim that
nobody followed anything up. Each case is built here, in small.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.checks_helpers import good, write_register
from tests.conftest import AS_OF, STANDARD_HEADER, row, write_xlsx

from complaint_xl import check_register, load
from complaint_xl.cli import cli
from complaint_xl.errors import UsageError
from complaint_xl.register.header import find_header, near_misses
from complaint_xl.register.schema import FIELDS
from complaint_xl.register.text import header_key, strip_bracketed
from complaint_xl.settings import INT_RANGES, Settings
from complaint_xl.words import Said

D = dt.date
TODAY = "2026-11-29"


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


# -- the hotline workbook, in small -----------------------------------------------------------

MAPPING = {"customer": "诉求人", "type": "诉求类型", "owner": "承办人员"}
MAP_ARGS = [a for f, h in MAPPING.items() for a in ("--map", f"{f}={h}")]
DISTRICTS = ("东区", "西区", "南区")


def _complaint(i: int) -> list[Any]:
    """诉求人, 诉求类型, 诉求内容, 来电时间, 承办人员, 处理状态 of complaint i."""
    return [f"市民{i:02d}", "噪音" if i % 2 else "路灯", f"第 {i} 号楼附近夜间施工噪音扰民，要求处理",
            D(2026, 10, 1) + dt.timedelta(days=i), "李明" if i % 3 else "王芳", "否"]


def _hotline(tmp_path: Path) -> Path:
    """汇总 (12 complaints, its own header), 汇总+历史数据0415 (9) and 3 district sheets (3 each).

    The 9 on 汇总+历史数据0415 are the district sheets' 9, which are also on 汇总: 12
    complaints in all, 30 rows.
    """
    complaints = [_complaint(i) for i in range(1, 13)]
    summary_head = ["序号", "工单编号", "诉求人", "诉求类型", "诉求内容", "来电时间", "承办人员",
                    "处理状态", "区县"]
    summary = [["12345 热线投诉汇总"], summary_head,
               *[[i + 1, f"GD{i + 1:05d}", *c, DISTRICTS[i % 3]] for i, c in enumerate(complaints)]]
    head = ["序号", "诉求人", "诉求类型", "诉求内容", "来电时间", "承办人员", "处理状态"]
    history = [head, *[[i + 1, *c] for i, c in enumerate(complaints[:9])]]
    sheets: dict[str, list[list[Any]]] = {"汇总": summary, "汇总+历史数据0415": history}
    for d, name in enumerate(DISTRICTS):
        title = [[f"{name}投诉明细"]] if d == 0 else []  # a title row above one header only
        sheets[name] = [*title, head, *[[i + 1, *c] for i, c in enumerate(complaints[3 * d:3 * d + 3])]]
    return write_xlsx(tmp_path / "hotline.xlsx", sheets)


def test_a_summary_and_the_sheets_it_sums_are_not_added_up(tmp_path: Path) -> None:
    path = _hotline(tmp_path)
    reg = load(path, as_of=AS_OF, mapping=MAPPING).register
    assert len(reg) == 12  # the old reader added every sheet with the mapped headers: 30
    assert [s.name for s in reg.sheets] == ["汇总"]
    assert reg.left_out == ["汇总+历史数据0415", *DISTRICTS]
    keys = [k for k, _ in reg.notes]
    assert keys == ["sheets-read", "sheets-left-out"]
    # on the command line: the count, and which sheets were read and which were not
    done = _run("validate", path, "--today", TODAY, "--json", *MAP_ARGS)
    assert done.exit_code in (0, 1), done.output
    doc = json.loads(done.stdout)
    assert doc["rows"] == 12
    assert doc["sheets"] == [{"name": "汇总", "header_row": 2, "rows": 12}]
    assert "读取工作表：“汇总”（共 12 行）" in done.stderr
    left = next(line for line in done.stderr.splitlines() if "未读取" in line)
    assert all(f"“{n}”" in left for n in reg.left_out) and "--sheet" in left
    en = _run("validate", path, "--today", TODAY, "--json", "--lang", "en", *MAP_ARGS)
    assert "sheets read: '汇总' (12 rows)" in en.stderr and "--sheet NAME" in en.stderr


def test_sheets_named_with_sheet_are_read_each_complaint_once(tmp_path: Path) -> None:
    path = _hotline(tmp_path)
    done = _run("validate", path, "--today", TODAY, "--json", *MAP_ARGS,
                *[a for n in (*DISTRICTS, "汇总+历史数据0415") for a in ("--sheet", n)])
    assert done.exit_code in (0, 1), done.output
    doc = json.loads(done.stdout)
    assert doc["rows"] == 9
    assert [(s["name"], s["rows"]) for s in doc["sheets"]] == [
        ("东区", 3), ("西区", 3), ("南区", 3), ("汇总+历史数据0415", 0)]
    # the repeats are named: the sheet they were dropped from, how many, where the first copies are
    warning = next(line for line in done.stderr.splitlines() if "重复" in line)
    assert "警告" in warning and "“汇总+历史数据0415”中有 9 行（第 2、3、4、5、6、7、8、9、10 行）" in warning
    assert all(f"“{n}”" in warning for n in DISTRICTS)
    assert "读取工作表：“东区”、“西区”、“南区”、“汇总+历史数据0415”（共 9 行）" in done.stderr
    # no duplicate-complaint findings: the repeats were never read
    assert not [f for f in doc["findings"] if f["code"] == "duplicate-complaint"]


def test_one_sheet_by_name(tmp_path: Path) -> None:
    done = _run("validate", _hotline(tmp_path), "--today", TODAY, "--json", *MAP_ARGS,
                "--sheet", "西区")
    doc = json.loads(done.stdout)
    assert doc["rows"] == 3 and [s["name"] for s in doc["sheets"]] == ["西区"]
    assert "读取工作表" not in done.stderr  # one sheet, nothing left out by choice: nothing to say


@pytest.mark.parametrize("command", ["validate", "chase", "report"])
def test_an_unknown_sheet_is_one_line_exit_2(tmp_path: Path, command: str) -> None:
    done = _run(command, _hotline(tmp_path), "--today", TODAY, *MAP_ARGS, "--sheet", "北区")
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "北区" in lines[0]
    assert all(f"“{n}”" in lines[0] for n in ("汇总", "汇总+历史数据0415", *DISTRICTS))
    assert done.stdout == ""


def test_a_named_sheet_without_a_register_header_is_refused(tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [good()], extra_sheets={
        "设置": [["项目", "值"], ["默认时限(工作日)", 10]], "说明": [["本表记录客户投诉"]]})
    for name in ("设置", "说明"):
        with pytest.raises(UsageError) as info:
            load(path, as_of=AS_OF, sheets=[name])
        assert info.value.key == "sheet-no-register" and name in info.value.message("zh")
    done = _run("validate", path, "--sheet", "说明")
    assert done.exit_code == 2 and "说明" in done.stderr
    # a name as the workbook folds it: full-width letters, spaces, case
    assert len(load(path, as_of=AS_OF, sheets=[" 登记表 "]).register) == 1


def test_monthly_sheets_with_one_header_merge_and_a_carried_over_complaint_counts_once(
        tmp_path: Path) -> None:
    carried = good(raised_on=D(2026, 10, 28))
    october = [good(raised_on=D(2026, 10, 5)), carried]
    november = [carried, good(raised_on=D(2026, 11, 3)), good(raised_on=D(2026, 11, 4))]
    path = write_xlsx(tmp_path / "months.xlsx", {
        "10月": [STANDARD_HEADER, *(row(**r) for r in october)],
        "11月": [["2026年11月投诉登记"], STANDARD_HEADER, *(row(**r) for r in november)]})
    reg = load(path, as_of=AS_OF).register
    assert [s.name for s in reg.sheets] == ["10月", "11月"]  # title rows may differ
    assert len(reg) == 4
    assert list(zip(reg.frame["_sheet"], reg.frame["_row"], strict=True)) == [
        ("10月", 2), ("10月", 3), ("11月", 4), ("11月", 5)]
    (params,) = [_said(p, "zh") for k, p in reg.notes if k == "sheets-repeated"]
    assert (params["sheet"], params["count"], params["rows"], params["others"]) == (
        "11月", "1", "3", "“10月”")
    (read,) = [p for k, p in reg.notes if k == "sheets-read"]
    assert _said(read, "zh") == {"sheets": "“10月”、“11月”", "rows": "4"}
    assert _said(read, "en")["sheets"] == "'10月', '11月'"


def _said(params: dict[str, object], lang: str) -> dict[str, object]:
    """A note's parameters as said in ``lang``."""
    return {k: v.say(lang) if isinstance(v, Said) else v for k, v in params.items()}


def test_a_complaint_entered_twice_on_one_sheet_is_kept_for_the_check(tmp_path: Path) -> None:
    twice = good()
    path = write_register(tmp_path / "r.xlsx", [twice, twice])
    loaded = load(path, as_of=AS_OF)
    assert len(loaded.register) == 2 and loaded.register.notes == []
    report = check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
    assert [3, "customer", "duplicate-complaint"] in report.flatten()


# -- settings that cannot be -------------------------------------------------------------------

REGISTER = [good(raised_on=D(2026, 11, 2), deadline=None)]


def _with_settings(tmp_path: Path, settings: list[list[Any]], lists: list[list[Any]] | None = None
                   ) -> Path:
    extra: dict[str, list[list[Any]]] = {"设置": [["项目", "值"], *settings]}
    if lists is not None:
        extra["列表"] = lists
    return write_register(tmp_path / "r.xlsx", REGISTER, extra_sheets=extra)


@pytest.mark.parametrize("label", ["默认时限(工作日)", "重大投诉时限(工作日)"])
@pytest.mark.parametrize("value", [0, -3, "abc", 2.5])
def test_an_sla_of_less_than_one_working_day_is_reported_and_the_default_used(
        tmp_path: Path, label: str, value: Any) -> None:
    loaded = load(_with_settings(tmp_path, [[label, value]]), as_of=AS_OF)
    s = loaded.settings
    assert (s.sla_days, s.sla_major_days) == (15, 5)
    (problem,) = s.problems
    assert (problem.sheet, problem.cell, problem.key) == ("设置", "B2", label)
    default = 15 if label.startswith("默认") else 5
    assert "1 到 365" in problem.message("zh") and f"默认值 {default}" in problem.message("zh")
    assert f"from 1 to 365; the default {default} is used" in problem.message("en")
    frame = loaded.register.frame
    assert (frame["deadline"] > frame["raised_on"]).all()  # 15 working days after, never before


def test_a_type_sla_of_0_is_reported_and_the_default_sla_named(tmp_path: Path) -> None:
    lists = [["投诉项目", "时限(工作日)"], ["品质", 0], ["售后", 10]]
    # 设置 stands after 列表 here: its 默认时限 is read first all the same
    path = write_register(tmp_path / "r.xlsx", REGISTER, extra_sheets={
        "列表": lists, "设置": [["项目", "值"], ["默认时限(工作日)", 12]]})
    loaded = load(path, as_of=AS_OF)
    s = loaded.settings
    assert s.sla_by_type == {"售后": 10} and s.sla_days == 12
    (problem,) = s.problems
    assert (problem.sheet, problem.cell, problem.key) == ("列表", "B2", "品质")
    assert "默认时限 12 个工作日" in problem.message("zh")
    assert "the default SLA, 12 working days" in problem.message("en")
    # 品质 takes the default: 12 working days after Mon 2026-11-02
    assert loaded.register.frame["deadline"].iloc[0].date() == D(2026, 11, 18)


@pytest.mark.parametrize(
    ("label", "key", "bad", "good_value"),
    [
        ("到期提醒(工作日)", "due_soon_days", 31, 30),
        ("邮件最多列出条数", "chase_mail_max_items", -1, 0),
        ("附件上限(MB)", "mail_attachment_max_mb", 101, 0),
        ("问题点最短字数", "problem_min_length", 201, 0),
        ("邮件最多列出条数", "chase_mail_max_items", 10_001, 10_000),
    ],
)
def test_each_whole_number_setting_has_its_range(tmp_path: Path, label: str, key: str, bad: int,
                                                 good_value: int) -> None:
    low, high = INT_RANGES[key]
    assert low <= good_value <= high and not low <= bad <= high
    s = load(_with_settings(tmp_path, [[label, bad]]), as_of=AS_OF).settings
    assert getattr(s, key) == getattr(Settings(), key)
    assert [(p.cell, p.key) for p in s.problems] == [("B2", label)]
    s = load(_with_settings(tmp_path, [[label, good_value]]), as_of=AS_OF).settings
    assert getattr(s, key) == good_value and s.problems == []


@pytest.mark.parametrize(("level2", "level3", "cells"),
                         [(5, 5, ["B2", "B3"]), (None, 2, ["B2"]), (12, None, ["B2"])])
def test_escalation_level_3_must_come_after_level_2(tmp_path: Path, level2: int | None,
                                                    level3: int | None, cells: list[str]) -> None:
    rows = [[label, v] for label, v in (("二级升级", level2), ("三级升级", level3)) if v is not None]
    s = load(_with_settings(tmp_path, rows), as_of=AS_OF).settings
    assert (s.escalate_level2_after, s.escalate_level3_after) == (3, 10)  # both defaults
    assert [p.cell for p in s.problems] == cells  # each cell written and not used is named
    assert all("3 和 10" in p.message("zh") and "3 and 10" in p.message("en") for p in s.problems)


@pytest.mark.parametrize("command", ["chase", "report"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chase_and_report_print_each_settings_problem(tmp_path: Path, command: str,
                                                      lang: str) -> None:
    path = _with_settings(tmp_path, [["默认时限(工作日)", 0], ["到期提醒(工作日)", "三天"]])
    done = _run(command, path, "--today", TODAY, "--lang", lang, "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    lines = [line for line in done.stderr.splitlines() if " 设置 B" in line]
    if lang == "zh":
        assert lines == [
            "complaint-xl: 警告: 设置 B2：“默认时限(工作日)”应为 1 到 365 之间的整数，已按默认值 15 处理",
            "complaint-xl: 警告: 设置 B3：“到期提醒(工作日)”应为 0 到 30 之间的整数，已按默认值 2 处理"]
    else:
        assert lines == [
            "complaint-xl: warning: 设置 B2: '默认时限(工作日)' must be a whole number from 1 to "
            "365; the default 15 is used",
            "complaint-xl: warning: 设置 B3: '到期提醒(工作日)' must be a whole number from 0 to 30; "
            "the default 2 is used"]


def test_validate_reports_settings_problems_as_findings_not_twice(tmp_path: Path) -> None:
    path = _with_settings(tmp_path, [["默认时限(工作日)", 0]])
    done = _run("validate", path, "--today", TODAY, "--json")
    assert done.exit_code in (0, 1), done.output
    found = [(f["column"], f["row"], f["code"]) for f in json.loads(done.stdout)["findings"]
             if f["code"] == "settings-invalid"]
    assert found == [("B", 2, "settings-invalid")]
    assert "设置 B2" not in done.stderr


# -- misspelt headers --------------------------------------------------------------------------

def _misspelt(tmp_path: Path, owner: str = "跟近人员", raised: str = "提出日期") -> Path:
    head = ["序号", "客户", owner, "投诉项目", "问题点", raised, "解决时限", "严重成度", "是否结案"]
    rows = [[1, "甲公司(经销商)", "李明", "品质", "A3 型号开裂 3 张，客户要求更换", D(2026, 11, 2),
             D(2026, 11, 6), "重大", "否"],
            [2, "乙公司(经销商)", "王芳", "售后", "B2 型号安装孔位偏差 5 毫米", D(2026, 11, 3),
             D(2026, 11, 20), "一般", "否"]]
    return write_xlsx(tmp_path / "typo.xlsx", {"登记表": [head, *rows]})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chase_without_the_owner_column_stops_and_names_the_misspelt_header(
        tmp_path: Path, lang: str) -> None:
    done = _run("chase", _misspelt(tmp_path), "--today", TODAY, "--lang", lang,
                "--out", tmp_path / "out")
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "跟近人员" in lines[0] and "--map owner=跟近人员" in lines[0]
    assert ("跟进人员" if lang == "zh" else "Owner") in lines[0]
    assert not (tmp_path / "out").exists()
    # the fix the message gives works
    fixed = _run("chase", _misspelt(tmp_path), "--today", TODAY, "--lang", lang,
                 "--out", tmp_path / "out", "--map", "owner=跟近人员")
    assert fixed.exit_code == 0, fixed.output


def test_chase_without_an_owner_column_and_no_near_miss_says_how_to_map(tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [good()], drop=["owner"])
    done = _run("chase", path, "--today", TODAY)
    assert done.exit_code == 2
    assert "跟进人员" in done.stderr and "--map owner=表头" in done.stderr


def test_report_needs_the_raised_date(tmp_path: Path) -> None:
    done = _run("report", _misspelt(tmp_path, owner="跟进人员", raised="提出日其"), "--today", TODAY)
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "提出日期" in lines[0] and "--map raised_on=提出日其" in lines[0]


def test_near_miss_headers_are_noted_and_validate_still_runs(tmp_path: Path) -> None:
    path = _misspelt(tmp_path)
    reg = load(path, as_of=AS_OF).register
    assert [(s.field, s.header, s.column) for s in reg.near_misses] == [
        ("owner", "跟近人员", "C"), ("deadline", "解决时限", "G"), ("severity", "严重成度", "H")]
    done = _run("validate", path, "--today", TODAY, "--json")
    assert done.exit_code in (0, 1), done.output
    notes = json.loads(done.stdout)["notes"]
    for header, fix in (("严重成度", "--map severity=严重成度"), ("解决时限", "--map deadline=解决时限")):
        (line,) = [n for n in notes if f"“{header}”" in n]
        assert fix in line and "列映射" in line
        assert any(header in s and fix in s for s in done.stderr.splitlines())
    en = _run("validate", path, "--today", TODAY, "--lang", "en")
    assert "the header '严重成度' (sheet '登记表', column H) is close to '严重程度'" in en.stderr


@pytest.mark.parametrize(
    ("header", "field"),
    [("跟近人员", "owner"), ("严重成度", "severity"), ("解决时限", "deadline"), ("提出日其", "raised_on"),
     ("Ownr", "owner"), ("跟进人员姓名", "owner"), ("投诉向目", "type")],
)
def test_near_misses(header: str, field: str) -> None:
    columns = ["客户", "问题点", "是否结案", *(["投诉项目"] if field != "type" else []),
               *(["提出日期"] if field != "raised_on" else []), header]
    match = find_header([columns])
    assert match is not None
    assert [(m.field, m.header) for m in near_misses(match)] == [(field, header)]


@pytest.mark.parametrize("header", ["受理日期", "备注", "区县", "工单编号", "联系方式", "处理结果说明书"])
def test_unrelated_headers_are_not_near_misses(header: str) -> None:
    match = find_header([["客户", "问题点", "是否结案", header]])
    assert match is not None and near_misses(match) == []


# -- header synonyms ---------------------------------------------------------------------------

NEW_SYNONYMS = [
    ("具体问题点", "problem"), ("问题描述", "problem"), ("投诉内容", "problem"),
    ("投诉内容描述", "problem"), ("问题描述（评估）", "problem"),
    ("处理时限", "deadline"), ("处理期限", "deadline"), ("完成时限", "deadline"),
    ("完成期限", "deadline"), ("要求完成时间", "deadline"), ("截止日期", "deadline"),
    ("处理进度", "progress"), ("进度", "progress"), ("进展", "progress"), ("处理情况", "progress"),
    ("客户名称", "customer"), ("客户单位", "customer"),
    ("负责人", "owner"), ("责任人", "owner"), ("处理人", "owner"),
    ("投诉类别", "type"), ("问题类别", "type"),
    ("是否完成", "closed"), ("处理状态", "closed"),
    ("完成日期", "closed_on"), ("关闭日期", "closed_on"), ("办结日期", "closed_on"),
    ("回复", "summary"), ("处理结果", "summary"), ("投诉时间", "raised_on"), ("来电时间", "raised_on"),
]


@pytest.mark.parametrize(("header", "field"), NEW_SYNONYMS)
def test_new_header_synonyms(header: str, field: str) -> None:
    base = {"customer": "客户", "problem": "问题点", "closed": "是否结案", "type": "投诉项目"}
    base[field] = header
    match = find_header([list(base.values())])
    assert match is not None
    assert match.fields[field] == list(base).index(field)


def test_no_header_names_two_fields() -> None:
    owners: dict[str, set[str]] = {}
    for f in FIELDS:
        for name in (*f.headers(), f.name, *f.synonyms):
            for key in (header_key(name), strip_bracketed(header_key(name))):
                owners.setdefault(key, set()).add(f.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    # acceptance is a lifecycle field of its own, not the raised date
    assert not any("受理" in n for f in FIELDS for n in (*f.headers(), *f.synonyms))


@pytest.mark.parametrize("header", ["处理时限", "完成期限", "要求完成时间", "截止日期"])
def test_a_deadline_column_under_a_new_name_is_used_as_written(tmp_path: Path, header: str) -> None:
    head = ["客户", "跟进人员", "投诉项目", "问题点", "提出日期", header, "是否结案"]
    rows = [["甲公司", "李明", "品质", "A3 型号开裂 3 张，客户要求更换", D(2026, 11, 2), D(2026, 11, 5),
             "否"],
            ["乙公司", "王芳", "售后", "B2 型号安装孔位偏差 5 毫米", D(2026, 11, 3), "下周", "否"]]
    loaded = load(write_xlsx(tmp_path / "r.xlsx", {"登记表": [head, *rows]}), as_of=AS_OF)
    frame = loaded.register.frame
    assert loaded.register.sheets[0].columns["deadline"] == ("F", header)
    assert frame["deadline"].iloc[0].date() == D(2026, 11, 5)  # as written, not the SLA's
    # an unreadable written deadline: a finding, and the SLA's deadline marked as derived
    assert frame["deadline_derived"].tolist() == [False, True]
    report = check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
    assert [3, "deadline", "date-unparseable"] in report.flatten()
