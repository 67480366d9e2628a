"""The findings as a table for the terminal: grouped by row, errors first, one summary line."""

from __future__ import annotations

from typing import Final

import click
import pandas as pd

from complaint_xl.checks.catalogue import SEVERITIES, Lang
from complaint_xl.checks.findings import Findings
from complaint_xl.words import Phrase, phrase, say, template

__all__ = ["render_text", "summary_line"]

_COLOURS: Final[dict[str, str]] = {"error": "red", "warning": "yellow"}


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def summary_line(findings: Findings, lang: Lang | None = None) -> str:
    """'N errors, M warnings in K rows' (or that nothing was found), in the findings' language."""
    lang = lang or findings.lang
    if not len(findings):
        return say("findings.summary-clean", lang, rows=findings.rows)

    def n(count: int, word: str) -> Phrase:
        return phrase(f"findings.{word}-one" if count == 1 else f"findings.{word}", n=count)

    return say("findings.summary", lang, errors=n(findings.errors, "errors"),
               warnings=n(findings.warnings, "warnings"), affected=n(findings.rows_affected, "rows"),
               rows=n(findings.rows, "rows"))


def render_text(findings: Findings, *, lang: Lang | None = None) -> str:
    """Every finding, grouped under its sheet and row; rows with errors first, then the rest.

    Severities are coloured with ANSI styles; ``click.echo`` drops them when the
    output is not a terminal.
    """
    lang = lang or findings.lang
    table = findings.table
    if len(table):
        # Rows that hold an error come first, so a long list of warnings cannot bury them.
        grouped = table["severity"].eq("error").groupby([table["sheet"], table["row"]])
        has_error = grouped.transform("any").to_numpy(dtype=bool)
        table = pd.concat([table[has_error], table[~has_error]])
    lines: list[str] = []
    if len(table):
        code_width = max(len(c) for c in table["code"].unique())
        said = {k: say(f"severity.{k}", lang) for k in SEVERITIES}
        width = max(_width(w) for w in said.values())  # the severities line up
        words = {k: click.style(_pad(w, width), fg=_COLOURS[k], bold=True) for k, w in said.items()}
        columns = (table[c].tolist() for c in ("sheet", "row", "column", "code", "severity",
                                                "message", "owner"))
        previous = None
        row_head, owner_head = template("findings.row", lang), template("findings.owner", lang)
        # the table is sorted by sheet and row: a new group starts where they change
        for sheet, row, column, code, severity, message, owner in zip(*columns, strict=True):
            if (sheet, row) != previous:
                previous = (sheet, row)
                head = row_head.format(sheet=sheet, row=row)
                if owner is not None:
                    head += owner_head.format(owner=owner)
                lines.append(head)
            cell = f"{column}{row}" if column else "-"
            lines.append(f"  {words[severity]}  {cell:<7} {code:<{code_width}}  {message}")
        lines.append("")
    lines.append(summary_line(findings, lang))
    return "\n".join(lines)
