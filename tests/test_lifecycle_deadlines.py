"""The effective deadline: pauses counted in working days (劳动节 2026 and its 调休 Saturday),
extensions, the key accounts' SLA; a paused row neither overdue nor due soon.

Every count below is by hand on the calendar of lifecycle_helpers' docstring.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from complaint_xl.deadlines import (
    deadline_status,
    effective_deadlines,
    moved_deadlines,
    moved_phrase,
    moved_texts,
)
from complaint_xl.kpi.facts import row_facts
from complaint_xl.kpi.weeks import to_week
from complaint_xl.loading import Loaded
from lifecycle_helpers import AS_OF, LIFECYCLE, complaint, d, read, write

ROWS = [
    # 1: a pause over the weekend and the 调休 Saturday: Thu 05-07 .. Tue 05-12 is 7, 8, 9
    #    (Sat, make-up), 11, 12 = 5 working days (Sun 05-10 off). The deadline Fri 05-08 moves
    #    5 working days: 9, 11, 12, 13, 14 -> Thu 05-14; as of Wed 05-20 overdue by (14, 20] =
    #    15, 18, 19, 20 = 4 working days (9 without the pause).
    complaint(1, "客户A", raised_on=d("2026-04-29"), deadline=d("2026-05-08"),
              paused_from=d("2026-05-07"), paused_to=d("2026-05-12")),
    # 2: an open pause since Wed 05-13: through today 13, 14, 15, 18, 19, 20 = 6 working days;
    #    the deadline Tue 05-12 moves to 13, 14, 15, 18, 19, 20 -> 05-20; paused now.
    complaint(2, "客户B", deadline=d("2026-05-12"), paused_from=d("2026-05-13")),
    # 3: extended to Fri 05-22: due in (20, 22] = 2 working days (overdue without it).
    complaint(3, "客户C", raised_on=d("2026-04-28"), deadline=d("2026-05-08"),
              extended_to=d("2026-05-22"), customer_informed="是"),
    # 4: paused and extended: the extension's date is the deadline.
    complaint(4, "客户D", deadline=d("2026-05-08"), paused_from=d("2026-05-07"),
              paused_to=d("2026-05-08"), extended_to=d("2026-06-05")),
    # 5: paused_to before paused_from: no pause counts.
    complaint(5, "客户E", deadline=d("2026-05-08"), paused_from=d("2026-05-12"),
              paused_to=d("2026-05-11")),
    # 6: closed on Mon 05-11 with a pause left open since Fri 05-08: counted through the
    #    closing day, 8, 9, 11 = 3; deadline Fri 05-08 -> 9, 11, 12 = 05-12: closed on time.
    complaint(6, "客户F", deadline=d("2026-05-08"), paused_from=d("2026-05-08"), closed="是",
              closed_on=d("2026-05-11")),
    # 7: a pause planned to start tomorrow does not count yet.
    complaint(7, "客户G", deadline=d("2026-05-19"), paused_from=d("2026-05-21")),
    # 8: a key account (attribute 大客户) without a deadline: derived from the SLA.
    complaint(8, "客户H(大客户)", raised_on=d("2026-05-15"), deadline=None),
    # 9: another customer without a deadline.
    complaint(9, "客户I(经销商)", raised_on=d("2026-05-15"), deadline=None),
]


@pytest.fixture
def loaded(tmp_path: Path) -> Loaded:
    return read(write(tmp_path / "r.xlsx", ROWS, settings=[["大客户时限(工作日)", 5]]))


def _days(values: np.ndarray) -> list[str | None]:
    return [None if np.isnat(v) else str(v) for v in values.astype("datetime64[D]")]


def test_effective_deadlines_by_hand(loaded: Loaded) -> None:
    eff = effective_deadlines(loaded.register.frame, loaded.settings, loaded.calendar, AS_OF)
    assert eff.paused_workdays.tolist() == [5, 6, 0, 2, 0, 3, 0, 0, 0]
    assert _days(eff.deadline) == [
        "2026-05-14", "2026-05-20", "2026-05-22", "2026-06-05", "2026-05-08", "2026-05-12",
        "2026-05-19",
        # key account: 5 working days after Fri 05-15 -> 18, 19, 20, 21, 22; the other 15
        # -> 18-22, 25-29, June 1-5 = 06-05
        "2026-05-22", "2026-06-05"]
    assert _days(eff.original)[:3] == ["2026-05-08", "2026-05-12", "2026-05-08"]
    assert eff.paused_now.tolist() == [False, True, False, False, False, False, False, False, False]
    assert eff.extended.tolist() == [False, False, True, True, False, False, False, False, False]
    assert eff.key_account.tolist() == [False] * 7 + [True, False]
    assert eff.sla.tolist() == [15] * 7 + [5, 15]
    assert eff.moved.tolist() == [True, True, True, True, False, True, False, False, False]


def test_the_overdue_rule_follows_the_effective_deadline(loaded: Loaded) -> None:
    frame = loaded.register.frame
    eff = effective_deadlines(frame, loaded.settings, loaded.calendar, AS_OF)
    status = deadline_status(eff.deadline, frame["is_closed"], AS_OF, loaded.calendar, 2,
                             paused=eff.paused_now)
    assert status.overdue.tolist() == [True, False, False, False, True, False, True, False, False]
    assert status.workdays_overdue[0] == 4  # 9 by the written deadline
    # paused now (row 2): its deadline is today, yet it is neither due nor overdue
    assert not status.due_soon[1] and np.isnan(status.workdays_to_deadline[1])
    assert status.due_soon.tolist() == [False, False, True, False, False, False, False, True, False]
    assert status.workdays_left[2] == 2


def test_the_report_counts_on_time_against_the_effective_deadline(loaded: Loaded) -> None:
    facts = row_facts(loaded.register.frame, loaded.calendar, AS_OF, to_week(None, AS_OF), 2,
                      settings=loaded.settings, present=loaded.register.present)
    assert bool(facts.loc[5, "on_time"])  # closed 05-11, written deadline 05-08, paused 3 days
    assert facts["overdue"].tolist() == [True, False, False, False, True, False, True, False, False]
    assert facts["paused_now"].tolist()[1] and facts["paused_workdays"].tolist()[1] == 6


def test_cells_without_a_register_move_the_same_way(loaded: Loaded) -> None:
    # what cxl_status has: a row's cells, as Excel hands them over
    eff = moved_deadlines([dt.datetime(2026, 5, 8), dt.datetime(2026, 5, 12)], [False, False],
                          [None, None], [dt.datetime(2026, 5, 7), dt.datetime(2026, 5, 13)],
                          [dt.datetime(2026, 5, 12), None], [None, None], loaded.calendar, AS_OF)
    assert _days(eff.deadline) == ["2026-05-14", "2026-05-20"]
    assert eff.paused_workdays.tolist() == [5, 6] and eff.paused_now.tolist() == [False, True]


def test_without_the_lifecycle_nothing_moves(tmp_path: Path) -> None:
    rows = [complaint(1, "客户A(大客户)", deadline=d("2026-05-08")),
            complaint(2, "客户B(大客户)", raised_on=d("2026-05-15"), deadline=None)]
    loaded = read(write(tmp_path / "r.xlsx", rows, drop=LIFECYCLE))  # and no key-account SLA
    frame = loaded.register.frame
    eff = effective_deadlines(frame, loaded.settings, loaded.calendar, AS_OF)
    assert _days(eff.deadline) == _days(frame["deadline"].to_numpy()) == [
        "2026-05-08", "2026-06-05"]
    assert not eff.moved.any() and not eff.paused_now.any()


def test_why_a_deadline_moved_in_words() -> None:
    assert moved_phrase(5).say("zh") == "暂停 5 个工作日"
    assert moved_phrase(1).say("en") == "paused 1 working day"
    assert moved_phrase(5, dt.date(2026, 12, 31)).say("zh") == "延期至 12-31"
    assert moved_phrase(0, dt.date(2026, 12, 31)).say("en") == "extended to 31 Dec"
    assert moved_phrase(0) is None
    assert moved_phrase(5, None, dt.date(2026, 5, 8)).say("zh") == "暂停 5 个工作日（原期限 2026-05-08）"
    texts = moved_texts([5, 0, 0, 2], [False, True, False, False],
                        pd.to_datetime(["2026-05-14", "2026-06-05", "2026-05-08", "2026-05-12"]),
                        "en")
    assert texts.tolist() == ["paused 5 working days", "extended to 05 Jun", None,
                              "paused 2 working days"]
