"""One call from a file name to everything a command needs: register, settings, calendar.

The command line and the buttons both start here, so they read a sheet the same
way and give the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from complaint_xl.register.book import Book, Grid, open_book
from complaint_xl.register.reader import Register, read_register
from complaint_xl.settings import Settings, read_settings, sheet_role
from complaint_xl.workdays import Calendar

__all__ = ["Loaded", "load", "load_grids", "make_calendar"]


@dataclass
class Loaded:
    """A register with the settings and calendar it was read under."""

    register: Register
    settings: Settings
    calendar: Calendar
    as_of: dt.date
    """The run's 'today': every figure is as of this day."""


def make_calendar(settings: Settings) -> Calendar:
    """The team's calendar: the country's holidays, then the workbook's own table."""
    return Calendar(settings.country, settings.holidays)


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
) -> Loaded:
    """Open, vet and read a register file; options given here win over the workbook's.

    The file is parsed in a background thread (:meth:`Book.read_ahead`); ``prepare``
    runs meanwhile, once the settings are read (see :func:`load_grids`).

    Raises :class:`~complaint_xl.errors.UnusableFile` with a one-line reason when
    the file cannot be used.
    """
    book = open_book(path)
    book.read_ahead()
    return load_grids(book, book.grids(), as_of=as_of, mapping=mapping, country=country,
                      lang=lang, date_order=date_order, settings=settings, prepare=prepare)


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
    register = read_register(book, settings, calendar, as_of=as_of, mapping=mapping,
                             text_dates=book.kind != "csv",
                             grids={n: grids[n] for n in grids if sheet_role(n) is None})
    book.join()
    return Loaded(register, settings, calendar, as_of)
