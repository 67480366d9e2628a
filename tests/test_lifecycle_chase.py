"""The chase's lifecycle lists: paused (never escalated), follow-up due, new action due; and
the overdue list on the effective deadline. Working days by hand (劳动节 2026, as of 05-20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from complaint_xl import grid
from complaint_xl.chase import chase
from complaint_xl.chase.result import ChaseResult
from lifecycle_helpers import (
    AS_OF,
    HOLIDAYS,
    LIFECYCLE,
    STAFF,
    closed,
    complaint,
    d,
    grid_values,
    read,
    write,
)

ROWS = [
    # row 2: deadline Fri 05-08, paused Thu 05-07 .. Tue 05-12 = 5 working days (调休 Sat 05-09
    #        counts, Sun 05-10 does not) -> 05-14; overdue (14, 20] = 4 > 3: level 2
    complaint(1, "客户A", raised_on=d("2026-04-29"), deadline=d("2026-05-08"),
              paused_from=d("2026-05-07"), paused_to=d("2026-05-12")),
    # row 3: waiting since Wed 05-13: 13-15, 18-20 = 6 working days; its deadline 05-12 moved
    #        to 05-20 (today): paused, not due
    complaint(2, "客户B", owner="张伟", deadline=d("2026-05-12"), paused_from=d("2026-05-13")),
    # row 4: waiting since Mon 04-27: 27-30, 6-9, 11-15, 18-20 = 16 > 10 (最长暂停); the
    #        deadline 05-08 moved 16: 9, 11-15, 18-22, 25-29 -> 05-29, (20, 29] = 7 left
    complaint(3, "客户C", raised_on=d("2026-04-24"), deadline=d("2026-05-08"),
              paused_from=d("2026-04-27")),
    # row 5: closed Fri 05-08, no call: (8, 20] = 9 > 5; due by 9, 11-14 -> 05-14, 4 late
    closed(4, "客户D", "2026-05-08", owner="张伟"),
    # row 6: closed Wed 05-13: (13, 20] = 5, not more than 5: not yet due
    closed(5, "客户E", "2026-05-13"),
    # row 7: closed Tue 05-12: (12, 20] = 6 > 5; due by 13-15, 18, 19 -> 05-19, 1 late
    closed(6, "客户F", "2026-05-12"),
    # row 8: called back
    closed(7, "客户G", "2026-05-08", owner="张伟", followup_on=d("2026-05-12")),
    # rows 9, 10: ineffective, without and with a new action
    closed(8, "客户H", "2026-05-12", effect="无效", followup_on=d("2026-05-13")),
    closed(9, "客户I", "2026-05-12", effect="无效", followup_on=d("2026-05-13"),
           new_action="更换供应商批次并复检"),
    # row 11: deadline 05-08 extended to Fri 05-22: due soon, (20, 22] = 2, not overdue
    complaint(10, "客户J", deadline=d("2026-05-08"), extended_to=d("2026-05-22"),
              customer_informed="是"),
]


@pytest.fixture
def result(tmp_path: Path) -> ChaseResult:
    loaded = read(write(tmp_path / "r.xlsx", ROWS))
    return chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)


def _pick(items: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(i[k] for k in keys) for i in items]


def test_overdue_and_due_soon_count_from_the_effective_deadline(result: ChaseResult) -> None:
    doc = result.to_json()
    assert _pick(doc["overdue"], "row", "deadline", "deadline_original", "paused_workdays",
                 "workdays_overdue", "level", "extended") == [
        (2, "2026-05-14", "2026-05-08", 5, 4, 2, False)]
    assert _pick(doc["due_soon"], "row", "deadline", "deadline_original", "workdays_left",
                 "extended") == [(11, "2026-05-22", "2026-05-08", 2, True)]


def test_paused_items_are_listed_with_their_days_and_never_escalated(result: ChaseResult) -> None:
    paused = result.to_json()["paused"]
    assert _pick(paused, "row", "owner", "paused_workdays", "pause_too_long", "paused_from",
                 "paused_to", "deadline", "workdays_left", "level", "workdays_overdue") == [
        (4, "李明", 16, True, "2026-04-27", None, "2026-05-29", 7, 0, 0),
        (3, "张伟", 6, False, "2026-05-13", None, "2026-05-20", 0, 0, 0),
    ]
    assert {i["row"] for i in result.to_json()["overdue"]} == {2}  # rows 3, 4 are not there


def test_follow_ups_and_new_actions_due(result: ChaseResult) -> None:
    doc = result.to_json()
    assert _pick(doc["followup_due"], "row", "owner", "closed_on", "followup_deadline",
                 "workdays_since_closed", "workdays_late") == [
        (5, "张伟", "2026-05-08", "2026-05-14", 9, 4),
        (7, "李明", "2026-05-12", "2026-05-19", 6, 1),
    ]
    assert _pick(doc["new_action_due"], "row", "owner", "closed_on", "effect") == [
        (9, "李明", "2026-05-12", "无效")]
    # the same item keys as an overdue item, then the list's own
    assert list(doc["new_action_due"][0])[:len(doc["overdue"][0])] == list(doc["overdue"][0])


def test_each_owner_gets_their_own_lists(result: ChaseResult) -> None:
    zhang = result.lifecycle("张伟")
    assert [zhang[k]["row"].tolist() for k in ("paused", "followup_due", "new_action_due")] == [
        [3], [5], []]
    by_owner = result.lifecycle_by_owner()
    assert by_owner[["owner", "superior", "paused", "pause_too_long", "followup_due",
                     "new_action_due"]].values.tolist() == [
        ["李明", "周强", 1, 1, 1, 1], ["张伟", "周强", 1, 0, 1, 0]]


def test_the_grid_api_gives_the_same_lists(result: ChaseResult) -> None:
    doc = grid.chase(grid_values(ROWS), today=AS_OF, settings={"节假日": HOLIDAYS, "人员": STAFF},
                     sheet="登记表")
    ours = result.to_json()
    for key in ("overdue", "due_soon", "paused", "followup_due", "new_action_due"):
        assert doc[key] == ours[key], key


def test_without_the_columns_the_lists_are_empty_and_nothing_moves(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k not in LIFECYCLE} for r in ROWS]
    loaded = read(write(tmp_path / "r.xlsx", rows, drop=LIFECYCLE))
    doc = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of).to_json()
    assert doc["paused"] == doc["followup_due"] == doc["new_action_due"] == []
    # rows 2, 3, 4 and 11 by their written deadlines: 05-08 -> 9 working days, 05-12 -> 6
    assert _pick(doc["overdue"], "row", "workdays_overdue", "paused_workdays", "extended") == [
        (2, 9, 0, False), (4, 9, 0, False), (11, 9, 0, False), (3, 6, 0, False)]
