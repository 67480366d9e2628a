"""`complaint-xl report`: --json is exactly WeeklyKpis.to_json(), filters, the summary, the demo."""

from __future__ import annotations

import email
import email.policy
import json
from html.parser import HTMLParser

import openpyxl
from click.testing import CliRunner

from complaint_xl.cli import cli
from complaint_xl.demo import run_demo
from complaint_xl.kpi import weekly
from complaint_xl.kpi.labels import FIGURES
from complaint_xl.loading import load
from complaint_xl.outputs.drafts import MANIFEST
from complaint_xl.words import say
from kpi_helpers import AS_OF, ROWS


def invoke(*args: str):
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


def test_json_equals_to_json(make_xlsx):
    path = make_xlsx(ROWS)
    result = invoke(str(path), "--today", AS_OF.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    loaded = load(path, as_of=AS_OF)
    expected = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of).to_json()
    assert json.loads(result.stdout) == expected
    assert expected["totals"]["closed"] == 3


def test_week_and_filters_on_the_command_line(make_xlsx):
    path = make_xlsx(ROWS)
    result = invoke(str(path), "--today", AS_OF.isoformat(), "--week", "2026-W40", "--owner", "张伟",
                    "--owner", "李明", "--json")
    doc = json.loads(result.stdout)
    assert doc["week"] == "2026-W40"
    assert doc["filters"] == {"owner": ["张伟", "李明"]}
    assert doc["rows"] == 5 and doc["totals"]["new"] == 2  # R1 and R2 raised in W40
    assert "跟进人员：张伟、李明" in doc["title"]


def test_unknown_filter_is_one_line_exit_2(make_xlsx):
    result = invoke(str(make_xlsx(ROWS)), "--today", AS_OF.isoformat(), "--type", "不存在的类型")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "不存在的类型" in result.stderr


def test_readable_summary_and_files(make_xlsx, tmp_path):
    out = tmp_path / "周报"
    result = invoke(str(make_xlsx(ROWS)), "--today", AS_OF.isoformat(), "--out", str(out))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("客户投诉周报 2026-W41")
    assert "本周：新增 2，结案 3，按期结案 1（按期结案率 33.3%），处理时长中位数 4 个工作日" in lines
    assert "会议要点：" in lines
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "weekly-2026-W41.eml",
                                                      "weekly-2026-W41.html", "weekly-2026-W41.xlsx"]
    assert "周报收件人" in result.stderr  # no recipients configured: said, not silent


class _Texts(HTMLParser):
    """The text of each element a page shows, by tag."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in ("meta", "link", "img", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self.open and data.strip():
            self.texts.setdefault(self.open[-1], []).append(data.strip())


def test_the_files_hold_the_week_and_the_figures_of_the_json(make_xlsx, tmp_path):
    path = make_xlsx(ROWS)
    out = tmp_path / "周报"
    assert invoke(str(path), "--today", AS_OF.isoformat(), "--out", str(out)).exit_code == 0
    totals = json.loads(invoke(str(path), "--today", AS_OF.isoformat(), "--json").stdout)["totals"]
    assert (totals["new"], totals["closed"], totals["closed_on_time"]) == (2, 3, 1)  # kpi_helpers
    # the workbook: its sheets, and the headline row under the figures' names equal to --json
    book = openpyxl.load_workbook(out / "weekly-2026-W41.xlsx")
    assert book.sheetnames == ["筛选统计", "摘要", "趋势", "按投诉项目", "按支援单位", "按跟进人员",
                               "按客户属性", "按责任方类别", "按严重程度", "交叉分析", "重复投诉", "明细",
                               "说明"]
    rows = [list(r) for r in book["摘要"].iter_rows(values_only=True)]
    assert rows[0][0].startswith("客户投诉周报 2026-W41")
    head = next(i for i, r in enumerate(rows) if say("figure.new", "zh") in r)
    shown = {label: value for label, value in zip(rows[head], rows[head + 1], strict=True) if label}
    rate = say("figure.on_time_rate", "zh")
    shown[rate] = round(shown[rate], 4)  # exact in the sheet (kpi.rates), 4 decimals in the JSON
    assert {key: shown[say(f"figure.{key}", "zh")] for key in FIGURES} == {k: totals[k] for k in FIGURES}
    # the page: its title and heading name the week
    page = _Texts()
    page.feed((out / "weekly-2026-W41.html").read_text(encoding="utf-8"))
    assert page.texts["title"][0].startswith("客户投诉周报 2026-W41")
    assert page.texts["h1"] == page.texts["title"]
    # the draft: well-formed, its subject names the week, the workbook attached
    draft = email.message_from_bytes((out / "weekly-2026-W41.eml").read_bytes(),
                                     policy=email.policy.strict)
    assert "2026-W41" in draft["Subject"]
    assert draft["X-Unsent"] == "1"
    assert [p.get_filename() for p in draft.iter_attachments()] == ["weekly-2026-W41.xlsx"]
    body = draft.get_body(("plain",))
    assert body is not None and "2026-W41" in body.get_content()


def test_summary_without_out_writes_nothing(make_xlsx, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = make_xlsx(ROWS)
    result = invoke(str(path), "--today", AS_OF.isoformat(), "--lang", "en")
    assert result.exit_code == 0
    assert result.stdout.startswith("Weekly complaint report 2026-W41")
    assert "--out" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_demo_writes_the_weekly_report(tmp_path):
    written = run_demo(tmp_path / "demo", today=AS_OF, echo=lambda _line: None)
    names = {p.name for p in written}
    assert {"weekly-2026-W41.xlsx", "weekly-2026-W41.html", "weekly-2026-W41.eml"} <= names
