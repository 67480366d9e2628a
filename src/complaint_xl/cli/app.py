"""The commands of ``complaint-xl``: thin over the jobs, for people and scheduled runs.

Each command parses its options, calls the same jobs as the Excel buttons and presents
the result. Anything the user can fix becomes one line on stderr and exit code 2;
``--json`` prints exactly one JSON document on stdout and nothing else there. The help
texts are the words' ``cli-help.*`` and ``cli-option.*``; the docstrings are for
readers of the code.
"""

from __future__ import annotations

import datetime as dt
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from complaint_xl import speed
from complaint_xl.cli import language, progress
from complaint_xl.cli.options import (
    Reading,
    check_week,
    lang_option,
    parse_week,
    register_options,
    today_option,
)
from complaint_xl.cli.running import echo_json, handle_errors, load_register, open_register
from complaint_xl.cli.several import (
    Several,
    chase_teams,
    export_teams,
    report_teams,
    several_or_none,
    validate_teams,
)
from complaint_xl.cli.texts import WordsGroup, WordsOption, option
from complaint_xl.errors import ComplaintXLError
from complaint_xl.words import LANGS, say

__all__ = ["cli", "main"]


def _group_lang(_ctx: click.Context, _param: click.Parameter, _value: str | None) -> None:
    """The group's --lang: already taken from the command line (``language.listen_to``)."""


@click.group(cls=WordsGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="complaint-xl", cls=WordsOption, words="cli-option.version")
@option("--lang", type=click.Choice(LANGS), is_eager=True, expose_value=False, callback=_group_lang,
        words="cli-option.group-lang")
def cli() -> None:
    """Check, chase and summarise a complaint register (客户投诉管理表)."""


def _finish(run: Any, as_json: bool, lines: Callable[[], Iterable[str]]) -> None:
    """End a run on stdout: the progress display gone, the run's warnings said, then its
    one JSON document or its lines for people (made only without --json)."""
    progress.stop()
    run.warn_again()
    if as_json:
        echo_json(run.document)
    else:
        for line in lines():
            click.echo(line)


@cli.command()
@register_options
@option("--out", type=click.Path(path_type=Path), metavar="FILE.xlsx", words="cli-option.validate-out")
@option("--all", "show_all", is_flag=True, words="cli-option.all")
@handle_errors
def validate(reading: Reading, as_json: bool, out: Path | None, show_all: bool) -> None:
    """Check every entry against the sheet's rules (校验); exit 1 when an error is found."""
    if (many := several_or_none(reading)) is not None:
        return validate_teams(many, as_json=as_json, out=out, show_all=show_all)
    book = open_register(reading.register)
    from complaint_xl.cli.findings_view import findings_lines
    from complaint_xl.jobs import prepare_validate, run_validate

    # settings problems are findings here (settings-invalid), not stderr lines as well
    loaded = load_register(book, reading, prepare_validate, settings_warnings=False)
    progress.stage("cli.stage.checking", rows=len(loaded.register.frame))
    run = run_validate(loaded, out)  # the file first: a failure exits 2 before anything is printed
    _finish(run, as_json, lambda: findings_lines(
        run.findings, show_all=show_all, workbook=run.files[0] if run.files else None))
    for written in run.files:  # stdout holds only the JSON document under --json
        click.echo(say("cli.findings-written", run.findings.lang, path=written), err=as_json)
    sys.exit(0 if run.valid else 1)


@cli.command()
@register_options
@option("--out", type=click.Path(path_type=Path), metavar="DIR", words="cli-option.chase-out")
@handle_errors
def chase(reading: Reading, as_json: bool, out: Path | None) -> None:
    """List overdue and due-soon items and draft the chase e-mails (催办)."""
    if (many := several_or_none(reading)) is not None:
        return chase_teams(many, as_json=as_json, out=out)
    book = open_register(reading.register)
    from complaint_xl.jobs import prepare_chase, run_chase

    loaded = load_register(book, reading, prepare_chase, command="chase")
    progress.stage("cli.stage.chasing", rows=len(loaded.register.frame))
    run = run_chase(loaded, out)
    _finish(run, as_json, lambda: run.lines)


@cli.command()
@register_options
@option("--week", metavar="YYYY-Www", words="cli-option.week")
@option("--out", type=click.Path(path_type=Path), metavar="DIR", words="cli-option.report-out")
@option("--type", "types", multiple=True, metavar="TYPE", words="cli-option.type")
@option("--support-unit", "support_units", multiple=True, metavar="UNIT",
        words="cli-option.support-unit")
@option("--owner", "owners", multiple=True, metavar="NAME", words="cli-option.owner")
@option("--customer-attr", "customer_attrs", multiple=True, metavar="ATTR",
        words="cli-option.customer-attr")
@handle_errors
def report(reading: Reading, as_json: bool, week: str | None, out: Path | None,
           types: tuple[str, ...], support_units: tuple[str, ...], owners: tuple[str, ...],
           customer_attrs: tuple[str, ...]) -> None:
    """Compute the weekly KPI summary for the sales meeting (周报)."""
    chosen_week = parse_week(week)  # a bad --week is reported before the file is read
    if chosen_week is not None:  # a week not begun stops here; one under way is warned about
        partial = check_week(chosen_week, reading.today or dt.date.today())
        if partial is not None:
            warnings.warn(partial, stacklevel=1)
    filters = {f: v for f, v in (("type", types), ("support_unit", support_units),
                                 ("owner", owners), ("customer_attr", customer_attrs)) if v}
    if (many := several_or_none(reading)) is not None:
        return report_teams(many, as_json=as_json, out=out, week=chosen_week, filters=filters)
    # Read in this thread: the report runs for minutes on a big register, where the half
    # second the overlap saves is nothing, and the cells a second thread allocates stay in
    # that thread's malloc arena once released (+0.5 GB peak at a million rows).
    book = open_register(reading.register, read_ahead=False)
    from complaint_xl.jobs import prepare_report, run_report

    loaded = load_register(book, reading, prepare_report if out is not None else None,
                           command="report")
    progress.stage("cli.stage.computing", rows=len(loaded.register.frame))
    run = run_report(loaded, week=chosen_week, filters=filters, out=out)
    _finish(run, as_json, lambda: run.lines)


@cli.command()
@register_options
@option("--out", type=click.Path(path_type=Path), metavar="DIR", default=Path("complaint-xl-export"),
        show_default=True, words="cli-option.export-out")
@handle_errors
def export(reading: Reading, as_json: bool, out: Path) -> None:
    """Export every complaint, with what the product computes, as Parquet and CSV."""
    from complaint_xl.teams import expand

    reading.registers = tuple(expand(reading.registers))
    export_teams(Several(reading, list(reading.registers)), as_json=as_json, out=out)


@cli.command("new-workbook")
@click.argument("file", type=click.Path(path_type=Path))
@option("--demo", is_flag=True, words="cli-option.demo")
@lang_option("cli-option.workbook-lang")
@today_option("cli-option.workbook-today")
@option("--force", is_flag=True, words="cli-option.force")
@handle_errors
def new_workbook(file: Path, demo: bool, lang: str | None, today: dt.date | None,
                 force: bool) -> None:
    """Build the ready-to-use macro-enabled register workbook (.xlsm)."""
    from complaint_xl.workbook import build_workbook

    path = build_workbook(file, lang=lang or language.for_files(), demo=demo, today=today,
                          force=force)
    click.echo(say("cli.workbook-written", lang or language.current(), path=path))


@cli.command()
@option("--out", type=click.Path(path_type=Path), default=Path("complaint-xl-demo"),
        show_default=True, words="cli-option.demo-out")
@today_option("cli-option.demo-today")
@lang_option()
@handle_errors
def demo(out: Path, today: dt.date | None, lang: str | None) -> None:
    """Make a sample register and run every command on it."""
    from complaint_xl.demo import run_demo

    run_demo(out, today=today or dt.date.today(), lang=lang or language.for_files(), echo=click.echo)


def _quiet_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An error in a destructor (a file closing on a full disk) is no news for the person:
    the run has said what failed. COMPLAINT_XL_DEBUG=1 shows it as Python would."""
    import os

    if os.environ.get("COMPLAINT_XL_DEBUG"):
        sys.__unraisablehook__(unraisable)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; a bad option value exits 2 with one line too.

    The process ends with :func:`complaint_xl.speed.leave` once the command is done
    and its output flushed: freeing a large register's millions of cell objects one
    by one at interpreter shutdown serves nobody. Only the entry points call this;
    tests use ``cli`` itself.
    """
    speed.keep_to_the_end()
    sys.unraisablehook = _quiet_unraisable
    try:
        cli.main(args=argv, prog_name="complaint-xl", standalone_mode=False)
        code: int | str | None = 0
    except ComplaintXLError as exc:  # raised by option callbacks before a command runs
        click.echo(f"complaint-xl: {exc.message(language.current())}", err=True)
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
    progress.stop()
    speed.leave(code)
