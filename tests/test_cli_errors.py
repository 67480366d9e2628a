"""Errors that say what is wrong, and faults that end cleanly.

A day or a week that does not exist is told so (2026 has 53 weeks; there is no month 13),
a malformed one its format; a week not begun is refused and one under way warned about.
A full disk (RLIMIT_FSIZE in a child process, and a real 16 kB tmpfs where the tests may
mount one) ends in one line without a traceback; a run that stops midway lists what it
wrote and what not; a killed run's temporary files are cleared by the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import STANDARD_HEADER, row, write_xlsx

from complaint_xl.demo import write_demo_register
from complaint_xl.outputs.files import STALE_AFTER, clear_stale

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-02"  # a Wednesday, in week 49 (30 November to 6 December)


def _run(*args: str, preexec: Callable[[], None] | None = None, lang: str = "en"
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMPLAINT_XL_LANG": lang}
    env.pop("COMPLAINT_XL_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "complaint_xl", *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=ROOT, preexec_fn=preexec)


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "reg.xlsx", {"登记表": [list(STANDARD_HEADER), row(
        seq=1, customer="甲公司(经销商)", type="售后", owner="李明", problem="开裂 3 张，型号 A3-18",
        raised_on=dt.date(2026, 11, 23), deadline=dt.date(2026, 12, 11), closed="否")]})


# -- days and weeks that do not exist -----------------------------------------------------------

@pytest.mark.parametrize(("week", "en", "zh"), [
    ("2026-W60", "2026 has 53 weeks; week 60 does not exist (--week 2026-W60).",
     "2026 年只有 53 周，第 60 周不存在（--week 2026-W60）。"),
    ("2025-W53", "2025 has 52 weeks; week 53 does not exist (--week 2025-W53).",
     "2025 年只有 52 周，第 53 周不存在（--week 2025-W53）。"),
    ("2026-W00", "2026 has 53 weeks; week 0 does not exist (--week 2026-W00).",
     "2026 年只有 53 周，第 0 周不存在（--week 2026-W00）。"),
    ("2026-48", "the week '2026-48' must be YYYY-Www, for example 2026-W48.",
     "周“2026-48”的格式应为 YYYY-Www，例如 2026-W48。"),
])
def test_a_week_is_told_whether_it_does_not_exist_or_is_malformed(week: str, en: str, zh: str,
                                                                   register: Path) -> None:
    assert _one_line(_run("report", str(register), "--week", week)) == f"complaint-xl: {en}"
    assert _one_line(_run("report", str(register), "--week", week, lang="zh")) == f"complaint-xl: {zh}"


@pytest.mark.parametrize(("today", "en", "zh"), [
    ("2026-13-01", "the date '2026-13-01' does not exist: there is no month 13 (months are 1 to 12).",
     "日期“2026-13-01”不存在：没有 13 月（月份为 1 到 12）。"),
    ("2026-02-30", "the date '2026-02-30' does not exist: 2026-02 has 28 days, so there is no day 30.",
     "日期“2026-02-30”不存在：2026 年 2 月只有 28 天，没有 30 日。"),
    ("2028-02-30", "the date '2028-02-30' does not exist: 2028-02 has 29 days, so there is no day 30.",
     "日期“2028-02-30”不存在：2028 年 2 月只有 29 天，没有 30 日。"),
    ("2026-00-10", "the date '2026-00-10' does not exist: there is no month 0 (months are 1 to 12).",
     "日期“2026-00-10”不存在：没有 0 月（月份为 1 到 12）。"),
    ("2026/12/01", "the date '2026/12/01' must be YYYY-MM-DD.", "日期“2026/12/01”的格式应为 YYYY-MM-DD。"),
    ("tomorrow", "the date 'tomorrow' must be YYYY-MM-DD.", "日期“tomorrow”的格式应为 YYYY-MM-DD。"),
])
def test_a_day_is_told_whether_it_does_not_exist_or_is_malformed(today: str, en: str, zh: str) -> None:
    assert _one_line(_run("validate", "x.xlsx", "--today", today)) == f"complaint-xl: {en}"
    assert _one_line(_run("chase", "x.xlsx", "--today", today, lang="zh")) == f"complaint-xl: {zh}"


def test_a_day_written_short_is_a_day(register: Path) -> None:
    done = _run("validate", str(register), "--today", "2026-12-2", "--json")
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["as_of"] == TODAY


def test_a_week_not_begun_is_refused(register: Path) -> None:
    line = _one_line(_run("report", str(register), "--today", TODAY, "--week", "2026-W50"))
    assert line == ("complaint-xl: 2026-W50 has not begun on 2026-12-02 (it starts on 2026-12-07): "
                    "there are no figures for it yet. Pick a week that is over, or a --today after it.")


def test_a_week_under_way_is_reported_with_a_warning_naming_its_days(register: Path) -> None:
    done = _run("report", str(register), "--today", TODAY, "--week", "2026-W49", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["week"] == "2026-W49"  # stdout is the document alone
    assert ("complaint-xl: warning: 2026-W49 is not over on 2026-12-02: its figures cover "
            "2026-11-30 to 2026-12-02 only (3 of its 7 days; the week ends on 2026-12-06).\n"
            ) in done.stderr
    zh = _run("report", str(register), "--today", TODAY, "--week", "2026-W49", lang="zh")
    assert ("complaint-xl: 警告: 2026-W49 在 2026-12-02 还没有结束：数字只包括 2026-11-30 至 "
            "2026-12-02 这 3 天，整周到 2026-12-06 为止。") in zh.stderr


def test_a_week_that_is_over_is_not_warned_about(register: Path) -> None:
    # Sunday 29 November ends week 48; on the Monday after it, the week is over.
    done = _run("report", str(register), "--today", "2026-11-30", "--week", "2026-W48")
    assert done.returncode == 0, done.stderr
    assert "not over" not in done.stderr and "2026-W48" in done.stdout


# -- a full disk --------------------------------------------------------------------------------

def _file_limit(limit: int) -> Callable[[], None]:
    """A child whose files stop at ``limit`` bytes, as on a full disk (EFBIG, not killed)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_workbook_that_cannot_be_finished_is_closed_without_a_traceback(tmp_path: Path) -> None:
    # Every part of this workbook fits under the limit; the zip of them all does not, so
    # XlsxWriter fails inside its zip file, which Python would finish in a destructor
    # ("Exception ignored in: ZipFile.__del__ … Traceback"). The writer closes it first.
    code = textwrap.dedent(f"""
        import gc, random, sys
        from pathlib import Path
        from complaint_xl.errors import OutputError
        from complaint_xl.outputs.files import atomic_path
        from complaint_xl.outputs.xlsx import open_workbook

        random.seed(1)
        try:
            with atomic_path(Path({str(tmp_path / 'out' / 'big.xlsx')!r})) as tmp:
                wb = open_workbook(tmp)
                for s in range(30):
                    ws = wb.add_worksheet()
                    for r in range(300):
                        for c in range(4):
                            ws.write_number(r, c, random.random())
                wb.close()
        except OutputError as exc:
            print(exc.message("en"))
        gc.collect()
        print("end")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          preexec_fn=_file_limit(150_000), cwd=ROOT)
    assert done.stdout.splitlines() == [
        f"cannot write {tmp_path / 'out' / 'big.xlsx'}: the file is larger than allowed. Choose "
        "another folder, or close the output file if it is open in Excel.", "end"], done.stderr
    assert done.stderr == ""  # neither "Exception ignored" nor a traceback
    assert os.listdir(tmp_path / "out") == []  # and no temporary file


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 16 kB file system (tmpfs), where this process may mount one (root on Linux)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_really_full_disk_ends_in_one_line(tiny_disk: Path, tmp_path: Path) -> None:
    register = write_demo_register(tmp_path / "demo.xlsx", today=dt.date(2026, 12, 2))
    done = _run("report", str(register), "--today", TODAY, "--out", str(tiny_disk / "周报"))
    line = _one_line(done)  # the workbook, the first file, fails inside its zip: no traceback
    assert line == (f"complaint-xl: cannot write {tiny_disk / '周报' / 'weekly-2026-W48.xlsx'}: the disk "
                    "is full. Choose another folder, or close the output file if it is open in Excel.")
    zh = _one_line(_run("report", str(register), "--today", TODAY, "--out", str(tiny_disk / "周报"),
                        lang="zh"))
    assert "磁盘已满" in zh
    assert [p.name for p in (tiny_disk / "周报").iterdir()] == []  # no temporary file left


def test_a_chase_that_stops_midway_says_what_it_wrote_and_a_rerun_replaces_it(tmp_path: Path) -> None:
    register = write_demo_register(tmp_path / "demo.xlsx", today=dt.date(2026, 12, 2))
    whole = tmp_path / "whole"
    assert _run("chase", str(register), "--today", TODAY, "--out", str(whole)).returncode == 0
    sizes = {p.name: p.stat().st_size for p in whole.iterdir() if not p.name.startswith(".")}
    largest, second = sorted(sizes, key=lambda n: sizes[n])[-1:-3:-1]
    assert largest.endswith(".eml") and len(sizes) > 3  # the biggest draft, not the chase list
    # Between the two largest: a draft's size varies by a few bytes from run to run (its date).
    assert sizes[largest] - sizes[second] > 1000
    out = tmp_path / "out"
    done = _run("chase", str(register), "--today", TODAY, "--out", str(out),
                preexec=_file_limit((sizes[largest] + sizes[second]) // 2))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == (f"complaint-xl: cannot write {out / largest}: the file is larger than allowed. "
                        "Choose another folder, or close the output file if it is open in Excel.")
    there = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert there and largest not in there
    head = f"complaint-xl: written before the error (in {out}, {len(there)} in all): "
    assert lines[1].startswith(head)
    told = lines[1][len(head):].removesuffix(", …").split(", ")
    assert sorted(told) == there[:10] or (len(there) > 10 and set(told) < set(there))
    assert lines[2] == (f"complaint-xl: not written: {out / largest}, nor the files the run would have "
                        "written after it. Fix the problem above and run again.")
    again = _run("chase", str(register), "--today", TODAY, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(sizes)


# -- a killed run's temporary files ------------------------------------------------------------

def _age(path: Path, seconds: float) -> Path:
    path.write_bytes(b"PK\x03\x04 half a workbook")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_the_next_run_clears_a_killed_run_s_temporary_files(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old = STALE_AFTER + 60
    stale = [_age(out / ".weekly-2026-W48.cxl_a1b2c3d4.xlsx", old),
             _age(out / ".weekly-2026-W48.cxl_zz99yy88.html", old),
             _age(out / ".weekly-2026-W48.k3j4h5g6.xlsx", old)]  # before the mark, beside its file
    kept = [_age(out / ".weekly-2026-W48.cxl_fresh123.xlsx", 30),  # another run may be writing it
            _age(out / ".notes.cxl_.xlsx", old),  # not our pattern
            _age(out / ".weekly-2026-W47.k3j4h5g6.xlsx", old),  # unmarked, beside no file we write
            _age(out / "weekly-2026-W48.txt", old), _age(out / ".bashrc", old)]
    done = _run("report", str(register), "--today", "2026-11-30", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)
    assert (out / "weekly-2026-W48.xlsx").is_file()


def test_clearing_leaves_what_is_not_stale_yet(tmp_path: Path) -> None:
    young = _age(tmp_path / ".chase-2026-12-02.cxl_abcdefgh.xlsx", STALE_AFTER - 60)
    old = _age(tmp_path / ".催办-李明.cxl_abcdefgh.eml", STALE_AFTER + 1)
    assert clear_stale(tmp_path) == [old]
    assert young.exists()
    assert clear_stale(tmp_path, now=time.time() + STALE_AFTER) == [young]
