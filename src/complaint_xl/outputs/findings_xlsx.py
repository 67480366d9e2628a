"""The findings workbook (检查结果.xlsx): one row per finding, linked to its cell, with summaries.

The coordinator filters it by owner or code and clicks through to the cell in the
register. Links are external links (``[register.xlsx]'Sheet'!B5``) written relative
to the findings file when they share a drive, so the two files can move together.
The findings rows and their links go straight into the sheet XML
(:mod:`complaint_xl.outputs.xlsx_rows`): a call per cell and link took a second on a
big register.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pandas as pd
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.workbook import Workbook

from complaint_xl.checks.catalogue import CATALOGUE, SEVERITIES, Lang
from complaint_xl.checks.findings import Findings
from complaint_xl.errors import OutputError
from complaint_xl.kpi.labels import column
from complaint_xl.outputs.files import atomic_path
from complaint_xl.outputs.findings_text import summary_line
from complaint_xl.outputs.xlsx import open_workbook, write_table, write_text
from complaint_xl.outputs.xlsx_rows import MAX_LINKS, Links, PendingRows, fill_rows, table_later
from complaint_xl.words import say

__all__ = ["MAX_LINKS", "SHEETS", "findings_filename", "write_findings_xlsx"]

SHEETS: Final[tuple[str, ...]] = ("findings", "by_code", "by_owner")
"""The workbook's sheets (``findings.sheet.<key>`` of the words)."""
_HEADERS: Final[tuple[str, ...]] = (
    "sheet", "row", "column", "cell", "header", "severity", "code", "title", "message", "value",
    "owner", "count", "rows", "errors", "warnings", "total",
)
"""Column keys (``findings.head.<key>``; the owner column is headed as in every list)."""


def _heads(lang: Lang) -> dict[str, str]:
    return {k: column(k, lang) if k == "owner" else say(f"findings.head.{k}", lang)
            for k in _HEADERS}


def _link_target(register: str, out: Path) -> str | None:
    """The register as a link target from the findings file: relative when possible."""
    source = Path(register).resolve()
    try:
        text = os.path.relpath(source, out.resolve().parent)
    except ValueError:  # another drive on Windows
        text = str(source)
    # '#' would end the file part of the link early; Excel caps a link at 2,080 characters
    return None if "#" in text or len(text) > 1_800 else text


def _owners(findings: Findings, lang: Lang) -> pd.Series:
    """Who has to fix each finding: the row's owner, or a label for settings and empty owners."""
    table = findings.table
    label = table["owner"].where(table["owner"].notna(), say("findings.no-owner", lang))
    return label.where(table["field"] != "", say("findings.settings-owner", lang))


def _findings_frame(findings: Findings, lang: Lang) -> tuple[pd.DataFrame, pd.Series]:
    """The findings sheet's rows, and where in the register each one's cell link opens."""
    table = findings.table
    h = _heads(lang)
    rows = table["row"].astype(str)
    cells = (table["sheet"] + "!" + table["column"] + rows).where(
        table["column"] != "", table["sheet"] + "!" + rows)
    frame = pd.DataFrame({
        h["sheet"]: table["sheet"],
        h["row"]: table["row"],
        h["column"]: table["column"],
        h["cell"]: cells,
        h["header"]: table["header"],
        h["severity"]: table["severity"].map({s: say(f"severity.{s}", lang)
                                              for s in SEVERITIES}.__getitem__),
        h["code"]: table["code"],
        h["title"]: table["code"].map({c: CATALOGUE[c].title(lang)
                                       for c in table["code"].unique()}.__getitem__),
        h["message"]: table["message"],
        h["value"]: table["value"],
        h["owner"]: _owners(findings, lang),
    })
    places = ("'" + table["sheet"].str.replace("'", "''") + "'!"
              + table["column"].where(table["column"] != "", "A") + rows)
    return frame, places


def _findings_sheet(wb: Workbook, findings: Findings, lang: Lang, link: str | None) -> PendingRows:
    """The findings table, its rows left to ``fill_rows`` (thousands on a big register)."""
    h = _heads(lang)
    frame, places = _findings_frame(findings, lang)
    ws = wb.add_worksheet(say("findings.sheet.findings", lang))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    # Each cell address opens the register at that cell, up to Excel's limit of links.
    links = None if link is None else Links(h["cell"], link, places.iloc[:MAX_LINKS].tolist())
    last_row, _, pending = table_later(
        wb, ws, frame, name="Findings",
        widths={h["message"]: 70, h["cell"]: 16, h["value"]: 24, h["header"]: 14},
        formats={h["message"]: wrap}, links=links,
    )
    ws.freeze_panes(1, 0)
    severity_col = list(frame.columns).index(h["severity"])
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    ws.conditional_format(1, severity_col, max(last_row, 1), severity_col, {
        "type": "cell", "criteria": "==", "value": f'"{say("severity.error", lang)}"',
        "format": red})
    return pending


def _by_code_sheet(wb: Workbook, findings: Findings, lang: Lang) -> None:
    table = findings.table
    h = _heads(lang)
    ws = wb.add_worksheet(say("findings.sheet.by_code", lang))
    bold = wb.add_format({"bold": True, "font_size": 12})
    write_text(ws, 0, 0, findings.register, bold)
    ws.write_string(1, 0, say("findings.as-of", lang, as_of=findings.as_of.isoformat()))
    ws.write_string(2, 0, summary_line(findings, lang))
    grouped = table.groupby("code", sort=False).agg(
        count=("code", "size"), severity=("severity", "first"),
        rows=("row", lambda r: r.nunique()))
    grouped = grouped.assign(rank=grouped["severity"].eq("warning")).sort_values(
        ["rank", "count"], ascending=[True, False], kind="stable")
    frame = pd.DataFrame({
        h["code"]: grouped.index,
        h["title"]: [CATALOGUE[c].title(lang) for c in grouped.index],
        h["severity"]: [say(f"severity.{s}", lang) for s in grouped["severity"]],
        h["count"]: grouped["count"].to_numpy(),
        h["rows"]: grouped["rows"].to_numpy(),
    })
    write_table(wb, ws, frame, first_row=4, name="ByRule", widths={h["title"]: 24, h["code"]: 26})


def _by_owner_sheet(wb: Workbook, findings: Findings, lang: Lang) -> None:
    table = findings.table
    h = _heads(lang)
    ws = wb.add_worksheet(say("findings.sheet.by_owner", lang))
    owners = _owners(findings, lang).rename("owner")
    counts = pd.crosstab(owners, table["severity"]).reindex(columns=["error", "warning"],
                                                             fill_value=0)
    by_code = pd.crosstab(owners, table["code"])
    frame = pd.DataFrame({
        h["owner"]: counts.index,
        h["errors"]: counts["error"].to_numpy(),
        h["warnings"]: counts["warning"].to_numpy(),
        h["total"]: (counts["error"] + counts["warning"]).to_numpy(),
    })
    # one column per code that occurs: who has to fix what
    for code in by_code.columns:
        frame[code] = by_code.loc[counts.index, code].to_numpy()
    frame = frame.sort_values([h["errors"], h["total"]], ascending=False, kind="stable")
    write_table(wb, ws, frame, name="ByOwner", widths={h["owner"]: 16})


def findings_filename(lang: str) -> str:
    """The findings workbook's name in a folder (validate --out DIR, the demo): 检查结果.xlsx
    or findings.xlsx; defined once, so the command line and the demo cannot drift apart."""
    return say("findings.file", lang)


def write_findings_xlsx(findings: Findings, path: str | Path, *, lang: Lang | None = None) -> Path:
    """Write the findings workbook to ``path`` (atomically); return the path written.

    Sheets: every finding with a link to its cell (an Excel table, so it filters),
    a summary by rule and a summary by owner. User values stay text.
    """
    lang = lang or findings.lang
    target = Path(path)
    link = _link_target(findings.register, target)
    with atomic_path(target) as tmp:
        wb = open_workbook(tmp)
        pending = _findings_sheet(wb, findings, lang, link)
        _by_code_sheet(wb, findings, lang)
        _by_owner_sheet(wb, findings, lang)
        try:
            wb.close()
            fill_rows(tmp, [pending])
        except (XlsxWriterException, OSError) as exc:
            raise OutputError("out-not-writable", path=str(target), detail=str(exc)) from None
    return target
