"""The result of a check: one :class:`Findings` object that every front end presents its own way.

Findings are data, not exceptions. :class:`Findings` keeps them as one sorted table (cheap
for a hundred thousand findings) and hands out :class:`Finding` objects, the JSON of
the contract, a DataFrame, or compact lists for tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

import pandas as pd

from complaint_xl.checks.catalogue import Lang, Severity

__all__ = ["COLUMNS", "Finding", "Findings"]

COLUMNS: Final[tuple[str, ...]] = (
    "sheet", "row", "column", "header", "field", "code", "severity", "message", "value", "owner",
)
"""The columns of :meth:`Findings.to_frame`, in order."""

_JSON_KEYS: Final[tuple[str, ...]] = (
    "row", "column", "field", "code", "severity", "message", "value", "sheet", "header",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with one cell, located as the user sees it in Excel."""

    sheet: str
    """The sheet name (a settings sheet for settings problems)."""
    row: int
    """The Excel row number (1-based, as shown at the left of the sheet)."""
    column: str
    """The column letter; '' when the finding is about a column the sheet lacks."""
    header: str
    """The column's header as the sheet writes it (whitespace collapsed)."""
    field: str
    """The canonical field name ('' for settings cells)."""
    code: str
    """A stable kebab-case code from :data:`~complaint_xl.checks.catalogue.CATALOGUE`."""
    severity: Severity
    message: str
    """What is wrong and how to fix it, in the run's language."""
    value: str | None
    """The offending value as text; None when the cell is empty."""
    owner: str | None = None
    """The row's 跟进人员: who has to fix it."""


@dataclass
class Findings:
    """All findings of one check run over one register."""

    register: str
    """The register file checked."""
    rows: int
    """How many complaint rows were checked."""
    as_of: dt.date
    lang: Lang
    table: pd.DataFrame
    """The findings, one per row, columns :data:`COLUMNS`, sorted by sheet, row, severity
    (errors first) and column."""

    @property
    def valid(self) -> bool:
        """No finding is an error (warnings allowed): the CLI then exits 0."""
        return self.errors == 0

    @property
    def errors(self) -> int:
        return int(self.table["severity"].eq("error").sum())

    @property
    def warnings(self) -> int:
        return int(self.table["severity"].eq("warning").sum())

    @property
    def rows_affected(self) -> int:
        """Complaint rows with at least one finding (settings cells and header rows aside)."""
        t = self.table
        on_rows = t["field"].ne("") & t["code"].ne("required-column-missing")
        return len(t.loc[on_rows, ["sheet", "row"]].drop_duplicates())

    @cached_property
    def findings(self) -> list[Finding]:
        """The findings as objects, in the table's order."""
        records = self.table.to_dict("records")
        return [Finding(**{k: _plain(v) for k, v in r.items()}) for r in records]

    def __len__(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """The findings as a DataFrame (a copy), columns :data:`COLUMNS`."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """The JSON document of the validate contract (design.md), plus a few summary keys."""
        columns = {k: [_plain(v) for v in self.table[k].tolist()] for k in _JSON_KEYS}
        findings = [dict(zip(_JSON_KEYS, values, strict=True))
                    for values in zip(*columns.values(), strict=True)]
        return {
            "register": self.register,
            "rows": int(self.rows),
            "findings": findings,
            "as_of": self.as_of.isoformat(),
            "valid": self.valid,
            "errors": self.errors,
            "warnings": self.warnings,
        }

    def flatten(self, keys: Sequence[str] = ("row", "field", "code")) -> list[list[Any]]:
        """Compact lists for assertions, like frictionless: ``[[5, "type", "unknown-type"]]``."""
        return [[_plain(v) for v in values] for values in
                zip(*(self.table[k].tolist() for k in keys), strict=True)]

    def at(self, row: int, sheet: str | None = None) -> list[Finding]:
        """The findings of one Excel row (of one sheet when the register spans several)."""
        return [f for f in self.findings if f.row == row and (sheet is None or f.sheet == sheet)]


def _plain(value: Any) -> Any:
    """numpy scalars and NaN to plain Python (JSON and dataclass friendly)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
