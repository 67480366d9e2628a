"""Weekly KPIs against figures computed by hand (see kpi_helpers.py for the register and the sums)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from complaint_xl.errors import UsageError
from complaint_xl.kpi import default_week, weekly
from complaint_xl.loading import Loaded
from complaint_xl.workdays import Calendar
from conftest import row
from kpi_helpers import AS_OF, ROWS, d, load_rows, without

ZERO = {"new": 0, "closed": 0, "closed_on_time": 0, "on_time_rate": None, "open": 0, "overdue": 0,
        "due_soon": 0, "median_resolution_workdays": None, "mean_resolution_workdays": None}


@pytest.fixture
def loaded(make_xlsx) -> Loaded:
    return load_rows(make_xlsx)


def run(loaded: Loaded, **kw):
    return weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of, **kw)


def test_the_calendar_the_hand_sums_rely_on():
    cal = Calendar("CN")
    days = ["2026-09-19", "2026-09-20", "2026-09-25", "2026-10-01", "2026-10-07", "2026-10-08",
            "2026-10-10", "2026-10-11"]
    assert cal.is_workday(np.array(days, dtype="datetime64[D]")).tolist() == [
        False, True, False, False, False, True, True, False]


def test_default_week_is_the_last_complete_one():
    assert default_week(dt.date(2026, 10, 12)) == (2026, 41)  # Monday: last Sunday was 10-11
    assert default_week(dt.date(2026, 10, 11)) == (2026, 40)  # Sunday: its week is not over
    assert default_week(dt.date(2026, 10, 18)) == (2026, 41)
    assert default_week(dt.date(2027, 1, 4)) == (2026, 53)  # ISO year 2026 has 53 weeks


def test_totals_of_the_holiday_week(loaded):
    report = run(loaded)
    assert report.week_label == "2026-W41"
    assert report.week_start == d("2026-10-05") and report.week_end == d("2026-10-11")
    # new R3, R7; closed R1 (Sat make-up day), R2 (Sunday), R6; R4 closed on Monday is W42.
    assert report.totals == {
        "new": 2, "closed": 3, "closed_on_time": 1, "on_time_rate": 0.3333, "open": 4,
        "overdue": 2, "due_soon": 1, "median_resolution_workdays": 4.0,
        "mean_resolution_workdays": 4.0,
    }
    assert report.aging == {"0-5": 2, "6-10": 0, "11-15": 1, ">15": 1}
    assert report.unavailable == {}


def test_sunday_closure_counts_in_its_week_monday_in_the_next(loaded):
    w42 = run(loaded, week=(2026, 42))
    assert (w42.totals["closed"], w42.totals["closed_on_time"], w42.totals["on_time_rate"]) == (1, 0, 0.0)
    # R4: (09-21, 10-12] = 22, 23, 24, 28, 29, 30, 8, 9, 10 (make-up Sat), 12
    assert w42.totals["median_resolution_workdays"] == 10.0


def test_week_with_raised_but_no_closures(loaded):
    w40 = run(loaded, week=(2026, 40))
    assert w40.totals == {"new": 2, "closed": 0, "closed_on_time": 0, "on_time_rate": None,
                          "open": 4, "overdue": 2, "due_soon": 1,
                          "median_resolution_workdays": None, "mean_resolution_workdays": None}
    assert w40.reason("on_time_rate") is None  # null by definition here, not unavailable


def test_empty_week(loaded):
    w28 = run(loaded, week=(2026, 28))
    assert {k: w28.totals[k] for k in ("new", "closed", "closed_on_time", "on_time_rate",
                                       "median_resolution_workdays")} == {
        "new": 0, "closed": 0, "closed_on_time": 0, "on_time_rate": None,
        "median_resolution_workdays": None}
    assert w28.totals["open"] == 4  # as of the run date, whatever the week
    assert w28.effect == {"closed": 0, "counts": {"有效": 0, "部分有效": 0, "无效": 0}, "blank": 0,
                          "ineffective": []}
    assert w28.repeats == []


def test_breakdowns_list_every_value_even_all_zero(loaded):
    by = run(loaded).by
    assert list(by) == ["type", "support_unit", "owner", "customer_attr", "responsible", "severity"]
    # configured order of the types that occur
    assert list(by["type"]) == ["售后", "对账", "发货", "物流", "安装", "品质"]
    assert by["type"]["安装"] == ZERO
    assert by["owner"]["杨帆"] == ZERO
    assert by["support_unit"]["其他"] == ZERO
    assert by["type"]["售后"] == {"new": 1, "closed": 1, "closed_on_time": 0, "on_time_rate": 0.0,
                                "open": 1, "overdue": 0, "due_soon": 0,
                                "median_resolution_workdays": 5.0, "mean_resolution_workdays": 5.0}
    assert by["type"]["品质"] == {"new": 1, "closed": 1, "closed_on_time": 1, "on_time_rate": 1.0,
                                "open": 2, "overdue": 1, "due_soon": 1,
                                "median_resolution_workdays": 3.0, "mean_resolution_workdays": 3.0}
    assert by["type"]["对账"] == {**ZERO, "closed": 1, "on_time_rate": 0.0}
    assert by["owner"]["张伟"] == {"new": 0, "closed": 1, "closed_on_time": 1, "on_time_rate": 1.0,
                                 "open": 2, "overdue": 2, "due_soon": 0,
                                 "median_resolution_workdays": 3.0, "mean_resolution_workdays": 3.0}
    assert by["support_unit"]["工厂"] == {**ZERO, "closed": 2, "closed_on_time": 1,
                                       "on_time_rate": 0.5, "median_resolution_workdays": 4.0,
                                       "mean_resolution_workdays": 4.0}
    assert set(by["customer_attr"]) == {"经销商", "终端客户", "工程客户", "直营店"}
    assert by["customer_attr"]["经销商"] == {"new": 1, "closed": 1, "closed_on_time": 0,
                                          "on_time_rate": 0.0, "open": 2, "overdue": 1,
                                          "due_soon": 0, "median_resolution_workdays": 5.0,
                                          "mean_resolution_workdays": 5.0}
    assert by["severity"]["重大"] == {**ZERO, "new": 1, "open": 1, "due_soon": 1}


def test_rows_with_an_empty_field_are_counted_apart(loaded):
    report = run(loaded)
    assert report.by_blank["support_unit"] == {
        "new": 2, "closed": 0, "closed_on_time": 0, "on_time_rate": None, "open": 3, "overdue": 1,
        "due_soon": 1, "median_resolution_workdays": None, "mean_resolution_workdays": None}
    assert report.by_blank["customer_attr"] == {**ZERO, "closed": 1, "on_time_rate": 0.0}
    assert "owner" not in report.by_blank


def test_trend_is_eight_weeks_oldest_first(loaded):
    trend = run(loaded).trend
    assert [t["week"] for t in trend] == [f"2026-W{w}" for w in range(34, 42)]
    assert [t["new"] for t in trend] == [0, 0, 0, 0, 1, 1, 2, 2]
    assert [t["closed"] for t in trend] == [0, 0, 0, 0, 0, 0, 0, 3]
    assert [t["on_time_rate"] for t in trend] == [None] * 7 + [0.3333]


def test_rows_without_deadline_or_closing_date(loaded):
    report = run(loaded)
    facts, frame = report.facts, report.frame
    r3 = frame.index[frame["_row"] == 4][0]
    assert frame.at[r3, "deadline"] == np.datetime64("2026-10-28")  # derived: 15th working day
    assert bool(frame.at[r3, "deadline_derived"])
    r6 = frame.index[frame["_row"] == 7][0]
    assert bool(facts.at[r6, "closed_in_week"]) and not bool(facts.at[r6, "on_time"])
    assert np.isnan(facts.at[r6, "resolution_workdays"])
    assert dict(report.notes) == {"deadline-derived": 1, "no-raised-on": 1, "closed-no-deadline": 1}


def test_row_facts_on_holiday_and_make_up_days(loaded):
    report = run(loaded)
    facts = report.facts.set_index(report.frame["_row"])
    assert facts.at[2, "resolution_workdays"] == 5  # R1 closed on the make-up Saturday
    assert (facts.at[2, "week_raised"], facts.at[2, "week_closed"]) == ("2026-W40", "2026-W41")
    assert facts.at[6, "workdays_overdue"] == 4 and facts.at[6, "age_workdays"] == 15
    assert facts.at[6, "aging_bucket"] == "11-15"
    assert facts.at[9, "workdays_overdue"] == 31 and facts.at[9, "aging_bucket"] == ">15"
    assert bool(facts.at[8, "due_soon"]) and facts.at[8, "workdays_to_deadline"] == 1


def test_most_overdue_repeats_and_effect(loaded):
    report = run(loaded)
    assert [(i["row"], i["workdays_overdue"]) for i in report.most_overdue] == [(9, 31), (6, 4)]
    assert report.most_overdue[0]["deadline"] == "2026-08-24"
    assert [(r["row"], r["previous_row"], r["days"]) for r in report.repeats] == [(4, 2, 10)]
    assert report.effect is not None
    assert {k: report.effect[k] for k in ("closed", "counts", "blank")} == {
        "closed": 3, "counts": {"有效": 1, "部分有效": 0, "无效": 1}, "blank": 1}
    assert [i["row"] for i in report.effect["ineffective"]] == [3]


def test_hard_points_name_the_weak_spots(loaded):
    points = {p.code: p for p in run(loaded).hard_points}
    assert "第9行 客户B（品质，张伟）逾期 31 个工作日" in points["most-overdue"].text("zh")
    assert "row 9 客户B (品质, 张伟) 31 working days overdue" in points["most-overdue"].text("en")
    assert "客户A 2 件" in points["top-customers"].text("zh")
    assert "本周有 1 起重复投诉" in points["repeats"].text("zh")
    assert "第3行" in points["ineffective"].text("zh")
    # one closure per owner in the window: too few to rank anyone by on-time rate
    assert "worst-owner-on-time" not in points


def test_worst_on_time_rate_needs_enough_closures(make_xlsx):
    base = dict(raised_on=d("2026-09-28"), deadline=d("2026-10-09"), closed="是")
    rows = [[*r] for r in ROWS]
    for i, (owner, day) in enumerate([("李明", "2026-10-12"), ("李明", "2026-10-13"),
                                      ("李明", "2026-10-08"), ("王芳", "2026-10-08"),
                                      ("王芳", "2026-10-09"), ("王芳", "2026-10-08")]):
        rows.append(row(seq=20 + i, customer=f"客户{i}(经销商)", owner=owner, type="发票",
                        closed_on=d(day), problem="发票抬头错误，需重开发票共3张", **base))
    report = run(load_rows(make_xlsx, rows, as_of=d("2026-10-19")))
    point = {p.code: p for p in report.hard_points}["worst-owner-on-time"]
    # window W35..W42: 李明 closed R1 late, 10-12 late, 10-13 late, 10-08 on time -> 1/4
    assert "李明 25%（1/4）" in point.text("zh")


def test_sheet_without_closing_date_column(make_xlsx):
    header, rows = without("结案日期")
    report = run(load_rows(make_xlsx, rows, header))
    for figure in ("closed", "closed_on_time", "on_time_rate", "median_resolution_workdays",
                   "mean_resolution_workdays"):
        assert report.totals[figure] is None
        assert "结案日期" in report.reason(figure, "zh")
        assert "closed on" in report.reason(figure, "en")
    assert (report.totals["new"], report.totals["open"], report.totals["overdue"]) == (2, 4, 2)
    assert all(t["closed"] is None and t["on_time_rate"] is None for t in report.trend)
    assert report.by["type"]["品质"]["closed"] is None
    assert report.effect is None and report.reason("effect") is not None
    doc = report.to_json()
    assert doc["totals"]["closed"] is None and "closed" in doc["unavailable"]
    assert "add-closed-on" in {p.code for p in report.hard_points}


def test_filters_narrow_everything_and_are_named(loaded):
    report = run(loaded, filters={"owner": " 张伟 "})
    assert report.filters == {"owner": ("张伟",)}
    assert report.rows == 3
    assert report.totals == {"new": 0, "closed": 1, "closed_on_time": 1, "on_time_rate": 1.0,
                             "open": 2, "overdue": 2, "due_soon": 0,
                             "median_resolution_workdays": 3.0, "mean_resolution_workdays": 3.0}
    assert by_owner_keys(report) == {"李明", "张伟", "王芳", "刘洋", "杨帆"}
    assert report.by["owner"]["李明"] == ZERO
    assert "跟进人员：张伟" in report.title("zh") and "Owner: 张伟" in report.title("en")
    both = run(loaded, filters={"type": ["品质", "售后"], "customer_attr": "经销商"})
    assert both.rows == 2 and both.totals["new"] == 1  # R1 and R3 (客户A, 售后)


def by_owner_keys(report) -> set[str]:
    return set(report.by["owner"])


def test_unknown_filter_value_is_a_usage_error(loaded):
    with pytest.raises(UsageError) as err:
        run(loaded, filters={"type": "售后服务"})
    assert "售后服务" in err.value.message("zh") and "--type" in err.value.message("en")


def test_to_json_is_the_contract(loaded):
    doc = run(loaded).to_json()
    assert json.loads(json.dumps(doc)) == doc  # JSON types only
    assert {"week", "as_of", "totals", "by", "aging", "trend"} <= set(doc)
    assert doc["week"] == "2026-W41" and doc["as_of"] == AS_OF.isoformat()
    assert list(doc["aging"]) == ["0-5", "6-10", "11-15", ">15"]
    assert {k for v in doc["by"].values() for figs in v.values() for k in figs} == set(doc["totals"])


def test_severity_and_responsible_breakdowns_only_where_the_sheet_has_them(make_xlsx):
    header, rows = without("严重程度")
    header, rows = without("责任方类别", rows, header)
    report = run(load_rows(make_xlsx, rows, header))
    assert list(report.by) == ["type", "support_unit", "owner", "customer_attr"]


def test_ranked_counts_break_ties_by_first_appearance() -> None:
    # The hard points name the first few: the order must not depend on the pandas version.
    import pandas as pd

    from complaint_xl.kpi.facts import ranked_counts

    counts = ranked_counts(pd.Series(["乙", "甲", None, "甲", "乙", "丙", "丁", "丁"], dtype=object))
    assert list(counts.items()) == [("乙", 2), ("甲", 2), ("丁", 2), ("丙", 1)]
