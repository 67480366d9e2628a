"""``python -m complaint_xl.sql``: print kpis.sql for one period, ready for an engine.

    python -m complaint_xl.sql --week 2026-W48 --as-of 2026-11-30 --duckdb export | duckdb
    python -m complaint_xl.sql --start 2026-11-01 --end 2026-11-30 --as-of 2026-11-30

``--duckdb DIR`` puts the views of the export folder DIR first, for the ``duckdb`` shell.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from complaint_xl.sql import duckdb_views, kpis_query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m complaint_xl.sql",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--week", help="an ISO week, e.g. 2026-W48 (in place of --start/--end)")
    parser.add_argument("--start", type=dt.date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last day, YYYY-MM-DD")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True,
                        help="the export's as-of day (its --today)")
    parser.add_argument("--duckdb", metavar="DIR", help="first the DuckDB views of this export folder")
    args = parser.parse_args(argv)
    if args.week:
        from complaint_xl.kpi.weeks import monday, parse_week

        start = monday(parse_week(args.week))
        end = start + dt.timedelta(days=6)
    elif args.start and args.end:
        start, end = args.start, args.end
    else:
        parser.error("give --week, or --start and --end")
    sys.stdout.write((duckdb_views(args.duckdb) if args.duckdb else "")
                     + kpis_query(start, end, args.as_of).rstrip() + ";\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
