"""validate, chase, report and export over several registers (one per team).

The registers are read one after the other (:func:`read_each`), each under its own settings
or the ``--settings`` workbook's; a line on stderr says which settings each file used. A
file that cannot be used is named on stderr with its reason and the others are still
processed; the run then ends with exit code 2, after its output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from complaint_xl.cli import progress
from complaint_xl.cli.options import Reading
from complaint_xl.cli.running import echo_json, load_register, open_register, tell, tell_reading
from complaint_xl.errors import ComplaintXLError, UsageError
from complaint_xl.words import listing, say

if TYPE_CHECKING:
    from complaint_xl.loading import Loaded
    from complaint_xl.settings import Settings
    from complaint_xl.teams import Failure, Part

__all__ = ["Several", "chase_teams", "export_teams", "finish", "read_each", "report_teams", "several_or_none",
           "validate_teams"]


class Several:
    """The registers of one run and what became of them as they were read."""

    def __init__(self, reading: Reading, files: list[Path]) -> None:
        self.reading, self.files = reading, files
        self.failures: list[Failure] = []
        self.given: Settings | None = None
        """The ``--settings`` workbook's settings, once read."""
        self.read = 0

    @property
    def lang(self) -> str:
        from complaint_xl.cli import language

        return self.reading.lang or self.reading.speaks or language.current()

    def settings(self) -> Settings | None:
        """Read ``--settings`` (once); its unusable cells are said as a register's are."""
        from complaint_xl.loading import read_settings_file

        if self.reading.settings_file is None or self.given is not None:
            return self.given
        self.given = read_settings_file(self.reading.settings_file)
        lang = self.reading.lang or self.given.lang
        for p in self.given.problems:
            tell(say("cli.settings-problem", lang, sheet=p.sheet, cell=p.cell, message=p.message(lang)))
        return self.given


def read_each(several: Several, prepare: Callable[[Settings], object] | None = None, *,
              command: str | None = None, settings_warnings: bool = True,
              read_ahead: bool = True, compact: str | None = None) -> Iterator[Part]:
    """Each usable register as a :class:`~complaint_xl.teams.Part`, read when asked for.

    A file that cannot be used (or lacks a column ``command`` needs) is told on stderr and
    recorded in ``several.failures``; the next one is read. The first register is read here
    and sets the run's language for the others (``Reading.files_lang``); large registers
    after it are read by worker processes, in parallel (:func:`~complaint_xl.teams.workers_for`):
    python-calamine holds the GIL while it makes the cells, so a thread would not overlap.
    ``read_ahead``: parse a file in a second thread while its settings are read; ``compact``
    ('report', 'export'): the workers hand back only the columns that job reads.
    """
    from complaint_xl.teams import Failure, Part, file_team

    reading, given = several.reading, several.settings()
    for path, loaded, own in _read(several, prepare, command, settings_warnings, read_ahead,
                                   compact):
        if isinstance(loaded, ComplaintXLError):
            progress.stop()
            several.failures.append(Failure(path, loaded))
            tell(say("cli.file-failed", several.lang, file=str(path),
                     message=loaded.message(several.lang)))
            continue
        team, lang = file_team(path), several.lang
        if given is not None:
            tell(say("cli.settings-given", lang, team=team, file=str(path),
                     settings=str(reading.settings_file)))
        elif own:
            tell(say("cli.settings-own", lang, team=team, file=str(path), sheets=listing(own)))
        else:
            tell(say("cli.settings-default", lang, team=team, file=str(path)))
        several.read += 1
        yield Part(path, loaded, reading.settings_file if given is not None else None, own)


_Read = tuple[Path, "Loaded | ComplaintXLError", tuple[str, ...]]


def _read(several: Several, prepare: Callable[[Settings], object] | None, command: str | None,
          settings_warnings: bool, read_ahead: bool, compact: str | None) -> Iterator[_Read]:
    """(file, what it holds or why it cannot be used, its own settings sheets), in order."""
    from complaint_xl.teams import FileReading, own_settings_sheets, workers_for

    reading, given, files = several.reading, several.given, several.files
    for i, path in enumerate(files):
        try:
            book = open_register(path, read_ahead=read_ahead)
            loaded = load_register(book, reading, prepare, command=command, keep=False,
                                   settings_warnings=settings_warnings, settings=given)
        except ComplaintXLError as exc:
            yield path, exc, ()
            continue
        reading.files_lang = reading.files_lang or loaded.settings.lang
        own = own_settings_sheets(book.sheet_names)
        del book  # its cells: only the register's columns are kept
        yield path, loaded, own
        rest = files[i + 1:]
        workers = workers_for(rest)
        if workers:
            how = FileReading(reading.today, reading.mapping, reading.country,
                              reading.lang or reading.files_lang, reading.date_order,
                              reading.sheets, given, compact)
            yield from _in_workers(rest, how, workers, reading, command, settings_warnings)
            return


def _in_workers(files: list[Path], how: Any, workers: int, reading: Reading, command: str | None,
                settings_warnings: bool) -> Iterator[_Read]:
    """Read ``files`` in ``workers`` processes, a few ahead of the one taken (each waiting
    result holds a register's columns), and tell what each reading says, in file order."""
    import multiprocessing
    import warnings
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from complaint_xl.teams import read_file

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        todo = iter(files)
        pending: deque[tuple[Path, Any]] = deque()
        for path in todo:
            pending.append((path, pool.submit(read_file, path, how)))
            if len(pending) > workers:
                break
        while pending:
            path, future = pending.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(read_file, nxt, how)))
            progress.stage("cli.stage.reading", name=path.name)
            loaded, own, said = future.result()
            for message in said:  # the run says them with its own (handle_errors)
                warnings.warn(message, stacklevel=1)
            if not isinstance(loaded, ComplaintXLError):
                try:
                    tell_reading(loaded, reading, command=command,
                                 settings_warnings=settings_warnings)
                except ComplaintXLError as exc:
                    loaded = exc
            yield path, loaded, own


def finish(several: Several, document: Callable[[], dict[str, Any]] | None,
           lines: Callable[[], list[str]] | None, *, as_json: bool, code: int = 0) -> None:
    """Print the run's JSON or lines, then exit: 2 when a file could not be used (each was
    named as it was read), else ``code``."""
    progress.stop()
    if document is None:  # no register could be used: nothing to show
        raise UsageError("no-usable-register", count=len(several.failures))
    if as_json:
        doc = document()
        doc["unusable"] = [{"file": str(f.path), "message": f.error.message(several.lang)}
                           for f in several.failures]
        echo_json(doc)
    elif lines is not None:
        for line in lines():
            click.echo(line)
    if several.failures:
        tell(say("cli.files-failed", several.lang, count=len(several.failures),
                 files=", ".join(str(f.path) for f in several.failures)))
        sys.exit(2)
    sys.exit(code)


def several_or_none(reading: Reading) -> Several | None:
    """Expand the REGISTER arguments; a :class:`Several` when the run has more than one
    register or ``--settings``, else None (the one register is read as it always was)."""
    from complaint_xl.teams import expand

    files = expand(reading.registers)
    reading.registers = tuple(files)
    if len(files) > 1 or reading.settings_file is not None:
        return Several(reading, files)
    return None


# -- the commands ---------------------------------------------------------------------------------

def validate_teams(several: Several, *, as_json: bool, out: Path | None, show_all: bool) -> None:
    """validate over several registers: each one's findings under a line naming its team and
    file, then the counts over all; exit 1 when any is an error, 2 when a file was unusable."""
    from complaint_xl.cli.findings_view import findings_lines
    from complaint_xl.jobs import prepare_validate
    from complaint_xl.jobs_teams import run_validate_teams

    run = run_validate_teams(read_each(several, prepare_validate, settings_warnings=False), out)
    run.warn_again()
    lang = several.lang

    def lines() -> list[str]:
        out_lines: list[str] = []
        for one in run.checked:
            out_lines += [say("cli.file-head", lang, team=one.entry["team"], file=one.entry["file"]),
                          *findings_lines(one.findings, show_all=show_all, workbook=one.workbook), ""]
        f = [one.findings for one in run.checked]
        out_lines.append(say("cli.files-summary", lang, files=len(f), rows=sum(x.rows for x in f),
                             errors=sum(x.errors for x in f), warnings=sum(x.warnings for x in f)))
        return out_lines

    def lines_and_files() -> list[str]:  # stdout holds only the JSON document under --json
        return [*lines(), *(say("cli.findings-written", lang, path=w) for w in run.files)]

    if as_json:
        for written in run.files:
            click.echo(say("cli.findings-written", lang, path=written), err=True)
    finish(several, (lambda: run.document) if run.checked else None, lines_and_files,
           as_json=as_json, code=0 if run.valid else 1)


def chase_teams(several: Several, *, as_json: bool, out: Path | None) -> None:
    """chase over several registers: one chase list, one draft per owner across the teams."""
    from complaint_xl.jobs import prepare_chase
    from complaint_xl.jobs_teams import run_chase_teams

    run = run_chase_teams(read_each(several, prepare_chase, command="chase"), out,
                          given=several.given)
    if run is not None:
        run.warn_again()
    finish(several, run and (lambda: run.document), run and (lambda: run.lines), as_json=as_json)


def report_teams(several: Several, *, as_json: bool, out: Path | None, **options: Any) -> None:
    """report over several registers: every team's rows in one report, ``by.team`` among
    the breakdowns."""
    import datetime as dt

    from complaint_xl.jobs import prepare_report
    from complaint_xl.jobs_teams import run_report_teams

    parts = read_each(several, prepare_report if out is not None else None, command="report",
                      read_ahead=False, compact="report")
    run = run_report_teams(parts, as_of=several.reading.today or dt.date.today(), out=out,
                           given=several.given, **options)
    if run is not None:
        run.warn_again()
    finish(several, run and (lambda: run.document), run and (lambda: run.lines), as_json=as_json)


def export_teams(several: Several, *, as_json: bool, out: Path) -> None:
    """export: every register into one Parquet dataset, CSV and calendar in ``out``."""
    from complaint_xl.export import run_export

    run = run_export(read_each(several, read_ahead=False, compact="export"), out)
    if run is not None:
        run.warn_again()
    finish(several, run and (lambda: run.document), run and (lambda: run.lines), as_json=as_json)
