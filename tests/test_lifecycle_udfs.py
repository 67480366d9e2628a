"""cxl_status with the lifecycle's columns: paused, awaiting the follow-up call, abnormal
closure, and the effective deadline; called as Excel calls it (see tests/test_xl_udfs.py), in
the classic and the Lite edition. Calendar of lifecycle_helpers (劳动节 2026, as of 05-20).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from complaint_xl.xl import lite
from complaint_xl.xl.udfs import cxl_status
from lifecycle_helpers import HOLIDAYS

D = dt.datetime
TODAY = D(2026, 5, 20)

# deadline, closed, closed_on, paused_from, paused_to, extended_to, followup_on, closure -> text
ROWS: list[tuple[tuple[Any, ...], str]] = [
    # paused Thu 05-07 .. Tue 05-12 = 7, 8, 9 (调休), 11, 12: the deadline 05-08 moves to 05-14,
    # (14, 20] = 15, 18, 19, 20
    ((D(2026, 5, 8), "否", None, D(2026, 5, 7), D(2026, 5, 12), None, None, None), "逾期 4 个工作日"),
    # waiting since 05-13: paused, though the written deadline 05-12 has passed
    ((D(2026, 5, 12), "否", None, D(2026, 5, 13), None, None, None, None), "暂停中（等待客户）"),
    # extended to Fri 05-22: (20, 22] = 2
    ((D(2026, 5, 8), "否", None, None, None, D(2026, 5, 22), None, None), "2 个工作日内到期"),
    # closed Tue 05-12, no call: (12, 20] = 6 > 回访时限 5; abnormally
    ((D(2026, 5, 29), "是", D(2026, 5, 12), None, None, None, None, "非正常结案"),
     "已结案（非正常），回访已超时"),
    # closed Wed 05-13: (13, 20] = 5, not more than 5
    ((D(2026, 5, 29), "是", D(2026, 5, 13), None, None, None, None, "正常"), "已结案，待回访"),
    # called back
    ((D(2026, 5, 29), "是", D(2026, 5, 8), None, None, None, D(2026, 5, 12), "正常"), "已结案"),
    # an unreadable pause date
    ((D(2026, 5, 29), "否", None, "下周", None, None, None, None), "日期无法识别"),
    # a pause that has not begun: the written deadline, today
    ((D(2026, 5, 20), "否", None, D(2026, 5, 25), None, None, None, None), "今天到期"),
]


def _columns() -> list[list[list[Any]]]:
    """The cases as the eight column ranges Excel passes (ndim=2: one row per complaint)."""
    return [[[case[i]] for case, _ in ROWS] for i in range(8)]


def test_status_knows_paused_follow_up_and_abnormal_closure() -> None:
    deadline, closed, closed_on, start, stop, ext, called, kind = _columns()
    got = cxl_status(deadline, closed, closed_on, TODAY, HOLIDAYS, None, start, stop, ext, called,
                     kind)
    assert got == [[text] for _, text in ROWS]


def test_without_the_lifecycle_ranges_the_status_is_as_before() -> None:
    deadline, closed, closed_on, *_ = _columns()
    got = [t for [t] in cxl_status(deadline, closed, closed_on, TODAY, HOLIDAYS)]
    # the written deadlines: 05-08 is 9 working days past (9 调休, 11-15, 18-20), 05-12 six
    assert got[:3] == ["逾期 9 个工作日", "逾期 6 个工作日", "逾期 9 个工作日"]
    assert got[3:6] == ["已结案"] * 3 and got[6:] == ["正常", "今天到期"]


def test_one_cell_with_an_empty_follow_up_date_awaits_the_call() -> None:
    # Excel hands an empty single cell of an ndim=2 argument over as [[None]]
    assert cxl_status(D(2026, 5, 29), "是", D(2026, 5, 13), TODAY, HOLIDAYS, None, None, None,
                      None, [[None]]) == "已结案，待回访"
    assert cxl_status(D(2026, 5, 29), "是", D(2026, 5, 13), TODAY, HOLIDAYS) == "已结案"


@pytest.mark.parametrize("function", [cxl_status, lite.cxl_status], ids=["classic", "lite"])
def test_english_and_the_lite_edition_say_the_same(function: Any) -> None:
    english = [["项目", "值"], ["语言", "en"]]
    deadline, closed, closed_on, start, stop, ext, called, kind = _columns()
    got = function(deadline, closed, closed_on, TODAY, HOLIDAYS, english, start, stop, ext, called,
                   kind)
    assert [t for [t] in got][:5] == [
        "4 working days overdue", "paused (waiting for the customer)", "due in 2 working days",
        "closed (abnormal), follow-up call overdue", "closed, awaiting follow-up call"]
