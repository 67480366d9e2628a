"""The chase figures: overdue, working days overdue, levels, due soon, order, key accounts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from chase_helpers import AS_OF, load_register, row, write_register
from complaint_xl.chase import chase
from complaint_xl.outputs.chase import write_chase


@pytest.fixture(scope="module")
def holiday_register(tmp_path_factory: pytest.TempPathFactory):
    """Deadlines around 国庆 2026; the expected working days are counted by hand below."""
    rows = [
        row(1, "2026-10-09"),                      # 10-10(make-up), 10-12 -> 2
        row(2, "2026-10-08"),                      # 10-09, 10-10, 10-12 -> 3, still level 1
        row(3, "2026-09-30"),                      # 10-08, 09, 10, 12 (holiday week skipped) -> 4
        row(4, "2026-09-21"),                      # 09-22..24, 28..30, 10-08..10, 12 -> 10
        row(5, "2026-09-20"),                      # the make-up Sunday itself; 09-21 on -> 11
        row(6, "2026-10-09", severity="重大"),      # 2 -> level 1 + 1
        row(7, "2026-09-30", severity="重大"),      # 4 -> level 2 + 1
        row(8, "2026-09-20", severity="重大", customer="长沙恒达建材有限公司"),  # 11 -> 3, capped
        row(9, "2026-10-11"),                      # a Sunday: only 10-12 -> 1
        row(10, "2026-10-12"),                     # due today: due soon, 0 left
        row(11, "2026-10-14"),                     # 10-13, 10-14 -> due in 2: due soon
        row(12, "2026-10-15"),                     # 3 away: not yet
        row(13, "2026-09-20", closed="是"),         # closed by the flag
        row(14, "2026-09-20", closed_on="2026-10-09"),  # closed by the closing date
        row(15, "2026-10-07"),                     # deadline on a holiday: 10-08..10, 12 -> 4
        row(16, "2026-10-10"),                     # the make-up Saturday: 10-12 -> 1
    ]
    lists = [["大客户"], ["长沙恒达建材有限公司"]]
    path = write_register(tmp_path_factory.mktemp("reg") / "登记.xlsx", rows, lists=lists)
    return load_register(path)


def by_seq(frame) -> dict[int, tuple[int, int]]:
    return {int(s): (int(d), int(lv)) for s, d, lv in
            zip(frame["seq"], frame["workdays_overdue"], frame["level"], strict=True)}


def test_overdue_working_days_and_levels_around_the_national_day_week(holiday_register):
    loaded = holiday_register
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    assert by_seq(result.overdue) == {
        1: (2, 1), 2: (3, 1), 3: (4, 2), 4: (10, 2), 5: (11, 3),
        6: (2, 2), 7: (4, 3), 8: (11, 3), 9: (1, 1), 15: (4, 2), 16: (1, 1),
    }


def test_the_calendar_agrees_with_the_hand_count(holiday_register):
    # Naive calendar days would give 12 for row 3; the working-day count is 4.
    cal = holiday_register.calendar
    days = np.array(["2026-09-30", "2026-09-20"], dtype="datetime64[D]")
    assert cal.count(days, np.datetime64(AS_OF)).tolist() == [4.0, 11.0]


def test_due_soon_boundaries_and_closed_rows(holiday_register):
    loaded = holiday_register
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    soon = result.due_soon
    assert soon["seq"].tolist() == [10, 11]
    assert soon["workdays_left"].tolist() == [0, 2]
    assert soon["level"].tolist() == [0, 0]
    every = set(result.items["seq"])
    assert not every & {12, 13, 14}


def test_due_soon_counts_working_days_across_the_holiday(tmp_path):
    rows = [row(1, "2026-10-09"), row(2, "2026-10-10"), row(3, "2026-09-30"),
            row(4, "2026-10-07")]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows), as_of=dt.date(2026, 9, 30))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    # 10-09 is nine calendar days away but only two working days (10-08, 10-09): due soon.
    assert dict(zip(result.due_soon["seq"], result.due_soon["workdays_left"], strict=True)) == {
        3: 0, 4: 0, 1: 2}
    assert len(result.overdue) == 0


def test_most_overdue_first_then_level_then_key_account(holiday_register):
    loaded = holiday_register
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    # 11 days: row 8 (key account, major) before row 5; 4 days: level 3 (7) before level 2.
    assert result.overdue["seq"].tolist() == [8, 5, 4, 7, 3, 15, 2, 6, 1, 9, 16]
    assert result.items["status"].tolist() == ["overdue"] * 11 + ["due_soon"] * 2
    key = dict(zip(result.items["seq"], result.items["key_account"], strict=True))
    assert key[8] and not key[5]


def test_thresholds_come_from_the_settings(tmp_path):
    rows = [row(1, "2026-10-09"), row(2, "2026-10-08"), row(3, "2026-10-14")]
    settings = [["项目", "值"], ["二级升级", 1], ["三级升级", 2], ["到期提醒", 3]]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows, settings=settings))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    assert by_seq(result.overdue) == {1: (2, 2), 2: (3, 3)}
    assert result.due_soon["seq"].tolist() == [3]


def test_json_contract(holiday_register):
    loaded = holiday_register
    doc = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of).to_json()
    assert doc["as_of"] == "2026-10-12"
    assert doc["drafts"] == []
    first = doc["overdue"][0]
    assert {k: first[k] for k in ("row", "seq", "owner", "customer", "type", "deadline",
                                  "workdays_overdue", "level")} == {
        "row": 9, "seq": 8, "owner": "李明", "customer": "长沙恒达建材有限公司", "type": "品质",
        "deadline": "2026-09-20", "workdays_overdue": 11, "level": 3}
    assert first["key_account"] is True and first["severity"] == "重大"
    assert [d["seq"] for d in doc["due_soon"]] == [10, 11]
    assert all(type(d["row"]) is int and type(d["level"]) is int for d in doc["overdue"])


def test_a_register_with_nothing_to_chase(tmp_path):
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-12-01"),
                                                                  row(2, "2026-09-01", closed="是")]))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    assert result.items.empty
    assert result.to_json()["overdue"] == [] and result.by_owner().empty
    outputs = write_chase(result, loaded.settings, tmp_path / "out")
    assert outputs.drafts == [] and outputs.workbook.is_file()
