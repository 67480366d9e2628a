"""The findings workbook (检查结果.xlsx): one row per finding, linked to its cell, with summaries.

The coordinator filters it by owner or code and clicks through to the cell in the
register. Links are external links (``[register.xlsx]'Sheet'!B5``) written relative
to the findings file when they share a drive, so the two files can move together, with
forward slashes: a relative URI that Excel on Windows and on macOS and LibreOffice all
open (a backslash is part of a file name on macOS). On another drive the link is an
absolute ``file:///C:/…`` URI.
The findings rows and their links go straight into the sheet XML
(:mod:`complaint_xl.outputs.xlsx_rows`): a call per cell and link took a second on a
big register.
"""

from __future__ import annotations

import math
import ntpath
import posixpath
import re
from pathlib import Path, PurePath, PureWindowsPath
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
from complaint_xl.outputs.weekly_xlsx_formats import text_width
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
    return link_uri(Path(register).resolve(), out.resolve().parent)


def link_uri(source: PurePath, folder: PurePath) -> str | None:
    """``source`` as a hyperlink target from a file in ``folder``: ``../登记%20表.xlsx``
    (relative, forward slashes), or ``file:///C:/…`` / ``file://server/share/…`` when no
    relative path exists (another drive); None when Excel could not follow it. Windows
    paths (PureWindowsPath) give the same answer on any system."""
    flavour = ntpath if isinstance(source, PureWindowsPath) else posixpath
    try:
        text = flavour.relpath(str(source), str(folder)).replace("\\", "/")
    except ValueError:  # another drive on Windows
        absolute = str(source).replace("\\", "/")
        text = "file:" + absolute if absolute.startswith("//") else "file:///" + absolute.lstrip("/")
    # '#' would end the file part of the link early; Excel caps a link at 2,080 characters
    if "#" in text or len(text) > 1_800:
        return None
    # what a URI may not hold raw (a file name's own '%' included)
    return re.sub(r'[%" <>\[\]^`{}|]', lambda m: f"%{ord(m.group()):02X}", text)


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
    links = None if link is None else Links(h["cell"], link, places.iloc[:MAX_LINKS].tolist(), uri=True)
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
    ws.set_row(0, 20)  # the 12-pt title fits (the default 15-pt row clips it)
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


_RULE_WIDTH: Final[float] = 14
"""Width of a rule's column on the by-owner sheet; its name wraps in the header."""


def _by_owner_sheet(wb: Workbook, findings: Findings, lang: Lang) -> None:
    """Who has to fix what: counts by owner, one column per rule that occurs, headed by the
    rule's name in the language (its code in the header cell's note)."""
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
    heads: dict[str, str] = {}
    for code in by_code.columns:
        title = CATALOGUE[code].title(lang)
        # an Excel table's headers must differ (from each other and from the columns above)
        head = title if title not in frame.columns and title not in heads.values() else f"{title} ({code})"
        heads[code] = head
        frame[head] = by_code.loc[counts.index, code].to_numpy()
    frame = frame.sort_values([h["errors"], h["total"]], ascending=False, kind="stable")
    write_table(wb, ws, frame, name="ByOwner",
                widths={h["owner"]: 16, **{head: _RULE_WIDTH for head in heads.values()}})
    lines = max([1, *(math.ceil(text_width(head) / (_RULE_WIDTH - 1)) for head in heads.values())])
    ws.set_row(0, 15.5 * lines + 4, wb.add_format({"text_wrap": True, "valign": "top"}))
    first = len(frame.columns) - len(heads)
    for i, code in enumerate(heads):
        ws.write_comment(0, first + i, code, {"x_scale": 1.2, "y_scale": 0.4})


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
