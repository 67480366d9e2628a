"""Running a command: reading the register, telling the user, and stopping cleanly.

Anything the user can fix becomes one line on stderr and exit code 2; a run that
stops after writing some of its files also lists what it wrote and what it did not.
Every line on stderr goes through :func:`tell`, which keeps a progress display
(:mod:`.progress`) intact around it.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from complaint_xl import speed
from complaint_xl.cli import language, progress
from complaint_xl.cli.options import Reading
from complaint_xl.errors import ComplaintXLError, OutputError
from complaint_xl.words import listing, say

if TYPE_CHECKING:
    from complaint_xl.loading import Loaded
    from complaint_xl.register.book import Book, Grid
    from complaint_xl.settings import Settings

__all__ = ["echo_json", "handle_errors", "json_text", "load_register", "open_register", "tell",
           "tell_reading"]

F = TypeVar("F", bound=Callable[..., Any])
SHOWN_FILES = 10
"""A failed run names at most this many of the files it wrote, then counts the rest."""


def tell(line: str) -> None:
    """One line for the person on stderr, ``complaint-xl: `` first."""
    progress.echo(f"complaint-xl: {line}")


def handle_errors(func: F) -> F:
    """Turn anything the user can fix into one line on stderr and exit code 2.

    Warnings raised during the run are printed after it, in the run's language; a run
    that fails after writing some files says which (``outputs.files.recording``).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from complaint_xl.outputs.files import recording

        def lang() -> str:
            # --lang, else the workbook's 语言 once it is read (load_register), else the
            # variable or the locale.
            reading = kwargs.get("reading")
            return kwargs.get("lang") or (reading and (reading.lang or reading.speaks)) \
                or language.current()

        if "reading" in kwargs:  # the commands that read a register may run long
            progress.start(func.__name__, lang(), json_output=bool(kwargs.get("as_json")))
        with warnings.catch_warnings(record=True) as caught, \
                recording(progress.writing) as written:
            warnings.simplefilter("always")
            try:
                return func(*args, **kwargs)
            except ComplaintXLError as exc:
                progress.stop()
                _say_warnings(caught, lang())
                tell(exc.message(lang()))
                if isinstance(exc, OutputError):
                    _say_partial(written, exc, lang())
                sys.exit(2)
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except BrokenPipeError:
                # `complaint-xl validate x.xlsx | head`: the reader left; stop quietly.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(1)
            except Exception as exc:
                if os.environ.get("COMPLAINT_XL_DEBUG"):
                    raise
                progress.stop()
                _say_warnings(caught, lang())
                tell(say("cli.unexpected", lang(), error=f"{type(exc).__name__}: {exc}"))
                _say_partial(written, None, lang())
                sys.exit(2)
            finally:
                progress.stop()
                _say_warnings(caught, lang())

    return wrapper  # type: ignore[return-value]


def _say_warnings(caught: list[warnings.WarningMessage], lang: str) -> None:
    """Print the run's warnings on stderr, in ``lang``.

    Only the product's own (:class:`~complaint_xl.errors.LocalizedWarning`): another
    library's (XlsxWriter's "Can't merge single cell", a pandas FutureWarning) is
    English-only and says nothing a user can act on; COMPLAINT_XL_DEBUG=1 shows those too.
    """
    from complaint_xl.errors import LocalizedWarning, warning_text

    debug = bool(os.environ.get("COMPLAINT_XL_DEBUG"))
    said: set[str] = set()  # several registers may each warn the same (a year not confirmed)
    for w in caught:
        if isinstance(w.message, LocalizedWarning) or debug:
            text = say("cli.warning", lang, message=warning_text(w.message, lang))
            if text not in said:
                said.add(text)
                tell(text)
    caught.clear()


def _say_partial(written: list[Path], failed: OutputError | None, lang: str) -> None:
    """After a failure: the files the run had written (its bookkeeping aside), and that the
    file it was writing, and any after it, were not."""
    files = [p for p in written if not p.name.startswith(".")]
    if files:
        folders = {p.parent for p in files}
        one = len(folders) == 1
        names = [p.name if one else str(p) for p in files]
        shown = listing(names[:SHOWN_FILES], more="cli.partial-more" if len(names) > SHOWN_FILES else "")
        if one:
            tell(say("cli.partial-written", lang, count=len(files), folder=str(files[0].parent),
                     files=shown))
        else:
            tell(say("cli.partial-written-paths", lang, count=len(files), files=shown))
    if failed is not None and files:
        tell(say("cli.partial-not-written", lang, path=failed.params.get("path", "")))


def open_register(register: Path, *, read_ahead: bool = True) -> Book:
    """Vet the register file and start parsing it in the background (Book.read_ahead).

    Commands call this before importing what they need, so that the imports
    (pandas above all) overlap the parse.
    """
    from complaint_xl.register.book import open_book

    progress.stage("cli.stage.reading", name=register.name)
    book = open_book(register)
    if read_ahead:
        book.read_ahead()
    return book


def workbook_language(grids: dict[str, Grid] | Any) -> str | None:
    """The language the workbook's 设置 sheet names (语言), None when it names none."""
    from complaint_xl.settings import Settings, sheet_role
    from complaint_xl.settings.keys import read_key_values

    for name in grids:
        if sheet_role(name) == "settings":
            probe = Settings()
            probe.lang = None  # type: ignore[assignment]  # set only by a 语言 row
            read_key_values(probe, name, grids[name].rows)
            if probe.lang:
                return probe.lang
    return None


def load_register(book: Book, reading: Reading,
                  prepare: Callable[[Settings], object] | None = None, *,
                  command: str | None = None, settings_warnings: bool = True,
                  settings: Settings | None = None, keep: bool = True) -> Loaded:
    """Read the opened register and tell the user what they should know about the reading.

    On stderr, in the run's language: the register's notes (a lock file, the sheets
    read or left out, rows repeated on two sheets, headers that look misspelt) and,
    with ``settings_warnings``, every settings cell that could not be used (validate
    reports those as findings instead). ``command`` ('chase', 'report') stops the run
    when a column it needs is missing (:func:`~complaint_xl.loading.require_columns`).
    ``prepare`` (the command's own warm-up) runs once the settings are known, while the
    register itself is still being parsed. Sets ``reading.speaks``. ``settings`` (the
    ``--settings`` workbook's) replace the register's own; ``keep=False`` lets the cells go
    once read (a run over several registers keeps only what it computed of each).
    """
    from complaint_xl.loading import load_grids

    grids = book.grids()
    says = workbook_language(grids) if settings is None else None
    lang = reading.lang or reading.files_lang or language.for_run(says)
    loaded = load_grids(book, grids, as_of=reading.today, mapping=reading.mapping,
                        country=reading.country, lang=lang, date_order=reading.date_order,
                        prepare=prepare, sheets=reading.sheets, settings=settings)
    if keep:  # under main(), to the end of the process, unwalked by the collector
        speed.keep(book, loaded)
    if reading.speaks is None or reading.files_lang is None:  # the first register read says
        reading.speaks = reading.lang or language.for_messages(says or (
            settings.lang if settings is not None else None))
    progress.speak(reading.speaks)  # stderr from here on
    tell_reading(loaded, reading, command=command, settings_warnings=settings_warnings)
    return loaded


def tell_reading(loaded: Loaded, reading: Reading, *, command: str | None = None,
                 settings_warnings: bool = True) -> None:
    """What :func:`load_register` tells once a register is read (also of one read in another
    process): stop when ``command`` lacks a column, the reading's notes, the settings cells
    that could not be used."""
    from complaint_xl.jobs import register_notes
    from complaint_xl.loading import require_columns

    use = reading.speaks or language.current()
    if command is not None:  # first: a run that stops says one line, the reason
        require_columns(loaded, command)
    for line in register_notes(loaded, use):
        tell(line)
    if settings_warnings:
        for p in loaded.settings.problems:
            tell(say("cli.settings-problem", use, sheet=p.sheet, cell=p.cell, message=p.message(use)))


def json_text(document: Any) -> str:
    """The one JSON document of a --json run, as :func:`json.dumps` would write it.

    orjson writes it ten times faster (tens of thousands of findings take json.dumps
    most of a second); datetimes and anything else it does not know go through ``str``
    as with json, so the text is the same either way.
    """
    try:
        import orjson
    except ImportError:  # a platform without its wheel
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)
    try:
        return orjson.dumps(document, default=str, option=orjson.OPT_INDENT_2
                            | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):  # e.g. an integer beyond 64 bits
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def echo_json(document: Any) -> None:
    """Print the one JSON document of a --json run."""
    click.echo(json_text(document))
