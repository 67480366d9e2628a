"""Rebuild the committed workbooks: ``python -m complaint_xl.workbook.build [--out workbook]``.

They are built as of a fixed day with a fixed demo seed, so the files in the repository
are exactly what ``complaint-xl new-workbook --today 2026-11-27`` writes (a test says so).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Final

from complaint_xl.workbook.builder import build_workbook

__all__ = ["BUILD_DATE", "COMMITTED", "main"]

BUILD_DATE: Final[dt.date] = dt.date(2026, 11, 27)
"""The as-of day of the committed workbooks: holidays for 2026 and 2027, demo rows before it."""
COMMITTED: Final[dict[str, bool]] = {"complaints.xlsm": False, "complaints-demo.xlsm": True}
"""File name -> whether it holds the demo rows."""


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("workbook"),
                        help="folder for the workbooks (default: workbook)")
    args = parser.parse_args(argv)
    written = [build_workbook(args.out / name, lang="zh", demo=demo, today=BUILD_DATE, force=True)
               for name, demo in COMMITTED.items()]
    for path in written:
        print(path)
    return written


if __name__ == "__main__":
    main()
