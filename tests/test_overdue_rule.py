"""One overdue rule (issue 12): deadline_status decides overdue, due soon and working days late
for the chase, the KPI facts, cxl_status and the workbook's colours, and the words shown to
people never say "overdue 0 working days".

The calendar is the holidays package's China 2025, checked first: 国庆 10-01..10-08 off,
Sunday 09-28 and Saturday 10-11 worked (调休).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import holidays
import numpy as np
import openpyxl
import pandas as pd
import pytest
import python_calamine as pc
import xlsxwriter
from click.testing import CliRunner

from chase_helpers import STAFF, bodies, parse, row
from complaint_xl.chase import chase
from complaint_xl.cli import cli
from complaint_xl.deadlines import deadline_status, late_text
from complaint_xl.kpi import weekly
from complaint_xl.kpi.facts import row_facts
from complaint_xl.kpi.weeks import of_day
from complaint_xl.loading import load
from complaint_xl.outputs.chase import summary_lines, write_chase
from complaint_xl.outputs.weekly import write_weekly
from complaint_xl.register.schema import CLOSED_YES
from complaint_xl.register.text import cell_text, fold
from complaint_xl.sample import write_register_xlsx
from complaint_xl.settings import read_settings
from complaint_xl.workbook import sheets as content
from complaint_xl.workbook.register_sheet import colour_formulas
from complaint_xl.workdays import Calendar
from complaint_xl.xl.udfs import cxl_status
from xl_helpers import RECALC_ON_LOAD

D = dt.date
NOW = dt.datetime(2025, 9, 20, 9, 0).astimezone()


def test_the_holidays_package_knows_china_2025() -> None:
    cn = holidays.country_holidays("CN", years=2025)
    assert {D(2025, 9, 28), D(2025, 10, 11)} <= set(cn.weekend_workdays)
    assert all(D(2025, 10, d) in cn for d in (1, 2, 3, 6, 7, 8))  # 10-04/05 are a weekend anyway
    cal = Calendar("CN")
    assert 2025 not in cal.unknown_years
    days = np.arange(np.datetime64("2025-09-26"), np.datetime64("2025-10-14"))
    working = {str(d) for d, w in zip(days, cal.is_workday(days), strict=True) if w}
    assert working == {"2025-09-26", "2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09",
                       "2025-10-10", "2025-10-11", "2025-10-13"}


# -- the rule ------------------------------------------------------------------------------

# (deadline, today, closed) -> (overdue, due soon, working days overdue, working days left), N = 2
CASES: list[tuple[str, str, bool, tuple[bool, bool, float, float]]] = [
    ("2025-09-19", "2025-09-20", False, (True, False, 0, np.nan)),   # Fri deadline, Sat: 0 late
    ("2025-09-19", "2025-09-21", False, (True, False, 0, np.nan)),   # ... Sun: still 0
    ("2025-09-19", "2025-09-22", False, (True, False, 1, np.nan)),   # ... Mon: 1
    ("2025-09-30", "2025-10-02", False, (True, False, 0, np.nan)),   # before 国庆, in it: 0
    ("2025-09-30", "2025-10-08", False, (True, False, 0, np.nan)),   # last holiday day: 0
    ("2025-09-30", "2025-10-09", False, (True, False, 1, np.nan)),   # first day back: 1
    ("2025-10-10", "2025-10-11", False, (True, False, 1, np.nan)),   # make-up Saturday counts
    ("2025-10-11", "2025-10-12", False, (True, False, 0, np.nan)),   # deadline on the make-up day
    ("2025-09-26", "2025-09-28", False, (True, False, 1, np.nan)),   # make-up Sunday counts
    ("2025-10-09", "2025-10-09", False, (False, True, np.nan, 0)),   # deadline == today
    ("2025-09-28", "2025-09-26", False, (False, True, np.nan, 1)),   # Sunday worked: 1 left
    ("2025-09-29", "2025-09-26", False, (False, True, np.nan, 2)),   # Sun 28, Mon 29
    ("2025-09-30", "2025-09-26", False, (False, False, np.nan, 3)),  # 3 with the make-up Sunday
    ("2025-10-09", "2025-09-30", False, (False, True, np.nan, 1)),   # 9 days, 1 working day
    ("2025-09-20", "2025-09-19", False, (False, True, np.nan, 0)),   # Sat deadline on Fri: 0 left
    ("2025-09-19", "2025-09-22", True, (False, False, np.nan, np.nan)),  # closed: never late
    ("2025-10-09", "2025-10-09", True, (False, False, np.nan, np.nan)),
]


@pytest.mark.parametrize(("deadline", "today", "closed", "expected"), CASES)
def test_deadline_status_table(deadline: str, today: str, closed: bool,
                               expected: tuple[bool, bool, float, float]) -> None:
    s = deadline_status(np.array([deadline], dtype="datetime64[D]"), np.array([closed]),
                        D.fromisoformat(today), Calendar("CN"), 2)
    overdue, due_soon, late, left = expected
    assert (bool(s.overdue[0]), bool(s.due_soon[0])) == (overdue, due_soon)
    np.testing.assert_array_equal(s.workdays_overdue, [late])
    np.testing.assert_array_equal(s.workdays_left, [left])
    assert bool(s.passed_on_day_off[0]) == (late == 0)
    assert bool(s.due_today[0]) == (deadline == today and not closed)


def test_no_deadline_is_neither_overdue_nor_due_soon() -> None:
    s = deadline_status(pd.Series([pd.NaT, pd.Timestamp("2025-09-01")]), [False, False],
                        D(2025, 9, 22), Calendar("CN"), 2)
    assert s.overdue.tolist() == [False, True] and s.due_soon.tolist() == [False, False]
    assert np.isnan(s.workdays_to_deadline[0]) and s.workdays_to_deadline[1] == -15


# -- everybody follows it ------------------------------------------------------------------

def _row(seq: int, deadline: str, *, raised_on: str = "2025-09-01", **kw: Any) -> dict[str, Any]:
    out = row(seq, deadline, **kw)
    out["raised_on"] = pd.Timestamp(raised_on)
    return out


def _register(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A 2025 register with the test staff and the package's own calendar (no 节假日 sheet)."""
    settings = [["项目", "值"], ["经理", "孙建国"], ["发件人", "assistant@example.com"]]
    return write_register_xlsx(pd.DataFrame(rows), path, extra_sheets={"人员": STAFF, "设置": settings})


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A deadline every day from mid-September to late October 2025; some closed."""
    days = pd.date_range("2025-09-10", "2025-10-25").strftime("%Y-%m-%d")
    # Rows 16, 20 and 31 (deadlines 09-26, 09-30, 10-11) stay open: each is overdue on the
    # day off right after it.
    rows = [_row(i + 1, d, closed="是" if i % 7 == 4 else "否",
                 closed_on="2025-09-30" if i % 11 == 7 else None) for i, d in enumerate(days)]
    rows.append(_row(len(rows) + 1, "2025-09-01"))  # deadline == raised_on: not suspect
    return _register(tmp_path_factory.mktemp("gen") / "登记.xlsx", rows)


@pytest.mark.parametrize("today", ["2025-09-27", "2025-09-28", "2025-10-01", "2025-10-06",
                                   "2025-10-09", "2025-10-11", "2025-10-12", "2025-10-13"])
def test_chase_facts_and_cxl_status_agree_with_deadline_status(generated: Path, today: str) -> None:
    as_of = D.fromisoformat(today)
    loaded = load(generated, as_of=as_of)
    frame, cal, n = loaded.register.frame, loaded.calendar, loaded.settings.due_soon_days
    s = deadline_status(frame["deadline"], frame["is_closed"], as_of, cal, n)
    rows = frame["_row"].to_numpy()

    result = chase(loaded.register, loaded.settings, cal, as_of)
    over, soon = result.overdue, result.due_soon
    assert dict(zip(over["row"], over["workdays_overdue"], strict=True)) == dict(
        zip(rows[s.overdue], s.workdays_overdue[s.overdue].astype(int), strict=True))
    assert dict(zip(soon["row"], soon["workdays_left"], strict=True)) == dict(
        zip(rows[s.due_soon], s.workdays_left[s.due_soon].astype(int), strict=True))
    assert s.passed_on_day_off.any() == (today in ("2025-09-27", "2025-10-01", "2025-10-06",
                                                  "2025-10-12"))

    facts = row_facts(frame, cal, as_of, of_day(as_of), n)
    assert facts["overdue"].tolist() == s.overdue.tolist()
    assert facts["due_soon"].tolist() == s.due_soon.tolist()
    np.testing.assert_array_equal(facts["workdays_overdue"].to_numpy(), s.workdays_overdue)
    np.testing.assert_array_equal(facts["workdays_to_deadline"].to_numpy(), s.workdays_to_deadline)

    # The UDF gets the cells as Excel hands them over.
    deadlines = [[d.to_pydatetime()] for d in frame["deadline"]]
    closed = [["是" if c else "否"] for c in frame["closed"].eq(True)]
    closed_on = [[None if pd.isna(c) else c.to_pydatetime()] for c in frame["closed_on"]]
    texts = [t[0] for t in cxl_status(deadlines, closed, closed_on,
                                      dt.datetime.combine(as_of, dt.time()))]
    for i, text in enumerate(texts):
        if frame["is_closed"].iat[i]:
            assert text == "已结案"
        elif s.overdue[i]:
            assert text == late_text(s.workdays_overdue[i], frame["deadline"].iat[i])
            assert ("已过期限" in text) == bool(s.passed_on_day_off[i])
        elif s.due_soon[i]:
            assert text == ("今天到期" if s.workdays_left[i] == 0
                            else f"{int(s.workdays_left[i])} 个工作日内到期")
        else:
            assert text == "正常"
    assert not any("逾期 0" in t for t in texts)


def test_cxl_status_says_working_days() -> None:
    assert cxl_status(dt.datetime(2025, 9, 26), "否", None, dt.datetime(2025, 10, 9)) == \
        "逾期 4 个工作日"  # 09-28 (Sunday worked), 29, 30, 10-09; 国庆 skipped: 工作日, not 天
    assert cxl_status(dt.datetime(2025, 9, 19), "否", None, dt.datetime(2025, 9, 20)) == \
        "已过期限（9月19日到期）"
    assert cxl_status(dt.datetime(2025, 9, 30), "否", None, dt.datetime(2025, 9, 26)) == "正常"
    assert cxl_status(dt.datetime(2025, 9, 29), "否", None, dt.datetime(2025, 9, 26)) == \
        "2 个工作日内到期"
    english = [["项目", "值"], ["语言", "en"]]
    assert cxl_status(dt.datetime(2025, 9, 19), None, None, "2025-09-22", None, english) == \
        "1 working day overdue"
    assert cxl_status(dt.datetime(2025, 9, 29), None, None, "2025-09-26", None, english) == \
        "due in 2 working days"
    assert cxl_status(dt.datetime(2025, 10, 11), None, None, "2025-10-12", None, english) == \
        "deadline passed on 2025-10-11"


# -- the words people read -----------------------------------------------------------------

def _says(text: str, words: str) -> bool:
    """``words`` occur in ``text`` as such: "0 working days" is not in "10 working days"."""
    return re.search(r"(?<!\d)" + re.escape(words), text) is not None


@pytest.fixture
def weekend(tmp_path: Path) -> Path:
    """Saturday 2025-09-20: row 1's Friday deadline passed yesterday; row 3's deadline is
    before its raised date (validate's deadline-before-raised)."""
    return _register(tmp_path / "登记.xlsx", [
        _row(1, "2025-09-19"),
        _row(2, "2025-09-10", owner="王芳"),
        _row(3, "2025-09-05", raised_on="2025-09-08", owner="王芳"),
    ])


@pytest.mark.parametrize(("lang", "passed", "zero"), [
    ("zh", "已过期限（9月19日到期）", "逾期 0 个工作日"),
    ("en", "deadline passed on 2025-09-19", "0 working days overdue"),
])
def test_drafts_and_summary_say_the_deadline_passed(weekend: Path, tmp_path: Path, lang: str,
                                                    passed: str, zero: str) -> None:
    loaded = load(weekend, as_of=D(2025, 9, 20), lang=lang)
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    assert result.overdue.set_index("seq").loc[1, "workdays_overdue"] == 0
    outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    owner = next(p for p in outputs.drafts if "李明" in p.name)
    for part in bodies(parse(owner)):
        assert passed in part and not _says(part, zero)
    for draft in outputs.drafts:
        assert not any(_says(part, zero) for part in bodies(parse(draft)))
    lines = "\n".join(summary_lines(result, outputs, lang))
    assert passed in lines and not _says(lines, zero)
    wb = openpyxl.load_workbook(outputs.workbook)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[3]]
    note = header.index("备注" if lang == "zh" else "Note")
    seq = header.index("序号" if lang == "zh" else "No.")
    notes = {r[seq]: r[note] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert notes[1] == passed and notes[2] is None


def test_weekly_report_says_the_deadline_passed(weekend: Path, tmp_path: Path) -> None:
    loaded = load(weekend, as_of=D(2025, 9, 20))
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    point = next(p for p in report.hard_points if p.code == "most-overdue")
    zh, en = point.text("zh"), point.text("en")
    assert "已过期限（9月19日到期）" in zh and "逾期 0 个工作日" not in zh
    assert "deadline passed on 2025-09-19" in en and not _says(en, "0 working days")
    files = write_weekly(report, tmp_path, loaded.settings)
    page = files.html.read_text(encoding="utf-8")
    assert "已过期限（9月19日到期）" in page and "逾期 0 个工作日" not in page
    cells = [c for r in pc.CalamineWorkbook.from_path(str(files.xlsx)).get_sheet_by_name("摘要")
             .to_python() for c in r]
    assert "已过期限（9月19日到期）" in cells


def test_a_deadline_before_the_raised_date_is_flagged(weekend: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["chase", str(weekend), "--today", "2025-09-20", "--out",
                                   str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    flags = {d["seq"]: d["deadline_suspect"] for d in doc["overdue"]}
    assert flags == {1: False, 2: False, 3: True}
    draft = next(Path(p) for p in doc["drafts"] if Path(p).name == "催办-王芳.eml")
    plain, html = bodies(parse(draft))
    assert plain.count("解决期限有误，请核对") == 1 and html.count("解决期限有误，请核对") == 1
    assert "2025-09-05（解决期限有误，请核对）" in plain
    ws = openpyxl.load_workbook(doc["workbook"]).worksheets[0]
    header = [c.value for c in ws[3]]
    notes = {r[header.index("序号")]: r[header.index("备注")]
             for r in ws.iter_rows(min_row=4, values_only=True)}
    assert notes == {1: "已过期限（9月19日到期）", 2: None, 3: "解决期限有误，请核对"}
    lines = CliRunner().invoke(cli, ["chase", str(weekend), "--today", "2025-09-20", "--out",
                                     str(tmp_path / "out2")]).stdout
    assert "解决期限有误，请核对" in lines


# -- the workbook's colours ----------------------------------------------------------------


# (deadline, closed, closed_on, today, N); a datetime deadline has a time of day.
FORMULA_CASES: list[tuple[Any, Any, Any, str, int]] = [
    *[(D.fromisoformat(d), None, None, t, 2) for d, t, closed, _ in CASES if not closed],
    *[(D.fromisoformat(d), None, None, t, 0) for d, t, closed, _ in CASES if not closed],
    (dt.datetime(2025, 10, 9, 15, 30), "否", None, "2025-10-09", 2),
    (D(2025, 9, 30), "否", None, "2025-09-26", 3),
    # the company's own days on the 节假日 sheet (see COMPANY_DAYS)
    (D(2025, 11, 17), None, None, "2025-11-13", 2),  # 14 off, 16 worked, 17: 2
    (D(2025, 11, 18), None, None, "2025-11-13", 2),  # 3
    (D(2025, 11, 14), None, None, "2025-11-15", 2),  # the company day off itself: passed
    (D(2025, 11, 24), None, None, "2025-11-19", 2),  # 20 (row not used), 21 off, 24: 2
    (D(2025, 11, 24), None, None, "2025-11-19", 1),
    # closed as the reader reads 是否结案
    *[(D(2025, 9, 1), flag, None, "2025-09-22", 2)
      for flag in ("是", "Y", "yes", "已结案", 1, True, "√", " 是 ", "否", "N", 0, "?", "*", "处理中")],
    (D(2025, 9, 1), None, D(2025, 9, 2), "2025-09-22", 2),
]


def _calculated(path: Path, out: Path) -> dict[str, list[list[Any]]]:
    """The workbook's values once LibreOffice has recalculated every formula."""
    with tempfile.TemporaryDirectory(prefix="lo-rule-") as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(RECALC_ON_LOAD, encoding="utf-8")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                       capture_output=True, timeout=180, check=True)
    wb = pc.CalamineWorkbook.from_path(str(out / path.name))
    return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


# Company days typed on the 节假日 sheet in the reader's other words: Fri 11-14 off, Sun 11-16
# worked, Thu 11-20 with a word the reader does not use (an ordinary day), Fri 11-21 "Day Off".
COMPANY_DAYS = [[D(2025, 11, 14), "放假"], [D(2025, 11, 16), "补班"], [D(2025, 11, 20), "待定"],
                [D(2025, 11, 21), "Day Off"]]


def _cell(ws: Any, r: int, c: int, value: Any, date_fmt: Any) -> None:
    if isinstance(value, dt.date):
        ws.write_datetime(r, c, value if isinstance(value, dt.datetime)
                          else dt.datetime.combine(value, dt.time()), date_fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int):
        ws.write_number(r, c, value)
    elif value is not None:
        ws.write_string(r, c, value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_workbook_colour_formulas_follow_deadline_status(tmp_path: Path) -> None:
    holiday_rows = content.holiday_rows("CN", range(2025, 2027), "zh")
    holiday_rows += [[day, kind] for day, kind in COMPANY_DAYS]
    calendar = Calendar("CN", read_settings({"节假日": holiday_rows}).holidays)
    assert calendar.is_workday([d for d, _ in COMPANY_DAYS]).tolist() == [False, True, True, False]
    path = tmp_path / "rule.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws, hs = wb.add_worksheet("R"), wb.add_worksheet("节假日")
    for r, cells in enumerate(holiday_rows):
        for c, value in enumerate(cells):
            _cell(hs, r, c, value, date_fmt)
    wb.define_name("Holidays", f"='节假日'!$A$2:$A${len(holiday_rows) + 20}")
    wb.define_name("HolidayKinds", f"='节假日'!$B$2:$B${len(holiday_rows) + 20}")
    for r, (deadline, flag, closed_on, today, n) in enumerate(FORMULA_CASES):
        x = r + 1
        formulas = colour_formulas({"deadline": f"$A{x}", "closed": f"$B{x}", "closed_on": f"$C{x}"},
                                   {"holidays": "Holidays", "kinds": "HolidayKinds",
                                    "due_soon": f"$E{x}"}, today=f"$D{x}")
        for c, value in enumerate((deadline, flag, closed_on, D.fromisoformat(today), n)):
            _cell(ws, r, c, value, date_fmt)
        for c, key in enumerate(("closed", "overdue", "due_soon"), start=5):
            ws.write_formula(r, c, f"=IF({formulas[key]},1,0)", None, -1)
    wb.close()
    got = _calculated(path, tmp_path / "calc")["R"]

    for r, (deadline, flag, closed_on, today, n) in enumerate(FORMULA_CASES):
        closed = (flag is not None and fold(cell_text(flag)).lower() in CLOSED_YES) or \
            closed_on is not None
        s = deadline_status(pd.Series([pd.Timestamp(deadline)]), [closed], D.fromisoformat(today),
                            calendar, n)
        expected = [int(closed), int(s.overdue[0]), int(s.due_soon[0])]
        assert [int(v) for v in got[r][5:8]] == expected, (deadline, flag, closed_on, today, n)
