"""`complaint-xl report`: --json is exactly WeeklyReport.to_json(), filters, the summary, the demo."""

from __future__ import annotations

import json

from click.testing import CliRunner

from complaint_xl.cli import cli
from complaint_xl.demo import run_demo
from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.outputs.drafts import MANIFEST
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
