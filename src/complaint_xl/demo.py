"""The demo: a sample register, then every command run on it, into one folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from complaint_xl.outputs.files import ensure_folder
from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx
from complaint_xl.words import say

__all__ = ["run_demo", "write_demo_register"]


def write_demo_register(path: Path, *, today: dt.date, lang: str = "zh", rows: int = 240) -> Path:
    """The demo team's register: a title row, planted mistakes, staff and settings sheets."""
    frame = make_register(rows, as_of=today, seed=2026, lifecycle=True)
    return write_register_xlsx(frame, path, lang=lang,
                               title=say("demo.title", lang),
                               extra_sheets=sample_settings_sheets(lang))


def run_demo(out: Path, *, today: dt.date, lang: str = "zh",
             echo: Callable[[str], None] = print) -> list[Path]:
    """Write the sample register into ``out`` and run validate, chase and report on it.

    The jobs are those of the command line (:mod:`complaint_xl.jobs`); their warnings
    are raised again for the caller to tell, as the commands do. Every path it prints
    is absolute, as the jobs' own summaries print theirs, so that each can be opened
    from wherever the lines are read.
    """
    from complaint_xl.jobs import run_chase, run_report, run_validate
    from complaint_xl.loading import load
    from complaint_xl.outputs.findings_text import summary_line
    from complaint_xl.workbook import build_workbook

    folder = ensure_folder(out).absolute()
    register = write_demo_register(folder / say("demo.register-file", lang), today=today, lang=lang)
    written = [register]
    echo(say("demo.register", lang, path=register))

    checked = run_validate(load(register, as_of=today, lang=lang), folder)  # validate --out DIR
    checked.warn_again()
    written += checked.files
    echo(say("demo.findings", lang, path=checked.files[0], summary=summary_line(checked.findings)))

    chased = run_chase(load(register, as_of=today, lang=lang), folder / say("demo.chase-folder", lang),
                       top=3)
    chased.warn_again()
    written += chased.files
    for line in chased.lines:
        echo(line)

    reported = run_report(load(register, as_of=today, lang=lang),
                          out=folder / say("demo.report-folder", lang))
    reported.warn_again()
    written += reported.files
    for line in reported.lines:
        echo(line)

    # new-workbook --demo; the demo's own folder, so a rerun replaces it
    written.append(build_workbook(folder / say("demo.workbook-file", lang),
                                  lang=lang, demo=True, today=today, force=True))
    echo(say("demo.workbook", lang, path=written[-1]))
    return written
