"""Nothing silently wrong in the calendar: guesses stay guesses until a schedule is official.

A year counts as known when the ``holidays`` package publishes it, or when the 节假日
sheet has rows of that year marked 已公布 and none left as 估计. These tests hold
whether or not the installed package already knows next year: the "unknown" year
is the first of 2027, 2031, 2040 that the package does not publish.
"""

from __future__ import annotations

import datetime as dt
import pickle
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import holidays
import numpy as np
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from tests.conftest import row

from complaint_xl.cli import cli
from complaint_xl.errors import LocalizedWarning, warning_text
from complaint_xl.loading import load, make_calendar
from complaint_xl.settings import Settings, read_settings
from complaint_xl.workbook import build_workbook
from complaint_xl.workdays import Calendar, CalendarWarning

D = dt.date
_LAST_PUBLISHED = max(holidays.country_holidays("CN").special_public_holidays)
"""The last year whose State Council schedule the installed package has."""
UNKNOWN = next(y for y in (2027, 2031, 2040) if y > _LAST_PUBLISHED)
"""A year the package does not publish: 2027 with today's package (holidays 0.109)."""


def _monday_after(day: D) -> D:
    return day + dt.timedelta(days=-day.weekday() % 7)


MON = _monday_after(D(UNKNOWN, 3, 9))
"""A Monday in mid-March of the unknown year: no statutory holiday near it in any year."""
SAT = MON + dt.timedelta(days=5)


def _sheet(*rows: Sequence[Any], header: Sequence[str] = ("日期", "类型", "状态", "说明")
           ) -> Settings:
    return read_settings({"节假日": [list(header), *(list(r) for r in rows)]})


def _warnings_of(query: Callable[[], object]) -> list[CalendarWarning]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        query()
    return [w.message for w in caught if isinstance(w.message, CalendarWarning)]


def _count(calendar: Calendar, a: D, b: D) -> int:
    got = calendar.count(np.array([a], dtype="datetime64[D]"), np.array([b], dtype="datetime64[D]"))
    return int(got[0])


def _week(calendar: Calendar) -> Callable[[], object]:
    """Working days over the unknown year's March week around MON (a query touching the year)."""
    return lambda: _count(calendar, MON - dt.timedelta(days=1), SAT + dt.timedelta(days=1))


# -- estimates and official years ------------------------------------------------------------

@pytest.mark.parametrize("marked", ["status", "note"])
def test_estimate_rows_do_not_make_the_year_known_and_the_warning_names_it(marked: str) -> None:
    # new-workbook's guesses, by 状态 (new sheets) or by the note alone (sheets already in use).
    if marked == "status":
        s = _sheet([MON, "休息", "估计", "端午节"])
    else:
        s = _sheet([MON, "休息", "端午节（估计，待公布后核对）"], header=("日期", "类型", "说明"))
    assert s.estimated_holiday_years == {UNKNOWN} and s.official_holiday_years == set()
    calendar = make_calendar(s)
    assert not calendar.confirmed(UNKNOWN)
    found = _warnings_of(_week(calendar))
    assert len(found) == 1 and found[0].years == (UNKNOWN,)
    zh, en = found[0].message("zh"), found[0].message("en")
    assert f"{UNKNOWN} 年" in zh and "已公布" in zh and "pip install -U holidays" in zh
    assert str(UNKNOWN) in en and "pip install -U holidays" in en and "official" in en
    assert str(found[0]) == en  # logs and pytest see the English text
    # The estimate still applies: better than nothing.
    assert _count(calendar, MON - dt.timedelta(days=1), MON + dt.timedelta(days=4)) == 4


@pytest.mark.parametrize("status", ["已公布", "官方", "official"])
def test_rows_marked_official_make_the_year_known(status: str) -> None:
    s = _sheet([MON, "休息", status, "端午节"], [SAT, "上班", status, "调休上班"])
    assert s.official_holiday_years == {UNKNOWN} and s.problems == []
    calendar = make_calendar(s)
    assert calendar.confirmed(UNKNOWN)
    assert _warnings_of(_week(calendar)) == []
    assert _count(calendar, MON - dt.timedelta(days=1), SAT) == 5  # Mon off, Sat worked


def test_official_rows_beside_leftover_estimates_keep_a_warning_saying_so() -> None:
    s = _sheet([MON, "休息", "已公布", ""], [MON + dt.timedelta(days=1), "休息", "估计", ""])
    calendar = make_calendar(s)
    found = _warnings_of(_week(calendar))
    assert len(found) == 1 and found[0].years == (UNKNOWN,)
    assert "估计" in found[0].message("zh") and "estimates" in found[0].message("en")


def test_a_company_day_off_does_not_silence_the_warning() -> None:
    s = _sheet([MON, "休息", "", "年会"])
    calendar = make_calendar(s)
    assert s.holidays == {MON: False} and s.official_holiday_years == set()
    found = _warnings_of(_week(calendar))
    assert [w.years for w in found] == [(UNKNOWN,)]
    assert not calendar.is_workday(np.array([MON], dtype="datetime64[D]"))[0]


def test_a_year_the_package_publishes_is_known_without_any_row() -> None:
    calendar = Calendar("CN")
    assert calendar.confirmed(_LAST_PUBLISHED)
    assert _warnings_of(lambda: _count(calendar, D(_LAST_PUBLISHED, 6, 1),
                                       D(_LAST_PUBLISHED, 6, 30))) == []


# -- the 类型 and 状态 words -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["工作", None, "abc"])
def test_an_unknown_kind_is_reported_at_its_cell_and_not_used(kind: str | None) -> None:
    s = _sheet([SAT, "上班", "已公布", ""], [MON, kind, "已公布", "公司活动"])
    assert MON not in s.holidays and s.holidays == {SAT: True}
    [problem] = s.problems
    assert (problem.sheet, problem.cell) == ("节假日", "B3")
    assert "此行未用" in problem.message("zh") and "休息" in problem.message("zh")
    assert "not used" in problem.message("en") and "上班/working" in problem.message("en")
    assert make_calendar(s).is_workday(np.array([MON], dtype="datetime64[D]"))[0]


def test_kind_synonyms_are_read_and_only_other_words_reported() -> None:
    days = [MON + dt.timedelta(days=i) for i in range(0, 21, 3)]
    s = _sheet(*([d, k, "", ""] for d, k in zip(days, ["补班", "调休上班", "放假", "假日", "day off",
                                                       "workday", "休假"], strict=True)),
               [SAT, "上班?", "", ""])
    assert [s.holidays[d] for d in days] == [True, True, False, False, False, True, False]
    assert [(p.cell, p.value) for p in s.problems] == [("B9", "上班?")]


def test_a_sheet_without_a_kind_column_lists_days_off() -> None:
    s = _sheet([MON], [SAT], header=("日期",))
    assert s.holidays == {MON: False, SAT: False} and s.problems == []


def test_an_unknown_status_is_reported_and_the_row_does_not_count_as_official() -> None:
    s = _sheet([MON, "休息", "已发布?", ""])
    assert s.holidays == {MON: False} and s.official_holiday_years == set()
    assert [(p.sheet, p.cell) for p in s.problems] == [("节假日", "C2")]
    assert [w.years for w in _warnings_of(_week(make_calendar(s)))] == [(UNKNOWN,)]


# -- the warning in the run's language --------------------------------------------------------

def test_localized_warnings_pickle_and_fall_back_to_str() -> None:
    calendar = make_calendar(_sheet([MON, "休息", "估计", ""]))
    [found] = _warnings_of(_week(calendar))
    again = pickle.loads(pickle.dumps(found))
    assert isinstance(again, LocalizedWarning) and again.years == (UNKNOWN,)
    assert warning_text(again, "zh") == found.message("zh")
    assert warning_text(UserWarning("plain"), "zh") == "plain"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_command_line_prints_the_warning_in_the_runs_language(
        make_xlsx: Callable[..., Path], lang: str) -> None:
    register = make_xlsx([row(seq=1, customer="甲公司(经销商)", type="售后", owner="李明",
                              problem="A3 型号开裂 3 张，客户要求更换", raised_on=MON)])
    done = CliRunner().invoke(cli, ["validate", str(register), "--today",
                                    (MON + dt.timedelta(days=10)).isoformat(), "--lang", lang])
    assert done.exit_code in (0, 1), done.output
    said = [line for line in done.stderr.splitlines() if str(UNKNOWN) in line]
    assert said, done.stderr
    if lang == "zh":
        assert said[0].startswith("complaint-xl: 警告: ")
        assert f"{UNKNOWN} 年的节假日安排未确认" in said[0] and "pip install -U holidays" in said[0]
    else:
        assert said[0].startswith("complaint-xl: warning: ")
        assert f"holiday schedule of {UNKNOWN} not confirmed" in said[0]


def test_without_lang_the_warning_speaks_the_workbooks_language(
        make_xlsx: Callable[..., Path]) -> None:
    # The 设置 sheet says English and no --lang is given: warnings follow the workbook.
    register = make_xlsx([row(seq=1, customer="甲公司(经销商)", type="售后", owner="李明",
                              problem="A3 型号开裂 3 张，客户要求更换", raised_on=MON)],
                         extra_sheets={"设置": [["项目", "值"], ["语言", "en"]]})
    done = CliRunner().invoke(cli, ["validate", str(register), "--today",
                                    (MON + dt.timedelta(days=10)).isoformat()])
    assert done.exit_code in (0, 1), done.output
    said = [line for line in done.stderr.splitlines() if str(UNKNOWN) in line]
    assert said and said[0].startswith("complaint-xl: warning: "), done.stderr
    assert f"holiday schedule of {UNKNOWN} not confirmed" in said[0]


# -- new-workbook ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_workbook_marks_next_years_rows_as_estimates(tmp_path: Path, lang: str) -> None:
    today = D(2026, 12, 4)
    path = build_workbook(tmp_path / "new.xlsm", lang=lang, today=today)
    sheet = "节假日" if lang == "zh" else "Holidays"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    head = rows[0]
    assert head == (["日期", "类型", "状态", "说明"] if lang == "zh"
                    else ["Date", "Kind", "Status", "Note"])
    official, estimate = ("已公布", "估计") if lang == "zh" else ("official", "estimate")
    by_year: dict[int, set[str]] = {}
    for day, _, status, _ in rows[1:]:
        by_year.setdefault(day.year, set()).add(status)
    expected_2027 = official if _LAST_PUBLISHED >= 2027 else estimate
    assert by_year == {2026: {official}, 2027: {expected_2027}}
    # Read back: the guesses are recognised, nothing is reported, and 2027 is warned about
    # until the package knows it.
    loaded = load(path, as_of=today)
    assert loaded.settings.problems == []
    assert loaded.settings.official_holiday_years == (
        {2026, 2027} if expected_2027 == official else {2026})
    assert loaded.settings.estimated_holiday_years == (
        set() if expected_2027 == official else {2027})
    found = _warnings_of(lambda: _count(loaded.calendar, D(2027, 3, 1), D(2027, 3, 31)))
    assert [w.years for w in found] == ([] if expected_2027 == official else [(2027,)])
