"""The findings mask: the check's marks as one block that the register's colours read.

Filling each finding's cell from Python is one call into Excel per run of cells, thousands
on a large register. Instead the 校验 button writes one block into a hidden sheet, one row
per register row: a text with a letter per column (``E`` error, ``W`` warning, ``.``
nothing) and the row's key, the value of its 序号 cell when it was checked. The register's
conditional formats (:func:`colour_rules`, built by :mod:`.register_sheet`) colour a cell
whose letter is set while the row's 序号 still equals that key: a row moved by sorting or
by rows inserted above it loses its marks until the next check, rather than showing
another row's. Clearing the marks is the same one write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from complaint_xl.workbook.style import HIGHLIGHT

__all__ = [
    "KEY_NAME",
    "MASK_CODES",
    "MASK_NAME",
    "MASK_ROWS",
    "NO_MARK",
    "colour_rules",
    "marked",
    "row_codes",
]

MASK_NAME: Final[str] = "CXL_FindingsMask"
"""Defined name of the mask's two columns (letters, key) from row 1: mask row r is register row r."""
KEY_NAME: Final[str] = "CXL_FindingsKey"
"""Defined name of the register's 序号 column: the sheet the mask colours, and what recognises a row."""
MASK_CODES: Final[dict[str, str]] = {"error": "E", "warning": "W"}
"""The letter of each severity in the mask (an error wins a cell over a warning)."""
NO_MARK: Final[str] = "."
"""A column without a finding (a letter, not a digit: Excel would take "0.0" for a number)."""
MASK_ROWS: Final[int] = 1_048_576
"""Excel's rows: the mask's names reach the last of them."""


def row_codes(columns: Mapping[int, str]) -> str:
    """A row's letters: 1-based column -> severity, ``'..E.W'`` for an error in C, a warning in E."""
    width = max(columns)
    return "".join(MASK_CODES[columns[c]] if c in columns else NO_MARK for c in range(1, width + 1))


def marked(severity: str, mask: str = MASK_NAME, key: str = KEY_NAME) -> str:
    """Excel (without '='): the cell has the last check's ``severity`` letter and its row's 序号 is
    still the one checked. ROW() and COLUMN() are the formatted cell's own, wherever the
    conditional format's range has moved."""
    return (f'AND(MID(INDEX({mask},ROW(),1),COLUMN(),1)="{MASK_CODES[severity]}",'
            f"INDEX({mask},ROW(),2)=INDEX({key},ROW()))")


def colour_rules(status: Mapping[str, str], looks: Mapping[str, Mapping[str, str]],
                 mask: str = MASK_NAME, key: str = KEY_NAME) -> list[tuple[str, dict[str, str]]]:
    """Conditional-format rules, in priority order, for cells showing a row's status and its marks.

    ``status`` maps each status (closed, overdue, due soon; at most one holds for a row) to
    its formula, ``looks`` to its format. LibreOffice draws only the first rule that holds
    for a cell, Excel every one (until a stop-if-true), so each rule carries the whole look
    of its case and is meant to stop the rest: a status with a fill of its own keeps it over
    a mark (the overdue red of 序号 and 解决期限, as it always won over the button's fills);
    otherwise a marked cell gets the mark's fill with the status's font colour. A mark is
    tested first (IF, not AND: Excel's AND evaluates the costly due-soon formula regardless).
    """
    filled = [s for s in status if "bg_color" in looks[s]]
    plain = [s for s in status if s not in filled]
    rules = [(status[s], dict(looks[s])) for s in filled]
    for severity in MASK_CODES:
        mark, fill = marked(severity, mask, key), {"bg_color": HIGHLIGHT[severity]}
        rules += [(f"IF({mark},{status[s]},FALSE)", {**looks[s], **fill}) for s in plain]
        rules.append((mark, fill))
    return rules + [(status[s], dict(looks[s])) for s in plain]
