"""Progress on a terminal: the stage a long run is at and the rows it works on, on stderr.

A report on 100,000 rows takes half a minute, so a person at a terminal sees what the
run is doing (rich's live display: a spinner, the stage, the time so far). Nothing is
shown when stderr is not a terminal (a scheduled job, a pipe, a test) or under
``--json``; rich is imported only when the display is shown. The display is transient:
it disappears when the run ends, leaving the run's own output.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from complaint_xl.words import say

__all__ = ["echo", "speak", "stage", "start", "stop", "writing"]


class _State:
    """The one run of this process: whether to show progress, in which language, and the display."""

    show = False
    lang = "zh"
    command = ""
    display: Any = None  # rich.progress.Progress while shown
    task: Any = None


def wanted(*, json_output: bool) -> bool:
    """Progress only for a person: stderr a terminal, no --json, not switched off."""
    if json_output or os.environ.get("COMPLAINT_XL_PROGRESS", "").lower() in ("0", "no", "off"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def start(command: str, lang: str, *, json_output: bool) -> None:
    """Begin a run of ``command``; the display appears with the first stage."""
    stop()
    _State.show = wanted(json_output=json_output)
    _State.lang = lang
    _State.command = command


def speak(lang: str) -> None:
    """Say the stages from now on in ``lang`` (the run's, once the workbook is read)."""
    _State.lang = lang


def stage(key: str, **params: Any) -> None:
    """Show the stage ``key`` of the words (``cli.stage.*``) with ``params``."""
    if not _State.show:
        return
    lang = _State.lang
    text = say("cli.stage.line", lang, command=say(f"cli.stage.command-{_State.command}", lang),
               stage=say(key, lang, **params))
    if _State.display is None:
        try:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
        except ImportError:  # installed without its dependencies: the run goes on without
            _State.show = False
            return

        _State.display = Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
            console=Console(stderr=True, highlight=False), transient=True,
            redirect_stdout=False, redirect_stderr=False)
        _State.task = _State.display.add_task(text, total=None)
        _State.display.start()
    else:
        _State.display.update(_State.task, description=text, refresh=True)  # shown, however brief


def writing(path: Path) -> None:
    """A file is about to be written (``outputs.files.recording``' announcement); the run's
    bookkeeping (hidden files) is not shown."""
    if not path.name.startswith("."):
        stage("cli.stage.writing", name=path.name)


def stop() -> None:
    """Take the display away (the run is done, or about to print its result)."""
    if _State.display is not None:
        display, _State.display = _State.display, None
        display.stop()


def echo(line: str) -> None:
    """A line on stderr, above the display while it is shown."""
    if _State.display is not None:
        _State.display.console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        click.echo(line, err=True)
