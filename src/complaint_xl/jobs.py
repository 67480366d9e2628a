"""Each job end to end: compute over a read register, write its files, say what happened.

The command line, the Excel buttons and the demo run validate, chase and report
through :func:`run_validate`, :func:`run_chase` and :func:`run_report`, so the three
front ends cannot drift apart. Each job has one shape — compute → result object →
writers — and returns one run object holding what a front end shows: the ``--json``
document, the summary lines for a person, the files written and the warnings raised.

Reading is the caller's: it hands over a :class:`~complaint_xl.loading.Loaded`
(:func:`~complaint_xl.loading.load` for a file, :func:`~complaint_xl.loading.load_grids`
for cells already in memory). The command line starts parsing the file before it
imports pandas; a button reads the open workbook through xlwings.

Each job imports its computing and writing where it runs, so a command loads only what
it uses and the grid API can share the documents defined here without the writers
(matplotlib above all). The ``prepare_*`` functions import them ahead: the command line
passes one to :func:`~complaint_xl.loading.load_grids`, which runs it while the
register is still being parsed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaint_xl.words import say

if TYPE_CHECKING:
    from complaint_xl.chase import ChaseOutputs, ChaseResult
    from complaint_xl.checks import Findings
    from complaint_xl.kpi import Week, WeeklyKpis
    from complaint_xl.loading import Loaded
    from complaint_xl.outputs.weekly import WeeklyFiles
    from complaint_xl.settings import Settings

__all__ = [
    "ChaseRun",
    "ReportRun",
    "Run",
    "ValidateRun",
    "prepare_chase",
    "prepare_report",
    "prepare_validate",
    "register_notes",
    "run_chase",
    "run_report",
    "run_validate",
    "validate_document",
]


@dataclass(kw_only=True)
class Run:
    """What one job did, as every front end shows it."""

    make_document: Callable[[], dict[str, Any]] = field(repr=False)
    make_lines: Callable[[], list[str]] = field(repr=False)
    files: list[Path] = field(default_factory=list)
    """Every file written, in the order written."""
    warnings: list[Warning] = field(default_factory=list)
    """What the job warned about while computing and writing, in order (a missing
    address, a kept edited draft, an unconfirmed holiday year …)."""

    # Built when asked: a run prints one or the other, and at 100,000 rows either costs
    # a few tenths of a second (JSON records, or the findings table).
    @functools.cached_property
    def document(self) -> dict[str, Any]:
        """The ``--json`` document (contracts in design.md)."""
        return self.make_document()

    @functools.cached_property
    def lines(self) -> list[str]:
        """The summary for a person: what the command line prints without ``--json``."""
        return self.make_lines()

    def warn_again(self) -> None:
        """Raise :attr:`warnings` again, for a caller that tells warnings where it catches them."""
        for message in self.warnings:
            warnings.warn(message, stacklevel=2)


@dataclass(kw_only=True)
class ValidateRun(Run):
    """A check (校验): the findings, and the findings workbook if one was asked for."""

    findings: Findings

    @property
    def valid(self) -> bool:
        """No finding is an error: the command line exits 0."""
        return self.findings.valid


@dataclass(kw_only=True)
class ChaseRun(Run):
    """A chase (催办): the chase list and what was written for it."""

    result: ChaseResult
    outputs: ChaseOutputs


@dataclass(kw_only=True)
class ReportRun(Run):
    """A weekly report (周报): the KPIs, and the report files if a folder was given."""

    kpis: WeeklyKpis
    written: WeeklyFiles | None = None


@contextlib.contextmanager
def _recorded(into: list[Warning]) -> Iterator[None]:
    """Collect the warnings of a job into ``into``; if the job fails, raise them again first.

    A failed job has no run object to carry them, and the user should still hear them
    (the command line prints them before its one-line error).
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                into.extend(w.message for w in caught)
    except BaseException:
        for message in into:
            warnings.warn(message, stacklevel=3)
        raise


# -- the documents ------------------------------------------------------------------------

def register_notes(loaded: Loaded, lang: str) -> list[str]:
    """What the reading should tell the user (sheets read or left out, repeats …), in ``lang``."""
    return [say(f"errors.{key}", lang, **params) for key, params in loaded.register.notes]


def validate_document(loaded: Loaded, findings: Findings) -> dict[str, Any]:
    """The JSON of ``validate --json``: the findings, each sheet read, and the reading's notes."""
    register = loaded.register
    rows = register.frame["_sheet"].value_counts(sort=False)
    return {**findings.to_json(),
            "sheets": [{"name": s.name, "header_row": s.header_row,
                        "rows": int(rows.get(s.name, 0))} for s in register.sheets],
            "notes": register_notes(loaded, findings.lang)}


# -- warming up while the register is parsed ---------------------------------------------

def prepare_validate(settings: Settings) -> None:
    """Import the checks and their writers (``load_grids``' ``prepare``)."""
    from complaint_xl import checks  # noqa: F401
    from complaint_xl.outputs import findings_text, findings_xlsx  # noqa: F401


def prepare_chase(settings: Settings) -> None:
    """Import the chase and its writers, and compile the mail templates."""
    from complaint_xl import chase  # noqa: F401
    from complaint_xl.outputs.chase import prepare_outputs

    prepare_outputs(settings)


def prepare_report(settings: Settings) -> None:
    """Import the KPIs and the report's writers, find the CJK font, compile the templates."""
    from complaint_xl import kpi  # noqa: F401
    from complaint_xl.outputs.weekly import prepare_outputs

    prepare_outputs(settings)


# -- the jobs -----------------------------------------------------------------------------

def run_validate(loaded: Loaded, out: Path | None = None) -> ValidateRun:
    """Check every row; with ``out``, write the findings workbook there (a folder gets
    the findings file name of the run's language)."""
    from complaint_xl.checks import check_register
    from complaint_xl.outputs.findings_text import render_text
    from complaint_xl.outputs.findings_xlsx import findings_filename, write_findings_xlsx

    caught: list[Warning] = []
    with _recorded(caught):
        findings = check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
        files = []
        if out is not None:
            if out.is_dir():
                out = out / findings_filename(findings.lang)
            files.append(write_findings_xlsx(findings, out))
    return ValidateRun(make_document=lambda: validate_document(loaded, findings),
                       make_lines=lambda: render_text(findings).split("\n"), files=files,
                       warnings=caught,
                       findings=findings)


def run_chase(loaded: Loaded, out: Path | None = None, *, now: dt.datetime | None = None,
              top: int = 5) -> ChaseRun:
    """List what to chase and write the chase list and drafts into ``out`` (default: the
    dated folder, see :func:`~complaint_xl.outputs.chase.write_chase`); the summary
    names the ``top`` most overdue items. ``now`` dates the drafts."""
    from complaint_xl.chase import chase
    from complaint_xl.outputs.chase import summary_lines, write_chase

    caught: list[Warning] = []
    with _recorded(caught):
        result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
        outputs = write_chase(result, loaded.settings, out, now=now)
    return ChaseRun(make_document=lambda: result.to_json(outputs),
                    make_lines=lambda: summary_lines(result, outputs, loaded.settings.lang, top=top),
                    files=[outputs.workbook, *outputs.drafts], warnings=caught,
                    result=result, outputs=outputs)


def run_report(loaded: Loaded, *, week: Week | None = None,
               filters: Mapping[str, str | Sequence[str]] | None = None,
               out: Path | None = None) -> ReportRun:
    """Compute the weekly KPIs (``week`` default: the last complete week) and, with ``out``,
    write the workbook, page and draft there."""
    from complaint_xl.kpi import weekly
    from complaint_xl.outputs.weekly import summary_lines, write_weekly

    caught: list[Warning] = []
    with _recorded(caught):
        kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of, week=week,
                      filters=filters)
        written = write_weekly(kpis, out, loaded.settings) if out is not None else None
    return ReportRun(make_document=kpis.to_json,
                     make_lines=lambda: summary_lines(kpis, written, loaded.settings.lang),
                     files=list(written or ()), warnings=caught, kpis=kpis, written=written)
