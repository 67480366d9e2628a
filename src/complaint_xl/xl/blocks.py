"""Reading and writing an open workbook in whole blocks, the way the buttons talk to Excel.

Every call into Excel crosses a process boundary (COM on Windows, AppleScript on a
Mac), so the buttons read each sheet with one call and write each result with one
call: the register, settings and staff come in as 2-D lists, and go through the same
reader as a file on disk (:func:`complaint_xl.loading.load_grids`), so a button and
the command line give the same answer on the same sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from complaint_xl.loading import Loaded, load_grids
from complaint_xl.register.book import Book, Grid
from complaint_xl.register.text import column_letter
from complaint_xl.settings import sheet_role
from complaint_xl.words import LANGS, say
from complaint_xl.workbook.mask import KEY_NAME, MASK_NAME, row_codes

if TYPE_CHECKING:
    import xlwings as xw

__all__ = [
    "MARKS_SHEET",
    "Mask",
    "as_text",
    "color_cells",
    "find_mask",
    "hyperlink",
    "load_book",
    "output_sheet",
    "read_grids",
    "read_marks",
    "runs",
    "write_block",
    "write_marks",
    "write_mask",
]

MARKS_SHEET: Final[str] = "_cxl_marks"
"""Hidden sheet remembering which cells the 校验 button coloured, to clear only those."""
_MASK_SHEETS: Final[frozenset[str]] = frozenset(say("workbook.sheet.mask", lang) for lang in LANGS)
"""The findings mask's sheet as the workbook builder names it, never a register."""
_FORMULA_START: Final[tuple[str, ...]] = ("=", "+", "-", "@")


def read_grids(book: xw.Book) -> dict[str, list[list[Any]]]:
    """Every sheet the reader may need (register and settings), one call each, from A1.

    The product's own output sheets are skipped: they are never a register and
    can be large. Error cells come back as their text (#N/A), as from a file.
    """
    grids: dict[str, list[list[Any]]] = {}
    mask = find_mask(book)
    own = {MARKS_SHEET, *_MASK_SHEETS, *([mask.target.name] if mask else [])}
    for sheet in book.sheets:
        name = sheet.name
        if name in own or sheet_role(name) == "tool":
            continue
        last = sheet.used_range.last_cell
        grids[name] = sheet.range((1, 1), (last.row, last.column)).options(
            ndim=2, err_to_str=True).value or [[]]
    return grids


def load_book(book: xw.Book, *, today: dt.date | None = None,
              grids: Mapping[str, list[list[Any]]] | None = None) -> Loaded:
    """The register, settings and calendar of an open workbook (or of its ``grids`` already
    read), as ``complaint_xl.load`` gives them."""
    grids = read_grids(book) if grids is None else grids
    opened = Book(Path(book.fullname), "xlsx", list(grids))
    return load_grids(opened, {name: Grid(rows) for name, rows in grids.items()}, as_of=today)


def as_text(value: Any) -> Any:
    """A cell value to write back: text that Excel would take for a formula stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def hyperlink(sheet: str, cell: str, label: str) -> str:
    """An in-workbook link as a formula, so a whole table of links is one write."""
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    return f'=HYPERLINK("{target.replace(chr(34), chr(34) * 2)}","{label.replace(chr(34), chr(34) * 2)}")'


def output_sheet(book: xw.Book, name: str) -> xw.Sheet:
    """The product's result sheet, emptied if it exists, else added at the end."""
    for sheet in book.sheets:
        if sheet.name == name:
            sheet.clear()
            return sheet
    return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])


def write_block(sheet: xw.Sheet, rows: Sequence[Sequence[Any]], top: int = 1, left: int = 1) -> None:
    """Write a ragged list of rows as one rectangular block (one call)."""
    if not rows:
        return
    width = max(len(r) for r in rows) or 1
    block = [list(r) + [None] * (width - len(r)) for r in rows]
    sheet.range((top, left), (top + len(block) - 1, left + width - 1)).value = block


# -- colouring cells and remembering which ----------------------------------------------

def runs(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(row, column) cells -> (first row, column, rows) runs going down a column."""
    out: list[list[int]] = []
    for row, col in sorted(set(cells), key=lambda rc: (rc[1], rc[0])):
        if out and out[-1][1] == col and out[-1][0] + out[-1][2] == row:
            out[-1][2] += 1
        else:
            out.append([row, col, 1])
    return [(r, c, n) for r, c, n in out]


def color_cells(sheet: xw.Sheet, cells: Iterable[tuple[int, int]], color: str | None
                ) -> list[tuple[int, int, int]]:
    """Fill the cells (one call per run down a column); ``None`` removes the fill."""
    done = runs(cells)
    for row, col, n in done:
        sheet.range((row, col), (row + n - 1, col)).color = color
    return done


def _ref(sheet: str, row: int, col: int, n: int) -> str:
    letter = column_letter(col - 1)
    cells = f"${letter}${row}" + (f":${letter}${row + n - 1}" if n > 1 else "")
    return "'" + sheet.replace("'", "''") + "'!" + cells


def write_marks(book: xw.Book, marks: Sequence[tuple[str, int, int, int, str]]) -> None:
    """Remember coloured runs (sheet name, row, column, rows, colour) on the hidden sheet.

    Each run is stored as formulas on the cells (SHEET/ROW/COLUMN/ROWS), which Excel
    keeps pointing at the same cells when rows are inserted or deleted above them
    or the sheet is renamed; the next run reads back where they are now.
    """
    sheet = next((s for s in book.sheets if s.name == MARKS_SHEET), None)
    if sheet is None:
        sheet = book.sheets.add(MARKS_SHEET, after=book.sheets[len(book.sheets) - 1])
        sheet.visible = False
    else:
        sheet.clear()
    rows: list[list[Any]] = [["sheet", "row", "column", "rows", "colour"]]
    for name, row, col, n, colour in marks:
        ref = _ref(name, row, col, n)
        rows.append([f"=SHEET({ref})", f"=ROW({ref})", f"=COLUMN({ref})", f"=ROWS({ref})", colour])
    write_block(sheet, rows)


def read_marks(book: xw.Book) -> list[tuple[str, int, int, int, str]]:
    """The runs the last check coloured, where they are now; unreadable ones are skipped."""
    sheet = next((s for s in book.sheets if s.name == MARKS_SHEET), None)
    if sheet is None:
        return []
    values = sheet.used_range.options(ndim=2).value or []
    names = [s.name for s in book.sheets]
    marks = []
    for row in values[1:]:
        if len(row) < 5:
            continue
        try:
            index, first, col, n = (int(v) for v in row[:4])
        except (TypeError, ValueError):
            continue  # #REF! after the cells were deleted
        if 1 <= index <= len(names) and first >= 1 and col >= 1 and n >= 1:
            marks.append((names[index - 1], first, col, n, str(row[4])))
    return marks


# -- the findings mask (workbooks whose register colours read it) -------------------------

@dataclass(frozen=True)
class Mask:
    """Where a workbook built with the findings mask (:mod:`complaint_xl.workbook.mask`) wants
    the check's marks: its names say which sheet the marks colour and where they go."""

    sheet: str
    """The register sheet whose conditional formats read the mask."""
    key_column: int
    """1-based column of that sheet whose value recognises a row (序号)."""
    target: xw.Sheet
    """The hidden sheet holding the mask."""
    top: int
    left: int
    """The mask's first cell (row, column): its row ``top + r - 1`` is the register's row ``r``."""


def find_mask(book: xw.Book) -> Mask | None:
    """The workbook's findings mask, or None when it has none (a register of the team's own,
    a workbook built before the mask): the cells are then coloured one by one."""
    try:
        names = book.names
        if MASK_NAME not in names or KEY_NAME not in names:
            return None
        area, key = names[MASK_NAME].refers_to_range, names[KEY_NAME].refers_to_range
        return Mask(sheet=key.sheet.name, key_column=key.column, target=area.sheet,
                    top=area.row, left=area.column)
    except Exception:  # a name left pointing nowhere (#REF!) after a sheet was deleted
        return None


def _key(value: Any) -> Any:
    """A 序号 as written to the mask, equal to the cell's: text stays text ("007" is not 7)."""
    return "'" + value if isinstance(value, str) else value


def write_mask(mask: Mask, marks: Mapping[tuple[int, int], str],
               register: Sequence[Sequence[Any]]) -> int:
    """Write the marks ((row, column) on ``mask.sheet`` -> severity) as one block; returns the
    number of cells marked. ``register`` is that sheet's values from A1, for the rows' keys.

    The block reaches the register's last row and the mask's last used row, so the last
    check's marks are cleared by the same write; no marks at all is that one write too.
    """
    by_row: dict[int, dict[int, str]] = {}
    for (row, col), severity in marks.items():
        by_row.setdefault(row, {})[col] = severity
    used = mask.target.used_range.last_cell.row - mask.top + 1
    height = max(len(register), used, max(by_row, default=1), 1)
    block: list[list[Any]] = [[None, None] for _ in range(height)]
    for row, columns in by_row.items():
        cells = register[row - 1] if row <= len(register) else []
        key = cells[mask.key_column - 1] if mask.key_column <= len(cells) else None
        block[row - 1] = [row_codes(columns), _key(key)]
    mask.target.range((mask.top, mask.left), (mask.top + height - 1, mask.left + 1)).value = block
    return len(marks)
