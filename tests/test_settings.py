"""Settings read from the workbook's own sheets, with defaults and named problems."""

from __future__ import annotations

import datetime as dt

from tests.conftest import AS_OF, row

from complaint_xl import load, read_settings
from complaint_xl.settings import Settings

REGISTER = [row(customer="甲公司(经销商)", type="售后", problem="A3 型号开裂 3 张", owner="李明",
                raised_on=dt.date(2026, 11, 2))]


def test_defaults_when_the_workbook_has_no_settings() -> None:
    s = read_settings({})
    assert (s.sla_days, s.sla_major_days, s.due_soon_days) == (15, 5, 2)
    assert (s.escalate_level2_after, s.escalate_level3_after) == (3, 10)
    assert s.types[:3] == ("培训", "申请", "售后") and len(s.types) == 12
    assert s.support_units == ("销售", "财务", "内务", "工厂", "其他")
    assert (s.lang, s.country, s.date_order) == ("zh", "CN", "ymd")
    assert s.problems == []


def test_every_settings_sheet_is_read(make_xlsx) -> None:
    sheets = {
        "设置": [["项目", "值", "说明"], ["默认时限(工作日)", 12, ""], ["重大投诉时限(工作日)", 3, ""],
                 ["到期提醒(工作日)", 4, ""], ["二级升级", 2, ""], ["三级升级", 8, ""],
                 ["日期顺序", "dmy", ""], ["问题点最短字数", 6, ""], ["笼统用语", "问题多；不满意", ""],
                 ["经理", "孙建国", ""], ["周报收件人", "a@example.com; b@example.com", ""],
                 ["语言", "英文", ""], ["国家", "cn", ""], ["发件人", "asst@example.com", ""]],
        "人员": [["姓名", "邮箱", "上级", "角色", "负责支援单位"],
                 ["李明", "li@example.com", "周强", "销售", ""],
                 ["周强", "zhou@example.com", "孙建国", "主管", "销售"]],
        "列表": [["投诉项目", "时限(工作日)", "支援单位", "效果评估", "严重程度", "大客户"],
                 ["售后", 10, "工厂", "有效", "一般", "成都锦城"],
                 ["退货", None, "仓库", "无效", "重大", None]],
        "节假日": [["日期", "类型", "说明"], [dt.date(2026, 12, 31), "休息", "年会"],
                   ["2027-01-02", "上班", "补班"]],
        "规则": [["代码", "启用", "级别"], ["vague-problem", "否", ""], ["contact-invalid", "是", "错误"]],
    }
    loaded = load(make_xlsx(REGISTER, extra_sheets=sheets), as_of=AS_OF)
    s = loaded.settings
    assert (s.sla_days, s.sla_major_days, s.due_soon_days) == (12, 3, 4)
    assert (s.escalate_level2_after, s.escalate_level3_after) == (2, 8)
    assert (s.date_order, s.problem_min_length, s.lang, s.country) == ("dmy", 6, "en", "CN")
    assert s.vague_phrases == ("问题多", "不满意")
    assert s.report_recipients == ("a@example.com", "b@example.com")
    assert (s.manager, s.sender) == ("孙建国", "asst@example.com")
    assert s.person(" 李明 ").email == "li@example.com"
    assert s.person("周强").unit == "销售"
    assert s.types == ("售后", "退货") and s.support_units == ("工厂", "仓库")
    assert s.sla_by_type == {"售后": 10}
    assert s.key_accounts == ("成都锦城",)
    assert s.holidays == {dt.date(2026, 12, 31): False, dt.date(2027, 1, 2): True}
    assert not s.rules["vague-problem"].enabled
    assert s.rules["contact-invalid"].enabled and s.rules["contact-invalid"].severity == "error"
    assert s.problems == []
    # The holidays sheet reaches the calendar.
    assert loaded.calendar.is_workday(["2026-12-31", "2027-01-02"]).tolist() == [False, True]
    # The per-type SLA reaches derived deadlines: 10 working days after Mon 2026-11-02.
    assert loaded.register.frame["deadline"].iloc[0].date() == dt.date(2026, 11, 16)


def test_malformed_settings_name_the_cell_and_keep_the_default(make_xlsx) -> None:
    sheets = {
        "Settings": [["Setting", "Value"], ["SLA days", "fifteen"], ["due soon days", 2.5],
                     ["language", "fr"], ["date order", "sideways"], ["country", "Atlantis"],
                     ["escalate level3 after", 400]],
        "Staff": [["Name", "E-mail"], ["Li Ming", "li.ming at example"]],
        "Lists": [["Types", "SLA"], ["after-sales", "x"]],
        "Holidays": [["Date", "Kind"], ["someday", "off"]],
        "Rules": [["Code", "Enabled", "Severity"], ["vague-problem", "yes", "fatal"]],
    }
    s = load(make_xlsx(REGISTER, extra_sheets=sheets), as_of=AS_OF).settings
    defaults = Settings()
    assert (s.sla_days, s.due_soon_days, s.lang, s.date_order, s.country, s.escalate_level3_after) == (
        defaults.sla_days, defaults.due_soon_days, "zh", "ymd", "CN", 10)
    assert s.person("Li Ming").email is None
    assert s.sla_by_type == {}
    assert s.holidays == {}
    assert [(p.sheet, p.cell) for p in s.problems] == [
        ("Settings", "B2"), ("Settings", "B3"), ("Settings", "B4"), ("Settings", "B5"),
        ("Settings", "B6"), ("Settings", "B7"), ("Staff", "B2"), ("Lists", "B2"), ("Holidays", "A2"),
        ("Rules", "C2")]
    assert all(p.message("zh") and p.message("en") for p in s.problems)


def test_command_line_choices_win_over_the_workbook(make_xlsx) -> None:
    sheets = {"设置": [["项目", "值"], ["语言", "zh"], ["国家", "CN"]]}
    s = load(make_xlsx(REGISTER, extra_sheets=sheets), as_of=AS_OF, lang="en", country="US").settings
    assert (s.lang, s.country) == ("en", "US")
