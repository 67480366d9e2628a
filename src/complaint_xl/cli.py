"""The command line, ``complaint-xl``: thin over the API, for the coordinator's scheduled jobs.

Each command parses its options, calls the same functions as the Excel buttons and
presents the result. Anything the user can fix becomes one line on stderr and exit
code 2; ``--json`` prints exactly one JSON document on stdout and nothing else there.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from complaint_xl import speed
from complaint_xl.errors import ComplaintXLError, UsageError
from complaint_xl.register.schema import FIELD_NAMES
from complaint_xl.words import DEFAULT, LANGS, say

if TYPE_CHECKING:  # imported where used: pandas loads while the register is being parsed
    from complaint_xl.kpi import Week
    from complaint_xl.loading import Loaded
    from complaint_xl.register.book import Book
    from complaint_xl.settings import Settings

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])

# -- shared options (defined once, used by validate, chase and report) ---------------

@dataclass
class Reading:
    """How to read the register: the options validate, chase and report share, as given."""

    register: Path
    today: dt.date | None
    mapping: dict[str, str]
    country: str | None
    lang: str | None
    date_order: str | None
    sheets: tuple[str, ...]
    speaks: str | None = None
    """The run's language once :func:`load_register` has read the workbook's settings:
    --lang, else the workbook's 语言. Warnings and errors from then on use it."""


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None
                 ) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError("bad-date", value=value) from None


def _parse_map(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
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


def _parse_country(_ctx: click.Context, _param: click.Parameter, value: str | None
                   ) -> str | None:
    if value is None:
        return None
    import holidays

    if value.upper() not in holidays.list_supported_countries():
        raise UsageError("bad-country", country=value)
    return value.upper()


def register_options(func: F) -> F:
    """The options every command that reads a register shares."""
    options = [
        click.argument("register", type=click.Path(path_type=Path)),
        click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
                     help="Compute as of this day (default: today), for reproducible runs."),
        click.option("--json", "as_json", is_flag=True,
                     help="Print one JSON document on stdout and nothing else there."),
        click.option("--map", "mapping", multiple=True, callback=_parse_map,
                     metavar="FIELD=HEADER",
                     help="Which column holds a field, e.g. --map type=投诉类型 (repeatable; "
                          "a column letter works too: --map type=C)."),
        click.option("--country", callback=_parse_country, metavar="CC",
                     help="Public-holiday calendar of the holidays package (default CN or the "
                          "workbook's setting)."),
        click.option("--lang", type=click.Choice(LANGS),
                     help=f"Language of messages, sheets and drafts (default {DEFAULT})."),
        click.option("--date-order", type=click.Choice(["ymd", "dmy", "mdy"]),
                     help="How to read dates like 5/3/2026: dmy (day first) or mdy (month "
                          "first). Default: the workbook's 日期顺序 setting, else ymd only."),
        click.option("--sheet", "sheets", multiple=True, metavar="NAME",
                     help="Read this sheet as the register (repeatable; a complaint on two "
                          "sheets counts once). Default: the sheets sharing the register's "
                          "header."),
    ]

    @functools.wraps(func)
    def packed(*args: Any, register: Path, today: dt.date | None, mapping: dict[str, str],
               country: str | None, lang: str | None, date_order: str | None,
               sheets: tuple[str, ...], **kwargs: Any) -> Any:
        # One argument for the reader's options: they need not widen every command's signature.
        reading = Reading(register, today, mapping, country, lang, date_order, sheets)
        return func(*args, reading=reading, **kwargs)

    wrapped: Any = packed
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


def handle_errors(func: F) -> F:
    """Turn anything the user can fix into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        def lang() -> str:
            # --lang, else the workbook's 语言 setting once it is read (load_register), else the default.
            reading = kwargs.get("reading")
            return kwargs.get("lang") or (reading and (reading.lang or reading.speaks)) or DEFAULT

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return func(*args, **kwargs)
            except ComplaintXLError as exc:
                _say_warnings(caught, lang())
                click.echo(f"complaint-xl: {exc.message(lang())}", err=True)
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
                _say_warnings(caught, lang())
                click.echo("complaint-xl: " + say("cli.unexpected", lang(),
                                                  error=f"{type(exc).__name__}: {exc}"), err=True)
                sys.exit(2)
            finally:
                _say_warnings(caught, lang())

    return wrapper  # type: ignore[return-value]


def _say_warnings(caught: list[warnings.WarningMessage], lang: str) -> None:
    """Print the run's warnings on stderr, each in ``lang`` when it can be said in any language."""
    from complaint_xl.errors import warning_text

    for w in caught:
        click.echo("complaint-xl: " + say("cli.warning", lang, message=warning_text(w.message, lang)),
                   err=True)
    caught.clear()


def open_register(register: Path, *, read_ahead: bool = True) -> Book:
    """Vet the register file and start parsing it in the background (Book.read_ahead).

    Commands call this before importing what they need, so that the imports
    (pandas above all) overlap the parse.
    """
    from complaint_xl.register.book import open_book

    book = open_book(register)
    if read_ahead:
        book.read_ahead()
    return book


def load_register(book: Book, reading: Reading,
                  prepare: Callable[[Settings], object] | None = None, *,
                  command: str | None = None, settings_warnings: bool = True) -> Loaded:
    """Read the opened register and tell the user what they should know about the reading.

    On stderr, in the run's language: the register's notes (a lock file, the sheets
    read or left out, rows repeated on two sheets, headers that look misspelt) and,
    with ``settings_warnings``, every settings cell that could not be used (validate
    reports those as findings instead). ``command`` ('chase', 'report') stops the run
    when a column it needs is missing (:func:`~complaint_xl.loading.require_columns`).
    ``prepare`` (the command's own warm-up) runs once the settings are known, while the
    register itself is still being parsed. Sets ``reading.speaks``.
    """
    from complaint_xl.jobs import register_notes
    from complaint_xl.loading import load_grids, require_columns

    loaded = load_grids(book, book.grids(), as_of=reading.today, mapping=reading.mapping,
                        country=reading.country, lang=reading.lang, date_order=reading.date_order,
                        prepare=prepare, sheets=reading.sheets)
    speed.keep(book, loaded)  # under main(), to the end of the process, unwalked by the collector
    use = reading.speaks = loaded.settings.lang  # warnings and errors from here on speak it
    if command is not None:  # first: a run that stops says one line, the reason
        require_columns(loaded, command)
    for line in register_notes(loaded, use):
        click.echo(f"complaint-xl: {line}", err=True)
    if settings_warnings:
        for p in loaded.settings.problems:
            click.echo("complaint-xl: " + say("cli.settings-problem", use, sheet=p.sheet, cell=p.cell,
                                              message=p.message(use)), err=True)
    return loaded


def echo_json(document: Any) -> None:
    """The one JSON document of a --json run."""
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def parse_week(value: str | None) -> Week | None:
    """--week: '2026-W48' -> (2026, 48) (:func:`complaint_xl.kpi.weeks.parse_week`); exit 2 if bad."""
    if value is None:
        return None
    from complaint_xl.kpi.weeks import parse_week as parse

    try:
        return parse(value)
    except ValueError:
        raise UsageError("bad-week", value=value) from None


# -- the commands --------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="complaint-xl")
def cli() -> None:
    """Check, chase and summarise a complaint register (客户投诉管理表).

    \b
    Examples:
      complaint-xl validate 投诉登记.xlsx --today 2026-11-30
      complaint-xl chase 投诉登记.xlsx --out 催办
      complaint-xl report 投诉登记.xlsx --week 2026-W48 --out 周报
      complaint-xl demo --out demo
    """


@cli.command()
@register_options
@click.option("--out", type=click.Path(path_type=Path), metavar="FILE.xlsx",
              help="Also write a findings workbook (one row per finding, links to the cells).")
@handle_errors
def validate(reading: Reading, as_json: bool, out: Path | None) -> None:
    """Check every entry against the sheet's rules (校验).

    Exit 0 when no finding is an error, 1 when at least one is, 2 when the file
    cannot be used.

    \b
    Example:
      complaint-xl validate 投诉登记.xlsx --today 2026-11-30 --out 检查结果.xlsx
    """
    book = open_register(reading.register)
    from complaint_xl.jobs import prepare_validate, run_validate

    # settings problems are findings here (settings-invalid), not stderr lines as well
    loaded = load_register(book, reading, prepare_validate, settings_warnings=False)
    run = run_validate(loaded, out)  # the file first: a failure exits 2 before anything is printed
    run.warn_again()
    if as_json:
        echo_json(run.document)
    else:
        for line in run.lines:
            click.echo(line)
    for written in run.files:  # stdout holds only the JSON document under --json
        click.echo(say("cli.findings-written", run.findings.lang, path=written), err=as_json)
    sys.exit(0 if run.valid else 1)


@cli.command()
@register_options
@click.option("--out", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder for the chase list and the e-mail drafts (default: 催办-YYYY-MM-DD).")
@handle_errors
def chase(reading: Reading, as_json: bool, out: Path | None) -> None:
    """List overdue and due-soon items and draft the chase e-mails (催办).

    \b
    Example:
      complaint-xl chase 投诉登记.xlsx --today 2026-11-30 --out 催办
    """
    book = open_register(reading.register)
    from complaint_xl.jobs import prepare_chase, run_chase

    loaded = load_register(book, reading, prepare_chase, command="chase")
    run = run_chase(loaded, out)
    run.warn_again()
    if as_json:
        echo_json(run.document)
    else:
        for line in run.lines:
            click.echo(line)


@cli.command()
@register_options
@click.option("--week", metavar="YYYY-Www",
              help="The ISO week to report (default: the last complete week before --today).")
@click.option("--out", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder for the weekly workbook, page and e-mail draft (without it, only the "
                   "summary is printed).")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Only complaints of this type (投诉项目); repeat for several.")
@click.option("--support-unit", "support_units", multiple=True, metavar="UNIT",
              help="Only complaints with this support unit (支援单位); repeatable.")
@click.option("--owner", "owners", multiple=True, metavar="NAME",
              help="Only complaints followed up by this person (跟进人员); repeatable.")
@click.option("--customer-attr", "customer_attrs", multiple=True, metavar="ATTR",
              help="Only customers with this attribute (客户属性, e.g. 经销商); repeatable.")
@handle_errors
def report(reading: Reading, as_json: bool, week: str | None, out: Path | None,
           types: tuple[str, ...], support_units: tuple[str, ...], owners: tuple[str, ...],
           customer_attrs: tuple[str, ...]) -> None:
    """Compute the weekly KPI summary for the sales meeting (周报).

    Figures for the ISO week (Monday to Sunday) and, as of --today, the open,
    overdue and due-soon items; filters narrow every figure and are named in the
    titles. --json prints the contract document only.

    \b
    Examples:
      complaint-xl report 投诉登记.xlsx --week 2026-W48 --out 周报
      complaint-xl report 投诉登记.xlsx --type 售后 --owner 李明 --json
    """
    chosen_week = parse_week(week)  # a bad --week is reported before the file is read
    # Read in this thread: the report runs for minutes on a big register, where the half
    # second the overlap saves is nothing, and the cells a second thread allocates stay in
    # that thread's malloc arena once released (+0.5 GB peak at a million rows).
    book = open_register(reading.register, read_ahead=False)
    from complaint_xl.jobs import prepare_report, run_report

    loaded = load_register(book, reading, prepare_report if out is not None else None,
                           command="report")
    filters = {f: v for f, v in (("type", types), ("support_unit", support_units),
                                 ("owner", owners), ("customer_attr", customer_attrs)) if v}
    run = run_report(loaded, week=chosen_week, filters=filters, out=out)
    run.warn_again()
    if as_json:
        echo_json(run.document)
    else:
        for line in run.lines:
            click.echo(line)


@cli.command("new-workbook")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--demo", is_flag=True, help="Fill the register with sample rows.")
@click.option("--lang", type=click.Choice(LANGS), help="Language of the sheets.")
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
              help="Build as of this day: holidays for its year and the next, demo rows before it "
                   "(default: today). The committed workbooks use 2026-11-27.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (it may hold a register).")
@handle_errors
def new_workbook(file: Path, demo: bool, lang: str | None, today: dt.date | None,
                 force: bool) -> None:
    """Build the ready-to-use macro-enabled register workbook (.xlsm).

    The register sheet with dropdowns, date checks and colours, the settings sheets,
    and the buttons 校验 / 催办 / 周报 wired to the VBA in macros/.

    \b
    Example:
      complaint-xl new-workbook 投诉登记.xlsm
      complaint-xl new-workbook 示例.xlsm --demo
    """
    from complaint_xl.workbook import build_workbook

    use = lang or DEFAULT
    path = build_workbook(file, lang=use, demo=demo, today=today, force=force)
    click.echo(say("cli.workbook-written", use, path=path))


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("complaint-xl-demo"),
              show_default=True, help="Folder for the sample register and every output.")
@click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
              help="Run as of this day (default: today).")
@click.option("--lang", type=click.Choice(LANGS), help=f"Language (default {DEFAULT}).")
@handle_errors
def demo(out: Path, today: dt.date | None, lang: str | None) -> None:
    """Make a sample register and run every command on it.

    \b
    Example:
      complaint-xl demo --out demo
    """
    from complaint_xl.demo import run_demo

    run_demo(out, today=today or dt.date.today(), lang=lang or DEFAULT, echo=click.echo)


def _lang_given(argv: list[str]) -> str:
    """The --lang of a command line that failed before click read it (the default if none)."""
    for i, arg in enumerate(argv):
        given = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else (
            arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if given in LANGS:
            return given
    return DEFAULT


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; a bad option value exits 2 with one line too.

    The process ends with :func:`complaint_xl.speed.leave` once the command is done
    and its output flushed: freeing a large register's millions of cell objects one
    by one at interpreter shutdown serves nobody. Only the entry points call this;
    tests use ``cli`` itself.
    """
    speed.keep_to_the_end()
    try:
        cli.main(args=argv, prog_name="complaint-xl", standalone_mode=False)
        code: int | str | None = 0
    except ComplaintXLError as exc:  # raised by option callbacks before a command runs
        click.echo(f"complaint-xl: {exc.message(_lang_given(argv or sys.argv))}", err=True)
        code = 2
    except click.exceptions.Abort:
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code
    speed.leave(code)
