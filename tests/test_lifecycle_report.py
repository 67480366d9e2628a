"""The weekly report's lifecycle figures, key-account breakdown and hard points, by hand.

Week 2026-W20 (Mon 05-11 .. Sun 05-17) as of Wed 05-20; calendar of lifecycle_helpers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from complaint_xl import grid
from complaint_xl.kpi import WeeklyKpis, weekly
from complaint_xl.kpi.lifecycle import LIFECYCLE_FIGURES
from lifecycle_helpers import (
    AS_OF,
    HOLIDAYS,
    LIFECYCLE,
    STAFF,
    WEEK_ROWS,
    grid_values,
    read,
    write,
)

SETTINGS = [["大客户时限(工作日)", 5]]
ROWS = WEEK_ROWS


def _kpis(tmp_path: Path, rows: list[dict[str, Any]] = ROWS, drop: tuple[str, ...] = (),
          lang: str | None = None) -> WeeklyKpis:
    loaded = read(write(tmp_path / "r.xlsx", rows, drop=drop, settings=SETTINGS), lang=lang)
    return weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)


def test_totals_by_hand(tmp_path: Path) -> None:
    doc = _kpis(tmp_path).to_json()
    assert doc["week"] == "2026-W20"
    assert doc["totals"] == {
        "new": 4, "closed": 3, "closed_on_time": 2, "on_time_rate": 0.6667, "open": 4,
        "overdue": 0, "due_soon": 1, "median_resolution_workdays": 7.0,
        "mean_resolution_workdays": 8.33,
        "accepted": 3, "accepted_on_time": 2, "acceptance_rate": 0.6667, "abnormal_closed": 1,
        "followed_up": 2, "satisfied": 1, "satisfaction_rate": 0.5, "extended": 1,
    }
    # one owner, one type: their figures are the totals
    assert doc["by"]["owner"]["李明"] == doc["by"]["type"]["品质"] == doc["totals"]


def test_the_key_account_breakdown(tmp_path: Path) -> None:
    by = _kpis(tmp_path).to_json()["by"]["key_account"]
    assert list(by) == ["大客户", "其他客户"]
    assert by["大客户"] == {
        "new": 1, "closed": 0, "closed_on_time": 0, "on_time_rate": None, "open": 1,
        "overdue": 0, "due_soon": 1, "median_resolution_workdays": None,
        "mean_resolution_workdays": None, "accepted": 1, "accepted_on_time": 1,
        "acceptance_rate": 1.0, "abnormal_closed": 0, "followed_up": 0, "satisfied": 0,
        "satisfaction_rate": None, "extended": 0,
    }
    others = by["其他客户"]
    assert (others["new"], others["closed_on_time"], others["accepted_on_time"],
            others["acceptance_rate"], others["satisfaction_rate"]) == (3, 2, 1, 0.5, 0.5)
    english = _kpis(tmp_path, lang="en").to_json()["by"]["key_account"]
    assert list(english) == ["Key accounts", "Other customers"]


def test_the_hard_points_in_words(tmp_path: Path) -> None:
    points = {p["code"]: p["text"] for p in _kpis(tmp_path).to_json()["hard_points"]}
    assert points["not-accepted"] == "1 件投诉提出已超过 1 个工作日仍未受理：第4行 客户C。"
    assert points["followup-due"] == "1 件结案超过 5 个工作日未回访：第8行 客户G。"
    assert points["dissatisfied"] == "本周回访不满意 1 件：客户E。"
    assert points["abnormal"] == (
        "本周非正常结案 1 件：客户F（原因：客户要求赔偿超出合同约定；批准人：孙建国）。")
    english = {p.code: p.text("en") for p in _kpis(tmp_path, lang="en").hard_points}
    assert english["followup-due"] == (
        "No follow-up call more than 5 working days after closing, 1: row 8 客户G.")


def test_without_the_columns_the_figures_are_null_and_the_old_ones_unchanged(tmp_path: Path
                                                                              ) -> None:
    rows = [{k: v for k, v in r.items() if k not in LIFECYCLE} for r in ROWS]
    kpis = _kpis(tmp_path, rows, drop=LIFECYCLE)
    doc = kpis.to_json()
    assert {f: doc["totals"][f] for f in LIFECYCLE_FIGURES} == dict.fromkeys(LIFECYCLE_FIGURES)
    # by the written deadline (05-08) both closures of 05-12 and 05-15 are late now
    assert (doc["totals"]["closed"], doc["totals"]["closed_on_time"]) == (3, 0)
    assert doc["unavailable"]["acceptance_rate"] == "登记表没有“受理日期”列，无法统计受理数和按时受理率"
    assert set(doc["unavailable"]) == set(LIFECYCLE_FIGURES)
    # what the workbook, the page and the mail read has nothing new
    assert not set(LIFECYCLE_FIGURES) & set(kpis.totals)
    assert "key_account" not in kpis.by and kpis.unavailable == {}
    assert not {"not-accepted", "followup-due", "dissatisfied", "abnormal"} & {
        p.code for p in kpis.hard_points}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_grid_api_gives_the_same_report(tmp_path: Path, lang: str) -> None:
    doc = grid.report(grid_values(ROWS), today=AS_OF, lang=lang, sheet="登记表", settings={
        "节假日": HOLIDAYS, "人员": STAFF, "设置": [["项目", "值"], *SETTINGS]})
    ours = _kpis(tmp_path, lang=lang).to_json()
    for key in ("totals", "by", "by_blank", "unavailable", "hard_points"):
        assert doc[key] == ours[key], key
