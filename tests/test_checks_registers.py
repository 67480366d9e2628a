"""Whole registers: a hand-typed one (findings and no false ones) and a clean sample of 3,000 rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import AS_OF, DATA

import complaint_xl
from complaint_xl.checks import Report
from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx


def _validate(path: Path, as_of: dt.date = AS_OF) -> Report:
    loaded = complaint_xl.load(path, as_of=as_of)
    return complaint_xl.validate(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)


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
    assert len(report) == int(((frame["effect"] == "无效") & (frame["closed"] == "是")).sum())


def test_the_sample_with_its_planted_mistakes(tmp_path: Path) -> None:
    as_of = dt.date(2026, 11, 29)
    frame = make_register(500, as_of=as_of, seed=5)
    path = write_register_xlsx(frame, tmp_path / "planted.xlsx", extra_sheets=sample_settings_sheets())
    codes = _validate(path, as_of).table["code"].value_counts().to_dict()
    codes.pop("closed-but-ineffective")
    assert codes == {"vague-problem": 1, "unknown-type": 1, "date-text": 1, "owner-missing": 1,
                     "deadline-before-raised": 1, "duplicate-complaint": 1,
                     "support-need-missing": 1}
