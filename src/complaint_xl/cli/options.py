"""The options validate, chase and report share, and the reading of dates and weeks typed.

Options are defined once here (the design's "options defined once"). A value that
cannot be used stops the run with one line that says what is wrong with it: a day or
a week that does not exist is told so (2026 has 53 weeks), a malformed one is told its
format.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

from complaint_xl.cli.texts import option
from complaint_xl.errors import LocalizedWarning, UsageError
from complaint_xl.register.schema import FIELD_NAMES
from complaint_xl.words import LANGS, phrase

if TYPE_CHECKING:
    from complaint_xl.kpi import Week

__all__ = ["Reading", "WeekNotOver", "check_week", "lang_option", "parse_today", "parse_week",
           "register_options", "today_option"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Reading:
    """How to read the register: the options validate, chase and report share, as given."""

    registers: tuple[Path, ...]
    """The REGISTER arguments as typed: files, folders, patterns
    (:func:`complaint_xl.teams.expand` makes them files)."""
    today: dt.date | None
    mapping: dict[str, str]
    country: str | None
    lang: str | None
    date_order: str | None
    sheets: tuple[str, ...]
    settings_file: Path | None = None
    """``--settings``: one workbook whose settings apply to every register of the run."""
    speaks: str | None = None
    """The run's language once the register is read (:func:`~complaint_xl.cli.running.load_register`);
    warnings and errors from then on use it."""
    files_lang: str | None = None
    """The language of the files and JSON of a run with several registers, once the first is
    read: the others are read in it too, so that one run speaks one language."""

    @property
    def register(self) -> Path:
        """The one register of a run with one (the first REGISTER argument)."""
        return self.registers[0]


class WeekNotOver(LocalizedWarning):
    """The report week has begun but is not over on the as-of day: its figures are partial."""


# -- days and weeks -----------------------------------------------------------------------

_DAY: Final = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


def parse_today(value: str) -> dt.date:
    """'2026-11-30' -> a date; a day that does not exist or a malformed one: UsageError."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    m = _DAY.fullmatch(value)
    if not m:
        raise UsageError("bad-date", value=value)
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if not 1 <= month <= 12:
        raise UsageError("month-not-in-year", value=value, month=month)
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= days:
        raise UsageError("day-not-in-month", value=value, year=year, month=month, days=days, day=day)
    try:
        return dt.date(year, month, day)  # 2026-1-5: written short, but a day all the same
    except ValueError:
        raise UsageError("bad-date", value=value) from None


def parse_week(value: str | None) -> Week | None:
    """--week: '2026-W48' -> (2026, 48) (:func:`complaint_xl.kpi.weeks.parse_week`)."""
    if value is None:
        return None
    from complaint_xl.kpi.weeks import NoSuchWeek
    from complaint_xl.kpi.weeks import parse_week as parse

    try:
        return parse(value)
    except NoSuchWeek as exc:
        raise UsageError("week-not-in-year", value=value, year=exc.year, weeks=exc.weeks,
                         week=exc.week) from None
    except ValueError:
        raise UsageError("bad-week", value=value) from None


def check_week(week: Week, today: dt.date) -> WeekNotOver | None:
    """Refuse a week that has not begun on ``today``; a warning for one not over yet.

    A week wholly after the as-of day has no figures at all: a report of zeros would
    look like a quiet week, so the run stops and says so. A week under way is reported
    with the days so far, and the warning names them.
    """
    from complaint_xl.kpi.weeks import label, monday

    first = monday(week)
    sunday = first + dt.timedelta(days=6)
    if today < first:
        raise UsageError("week-not-started", week=label(week), monday=first.isoformat(),
                         today=today.isoformat())
    if today > sunday:
        return None
    return WeekNotOver(phrase("errors.week-not-over", week=label(week), today=today.isoformat(),
                              first=first.isoformat(), last=today.isoformat(),
                              days=(today - first).days + 1, sunday=sunday.isoformat()))


# -- option callbacks ---------------------------------------------------------------------

def _today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    return None if value is None else parse_today(value)


def _mapping(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
             ) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values:
        name, sep, header = item.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or not name or not header:
            raise UsageError("mapping-syntax")
        if name not in FIELD_NAMES:
            raise UsageError("mapping-field", field=name, fields=", ".join(FIELD_NAMES))
        mapping[name] = header
    return mapping


def _country(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    import holidays

    if value.upper() not in holidays.list_supported_countries():
        raise UsageError("bad-country", country=value)
    return value.upper()


def today_option(words: str = "cli-option.today") -> Callable[[F], F]:
    """--today YYYY-MM-DD, read by :func:`parse_today`."""
    return option("--today", callback=_today, metavar="YYYY-MM-DD", words=words)


def lang_option(words: str = "cli-option.lang") -> Callable[[F], F]:
    """--lang zh|en."""
    return option("--lang", type=click.Choice(LANGS), words=words)


def register_options(func: F) -> F:
    """The argument and options every command that reads a register shares."""
    options = [
        click.argument("register", nargs=-1, required=True, type=click.Path(path_type=Path)),
        today_option(),
        option("--json", "as_json", is_flag=True, words="cli-option.json"),
        option("--map", "mapping", multiple=True, callback=_mapping, metavar="FIELD=HEADER",
               words="cli-option.map"),
        option("--country", callback=_country, metavar="CC", words="cli-option.country"),
        lang_option(),
        option("--date-order", type=click.Choice(["ymd", "dmy", "mdy"]),
               words="cli-option.date-order"),
        option("--sheet", "sheets", multiple=True, metavar="NAME", words="cli-option.sheet"),
        option("--settings", "settings_file", type=click.Path(path_type=Path), metavar="FILE",
               words="cli-option.settings"),
    ]

    @functools.wraps(func)
    def packed(*args: Any, register: tuple[Path, ...], today: dt.date | None,
               mapping: dict[str, str], country: str | None, lang: str | None,
               date_order: str | None, sheets: tuple[str, ...], settings_file: Path | None,
               **kwargs: Any) -> Any:
        # One argument for the reader's options: they need not widen every command's signature.
        reading = Reading(register, today, mapping, country, lang, date_order, sheets,
                          settings_file=settings_file)
        return func(*args, reading=reading, **kwargs)

    wrapped: Any = packed
    for one in reversed(options):
        wrapped = one(wrapped)
    return wrapped  # type: ignore[no-any-return]
