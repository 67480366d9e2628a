"""One call from a file name to everything a command needs: register, settings, calendar.

The command line and the buttons both start here, so they read a sheet the same
way and give the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from complaint_xl.errors import UsageError
from complaint_xl.register.book import Book, Grid, open_book
from complaint_xl.register.reader import Register, read_register
from complaint_xl.register.roles import sheet_role
from complaint_xl.settings import Settings, read_settings
from complaint_xl.words import listing, phrase, preload
from complaint_xl.workdays import Calendar

__all__ = ["NEEDED", "Loaded", "load", "load_grids", "make_calendar", "read_settings_file",
           "require_columns"]

NEEDED: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "chase": (("owner",), ("deadline", "raised_on")),
    "report": (("raised_on",),),
}
"""The columns each command cannot do without (one of each tuple). Without an owner the
chase would send one draft claiming nobody follows anything up; without a deadline or
raised date nothing can be overdue; without the raised date the weekly report has no
new complaints, trend or aging. Other columns are optional: their figures say so."""


@dataclass
class Loaded:
    """A register with the settings and calendar it was read under."""

    register: Register
    settings: Settings
    calendar: Calendar
    as_of: dt.date
    """The run's 'today': every figure is as of this day."""


def make_calendar(settings: Settings) -> Calendar:
    """The team's calendar: the country's holidays, then the workbook's own table.

    The years the table marks official or estimated decide which years are trusted
    without a warning (see :mod:`complaint_xl.workdays`).
    """
    return Calendar(settings.country, settings.holidays, settings.official_holiday_years,
                    settings.estimated_holiday_years)


def load(
    path: str | Path,
    *,
    as_of: dt.date | None = None,
    mapping: Mapping[str, str] | None = None,
    country: str | None = None,
    lang: str | None = None,
    date_order: str | None = None,
    settings: Settings | None = None,
    prepare: Callable[[Settings], object] | None = None,
    sheets: Sequence[str] | None = None,
) -> Loaded:
    """Open, vet and read a register file; options given here win over the workbook's.

    ``sheets`` names the register's sheets (``--sheet``); without it, the sheets
    sharing the register's header are read (see :func:`read_register`).

    The file is parsed in a background thread (:meth:`Book.read_ahead`); ``prepare``
    runs meanwhile, once the settings are read (see :func:`load_grids`).

    Raises :class:`~complaint_xl.errors.UnusableFile` with a one-line reason when
    the file cannot be used.
    """
    book = open_book(path)
    book.read_ahead()
    return load_grids(book, book.grids(), as_of=as_of, mapping=mapping, country=country,
                      lang=lang, date_order=date_order, settings=settings, prepare=prepare,
                      sheets=sheets)


def load_grids(
    book: Book,
    grids: Mapping[str, Grid],
    *,
    as_of: dt.date | None = None,
    mapping: Mapping[str, str] | None = None,
    country: str | None = None,
    lang: str | None = None,
    date_order: str | None = None,
    settings: Settings | None = None,
    prepare: Callable[[Settings], object] | None = None,
    sheets: Sequence[str] | None = None,
) -> Loaded:
    """:func:`load` over cells already read, e.g. by xlwings from the workbook open in Excel.

    ``grids`` may read its sheets on access (:meth:`Book.grids`): the settings sheets
    are taken, and the calendar built, before the register's sheets are asked for.
    ``prepare`` runs in between, with the settings, while the register may still be
    parsing: a command imports its writers and compiles its templates there.
    """
    as_of = as_of or dt.date.today()
    path = book.path
    if settings is None:
        settings = read_settings(
            {n: grids[n].rows for n in grids if sheet_role(n) not in (None, "tool")},
            source=str(path) if book.kind != "csv" else None,
        )
    settings = settings.with_overrides(country=country, lang=lang, date_order=date_order)
    calendar = make_calendar(settings)
    if prepare is not None:
        prepare(settings)
    preload()  # the header reader wants every language's words: read them while the sheet parses
    register = read_register(book, settings.read_options(), calendar, as_of=as_of, mapping=mapping,
                             text_dates=book.kind != "csv", sheets=sheets,
                             grids={n: grids[n] for n in grids if sheet_role(n) is None})
    book.join()
    return Loaded(register, settings, calendar, as_of)


def read_settings_file(path: str | Path) -> Settings:
    """The settings of one workbook (``--settings``): its 设置, 人员, 列表, 节假日 … sheets,
    for every register of a run (one team workbook template, many registers).

    Raises :class:`~complaint_xl.errors.UnusableFile` for a file that cannot be read, and
    UsageError for one without any settings sheet (the run would silently use defaults).
    """
    book = open_book(path)
    names = [n for n in book.sheet_names if sheet_role(n) not in (None, "tool")]
    if not names:
        raise UsageError("settings-file-empty", path=str(book.path))
    grids = book.grids()
    return read_settings({n: grids[n].rows for n in names}, source=str(book.path))


def require_columns(loaded: Loaded, command: str) -> None:
    """Stop a command whose register lacks a column it needs, naming a likely misspelt header.

    Raises :class:`~complaint_xl.errors.UsageError` (the command line exits 2, a button
    shows the line): a silent run would tell the team something untrue.
    """
    register = loaded.register
    for options in NEEDED.get(command, ()):
        if any(f in register.present for f in options):
            continue
        slip = next((s for f in options for s in register.near_misses if s.field == f), None)
        field_name = slip.field if slip else options[0]
        hint = phrase("errors.column-needed-near" if slip else "errors.column-needed-map",
                      field=field_name, header=slip.header if slip else "")
        raise UsageError(
            "column-needed", path=register.path, field="/".join(options),
            label=listing((phrase(f"field.{f}") for f in options), item="list.label", sep="list.or"),
            command=phrase(f"command.{command}"), hint=hint)
