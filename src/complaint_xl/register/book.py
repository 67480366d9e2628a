"""An opened register file: its sheets, read as grids of cells.

:func:`open_book` vets the file (:mod:`complaint_xl.register.files`) and opens it;
a :class:`Book` hands out each sheet's cells as a :class:`Grid`, with Excel's error
cells filled in (:mod:`complaint_xl.register.error_cells`), and can parse them
ahead in a second thread. A Book can also be made over cells already in memory
(the Excel buttons, the UDFs), without python-calamine.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaint_xl import speed
from complaint_xl.errors import UnusableFile
from complaint_xl.register.error_cells import ods_error_cells, xlsx_error_cells
from complaint_xl.register.files import Kind, open_spreadsheet, read_csv, short_reason, vet
from complaint_xl.register.roles import sheet_role

if TYPE_CHECKING:
    import numpy as np
    import python_calamine as pc

__all__ = ["Book", "Grid", "open_book"]


@dataclass
class Grid:
    """A sheet's cells from A1, as rows; empty cells are ''."""

    rows: list[list[Any]]

    @property
    def height(self) -> int:
        return len(self.rows)

    def head(self, n: int = 30) -> list[list[Any]]:
        return self.rows[:n]

    def columns(self, start: int, wanted: Iterable[int]) -> dict[int, np.ndarray]:
        """The wanted columns (0-based) of the rows from ``start`` on, one object array each.

        Cells missing from short rows, or columns beyond the sheet, are ''.
        """
        import numpy as np  # not at the top: see read_ahead

        body = self.rows[start:]
        n = len(body)
        wanted = sorted(set(wanted))
        lengths = set(map(len, body))
        full = max(lengths, default=0)
        width = min(full, wanted[-1] + 1 if wanted else 0)
        if len(lengths) == 1:  # calamine's rows are rectangular: every cell in one pass in C
            rows: Iterable[list[Any]] = body
        else:  # short rows padded, long ones cut
            full = width
            rows = (r[:width] + [""] * (width - len(r)) for r in body)
        cells = np.fromiter(itertools.chain.from_iterable(rows), dtype=object, count=n * full)
        table = cells.reshape(n, full)[:, :width].T  # table[j] is column j (a view, no copy)
        return {j: table[j] if j < width else np.full(n, "", dtype=object) for j in wanted}


@dataclass
class Book:
    """An opened register file: its sheets in order, readable as grids."""

    path: Path
    kind: Kind
    sheet_names: list[str]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(message key, params) to show the user, e.g. that the file is open in Excel."""
    _calamine: pc.CalamineWorkbook | None = None
    _csv: Grid | None = None
    _zip_sheets: dict[str, str] = field(default_factory=dict)
    _sizes: dict[str, int] = field(default_factory=dict)
    """Uncompressed size of each sheet's XML part (.xlsx), to read the small ones first."""
    _ods_errors: dict[str, dict[tuple[int, int], str]] | None = None
    _ahead: dict[str, Future[list[list[Any]]]] = field(default_factory=dict)
    """Each sheet being parsed by :meth:`read_ahead`, in the order it is parsed."""
    _reader: threading.Thread | None = None

    @property
    def readable(self) -> list[str]:
        """The sheets that may hold the register or settings, in workbook order.

        The product's own output sheets (检查结果, 周报 …) are skipped: they are never
        read and, after a check of a large register, hold a row per finding.
        """
        return [name for name in self.sheet_names if sheet_role(name) != "tool"]

    def read_ahead(self) -> None:
        """Start parsing every readable sheet in a background thread; :meth:`grid` waits.

        python-calamine parses without the GIL, so the caller can meanwhile import
        pandas, read the settings, build the calendar and scan for error cells: on a
        100,000-row register that hides ~0.6 s of a ~3 s run. Settings sheets and
        small sheets come first, so that they are ready while the register itself is
        still being parsed.
        """
        if self._calamine is None or self._ahead:
            return
        order = sorted(self.readable, key=lambda n: (sheet_role(n) is None, self._sizes.get(n, 0)))
        self._ahead, self._reader = speed.in_order(
            {name: functools.partial(self._parse, name) for name in order}, name="complaint-xl-read")

    def join(self) -> None:
        """Wait for :meth:`read_ahead`'s thread to end (it ends after the last sheet).

        ``load_grids`` calls this once the register is read: no thread of ours outlives
        the loading.
        """
        if self._reader is not None:
            for future in self._ahead.values():
                future.exception()  # wait; errors were raised to whoever asked for the sheet
            self._reader.join()

    def grid(self, name: str) -> Grid:
        """All cells of a sheet, with Excel error cells as their error text (#N/A)."""
        if self._csv is not None:
            return self._csv
        ahead = self._ahead.get(name)
        if ahead is not None:  # scan here while the parse goes on in its thread
            found = self._error_cells(name)
            rows = ahead.result()
        else:  # the scan inflates the XML a second time: beside the parse, not after it
            rows, found = speed.beside(functools.partial(self._error_cells, name),
                                       functools.partial(self._parse, name))
        for (r, c), text in found.items():
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = text
        return Grid(rows)

    def grids(self) -> Mapping[str, Grid]:
        """Every readable sheet by name; with :meth:`read_ahead`, each is waited for on access."""
        return _Grids(self)

    def _parse(self, name: str) -> list[list[Any]]:
        assert self._calamine is not None
        try:
            with speed.gc_paused():  # no cycles among the cells: see speed
                return self._calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own types for bad parts
            raise UnusableFile("damaged", path=str(self.path), detail=short_reason(exc)) from None

    def _error_cells(self, name: str) -> dict[tuple[int, int], str]:
        """Error cells (#N/A, #REF! …) of an .xlsx or .ods sheet; calamine reads them as ''."""
        if self.kind == "ods":
            if self._ods_errors is None:
                self._ods_errors = ods_error_cells(self.path)
            return self._ods_errors.get(name, {})
        member = self._zip_sheets.get(name)
        return xlsx_error_cells(self.path, member) if member else {}


class _Grids(Mapping[str, Grid]):
    """A book's readable sheets as a mapping; a value is read (or waited for) when asked."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self._names = book.readable if book._csv is None else book.sheet_names
        self._read: dict[str, Grid] = {}

    def __getitem__(self, name: str) -> Grid:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = self._book.grid(name)
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def open_book(path: str | Path) -> Book:
    """Open a register file for reading, or raise UnusableFile saying what is wrong."""
    vetted = vet(path)
    p = vetted.path
    if vetted.kind == "csv":
        return Book(p, "csv", [p.stem], vetted.notes, _csv=Grid(read_csv(p)))
    wb, sheets = open_spreadsheet(p)
    sizes = {name: vetted.part_sizes.get(part, 0) for name, part in vetted.sheet_parts.items()}
    return Book(p, vetted.kind, sheets, vetted.notes, _calamine=wb, _zip_sheets=vetted.sheet_parts,
                _sizes=sizes)
