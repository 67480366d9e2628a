"""The chase e-mails' table as a mail program draws it: laid out by Chromium (headless).

A narrow window (a phone, a reading pane) used to squeeze 投诉项目, 跟进人员 and 支援单位
to one character a line. Here the drafts' HTML is laid out by Chromium at a narrow and a
normal width, with a small script that counts the line boxes of every table cell and
writes them into the page, read back with ``--dump-dom``: the short fields stay on one
line, the long texts (问题点) wrap at a readable width, and a table wider than the window
scrolls sideways instead of squeezing. A screenshot of each width is kept in the test's
temporary folder to look at.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from chase_helpers import load_register, row, write_register
from complaint_xl.chase import chase
from complaint_xl.outputs.chase_mail import ChaseMail, chase_drafts

NOW = dt.datetime(2026, 10, 12, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
WIDTHS = (500, 1280)  # Chromium headless windows are at least 500 px wide
SHORT = ("投诉项目", "跟进人员", "支援单位", "状态", "解决期限", "位置")
LONG_PROBLEM = ("客户反映E0级多层板（型号A3-18，批号B2026-0915）板面开裂并伴有鼓泡，涉及三个工地共 38 张，"
                "现场照片已发邮件，要求工厂出具检测报告并给出更换或补偿方案，客户希望本周内答复。")

MEASURE = """
<script>
// Every table cell: its column's heading, its text, how many lines it takes, its width.
const cells = [];
for (const table of document.querySelectorAll("table")) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  for (const tr of table.querySelectorAll("tr")) {
    [...tr.children].forEach((cell, i) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0)
                            .map((r) => Math.round(r.top)));
      cells.push({head: heads[i], tag: cell.tagName, text: cell.textContent.trim(),
                  lines: tops.size, width: Math.round(cell.getBoundingClientRect().width)});
    });
  }
}
const box = document.querySelector("table").parentElement;
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({cells, viewport: window.innerWidth,
                                  scroll: [box.scrollWidth, box.clientWidth]});
document.body.appendChild(out);
</script>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        pytest.fail("Chromium is not installed: apt-get install chromium (scripts/test does)")
    return found


def lay_out(page: str, width: int, folder: Path, name: str) -> dict[str, Any]:
    """The page laid out at ``width`` CSS pixels: the measurements, and a screenshot beside it."""
    path = folder / f"{name}-{width}.html"
    path.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    common = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              f"--user-data-dir={folder / 'profile'}", f"--window-size={width},1400",
              "--virtual-time-budget=3000"]
    done = subprocess.run([*common, "--dump-dom", path.as_uri()], capture_output=True, text=True,
                          timeout=120)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found, f"Chromium gave no measurements ({done.returncode}):\n{done.stderr[-3000:]}"
    subprocess.run([*common, f"--screenshot={folder / f'{name}-{width}.png'}", path.as_uri()],
                   capture_output=True, timeout=120)
    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module")
def mails(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ChaseMail]:
    """Drafts whose items have short and long fields: the owner's, the manager's, a unit's."""
    rows = [
        row(1, "2026-09-18", customer="广州市某某建材贸易有限公司（经销商）", support_unit="工厂",
            support_need="请工厂出检测报告", problem=LONG_PROBLEM, severity="重大"),
        row(2, "2026-09-20", owner="王芳", customer="乙公司", type_="售后", support_unit="物流部",
            problem="少发 2 箱"),
        row(3, "2026-09-22", customer="丙公司", type_="发货", support_unit="财务",
            support_need="核对返利金额", progress="已联系财务，等待回复；客户要求下周一前给出结论。"),
        # 4 working days overdue: level 2, and 3 when major (09-30 -> 10-08, 09, 10 (调休), 12)
        row(4, "2026-09-30", owner="王芳", customer="丁公司", severity="重大"),
        row(5, "2026-09-30", owner="王芳", customer="戊公司"),
    ]
    loaded = load_register(write_register(tmp_path_factory.mktemp("reg") / "登记.xlsx", rows))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drafts = [*chase_drafts(result, loaded.settings, now=NOW),
                  *chase_drafts(result, loaded.settings.with_overrides(lang="en"), now=NOW)]
    return {m.filename: m for m in drafts}


@pytest.fixture(scope="module")
def measured(mails: dict[str, ChaseMail], tmp_path_factory: pytest.TempPathFactory
             ) -> dict[tuple[str, int], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("layout")
    return {(name, width): lay_out(mails[name].draft.html, width, folder, name.removesuffix(".eml"))
            for name in ("升级-孙建国.eml", "催办-李明.eml") for width in WIDTHS}


def test_the_mails_have_the_columns_measured(measured: dict) -> None:
    heads = {c["head"] for c in measured[("升级-孙建国.eml", 500)]["cells"]}
    assert set(SHORT) | {"问题点", "客户", "进展情况"} <= heads
    assert measured[("升级-孙建国.eml", 500)]["viewport"] == 500


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["升级-孙建国.eml", "催办-李明.eml"])
def test_short_fields_stay_on_one_line(measured: dict, name: str, width: int) -> None:
    cells = [c for c in measured[(name, width)]["cells"] if c["head"] in SHORT and c["text"]]
    assert len(cells) >= 8
    squeezed = [(c["head"], c["text"], c["lines"]) for c in cells if c["lines"] != 1]
    assert squeezed == []
    for cell in cells:  # one line wide enough for the whole text: at least 13 px a character
        assert cell["width"] >= 13 * min(len(cell["text"]), 4), cell


def test_a_long_problem_wraps_at_a_readable_width(measured: dict) -> None:
    for width in WIDTHS:
        (problem,) = [c for c in measured[("催办-李明.eml", width)]["cells"]
                      if c["head"] == "问题点" and c["text"] == LONG_PROBLEM]
        assert problem["lines"] >= 2, width  # it wraps rather than stretching the table
        assert problem["width"] >= 12 * 13, width  # min-width 12em at 13 px
    narrow = measured[("催办-李明.eml", 500)]
    scroll_width, client_width = narrow["scroll"]
    assert scroll_width > client_width  # too wide for a phone: it scrolls, nothing is squeezed


def test_the_level_cell_keeps_its_two_lines(measured: dict) -> None:
    # 重大 goes under the level on purpose (a <br>), not because the column is squeezed.
    for width in WIDTHS:
        (level,) = [c for c in measured[("催办-李明.eml", width)]["cells"]
                    if c["head"] == "级别" and "重大" in c["text"]]
        assert level["lines"] == 2, width


# -- the escalation's words (levels: more than 3 working days overdue = 2, more than 10 = 3;
#    a major complaint one level higher, so level 2 once overdue and 3 after 3 days) -----------

def test_the_escalation_subject_states_the_rule(mails: dict[str, ChaseMail]) -> None:
    zh, en = mails["升级-孙建国.eml"], mails["escalation-孙建国.eml"]
    # 1 (major, 12 days), 2 (11 days) and 4 (major, 4 days); not 5 (4 days, not major)
    assert zh.draft.subject == ("【投诉升级】3 项投诉升至三级：逾期超过 10 个工作日，"
                                "重大投诉超过 3 个工作日（截至 2026-10-12）")
    assert en.draft.subject == ("[Escalation] 3 complaints at level 3: more than 10 working days overdue, "
                                "major ones more than 3 (as of 2026-10-12)")
    assert "丁公司" in zh.draft.text and "戊公司" not in zh.draft.text


def test_the_superior_is_told_why_they_are_copied(mails: dict[str, ChaseMail]) -> None:
    text = mails["催办-李明.eml"].draft.text
    assert ("其中 2 项已升至二级或以上（逾期超过 3 个工作日；重大投诉一经逾期即为二级），"
            "按规定抄送上级 周强。") in text
    assert "或为重大投诉" not in text
