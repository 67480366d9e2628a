"""Long runs: progress on a terminal only, and validate's summary before its first findings.

The progress display is checked through a real pseudo-terminal (stderr a tty, stdout a
pipe, as in a shell with the output redirected), and its absence without one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import select
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from complaint_xl.cli.findings_view import SHOWN, SHOWN_OWNERS
from complaint_xl.sample import make_register, write_register_xlsx

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 12, 2)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPLAINT_XL_PROGRESS", "NO_COLOR")}
    return {**env, "TERM": "xterm", "COMPLAINT_XL_LANG": "en", **extra}


def _on_a_terminal(*args: str, **env: str) -> tuple[int, str, str]:
    """Run complaint-xl with stderr on a pseudo-terminal: (exit code, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "complaint_xl", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=_env(**env), cwd=ROOT)
    os.close(slave)
    seen = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # the child closed its end (Linux says EIO)
                break
            if not data:
                break
            seen += data
        elif proc.poll() is not None:
            break
    os.close(master)
    out = proc.stdout.read().decode("utf-8") if proc.stdout else ""
    return proc.wait(timeout=60), out, seen.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register of 3,000 complaints with the sample's planted mistakes (169 findings)."""
    path = tmp_path_factory.mktemp("big") / "big.xlsx"
    return write_register_xlsx(make_register(3000, as_of=TODAY, seed=5), path)


# -- progress -------------------------------------------------------------------------------------

def test_progress_appears_on_a_terminal(big: Path, tmp_path: Path) -> None:
    code, out, terminal = _on_a_terminal("report", str(big), "--today", TODAY.isoformat(),
                                         "--out", str(tmp_path / "r"))
    assert code == 0, terminal
    shown = ANSI.sub("", terminal)
    assert "report · reading big.xlsx" in shown
    assert "report · computing the weekly figures of 3,000 rows" in shown
    assert "report · writing weekly-2026-W48.xlsx" in shown
    assert ".complaint-xl-manifest" not in shown  # the run's bookkeeping is not news
    assert "report · " not in out and "\x1b[" not in out  # stdout is the summary only
    assert out.startswith("Weekly complaint report") or "2026-W48" in out.splitlines()[0]


def test_progress_speaks_the_run_s_language(big: Path) -> None:
    code, _, terminal = _on_a_terminal("validate", str(big), "--today", TODAY.isoformat(),
                                       COMPLAINT_XL_LANG="zh")
    assert code == 1
    shown = ANSI.sub("", terminal)
    assert "校验 · 读取 big.xlsx" in shown and "校验 · 检查 3,000 行" in shown


def test_no_progress_without_a_terminal_or_under_json(big: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "complaint_xl", "validate", str(big), "--today",
                           TODAY.isoformat()], capture_output=True, text=True, env=_env(), cwd=ROOT)
    assert done.returncode == 1
    assert done.stderr == "" and "\x1b[?25l" not in done.stdout  # nothing but the findings
    code, out, terminal = _on_a_terminal("validate", str(big), "--today", TODAY.isoformat(), "--json")
    assert code == 1 and json.loads(out)["rows"] == 3000
    assert "validate · " not in ANSI.sub("", terminal)
    code, _, terminal = _on_a_terminal("validate", str(big), "--today", TODAY.isoformat(),
                                       COMPLAINT_XL_PROGRESS="0")
    assert code == 1 and "validate · " not in ANSI.sub("", terminal)


# -- validate on a big register -------------------------------------------------------------------

def _validate(big: Path, *extra: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "complaint_xl", "validate", str(big), "--today",
                           TODAY.isoformat(), *extra], capture_output=True, text=True, env=_env(),
                          cwd=ROOT)
    assert done.returncode == 1, done.stderr
    return done.stdout.splitlines()


def test_validate_prints_the_summary_first_then_fifty_findings(big: Path) -> None:
    document = json.loads(subprocess.run(
        [sys.executable, "-m", "complaint_xl", "validate", str(big), "--today", TODAY.isoformat(),
         "--json"], capture_output=True, text=True, env=_env(), cwd=ROOT).stdout)
    findings = document["findings"]
    total = len(findings)
    assert total > SHOWN  # the register is big enough to be cut
    lines = _validate(big)
    errors = sum(f["severity"] == "error" for f in findings)
    assert lines[0].startswith(f"{errors} error") and f"({document['rows']} rows checked)" in lines[0]
    # counts by rule: one line per code, each with the JSON's counts
    assert lines[1] == "by rule:"
    codes = Counter((f["code"], f["severity"]) for f in findings)
    by_rule = lines[2:2 + len({c for c, _ in codes})]
    for line in by_rule:
        code = line.split()[-1]
        assert re.match(rf"\s+errors\s+{codes[(code, 'error')]}\s+warnings\s+{codes[(code, 'warning')]}\s",
                        line), line
    owner_head = 2 + len(by_rule)
    assert lines[owner_head] == "by owner:"
    listed = [line for line in lines if re.match(r"  (error|warning) ", line)]
    assert len(listed) == SHOWN
    assert lines[-1] == (f"those are the first {SHOWN}; {total - SHOWN:,} more are not listed (of "
                         f"{total:,}): add --all to list them all, or --out findings.xlsx to write them "
                         "to a workbook (one row each, linked to its cell).")
    # counts by owner: every finding of a complaint row counted once
    blank = lines.index("", owner_head)
    by_owner = lines[owner_head + 1:blank]
    counted = [re.match(r"\s+errors\s+([\d,]+)\s+warnings\s+([\d,]+)\s+\S", line) for line in by_owner]
    assert all(counted) and 0 < len(by_owner) <= SHOWN_OWNERS + 1
    assert sum(int(m[1]) + int(m[2]) for m in counted if m) == total
    # then the findings under their rows, one blank line, the line on what was left out
    heads = [line for line in lines[blank + 1:-2] if not line.startswith(" ")]
    assert all(re.fullmatch(r"投诉登记 row \d+( \(owner: .+\))?", h) for h in heads), heads
    assert lines[-2] == ""
    assert len(lines) == blank + 1 + len(heads) + SHOWN + 2
    assert len(lines) < 150  # 3,000 rows, 169 findings: a screenful or two, not a scroll


def test_validate_all_lists_every_finding_and_out_names_the_workbook(big: Path, tmp_path: Path) -> None:
    total = len(json.loads(subprocess.run(
        [sys.executable, "-m", "complaint_xl", "validate", str(big), "--today", TODAY.isoformat(),
         "--json"], capture_output=True, text=True, env=_env(), cwd=ROOT).stdout)["findings"])
    every = _validate(big, "--all")
    assert len([line for line in every if re.match(r"  (error|warning) ", line)]) == total
    assert "more are not listed" not in every[-1]
    book = tmp_path / "findings.xlsx"
    cut = _validate(big, "--out", str(book))
    assert cut[-2].endswith(f"the findings workbook {book} has them all, or add --all to list them all.")
    assert cut[-1] == f"findings workbook: {book}" and book.is_file()
