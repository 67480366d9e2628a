"""The demo: a sample register, then every command run on it, into one folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from complaint_xl.outputs.files import ensure_folder
from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx

__all__ = ["run_demo", "write_demo_register"]


def write_demo_register(path: Path, *, today: dt.date, lang: str = "zh", rows: int = 240) -> Path:
    """The demo team's register: a title row, planted mistakes, staff and settings sheets."""
    frame = make_register(rows, as_of=today, seed=2026)
    return write_register_xlsx(frame, path, lang=lang,
                               title="客户投诉管理表" if lang == "zh" else "Customer complaints",
                               extra_sheets=sample_settings_sheets(lang))


def run_demo(out: Path, *, today: dt.date, lang: str = "zh",
             echo: Callable[[str], None] = print) -> list[Path]:
    """Write the sample register into ``out`` and run validate, chase and report on it."""
    folder = ensure_folder(out)
    register = write_demo_register(folder / ("示例投诉登记.xlsx" if lang == "zh" else
                                             "sample-register.xlsx"), today=today, lang=lang)
    written = [register]
    echo(("示例登记表：" if lang == "zh" else "sample register: ") + str(register))
    # validate (校验): the same calls as `complaint-xl validate --out`
    from complaint_xl.checks import validate
    from complaint_xl.checks.console import summary_line
    from complaint_xl.loading import load as load_checked
    from complaint_xl.outputs.findings_xlsx import write_findings_xlsx

    checked = load_checked(register, as_of=today, lang=lang)
    findings = validate(checked.register, checked.settings, checked.as_of, checked.calendar)
    written.append(write_findings_xlsx(
        findings, folder / ("检查结果.xlsx" if lang == "zh" else "findings.xlsx")))
    echo(("检查结果：" if lang == "zh" else "findings: ") + f"{written[-1]}  "
         + summary_line(findings))
    # chase (催办): the same calls as `complaint-xl chase`
    from complaint_xl.chase import run_chase, summary_lines
    from complaint_xl.loading import load

    result, chased = run_chase(load(register, as_of=today, lang=lang),
                               folder / ("催办" if lang == "zh" else "chase"))
    written += [chased.workbook, *chased.drafts]
    for line in summary_lines(result, chased, lang, top=3):
        echo(line)
    # report (周报): the same calls as `complaint-xl report`
    from complaint_xl.outputs.weekly import run_report
    from complaint_xl.outputs.weekly import summary_lines as report_lines

    weekly_report, weekly_files = run_report(load(register, as_of=today, lang=lang),
                                             out=folder / ("周报" if lang == "zh" else "weekly"))
    assert weekly_files is not None
    written += list(weekly_files)
    for line in report_lines(weekly_report, weekly_files, lang):
        echo(line)
    # new-workbook (工作簿): the same call as `complaint-xl new-workbook --demo`
    from complaint_xl.workbook import build_workbook

    written.append(build_workbook(folder / ("示例投诉登记.xlsm" if lang == "zh" else
                                            "sample-register.xlsm"), lang=lang, demo=True, today=today))
    echo(("带按钮的工作簿：" if lang == "zh" else "workbook with buttons: ") + str(written[-1]))
    return written
