"""Time validate, chase and report against what reading and writing the file must cost.

Every measurement is a fresh process, as a user's run is: ``complaint-xl validate``,
``chase`` and ``report`` (``python -m complaint_xl … --today 2026-11-29 --out TMP``)
and two floors, the least any program must spend on the same file:

- read floor: python-calamine reading the register sheet
  (``CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()``);
- read-write floor: that, plus XlsxWriter in constant-memory mode writing the same
  values to a new workbook.

validate and chase are compared with the read floor, report (which writes a detail
sheet) with the read-write floor. Runs are interleaved (floor, commands, floor, …) so
that load from other programs on a shared machine spreads over all of them; the
median of the repeats is reported. Peak memory is each child's own maximum resident
set size, from ``os.wait4`` (the kernel's per-process accounting, not a sum). Linux
starts a child's figure from its parent's size at fork, so this script imports neither
complaint_xl nor pandas: its own ~10 MB is below every child's real peak.

    python benchmarks/bench.py                    # 1k, 10k, 100k and 1,048,575 rows
    python benchmarks/bench.py --quick            # 1k and 10k
    python benchmarks/bench.py --sizes 100k --repeat 5
    python benchmarks/bench.py --teams 20 --sizes 50k   # 20 teams' registers in one run

The table is printed and written into ``benchmarks/RESULTS.md`` between the
``bench:start``/``bench:end`` markers (``bench-teams:start``/``bench-teams:end`` for
``--teams``); the rest of that file (notes) is kept.

With ``--teams N`` the registers are N teams' files of each size (``make_data.py --teams``)
and one run reads them all: ``report DIR --json`` (no files written) and ``export DIR --out
TMP`` are held to the sum of the files' read floors, each floor a fresh process per file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import AS_OF, EXCEL_ROWS, SIZES, parse_sizes, register_path, teams_folder

HERE: Final[Path] = Path(__file__).resolve().parent
RESULTS: Final[Path] = HERE / "RESULTS.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TARGET: Final[float] = 1.5
"""At 100k rows every command must be within this multiple of its floor."""
TARGET_ROWS: Final[int] = 100_000
COMMANDS: Final[tuple[str, ...]] = ("validate", "chase", "report")
FLOOR_OF: Final[dict[str, str]] = {"validate": "read", "chase": "read", "report": "read-write"}

READ_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
"""
READ_WRITE_FLOOR = READ_FLOOR + """
import xlsxwriter
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_numbers": False, "strings_to_urls": False})
ws = wb.add_worksheet()
for i, row in enumerate(rows):
    ws.write_row(i, 0, row)
wb.close()
"""


@dataclass
class Sample:
    """One fresh process: wall time, CPU time and its own peak resident memory."""

    seconds: float
    cpu: float
    peak_mb: float


@dataclass
class Measure:
    name: str
    samples: list[Sample] = field(default_factory=list)
    failure: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)


def run_child(argv: list[str], ok_codes: tuple[int, ...] = (0,)) -> Sample:
    """Run one process to the end; its wall time, CPU time and peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok_codes:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"exit {proc.returncode}: {' | '.join(tail)}")
    # ru_maxrss is in KiB on Linux.
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def argv_for(name: str, register: Path, out: Path) -> tuple[list[str], tuple[int, ...]]:
    """The command line of a measurement and the exit codes that mean it ran through."""
    py = sys.executable
    if name == "read":
        return [py, "-c", READ_FLOOR, str(register)], (0,)
    if name == "read-write":
        return [py, "-c", READ_WRITE_FLOOR, str(register), str(out / "copy.xlsx")], (0,)
    target = out / "findings.xlsx" if name == "validate" else out
    # validate exits 1 when it finds errors: the sample register has planted mistakes.
    ok = (0, 1) if name == "validate" else (0,)
    return [py, "-m", "complaint_xl", name, str(register), "--today", AS_OF.isoformat(),
            "--out", str(target)], ok


def ensure_register(rows: int) -> Path:
    """The register of this size, made by make_data.py in its own process if missing."""
    path = register_path(rows)
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_data.py"), "--sizes", str(rows)],
                       check=True)
    return path


def bench_size(rows: int, repeat: int, commands: tuple[str, ...]) -> dict[str, Measure]:
    register = ensure_register(rows)
    names = ["read", "read-write", *commands]
    results = {n: Measure(n) for n in names}
    for i in range(repeat):
        for name in names:
            m = results[name]
            if m.failure:
                continue
            with tempfile.TemporaryDirectory(prefix="cxl-bench-") as tmp:
                argv, ok = argv_for(name, register, Path(tmp))
                try:
                    sample = run_child(argv, ok)
                except RuntimeError as exc:
                    m.failure = str(exc)
                    print(f"  {rows:>9,} {name:<10} failed: {exc}", flush=True)
                    continue
            m.samples.append(sample)
            print(f"  {rows:>9,} {name:<10} run {i + 1}/{repeat}: {sample.seconds:7.2f} s "
                  f"(cpu {sample.cpu:6.2f} s), peak {sample.peak_mb:7.0f} MB", flush=True)
    return results


def table(all_results: dict[int, dict[str, Measure]]) -> list[str]:
    """The results as a Markdown table, one line per size and measurement."""
    lines = [
        "| rows | run | median s | cpu s | floor | ratio | target | peak MB |",
        "|---:|---|---:|---:|---|---:|---|---:|",
    ]
    for rows, results in all_results.items():
        for name, m in results.items():
            if m.failure or not m.samples:
                lines.append(f"| {rows:,} | {name} | failed | | | | | |")
                continue
            floor_name = FLOOR_OF.get(name)
            floor = results.get(floor_name) if floor_name else None
            ratio = target = floor_text = ""
            if floor is not None and floor.samples:
                r = m.median / floor.median
                ratio, floor_text = f"{r:.2f}x", floor_name or ""
                if rows == TARGET_ROWS:
                    target = f"{'met' if r <= TARGET else 'MISSED'} (≤ {TARGET}x)"
            label = name if floor_name else f"*{name} floor*"
            lines.append(f"| {rows:,} | {label} | {m.median:.2f} | {m.cpu:.2f} | {floor_text} | "
                         f"{ratio} | {target} | {m.peak_mb:,.0f} |")
    return lines


def machine() -> list[str]:
    """What the figures were measured on."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    usable = len(os.sched_getaffinity(0))
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "absent"

    return [
        f"- date: {dt.datetime.now():%Y-%m-%d %H:%M}",
        f"- CPU: {cpu}, {os.cpu_count()} logical cores ({usable} usable), RAM {mem}",
        f"- OS: {platform.platform()}; load average at start (1/5/15 min): {load}",
        f"- Python {platform.python_version()}; pandas {version('pandas')}, numpy "
        f"{version('numpy')}, python-calamine {version('python-calamine')}, XlsxWriter "
        f"{version('xlsxwriter')}, complaint-xl {version('complaint-xl')}",
    ]


def bench_teams(teams: int, rows: int, repeat: int) -> dict[str, Measure]:
    """report and export over ``teams`` registers of ``rows`` each, against the sum of their
    read floors (a fresh process per file, the times added, the largest peak kept)."""
    folder = teams_folder(teams, rows)
    if len(list(folder.glob("*.xlsx"))) < teams:
        subprocess.run([sys.executable, str(HERE / "make_data.py"), "--teams", str(teams),
                        "--sizes", str(rows)], check=True)
    files = sorted(folder.glob("*.xlsx"))[:teams]
    py = sys.executable
    runs = {
        "report": ([py, "-m", "complaint_xl", "report", str(folder), "--today", AS_OF.isoformat(),
                    "--json"], (0,)),
        "export": ([py, "-m", "complaint_xl", "export", str(folder), "--today", AS_OF.isoformat()],
                   (0,)),
    }
    results = {n: Measure(n) for n in ("read", *runs)}
    for i in range(repeat):
        samples = [run_child([py, "-c", READ_FLOOR, str(f)]) for f in files]
        floor = Sample(sum(s.seconds for s in samples), sum(s.cpu for s in samples),
                       max(s.peak_mb for s in samples))
        results["read"].samples.append(floor)
        print(f"  {teams}x{rows:,} read floor (sum) run {i + 1}/{repeat}: {floor.seconds:7.2f} s",
              flush=True)
        for name, (argv, ok) in runs.items():
            with tempfile.TemporaryDirectory(prefix="cxl-bench-") as tmp:
                out = [*argv, "--out", str(Path(tmp) / "export")] if name == "export" else argv
                sample = run_child(out, ok)
            results[name].samples.append(sample)
            print(f"  {teams}x{rows:,} {name:<8} run {i + 1}/{repeat}: {sample.seconds:7.2f} s "
                  f"(cpu {sample.cpu:6.2f} s), peak {sample.peak_mb:7.0f} MB", flush=True)
    return results


def teams_table(teams: int, rows: int, results: dict[str, Measure]) -> list[str]:
    lines = ["| registers | run | median s | cpu s | ratio to the read floors | target | peak MB |",
             "|---|---|---:|---:|---:|---|---:|"]
    floor = results["read"].median
    for name, m in results.items():
        if name == "read":
            lines.append(f"| {teams} × {rows:,} | *read floors, summed* | {m.median:.2f} | "
                         f"{m.cpu:.2f} |  |  | {m.peak_mb:,.0f} (one file) |")
            continue
        r = m.median / floor
        lines.append(f"| {teams} × {rows:,} | {name} | {m.median:.2f} | {m.cpu:.2f} | {r:.2f}x | "
                     f"{'met' if r <= TARGET else 'MISSED'} (≤ {TARGET}x) | {m.peak_mb:,.0f} |")
    return lines


def write_results(lines: list[str], path: Path = RESULTS, *, markers: tuple[str, str] = (START, END)
                  ) -> None:
    """Put the block between the markers of RESULTS.md, keeping everything else."""
    start, end = markers
    block = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(SIZES.values()),
                        help="comma-separated row counts (default 1k,10k,100k,1m)")
    parser.add_argument("--quick", action="store_true", help="only 1k and 10k rows")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement (default 3; the million always runs once)")
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help="which commands to time (default validate,chase,report)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    parser.add_argument("--teams", type=int, default=0,
                        help="N teams' registers of each size in one run (report and export)")
    args = parser.parse_args()
    if args.teams:
        header = machine()
        print("\n".join(header), flush=True)
        lines = []
        for rows in args.sizes:
            lines += teams_table(args.teams, rows, bench_teams(args.teams, rows, args.repeat))
        print("\n".join(lines))
        if not args.no_write:
            command = "python benchmarks/bench.py " + shlex.join(sys.argv[1:])
            write_results([f"Produced by `{command.strip()}`:", "", *header, "", *lines],
                          markers=("<!-- bench-teams:start -->", "<!-- bench-teams:end -->"))
            print(f"written to {RESULTS}")
        return
    sizes = [1_000, 10_000] if args.quick else args.sizes
    commands = tuple(c for c in args.commands.split(",") if c)
    unknown = set(commands) - set(COMMANDS)
    if unknown:
        parser.error(f"unknown command(s): {', '.join(sorted(unknown))}")
    header = machine()
    print("\n".join(header), flush=True)
    all_results = {}
    for rows in sizes:
        repeat = 1 if rows >= EXCEL_ROWS else args.repeat
        all_results[rows] = bench_size(rows, repeat, commands)
    command = "python benchmarks/bench.py " + shlex.join(sys.argv[1:])
    lines = [f"Produced by `{command.strip()}`:", "", *header, "", *table(all_results), "",
             "median s: median wall time of the repeats (the million: one run); cpu s: user + "
             "system time of that process; peak MB: the largest resident set of any repeat; "
             f"ratio: median / the floor's median; target: at {TARGET_ROWS:,} rows, "
             f"≤ {TARGET}x the floor."]
    print("\n".join(table(all_results)))
    if not args.no_write:
        write_results(lines)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
