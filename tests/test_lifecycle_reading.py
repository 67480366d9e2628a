"""The lifecycle's columns read like the others: synonyms, flexible dates, normalised values,
settings — and a register without them reads as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from complaint_xl.register.header import find_header
from complaint_xl.register.schema import (
    FIELDS,
    LIFECYCLE_FIELDS,
    closure_kind,
    informed_flag,
    satisfaction_level,
)
from complaint_xl.settings import INT_RANGES, Settings, read_settings
from conftest import write_xlsx
from lifecycle_helpers import LIFECYCLE, complaint, d, grid_values, read, write


@pytest.mark.parametrize(("header", "field"), [
    ("受理日期", "accepted_on"), ("受理时间", "accepted_on"), ("Accepted on", "accepted_on"),
    ("暂停开始", "paused_from"), ("暂停（开始）", "paused_from"), ("等待客户开始", "paused_from"),
    ("暂停结束", "paused_to"), ("等待客户结束", "paused_to"), ("Paused to", "paused_to"),
    ("延期至", "extended_to"), ("延期期限", "extended_to"),
    ("已告知客户", "customer_informed"), ("是否告知客户", "customer_informed"),
    ("结案方式", "closure_kind"), ("结案类型", "closure_kind"),
    ("非正常结案原因", "abnormal_reason"), ("批准人", "approved_by"), ("审批人", "approved_by"),
    ("回访日期", "followup_on"), ("回访时间", "followup_on"), ("Follow-up date", "followup_on"),
    ("满意度", "satisfaction"), ("客户满意度", "satisfaction"),
    ("新措施", "new_action"), ("新纠正措施", "new_action"), ("纠正措施", "new_action"),
])
def test_each_lifecycle_header_is_known_by_its_synonyms(header: str, field: str) -> None:
    match = find_header([["序号", "客户", "投诉项目", "提出日期", header]])
    assert match is not None and match.fields.get(field) == 4


def test_acceptance_is_not_the_raised_date() -> None:
    match = find_header([["客户", "投诉项目", "提出日期", "受理日期", "解决期限"]])
    assert match is not None
    assert (match.fields["raised_on"], match.fields["accepted_on"]) == (2, 3)


def test_the_template_s_fields_are_unchanged_and_the_lifecycle_s_have_headers_in_both_languages(
) -> None:
    assert [f.name for f in FIELDS][-3:] == ["closed", "closed_on", "severity"]
    assert tuple(f.name for f in LIFECYCLE_FIELDS) == LIFECYCLE
    assert [f.header("zh") for f in LIFECYCLE_FIELDS] == [
        "受理日期", "暂停开始", "暂停结束", "延期至", "已告知客户", "结案方式", "非正常结案原因",
        "批准人", "回访日期", "满意度", "新措施"]
    assert LIFECYCLE_FIELDS[0].header("en") == "Accepted on"


@pytest.mark.parametrize(("typed", "kept"), [
    ("满意", "满意"), ("非常满意", "满意"), ("很满意", "满意"), ("Satisfied", "满意"),
    ("基本满意", "基本满意"), ("一般", "基本满意"), ("还行", "基本满意"), ("比较满意", "基本满意"),
    ("不满意", "不满意"), ("很不满意", "不满意"), ("不太满意", "不满意"), ("dissatisfied", "不满意"),
    ("还凑合吧", None), ("5", None),
])
def test_satisfaction_is_normalised(typed: str, kept: str | None) -> None:
    assert satisfaction_level(typed) == kept


def test_closure_kind_and_informed_are_read() -> None:
    assert [closure_kind(t) for t in ("正常", "正常结案", "非正常", "非正常结案", "异常结案",
                                      "Abnormal", "撤诉")] == [
        "正常", "正常", "非正常", "非正常", "非正常", "非正常", None]
    assert [informed_flag(t) for t in ("是", "已告知", "Yes", "2026-05-08", "否", "未告知", "")] == [
        True, True, True, True, False, False, False]


def test_a_register_with_the_columns_reads_them(tmp_path: Path) -> None:
    rows = [
        complaint(1, "客户A", accepted_on="2026.5.7", paused_from=d("2026-05-07"),
                  paused_to=46154,  # an Excel serial number: 2026-05-12
                  extended_to="2026年6月5日", customer_informed="已告知", satisfaction="非常满意",
                  closure_kind="异常结案", abnormal_reason="  诉求超出合同约定 ", approved_by="孙建国",
                  followup_on=d("2026-05-15"), new_action="更换供应商批次"),
        complaint(2, "客户B", satisfaction="还凑合吧", closure_kind="撤诉", customer_informed="否"),
    ]
    loaded = read(write(tmp_path / "r.xlsx", rows))
    frame = loaded.register.frame
    assert set(LIFECYCLE) <= loaded.register.present
    first = frame.iloc[0]
    assert [first[f].date() for f in ("accepted_on", "paused_from", "paused_to", "extended_to",
                                     "followup_on")] == [
        d("2026-05-07"), d("2026-05-07"), d("2026-05-12"), d("2026-06-05"), d("2026-05-15")]
    # how each date was typed is noted, as for the template's dates
    assert (first["accepted_on__note"], first["paused_to__note"]) == ("text", "serial")
    assert frame["satisfaction"].tolist() == ["满意", "还凑合吧"]  # unknown kept as typed
    assert frame["closure_kind"].tolist() == ["非正常", "撤诉"]
    assert frame["is_abnormal"].tolist() == [True, False]
    assert frame["is_informed"].tolist() == [True, False]
    assert first["abnormal_reason"] == "诉求超出合同约定"
    assert first["new_action"] == "更换供应商批次"


def test_a_register_without_the_columns_has_them_empty(tmp_path: Path) -> None:
    loaded = read(write(tmp_path / "r.xlsx", [complaint(1, "客户A")], drop=LIFECYCLE))
    frame = loaded.register.frame
    assert not set(LIFECYCLE) & loaded.register.present
    assert frame[["accepted_on", "paused_from", "followup_on"]].isna().all().all()
    assert frame[["satisfaction", "closure_kind", "new_action"]].isna().all().all()
    assert not frame["is_abnormal"].any() and not frame["is_informed"].any()


def test_the_lifecycle_settings_are_read_with_their_ranges() -> None:
    defaults = Settings()
    assert (defaults.accept_days, defaults.pause_max_days, defaults.extension_max_days,
            defaults.followup_days, defaults.sla_key_account_days) == (1, 10, 15, 5, None)
    team = read_settings({"设置": [["项目", "值"], ["受理时限(工作日)", 2], ["最长暂停(工作日)", 7],
                                   ["最长延期", "20"], ["回访时限(工作日)", 3],
                                   ["大客户时限(工作日)", 5]]})
    assert (team.accept_days, team.pause_max_days, team.extension_max_days, team.followup_days,
            team.sla_key_account_days) == (2, 7, 20, 3, 5)
    english = read_settings({"Settings": [["Setting", "Value"], ["Accept days", 0],
                                          ["Key account SLA days", ""]]})
    assert (english.accept_days, english.sla_key_account_days) == (0, None)
    bad = read_settings({"设置": [["项目", "值"], ["最长暂停(工作日)", 0], ["大客户时限(工作日)", "很快"]]})
    assert (bad.pause_max_days, bad.sla_key_account_days) == (10, None)
    said = [p.message("zh") for p in bad.problems]
    assert said == ["“最长暂停(工作日)”应为 1 到 365 之间的整数，已按默认值 10 处理",
                    "“大客户时限(工作日)”应为 1 到 365 之间的整数（或留空），已按留空处理"]
    assert INT_RANGES["accept_days"] == (0, 30)


def test_the_mapping_sheet_names_a_lifecycle_column(tmp_path: Path) -> None:
    values = grid_values([complaint(1, "客户A")], drop=LIFECYCLE)
    values[0].append("电话回访日")  # no synonym of 回访日期: the 列映射 sheet names it
    values[1].append(d("2026-05-15"))
    path = write_xlsx(tmp_path / "mapped.xlsx", {
        "登记表": values, "列映射": [["字段", "表头"], ["回访日期", "电话回访日"]]})
    loaded = read(path)
    assert "followup_on" in loaded.register.present
    assert loaded.register.frame["followup_on"].tolist() == [pd.Timestamp("2026-05-15")]
    assert np.isnat(loaded.register.frame["accepted_on"].to_numpy()).all()
