"""Make the benchmark registers: 1k, 10k, 100k and 1,048,575 rows (Excel's limit).

The registers are the sample generator's (``complaint_xl.sample.make_register``,
planted mistakes included) with the demo team's settings sheets, written the way a
team's sheet looks (``write_register_xlsx``). They go to ``benchmarks/data/``
(git-ignored) and are reused while the generator and its seed are unchanged.

    python benchmarks/make_data.py                 # every size
    python benchmarks/make_data.py --sizes 1k,100k
    python benchmarks/make_data.py --teams 20 --sizes 50k   # 20 teams' registers of 50k rows

With ``--teams N`` each size gives N registers in one folder (``teams_N_ROWS_stamp/``), one
per team (``团队01.xlsx`` …), each from its own seed and with settings of its own: the
SLA and the due-soon days differ from team to team, as they would between real teams.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time
from pathlib import Path
from typing import Final

__all__ = ["AS_OF", "DATA", "EXCEL_ROWS", "SIZES", "ensure_register", "ensure_teams", "parse_sizes",
           "register_path", "teams_folder"]

# complaint_xl (and pandas) is imported only to make data: bench.py imports this module
# and must stay small, because a child's peak-memory figure starts from its parent's size.
SAMPLE_SOURCE: Final[Path] = Path(__file__).resolve().parents[1] / "src" / "complaint_xl" / "sample.py"

AS_OF: Final[dt.date] = dt.date(2026, 11, 29)
DATA: Final[Path] = Path(__file__).resolve().parent / "data"
EXCEL_ROWS: Final[int] = 1_048_575
"""Excel's 1,048,576 rows less the header row."""
SIZES: Final[dict[str, int]] = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": EXCEL_ROWS}
SEED: Final[int] = 2026


def parse_sizes(text: str) -> list[int]:
    """'1k,100k' or '1000,1m' -> row counts; 'max', '1m' and '1048575' all mean Excel's limit."""
    out = []
    for item in text.split(","):
        item = item.strip().lower()
        if not item:
            continue
        if item in SIZES:
            out.append(SIZES[item])
        elif item == "max":
            out.append(EXCEL_ROWS)
        elif item.endswith("k") and item[:-1].isdigit():
            out.append(int(item[:-1]) * 1000)
        elif item.isdigit():
            out.append(int(item))
        else:
            raise argparse.ArgumentTypeError(f"not a size: {item!r} (use e.g. 1k,10k,100k,1m)")
    if any(n < 1 or n > EXCEL_ROWS for n in out):
        raise argparse.ArgumentTypeError(f"sizes run from 1 to {EXCEL_ROWS:,} rows")
    return out


def register_path(rows: int, folder: Path = DATA) -> Path:
    """Where the register with ``rows`` complaints is kept; the name changes with the generator."""
    stamp = hashlib.sha256(SAMPLE_SOURCE.read_bytes()).hexdigest()[:8]
    return folder / f"register_{rows}_{stamp}.xlsx"


def ensure_register(rows: int, folder: Path = DATA) -> Path:
    """The benchmark register with ``rows`` complaints, made if it is not there yet."""
    from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx

    path = register_path(rows, folder)
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"register_{rows}_*.xlsx"):  # made by an earlier generator
        stale.unlink()
    started = time.perf_counter()
    # Twelve weeks for small registers; a million complaints spread over three years.
    weeks = max(12, min(156, rows // 2_000))
    frame = make_register(rows, as_of=AS_OF, seed=SEED, weeks=weeks)
    write_register_xlsx(frame, path, extra_sheets=sample_settings_sheets())
    took = time.perf_counter() - started
    print(f"made {path.name}: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, {took:.1f} s",
          flush=True)
    return path


def teams_folder(teams: int, rows: int, folder: Path = DATA) -> Path:
    """Where the ``teams`` registers of ``rows`` complaints each are kept."""
    stamp = hashlib.sha256(SAMPLE_SOURCE.read_bytes()).hexdigest()[:8]
    return folder / f"teams_{teams}_{rows}_{stamp}"


def team_file(i: int) -> str:
    """The i-th team's register (from 1): 团队01.xlsx, the file's name being the team."""
    return f"团队{i:02d}.xlsx"


def ensure_teams(teams: int, rows: int, folder: Path = DATA) -> Path:
    """A folder of ``teams`` registers of ``rows`` complaints each, made if missing.

    Team i has its own seed, SLA (默认时限 13 + i % 5) and due-soon days (到期提醒 1 + i % 3).
    """
    from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx

    target = teams_folder(teams, rows, folder)
    target.mkdir(parents=True, exist_ok=True)
    weeks = max(12, min(156, rows // 2_000))
    for i in range(1, teams + 1):
        path = target / team_file(i)
        if path.exists():
            continue
        started = time.perf_counter()
        sheets = sample_settings_sheets()
        settings = next(name for name in sheets if name in ("设置", "Settings"))
        sheets[settings] = [row if not str(row[0]).startswith(("默认时限", "到期提醒")) else
                            [row[0], 13 + i % 5 if row[0].startswith("默认") else 1 + i % 3, row[2]]
                            for row in sheets[settings]]
        frame = make_register(rows, as_of=AS_OF, seed=SEED + i, weeks=weeks)
        write_register_xlsx(frame, path, extra_sheets=sheets)
        print(f"made {path}: {rows:,} rows, {time.perf_counter() - started:.1f} s", flush=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(SIZES.values()),
                        help="comma-separated row counts (default 1k,10k,100k,1m)")
    parser.add_argument("--teams", type=int, default=0,
                        help="make this many teams' registers of each size (default: one register)")
    args = parser.parse_args()
    for rows in args.sizes:
        print(ensure_teams(args.teams, rows) if args.teams else ensure_register(rows))


if __name__ == "__main__":
    main()
