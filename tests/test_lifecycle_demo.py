"""The demo register shows every lifecycle case (so the demo shows each feature), from a seed;
and the findings workbook names the lifecycle's findings by their titles."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from complaint_xl.chase import chase
from complaint_xl.checks import CATALOGUE, check_register
from complaint_xl.demo import write_demo_register
from complaint_xl.kpi import weekly
from complaint_xl.loading import Loaded, load
from complaint_xl.outputs.findings_xlsx import write_findings_xlsx
from complaint_xl.register.schema import LIFECYCLE_FIELDS
from complaint_xl.sample import make_register
from complaint_xl.workdays import CalendarWarning

TODAY = dt.date(2026, 11, 27)
CODES = ("accepted-late", "not-accepted", "pause-too-long", "extension-not-informed",
         "extension-too-long", "abnormal-closure-incomplete", "dissatisfied")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    path = write_demo_register(tmp_path_factory.mktemp("demo") / "demo.xlsx", today=TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarWarning)
        return load(path, as_of=TODAY)


def test_the_demo_register_has_every_lifecycle_column(loaded: Loaded) -> None:
    assert {f.name for f in LIFECYCLE_FIELDS} <= loaded.register.present
    frame = loaded.register.frame
    assert set(frame["satisfaction"].dropna()) == {"满意", "基本满意", "不满意"}  # 非常满意 read as 满意
    assert set(frame["closure_kind"].dropna()) == {"正常", "非正常"}
    ineffective = frame["is_closed"] & frame["effect"].eq("无效")
    assert frame.loc[ineffective, "new_action"].notna().any()
    assert frame.loc[ineffective, "new_action"].isna().any()


def test_the_demo_shows_each_finding_list_and_figure(loaded: Loaded) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarWarning)
        found = check_register(loaded.register, loaded.settings, TODAY, loaded.calendar)
        result = chase(loaded.register, loaded.settings, loaded.calendar, TODAY)
        kpis = weekly(loaded.register, loaded.settings, loaded.calendar, TODAY)
    codes = set(found.table["code"])
    assert set(CODES) <= codes, set(CODES) - codes
    # one open pause within 最长暂停 and one beyond it; follow-ups and new actions due
    assert sorted(result.paused["pause_too_long"].tolist()) == [False, True]
    assert len(result.followup_due) and len(result.new_action_due)
    # the report week (2026-W47) has a late acceptance, an abnormal closure, an extension, and a
    # dissatisfied customer among its follow-up calls
    totals = kpis.to_json()["totals"]
    assert totals["accepted"] > totals["accepted_on_time"]
    assert totals["abnormal_closed"] >= 1 and totals["extended"] >= 1
    assert 0 < totals["satisfaction_rate"] < 1
    assert {p.code for p in kpis.hard_points} >= {"not-accepted", "pause-too-long", "followup-due",
                                                  "dissatisfied", "abnormal"}


def test_the_demo_register_is_the_same_every_time() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarWarning)
        one = make_register(120, as_of=TODAY, seed=3, lifecycle=True)
        two = make_register(120, as_of=TODAY, seed=3, lifecycle=True)
        plain = make_register(120, as_of=TODAY, seed=3)
    pd.testing.assert_frame_equal(one, two)
    # the lifecycle's own random stream: every other column as without it
    pd.testing.assert_frame_equal(one[plain.columns], plain)


def test_the_findings_workbook_names_the_lifecycle_findings(loaded: Loaded, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarWarning)
        found = check_register(loaded.register, loaded.settings, TODAY, loaded.calendar)
    path = write_findings_xlsx(found, tmp_path / "findings.xlsx")
    wb = openpyxl.load_workbook(path)
    titles = {CATALOGUE[c].title("zh") for c in CODES}
    by_owner = [c.value for c in wb.worksheets[2][1]]
    assert titles <= set(by_owner), titles - set(by_owner)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    incomplete = [r for r in rows if "abnormal-closure-incomplete" in r]
    assert len(incomplete) == 1 and "批准人" in incomplete[0]
    assert np.isin(list(CODES), [r[6] for r in rows]).all()
