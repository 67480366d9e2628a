"""The workbook template's lifecycle columns: dropdowns, date checks, the paused colour, and
the colour formulas on the effective deadline, recalculated by LibreOffice.

Calendar of tests/test_overdue_rule.py, China 2025: 国庆 10-01 .. 10-08 off, Sun 09-28 and
Sat 10-11 make-up working days (调休).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from PIL import Image

from complaint_xl import load
from complaint_xl.deadlines import deadline_status, moved_deadlines
from complaint_xl.register.schema import CLOSED_YES, LIFECYCLE_FIELDS
from complaint_xl.register.text import cell_text, fold
from complaint_xl.sample import TEMPLATE_COLUMNS
from complaint_xl.settings import Settings, read_settings
from complaint_xl.workbook import build_workbook
from complaint_xl.workbook import sheets as content
from complaint_xl.workbook.build import BUILD_DATE
from complaint_xl.workbook.register_sheet import colour_formulas, register_columns
from complaint_xl.workbook.style import PAUSED
from complaint_xl.workdays import Calendar
from test_overdue_rule import COMPANY_DAYS, _calculated, _cell
from workbook_helpers import conditional_formats, render_png, sheet_validations, to_fods

D = dt.date
LO = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")

# (deadline, closed, paused_from, paused_to, extended_to, today, N) -> (closed, paused, overdue,
# due soon), counted by hand.
HAND: list[tuple[tuple[Any, ...], tuple[int, int, int, int]]] = [
    # paused Thu 09-25 .. Mon 09-29: 25, 26, 28 (调休 Sun), 29 = 4 working days; the deadline
    # Fri 09-26 moves by 4: 28, 29, 30, then 10-09 (after 国庆)
    ((D(2025, 9, 26), None, D(2025, 9, 25), D(2025, 9, 29), None, "2025-10-09", 2), (0, 0, 0, 1)),
    ((D(2025, 9, 26), None, D(2025, 9, 25), D(2025, 9, 29), None, "2025-10-10", 2), (0, 0, 1, 0)),
    ((D(2025, 9, 26), None, D(2025, 9, 25), D(2025, 9, 29), None, "2025-10-08", 2), (0, 0, 0, 1)),
    ((D(2025, 9, 26), None, D(2025, 9, 25), D(2025, 9, 29), None, "2025-10-08", 0), (0, 0, 0, 0)),
    # waiting since 09-24, no end: paused, neither red nor amber
    ((D(2025, 9, 26), None, D(2025, 9, 24), None, None, "2025-10-09", 2), (0, 1, 0, 0)),
    # the pause ends today: still paused
    ((D(2025, 9, 26), None, D(2025, 9, 24), D(2025, 10, 9), None, "2025-10-09", 2), (0, 1, 0, 0)),
    # paused Mon 09-15 .. Fri 09-19 = 5: deadline Fri 09-19 -> 22 .. 26 = Fri 09-26: due that
    # day; on Sat 09-27 (a day off) it has passed; on Sun 09-28 (调休) too
    ((D(2025, 9, 19), None, D(2025, 9, 15), D(2025, 9, 19), None, "2025-09-26", 2), (0, 0, 0, 1)),
    ((D(2025, 9, 19), None, D(2025, 9, 15), D(2025, 9, 19), None, "2025-09-27", 2), (0, 0, 1, 0)),
    ((D(2025, 9, 19), None, D(2025, 9, 15), D(2025, 9, 19), None, "2025-09-28", 2), (0, 0, 1, 0)),
    # an extension replaces the deadline (and a pause no longer moves it)
    ((D(2025, 9, 19), None, None, None, D(2025, 10, 10), "2025-10-09", 2), (0, 0, 0, 1)),
    ((D(2025, 9, 19), None, None, None, D(2025, 10, 10), "2025-10-13", 2), (0, 0, 1, 0)),
    ((D(2025, 9, 19), None, D(2025, 9, 15), D(2025, 9, 17), D(2025, 9, 30), "2025-10-09", 2),
     (0, 0, 1, 0)),
    # a pause that has not begun, and one that ends before it begins: no pause
    ((D(2025, 10, 10), None, D(2025, 10, 20), None, None, "2025-10-09", 2), (0, 0, 0, 1)),
    ((D(2025, 9, 26), None, D(2025, 9, 25), D(2025, 9, 20), None, "2025-10-09", 2), (0, 0, 1, 0)),
    # a deadline on a holiday (Sat 10-04), paused 29, 30 = 2: -> 10-09, 10-10
    ((D(2025, 10, 4), None, D(2025, 9, 29), D(2025, 9, 30), None, "2025-10-10", 0), (0, 0, 0, 1)),
    # paused Thu 10-09 only: deadline Fri 10-10 -> Sat 10-11 (调休): due in 1
    ((D(2025, 10, 10), None, D(2025, 10, 9), D(2025, 10, 9), None, "2025-10-10", 1), (0, 0, 0, 1)),
    ((D(2025, 10, 10), None, D(2025, 10, 9), D(2025, 10, 9), None, "2025-10-10", 0), (0, 0, 0, 0)),
    # closed wins over everything
    ((D(2025, 9, 26), "是", D(2025, 9, 24), None, None, "2025-10-09", 2), (1, 0, 0, 0)),
]


def _generated(n: int = 160) -> list[tuple[Any, ...]]:
    """Pauses, extensions and days around 国庆 2025, drawn at random (seeded)."""
    rng = np.random.default_rng(14)
    first = D(2025, 9, 10)

    def day(lo: int, hi: int) -> D:
        return first + dt.timedelta(days=int(rng.integers(lo, hi)))

    cases = []
    for _ in range(n):
        start = day(0, 35) if rng.random() < 0.8 else None
        stop = (start + dt.timedelta(days=int(rng.integers(-2, 12)))
                if start is not None and rng.random() < 0.6 else None)
        cases.append((day(0, 40), "是" if rng.random() < 0.1 else None, start, stop,
                      day(10, 45) if rng.random() < 0.2 else None,
                      day(5, 45).isoformat(), int(rng.integers(0, 4))))
    return cases


def _expected(case: tuple[Any, ...], calendar: Calendar) -> tuple[int, int, int, int]:
    """What complaint_xl.deadlines says of the row: the rule the colours must follow."""
    deadline, flag, start, stop, ext, today, n = case
    closed = flag is not None and fold(cell_text(flag)).lower() in CLOSED_YES
    eff = moved_deadlines(pd.Series([pd.Timestamp(deadline)]), [closed], [None],
                          [start], [stop], [ext], calendar, D.fromisoformat(today))
    s = deadline_status(eff.deadline, [closed], D.fromisoformat(today), calendar, n,
                        paused=eff.paused_now)
    return int(closed), int(eff.paused_now[0]), int(s.overdue[0]), int(s.due_soon[0])


@LO
def test_the_lifecycle_colour_formulas_follow_the_effective_deadline(tmp_path: Path) -> None:
    holiday_rows = content.holiday_rows("CN", range(2025, 2027), "zh")
    holiday_rows += [[day, kind] for day, kind in COMPANY_DAYS]
    calendar = Calendar("CN", read_settings({"节假日": holiday_rows}).holidays)
    for case, expected in HAND:  # the hand counts are the rule's
        assert _expected(case, calendar) == expected, case
    cases = [case for case, _ in HAND] + _generated()
    path = tmp_path / "rule.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws, hs = wb.add_worksheet("R"), wb.add_worksheet("节假日")
    for r, cells in enumerate(holiday_rows):
        for c, value in enumerate(cells):
            _cell(hs, r, c, value, date_fmt)
    wb.define_name("Holidays", f"='节假日'!$A$2:$A${len(holiday_rows) + 20}")
    wb.define_name("HolidayKinds", f"='节假日'!$B$2:$B${len(holiday_rows) + 20}")
    for r, (deadline, flag, start, stop, ext, today, n) in enumerate(cases):
        x = r + 1
        formulas = colour_formulas(
            {"deadline": f"$A{x}", "closed": f"$B{x}", "closed_on": f"$C{x}",
             "paused_from": f"$D{x}", "paused_to": f"$E{x}", "extended_to": f"$F{x}"},
            {"holidays": "Holidays", "kinds": "HolidayKinds", "due_soon": f"$H{x}"},
            today=f"$G{x}")
        assert list(formulas) == ["closed", "paused", "overdue", "due_soon"]
        assert max(len(f) for f in formulas.values()) < 8192  # Excel's longest formula
        for c, value in enumerate((deadline, flag, None, start, stop, ext,
                                   D.fromisoformat(today), n)):
            _cell(ws, r, c, value, date_fmt)
        for c, key in enumerate(formulas, start=8):
            ws.write_formula(r, c, f"=IF({formulas[key]},1,0)", None, -1)
    wb.close()
    got = _calculated(path, tmp_path / "calc")["R"]
    wrong = [(case, [int(v) for v in got[r][8:12]], _expected(case, calendar))
             for r, case in enumerate(cases)
             if tuple(int(v) for v in got[r][8:12]) != _expected(case, calendar)]
    assert not wrong, wrong[:5]


# -- the template ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("lc") / "demo.xlsm", demo=True, today=BUILD_DATE)


def test_the_lifecycle_columns_follow_the_seed_s(demo: Path) -> None:
    fields = [f for f, _ in register_columns("zh")]
    lifecycle = [f.name for f in LIFECYCLE_FIELDS]
    assert fields[-len(lifecycle):] == lifecycle and fields == list(TEMPLATE_COLUMNS)
    assert fields.index("severity") == len(fields) - len(lifecycle) - 1
    loaded = load(demo, as_of=BUILD_DATE)
    assert set(lifecycle) <= loaded.register.present
    frame = loaded.register.frame
    assert frame["paused_from"].notna().sum() >= 3 and frame["satisfaction"].eq("不满意").any()
    # the template's own headers are read back as the fields (row 3 is the header)
    assert loaded.register.place("投诉登记", "satisfaction")[1] == "满意度"


@LO
def test_libreoffice_sees_the_lifecycle_dropdowns_dates_and_paused_colour(
        demo: Path, tmp_path: Path) -> None:
    fods = to_fods(demo, tmp_path)
    conditions = [v["condition"] for v in sheet_validations(fods, "投诉登记").values()]
    for values in ('"正常";"非正常"', '"满意";"基本满意";"不满意"', '"是";"否"'):
        assert f"of:cell-content-is-in-list({values})" in conditions, values
    # 提出日期, 解决期限, 结案日期 and the lifecycle's five date columns
    assert sum("cell-content-is-date()" in c for c in conditions) == 8
    rules = conditional_formats(fods)
    for target in {t for t, _ in rules}:
        formulas = [c for t, c in rules if t == target]
        # the paused rule: open, paused_from <= today, paused_to empty or >= today
        assert any(c.startswith("formula-is(AND(NOT(OR(") and "TODAY()" in c
                   and "NETWORKDAYS" not in c for c in formulas), target


@LO
def test_libreoffice_draws_paused_rows_in_their_colour(demo: Path, tmp_path: Path) -> None:
    page = render_png(demo, tmp_path, dpi=60, actual_size=True)[0]
    with Image.open(page) as image:
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    fill = tuple(int(PAUSED["bg_color"][i:i + 2], 16) for i in (1, 3, 5))
    # the legend's cell and the demo's open pause beyond 最长暂停 (raised in September) on page 1
    assert int((pixels == fill).all(axis=1).sum()) > 150


def test_the_settings_sheet_holds_the_lifecycle_s_limits(tmp_path: Path) -> None:
    chosen = Settings(accept_days=2, pause_max_days=7, extension_max_days=12, followup_days=3,
                      sla_key_account_days=8)
    rows = content.settings_rows(chosen, "zh")
    labelled = {r[0]: (r[1], r[2]) for r in rows[1:]}
    assert labelled["受理时限(工作日)"][0] == 2 and "24 小时" in labelled["受理时限(工作日)"][1]
    assert labelled["最长暂停(工作日)"][0] == 7 and labelled["回访时限(工作日)"][0] == 3
    assert labelled["最长延期(工作日)"][0] == 12 and labelled["大客户时限(工作日)"][0] == 8
    assert content.setting_row("due_soon_days") == 5  # DueSoonDays stays $B$6
    path = build_workbook(tmp_path / "s.xlsm", today=BUILD_DATE, settings=chosen)
    read = load(path, as_of=BUILD_DATE).settings
    assert (read.accept_days, read.pause_max_days, read.extension_max_days, read.followup_days,
            read.sla_key_account_days) == (2, 7, 12, 3, 8)
    assert load(build_workbook(tmp_path / "d.xlsm", today=BUILD_DATE), as_of=BUILD_DATE
                ).settings.sla_key_account_days is None  # empty: as other customers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_mapping_rules_and_guide_sheets_know_the_lifecycle(lang: str) -> None:
    mapped = [r[0] for r in content.mapping_rows(Settings(), lang)[1:]]
    first = mapped.index(LIFECYCLE_FIELDS[0].header(lang))
    assert [f.header(lang) for f in LIFECYCLE_FIELDS] == mapped[first:first + len(LIFECYCLE_FIELDS)]
    codes = {r[0] for r in content.rule_rows(Settings(), lang)[1:]}
    assert {"accepted-late", "not-accepted", "pause-too-long", "extension-too-long",
            "extension-not-informed", "abnormal-closure-incomplete", "dissatisfied"} <= codes
    guide = "\n".join(text for _, text in content.guide_rows(lang))
    headers = {f.name: f.header(lang) for f in LIFECYCLE_FIELDS}
    for f in ("accepted_on", "paused_from", "extended_to", "closure_kind", "followup_on",
              "new_action"):
        assert headers[f] in guide, f
