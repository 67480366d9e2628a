"""Every output of the weekly report in one call: workbook, page and e-mail draft.

The command line and the 周报 button both call :func:`write_weekly`, so they write
the same files with the same names.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from complaint_xl.kpi import Week, WeeklyReport, weekly
from complaint_xl.loading import Loaded
from complaint_xl.outputs.charts import report_charts
from complaint_xl.outputs.email import is_address
from complaint_xl.outputs.files import ensure_folder, safe_filename
from complaint_xl.outputs.weekly_html import summary_text, write_weekly_html
from complaint_xl.outputs.weekly_mail import write_weekly_eml
from complaint_xl.outputs.weekly_xlsx import write_weekly_xlsx
from complaint_xl.settings import Settings

__all__ = ["WeeklyFiles", "run_report", "summary_lines", "weekly_stem", "write_weekly"]


@dataclass(frozen=True, slots=True)
class WeeklyFiles:
    """The files one report run wrote."""

    xlsx: Path
    html: Path
    eml: Path

    def __iter__(self) -> Iterator[Path]:
        return iter((self.xlsx, self.html, self.eml))


def weekly_stem(report: WeeklyReport) -> str:
    """weekly-2026-W47, plus the filter values when filtered (so runs do not overwrite)."""
    stem = f"weekly-{report.week_label}"
    values = [v for vs in report.filters.values() for v in vs]
    return stem + ("-" + safe_filename("-".join(values), max_length=60) if values else "")


def write_weekly(report: WeeklyReport, folder: str | Path, settings: Settings,
                 lang: str | None = None) -> WeeklyFiles:
    """Write weekly-YYYY-Www.xlsx, .html and .eml into ``folder`` and return their paths."""
    lang = lang or report.lang
    out = ensure_folder(folder)
    stem = weekly_stem(report)
    charts = report_charts(report, lang)
    xlsx = write_weekly_xlsx(report, out / f"{stem}.xlsx", lang)
    html = write_weekly_html(report, out / f"{stem}.html", charts, lang,
                             override=settings.templates_folder)
    eml = write_weekly_eml(report, settings, out / f"{stem}.eml", charts, xlsx, lang)
    if not any(is_address(a) for a in settings.report_recipients):
        warnings.warn("设置中没有“周报收件人”的邮箱，邮件草稿没有收件人" if lang == "zh" else
                      "no report recipients (周报收件人) in the settings: the draft has no To",
                      stacklevel=2)
    return WeeklyFiles(xlsx, html, eml)


def run_report(loaded: Loaded, *, week: Week | None = None,
               filters: Mapping[str, str | Sequence[str]] | None = None,
               out: str | Path | None = None) -> tuple[WeeklyReport, WeeklyFiles | None]:
    """What ``complaint-xl report`` and the demo do: compute, then write the files if asked."""
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of, week=week,
                    filters=filters)
    files = write_weekly(report, out, loaded.settings) if out is not None else None
    return report, files


def summary_lines(report: WeeklyReport, files: WeeklyFiles | None,
                  lang: str | None = None) -> list[str]:
    """The command line's readable summary: figures, hard points, and what was written."""
    lang = lang or report.lang
    lines = summary_text(report, lang).rstrip("\n").split("\n")
    if files is None:
        lines.append("（加 --out 文件夹 可写出周报工作簿、网页和邮件草稿）" if lang == "zh" else
                     "(add --out DIR to write the workbook, the page and the e-mail draft)")
    else:
        label = "已写入：" if lang == "zh" else "written: "
        lines += [label + str(p) for p in files]
    return lines
