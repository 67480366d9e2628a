"""Whole registers: a hand-typed one (findings and no false ones) and a clean sample of 3,000 rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import AS_OF, DATA, row

import complaint_xl
from complaint_xl.checks import Findings
from complaint_xl.kpi import weekly
from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx


def _ineffective_rows(frame: pd.DataFrame, first_row: int) -> list[list[object]]:
    """[Excel row, field, code] of each row the generator closed as 无效, worked out with pandas."""
    closed_ineffective = (frame["closed"] == "是") & (frame["effect"] == "无效")
    return [[first_row + i, "effect", "closed-but-ineffective"] for i in frame.index[closed_ineffective]]


def _found(report: Findings, code: str) -> list[list[object]]:
    return sorted(list(r) for r in report.flatten(["row", "field", "code"]) if r[2] == code)


def _validate(path: Path, as_of: dt.date = AS_OF) -> Findings:
    loaded = complaint_xl.load(path, as_of=as_of)
    return complaint_xl.check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)


# handtyped.* (tests/data/make_fixtures.py): a title row, a header with spaces, line breaks
# and full-width brackets, padded and full-width values, text dates, blank rows, a 合计 row,
# notes under the table, an extra 备注 column, two monthly sheets and a 设置 sheet whose
# 默认时限 is 10 working days and whose 到期提醒 is the text 三天.
HANDTYPED = [
    ["2026-10", 4, "L", "deadline", "deadline-beyond-sla"],  # 16 working days, SLA 10
    ["2026-10", 5, "J", "raised_on", "date-text"],  # 2026.10.12
    ["2026-10", 5, "L", "deadline", "date-text"],  # 2026年10月30日
    ["2026-10", 5, "L", "deadline", "deadline-beyond-sla"],
    ["2026-10", 5, "R", "closed_on", "date-text"],  # 2026/10/20
    ["2026-10", 7, "G", "type", "unknown-type"],  # 售后服务
    ["2026-10", 7, "H", "problem", "vague-problem"],  # 客户表示近期售后问题较多
    ["2026-10", 7, "L", "deadline", "deadline-missing"],
    ["2026-11", 4, "J", "raised_on", "date-no-year"],  # 11月3日
    ["2026-11", 4, "L", "deadline", "date-text"],  # full-width digits
    ["2026-11", 4, "L", "deadline", "deadline-beyond-sla"],
    ["2026-11", 4, "M", "support_need", "support-need-missing"],  # 工厂 asked, nothing said
    ["2026-11", 5, "C", "customer_contact", "contact-invalid"],  # zhou@example
    ["2026-11", 5, "L", "deadline", "deadline-beyond-sla"],
    ["设置", 3, "B", "", "settings-invalid"],  # 三天
]


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_a_hand_typed_register(suffix: str) -> None:
    report = _validate(DATA / f"handtyped.{suffix}")
    # exact equality: the padded 李明, the full-width 品质, 发票 with a trailing space, the Y and
    # 未结案 flags, the 备注 column, the blank and 合计 rows raise nothing
    assert report.flatten(["sheet", "row", "column", "field", "code"]) == HANDTYPED
    assert report.rows == 5
    unknown = report.at(7, "2026-10")[0]
    assert unknown.value == "售后服务" and "是否应为“售后”" in unknown.message
    assert report.at(7, "2026-10")[2].message == (
        "解决 期限为空，已按时限 10 个工作日推算为 2026-10-29；请填写。")
    assert report.at(4, "2026-11")[0].message == (
        "提出 日期“11月3日”没有年份，已按 2026-11-03 读取；请写完整日期。")
    assert report.errors == 1 and not report.valid


def test_a_clean_sample_register_has_no_error(tmp_path: Path) -> None:
    as_of = dt.date(2026, 11, 29)
    frame = make_register(3000, clean=True, as_of=as_of, seed=11)
    path = write_register_xlsx(frame, tmp_path / "clean.xlsx", title="客户投诉管理表",
                               extra_sheets=sample_settings_sheets())
    report = _validate(path, as_of)
    assert report.rows == 3000
    assert report.errors == 0 and report.valid
    # the only warnings a clean register gets are the ones the generator means: fixes judged
    # 无效 on closed complaints (a new corrective action is due)
    assert set(report.table["code"]) == {"closed-but-ineffective"}
    expected = _ineffective_rows(frame, first_row=4)  # a title, a blank row, the header: row 4 on
    assert len(expected) > 30  # the generator closes about 1 in 10 as 无效
    assert _found(report, "closed-but-ineffective") == expected
    assert len(report) == len(expected)


def test_the_sample_with_its_planted_mistakes(tmp_path: Path) -> None:
    as_of = dt.date(2026, 11, 29)
    frame = make_register(500, as_of=as_of, seed=5)
    path = write_register_xlsx(frame, tmp_path / "planted.xlsx", extra_sheets=sample_settings_sheets())
    report = _validate(path, as_of)
    codes = report.table["code"].value_counts().to_dict()
    # the planted mistakes touch no 效果评估 or 是否结案: every row closed as 无效 is still found
    expected = _ineffective_rows(frame, first_row=2)
    assert expected and _found(report, "closed-but-ineffective") == expected
    assert codes.pop("closed-but-ineffective") == len(expected)
    assert codes == {"vague-problem": 1, "unknown-type": 1, "date-text": 1, "owner-missing": 1,
                     "deadline-before-raised": 1, "duplicate-complaint": 1,
                     "support-need-missing": 1}


# Closed in 2026-W48 (Mon 11-23 .. Sun 11-29), each judged as its 效果评估 says.
EFFECTS = ["无效", "Ineffective", "not effective", "no effect", " 无效 ", "有效", "部分有效"]
INEFFECTIVE_ROWS = [2, 3, 4, 5, 6]
"""Excel rows of the closures above whose fix did not work (every spelling of 无效)."""


def test_checks_and_weekly_report_agree_on_which_closures_were_ineffective(make_xlsx) -> None:
    rows = [row(seq=i + 1, customer=f"客户{i}(经销商)", owner="李明", type="品质",
                problem=f"客户{i}反映生态板（型号A3-18，批次20261120）表面起泡，涉及30张",
                raised_on=dt.date(2026, 11, 16), deadline=dt.date(2026, 12, 4), effect=effect,
                summary="已更换", closed="是", closed_on=dt.date(2026, 11, 25), severity="一般")
            for i, effect in enumerate(EFFECTS)]
    path, monday = make_xlsx(rows), dt.date(2026, 11, 30)  # the report's week: 2026-W48
    report = _validate(path, monday)
    flagged = [r for r, _f, _c in _found(report, "closed-but-ineffective")]
    assert flagged == INEFFECTIVE_ROWS
    loaded = complaint_xl.load(path, as_of=monday)
    effect = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of).to_json()["effect"]
    assert effect["closed"] == len(EFFECTS)
    listed = sorted(item["row"] for item in effect["ineffective"])
    assert listed == flagged, (
        "validate and the weekly report disagree on which 效果评估 values mean ineffective "
        f"(both should use schema.EFFECT_INEFFECTIVE): validate flags rows {flagged}, the report lists "
        f"{listed} (effects by row: {dict(zip(range(2, 2 + len(EFFECTS)), EFFECTS, strict=True))}); "
        "one definition of the word should serve both")
