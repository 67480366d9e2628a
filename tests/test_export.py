"""complaint-xl export: typed Parquet in hive partitions, a CSV Excel cannot be tricked by,
a re-run that replaces the dataset as a whole, and team names that never become paths."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from complaint_xl.cli import cli
from complaint_xl.export import csv_safe, partition_value
from conftest import write_xlsx
from teams_helpers import AS_OF, HEADER, NORTH, make_teams


def export(*args: str):
    return CliRunner().invoke(cli, ["export", *args, "--today", AS_OF.isoformat()],
                              catch_exceptions=False)


def rows(out: Path) -> dict[tuple[str, int], dict]:
    """The exported Parquet, read as a hive dataset: (file name, row) -> the row."""
    table = ds.dataset(out / "parquet", format="parquet", partitioning="hive").to_table()
    return {(Path(r["file"]).name, r["row"]): r for r in table.to_pylist()}


def parquet_files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in (out / "parquet").rglob("*") if p.is_file()}


@pytest.fixture
def teams(tmp_path: Path) -> Path:
    return make_teams(tmp_path / "各团队", bad=False)


def test_typed_columns_and_computed_values(teams: Path, tmp_path: Path) -> None:
    out = tmp_path / "导出"
    result = export(str(teams), "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["rows"], doc["teams"]) == (8, ["华东", "华北", "华北一组", "华北二组", "华南"])
    schema = pq.read_schema(next((out / "parquet").rglob("*.parquet")))
    types = {name: schema.field(name).type for name in schema.names}
    assert types["raised_on"] == pa.date32() and types["deadline"] == pa.date32()
    assert types["workdays_overdue"] == pa.int32() and types["level"] == pa.int8()
    assert types["overdue"] == pa.bool_() and types["closed_on_time"] == pa.bool_()
    assert "team" not in types and "raised_month" not in types  # in the directories
    got = rows(out)
    d_row, h_row, e_row, f_row = (got[("华东.xlsx", 3)], got[("华东.xlsx", 4)], got[("华北.xlsx", 2)],
                                  got[("华北.xlsx", 3)])
    # teams_helpers: D 3 working days overdue (level 1), E 6 (level 2: past 3),
    # H's deadline derived from 华东's SLA of 3 working days
    assert (d_row["status"], d_row["overdue"], d_row["workdays_overdue"], d_row["level"]) == (
        "open", True, 3, 1)
    assert (e_row["team"], e_row["workdays_overdue"], e_row["level"]) == ("华北一组", 6, 2)
    assert (h_row["deadline"], h_row["deadline_derived"], h_row["sla_workdays"]) == (
        dt.date(2026, 11, 26), True, 3)
    assert (f_row["team"], f_row["status"], f_row["closed_on_time"], f_row["resolution_workdays"],
            f_row["workdays_overdue"], f_row["raised_month"]) == ("华北", "closed", True, 1, None,
                                                                 "2026-11")
    assert got[("华东.xlsx", 2)]["due_soon_days"] == 5 and got[("华南.xlsx", 2)]["due_soon_days"] == 2
    assert (out / "parquet" / "team=华北一组" / "raised_month=2026-11").is_dir()
    calendar = pq.read_table(out / "calendar.parquet").to_pylist()
    east = {c["date"]: c for c in calendar if c["team"] == "华东"}
    south = {c["date"]: c for c in calendar if c["team"] == "华南"}
    assert not east[dt.date(2026, 12, 1)]["is_workday"] and south[dt.date(2026, 12, 1)]["is_workday"]
    # working days of (11-30, 12-04] in 华东: 12-2, 3, 4
    assert east[dt.date(2026, 12, 4)]["workday_index"] - east[dt.date(2026, 11, 30)]["workday_index"] == 3


def test_csv_has_a_bom_and_guards_formulas_while_parquet_keeps_them(tmp_path: Path) -> None:
    hostile = ["=cmd|' /C calc'!A0", "+86 138", "-5 张", "@SUM", "普通客户"]
    register = write_xlsx(tmp_path / "团队.xlsx", {"登记表": [
        HEADER, *([i + 1, name, "李明", "品质", f"{name} 反映板面开裂，涉及20张，请尽快处理",
                   dt.date(2026, 11, 24), dt.date(2026, 12, 4), "否", None]
                  for i, name in enumerate(hostile))]})
    out = tmp_path / "导出"
    assert export(str(register), "--out", str(out)).exit_code == 0
    raw = (out / "complaints.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(out / "complaints.csv", encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert [r["customer"] for r in records] == ["'" + h for h in hostile[:4]] + ["普通客户"]
    assert records[0]["raised_on"] == "2026-11-24" and records[0]["overdue"] == "false"
    assert sorted(r["customer"] for r in rows(out).values()) == sorted(hostile)  # exact in Parquet
    guarded = csv_safe(pa.array(["\tx", "\rx", "a=b", None, "-"])).to_pylist()
    assert guarded == ["'\tx", "'\rx", "a=b", None, "'-"]


def test_a_rerun_replaces_the_dataset_and_leaves_other_files(teams: Path, tmp_path: Path) -> None:
    out = tmp_path / "导出"
    assert export(str(teams), "--out", str(out)).exit_code == 0
    before = parquet_files(out)
    assert any("华东" in p for p in before)
    (out / "我的笔记.txt").write_text("mine", encoding="utf-8")
    assert export(str(teams / "华南.xlsx"), "--out", str(out)).exit_code == 0
    after = parquet_files(out)
    assert after and all("team=华南" in p for p in after)  # nothing of the old dataset is left
    assert {k[0] for k in rows(out)} == {"华南.xlsx"}
    with open(out / "complaints.csv", encoding="utf-8-sig", newline="") as fh:
        assert {r["team"] for r in csv.DictReader(fh)} == {"华南"}
    assert (out / "我的笔记.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == [
        ".complaint-xl-export.json", "calendar.parquet", "complaints.csv", "parquet", "我的笔记.txt"]


def test_a_failed_export_leaves_the_earlier_one_as_it_was(teams: Path, tmp_path: Path) -> None:
    from complaint_xl.export import ExportWriter

    out = tmp_path / "导出"
    assert export(str(teams), "--out", str(out)).exit_code == 0
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    writer = ExportWriter(out)
    writer.abort()  # what a run does when a later register or a write fails
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == snapshot


def test_someone_else_s_files_are_never_replaced(teams: Path, tmp_path: Path) -> None:
    out = tmp_path / "别人的"
    (out / "parquet").mkdir(parents=True)
    (out / "parquet" / "data.parquet").write_bytes(b"theirs")
    result = export(str(teams), "--out", str(out))
    assert result.exit_code == 2 and "parquet" in result.stderr and "Traceback" not in result.stderr
    assert (out / "parquet" / "data.parquet").read_bytes() == b"theirs"
    assert sorted(p.name for p in out.iterdir()) == ["parquet"]


HOSTILE_TEAMS = ["../逃逸", "a/b", "..", "C:\\evil", "%41", "CON", "名字.", "x=y#z"]


def test_hostile_team_names_stay_inside_the_folder_and_read_back_exactly(tmp_path: Path) -> None:
    import duckdb

    folder = tmp_path / "deep" / "regs"
    folder.parent.mkdir()
    north = [[*r[:-1], t] for r, t in zip(NORTH * 3, HOSTILE_TEAMS, strict=False)]
    register = write_xlsx(folder.parent / "x.xlsx", {"登记表": [[*HEADER, "团队"], *north]})
    out = folder / "导出"
    assert export(str(register), "--out", str(out)).exit_code == 0
    made = [p for p in tmp_path.rglob("*") if p.is_file() or p.is_dir()]
    assert all(p.resolve().is_relative_to(out.resolve()) or p in (folder, folder.parent, register)
               for p in made), made
    teams = {p.name for p in (out / "parquet").iterdir()}
    assert teams == {f"team={partition_value(t)}" for t in HOSTILE_TEAMS}
    assert "team=..%2F逃逸" in teams and "team=a%2Fb" in teams and "team=名字%2E" in teams
    expected = sorted(HOSTILE_TEAMS)
    assert sorted(r["team"] for r in rows(out).values()) == expected  # pyarrow decodes them
    found = duckdb.sql(f"SELECT team FROM read_parquet('{out.as_posix()}/parquet/**/*.parquet', "
                       "hive_partitioning = true, hive_types = {'team': VARCHAR})").fetchall()
    assert sorted(t for (t,) in found) == expected  # and so does DuckDB


def test_worker_processes_export_the_same_rows(teams: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    here, there = tmp_path / "here", tmp_path / "there"
    assert export(str(teams), "--out", str(here)).exit_code == 0
    env = {**os.environ, "COMPLAINT_XL_WORKERS": "2"}
    subprocess.run([sys.executable, "-m", "complaint_xl", "export", str(teams), "--out", str(there),
                    "--today", AS_OF.isoformat()], check=True, capture_output=True, env=env, timeout=300)
    assert (there / "complaints.csv").read_bytes() == (here / "complaints.csv").read_bytes()
    assert rows(there) == rows(here) and parquet_files(there) == parquet_files(here)
