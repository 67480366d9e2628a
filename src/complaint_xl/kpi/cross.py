"""Region × category: the period's new complaints counted by two fields at once.

The utility's analysis in the seeds counts complaints by region and by first-level
category together, with shares, and concludes where the weak spots are. The register's
region is the customer's attribute (经销商, 终端客户 …), its category the type; the type
by support unit says which unit the period's kinds of complaint land on. Each table
counts the rows raised in the report period (``new``); a row with either field empty
is left out of that table and counted in its ``blank``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.kpi.facts import ranked_counts
from complaint_xl.kpi.rates import percent, rate
from complaint_xl.words import Phrase, listing, phrase

__all__ = ["CROSSES", "Cross", "CrossTable", "cross_tables"]

CROSSES: Final[dict[str, tuple[str, str]]] = {
    "customer_attr_by_type": ("customer_attr", "type"),
    "type_by_support_unit": ("type", "support_unit"),
}
"""JSON key -> (field of the rows, field of the columns): {row value: {column value: count}}."""
_TIED: Final[int] = 3
"""Cells named at most when several share the largest count."""


@dataclass(frozen=True, slots=True)
class CrossTable:
    """Counts of the period's new rows by two fields; rows and columns most first."""

    key: str
    row_field: str
    col_field: str
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    """counts[i][j]: new rows with rows[i] and cols[j]."""
    blank: int
    """New rows left out because one of the two fields is empty."""

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    def row_totals(self) -> list[int]:
        return [sum(r) for r in self.counts]

    def col_totals(self) -> list[int]:
        return [sum(c) for c in zip(*self.counts, strict=True)] if self.counts else []

    def share(self, n: int) -> float | None:
        """A count's share of the table (None for an empty table)."""
        return rate(n, self.total)

    def to_json(self) -> dict[str, dict[str, int]]:
        """{row value: {column value: count}}, every column under every row (zeros too)."""
        return {r: dict(zip(self.cols, counts, strict=True))
                for r, counts in zip(self.rows, self.counts, strict=True)}

    def weak_spot(self) -> Phrase:
        """The cell (or tied cells) with the largest share, in words (``cross.top``)."""
        if not self.total:
            return phrase("cross.empty", rows=phrase(f"field-word.{self.row_field}"),
                          cols=phrase(f"field-word.{self.col_field}"))
        top = max(max(r) for r in self.counts)
        cells = [(self.rows[i], self.cols[j]) for i, r in enumerate(self.counts)
                 for j, n in enumerate(r) if n == top]
        names = listing((phrase("cross.cell", row=r, col=c) for r, c in cells[:_TIED]),
                        item="list.label", more="list.more" if len(cells) > _TIED else "")
        return phrase("cross.top" if len(cells) == 1 else "cross.top-tied",
                      rows=phrase(f"field-word.{self.row_field}"),
                      cols=phrase(f"field-word.{self.col_field}"), cells=names, n=top,
                      share=percent(self.share(top)), total=self.total)


@dataclass(frozen=True, slots=True)
class Cross:
    """Both cross tables of a report, or none when the register has no raised dates."""

    tables: tuple[CrossTable, ...]
    available: bool = True

    def to_json(self) -> dict[str, Any]:
        """``cross`` of ``report --json``: each table as {row: {column: count}} (null when the
        period's new rows cannot be told), and ``blank`` {table: rows left out}."""
        if not self.available:
            return {key: None for key in CROSSES} | {"blank": None}
        return {t.key: t.to_json() for t in self.tables} | {
            "blank": {t.key: t.blank for t in self.tables}}

    def weak_spots(self, lang: str) -> list[str]:
        """One sentence per table on where the period's complaints gather."""
        return [t.weak_spot().say(lang) for t in self.tables] if self.available else []


def _table(key: str, rows: pd.Series, cols: pd.Series) -> CrossTable:
    both = rows.notna() & cols.notna()
    r, c = rows[both], cols[both]
    row_order = [str(v) for v in ranked_counts(r).index]
    col_order = [str(v) for v in ranked_counts(c).index]
    counts = np.zeros((len(row_order), len(col_order)), dtype=np.int64)
    if len(r):
        ri = pd.Index(row_order).get_indexer(r.astype(str))
        ci = pd.Index(col_order).get_indexer(c.astype(str))
        np.add.at(counts, (ri, ci), 1)
    row_field, col_field = CROSSES[key]
    return CrossTable(key, row_field, col_field, tuple(row_order), tuple(col_order),
                      tuple(tuple(int(n) for n in line) for line in counts),
                      int((~both).sum()))


def cross_tables(cats: Mapping[str, pd.Series], new: pd.Series, available: bool = True) -> Cross:
    """The cross tables over the rows flagged ``new`` (``cats``: each field's categories, as
    :func:`complaint_xl.kpi.facts.categories` gives them, on the same index)."""
    if not available:
        return Cross((), available=False)
    mask = new.to_numpy(dtype=bool)
    return Cross(tuple(_table(key, cats[a][mask], cats[b][mask]) for key, (a, b) in CROSSES.items()))
