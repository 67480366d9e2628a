"""The grid API (complaint_xl.grid): the command line's answers over values already in memory.

Each job over a register's values equals ``--json`` of the command line on the same values
saved as .xlsx (only the keys naming files differ); the module imports and runs without
python-calamine, matplotlib or xlwings, and starts no thread.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from complaint_xl import grid
from complaint_xl.cli import cli
from conftest import DATA, write_xlsx

TODAY = dt.date(2026, 11, 30)
REGISTER = "投诉登记"
FILE_KEYS = ("register", "folder", "workbook", "kept_edited")
"""Keys of the --json documents that name files or paths."""


def _excel_values(rows: Any) -> list[list[Any]]:
    """Cells as Excel hands them over: numbers as float, dates as datetime, blanks as None."""
    return [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
            for row in rows]


@pytest.fixture(scope="module")
def team() -> tuple[list[list[Any]], dict[str, list[list[Any]]]]:
    """The golden register's complaints (header first) and its settings sheets, as values."""
    wb = openpyxl.load_workbook(DATA / "golden" / "register.xlsx", read_only=True)
    sheets = {ws.title: _excel_values(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    wb.close()
    rows = sheets.pop(REGISTER)
    first = next(i for i, row in enumerate(rows) if "跟进人员" in row)  # below the title row
    return rows[first:], sheets


@pytest.fixture(scope="module")
def saved(team: tuple[list[list[Any]], dict[str, list[list[Any]]]],
          tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same values saved as an .xlsx file, the register sheet first."""
    values, settings = team
    folder = tmp_path_factory.mktemp("grid")
    return write_xlsx(folder / "register.xlsx", {REGISTER: values, **settings})


def _cli_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--today", TODAY.isoformat(), "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _without_files(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in FILE_KEYS}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_is_the_command_lines_json(team, saved: Path, lang: str) -> None:
    values, settings = team
    from_grid = grid.validate(values, today=TODAY, settings=settings, lang=lang, sheet=REGISTER)
    from_cli = _cli_json("validate", str(saved), "--lang", lang)
    assert from_grid["register"] == REGISTER
    assert from_grid["findings"] and from_grid["errors"] > 0  # the golden register's mistakes
    assert _without_files(from_grid) == _without_files(from_cli)


def test_without_a_sheet_name_the_register_is_empty(team) -> None:
    values, settings = team
    assert grid.validate(values, today=TODAY, settings=settings)["register"] == ""


def _eml_fields(path: str) -> dict[str, Any]:
    """A written draft as the grid API hands one out: {to, cc, subject, text, html}."""
    with Path(path).open("rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    body = {p.get_content_subtype(): p.get_content().replace("\r\n", "\n") for p in msg.walk()
            if p.get_content_maintype() == "text"}
    return {"to": [str(a) for a in msg["To"].addresses] if msg["To"] else [],
            "cc": [str(a) for a in msg["Cc"].addresses] if msg["Cc"] else [],
            "subject": str(msg["Subject"]), "text": body["plain"], "html": body["html"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chase_is_the_command_lines_json_with_the_drafts_in_memory(
        team, saved: Path, tmp_path: Path, lang: str) -> None:
    values, settings = team
    from_grid = grid.chase(values, today=TODAY, settings=settings, lang=lang, sheet=REGISTER)
    from_cli = _cli_json("chase", str(saved), "--lang", lang, "--out", str(tmp_path / "out"))
    grid_drafts, cli_drafts = from_grid.pop("drafts"), from_cli.pop("drafts")
    assert from_grid["overdue"] and from_grid["missing_addresses"]  # 杨帆 has no address
    assert _without_files(from_grid) == _without_files(from_cli)
    assert len(grid_drafts) == len(cli_drafts) > 1
    for draft, path in zip(grid_drafts, cli_drafts, strict=True):
        assert set(draft) == {"to", "cc", "subject", "text", "html"}
        assert draft == _eml_fields(path), path


@pytest.mark.parametrize(("lang", "week"), [("zh", None), ("en", "2026-W45")])
def test_report_is_the_command_lines_json(team, saved: Path, lang: str, week: str | None) -> None:
    values, settings = team
    from_grid = grid.report(values, today=TODAY, week=week, settings=settings, lang=lang,
                            sheet=REGISTER)
    from_cli = _cli_json("report", str(saved), "--lang", lang, *(["--week", week] if week else []))
    assert from_grid["week"] == (week or "2026-W48")
    assert _without_files(from_grid) == _without_files(from_cli)


def test_a_week_given_as_year_and_number_or_a_bad_week(team) -> None:
    values, settings = team
    by_text = grid.report(values, today=TODAY, week="2026-W45", settings=settings)
    assert grid.report(values, today=TODAY, week=(2026, 45), settings=settings) == by_text
    with pytest.raises(ValueError):
        grid.report(values, today=TODAY, week="2026-45", settings=settings)


def test_excels_datetime_for_today_is_the_day(team) -> None:
    values, settings = team
    at_noon = dt.datetime.combine(TODAY, dt.time(12, 0))
    assert grid.report(values, today=at_noon, settings=settings) == \
        grid.report(values, today=TODAY, settings=settings)


def test_no_thread_is_started(team) -> None:
    values, settings = team
    before = set(threading.enumerate())
    grid.validate(values, today=TODAY, settings=settings)
    grid.chase(values, today=TODAY, settings=settings)
    grid.report(values, today=TODAY, settings=settings)
    assert set(threading.enumerate()) == before
    assert threading.active_count() == len(before)


_BLOCKED = '''
import importlib.abc, sys

class Blocked(importlib.abc.MetaPathFinder):
    """As in Pyodide without them: these packages cannot be imported."""

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"python_calamine", "matplotlib", "xlwings"}:
            raise ImportError(f"blocked: {name}")
        return None

sys.meta_path.insert(0, Blocked())
'''


def test_imports_and_runs_without_calamine_matplotlib_or_xlwings() -> None:
    # A small register with a header, a date, a number, a blank; the settings as values.
    code = _BLOCKED + '''
import datetime, json, threading
import complaint_xl.grid as grid

header = ["序号", "客户(属性)", "跟进人员", "投诉项目", "问题点", "提出日期", "解决期限", "是否结案"]
values = [header,
          [1.0, "长沙恒达(经销商)", "李明", "售后", "型号 A3 的门板开裂 3 张", datetime.datetime(2026, 10, 8),
           datetime.datetime(2026, 10, 29), "否"],
          [2.0, "株洲兴业", "王芳", "品质", "色差", datetime.datetime(2026, 11, 24), None, None]]
settings = {"人员": [["姓名", "邮箱", "上级"], ["李明", "liming@example.com", "王芳"]],
            "设置": [["项目", "值"], ["到期提醒(工作日)", 3.0]]}
today = datetime.date(2026, 11, 30)
threads = threading.active_count()
out = {"validate": grid.validate(values, today=today, settings=settings),
       "chase": grid.chase(values, today=today, settings=settings),
       "report": grid.report(values, today=today, settings=settings, lang="en")}
blocked = sorted(m for m in ("python_calamine", "matplotlib", "xlwings") if m in sys.modules)
print(json.dumps({"out": out, "blocked": blocked, "threads": threading.active_count() - threads},
                 ensure_ascii=False, default=str))
'''
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["blocked"] == [] and result["threads"] == 0
    out = result["out"]
    assert out["validate"]["rows"] == 2 and out["validate"]["register"] == ""
    assert [i["owner"] for i in out["chase"]["overdue"]] == ["李明"]
    assert out["chase"]["drafts"][0]["to"] == ["李明 <liming@example.com>"]
    assert out["report"]["week"] == "2026-W48" and out["report"]["lang"] == "en"
