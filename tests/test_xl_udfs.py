"""The worksheet functions, called with what Excel hands over: datetimes, serial floats, text,
None for an empty cell, and 2-D lists for ranges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from complaint_xl.checks import check_register
from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.register.text import column_letter
from complaint_xl.workbook import build_workbook
from complaint_xl.workbook.build import BUILD_DATE
from complaint_xl.workbook.register_sheet import register_columns
from complaint_xl.workdays import Calendar
from complaint_xl.xl.udfs import cxl_deadline, cxl_findings, cxl_kpi, cxl_status, cxl_workdays
from xl_helpers import file_sheets, remote_book

D = dt.datetime
EXCEL_EPOCH = dt.date(1899, 12, 30)
TODAY = D(2026, 11, 27)
LAST = column_letter(len(register_columns("zh")) - 1)
"""The register table's last column (新措施, the lifecycle's last)."""


def serial(day: dt.date) -> float:
    """What Excel passes for a date cell without a date format: its serial number."""
    return float((day - EXCEL_EPOCH).days)


# -- cxl_workdays ---------------------------------------------------------------------------

def test_workdays_counts_like_the_calendar_for_every_form_of_date() -> None:
    # Around the 2026 National Day holiday: 10-01..10-07 off, Saturday 10-10 worked.
    expected = int(Calendar("CN").count(np.array(["2026-09-30"], dtype="datetime64[D]"),
                                        np.array(["2026-10-12"], dtype="datetime64[D]"))[0])
    assert expected == 4
    assert cxl_workdays(D(2026, 9, 30), D(2026, 10, 12)) == expected
    assert cxl_workdays(serial(dt.date(2026, 9, 30)), serial(dt.date(2026, 10, 12))) == expected
    assert cxl_workdays("2026-09-30", "2026年10月12日") == expected
    assert cxl_workdays(D(2026, 10, 12), D(2026, 9, 30)) == -expected


def test_workdays_takes_whole_columns_and_marks_bad_cells() -> None:
    start = [[D(2026, 9, 30)], [None], ["not a date"], [D(2026, 11, 2)]]
    end = [[D(2026, 10, 12)], [D(2026, 10, 1)], [D(2026, 10, 1)], [D(2026, 11, 6)]]
    assert cxl_workdays(start, end) == [[4], [None], ["日期无法识别"], [4]]
    # One cell against a column broadcasts, as Excel users expect from =f(A1, B2:B5).
    assert cxl_workdays([[D(2026, 11, 2)]], [[D(2026, 11, 3)], [D(2026, 11, 4)]]) == [[1], [2]]
    assert cxl_workdays([[D(2026, 11, 2)], [D(2026, 11, 3)]], [[1.0, 2.0, 3.0]]) != "#VALUE!"
    assert cxl_workdays([[1, 2], [3, 4]], [[1, 2, 3]]) == "区域大小不一致"


def test_workdays_follow_the_holidays_sheet() -> None:
    plain = cxl_workdays(D(2026, 11, 23), D(2026, 11, 27))
    assert plain == 4
    # A company day off on Thursday 26 November, with or without the sheet's header row.
    assert cxl_workdays(D(2026, 11, 23), D(2026, 11, 27),
                        [["日期", "类型", "说明"], [D(2026, 11, 26), "休息", "公司活动"]]) == 3
    assert cxl_workdays(D(2026, 11, 23), D(2026, 11, 27), [[D(2026, 11, 26), "休息"]]) == 3
    # A worked Saturday counts.
    assert cxl_workdays(D(2026, 11, 27), D(2026, 11, 30), [[D(2026, 11, 28), "上班"]]) == 2


# -- cxl_deadline ---------------------------------------------------------------------------

def test_deadline_follows_the_sla_settings() -> None:
    assert cxl_deadline(D(2026, 9, 28), "售后", "一般") == dt.date(2026, 10, 23)  # 15 working days
    assert cxl_deadline(D(2026, 9, 28), "售后", "重大") == dt.date(2026, 10, 10)  # 5, a worked Saturday
    settings = [["项目", "值"], ["默认时限(工作日)", 10], ["重大投诉时限(工作日)", 2]]
    lists = [["投诉项目", "时限(工作日)"], ["发票", 3]]
    column = cxl_deadline([[D(2026, 9, 28)], [D(2026, 9, 28)], [None], ["x"]],
                          [["售后"], ["发票"], ["售后"], ["售后"]], None, settings, lists)
    assert column == [[dt.date(2026, 10, 16)], [dt.date(2026, 10, 8)], [None], ["日期无法识别"]]


# -- cxl_status -----------------------------------------------------------------------------

def test_status_texts_match_the_chase_definitions() -> None:
    deadlines = [[D(2026, 11, 20)], [D(2026, 11, 27)], [D(2026, 11, 30)], [D(2026, 12, 31)],
                 [None], [D(2026, 11, 1)], [D(2026, 11, 1)]]
    closed = [["否"], ["否"], [None], [None], [None], ["是"], [None]]
    closed_on = [[None], [None], [None], [None], [None], [None], [D(2026, 11, 2)]]
    assert cxl_status(deadlines, closed, closed_on, TODAY) == [
        ["逾期 5 个工作日"], ["今天到期"], ["1 个工作日内到期"], ["正常"], ["无期限"], ["已结案"],
        ["已结案"]]
    english = [["项目", "值"], ["语言", "en"], ["到期提醒(工作日)", 0]]
    assert cxl_status(D(2026, 11, 30), "N", None, serial(TODAY.date()), None, english) == "on track"
    assert cxl_status(D(2026, 11, 20), None, None, "2026-11-27", None, english) == \
        "5 working days overdue"
    assert cxl_status(D(2026, 11, 20), None, None, "someday") == "日期无法识别"


# -- cxl_findings and cxl_kpi over the demo register -----------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[list[Any]]]:
    path = build_workbook(tmp_path_factory.mktemp("udf") / "d.xlsm", demo=True, today=BUILD_DATE)
    rows = file_sheets(path)["投诉登记"][2:]  # from the header row down, as T_Register[#All]
    return path, [r for r in rows if any(v is not None for v in r)]


def test_findings_per_row_are_the_checks_messages(demo: tuple[Any, list[list[Any]]]) -> None:
    path, table = demo
    loaded = load(path, as_of=BUILD_DATE)
    report = check_register(loaded.register, loaded.settings, BUILD_DATE, loaded.calendar)
    expected = {row: "；".join(dict.fromkeys(m)) for row, m in report.table.groupby("row")["message"]}
    # As Excel passes them with the "range" converter: ranges, whose rows are the sheet's.
    sheet = remote_book(path, file_sheets(path)).sheets["投诉登记"]
    last = 3 + len(table) - 1
    texts = cxl_findings(sheet.range(f"A3:{LAST}3"), sheet.range(f"A4:{LAST}{last}"), None, None, None, TODAY)
    assert [t[0] for t in texts] == [expected.get(r, "") for r in range(4, last + 1)]
    assert any("与第" in t[0] for t in texts)  # a duplicate names the other row by its number
    # As plain values (rows counted from a header in row 1): the same for row-local checks.
    plain = cxl_findings([table[0]], table[1:], None, None, None, TODAY)
    duplicates = set(report.table[report.table["code"].eq("duplicate-complaint")]["row"])
    for r in range(4, last + 1):
        if r not in duplicates:
            assert plain[r - 4][0] == expected.get(r, ""), r
    # One row alone still gets its own messages.
    vague = int(report.table[report.table["code"].eq("vague-problem")]["row"].iloc[0])
    alone = cxl_findings(sheet.range(f"A3:{LAST}3"), sheet.range(f"A{vague}:{LAST}{vague}"), None,
                         None, None, TODAY)
    assert alone == expected[vague]
    assert cxl_findings([["a", "b"]], [[1, 2, 3]]) == "区域大小不一致"
    assert cxl_findings([["甲", "乙", "丙"]], [[1, 2, 3]]) == "表头无法识别"


def test_kpi_gives_the_weekly_report_figures(demo: tuple[Any, list[list[Any]]]) -> None:
    path, table = demo
    loaded = load(path, as_of=BUILD_DATE)
    report = weekly(loaded.register, loaded.settings, loaded.calendar, BUILD_DATE)
    assert report.week_label == "2026-W47"
    for figure in ("new", "closed", "on_time_rate", "open", "overdue", "due_soon"):
        assert cxl_kpi(figure, table, "2026-W47", TODAY) == report.totals[figure], figure
    assert cxl_kpi("按期结案率", table, D(2026, 11, 18), TODAY) == report.totals["on_time_rate"]
    assert cxl_kpi("new", table, None, TODAY, "投诉项目", "售后") == report.by["type"]["售后"]["new"]
    assert cxl_kpi("new", table, None, TODAY, "投诉项目", "不存在") == "（无）"
    assert cxl_kpi("bogus", table) == "未知指标：bogus"
    assert cxl_kpi("closed", table, "2026-W99") == "周的格式应为 2026-W47"
    assert cxl_kpi("closed", table, None, TODAY, "nonsense", "x") == "未知分类：nonsense"
