"""What every settings sheet's reader shares: naming a cell, finding a table, reporting a problem.

A malformed entry never stops a run: :func:`report` records it as a
:class:`~complaint_xl.settings.model.SettingsProblem` naming the cell, and the
caller keeps the default for that part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from complaint_xl.register.text import cell_text, column_letter, fold, header_key
from complaint_xl.settings.model import Settings, SettingsProblem
from complaint_xl.words import phrase

__all__ = ["Rows", "cell_ref", "find_table", "report", "split_list"]

Rows = Sequence[Sequence[Any]]
"""A sheet's cells as rows, as the book or Excel hands them over."""


def cell_ref(row: int, col: int) -> str:
    """(0-based row, column) -> 'B3'."""
    return f"{column_letter(col)}{row + 1}"


def report(settings: Settings, sheet: str, row: int, col: int, key: str, value: Any,
           words: str, /, **params: Any) -> None:
    """Record a cell that cannot be used: what is wrong is ``settings.<words>`` with ``params``."""
    settings.problems.append(SettingsProblem(sheet, cell_ref(row, col), key, cell_text(value),
                                             phrase(f"settings.{words}", **params)))


def split_list(text: str) -> tuple[str, ...]:
    """A cell listing several values (；，、 newline or comma between them), each folded."""
    for sep in ("；", "，", "、", "\n", ","):
        text = text.replace(sep, ";")
    return tuple(p for p in (fold(x) for x in text.split(";")) if p)


def find_table(rows: Rows, columns: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]]:
    """Find a table's header row; return its index and the column of each role (-1, {} if none)."""
    wanted = {header_key(s): role for role, syns in columns.items() for s in syns}
    for r, row in enumerate(rows[:20]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            key = header_key(cell_text(value))
            role = wanted.get(key) or wanted.get(key.split("(")[0])
            if role and role not in found:
                found[role] = c
        if found:
            return r, found
    return -1, {}
