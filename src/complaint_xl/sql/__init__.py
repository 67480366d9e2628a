"""The KPI definitions as SQL, shipped with the package: ``kpis.sql`` over the engine export.

``kpis.sql`` computes the weekly report's ``totals`` and ``by.team`` over the tables
``complaints`` and ``calendar`` of ``complaint-xl export``, for any period. It has three
DuckDB named parameters (``$period_start``, ``$period_end``, ``$as_of``); :func:`kpis_query`
writes the dates in, for Spark SQL and other engines. ``python -m complaint_xl.sql``
prints it, with the DuckDB views of an export folder if asked (see README, "The engine
export").
"""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files
from pathlib import Path
from typing import Final

__all__ = ["PARAMETERS", "duckdb_views", "kpis_query", "kpis_sql"]

PARAMETERS: Final[tuple[str, ...]] = ("period_start", "period_end", "as_of")
"""The named parameters of kpis.sql, as DuckDB's ``$name``."""
_PARAMETER: Final = re.compile(r"\$(period_start|period_end|as_of)\b")


def kpis_sql() -> str:
    """The text of kpis.sql, with its ``$period_start``, ``$period_end`` and ``$as_of``."""
    return files(__package__).joinpath("kpis.sql").read_text(encoding="utf-8")


def kpis_query(start: dt.date, end: dt.date, as_of: dt.date) -> str:
    """kpis.sql with the dates written in as ``DATE 'YYYY-MM-DD'`` literals: DuckDB, Spark
    SQL and most engines run it as it is."""
    days = {"period_start": start, "period_end": end, "as_of": as_of}
    return _PARAMETER.sub(lambda m: f"DATE '{days[m[1]].isoformat()}'", kpis_sql())


def duckdb_views(folder: str | Path) -> str:
    """The DuckDB statements that make an export folder's ``complaints`` and ``calendar``
    views (partition values read as text: a team named 2024 stays a name)."""
    base = Path(folder).as_posix().replace("'", "''")
    return (f"CREATE OR REPLACE VIEW complaints AS SELECT * FROM read_parquet("
            f"'{base}/parquet/**/*.parquet', hive_partitioning = true, "
            f"hive_types = {{'team': VARCHAR, 'raised_month': VARCHAR}});\n"
            f"CREATE OR REPLACE VIEW calendar AS SELECT * FROM read_parquet('{base}/calendar.parquet');\n")
