"""One test per rule, each on a tiny register built here, asserting the exact findings.

Rows start at Excel row 2 (the header is row 1); ``good()`` is a row that breaks no
rule, so every other finding in a test would show up in the exact comparison.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from tests.checks_helpers import ExcelError, check, closed, good, write_register

import complaint_xl
from complaint_xl.checks.rules.contact import is_contact
from complaint_xl.words import Said
from complaint_xl.workdays import Calendar

RAISED = np.array(["2026-11-02"], dtype="datetime64[D]")


def nth_workday(n: int) -> dt.date:
    """The n-th working day after 2026-11-02 on the CN calendar (the SLA deadline)."""
    return Calendar("CN").add(RAISED, n)[0].astype(dt.date)


def test_rows_that_follow_the_rules_have_no_findings(tmp_path: Path) -> None:
    report = check(tmp_path, good(), closed(), good(support_unit="工厂", support_need="检测开裂原因"),
                   good(severity="重大", deadline=dt.date(2026, 11, 6)))
    assert report.flatten() == []
    assert report.valid


def test_required_fields(tmp_path: Path) -> None:
    report = check(tmp_path, good(customer=None), good(owner=None), good(type=None),
                   good(problem=None), good(raised_on=None), good(owner="   "))
    assert report.flatten() == [
        [2, "customer", "customer-missing"],
        [3, "owner", "owner-missing"],
        [4, "type", "type-missing"],
        [5, "problem", "problem-missing"],
        [6, "raised_on", "raised-on-missing"],
        [7, "owner", "owner-missing"],
    ]
    assert all(f.severity == "error" for f in report.findings)
    assert report.findings[1].message == "必填项“跟进人员”为空，请补填。"


def test_a_required_column_the_sheet_lacks_is_said_once(tmp_path: Path) -> None:
    report = check(tmp_path, good(), good(), drop=("owner",))
    assert report.flatten(["row", "column", "field", "code"]) == [
        [1, "", "owner", "required-column-missing"]]
    assert "跟进人员" in report.findings[0].message


def test_types_and_support_units_must_be_in_the_lists(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        good(type="售后服务"),
        good(type="　品质　"),  # full-width spaces: folded, fine
        good(type=" 售后 ", support_unit="工厂部", support_need="检测"),
        good(type="xyz"),
        good(effect="很好"),
        good(severity="紧急"),
        good(severity="重大", deadline=dt.date(2026, 11, 6)),
    )
    assert report.flatten() == [
        [2, "type", "unknown-type"],
        [4, "support_unit", "unknown-support-unit"],
        [5, "type", "unknown-type"],
        [6, "effect", "unknown-effect"],
        [7, "severity", "unknown-severity"],
    ]
    first, unit, other = report.findings[0], report.findings[1], report.findings[2]
    assert "是否应为“售后”" in first.message and first.value == "售后服务"
    assert "是否应为“工厂”" in unit.message
    assert "是否应为" not in other.message and "培训、申请、售后" in other.message
    assert [f.severity for f in report.findings] == ["error", "error", "error", "warning", "warning"]


def test_the_type_list_comes_from_the_lists_sheet(tmp_path: Path) -> None:
    lists = [["投诉项目", "时限"], ["质量", 10], ["物流", ""]]
    report = check(tmp_path, good(type="品质"), good(type="质量 "), extra_sheets={"列表": lists})
    assert report.flatten() == [[2, "type", "unknown-type"]]
    assert "可选：质量、物流" in report.findings[0].message


def test_how_dates_were_typed(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        good(raised_on="2026.11.2"),
        good(deadline=46339),  # an Excel serial number in a number cell: 2026-11-13
        good(raised_on="11月2日"),
        good(raised_on="5/3/2026"),
        good(raised_on="上周一"),
        good(closed="是", closed_on="2026年11月12日", summary="已更换", effect="有效"),
    )
    assert report.flatten() == [
        [2, "raised_on", "date-text"],
        [3, "deadline", "date-serial"],
        [4, "raised_on", "date-no-year"],
        [5, "raised_on", "date-ambiguous"],
        [6, "raised_on", "date-unparseable"],
        [7, "closed_on", "date-text"],
    ]
    messages = [f.message for f in report.findings]
    assert "已按 2026-11-02 读取" in messages[0]
    assert "读作 2026-11-13" in messages[1]
    assert "已按 2026-11-02 读取" in messages[2]
    assert "日期顺序" in messages[3]
    assert [f.severity for f in report.findings] == ["warning", "warning", "warning", "error",
                                                      "error", "warning"]


def test_the_date_order_setting_reads_ambiguous_dates(tmp_path: Path) -> None:
    settings = [["项目", "值"], ["日期顺序", "dmy"]]
    report = check(tmp_path, good(raised_on="2/11/2026"), extra_sheets={"设置": settings})
    assert report.flatten(["row", "field", "code", "value"]) == [
        [2, "raised_on", "date-text", "2/11/2026"]]
    assert "2026-11-02" in report.findings[0].message


def test_dates_that_cannot_be(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        good(raised_on=dt.date(2026, 12, 1), deadline=dt.date(2026, 12, 10)),
        good(deadline=dt.date(2026, 10, 30)),
        closed(closed_on=dt.date(2026, 10, 30)),
        closed(closed_on=dt.date(2026, 12, 1)),
    )
    assert report.flatten() == [
        [2, "raised_on", "raised-in-future"],
        [3, "deadline", "deadline-before-raised"],
        [4, "closed_on", "closed-before-raised"],
        [5, "closed_on", "closed-in-future"],
    ]
    assert report.findings[0].message == "提出日期 2026-12-01 晚于今天（2026-11-29）。"
    assert report.findings[1].message == "解决期限 2026-10-30 早于提出日期 2026-11-02。"
    assert not report.valid


def test_a_missing_deadline_is_derived_and_said(tmp_path: Path) -> None:
    report = check(tmp_path, good(deadline=None), good(deadline=None, severity="重大"))
    assert report.flatten() == [[2, "deadline", "deadline-missing"], [3, "deadline", "deadline-missing"]]
    general, major = report.findings
    assert general.value is None  # the cell is empty; the derived date is in the message
    assert f"时限 15 个工作日推算为 {nth_workday(15).isoformat()}" in general.message
    assert f"时限 5 个工作日推算为 {nth_workday(5).isoformat()}" in major.message
    assert report.valid  # a warning, not an error


def test_a_deadline_beyond_the_sla(tmp_path: Path) -> None:
    last = nth_workday(15)
    report = check(tmp_path, good(deadline=last), good(deadline=nth_workday(16)),
                   good(severity="重大", deadline=nth_workday(6)),
                   good(severity="重大", deadline=nth_workday(5)))
    assert report.flatten() == [[3, "deadline", "deadline-beyond-sla"],
                                [4, "deadline", "deadline-beyond-sla"]]
    assert f"第 16 个工作日，超过时限 15 个工作日（最迟 {last.isoformat()}）" in \
        report.findings[0].message
    assert "超过时限 5 个工作日" in report.findings[1].message


def test_the_sla_per_type_comes_from_the_lists_sheet(tmp_path: Path) -> None:
    lists = [["投诉项目", "时限(工作日)"], ["品质", 3], ["物流", ""]]
    report = check(tmp_path, good(deadline=nth_workday(3)), good(deadline=nth_workday(4)),
                   good(deadline=None), extra_sheets={"列表": lists})
    assert report.flatten() == [[3, "deadline", "deadline-beyond-sla"],
                                [4, "deadline", "deadline-missing"]]
    assert f"时限 3 个工作日推算为 {nth_workday(3).isoformat()}" in report.findings[1].message


@pytest.mark.parametrize(
    ("problem", "code"),
    [
        ("客户表示近期售后问题较多", "vague-problem"),  # the seed's bad example
        ("xx表示近期售后问题较多", "vague-problem"),
        ("长沙恒达建材有限公司表示问题较多", "vague-problem"),  # only the customer's own name
        ("客户不满意", "vague-problem"),
        ("投诉", "vague-problem"),
        ("发票有问题，客户不满意", "vague-problem"),
        ("少发了", "problem-too-short"),
        ("板面开裂", "problem-too-short"),
        ("客户对生态板板面开裂不满意，要求退货", None),  # a fault and a product
        ("投诉3次，型号A3-18的板材尺寸偏差", None),
        ("客户不满意：11月5日到货少了三箱", None),
        ("客户反映封边条颜色与样板不一致，有问题", None),  # concrete wording remains
        ("E0级多层板（型号A3-18，批次20261234）板面开裂，涉及120张", None),
    ],
)
def test_rule_7_vague_or_short_problem_statements(tmp_path: Path, problem: str, code: str | None
                                                  ) -> None:
    report = check(tmp_path, good(problem=problem))
    assert report.flatten() == ([[2, "problem", code]] if code else [])


def test_rule_7_phrases_and_length_are_settings(tmp_path: Path) -> None:
    settings = [["项目", "值"], ["笼统用语", "情况不好；质量差"], ["问题点最短字数", 3]]
    report = check(tmp_path, good(problem="客户说质量差"), good(problem="客户不满意"),
                   good(problem="少发"), good(problem="少发了"), extra_sheets={"设置": settings})
    assert report.flatten() == [[2, "problem", "vague-problem"], [4, "problem", "problem-too-short"]]
    assert "只有 2 个字（至少 3 个）" in report.findings[1].message


def test_closed_rows(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        closed(summary=None),
        closed(closed_on=None),
        closed(effect=None),
        closed(effect="无效"),
        closed(closed="否"),  # a closing date says closed: the KPIs count it closed
        good(closed="待定"),
        good(closed="Y", closed_on=dt.date(2026, 11, 12), summary="已补发", effect="部分有效"),
    )
    assert report.flatten() == [
        [2, "summary", "closed-without-summary"],
        [3, "closed_on", "closed-without-date"],
        [4, "effect", "closed-without-effect"],
        [5, "effect", "closed-but-ineffective"],
        [6, "closed", "closed-flag-conflict"],
        [7, "closed", "closed-flag-unclear"],
    ]
    assert [f.severity for f in report.findings] == ["error"] + ["warning"] * 5
    assert "重新制定纠正措施" in report.findings[3].message
    assert "2026-11-12" in report.findings[4].message and report.findings[4].value == "否"
    assert report.findings[5].value == "待定"


def test_rule_8_support_unit_and_need_go_together(tmp_path: Path) -> None:
    report = check(tmp_path, good(support_unit="财务"), good(support_need="请财务核对返利"),
                   good(support_unit="财务", support_need="请财务核对返利"))
    assert report.flatten() == [[2, "support_need", "support-need-missing"],
                                [3, "support_unit", "support-unit-missing"]]
    assert "已请“财务”支援" in report.findings[0].message


@pytest.mark.parametrize("text", [
    "13812345678", "138 1234 5678", "+86 138-1234-5678", "8613812345678", "0731-88886666",
    "(020)12345678", "020 1234 5678", "0731-88886666转123", "０７３１－８８８８６６６６", "400-800-1234",
    "800 810 8888", "li@meijia.example.com", "王经理 13800138000", "13800138000 / 13900139000",
    "ZHOU.Qiang@Example.COM.CN",
])
def test_contacts_that_are_phone_numbers_or_addresses(text: str) -> None:
    assert is_contact(text)


@pytest.mark.parametrize("text", [
    "王经理", "88886666", "zhou@example", "1381234567", "12345678901", "138123456789", "400-123",
    "微信 wx123",
])
def test_contacts_that_are_not(text: str) -> None:
    assert not is_contact(text)


def test_contact_rule(tmp_path: Path) -> None:
    report = check(tmp_path, good(customer_contact="王经理"), good(reporter_contact="88886666"),
                   good(customer_contact=13812345678, reporter_contact=None))
    assert report.flatten(["row", "column", "field", "code", "value"]) == [
        [2, "C", "customer_contact", "contact-invalid", "王经理"],
        [3, "E", "reporter_contact", "contact-invalid", "88886666"],
    ]


STAFF = [["姓名", "邮箱", "上级"], ["李明", "li@example.com", "周强"], ["张伟", "zhang@example.com", "周强"],
         ["周强", "zhou@example.com", ""]]


def test_owners_must_be_on_the_staff_sheet(tmp_path: Path) -> None:
    report = check(tmp_path, good(owner="李名"), good(owner="张伟/李明"), good(owner="赵六"),
                   good(owner="张伟、王五"), good(owner="张伟"), extra_sheets={"人员": STAFF})
    assert report.flatten(["row", "field", "code", "value"]) == [
        [2, "owner", "owner-not-in-staff", "李名"],
        [4, "owner", "owner-not-in-staff", "赵六"],
        [5, "owner", "owner-not-in-staff", "张伟、王五"],
    ]
    assert "是否应为“李明”" in report.findings[0].message
    assert "是否应为" not in report.findings[1].message


def test_without_a_staff_sheet_any_owner_will_do(tmp_path: Path) -> None:
    assert check(tmp_path, good(owner="赵六")).flatten() == []


def test_the_same_complaint_entered_twice(tmp_path: Path) -> None:
    first = good()
    report = check(tmp_path, first, good(type="物流", problem="11月5日到货包装破损 3 箱"), first,
                   {**first, "raised_on": dt.date(2026, 11, 3)}, {**first, "type": "发货"},
                   {**first, "customer_contact": "0731-88886666", "owner": "张伟"})
    assert report.flatten() == [[4, "customer", "duplicate-complaint"],
                                [7, "customer", "duplicate-complaint"]]
    assert report.findings[0].message.startswith("与第 2 行重复")
    assert report.findings[1].message.startswith("与第 2 行重复")


def test_sequence_numbers(tmp_path: Path) -> None:
    report = check(tmp_path, good(seq=1), good(seq=2), good(seq="2.0"), good(seq="A-01"))
    assert report.flatten(["row", "field", "code", "value"]) == [
        [4, "seq", "duplicate-seq", "2.0"],
        [5, "seq", "seq-not-number", "A-01"],
    ]
    assert "与第 3 行重复" in report.findings[0].message


def test_a_column_of_codes_is_a_numbering_scheme(tmp_path: Path) -> None:
    report = check(tmp_path, good(seq="TS-001"), good(seq="TS-002"), good(seq="TS-002"), good(seq=4))
    assert report.flatten(["row", "field", "code"]) == [[4, "seq", "duplicate-seq"]]


def test_numbering_restarts_on_each_monthly_sheet(tmp_path: Path) -> None:
    first = write_register(tmp_path / "a.xlsx", [good(seq=1), good(seq=2)], sheet="2026-10")
    book = tmp_path / "two.xlsx"
    wb = openpyxl.load_workbook(first)
    copy = wb.copy_worksheet(wb["2026-10"])
    copy.title = "2026-11"
    copy["H2"] = "11月5日到货包装破损 3 箱，型号 C1-12"
    copy["H3"] = "E0级多层板（型号A3-18，批次20269999）板面开裂，涉及20张"
    dup = wb["2026-10"]["H2"].value
    copy.append([3, "长沙恒达建材有限公司(经销商)", "13812345678", "王经理", "0731-88886666", "李明", "品质",
                 dup, "工厂", wb["2026-10"]["J2"].value, None, wb["2026-10"]["L2"].value])
    wb.save(book)
    loaded = complaint_xl.load(book, as_of=dt.date(2026, 11, 29))
    report = complaint_xl.check_register(loaded.register, loaded.settings, loaded.as_of)
    # 序号 1 and 2 again on the second sheet are fine; the complaint copied to the second
    # sheet is read once (issue 12), and the reader's warning names the row it dropped
    assert report.flatten(["sheet", "row", "code"]) == []
    assert len(loaded.register) == 4
    (note,) = [p for k, p in loaded.register.notes if k == "sheets-repeated"]
    note = {k: v.say("zh") if isinstance(v, Said) else v for k, v in note.items()}
    assert (note["sheet"], note["rows"], note["others"]) == ("2026-11", "4", "“2026-10”")


def test_excel_error_values_in_any_field(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        good(type=ExcelError("#DIV/0!", "=1/0")),
        good(raised_on=ExcelError("#N/A"), deadline=None),
        good(owner="#REF!"),  # pasted as text, still an error value
        good(closed=ExcelError("#VALUE!", '="x"+1')),
        good(customer_contact="Err:502"),
    )
    # an error is reported once, as itself: not as an unknown type, a missing date or a bad contact
    assert report.flatten(["row", "field", "code", "value"]) == [
        [2, "type", "excel-error-value", "#DIV/0!"],
        [3, "raised_on", "excel-error-value", "#N/A"],
        [4, "owner", "excel-error-value", "#REF!"],
        [5, "closed", "excel-error-value", "#VALUE!"],
        [6, "customer_contact", "excel-error-value", "Err:502"],
    ]
    assert all(f.severity == "error" for f in report.findings)


def test_settings_problems_name_the_settings_cell(tmp_path: Path) -> None:
    settings = [["项目", "值"], ["默认时限(工作日)", 15], ["到期提醒(工作日)", "三天"]]
    report = check(tmp_path, good(), extra_sheets={"设置": settings})
    assert report.flatten(["sheet", "row", "column", "field", "code", "value"]) == [
        ["设置", 3, "B", "", "settings-invalid", "三天"]]
    assert "到期提醒" in report.findings[0].message


def test_findings_of_a_row_errors_first_then_by_column(tmp_path: Path) -> None:
    report = check(tmp_path, good(customer_contact="王经理", type="售后服务", deadline=None),
                   good(problem="投诉"))
    assert report.flatten(["row", "column", "severity", "code"]) == [
        [2, "G", "error", "unknown-type"],
        [2, "C", "warning", "contact-invalid"],
        [2, "L", "warning", "deadline-missing"],
        [3, "H", "warning", "vague-problem"],
    ]


def test_messages_in_english(tmp_path: Path) -> None:
    report = check(tmp_path, good(type="售后服务", deadline=None), lang="en")
    assert [f.message for f in report.findings] == [
        "投诉项目 '售后服务' is not in the configured list; did you mean '售后'? Choose one of: "
        "培训, 申请, 售后, 对账, 发货, 物流, 销售物料, 缺货, 发票, 安装, 品质, 市场信息.",
        f"解决期限 is empty; taken as {nth_workday(15).isoformat()} from the 15-working-day SLA. "
        "Fill it in.",
    ]
