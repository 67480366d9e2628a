"""The engine export (design.md, **contract**): one row per complaint, as Parquet and CSV.

``complaint-xl export REGISTER... --out DIR`` writes every register's complaints with the
values read and what the product computes (team, file and row, effective deadline, status,
working days overdue, level, on time, lifecycle flags …), each register under its own
settings and calendar: a hive-partitioned Parquet dataset for DuckDB, Spark or any engine,
one CSV for Excel and Power BI, and the working-day calendar. The KPI definitions ship as
SQL over it (:mod:`complaint_xl.sql`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from complaint_xl.export.dataset import ExportWriter, csv_safe, partition_value
from complaint_xl.export.table import SCHEMA, complaints_table
from complaint_xl.jobs import Run, _recorded
from complaint_xl.joining import tag
from complaint_xl.teams import Part
from complaint_xl.words import say

__all__ = ["SCHEMA", "ExportWriter", "complaints_table", "csv_safe", "partition_value",
           "run_export"]


def run_export(parts: Iterable[Part], out: Path, *, lang: str = "zh") -> Run | None:
    """Export every register (read one by one: only the part at hand is in memory) into the
    folder ``out``, replacing an earlier export there as a whole. None when no part came."""
    caught: list[Warning] = []
    writer: ExportWriter | None = None
    entries = []
    as_of: dt.date | None = None
    with _recorded(caught):
        try:
            for part in parts:
                writer = writer or ExportWriter(out)
                table = complaints_table(part, tag(part, compact=False))
                writer.add(table, part.loaded.calendar, str(part.path), part.team)
                entries.append({"file": str(part.path), "team": part.team, "rows": table.num_rows})
                as_of = part.loaded.as_of
                lang = part.loaded.settings.lang
            if writer is None or as_of is None:
                return None
            files = writer.commit(as_of)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
    done = writer
    document = {"folder": str(out), "as_of": as_of.isoformat(), "rows": done.rows,
                "teams": sorted(done.teams), "files": entries,
                "parquet": str(files[0]), "csv": str(files[1]), "calendar": str(files[2])}
    line = say("cli.export-written", lang, rows=done.rows, teams=len(done.teams), folder=str(out),
               files=", ".join(p.name for p in files))
    return Run(make_document=lambda: document, make_lines=lambda: [line], files=files,
               warnings=caught)
