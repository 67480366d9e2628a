"""Several teams' registers in one run: report, chase and validate over three teams with
settings of their own and one unusable file (design.md, "Several registers")."""

from __future__ import annotations

import email
import email.policy
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from complaint_xl.cli import cli
from complaint_xl.errors import UsageError
from complaint_xl.teams import expand, file_team, skipped
from teams_helpers import AS_OF, make_shared_settings, make_teams

FIGURES = ("new", "closed", "closed_on_time", "open", "overdue", "due_soon")


def run(*args: str):
    return CliRunner().invoke(cli, [*args, "--today", AS_OF.isoformat()], catch_exceptions=False)


def figures(values: dict) -> tuple[int, ...]:
    return tuple(values[k] for k in FIGURES)


@pytest.fixture
def teams(tmp_path: Path) -> Path:
    return make_teams(tmp_path / "各团队")


# -- which files -------------------------------------------------------------------------------

def test_a_folder_gives_its_spreadsheets_without_lock_hidden_or_other_files(tmp_path: Path) -> None:
    folder = make_teams(tmp_path / "regs")
    (folder / ".~lock.华南.xlsx#").write_bytes(b"x")
    (folder / ".hidden.xlsx").write_bytes(b"x")
    (folder / "说明.txt").write_text("not a register", encoding="utf-8")
    (folder / "归档").mkdir()
    (folder / "归档" / "旧.xlsx").write_bytes(b"x")  # not recursive
    names = [p.name for p in expand([folder])]
    assert names == ["华东.xlsx", "华北.xlsx", "华南.xlsx", "坏表.xlsx"]


def test_a_pattern_is_expanded_by_us_and_skips_lock_files(teams: Path) -> None:
    names = [p.name for p in expand([str(teams / "华*.xlsx")])]
    assert names == ["华东.xlsx", "华北.xlsx", "华南.xlsx"]  # not ~$华东.xlsx


def test_lock_files_a_shell_expanded_are_left_out_each_file_once(teams: Path) -> None:
    given = [teams / "~$华东.xlsx", teams / "华东.xlsx", teams / "华南.xlsx", teams / "华东.xlsx"]
    assert [p.name for p in expand(given)] == ["华东.xlsx", "华南.xlsx"]
    assert skipped(teams / "~$华东.xlsx") and not skipped(teams / "华东.xlsx")


def test_an_empty_folder_or_pattern_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    with pytest.raises(UsageError) as info:
        expand([tmp_path / "空"])
    assert info.value.key == "folder-no-registers"
    result = run("report", str(tmp_path / "nothing-*.xlsx"), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "nothing-*.xlsx" in result.stderr


def test_the_team_of_a_file_is_its_name() -> None:
    assert file_team(Path("/x/华东 .xlsx")) == "华东"
    assert file_team(Path("Team A.csv")) == "Team A"


# -- report -------------------------------------------------------------------------------------

def test_report_by_team_each_team_under_its_own_settings_and_the_bad_file_named(teams: Path) -> None:
    result = run("report", str(teams), "--json")
    assert result.exit_code == 2  # 坏表.xlsx: the others are processed, exit 2 at the end
    doc = json.loads(result.stdout)
    assert doc["week"] == "2026-W48"
    # hand counts in teams_helpers: due soon A (华东's 5 days, its Dec 1 off) and B;
    # overdue D, H (华东's SLA of 3 derives 11-26) and E
    assert figures(doc["totals"]) == (5, 1, 1, 7, 3, 2)
    assert doc["totals"]["median_resolution_workdays"] == 1.0
    by = {team: figures(v) for team, v in doc["by"]["team"].items()}
    assert by == {"华东": (2, 0, 0, 3, 2, 1), "华南": (1, 0, 0, 2, 0, 1),
                  "华北一组": (0, 0, 0, 1, 1, 0), "华北": (1, 1, 1, 0, 0, 0),
                  "华北二组": (1, 0, 0, 1, 0, 0)}
    assert set(doc["by"]["team"]["华东"]) == set(doc["totals"])  # same keys as totals
    assert [(f["team"], f["rows"], f["settings"]) for f in doc["files"]] == [
        ("华东", 3, "own"), ("华北", 3, "default"), ("华南", 2, "default")]
    assert [u["file"] for u in doc["unusable"]] == [str(teams / "坏表.xlsx")]
    err = result.stderr
    assert f"{teams / '坏表.xlsx'} 无法使用" in err and "Traceback" not in err
    assert f"华东（{teams / '华东.xlsx'}）：使用本表自己的设置（设置、节假日、人员）" in err
    assert f"华南（{teams / '华南.xlsx'}）：本表没有设置表，使用默认设置" in err
    assert "~$" not in err.replace("正在 Excel 中打开", "")  # the lock file is no register


def test_report_settings_for_all_teams(teams: Path, tmp_path: Path) -> None:
    shared = make_shared_settings(tmp_path / "模板.xlsx")
    result = run("report", str(teams / "华东.xlsx"), str(teams / "华南.xlsx"), str(teams / "华北.xlsx"),
                 "--settings", str(shared), "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    # 到期提醒 5 everywhere, no Dec 1 off: A (4 days) and C (4 days) due soon too; SLA 15: H not overdue
    assert figures(doc["totals"]) == (5, 1, 1, 7, 2, 3)
    assert figures(doc["by"]["team"]["华南"]) == (1, 0, 0, 2, 0, 2)
    assert result.stderr.count("的设置（--settings）") == 3
    assert f"华东（{teams / '华东.xlsx'}）：使用 {shared} 的设置（--settings）" in result.stderr


def test_report_workbook_and_page_have_the_team_breakdown(teams: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "周报"
    result = run("report", str(teams / "华东.xlsx"), str(teams / "华北.xlsx"), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out / "weekly-2026-W48.xlsx", read_only=True)
    rows = [r for r in wb["按团队"].iter_rows(values_only=True) if r and r[0] in ("华东", "华北一组")]
    assert [(r[0], r[1]) for r in rows] == [("华东", 2), ("华北一组", 0)]  # team, new
    page = (out / "weekly-2026-W48.html").read_text(encoding="utf-8")
    assert "华北二组" in page and ">团队<" in page


def test_one_register_runs_as_before_without_files_or_teams(teams: Path) -> None:
    result = run("report", str(teams / "华南.xlsx"), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert "team" not in doc["by"] and "files" not in doc and "unusable" not in doc
    assert "设置" not in result.stderr  # no line about settings for one register


# -- chase --------------------------------------------------------------------------------------

def test_chase_one_draft_per_owner_across_teams_naming_each_team(teams: Path, tmp_path: Path) -> None:
    out = tmp_path / "催办"
    result = run("chase", str(teams / "华东.xlsx"), str(teams / "华南.xlsx"), str(teams / "华北.xlsx"),
                 "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    overdue = [(i["team"], Path(i["file"]).name, i["row"], i["workdays_overdue"]) for i in doc["overdue"]]
    assert overdue == [("华北一组", "华北.xlsx", 2, 6), ("华东", "华东.xlsx", 3, 3),
                       ("华东", "华东.xlsx", 4, 2)]  # E, D, H: most overdue first
    # B (2 working days left) before A (3)
    assert [(i["team"], i["row"]) for i in doc["due_soon"]] == [("华南", 2), ("华东", 2)]
    drafts = sorted(p.name for p in out.glob("*.eml"))
    assert [n for n in drafts if n.startswith("催办-")] == ["催办-张伟.eml", "催办-李明.eml"]
    mail = email.message_from_bytes((out / "催办-李明.eml").read_bytes(), policy=email.policy.strict)
    assert mail["To"] == "李明 <li.ming@example.com>"  # 华东's 人员 serves his 华北 item too
    text = mail.get_body(("plain",)).get_content()
    assert "华北一组·登记表 第 2 行" in text and "华东·登记表 第 3 行" in text


# -- validate -----------------------------------------------------------------------------------

def test_validate_names_the_file_of_each_finding_and_groups_by_file(teams: Path, tmp_path: Path) -> None:
    result = run("validate", str(teams), "--json")
    assert result.exit_code == 2  # 坏表.xlsx
    doc = json.loads(result.stdout)
    missing = [(Path(f["file"]).name, f["row"]) for f in doc["findings"] if f["code"] == "deadline-missing"]
    assert missing == [("华东.xlsx", 4)]
    assert {Path(f["file"]).name for f in doc["findings"]} <= {"华东.xlsx", "华北.xlsx", "华南.xlsx"}
    assert doc["rows"] == 8 and [Path(f["file"]).name for f in doc["files"]] == [
        "华东.xlsx", "华北.xlsx", "华南.xlsx"]
    out = tmp_path / "检查"
    text = run("validate", str(teams / "华东.xlsx"), str(teams / "华南.xlsx"), "--out", str(out))
    assert text.exit_code == 0  # warnings only (deadline-missing), no file unusable
    heads = [line for line in text.stdout.splitlines() if line.startswith("== ")]
    assert heads == [f"== 华东（{teams / '华东.xlsx'}）==", f"== 华南（{teams / '华南.xlsx'}）=="]
    assert sorted(p.name for p in out.iterdir()) == ["检查结果-华东.xlsx", "检查结果-华南.xlsx"]
    *_, summary, first, second = text.stdout.splitlines()
    assert summary.startswith("共 2 个登记表，5 行")
    assert (first, second) == (f"检查结果：{out / '检查结果-华东.xlsx'}",
                               f"检查结果：{out / '检查结果-华南.xlsx'}")


def test_every_register_unusable_is_one_line_per_file_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"junk")
    (tmp_path / "b.xlsx").write_bytes(b"")
    result = run("report", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx"), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and "a.xlsx" in lines[0] and "b.xlsx" in lines[1]
    assert lines[2] == "complaint-xl: 所给的 2 个登记表都无法使用（原因见上），没有结果。"
    assert not any(Path(os.getcwd()).glob("complaint-xl-export"))


def test_worker_processes_give_the_same_report_and_name_the_same_bad_file(teams: Path) -> None:
    """Large registers are read by worker processes (COMPLAINT_XL_WORKERS forces them here):
    the same figures, the same lines on stderr, each warning once."""
    import subprocess
    import sys

    here = run("report", str(teams), "--json")
    env = {**os.environ, "COMPLAINT_XL_WORKERS": "2"}
    done = subprocess.run([sys.executable, "-m", "complaint_xl", "report", str(teams), "--today",
                           AS_OF.isoformat(), "--json"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 2
    assert json.loads(done.stdout) == json.loads(here.stdout)
    assert done.stderr.splitlines() == here.stderr.splitlines()
