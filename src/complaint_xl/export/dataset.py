"""Writing the export folder: the Parquet dataset, the CSV and the calendar, replaced as a whole.

``DIR/parquet/team=…/raised_month=…/part-….parquet`` (hive partitions), ``DIR/complaints.csv``
(UTF-8 with BOM, for Excel and Power BI) and ``DIR/calendar.parquet`` (each register's working
days, for SQL to count them). Everything is written into a staging folder inside DIR first,
then moved into place by renames: a reader sees the old dataset or the new one, never a mix
of their files. DIR's other files are left alone; DIR's own ``parquet``, ``complaints.csv``
and ``calendar.parquet`` are replaced only when a manifest says complaint-xl wrote them.

Team names become directory names only escaped (:func:`partition_value`): ``../x`` is the
directory ``team=..%2Fx`` inside DIR/parquet, and Parquet readers (pyarrow, DuckDB, Spark)
turn it back into ``../x``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import time
import uuid
import warnings
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from complaint_xl.errors import OutputError
from complaint_xl.export.table import SCHEMA, TEXT_COLUMNS
from complaint_xl.outputs.files import ensure_folder, reason
from complaint_xl.workdays import Calendar, CalendarWarning

__all__ = ["CALENDAR", "CSV", "HIVE_NULL", "MANIFEST", "PARQUET", "ExportWriter", "csv_safe",
           "partition_value"]

PARQUET: Final[str] = "parquet"
CSV: Final[str] = "complaints.csv"
CALENDAR: Final[str] = "calendar.parquet"
MANIFEST: Final[str] = ".complaint-xl-export.json"
"""Says that the three names above in the folder are complaint-xl's (and may be replaced)."""
_OURS: Final[tuple[str, ...]] = (PARQUET, CSV, CALENDAR)
HIVE_NULL: Final[str] = "__HIVE_DEFAULT_PARTITION__"
"""The partition value of a complaint without a raised date (null to hive readers)."""
_STAGING: Final[str] = ".cxl-export-"
_RETIRED: Final[str] = ".cxl-retired-"
_STALE_AFTER: Final[float] = 600.0
"""A staging or retired folder this many seconds old is a killed run's: removed."""
_UNSAFE: Final[frozenset[str]] = frozenset('"#%\'*/:=?\\{}[]^<>|')
_CSV_RISKY: Final[str] = r"^[=+\-@\t\r]"
"""Cells Excel would take for a formula (OWASP's CSV injection list)."""
CALENDAR_SCHEMA: Final[pa.Schema] = pa.schema([
    ("file", pa.string()), ("team", pa.string()), ("date", pa.date32()),
    ("is_workday", pa.bool_()), ("workday_index", pa.int32()),
])
"""``workday_index``: working days from the calendar's first day through ``date``, so the
working days of the half-open span (a, b] are ``index(b) - index(a)``."""


def partition_value(team: str) -> str:
    """A team name as a hive partition directory's value: characters a path or an engine
    would misread (``/ \\ : * ? " < > | % = #`` …, controls) percent-encoded, a trailing dot
    or space too (Windows drops them); Chinese and other letters kept as they are, as Spark
    writes them. pyarrow, DuckDB and Spark decode it back to the name."""
    out = "".join(f"%{ord(c):02X}" if c in _UNSAFE or ord(c) < 0x20 or ord(c) == 0x7F else c
                  for c in team)
    if out.endswith((".", " ")):
        out = out[:-1] + f"%{ord(out[-1]):02X}"
    return out or "%00"


def csv_safe(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Text Excel would run as a formula (starting with = + - @, tab or CR) behind a ``'``."""
    risky = pc.match_substring_regex(column, _CSV_RISKY)
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


def _fail(path: Path, exc: OSError) -> OutputError:
    return OutputError("out-not-writable", path=str(path), detail=reason(exc))


class ExportWriter:
    """Writes an export folder part by part (one register after another) and swaps it in."""

    def __init__(self, out: Path) -> None:
        self.out = ensure_folder(out)
        self._claim()
        self._sweep()
        self.staging = self.out / f"{_STAGING}{uuid.uuid4().hex[:12]}"
        self.rows = 0
        self.parts = 0
        self.teams: set[str] = set()
        self._calendars: list[pa.Table] = []
        try:
            (self.staging / PARQUET).mkdir(parents=True)
            self._csv_file = open(self.staging / CSV, "wb")  # noqa: SIM115 (closed in commit/abort)
            self._csv_file.write("\ufeff".encode())
            self._csv = pa_csv.CSVWriter(self._csv_file, SCHEMA)
        except OSError as exc:
            self.abort()
            raise _fail(self.staging, exc) from None

    def _claim(self) -> None:
        """Refuse a folder whose ``parquet``, ``complaints.csv`` or ``calendar.parquet`` are
        someone else's: those are replaced only when the manifest says they are ours."""
        if (self.out / MANIFEST).is_file():
            return
        for name in _OURS:
            if os.path.lexists(self.out / name):
                raise OutputError("export-out-unsafe", path=str(self.out), name=name)

    def _sweep(self) -> None:
        """Remove what a killed run left: our staging and retired folders, once stale."""
        now = time.time()
        for entry in self.out.iterdir():
            if entry.name.startswith((_STAGING, _RETIRED)) and entry.is_dir() \
                    and not entry.is_symlink():
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime > _STALE_AFTER:
                        shutil.rmtree(entry)

    def add(self, table: pa.Table, calendar: Calendar, file: str, team: str) -> None:
        """One register's rows (a table of :data:`~complaint_xl.export.table.SCHEMA`) and the
        calendar they were computed under."""
        try:
            self._parquet(table)
            self._csv.write_table(pa.Table.from_arrays(
                [csv_safe(table[f.name]) if f.name in TEXT_COLUMNS else table[f.name]
                 for f in SCHEMA], schema=SCHEMA))
        except OSError as exc:
            self.abort()
            raise _fail(self.out, exc) from None
        self._calendars.append(_calendar_table(table, calendar, file, team))
        self.rows += table.num_rows
        self.teams |= set(pc.unique(table["team"]).to_pylist())
        self.parts += 1

    def _parquet(self, table: pa.Table) -> None:
        """One Parquet file per team and month raised, in its hive directory (the partition
        values are in the path, not in the file). The directories are made here rather than by
        pyarrow, which percent-encodes every non-ASCII character: Spark would read a Chinese
        team name back as mojibake."""
        order = pc.sort_indices(table, [("team", "ascending"), ("raised_month", "ascending")],
                                null_placement="at_end")
        table = table.take(order)
        teams = table["team"].to_numpy(zero_copy_only=False)
        months = table["raised_month"].to_numpy(zero_copy_only=False)
        cut = np.flatnonzero((teams[1:] != teams[:-1]) | (months[1:] != months[:-1])) + 1
        body = table.drop_columns(["team", "raised_month"])
        for start, stop in zip([0, *cut.tolist()], [*cut.tolist(), table.num_rows], strict=True):
            month = months[start]
            folder = (self.staging / PARQUET / f"team={partition_value(teams[start])}"
                      / f"raised_month={month if month is not None else HIVE_NULL}")
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(body.slice(start, stop - start), folder / f"part-{self.parts:04d}.parquet")

    def commit(self, as_of: dt.date) -> list[Path]:
        """Finish the staging folder and move it into place; the paths written."""
        try:
            self._csv.close()
            self._csv_file.close()
            calendar = (pa.concat_tables(self._calendars) if self._calendars
                        else CALENDAR_SCHEMA.empty_table())
            pq.write_table(calendar, self.staging / CALENDAR)
            manifest = {"written_by": "complaint-xl", "as_of": as_of.isoformat(),
                        "rows": self.rows, "teams": sorted(self.teams), "files": list(_OURS)}
            (self.staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
            self._swap()
        except OSError as exc:
            self.abort()
            raise _fail(self.out, exc) from None
        return [self.out / name for name in _OURS]

    def _swap(self) -> None:
        """The staged files into place. A file is replaced by one rename; the Parquet folder
        by two back to back (the old one aside, the new one in), as a folder cannot be renamed
        over a full one; the manifest goes last."""
        retired = self.out / f"{_RETIRED}{uuid.uuid4().hex[:12]}"
        retired.mkdir()
        if os.path.lexists(self.out / PARQUET):
            os.replace(self.out / PARQUET, retired / PARQUET)
        os.replace(self.staging / PARQUET, self.out / PARQUET)
        for name in (CSV, CALENDAR, MANIFEST):
            os.replace(self.staging / name, self.out / name)
        shutil.rmtree(retired, ignore_errors=True)
        shutil.rmtree(self.staging, ignore_errors=True)

    def abort(self) -> None:
        """Leave the folder as it was: remove the staging folder."""
        for closing in (getattr(self, "_csv", None), getattr(self, "_csv_file", None)):
            with contextlib.suppress(Exception):
                if closing is not None:
                    closing.close()
        shutil.rmtree(self.staging, ignore_errors=True)


def _calendar_table(table: pa.Table, calendar: Calendar, file: str, team: str) -> pa.Table:
    """The register's working days from the year of its earliest date (at most ten years
    back from the as-of day) through two years past the as-of day."""
    as_of = table["as_of"][0].as_py() if table.num_rows else dt.date.today()
    years = [as_of.year]
    for name in ("raised_on", "deadline", "closed_on"):
        first = pc.min(table[name]).as_py()
        if first is not None:
            years.append(first.year)
    start = np.datetime64(dt.date(max(min(years), as_of.year - 10), 1, 1), "D")
    end = np.datetime64(dt.date(as_of.year + 2, 12, 31), "D")
    days = np.arange(start, end + 1)
    with warnings.catch_warnings():  # the years ahead are not confirmed yet: nothing to say
        warnings.simplefilter("ignore", CalendarWarning)
        work = calendar.is_workday(days)
    n = len(days)
    columns: dict[str, Any] = {
        "file": pa.array(np.full(n, file, dtype=object), type=pa.string()),
        "team": pa.array(np.full(n, team, dtype=object), type=pa.string()),
        "date": pa.array(days, type=pa.date32()),
        "is_workday": pa.array(work, type=pa.bool_()),
        "workday_index": pa.array(np.cumsum(work, dtype=np.int64), type=pa.int32()),
    }
    return pa.table(columns, schema=CALENDAR_SCHEMA)
