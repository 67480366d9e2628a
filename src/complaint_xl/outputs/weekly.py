"""Every output of the weekly report in one call: workbook, page and e-mail draft.

The command line, the 周报 button and the demo all reach :func:`write_weekly` through
:func:`complaint_xl.jobs.run_report`, so they write
the same files with the same names. A rerun into the same folder goes through
:class:`~complaint_xl.outputs.drafts.OutputFolder`, as the chase does: files it wrote
and nobody touched are replaced; a draft (or page, or workbook) the user edited is
kept, and the new one is written beside it as ``name (2).ext`` with a warning.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from complaint_xl.errors import LocalizedWarning, OutputError
from complaint_xl.kpi import Week, WeeklyKpis
from complaint_xl.kpi.weeks import label
from complaint_xl.outputs.charts import cjk_font, report_charts
from complaint_xl.outputs.drafts import OutputFolder
from complaint_xl.outputs.email import is_address, render_draft
from complaint_xl.outputs.files import safe_filename
from complaint_xl.outputs.weekly_html import render_page, summary_text
from complaint_xl.outputs.weekly_mail import weekly_draft
from complaint_xl.outputs.weekly_xlsx import write_weekly_xlsx
from complaint_xl.settings import Settings
from complaint_xl.words import phrase, say

__all__ = [
    "WeeklyFiles", "folder_name", "prepare_outputs", "summary_lines", "weekly_stem", "write_weekly",
]


@dataclass(frozen=True, slots=True)
class WeeklyFiles:
    """The files one report run wrote."""

    xlsx: Path
    html: Path
    eml: Path

    def __iter__(self) -> Iterator[Path]:
        return iter((self.xlsx, self.html, self.eml))


def folder_name(week: Week, lang: str) -> str:
    """The folder the 周报 button writes into beside the workbook: 周报-2026-W48 (Weekly- in English)."""
    return say("weekly.folder", lang, week=label(week))


def weekly_stem(kpis: WeeklyKpis) -> str:
    """weekly-2026-W47, plus the filter values when filtered (so runs do not overwrite)."""
    stem = f"weekly-{kpis.week_label}"
    values = [v for vs in kpis.filters.values() for v in vs]
    return stem + ("-" + safe_filename("-".join(values), max_length=60) if values else "")


def write_weekly(kpis: WeeklyKpis, folder: str | Path, settings: Settings,
                 lang: str | None = None) -> WeeklyFiles:
    """Write weekly-YYYY-Www.xlsx, .html and .eml into ``folder`` and return their paths.

    The paths are those written: ``weekly-… (2).eml`` when the user had edited the
    earlier draft (said in a warning, as is a draft without recipients).
    """
    lang = lang or kpis.lang
    stem = weekly_stem(kpis)
    names = [f"{stem}.xlsx", f"{stem}.html", f"{stem}.eml"]
    for name in names:
        # Unlike the chase, the report refuses rather than writing beside a file open in
        # Excel: the draft attaches the workbook, and the set belongs together.
        if (Path(folder) / f"~${name}").exists():
            raise OutputError("out-not-writable", path=str(Path(folder) / name),
                              detail=phrase("os-error.in-excel"))
    out = OutputFolder(folder, lang=lang)
    charts = report_charts(kpis, lang)
    # Rendered before anything is written, so a broken page template leaves no files.
    page = render_page(kpis, charts, lang, settings.templates_path,
                       settings.due_soon_days).encode("utf-8")
    written: list[Path] = []
    try:
        written.append(out.write_with(names[0], lambda tmp: write_weekly_xlsx(
            kpis, tmp, lang, settings.due_soon_days)))
        written.append(out.write_bytes(names[1], page))
        draft = weekly_draft(kpis, settings, charts, written[0], lang)
        written.append(out.write_bytes(names[2], render_draft(draft)))
    except BaseException:
        if written:  # what was written stays replaceable by the next run
            with contextlib.suppress(OutputError):
                out.save()
        raise
    out.save()
    messages = list(out.warnings)
    if not draft.attachments:  # above the settings' limit: the draft says where it is
        size, limit = written[0].stat().st_size / 1024**2, settings.mail_attachment_max_mb
        messages.append(say("weekly.too-big", lang, name=written[0].name, size=size, limit=limit))
    if not any(is_address(a) for a in settings.report_recipients):
        messages.append(say("weekly.no-recipients", lang))
    for message in messages:
        warnings.warn(LocalizedWarning(message), stacklevel=2)  # ours: the command line shows it
    return WeeklyFiles(*written)


def prepare_outputs(settings: Settings) -> None:
    """Find the CJK font and compile the templates: run while the register is parsed."""
    from complaint_xl.outputs.templating import preload

    cjk_font()
    preload("weekly", lang=settings.lang, override=settings.templates_path)


def summary_lines(kpis: WeeklyKpis, files: WeeklyFiles | None,
                  lang: str | None = None) -> list[str]:
    """The command line's readable summary: figures, hard points, and what was written."""
    lang = lang or kpis.lang
    lines = summary_text(kpis, lang).rstrip("\n").split("\n")
    if files is None:
        lines.append(say("weekly.add-out", lang))
    else:
        lines += [say("weekly.written", lang, path=p) for p in files]
    return lines
