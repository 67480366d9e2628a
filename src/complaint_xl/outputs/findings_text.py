"""The findings as a table for the terminal: grouped by row, errors first, one summary line."""

from __future__ import annotations

from typing import Final

import click
import pandas as pd

from complaint_xl.checks.catalogue import Lang
from complaint_xl.checks.findings import Findings

__all__ = ["render_text", "summary_line"]

_WORDS: Final[dict[str, tuple[str, str]]] = {
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
}
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
        return (f"未发现问题：已检查 {findings.rows} 行。" if lang == "zh"
                else f"no findings: {findings.rows} rows checked.")
    if lang == "zh":
        return (f"共 {findings.errors} 个错误、{findings.warnings} 个警告，涉及 {findings.rows_affected} 行"
                f"（已检查 {findings.rows} 行）。")
    def n(count: int, word: str) -> str:
        return f"{count} {word}" if count == 1 else f"{count} {word}s"

    return (f"{n(findings.errors, 'error')}, {n(findings.warnings, 'warning')} in "
            f"{n(findings.rows_affected, 'row')} ({n(findings.rows, 'row')} checked).")


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
    zh = lang == "zh"
    if len(table):
        code_width = max(len(c) for c in table["code"].unique())
        words = {k: click.style(_pad(v[0 if zh else 1], 4 if zh else 7), fg=_COLOURS[k], bold=True)
                 for k, v in _WORDS.items()}
        columns = (table[c].tolist() for c in ("sheet", "row", "column", "code", "severity",
                                                "message", "owner"))
        previous = None
        # the table is sorted by sheet and row: a new group starts where they change
        for sheet, row, column, code, severity, message, owner in zip(*columns, strict=True):
            if (sheet, row) != previous:
                previous = (sheet, row)
                head = f"{sheet} 第 {row} 行" if zh else f"{sheet} row {row}"
                if owner is not None:
                    head += f"（跟进：{owner}）" if zh else f" (owner: {owner})"
                lines.append(head)
            cell = f"{column}{row}" if column else "-"
            lines.append(f"  {words[severity]}  {cell:<7} {code:<{code_width}}  {message}")
        lines.append("")
    lines.append(summary_line(findings, lang))
    return "\n".join(lines)
