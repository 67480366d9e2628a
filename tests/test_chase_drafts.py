"""The chase e-mail drafts, parsed back with the strict e-mail policy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import pytest

from chase_helpers import AS_OF, bodies, load_register, parse, positions, row, write_register
from complaint_xl.chase import chase
from complaint_xl.errors import ComplaintXLError
from complaint_xl.outputs.chase import ChaseWarning, write_chase
from complaint_xl.register.text import fold
from complaint_xl.settings import Person

NOW = dt.datetime(2026, 10, 12, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    """李明: levels 1-3 and a due-soon item; 王芳: level 1 only; 杨帆: no e-mail address."""
    rows = [
        row(1, "2026-10-09", customer="甲公司", support_unit="工厂", support_need="请工厂出检测报告"),
        row(2, "2026-09-20", customer="乙公司", support_unit="财务", support_need="核对返利金额"),
        row(3, "2026-10-14", customer="丙公司"),
        row(4, "2026-09-30", customer="丁公司", support_unit="工厂", support_need="安排技术员上门"),
        row(5, "2026-10-09", owner="王芳", customer="戊公司",
            problem="<script>alert('x')</script> 板面开裂，型号A3-18，涉及12张"),
        row(6, "2026-09-21", owner="杨帆", customer="己公司", support_unit="内务",
            support_need="补发货物"),
        row(7, "2026-09-18", owner="王芳", customer="庚公司", severity="重大", support_unit="物流部"),
    ]
    loaded = load_register(write_register(tmp_path_factory.mktemp("reg") / "登记.xlsx", rows))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    out = tmp_path_factory.mktemp("out") / "催办"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outputs = write_chase(result, loaded.settings, out, now=NOW)
    return loaded, result, outputs, [str(w.message) for w in caught
                                     if issubclass(w.category, ChaseWarning)]


def draft(outputs, name: str):
    path = outputs.folder / name
    assert path in outputs.drafts
    return parse(path)


def test_one_digest_per_owner_plus_units_and_manager(run):
    _, _, outputs, _ = run
    assert sorted(p.name for p in outputs.drafts) == sorted([
        "催办-李明.eml", "催办-王芳.eml", "催办-杨帆.eml",
        "支援-工厂.eml", "支援-财务.eml", "支援-内务.eml", "支援-物流部.eml",
        "升级-孙建国.eml",
    ])
    assert all(p.parent == outputs.folder for p in outputs.drafts)


def test_owner_digest_headers_and_order(run):
    msg = draft(run[2], "催办-李明.eml")
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == "【催办】李明：逾期 3 项，即将到期 1 项（截至 2026-10-12）"
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("李明", "li.ming@example.com")]
    # 乙 is at level 3 -> the superior is copied.
    assert [(a.display_name, a.addr_spec) for a in msg["Cc"].addresses] == [
        ("周强", "zhou.qiang@example.com")]
    assert msg["From"] == "assistant@example.com"
    assert msg["Date"].datetime == NOW
    plain, html = bodies(msg)
    # Most overdue first: 乙 (11), 丁 (4), 甲 (2), then 丙 (due soon).
    for text in (plain, html):
        first, second, third, fourth = positions(text, ["乙公司", "丁公司", "甲公司", "丙公司"])
        assert first < second < third < fourth
    assert "逾期 11 个工作日" in plain and "2 个工作日后到期" in plain
    assert "周强" in html and "<table" in html


def test_level_one_only_is_not_copied_to_the_superior(tmp_path):
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-10-09", owner="王芳")]))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    msg = draft(outputs, "催办-王芳.eml")
    assert msg["Cc"] is None
    assert msg["To"].addresses[0].addr_spec == "wang.fang@example.com"
    assert [p.name for p in outputs.drafts] == ["催办-王芳.eml"]  # no level 3: no manager mail


def test_html_is_escaped_and_plain_text_is_not_mangled(run):
    plain, html = bodies(draft(run[2], "催办-王芳.eml"))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert('x')</script>" in plain


def test_support_unit_mail_lists_the_support_needs(run):
    msg = draft(run[2], "支援-工厂.eml")
    assert [a.addr_spec for a in msg["To"].addresses] == ["feng.gong@example.com"]
    assert msg["Subject"] == "【支援请求】工厂：2 项投诉待支援（其中逾期 2 项）（截至 2026-10-12）"
    plain, html = bodies(msg)
    a, b = positions(plain, ["安排技术员上门", "请工厂出检测报告"])  # 丁 (4 days) before 甲 (2)
    assert a < b
    assert "请工厂出检测报告" in html and "检测报告" not in bodies(draft(run[2], "支援-财务.eml"))[0]
    # 郑红 answers for two units (财务、内务): she gets both.
    assert draft(run[2], "支援-内务.eml")["To"].addresses[0].addr_spec == "zheng.hong@example.com"


def test_manager_summary_has_only_level_three(run):
    msg = draft(run[2], "升级-孙建国.eml")
    assert msg["To"].addresses[0].addr_spec == "sun.jianguo@example.com"
    plain, _ = bodies(msg)
    # 庚 (major, 14 days) and 乙 (11 days) are level 3; 丁 (4 days) is not.
    a, b = positions(plain, ["庚公司", "乙公司"])
    assert a < b and "丁公司" not in plain and "己公司" not in plain
    assert msg["Subject"].startswith("【投诉升级】2 项投诉")


def test_missing_address_warns_and_leaves_to_empty(run):
    _, _, outputs, caught = run
    msg = draft(outputs, "催办-杨帆.eml")
    assert msg["To"] is None
    plain, html = bodies(msg)
    assert "杨帆，您好" in plain and "杨帆" in html
    assert "没有登记邮箱" in plain
    assert outputs.missing_addresses == ["杨帆"]
    assert any("杨帆" in w and "催办-杨帆.eml" in w for w in caught)
    # A support unit that nobody answers for: still drafted, To empty, a warning names it.
    assert draft(outputs, "支援-物流部.eml")["To"] is None
    assert any("物流部" in w for w in caught)


def test_header_injection_through_a_name_creates_no_header(run, tmp_path):
    loaded, result, _, _ = run
    evil = "王五\r\nBcc: evil@example.com"
    items = result.items.copy()
    items.loc[items["owner"] == "王芳", "owner"] = evil
    items["superior"] = items["superior"].where(items["owner"] != evil, "周强\nX-Evil: 1")
    settings = dataclasses.replace(loaded.settings, staff={
        **loaded.settings.staff,
        fold(evil): Person(evil, "wang.wu@example.com", "周强\nX-Evil: 1"),
        fold("周强\nX-Evil: 1"): Person("周强\nX-Evil: 1", "zhou.qiang@example.com"),
    })
    with pytest.warns(ChaseWarning) as caught:
        outputs = write_chase(dataclasses.replace(result, items=items), settings, tmp_path, now=NOW)
    assert any("杨帆" in str(w.message) for w in caught)
    [path] = [p for p in outputs.drafts if p.name.startswith("催办-王五")]
    msg = parse(path)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert sorted(msg.keys()) == sorted(["Subject", "From", "To", "Cc", "Date", "Message-ID",
                                         "X-Unsent", "MIME-Version", "Content-Type"])
    assert [a.addr_spec for a in msg["To"].addresses] == ["wang.wu@example.com"]
    assert "\n" not in msg["Subject"] and "王五" in msg["Subject"]
    # Through the register itself the name is folded to one line before it gets anywhere.
    rows = [row(1, "2026-10-09", owner="王五\r\nBcc: evil@example.com")]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows))
    r = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with pytest.warns(ChaseWarning):
        out = write_chase(r, loaded.settings, tmp_path / "o2", now=NOW)
    assert parse(out.drafts[0])["Bcc"] is None


def test_malicious_names_cannot_leave_the_folder(tmp_path):
    rows = [row(1, "2026-10-09", owner="../../x"), row(2, "2026-10-09", owner="CON"),
            row(3, "2026-10-09", owner="a/b"), row(4, "2026-10-09", owner="a_b"),
            row(5, "2026-10-09", support_unit="..\\..\\NUL")]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    out = tmp_path / "out"
    with pytest.warns(ChaseWarning):
        outputs = write_chase(result, loaded.settings, out, now=NOW)
    names = [p.name for p in outputs.drafts]
    assert all(p.parent == out.absolute() and p.is_file() for p in outputs.drafts)
    assert len(set(n.casefold() for n in names)) == len(names) == 6  # 5 owners + 1 support unit
    assert not (tmp_path / "x.eml").exists() and not any(tmp_path.glob("*.eml"))
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)
    assert "催办-_CON.eml" in names and "催办-_.._x.eml" in names
    # "a/b" and "a_b" make the same safe name; both drafts exist, neither overwrote the other.
    a_b = [n for n in names if n.startswith("催办-a_b")]
    assert len(a_b) == 2


def test_english_drafts(tmp_path):
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-09-20"),
                                                                  row(2, "2026-10-13")]), lang="en")
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    msg = draft(outputs, "chase-李明.eml")
    assert msg["Subject"] == "[Chase] 李明: 1 overdue, 1 due soon (as of 2026-10-12)"
    plain, _ = bodies(msg)
    assert "Dear 李明," in plain and "11 working days overdue" in plain
    assert "due in 1 working day" in plain
    assert (outputs.folder / "escalation-孙建国.eml").exists()


def test_the_teams_templates_override_the_shipped_ones(tmp_path):
    folder = tmp_path / "模板" / "zh"
    folder.mkdir(parents=True)
    (folder / "chase_owner.subject.txt").write_text("请跟进：{{ owner }} 共 {{ items|length }} 项",
                                                   encoding="utf-8")
    settings = [["项目", "值"], ["模板文件夹", "模板"]]  # relative to the workbook
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-10-09")],
                                          settings=settings))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    msg = draft(outputs, "催办-李明.eml")
    assert msg["Subject"] == "请跟进：李明 共 1 项"
    assert "李明，您好" in bodies(msg)[0]  # the bodies still come from the shipped set

    (folder / "chase_owner.txt").write_text("第一行\n{{ owner }\n", encoding="utf-8")
    with pytest.raises(ComplaintXLError) as err:
        write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    assert err.value.key == "template-error"
    message = err.value.message("zh")
    assert "chase_owner.txt" in message and "第 2 行" in message


def test_owner_missing_goes_to_the_manager(tmp_path):
    rows = [row(1, "2026-10-09", owner=""), row(2, "2026-10-09")]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    msg = draft(outputs, "催办-未填跟进人.eml")
    assert msg["To"].addresses[0].addr_spec == "sun.jianguo@example.com"
    assert "没有填写跟进人员" in bodies(msg)[0]


def test_date_header_defaults_to_the_moment_of_the_run(tmp_path):
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-10-09")]))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    outputs = write_chase(result, loaded.settings, tmp_path / "out")
    stamp = draft(outputs, "催办-李明.eml")["Date"].datetime
    assert before <= stamp <= dt.datetime.now().astimezone() + dt.timedelta(seconds=1)
    assert result.as_of == AS_OF  # the figures stay as of --today



def test_an_owner_not_in_the_staff_sheet_is_named_and_warned_about(tmp_path):
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-09-30", owner="赵六")]))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with pytest.warns(ChaseWarning) as caught:
        outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    messages = [str(w.message) for w in caught]
    assert any("赵六 没有登记邮箱" in m for m in messages)
    assert any("赵六" in m and "上级" in m for m in messages)  # level 2, but no superior to copy
    msg = draft(outputs, "催办-赵六.eml")
    assert msg["To"] is None and msg["Cc"] is None
    assert "赵六，您好" in bodies(msg)[0]


def test_names_printed_by_the_labels_are_escaped_in_html_only(tmp_path):
    # The customer and the unit are printed inside the shared labels macros (chase_labels.txt).
    rows = [row(1, "2026-10-09", customer="<i>甲</i>公司", support_unit="<b>工厂</b>",
                support_need="请出检测报告")]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with pytest.warns(ChaseWarning):  # nobody answers for the unit
        outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    plain, html = bodies(draft(outputs, "催办-李明.eml"))
    assert "<i>" not in html and "&lt;i&gt;甲&lt;/i&gt;公司" in html
    assert "<i>甲</i>公司" in plain
    [unit] = [p for p in outputs.drafts if p.name.startswith("支援-")]
    msg = parse(unit)
    plain, html = bodies(msg)
    assert "<b>&lt;b&gt;工厂&lt;/b&gt;</b> 支援或协助" in html  # emphasised, and still escaped
    assert "&lt;b&gt;工厂&lt;/b&gt; 支援负责人，您好：" in html
    assert "<b>工厂</b> 支援负责人，您好：" in plain and "<b>工厂</b>" in msg["Subject"]


def test_one_labels_file_words_the_subject_and_both_bodies(tmp_path):
    from complaint_xl.outputs.templating import template_dirs

    shipped = next(d / "chase_labels.txt" for d in template_dirs("zh")
                   if (d / "chase_labels.txt").is_file()).read_text(encoding="utf-8")
    edited = (shipped.replace("，您好：", "，早上好：").replace("【催办】", "【请跟进】")
              .replace('"status": "状态"', '"status": "当前状态"'))
    assert edited.count("早上好") == 1 and "请跟进" in edited and "当前状态" in edited
    folder = tmp_path / "模板" / "zh"
    folder.mkdir(parents=True)
    (folder / "chase_labels.txt").write_text(edited, encoding="utf-8")
    settings = [["项目", "值"], ["模板文件夹", "模板"]]
    loaded = load_register(write_register(tmp_path / "r.xlsx", [row(1, "2026-10-09")],
                                          settings=settings))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    msg = draft(write_chase(result, loaded.settings, tmp_path / "out", now=NOW), "催办-李明.eml")
    plain, html = bodies(msg)
    assert msg["Subject"].startswith("【请跟进】李明：逾期 1 项")
    assert "李明，早上好：" in plain and "李明，早上好：" in html
    assert ">当前状态</th>" in html and "您好" not in plain + html
