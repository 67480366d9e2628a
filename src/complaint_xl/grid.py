"""The grid API: each job over values already in memory, as Excel hands them over.

For Python running inside Excel (the xlwings Lite edition, Pyodide), where there is
no file to read and no folder to write: ``values`` is the register sheet as a list of
rows, the header row first (dates as datetime, numbers as float, blanks as None), and
``settings`` maps a settings sheet's name (设置, 人员, 列表, 节假日, 列映射 or their
English names) to its values. Each function returns the JSON document of the command
line's ``--json`` on the same data (contract in design.md).

The path is the buttons' (:func:`complaint_xl.loading.load_grids`, the documents of
:mod:`complaint_xl.jobs`) without their files: no register file is read and no output
written (only the package's own templates are loaded), no thread or subprocess is
started, and neither python-calamine, matplotlib nor xlwings is imported. Problems
raise :class:`~complaint_xl.errors.ComplaintXLError` (its ``message(lang)`` is the
command line's one line); warnings are Python warnings.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaint_xl.kpi.weeks import Week, parse_week
from complaint_xl.loading import Loaded, load_grids, require_columns
from complaint_xl.register.book import Book, Grid
from complaint_xl.settings import read_settings

if TYPE_CHECKING:
    from complaint_xl.kpi import WeeklyKpis

__all__ = ["chase", "report", "validate", "weekly_kpis"]

Values = Sequence[Sequence[Any]]


def _day(value: dt.date) -> dt.date:
    """Excel hands a date over as a datetime: the day is what counts."""
    return value.date() if isinstance(value, dt.datetime) else value


def _load(values: Values, *, today: dt.date, settings: Mapping[str, Values] | None, lang: str,
          sheet: str) -> Loaded:
    """The register and the team's settings, read exactly as from a file (same reader)."""
    team = read_settings({name: [list(r) for r in rows] for name, rows in (settings or {}).items()})
    book = Book(Path(sheet), "xlsx", [sheet])
    return load_grids(book, {sheet: Grid([list(r) for r in values])}, as_of=_day(today),
                      settings=team, lang=lang)


def validate(values: Values, *, today: dt.date, settings: Mapping[str, Values] | None = None,
             lang: str = "zh", sheet: str = "") -> dict[str, Any]:
    """The JSON of ``validate --json`` (``register``: the sheet name, or "").

    ``sheet`` names the register's sheet, as findings and notes then do.
    """
    from complaint_xl.checks import check_register
    from complaint_xl.jobs import validate_document

    loaded = _load(values, today=today, settings=settings, lang=lang, sheet=sheet)
    findings = check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
    return {**validate_document(loaded, findings), "register": sheet}


def chase(values: Values, *, today: dt.date, settings: Mapping[str, Values] | None = None,
          lang: str = "zh", sheet: str = "") -> dict[str, Any]:
    """The JSON of ``chase --json`` with ``drafts`` as {to, cc, subject, text, html}, not files.

    The drafts are rendered from the same templates as the .eml files; they name the
    chase list file as the command line writes it. ``missing_addresses`` names whoever
    a draft is for without a known address; each thing to fix by hand is also raised
    as a :class:`~complaint_xl.outputs.chase.ChaseWarning`.
    """
    from complaint_xl.chase import chase as compute
    from complaint_xl.outputs.chase import ChaseWarning
    from complaint_xl.outputs.chase_mail import chase_drafts, missing_addresses
    from complaint_xl.outputs.chase_xlsx import list_filename
    from complaint_xl.outputs.email import draft_fields

    loaded = _load(values, today=today, settings=settings, lang=lang, sheet=sheet)
    require_columns(loaded, "chase")
    team = loaded.settings
    result = compute(loaded.register, team, loaded.calendar, loaded.as_of)
    mails = chase_drafts(result, team, now=dt.datetime.now().astimezone(),
                         workbook=list_filename(result.as_of), override=team.templates_path)
    for message in dict.fromkeys(w for mail in mails for w in mail.warnings):
        warnings.warn(message, ChaseWarning, stacklevel=2)
    return {**result.to_json(), "drafts": [draft_fields(mail.draft) for mail in mails],
            "missing_addresses": missing_addresses(mails)}


def report(values: Values, *, today: dt.date, week: str | Week | None = None,
           settings: Mapping[str, Values] | None = None, lang: str = "zh",
           sheet: str = "") -> dict[str, Any]:
    """The JSON of ``report --json``; ``week`` is '2026-W48' or (2026, 48), default the last
    complete week before ``today``. Raises ValueError for a week that is no ISO week."""
    kpis = weekly_kpis(values, today=today, week=week, settings=settings, lang=lang, sheet=sheet)
    return {**kpis.to_json(), "register": sheet}


def weekly_kpis(values: Values, *, today: dt.date, week: str | Week | None = None,
                settings: Mapping[str, Values] | None = None, lang: str = "zh",
                sheet: str = "") -> WeeklyKpis:
    """The KPI object :func:`report` makes its document of, for a caller that also draws
    its charts (the xlwings Lite 周报 sheet): read exactly as :func:`report` reads."""
    from complaint_xl.kpi import weekly

    chosen = parse_week(week) if isinstance(week, str) else week
    loaded = _load(values, today=today, settings=settings, lang=lang, sheet=sheet)
    require_columns(loaded, "report")
    return weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of, week=chosen)
