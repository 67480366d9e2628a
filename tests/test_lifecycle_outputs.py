"""What people see of the lifecycle: the chase drafts' own sections (parsed back with
email.policy.strict), the chase workbook's sheets, the weekly workbook's section, the page and
the mail; and that a register without the columns gets exactly the outputs it got before.

Registers and hand counts of tests/test_lifecycle_chase.py (as of Wed 2026-05-20) and
tests/test_lifecycle_report.py (week 2026-W20); calendar of lifecycle_helpers (劳动节 2026).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import test_lifecycle_chase as chase_case
import test_lifecycle_report as report_case
from complaint_xl.chase import chase
from complaint_xl.chase.result import ChaseResult
from complaint_xl.kpi import weekly
from complaint_xl.outputs.chase import summary_lines, write_chase
from complaint_xl.outputs.weekly import write_weekly
from complaint_xl.outputs.weekly_html import summary_text
from lifecycle_helpers import LIFECYCLE, read, write

NOW = dt.datetime(2026, 5, 20, 9, 0).astimezone()


def _chased(tmp_path: Path, drop: tuple[str, ...] = ()) -> tuple[ChaseResult, Any, Any]:
    rows = [{k: v for k, v in r.items() if k not in drop} for r in chase_case.ROWS]
    loaded = read(write(tmp_path / "r.xlsx", rows, drop=drop))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    return result, write_chase(result, loaded.settings, tmp_path / "out", now=NOW), loaded


def _mail(path: Path) -> tuple[EmailMessage, str, str]:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.strict)
    assert isinstance(msg, EmailMessage)
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    return msg, plain.get_content(), html.get_content()


@pytest.fixture
def chased(tmp_path: Path) -> tuple[ChaseResult, Any, Any]:
    return _chased(tmp_path)


# -- the owners' drafts ---------------------------------------------------------------------------

def test_the_owner_s_draft_has_a_short_section_per_list(chased: tuple[ChaseResult, Any, Any]
                                                         ) -> None:
    _, outputs, _ = chased
    names = sorted(p.name for p in outputs.drafts)
    # 张伟 has only lifecycle items (a pause, a follow-up call): a draft of his own
    assert names == ["催办-张伟.eml", "催办-李明.eml"]
    msg, plain, html = _mail(outputs.folder / "催办-李明.eml")
    assert msg["Subject"] == ("【催办】李明：逾期 1 项，即将到期 1 项，暂停中 1 项，待回访 1 项，"
                              "待新措施 1 项（截至 2026-05-20）")
    # every deadline shown is the effective one, with why it moved
    assert "期限 2026-05-14（暂停 5 个工作日，原期限 2026-05-08）" in plain  # 客户A, overdue
    assert "期限 2026-05-22（延期至 05-22，原期限 2026-05-08）" in plain  # 客户J, due soon
    paused = plain.index("【暂停中（等待客户）：1 项，其中 1 项超过最长暂停 10 个工作日】")
    followup = plain.index("【待回访：1 项结案超过 5 个工作日尚未回访】")
    action = plain.index("【待新措施：1 项纠正措施无效，尚未填写新措施】")
    assert paused < followup < action < plain.index("谢谢！")
    assert ("暂停开始：2026-04-27；已暂停：16 个工作日（超过最长暂停）；"
            "期限 2026-05-29（暂停 16 个工作日，原期限 2026-05-08）") in plain[paused:followup]
    assert "结案日期：2026-05-12；应回访日期：2026-05-19（已晚 1 个工作日）" in plain[followup:action]
    assert "客户H（" not in plain[:paused] and "客户H" in plain[action:]
    assert "结案日期：2026-05-12；效果评估：无效" in plain[action:]
    # the HTML part: the same sections, the pause beyond 最长暂停 marked amber
    for title in ("暂停中（等待客户）：1 项，其中 1 项超过最长暂停 10 个工作日",
                  "待回访：1 项结案超过 5 个工作日尚未回访", "待新措施：1 项纠正措施无效，尚未填写新措施"):
        assert html.count(title) == 1, title
    assert '<tr style="background:#FFEB9C;">' in html[html.index("暂停中（等待客户）"):]
    assert "16 个工作日（超过最长暂停）" in html
    assert "2026-05-14（暂停 5 个工作日，原期限 2026-05-08）" in html


def test_paused_items_are_not_escalated(chased: tuple[ChaseResult, Any, Any]) -> None:
    result, outputs, _ = chased
    # 客户B's and 客户C's written deadlines (05-12, 05-08) are long past, but they wait
    assert set(result.paused["customer"]) == {"客户B", "客户C"}
    assert not {"客户B", "客户C"} & set(result.items["customer"])
    msg, plain, _ = _mail(outputs.folder / "催办-张伟.eml")
    # only a pause and a follow-up call: no superior in Cc, no level, no manager's mail
    assert msg["Subject"] == "【催办】张伟：暂停中 1 项，待回访 1 项（截至 2026-05-20）"
    assert msg["To"] == "张伟 <zhang.wei@example.com>" and msg["Cc"] is None
    assert "逾期" not in plain.split("【暂停中")[0] and "级（" not in plain  # no 一级（提醒） …
    assert "【暂停中（等待客户）：1 项】" in plain and "超过最长暂停" not in plain
    assert not any(p.name.startswith("升级") for p in outputs.drafts)
    # 李明's Cc is for 客户A's level 2, not for 客户C's 16 working days of waiting
    assert _mail(outputs.folder / "催办-李明.eml")[0]["Cc"] == "周强 <zhou.qiang@example.com>"


def test_the_chase_summary_counts_the_lists(chased: tuple[ChaseResult, Any, Any]) -> None:
    result, outputs, _ = chased
    lines = summary_lines(result, outputs)
    assert "暂停中 2 项（超过最长暂停 1 项），待回访 2 项，待新措施 1 项（见各人的催办邮件）。" in lines
    assert any("期限 2026-05-14（暂停 5 个工作日（原期限 2026-05-08））" in line for line in lines)


# -- the chase workbook ---------------------------------------------------------------------------

def test_the_chase_workbook_lists_each_lifecycle_list(chased: tuple[ChaseResult, Any, Any]) -> None:
    _, outputs, _ = chased
    wb = openpyxl.load_workbook(outputs.workbook)
    assert wb.sheetnames == ["催办清单", "暂停中", "待回访", "待新措施", "按跟进人员", "按支援单位", "说明"]
    ws = wb["催办清单"]
    head = [c.value for c in ws[3]]
    assert head.index("期限变更") == head.index("解决期限") + 1
    moved = {r[head.index("客户")]: (r[head.index("解决期限")], r[head.index("期限变更")])
             for r in ws.iter_rows(min_row=4, values_only=True)}
    assert moved == {"客户A": (dt.datetime(2026, 5, 14), "暂停 5 个工作日（原期限 2026-05-08）"),
                     "客户J": (dt.datetime(2026, 5, 22), "延期至 05-22（原期限 2026-05-08）")}

    def rows(sheet: str) -> list[dict[str, Any]]:
        values = list(wb[sheet].iter_rows(values_only=True))
        return [dict(zip(values[0], r, strict=True)) for r in values[1:]]

    paused = rows("暂停中")
    assert [(r["客户"], r["超过最长暂停"], r["已暂停工作日"], r["暂停开始"], r["解决期限"],
             r["剩余工作日"]) for r in paused] == [
        ("客户C", "是", 16, dt.datetime(2026, 4, 27), dt.datetime(2026, 5, 29), 7),
        ("客户B", None, 6, dt.datetime(2026, 5, 13), dt.datetime(2026, 5, 20), 0)]
    assert [(r["客户"], r["应回访日期"], r["回访逾期工作日"]) for r in rows("待回访")] == [
        ("客户D", dt.datetime(2026, 5, 14), 4), ("客户F", dt.datetime(2026, 5, 19), 1)]
    assert [(r["客户"], r["效果评估"], r["行号"]) for r in rows("待新措施")] == [("客户H", "无效", 9)]
    # a pause beyond 最长暂停 is amber for its owner
    rules = [r.formula[0] for cf in wb["暂停中"].conditional_formatting for r in cf.rules]
    assert rules == ['$A2="是"']
    owners = rows("按跟进人员")
    assert [(r["跟进人员"], r["逾期"], r["暂停中"], r["超过最长暂停"], r["待回访"], r["待新措施"])
            for r in owners] == [("李明", 1, 1, 1, 1, 1), ("张伟", 0, 1, 0, 1, 0)]
    assert "暂停中：截至当天仍在等待客户的投诉" in wb["说明"]["A1"].value


def test_without_the_columns_the_chase_outputs_are_as_before(tmp_path: Path) -> None:
    result, outputs, _ = _chased(tmp_path, drop=LIFECYCLE)
    assert not len(result.paused) and not len(result.followup_due) and not len(result.new_action_due)
    wb = openpyxl.load_workbook(outputs.workbook)
    assert wb.sheetnames == ["催办清单", "按跟进人员", "按支援单位", "说明"]
    assert "期限变更" not in [c.value for c in wb["催办清单"][3]]
    assert [c.value for c in wb["按跟进人员"][1]] == [
        "跟进人员", "上级", "逾期", "即将到期", "二级及以上", "三级", "最长逾期工作日"]
    assert "暂停中" not in wb["说明"]["A1"].value
    msg, plain, html = _mail(outputs.folder / "催办-李明.eml")
    assert "暂停" not in plain + html and "回访" not in plain + html and "原期限" not in plain
    assert msg["Subject"].endswith("（截至 2026-05-20）") and "暂停中" not in msg["Subject"]
    assert not any("暂停中" in line for line in summary_lines(result, outputs))


# -- the weekly report ----------------------------------------------------------------------------

def _weekly(tmp_path: Path, rows: list[dict[str, Any]], drop: tuple[str, ...] = ()) -> Any:
    loaded = read(write(tmp_path / "r.xlsx", rows, drop=drop, settings=report_case.SETTINGS))
    kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    return kpis, write_weekly(kpis, tmp_path / "out", loaded.settings)


def _section(ws: Any) -> list[list[Any]]:
    """The summary sheet's rows from the lifecycle section's title to the notes."""
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(values) if r[0] == "受理、结案与回访")
    return values[start:]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_weekly_workbook_has_a_lifecycle_section(tmp_path: Path) -> None:
    _, files = _weekly(tmp_path, report_case.ROWS)
    rows = _section(openpyxl.load_workbook(files.xlsx).worksheets[1])  # the summary sheet
    assert rows[1][0] == "本周（2026-W20）"
    assert rows[2][:8] == ["已受理", "按时受理", "按时受理率", "非正常结案", "已回访", "满意", "满意率",
                           "延期结案"]
    assert rows[3][:8] == [3, 2, pytest.approx(2 / 3), 1, 2, 1, 0.5, 1]
    assert rows[4][0] == "截至 2026-05-20" and rows[6][:3] == [0, 1, 0]
    flat = [[v for v in r if v is not None] for r in rows]
    sat = flat.index(["满意", "基本满意", "不满意", "未填满意度", "已回访"])
    assert flat[sat + 1] == [1, 0, 1, 0, 2]
    abnormal = flat.index(["本周非正常结案 1 件（原因与批准人）"])
    assert flat[abnormal + 2] == [7, "客户F", "李明", dt.datetime(2026, 5, 14), "孙建国",
                                  "客户要求赔偿超出合同约定"]
    assert ["本周回访不满意 1 件"] in flat and [8, "李明", dt.datetime(2026, 5, 6), "客户G"] in flat
    key = flat.index(["客户", "新增", "结案", "按期结案率", "未结案", "已逾期", "按时受理率", "满意率"])
    assert flat[key + 1] == ["大客户", 1, 0, "—", 1, 0, 1, "—"]
    assert flat[key + 2] == ["其他客户", 3, 3, pytest.approx(2 / 3), 3, 0, 0.5, 0.5]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_page_and_the_mail_have_the_section(tmp_path: Path) -> None:
    kpis, files = _weekly(tmp_path, report_case.ROWS)
    page = files.html.read_text(encoding="utf-8")
    section = page[page.index('<section class="lifecycle">'):]
    section = section[:section.index("</section>")]
    for text in ("受理、结案与回访", "按时受理率", "66.7%", "满意率", "50.0%", "客户要求赔偿超出合同约定",
                 "孙建国", "本周回访不满意 1 件", "待回访 1 件（结案超过回访时限尚未回访）",
                 "大客户与其他客户"):
        assert text in section, text
    # the definitions of the lifecycle's figures are in the notes
    assert "按时受理 ÷ 已受理；本周没有已受理的投诉时为空。" in page
    _, plain, html = _mail(files.eml)
    assert "受理、结案与回访：本周 已受理 3，按时受理 2，按时受理率 66.7%，非正常结案 1" in plain
    assert "大客户：新增 1，结案 0，按期结案率 —" in plain
    assert "客户要求赔偿超出合同约定" in html and "满意率" in html
    assert plain.count("受理、结案与回访") == 1 == html.count("受理、结案与回访")
    assert summary_text(kpis, "en").count("Acceptance, closure and follow-up: this week Accepted 3") == 1


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_most_overdue_say_why_their_deadline_moved(tmp_path: Path) -> None:
    kpis, files = _weekly(tmp_path, chase_case.ROWS)
    assert [i["customer"] for i in kpis.most_overdue] == ["客户A"]
    page = files.html.read_text(encoding="utf-8")
    assert '2026-05-14<br><span class="moved">暂停 5 个工作日（原期限 2026-05-08）</span>' in page
    ws = openpyxl.load_workbook(files.xlsx).worksheets[1]
    notes = [c.comment.text for r in ws.iter_rows() for c in r if c.comment]
    assert notes == ["暂停 5 个工作日（原期限 2026-05-08）"]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_without_the_columns_the_report_shows_no_section(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k not in LIFECYCLE} for r in report_case.ROWS]
    kpis, files = _weekly(tmp_path, rows, drop=LIFECYCLE)
    page = files.html.read_text(encoding="utf-8")
    assert 'class="lifecycle"' not in page and "按时受理" not in page
    values = [v for r in openpyxl.load_workbook(files.xlsx).worksheets[1].iter_rows(values_only=True)
              for v in r if isinstance(v, str)]
    assert "受理、结案与回访" not in values
    _, plain, html = _mail(files.eml)
    assert "受理、结案与回访" not in plain + html
    assert "受理" not in summary_text(kpis, "zh")
