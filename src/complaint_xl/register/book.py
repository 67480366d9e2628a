"""Opening a register file safely: what it is, whether it can be read, its sheets' cells.

Everything that can be wrong with a file is found here and raised as
:class:`~complaint_xl.errors.UnusableFile` with a one-line reason: missing, a
folder, empty, not a spreadsheet, truncated, password-protected, an XML entity bomb
or an archive that expands beyond reason. Reading itself is python-calamine (Rust),
which is several times faster than openpyxl; the file is only ever opened for
reading.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, Literal

import numpy as np
import pandas as pd
import python_calamine as pc

from complaint_xl.errors import UnusableFile

__all__ = ["MAX_EXPANDED_BYTES", "Book", "Grid", "gc_paused", "open_book"]

MAX_EXPANDED_BYTES: Final[int] = 2 * 1024**3
"""An .xlsx/.ods may expand to 2 GiB: a full 1,048,575-row register is ~1.1 GiB of sheet XML
when its strings are inline (XlsxWriter's constant-memory mode), less with shared strings.
The sizes checked are the archive's declared ones, which the readers also enforce
(python-calamine stops at a member larger than declared; zipfile fails its CRC)."""
MAX_RATIO: Final[int] = 200
"""Beyond this compression ratio in a large member, an archive is treated as a bomb."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG_ITEM = re.compile(rb"\xef\xbb\xbf|\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
PROLOG_LIMIT: Final[int] = 1 << 20

Kind = Literal["xlsx", "xls", "ods", "csv"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sheet's millions of cells are built.

    Reading creates no reference cycles, but every new container counts towards the
    collector's thresholds, which then rescans all cells read so far again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        body = self.rows[start:]
        wanted = sorted(set(wanted))
        lengths = set(map(len, body))
        width = min(max(lengths, default=0), wanted[-1] + 1 if wanted else 0)
        table = np.full((len(body), width), "", dtype=object)
        try:
            if len(lengths) != 1:
                raise ValueError("ragged")
            # calamine's rows are rectangular: one C-level copy
            table[:] = body if lengths == {width} else [r[:width] for r in body]
        except ValueError:  # rows of several lengths, or a cell holding a sequence
            for i, r in enumerate(body):
                for j, v in enumerate(r[:width]):
                    table[i, j] = v
        return {j: table[:, j] if j < width else np.full(len(body), "", dtype=object)
                for j in wanted}


@dataclass
class Book:
    """An opened register file: its sheets in order, readable as grids."""

    path: Path
    kind: Kind
    sheet_names: list[str]
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """(message key, params) to show the user, e.g. that the file is open in Excel."""
    _calamine: pc.CalamineWorkbook | None = None
    _csv: Grid | None = None
    _zip_sheets: dict[str, str] = field(default_factory=dict)

    def grid(self, name: str) -> Grid:
        """All cells of a sheet, with Excel error cells as their error text (#N/A)."""
        if self._csv is not None:
            return self._csv
        assert self._calamine is not None
        # The error-cell scan inflates the sheet's XML a second time; zlib and calamine both
        # release the GIL, so it runs beside the parse instead of after it.
        with ThreadPoolExecutor(max_workers=1) as pool:
            errors = pool.submit(self._error_cells, name)
            try:
                with gc_paused():
                    rows = self._calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # calamine raises its own types for bad parts
                raise UnusableFile("damaged", path=str(self.path), detail=_short(exc)) from None
            found = errors.result()
        for (r, c), text in found.items():
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = text
        return Grid(rows)

    def grids(self) -> dict[str, Grid]:
        """Every sheet that may hold the register or settings, by name.

        The product's own output sheets (检查结果, 周报 …) are skipped: they are never
        read and, after a check of a large register, hold a row per finding.
        """
        from complaint_xl.settings import sheet_role  # here: settings imports this package

        return {name: self.grid(name) for name in self.sheet_names if sheet_role(name) != "tool"}

    def _error_cells(self, name: str) -> dict[tuple[int, int], str]:
        """Error cells (#N/A, #REF! …) of an .xlsx sheet; calamine reads them as ''."""
        member = self._zip_sheets.get(name)
        if not member:
            return {}
        found: dict[tuple[int, int], str] = {}
        with zipfile.ZipFile(self.path) as zf, zf.open(member) as fh:
            tail = b""
            while chunk := fh.read(8 << 20):
                data = tail + chunk
                if b't="e"' in data:
                    for m in _ERROR_CELL.finditer(data):
                        col, row = _split_ref(m["ref"].decode())
                        found[(row, col)] = m["v"].decode("utf-8", "replace")
                # Carry the last cell over: an error cell's formula may straddle the chunks.
                cut = data.rfind(b"<c ", max(0, len(data) - (1 << 16)))
                tail = data[cut:] if cut >= 0 else b""
        return found


_ERROR_CELL = re.compile(
    rb'<c\b(?=[^>]*\bt="e")[^>]*\br="(?P<ref>[A-Z]+\d+)"[^>]*>'
    rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>(?P<v>[^<]*)</v>"
)


def _split_ref(ref: str) -> tuple[int, int]:
    """'B12' -> (col 1, row 11), both 0-based."""
    i = 0
    col = 0
    while ref[i].isalpha():
        col = col * 26 + ord(ref[i]) - 64
        i += 1
    return col - 1, int(ref[i:]) - 1


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _declares_entities(fh: IO[bytes]) -> bool:
    """Whether an XML part declares a DTD or entities (the way to an entity bomb).

    A DOCTYPE may only stand in the prolog, before the root element, but after any
    number of comments: the prolog is read through to the root element (at most
    ``PROLOG_LIMIT`` bytes; no spreadsheet program writes more than a line there).
    """
    data, pos = b"", 0
    while True:
        while m := _PROLOG_ITEM.match(data, pos):  # declaration, comments, blanks
            pos = m.end()
        rest = data[pos:]
        if _ENTITY.match(rest):
            return True
        if len(rest) >= 2 and rest[:1] == b"<" and rest[1:2] not in b"?!":
            return False  # the root element: no DOCTYPE can follow
        chunk = fh.read(1 << 16)
        if not chunk:
            return bool(_ENTITY.search(data))
        if len(data) > PROLOG_LIMIT:
            return True  # an endless prolog is no spreadsheet's: refuse it like a DTD
        data += chunk


def _check_zip(path: Path) -> tuple[Kind, dict[str, str]]:
    """Vet an OOXML/ODF archive before any parser sees it; map sheet names to parts."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnusableFile("damaged", path=str(path), detail=_short(exc)) from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        limit = f"{MAX_EXPANDED_BYTES // 1024**3} GiB"
        if total > MAX_EXPANDED_BYTES:
            raise UnusableFile("too-large", path=str(path), limit=limit)
        for info in infos:
            if info.file_size > 50 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UnusableFile("too-large", path=str(path), limit=limit)
        names = {i.filename for i in infos}
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) or info.filename == "content.xml":
                try:
                    with zf.open(info) as fh:
                        declares = _declares_entities(fh)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise UnusableFile("damaged", path=str(path), detail=_short(exc)) from None
                if declares:
                    raise UnusableFile("xml-entities", path=str(path))
        if "xl/workbook.xml" in names:
            return "xlsx", _sheet_parts(zf)
        if "content.xml" in names:
            return "ods", {}
        if "xl/workbook.bin" in names:
            return "xlsx", {}
    raise UnusableFile("not-spreadsheet", path=str(path))


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> XML part, from workbook.xml and its relationships."""
    from defusedxml import ElementTree as DET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        book = DET.fromstring(zf.read("xl/workbook.xml"))
        rels = DET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = target
    return parts


def _read_csv(path: Path) -> Grid:
    """A CSV export as a grid; Excel in China saves CSV as GBK, so that is tried next."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnusableFile("not-spreadsheet", path=str(path))
    if "\x00" in text[:4096]:
        raise UnusableFile("not-spreadsheet", path=str(path))
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    frame = pd.read_csv(
        io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
        na_filter=False, engine="c", skip_blank_lines=False, on_bad_lines="skip",
    )
    return Grid(frame.to_numpy(dtype=object).tolist())


def open_book(path: str | Path) -> Book:
    """Open a register file for reading, or raise UnusableFile saying what is wrong."""
    p = Path(path)
    if not p.exists():
        raise UnusableFile("not-found", path=str(p))
    if p.is_dir():
        raise UnusableFile("is-folder", path=str(p))
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnusableFile("unreadable", path=str(p), detail=_short(exc)) from None
    if size == 0:
        raise UnusableFile("empty", path=str(p))
    notes: list[tuple[str, dict[str, str]]] = []
    if (p.parent / f"~${p.name}").exists():
        notes.append(("locked", {"path": str(p)}))
    zip_sheets: dict[str, str] = {}
    kind: Kind
    if head.startswith(_ZIP_MAGIC):
        kind, zip_sheets = _check_zip(p)
    elif head.startswith(_OLE_MAGIC):
        with p.open("rb") as fh:
            blob = fh.read(min(size, 64 << 20))
        if _ENCRYPTED in blob:
            raise UnusableFile("encrypted", path=str(p))
        kind = "xls"
    elif p.suffix.lower() in (".csv", ".txt", ".tsv"):
        return Book(p, "csv", [p.stem], notes, _csv=_read_csv(p))
    else:
        raise UnusableFile("not-spreadsheet", path=str(p))
    try:
        wb = pc.CalamineWorkbook.from_path(str(p))
        sheets = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    except Exception as exc:
        detail = _short(exc)
        if re.search(r"passw|encrypt", detail, re.IGNORECASE):
            raise UnusableFile("encrypted", path=str(p)) from None
        raise UnusableFile("damaged", path=str(p), detail=detail) from None
    return Book(p, kind, sheets, notes, _calamine=wb, _zip_sheets=zip_sheets)
