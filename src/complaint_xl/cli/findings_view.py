"""validate's findings on the terminal: the summary first, then the first findings.

On 100,000 rows a check finds a hundred thousand things; printed one per line, the
summary scrolled away at the end. A person reads the counts first (by rule, by owner),
then the first :data:`SHOWN` findings (rows with an error first), then a line saying how
many were left out and where they all are (``--all``, the findings workbook of
``--out``). ``--json`` is untouched: it always holds every finding.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Final

import click
import pandas as pd

from complaint_xl.checks.catalogue import CATALOGUE, SEVERITIES
from complaint_xl.checks.findings import Findings
from complaint_xl.outputs.findings_text import summary_line
from complaint_xl.words import say, template

__all__ = ["SHOWN", "SHOWN_OWNERS", "findings_lines"]

SHOWN: Final[int] = 50
"""Findings printed without --all."""
SHOWN_OWNERS: Final[int] = 20
"""Owners counted one per line without --all; the others in one line."""
_COLOURS: Final[dict[str, str]] = {"error": "red", "warning": "yellow"}


def _cells(text: str) -> int:
    """Columns a text takes on a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _cells(text), 0)


def _rule_name(code: str, lang: str) -> str:
    entry = CATALOGUE.get(code)
    return entry.title(lang) if entry is not None else code


def _counts(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Errors and warnings per value of ``by``, most errors (then most findings) first."""
    counts = pd.crosstab(table[by].fillna(""), table["severity"]).reindex(
        columns=list(SEVERITIES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.sort_values(["error", "total"], ascending=False, kind="stable")


def _tallies(findings: Findings, lang: str, *, every_owner: bool) -> list[str]:
    table = findings.table
    lines = [say("cli.validate.by-rule", lang)]
    rules = _counts(table, "code")
    names = {code: _rule_name(code, lang) for code in rules.index}
    width = max(_cells(n) for n in names.values())
    for code, row in rules.iterrows():
        lines.append("  " + say("cli.validate.count", lang, errors=int(row["error"]),
                                warnings=int(row["warning"]),
                                what=f"{_pad(names[str(code)], width)}  {code}"))
    lines.append(say("cli.validate.by-owner", lang))
    owners = _counts(table[table["field"].ne("")], "owner")  # settings cells have no owner
    shown = owners if every_owner else owners.head(SHOWN_OWNERS)
    for owner, row in shown.iterrows():
        lines.append("  " + say("cli.validate.count", lang, errors=int(row["error"]),
                                warnings=int(row["warning"]),
                                what=str(owner) or say("findings.no-owner", lang)))
    if len(owners) > len(shown):
        rest = owners.iloc[len(shown):]
        lines.append("  " + say("cli.validate.more-owners", lang, owners=len(rest),
                                errors=int(rest["error"].sum()), warnings=int(rest["warning"].sum())))
    return lines


def _in_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows that hold an error first, so that a long list of warnings cannot bury them."""
    grouped = table["severity"].eq("error").groupby([table["sheet"], table["row"]])
    has_error = grouped.transform("any").to_numpy(dtype=bool)
    return pd.concat([table[has_error], table[~has_error]])


def _listed(table: pd.DataFrame, lang: str) -> list[str]:
    """The findings of ``table`` under a line per sheet row, severities coloured."""
    said = {k: say(f"severity.{k}", lang) for k in SEVERITIES}
    width = max(_cells(w) for w in said.values())
    words = {k: click.style(_pad(w, width), fg=_COLOURS[k], bold=True) for k, w in said.items()}
    code_width = max(len(c) for c in table["code"].unique())
    row_head, owner_head = template("findings.row", lang), template("findings.owner", lang)
    lines: list[str] = []
    previous = None
    columns = (table[c].tolist() for c in ("sheet", "row", "column", "code", "severity", "message",
                                            "owner"))
    for sheet, row, column, code, severity, message, owner in zip(*columns, strict=True):
        if (sheet, row) != previous:
            previous = (sheet, row)
            head = row_head.format(sheet=sheet, row=row)
            lines.append(head + (owner_head.format(owner=owner) if owner is not None else ""))
        cell = f"{column}{row}" if column else "-"
        lines.append(f"  {words[severity]}  {cell:<7} {code:<{code_width}}  {message}")
    return lines


def findings_lines(findings: Findings, *, show_all: bool = False,
                   workbook: Path | None = None) -> list[str]:
    """What validate prints for a person: summary, counts, the first findings, what was left out.

    ``workbook`` is the findings workbook written (--out), named where the rest can be read.
    """
    lang = findings.lang
    lines = [summary_line(findings, lang)]
    if not len(findings):
        return lines
    lines += _tallies(findings, lang, every_owner=show_all)
    table = _in_order(findings.table)
    shown = table if show_all else table.head(SHOWN)
    lines += ["", *_listed(shown, lang)]
    left = len(table) - len(shown)
    if left:
        where = (say("cli.validate.left-in-workbook", lang, path=workbook) if workbook is not None
                 else say("cli.validate.left-out-hint", lang))
        lines += ["", say("cli.validate.left-out", lang, shown=len(shown), left=left,
                          total=len(table), where=where)]
    return lines
