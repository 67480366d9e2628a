"""The KPIs as SQL (complaint_xl/sql/kpis.sql), run by DuckDB over the export, give the figures
of ``report --json``: every key of ``totals`` and of each ``by.team``, for two weeks, on three
teams' registers with the lifecycle's columns and settings and calendars of their own."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from complaint_xl.cli import cli
from complaint_xl.kpi.weeks import monday, parse_week
from complaint_xl.sql import PARAMETERS, duckdb_views, kpis_query, kpis_sql
from conftest import write_xlsx
from lifecycle_helpers import AS_OF, HEADERS, HOLIDAYS, STAFF, WEEK_ROWS, closed, complaint, d, write

duckdb = pytest.importorskip("duckdb")

ROWS = WEEK_ROWS  # the lifecycle's cases, counted by hand in tests/test_lifecycle_report.py
MORE = [  # overdue, paused today, due soon, and week 19's closures
    complaint(11, "客户K", raised_on=d("2026-05-04"), deadline=d("2026-05-15")),
    complaint(12, "客户L", raised_on=d("2026-05-06"), deadline=d("2026-05-13"),
              paused_from=d("2026-05-12")),
    complaint(13, "客户M", raised_on=d("2026-05-14"), deadline=d("2026-05-22")),
    complaint(14, "客户N", raised_on=d("2026-05-05"), deadline=d("2026-05-21"), accepted_on=d("2026-05-08")),
    closed(15, "客户O", "2026-05-08", raised_on=d("2026-05-06"), deadline=d("2026-05-07"),
           followup_on=d("2026-05-11"), satisfaction="满意"),
    closed(16, "客户P", "2026-05-07", raised_on=d("2026-05-04"), deadline=d("2026-05-15"),
           closure_kind="非正常", abnormal_reason="重复投诉", approved_by="孙建国"),
]
WEEKS = ("2026-W20", "2026-W19")


def _third(path: Path) -> Path:
    """丙队: the rows above and more, default settings, and a company day off on Mon 05-18."""
    rows = [*ROWS[:3], *MORE]
    fields = list(HEADERS)
    return write_xlsx(path, {
        "登记表": [[HEADERS[f] for f in fields], *([r.get(f) for f in fields] for r in rows)],
        "节假日": [*HOLIDAYS, ["2026-05-18", "休息", "", "公司活动"]], "人员": STAFF})


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sql")
    regs = base / "regs"
    regs.mkdir()
    write(regs / "甲队.xlsx", ROWS, settings=[["大客户时限(工作日)", 5]])
    write(regs / "乙队.xlsx", [*ROWS, *MORE[3:]], settings=[["受理时限(工作日)", 3], ["到期提醒(工作日)", 5]])
    _third(regs / "丙队.xlsx")
    done = CliRunner().invoke(cli, ["export", str(regs), "--out", str(base / "export"),
                                    "--today", AS_OF.isoformat()], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    return base


def report(folder: Path, week: str) -> dict[str, Any]:
    done = CliRunner().invoke(cli, ["report", str(folder / "regs"), "--today", AS_OF.isoformat(),
                                    "--week", week, "--json"], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


def sql_figures(folder: Path, week: str) -> dict[str | None, dict[str, Any]]:
    """kpis.sql in DuckDB as a prepared statement: team (None: all) -> figures."""
    start = monday(parse_week(week))
    con = duckdb.connect()
    con.execute(duckdb_views(folder / "export"))
    cursor = con.execute(kpis_sql(), {"period_start": start, "period_end": start + dt.timedelta(days=6),
                                      "as_of": AS_OF})
    names = [c[0] for c in cursor.description]
    return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def rounded(figure: str, value: Any) -> Any:
    """As the report rounds: rates to 4 decimals, working days to 2; counts as integers."""
    if value is None:
        return None
    if figure.endswith("_rate"):
        return round(float(value), 4)
    if figure.endswith("_workdays"):
        return round(float(value), 2)
    return int(value)


@pytest.mark.parametrize("week", WEEKS)
def test_duckdb_gives_every_figure_of_report_json(folder: Path, week: str) -> None:
    doc = report(folder, week)
    assert doc["week"] == week
    got = sql_figures(folder, week)
    totals = doc["totals"]
    assert set(got[None]) == set(totals)  # every key of totals, no other
    assert {k: rounded(k, v) for k, v in got[None].items()} == totals
    assert set(got) - {None} == set(doc["by"]["team"]) == {"甲队", "乙队", "丙队"}
    for team, figures in doc["by"]["team"].items():
        assert {k: rounded(k, v) for k, v in got[team].items()} == figures, team


def test_the_weeks_differ_and_the_teams_settings_show(folder: Path) -> None:
    # not a comparison of zeros: the figures move with the week and with each team's settings
    w20, w19 = (report(folder, w) for w in WEEKS)
    # closures: 丙队 none in W20, 客户O and 客户P in W19 (one abnormal, one called back satisfied)
    assert (w20["by"]["team"]["丙队"]["closed"], w19["by"]["team"]["丙队"]["closed"]) == (0, 2)
    assert w19["totals"]["abnormal_closed"] == 2 and w19["totals"]["satisfied"] == 2  # 乙队, 丙队
    by = w20["by"]["team"]
    # 受理时限 3 in 乙队: 客户B, accepted after 2 working days, is on time there only
    assert (by["甲队"]["accepted_on_time"], by["乙队"]["accepted_on_time"]) == (2, 3)
    assert by["丙队"]["overdue"] == 1 and by["丙队"]["open"] == 7  # 客户L is paused, not overdue


def test_the_query_text_for_spark_and_the_shell(folder: Path) -> None:
    text = kpis_query(d("2026-05-11"), d("2026-05-17"), AS_OF)
    assert not re.search(r"\$(period_start|period_end|as_of)", text)
    assert "DATE '2026-05-11'" in text and "DATE '2026-05-20'" in text
    assert all(f"${p}" in kpis_sql() for p in PARAMETERS)
    con = duckdb.connect()
    con.execute(duckdb_views(folder / "export"))
    assert con.execute(text).fetchall()[0][1] == report(folder, "2026-W20")["totals"]["new"]
    printed = subprocess.run([sys.executable, "-m", "complaint_xl.sql", "--week", "2026-W20",
                              "--as-of", AS_OF.isoformat(), "--duckdb", str(folder / "export")],
                             capture_output=True, text=True, check=True).stdout
    assert printed.startswith("CREATE OR REPLACE VIEW complaints") and printed.rstrip().endswith(";")


def test_kpis_sql_ships_in_the_wheel(tmp_path: Path) -> None:
    import zipfile

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-q", "-w", str(tmp_path), str(root)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"no wheel could be built here: {done.stderr.strip()[-200:]}")
    wheel = next(tmp_path.glob("complaint_xl-*.whl"))
    assert "complaint_xl/sql/kpis.sql" in zipfile.ZipFile(wheel).namelist()
