"""Arbitrary cell values never break reading, and nothing unreadable goes unsaid.

Hypothesis feeds the date parser, the header finder, the settings reader and the
whole reader (then the checks) with what cells can hold: text with control
characters, full-width forms and emoji, date-like text of every shape, NaN and
infinities, huge integers, booleans, dates, times and datetimes. Each property
says what must come out, not only that nothing raised. Run with
``--hypothesis-show-statistics`` to see how many examples each test ran.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import AS_OF, STANDARD_HEADER

from complaint_xl.checks import check_register
from complaint_xl.register.book import Book, Grid
from complaint_xl.register.dates import ERROR_VALUES, PLACEHOLDERS, parse_date, parse_dates
from complaint_xl.register.header import MIN_FIELDS, SCAN_ROWS, find_header
from complaint_xl.register.reader import read_register
from complaint_xl.register.schema import DATE_FIELDS, FIELD_NAMES, KEY_FIELDS
from complaint_xl.settings import SETTINGS_SHEETS, Settings, read_settings
from complaint_xl.workdays import Calendar, CalendarWarning

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNREADABLE = {"unparseable", "ambiguous", "error"}
READ_FROM_TEXT = {"text", "serial", "no-year"}
FIRST_DAY, LAST_DAY = np.datetime64("1900-01-01"), np.datetime64("2199-12-31")
ORDER = ["seq", "customer", "customer_contact", "reporter", "reporter_contact", "owner", "type",
         "problem", "responsible", "raised_on", "support_unit", "deadline", "support_need",
         "progress", "effect", "summary", "closed", "closed_on", "severity"]
"""The fields of STANDARD_HEADER, column A onwards."""

# -- what a cell can hold -------------------------------------------------------------

_TRICKY = st.sampled_from([
    "", " ", "\u3000", "\t", "\x00", "\x1f", "\r\n", "\u200b", "\ufeff", "\u202e", "😀", "👍🏽",
    "ＡＢＣ", "（经销商）", "２０２６－０３－０５", "２０２６年３月５日", "3月5日", "12月31日",
    "5/3/2026", "2026.3.5", "20260305", "45000", "45000.5", "Err:502", "#N/A", "#REF!",
    "合计", "Total", "=1+1", "+SUM(A1)", "-2", "@cmd", "是", "否", "√", "maybe", "重大",
    *sorted(PLACEHOLDERS),
])
_SEPARATORS = st.sampled_from(["-", ".", "/", "年", "月", " / ", "－", "．", "", " "])


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """Text shaped like a date, right or wrong: any numbers, separators, suffixes."""
    y = draw(st.integers(0, 99999))
    m, d = draw(st.integers(0, 99)), draw(st.integers(0, 99))
    parts = draw(st.sampled_from([(y, m, d), (m, d, y), (d, m, y), (m, d)]))
    seps = [draw(_SEPARATORS) for _ in parts]
    tail = draw(st.sampled_from(["", "日", "号", " 10:30", "T08:00:00", " 3:15 PM", " 25:99"]))
    text = "".join(f"{p}{s}" for p, s in zip(parts, seps, strict=True)).rstrip("".join(seps))
    return text + tail


TEXTS = st.one_of(st.text(max_size=30), _TRICKY, date_texts(),
                  st.text(alphabet=string.digits + "-./年月日 ", max_size=14))
CELLS = st.one_of(
    st.none(), TEXTS, st.floats(), st.integers(), st.integers(30_000, 80_000), st.booleans(),
    st.dates(), st.datetimes(), st.times(), st.sampled_from(sorted(ERROR_VALUES)),
    st.floats(30_000, 80_000),
)
"""What calamine, xlrd, a CSV or xlwings can hand over for one cell."""


# -- what a cell must read as, worked out with plain Python (not with the code under test) --

_EPOCH = dt.date(1899, 12, 30)
_SERIALS = ((dt.date(1990, 1, 1) - _EPOCH).days, (dt.date(2099, 12, 31) - _EPOCH).days)
"""Numbers read as Excel serials: the days 1990-01-01 to 2099-12-31, as the README says."""
_YMD_TEXT = (re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"),
             re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"))


def _folded(text: str) -> str:
    """Full-width folded (NFKC), runs of white space made one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _shown(value: Any) -> str:
    """A cell as the text a person sees in it."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2199 else None


def _known_date(value: Any) -> tuple[dt.date | None, str | None] | None:
    """(day, note) a date cell must give, for the shapes with a simple rule; None for the rest.

    Real dates in 1900-2199 are read without a note, others are unparseable; a number is an
    Excel serial in the plausible range; empty cells and placeholders are no date; an
    Excel error value is an error; 2026-03-05, 2026.3.5, 2026/3/5, 2026年3月5日 are text dates.
    """
    if value is None:
        return None, None
    if isinstance(value, bool | dt.time):
        return None, "unparseable"
    if isinstance(value, dt.date):
        day = _day(value.year, value.month, value.day)
        return (day, None) if day else (None, "unparseable")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None, "unparseable"
        if number != number:
            return None, None
        if _SERIALS[0] <= number <= _SERIALS[1]:
            return _EPOCH + dt.timedelta(days=int(number)), "serial"
        return None, "unparseable"
    if not isinstance(value, str):
        return None
    text = _folded(value)
    if not text or text.lower() in PLACEHOLDERS:
        return None, None
    if text in ERROR_VALUES or re.fullmatch(r"Err:\d{3}", text):
        return None, "error"
    for pattern in _YMD_TEXT:
        if m := pattern.fullmatch(text):
            day = _day(int(m[1]), int(m[2]), int(m[3]))
            return (day, "text") if day else (None, "unparseable")
    return None


def _is_empty(value: Any) -> bool:
    """Cells the parser must read as 'no date' without a note."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str):
        text = _folded(value)
        return not text or text.lower() in PLACEHOLDERS
    return False


# -- the date parser ------------------------------------------------------------------

@FUZZ
@given(value=CELLS, order=st.sampled_from(["ymd", "dmy", "mdy"]))
def test_parse_date_reads_or_notes_every_value(value: Any, order: str) -> None:
    day, note = parse_date(value, as_of=AS_OF, order=order)  # type: ignore[arg-type]
    assert isinstance(day, np.datetime64)
    if note in UNREADABLE:
        assert np.isnat(day)
    elif note in READ_FROM_TEXT:
        assert FIRST_DAY <= day <= LAST_DAY
        assert not isinstance(value, dt.date)
    else:
        assert note is None
        if np.isnat(day):
            assert _is_empty(value), value  # nothing silently dropped
        else:
            assert isinstance(value, dt.date) and FIRST_DAY <= day <= LAST_DAY
    if note == "no-year":
        assert day <= np.datetime64(AS_OF)
    known = _known_date(value)
    if known is not None:
        assert note == known[1], (value, note, known)
        assert (np.isnat(day) and known[0] is None) or day == np.datetime64(known[0], "D"), (value, day)


@FUZZ
@given(values=st.lists(CELLS, max_size=40), order=st.sampled_from(["ymd", "dmy", "mdy"]))
def test_parse_dates_agrees_with_parse_date_cell_by_cell(values: list[Any], order: str) -> None:
    days, notes = parse_dates(pd.Series(values, dtype=object), as_of=AS_OF, order=order)  # type: ignore[arg-type]
    assert len(days) == len(notes) == len(values)
    assert days.dtype == "datetime64[ns]"
    for value, got_day, got_note in zip(values, days, notes, strict=True):
        day, note = parse_date(value, as_of=AS_OF, order=order)  # type: ignore[arg-type]
        assert got_note == note
        assert (pd.isna(got_day) and np.isnat(day)) or got_day == pd.Timestamp(day)


# -- the header finder ----------------------------------------------------------------

_MAPPING = st.dictionaries(st.sampled_from(FIELD_NAMES),
                           st.one_of(st.text(max_size=6), st.sampled_from(["A", "C", "ZZ", "客户"])),
                           max_size=4)


@FUZZ
@given(rows=st.lists(st.lists(CELLS, max_size=22), max_size=35), mapping=_MAPPING)
def test_find_header_never_raises_and_answers_sensibly(rows: list[list[Any]],
                                                        mapping: dict[str, str]) -> None:
    match = find_header(rows, mapping)
    if match is None:
        return
    assert 0 <= match.row < min(len(rows), SCAN_ROWS)
    assert set(match.fields) <= set(FIELD_NAMES) and len(match.fields) >= MIN_FIELDS
    assert all(c >= 0 for c in match.fields.values())
    assert all(c >= 0 for c in match.extras.values())


_STANDARD = {field: column for column, field in enumerate(ORDER)}
"""The fields of STANDARD_HEADER by column, known by hand (not from find_header)."""


@FUZZ
@given(above=st.lists(st.lists(CELLS, max_size=8), max_size=12),
       below=st.lists(st.lists(CELLS, max_size=8), max_size=5),
       order=st.permutations(range(len(STANDARD_HEADER))),
       spacing=st.lists(st.sampled_from(["", " ", "\n", "\u3000", " \t"]),
                        min_size=len(STANDARD_HEADER), max_size=len(STANDARD_HEADER)))
def test_a_header_is_found_below_noise_in_any_order_and_spacing(
        above: list[list[Any]], below: list[list[Any]], order: list[int], spacing: list[str]) -> None:
    # Full-width brackets, stray spaces and line breaks, columns in any order.
    header = [spacing[i] + STANDARD_HEADER[j].replace("(", "（").replace(")", "）") + spacing[-i - 1]
              for i, j in enumerate(order)]
    match = find_header([*above, header, *below])
    assert match is not None
    assert len(match.fields) >= len(_STANDARD)
    if match.row == len(above):
        assert set(match.fields) == set(_STANDARD)
        for f in set(_STANDARD) - {"customer_contact", "reporter_contact"}:  # both 联系方式
            assert order[match.fields[f]] == _STANDARD[f]
    else:  # noise that names as many fields may win only by coming first or naming more
        rival = find_header([[*above, header, *below][match.row]])
        assert rival is not None and len(rival.fields) >= len(_STANDARD)


# -- the settings reader --------------------------------------------------------------

_HEADERS = {
    "staff": ["姓名", "邮箱", "上级", "角色", "负责支援单位"],
    "lists": ["投诉项目", "时限", "支援单位", "效果评估", "严重程度", "大客户"],
    "holidays": ["日期", "类型"],
    "mapping": ["字段", "表头"],
    "rules": ["代码", "启用", "级别"],
    "settings": ["项目", "值"],
}


@st.composite
def settings_sheets(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """Settings sheets as a team might fill them, with any value in any cell."""
    sheets: dict[str, list[list[Any]]] = {}
    for _ in range(draw(st.integers(0, 5))):
        role = draw(st.sampled_from(sorted(SETTINGS_SHEETS)))
        name = draw(st.one_of(st.sampled_from(SETTINGS_SHEETS[role]), st.text(max_size=8)))
        body = draw(st.lists(st.lists(CELLS, max_size=7), max_size=12))
        if draw(st.booleans()):
            body = [_HEADERS[role], *body]
        sheets[name] = body
    return sheets


@FUZZ
@given(sheets=settings_sheets())
def test_read_settings_never_raises_and_keeps_values_in_range(
        sheets: dict[str, list[list[Any]]]) -> None:
    s = read_settings(sheets)
    for name in ("sla_days", "sla_major_days", "due_soon_days", "escalate_level2_after",
                 "escalate_level3_after", "problem_min_length"):
        value = getattr(s, name)
        assert isinstance(value, int) and 0 <= value <= 365
    assert all(isinstance(v, int) and 1 <= v <= 365 for v in s.sla_by_type.values())
    assert s.lang in ("zh", "en") and s.date_order in ("ymd", "dmy", "mdy")
    assert all(isinstance(d, dt.date) and isinstance(w, bool) for d, w in s.holidays.items())
    assert all(f in FIELD_NAMES for f in s.mapping)
    for p in s.problems:
        assert p.sheet in sheets and re.fullmatch(r"[A-Z]+[0-9]+", p.cell)
        assert p.message("zh") and p.message("en") and "\n" not in p.message("en")
    Calendar(s.country, s.holidays)  # whatever was read makes a calendar


_KEYS = {"sla_days": "默认时限(工作日)", "sla_major_days": "重大投诉时限", "due_soon_days": "到期提醒",
         "escalate_level2_after": "二级升级", "escalate_level3_after": "三级升级",
         "problem_min_length": "问题点最短字数", "lang": "语言", "date_order": "日期顺序"}
_DEFAULTS = Settings()


@FUZZ
@given(values=st.fixed_dictionaries({k: st.one_of(CELLS, st.integers(-5, 400)) for k in _KEYS}))
def test_every_setting_is_used_or_named_as_a_problem(values: dict[str, Any]) -> None:
    rows: list[list[Any]] = [["项目", "值"], *([label, values[k]] for k, label in _KEYS.items())]
    s = read_settings({"设置": rows})
    problems = {p.cell for p in s.problems}
    for r, key in enumerate(_KEYS, start=2):
        text = _folded(_shown(values[key]))
        if f"B{r}" in problems or not text:
            assert getattr(s, key) == getattr(_DEFAULTS, key)  # the default stands
        elif key in ("lang", "date_order"):
            assert getattr(s, key) in (("zh", "en") if key == "lang" else ("ymd", "dmy", "mdy"))
        else:
            assert float(text) == getattr(s, key)  # used as written


# -- the whole reader, then the checks ------------------------------------------------

_CALENDAR = Calendar("CN")
_ANCHOR = [7, "甲公司(经销商)", "13800138000", "王经理", "13800138000", "李明", "售后", "开裂 3 张",
           "工厂", dt.date(2026, 11, 2), "", dt.date(2026, 11, 23), "", "", "", "", "否", None, "一般"]
_ROWS = st.lists(st.lists(CELLS, max_size=len(STANDARD_HEADER) + 2), max_size=20)


def _read(body: list[list[Any]]) -> tuple[pd.DataFrame, Any]:
    grid = Grid([list(STANDARD_HEADER), *body, _ANCHOR])
    book = Book(Path("fuzz.xlsx"), "xlsx", ["登记表"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarWarning)  # dates far from today
        register = read_register(book, _DEFAULTS.read_options(), _CALENDAR, as_of=AS_OF,
                                 grids={"登记表": grid})
    return register.frame, register


def _cell(body: list[list[Any]], excel_row: int, field: str) -> Any:
    rows = [list(STANDARD_HEADER), *body, _ANCHOR]
    if field not in ORDER:  # no column for it (the lifecycle's fields): read as empty
        return ""
    row, col = rows[excel_row - 1], ORDER.index(field)
    return row[col] if col < len(row) else ""


@FUZZ
@given(body=_ROWS)
def test_reader_takes_any_cells_and_notes_every_unreadable_date(body: list[list[Any]]) -> None:
    frame, _ = _read(body)
    assert set(FIELD_NAMES) <= set(frame.columns)
    rows = frame["_row"].tolist()
    assert rows == sorted(set(rows)) and all(2 <= r <= len(body) + 2 for r in rows)
    assert rows[-1] == len(body) + 2  # the ordinary complaint at the end is always read
    for i, excel_row in enumerate(rows):
        for f in DATE_FIELDS:
            value = _cell(body, excel_row, f)
            # worked out by hand where the rule is simple; other shapes (3月5日, 5/3/2026, time
            # tails, …) must read as the one-cell parser reads them
            known = _known_date(value)
            if known is not None:
                day, note = (np.datetime64(known[0] or "NaT", "D"), known[1])
            else:
                day, note = parse_date(value, as_of=AS_OF)
            assert frame.at[i, f"{f}__note"] == note, (value, frame.at[i, f"{f}__note"], note)
            got = frame.at[i, f]
            if f == "deadline" and frame.at[i, "deadline_derived"]:
                assert np.isnat(day) and not pd.isna(got)  # derived from the SLA, and flagged
            else:
                assert (pd.isna(got) and np.isnat(day)) or got == pd.Timestamp(day), (value, got)
            if note is not None:
                assert frame.at[i, f"{f}__raw"] == _shown(value)
        for f in ("owner", "type", "problem", "summary"):
            text = _shown(_cell(body, excel_row, f))
            expected = (_folded(text) if f in KEY_FIELDS else text.strip()) or None
            assert frame.at[i, f] == expected


@FUZZ
@given(body=_ROWS)
def test_every_unreadable_value_becomes_a_finding(body: list[list[Any]]) -> None:
    frame, register = _read(body)
    report = check_register(register, _DEFAULTS, AS_OF, _CALENDAR)
    found = {(r, f, c) for r, f, c in report.flatten(("row", "field", "code"))}
    codes = {"unparseable": "date-unparseable", "ambiguous": "date-ambiguous",
             "error": "excel-error-value"}
    expected = set()
    for i, excel_row in enumerate(frame["_row"].tolist()):
        for f in DATE_FIELDS:
            value = _cell(body, excel_row, f)
            note = (_known_date(value) or parse_date(value, as_of=AS_OF))[1]
            if note in codes:
                expected.add((excel_row, f, codes[note]))
        for f in ("customer", "owner", "type", "problem"):
            if _folded(_shown(_cell(body, excel_row, f))) in ERROR_VALUES:
                expected.add((excel_row, f, "excel-error-value"))
        if frame.at[i, "closed__raw"] is not None and _folded(frame.at[i, "closed__raw"]) not in ERROR_VALUES:
            expected.add((excel_row, "closed", "closed-flag-unclear"))
    assert expected <= found, expected - found
