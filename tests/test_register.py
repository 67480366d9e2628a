"""The register reader: headers, sheets, rows, dates, customers and flags as people type them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import AS_OF, DATA, row

from complaint_xl import UnusableFile, load
from complaint_xl.register.dates import parse_date, parse_dates
from complaint_xl.register.text import column_letter, fold

D = dt.date


def _day(value: object) -> D | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# -- the hand-typed register, as saved by three programs -------------------------------

@pytest.mark.parametrize("name", ["handtyped.xlsx", "handtyped.xls", "handtyped.ods"])
def test_handtyped_register_reads_the_same_from_every_program(name: str) -> None:
    loaded = load(DATA / name, as_of=AS_OF)
    reg = loaded.register
    frame = reg.frame
    # Two monthly sheets share the header; the summary and settings sheets are not registers.
    assert [(s.name, s.header_row) for s in reg.sheets] == [("2026-10", 3), ("2026-11", 3)]
    # Blank rows, the 合计 row and the note under the table are not complaints.
    assert list(zip(frame["_sheet"], frame["_row"], strict=True)) == [
        ("2026-10", 4), ("2026-10", 5), ("2026-10", 7), ("2026-11", 4), ("2026-11", 5)]
    assert frame["customer"].tolist() == [
        "长沙恒达建材有限公司", "广州美家装饰工程有限公司", "武汉鑫源贸易商行", "成都锦城家居有限公司",
        "杭州绿洲建材有限公司"]
    assert frame["customer_attr"].tolist() == ["经销商", "终端客户", "经销商", "大客户", "工程客户"]
    # Padded and full-width values are folded; typos are kept for the checks to report.
    assert frame["owner"].tolist() == ["李明", "张伟", "王芳", "刘洋", "李明"]
    assert frame["type"].tolist() == ["售后", "发票", "售后服务", "品质", "物流"]
    assert [_day(v) for v in frame["raised_on"]] == [
        D(2026, 10, 9), D(2026, 10, 12), D(2026, 10, 15), D(2026, 11, 3), D(2026, 11, 6)]
    assert frame["raised_on__note"].tolist() == [None, "text", None, "no-year", None]
    assert frame["raised_on__raw"].tolist()[1] == "2026.10.12"
    # 2026年10月30日 and the full-width ２０２６－１１－２４ are text dates.
    assert frame["deadline__note"].tolist() == [None, "text", None, "text", None]
    assert _day(frame["deadline"][3]) == D(2026, 11, 24)
    assert frame["closed"].tolist() == [True, True, False, False, False]
    assert frame["is_closed"].tolist() == [True, True, False, False, False]
    assert [_day(v) for v in frame["closed_on"]] == [D(2026, 10, 28), D(2026, 10, 20), None, None, None]
    # The extra column is kept, not rejected.
    assert reg.extras["备注"].tolist() == ["加急", None, None, None, None]
    assert reg.sheets[0].extras == {"备注": "S"}
    assert reg.place("2026-10", "owner") == ("F", "跟进人员\n(销售人员填写)")
    # The settings sheet: 默认时限 10 is taken, the malformed 到期提醒 is reported with its cell.
    assert loaded.settings.sla_days == 10
    problems = [(p.sheet, p.cell, p.key) for p in loaded.settings.problems]
    assert problems == [("设置", "B3", "到期提醒(工作日)")]
    assert loaded.settings.due_soon_days == 2
    # Row 7 of October has no deadline: the 10th working day after 2026-10-15 (Thu).
    assert frame["deadline_derived"].tolist() == [False, False, True, False, False]
    assert _day(frame["deadline"][2]) == D(2026, 10, 29)


def test_csv_export_in_gbk() -> None:
    frame = load(DATA / "export_gbk.csv", as_of=AS_OF).register.frame
    assert frame["customer"].tolist() == ["长沙恒达建材有限公司", "广州美家装饰工程有限公司"]
    assert frame["customer_attr"].tolist() == ["经销商", "终端客户"]
    assert frame["_row"].tolist() == [2, 3]
    # In a CSV every cell is text: readable ISO dates are not flagged as text dates.
    assert frame["raised_on__note"].tolist() == [None, None]
    assert [_day(v) for v in frame["raised_on"]] == [D(2026, 10, 9), D(2026, 10, 12)]
    assert frame["is_closed"].tolist() == [True, False]


# -- headers ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("投诉类型", "type"), ("类型", "type"), ("Type", "type"), (" 投诉 项目 ", "type"),
        ("跟进人", "owner"), ("负责人", "owner"), ("Owner", "owner"), ("跟进人员（销售人员填写）", "owner"),
        ("投诉日期", "raised_on"), ("登记日期", "raised_on"), ("Date", "raised_on"),
        ("ＴＹＰＥ", "type"), ("客户（属性）", "customer"), ("支援或协助单位", "support_unit"),
    ],
)
def test_header_synonyms(make_xlsx, header: str, field: str) -> None:
    base = {"customer": "客户", "problem": "问题点", "closed": "是否结案", field: header}
    cols = list(base.items())
    path = make_xlsx([["某公司", "板材开裂 20 张", "否", "x"]], header=[h for _, h in cols])
    reg = load(path, as_of=AS_OF).register
    assert reg.sheets[0].columns[field] == (column_letter(cols.index((field, header))), header.strip())


def test_header_below_title_rows_in_any_order(make_xlsx) -> None:
    path = make_xlsx([
        ["2026年度", None, None, None],
        [],
        ["是否结案", "问题点", "客户", "投诉项目"],
        ["否", "板材开裂 20 张", "长沙恒达", "售后"],
    ], header=["客户投诉管理表"])
    reg = load(path, as_of=AS_OF).register
    assert reg.sheets[0].header_row == 4
    first = reg.frame[["customer", "type", "problem"]].iloc[0].tolist()
    assert first == ["长沙恒达", "售后", "板材开裂 20 张"]
    assert reg.frame["_row"].tolist() == [5]


def test_explicit_mapping_by_header_and_by_letter(make_xlsx) -> None:
    path = make_xlsx([["长沙恒达", "售后", "开裂", D(2026, 3, 5), "李明"]],
                     header=["Kunde", "Art", "Problem", "Eingang", "Zustaendig"])
    with pytest.raises(UnusableFile) as info:
        load(path, as_of=AS_OF)
    assert info.value.key == "no-register"
    reg = load(path, as_of=AS_OF, mapping={"customer": "Kunde", "type": "B", "raised_on": "Eingang",
                                           "owner": "zustaendig"}).register
    row0 = reg.frame.iloc[0]
    assert (row0["customer"], row0["type"], row0["owner"]) == ("长沙恒达", "售后", "李明")
    assert _day(row0["raised_on"]) == D(2026, 3, 5)
    assert reg.sheets[0].columns["problem"] == ("C", "Problem")


def test_mapping_sheet_in_the_workbook(make_xlsx) -> None:
    path = make_xlsx([["长沙恒达", "售后", "开裂", "李明"]], header=["Kunde", "Art", "Problem", "Wer"],
                     extra_sheets={"列映射": [["字段", "表头"], ["客户(属性)", "Kunde"], ["type", "Art"],
                                              ["owner", "Wer"], ["nonsense", "x"]]})
    loaded = load(path, as_of=AS_OF)
    first = loaded.register.frame[["customer", "type", "owner"]].iloc[0].tolist()
    assert first == ["长沙恒达", "售后", "李明"]
    assert [(p.sheet, p.cell) for p in loaded.settings.problems] == [("列映射", "A5")]


def test_mapped_header_that_does_not_exist_is_unusable(make_xlsx) -> None:
    path = make_xlsx([row(customer="甲", type="售后", problem="开裂", owner="李明")])
    with pytest.raises(UnusableFile) as info:
        load(path, as_of=AS_OF, mapping={"severity": "级别二"})
    assert info.value.key == "mapping-missing"
    assert "级别二" in info.value.message("zh")


def test_sheets_with_another_header_are_not_merged(make_xlsx) -> None:
    other = [["客户", "投诉项目", "数量"], ["甲", "售后", 3]]
    path = make_xlsx([row(customer="长沙恒达", type="售后", problem="开裂 3 张", owner="李明",
                          raised_on=D(2026, 11, 2))], extra_sheets={"统计": other})
    reg = load(path, as_of=AS_OF).register
    assert [s.name for s in reg.sheets] == ["登记表"]
    assert len(reg) == 1


# -- values -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "flag"),
    [("是", True), ("否", False), ("Y", True), ("n", False), ("yes", True), ("No", False),
     ("已结案", True), ("未结案", False), ("1", True), ("0", False), ("TRUE", True), ("false", False),
     ("√", True), (" 是 ", True), ("Ｙ", True), ("", None), ("也许", None)],
)
def test_closed_flag(make_xlsx, text: str, flag: bool | None) -> None:
    path = make_xlsx([row(customer="甲", type="售后", problem="开裂", owner="李明", closed=text)])
    frame = load(path, as_of=AS_OF).register.frame
    assert frame["closed"].iloc[0] is flag or frame["closed"].iloc[0] == flag
    assert bool(frame["is_closed"].iloc[0]) is (flag is True)
    assert frame["closed__raw"].iloc[0] == ("也许" if text == "也许" else None)


def test_closed_on_alone_closes_a_row(make_xlsx) -> None:
    path = make_xlsx([row(customer="甲", type="售后", problem="开裂", owner="李明",
                          closed_on=D(2026, 11, 2))])
    assert load(path, as_of=AS_OF).register.frame["is_closed"].tolist() == [True]


@pytest.mark.parametrize(
    ("cell", "expected", "attr"),
    [("长沙恒达建材有限公司(经销商)", "长沙恒达建材有限公司", "经销商"),
     ("长沙恒达建材有限公司（经销商）", "长沙恒达建材有限公司", "经销商"),
     ("长沙恒达建材有限公司 （ 大客户 ）", "长沙恒达建材有限公司", "大客户"),
     ("长沙恒达建材有限公司", "长沙恒达建材有限公司", None),
     ("(经销商)", "(经销商)", "经销商")],
)
def test_customer_split(make_xlsx, cell: str, expected: str, attr: str | None) -> None:
    path = make_xlsx([row(customer=cell, type="售后", problem="开裂", owner="李明")])
    frame = load(path, as_of=AS_OF).register.frame
    assert frame["customer"].iloc[0] == expected
    assert frame["customer_attr"].iloc[0] == attr


def test_excel_error_cells_are_read_as_their_error(make_xlsx, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("登记")
    ws.write_row(0, 0, ["客户", "投诉项目", "问题点", "跟进人员", "解决期限"])
    ws.write_row(1, 0, ["甲", "售后", "开裂 3 张"])
    ws.write_formula(1, 3, "=VLOOKUP(A2,Z:Z,2,0)", None, "#N/A")
    ws.write_formula(1, 4, "=1/0", None, "#DIV/0!")
    wb.close()
    frame = load(path, as_of=AS_OF).register.frame
    assert frame["owner"].tolist() == ["#N/A"]
    assert frame["deadline__note"].tolist() == ["error"]
    assert frame["deadline__raw"].tolist() == ["#DIV/0!"]


# -- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "day", "note"),
    [
        (D(2026, 3, 5), D(2026, 3, 5), None),
        (dt.datetime(2026, 3, 5, 14, 30), D(2026, 3, 5), None),
        (46086.0, D(2026, 3, 5), "serial"),
        ("46086", D(2026, 3, 5), "serial"),
        ("2026-03-05", D(2026, 3, 5), "text"),
        ("2026.3.5", D(2026, 3, 5), "text"),
        ("2026/3/5", D(2026, 3, 5), "text"),
        ("2026年3月5日", D(2026, 3, 5), "text"),
        ("２０２６年３月５日", D(2026, 3, 5), "text"),
        ("2026-03-05 09:30", D(2026, 3, 5), "text"),
        ("20260305", D(2026, 3, 5), "text"),
        ("3月5日", D(2026, 3, 5), "no-year"),
        ("12月30日", D(2025, 12, 30), "no-year"),  # after as_of this year: last year
        ("11月29日", D(2026, 11, 29), "no-year"),  # as_of itself is not after as_of
        ("5/3/2026", None, "ambiguous"),
        ("2026-02-30", None, "unparseable"),
        ("下周", None, "unparseable"),
        ("#N/A", None, "error"),
        ("?", None, None),
        ("", None, None),
        (None, None, None),
        (True, None, "unparseable"),
        (5.0, None, "unparseable"),
    ],
)
def test_parse_date(value: object, day: D | None, note: str | None) -> None:
    got, got_note = parse_date(value, as_of=AS_OF)
    assert (None if np.isnat(got) else got.astype(object)) == day
    assert got_note == note


@pytest.mark.parametrize(("order", "day"), [("dmy", D(2026, 3, 5)), ("mdy", D(2026, 5, 3))])
def test_day_first_only_when_told(order: str, day: D) -> None:
    got, note = parse_date("5/3/2026", as_of=AS_OF, order=order)  # type: ignore[arg-type]
    assert (got.astype(object), note) == (day, "text")


def test_parse_dates_is_per_distinct_value() -> None:
    calls = pd.Series(["2026-03-05"] * 50_000 + [D(2026, 3, 6)] * 50_000 + [None], dtype=object)
    days, notes = parse_dates(calls, as_of=AS_OF)
    assert days.iloc[0] == pd.Timestamp("2026-03-05") and days.iloc[-2] == pd.Timestamp("2026-03-06")
    assert pd.isna(days.iloc[-1]) and notes.iloc[-1] is None
    assert notes.value_counts().to_dict() == {"text": 50_000}


def test_fold() -> None:
    assert fold("\u3000售后\u3000 ") == "售后"
    assert fold("ＡＢＣ（１２３）") == "ABC(123)"


# -- registers nobody here wrote ---------------------------------------------------------

EXTERNAL = DATA / "external"  # extracts of public registers, with their source (README.md)
SERVICENOW = EXTERNAL / "servicenow_incidents_uci_register.csv"
CFPB = EXTERNAL / "cfpb_consumer_complaints_2013_sample.csv"


def _csv_column(path: Path, name: str) -> list[str]:
    """A column of a CSV as the standard library reads it: the independent expectation."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return [record[name] for record in csv.DictReader(fh)]


def test_servicenow_incidents_through_a_mapping() -> None:
    loaded = load(SERVICENOW, as_of=D(2016, 6, 30), date_order="dmy", mapping={
        "customer": "caller_id", "customer_attr": "location", "owner": "assignment_group",
        "raised_on": "opened_at", "closed_on": "resolved_at"})
    frame = loaded.register.frame
    resolved = _csv_column(SERVICENOW, "resolved_at")
    assert len(frame) == len(resolved) == 400
    assert loaded.register.sheets[0].columns["type"] == ("M", "category")  # a synonym, no mapping
    assert frame["closed_on"].isna().sum() == resolved.count("?") > 0  # '?' means missing
    assert frame["raised_on"].isna().sum() == 0
    assert frame["raised_on__note"].isna().all()  # CSV text dates are normal there
    first = frame.iloc[0]
    assert (first["customer"], first["owner"], _day(first["raised_on"])) == (
        "Caller 2403", "Group 56", D(2016, 2, 29))
    # No deadline column: every deadline comes from the SLA (15 working days in China).
    assert frame["deadline_derived"].all()
    assert _day(first["deadline"]) == D(2016, 3, 21)
    opened = [dt.datetime.strptime(v, "%d/%m/%Y %H:%M").date() for v in
              _csv_column(SERVICENOW, "opened_at")]
    assert [_day(v) for v in frame["raised_on"]] == opened


def test_cfpb_complaints_month_first_on_the_us_calendar() -> None:
    loaded = load(CFPB, as_of=D(2013, 12, 31), date_order="mdy", country="US", mapping={
        "type": "product", "customer_attr": "state", "owner": "company", "raised_on": "date_received",
        "customer": "complaint_id"})
    frame = loaded.register.frame
    received = _csv_column(CFPB, "date_received")
    assert len(frame) == len(received) == 200
    assert frame["raised_on"].notna().all()
    assert (frame["type"].iloc[0], frame["owner"].iloc[0]) == ("Mortgage", "U.S. Bancorp")
    assert [_day(v) for v in frame["raised_on"]] == [
        dt.datetime.strptime(v, "%m/%d/%Y").date() for v in received]
    # 15 US working days after Fri 2013-08-30, with Labor Day (Mon 09-02) off.
    assert _day(frame["deadline"].iloc[0]) == D(2013, 9, 23)


def test_error_cells_of_an_ods_from_libreoffice_are_read_as_their_error() -> None:
    # tests/data/errors.ods: saved by LibreOffice, which recalculated VLOOKUP to Err:502
    loaded = load(DATA / "errors.ods", as_of=AS_OF)
    frame = loaded.register.frame
    assert frame["owner"].tolist() == ["Err:502", "张伟"]
    assert frame["deadline__note"].tolist() == ["text", "error"]
    assert frame["deadline__raw"].tolist() == ["2026-10-30", "#DIV/0!"]
    from complaint_xl.checks import check_register

    report = check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
    assert {(f.row, f.field) for f in report.findings if f.code == "excel-error-value"} == {
        (2, "owner"), (3, "deadline")}


def test_ods_error_cells_are_placed_across_repeated_rows_and_columns(tmp_path: Path) -> None:
    import zipfile

    from complaint_xl.register.error_cells import ods_error_cells

    t = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    ns = (t + 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')
    err = '<table:table-cell calcext:value-type="error"><text:p>{}</text:p></table:table-cell>'
    content = (
        f'<?xml version="1.0"?><doc {ns}><table:table table:name="甲">'
        '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
        '<table:table-row-group><table:table-row>'
        '<table:table-cell table:number-columns-repeated="2"/><table:covered-table-cell/>'
        + err.format("#N/A") + '</table:table-row></table:table-row-group>'
        '</table:table><table:table table:name="乙"><table:table-row>'
        + err.format("#REF!") + '</table:table-row></table:table></doc>')
    path = tmp_path / "x.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("content.xml", content)
    assert ods_error_cells(path) == {"甲": {(3, 3): "#N/A"}, "乙": {(0, 0): "#REF!"}}
    with zipfile.ZipFile(path, "w") as zf:  # no error mark: not parsed (it would not parse)
        zf.writestr("content.xml", content.replace('value-type="error"', 'value-type="string"')
                    + "<unclosed")
    assert ods_error_cells(path) == {}


def test_a_flag_and_a_number_in_one_column_stay_apart() -> None:
    # Python hashes False like 0 and True like 1: reading each distinct value once must
    # still tell a FALSE cell from a 0 (found by hypothesis in test_fuzz).
    from complaint_xl.register.text import map_unique

    cells = pd.Series([0.0, False, "0", True, 1, None, False], dtype=object)
    assert map_unique(cells, repr).tolist() == [
        "0.0", "False", "'0'", "True", "1", "None", "False"]
