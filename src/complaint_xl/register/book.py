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
import itertools
import re
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Literal

import python_calamine as pc

from complaint_xl.errors import UnusableFile
from complaint_xl.sheet_roles import sheet_role

if TYPE_CHECKING:
    import numpy as np

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
SCAN_CHUNK: Final[int] = 8 << 20
"""Bytes of sheet XML inflated and searched at a time by the error-cell scan."""

Kind = Literal["xlsx", "xls", "ods", "csv"]


class _Pause:
    """Who is pausing the collector: it runs again when the last pause ends, whichever thread."""

    lock = threading.Lock()
    count = 0
    was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sheet's millions of cells are built.

    Reading creates no reference cycles, but every new container counts towards the
    collector's thresholds, which then rescans all cells read so far again and again.
    The reading thread and the caller may pause at once; the collector is left as the
    first pause found it.
    """
    with _Pause.lock:
        if _Pause.count == 0:
            _Pause.was_enabled = gc.isenabled()
            gc.disable()
        _Pause.count += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.count -= 1
            if _Pause.count == 0 and _Pause.was_enabled:
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
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """(message key, params) to show the user, e.g. that the file is open in Excel."""
    _calamine: pc.CalamineWorkbook | None = None
    _csv: Grid | None = None
    _zip_sheets: dict[str, str] = field(default_factory=dict)
    _sizes: dict[str, int] = field(default_factory=dict)
    _ods_errors: dict[str, dict[tuple[int, int], str]] | None = None
    """Uncompressed size of each sheet's XML part (.xlsx), to read the small ones first."""
    _ahead: dict[str, Future[list[list[Any]]]] = field(default_factory=dict)
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
        self._ahead = {name: Future() for name in order}

        def work() -> None:
            for name in order:
                future = self._ahead[name]
                try:
                    future.set_result(self._parse(name))
                except BaseException as exc:  # handed to the waiting caller, raised there
                    future.set_exception(exc)

        # A daemon: a run that stops early (a bad settings cell) need not wait for the parse.
        self._reader = threading.Thread(target=work, name="complaint-xl-read", daemon=True)
        self._reader.start()

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
            with ThreadPoolExecutor(max_workers=1) as pool:
                errors = pool.submit(self._error_cells, name)
                rows = self._parse(name)
                found = errors.result()
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
            with gc_paused():
                return self._calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own types for bad parts
            raise UnusableFile("damaged", path=str(self.path), detail=_short(exc)) from None

    def _error_cells(self, name: str) -> dict[tuple[int, int], str]:
        """Error cells (#N/A, #REF! …) of an .xlsx or .ods sheet; calamine reads them as ''.

        Most sheets hold none: each inflated chunk is searched once and nothing is
        copied, so the scan costs little more than zlib (which releases the GIL).
        """
        if self.kind == "ods":
            if self._ods_errors is None:
                self._ods_errors = _ods_error_cells(self.path)
            return self._ods_errors.get(name, {})
        member = self._zip_sheets.get(name)
        if not member:
            return {}
        found: dict[tuple[int, int], str] = {}
        with zipfile.ZipFile(self.path) as zf, zf.open(member) as fh:
            tail = b""  # the last cell of the previous chunk: an error cell may straddle two
            while chunk := fh.read(SCAN_CHUNK):
                if b't="e"' in chunk or b't="e"' in tail + chunk[:256]:
                    data = tail + chunk
                    for m in _ERROR_CELL.finditer(data):
                        col, row = _split_ref(m["ref"].decode())
                        found[(row, col)] = m["v"].decode("utf-8", "replace")
                cut = chunk.rfind(b"<c ", max(0, len(chunk) - (1 << 16)))
                tail = chunk[cut:] if cut >= 0 else b""
        return found


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


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_ERROR_ATTR = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")


def _ods_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Error cells of every sheet of an .ods, by sheet: (row, col) -> the error's text.

    LibreOffice marks them ``calcext:value-type="error"`` with the error as the cell's
    text (``#N/A``) and an empty string value, which is what calamine returns. The
    content is searched for that mark first; only a file holding one is walked,
    counting repeated rows and columns to place each cell.
    """
    with zipfile.ZipFile(path) as zf:
        with zf.open("content.xml") as fh:
            tail, marked = b"", False
            while chunk := fh.read(SCAN_CHUNK):
                if b'value-type="error"' in chunk or b'value-type="error"' in tail + chunk[:32]:
                    marked = True
                    break
                tail = chunk[-32:]
        if not marked:
            return {}
        from defusedxml.ElementTree import iterparse  # refuses DTDs and entities

        found: dict[str, dict[tuple[int, int], str]] = {}
        sheet: dict[tuple[int, int], str] = {}
        row = col = 0
        open_elements: list[Any] = []
        with zf.open("content.xml") as fh:
            for event, elem in iterparse(fh, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    open_elements.append(elem)
                    if tag == f"{_ODS_TABLE}table":
                        sheet = found.setdefault(elem.get(f"{_ODS_TABLE}name", ""), {})
                        row = 0
                    elif tag == f"{_ODS_TABLE}table-row":
                        col = 0
                    continue
                open_elements.pop()
                if tag in _ODS_CELLS:
                    repeat = int(elem.get(f"{_ODS_TABLE}number-columns-repeated", "1") or 1)
                    if elem.get(_ODS_ERROR_ATTR) == "error":
                        text = "".join(elem.itertext()).strip()
                        for c in range(col, col + min(repeat, 16_384)):
                            sheet[(row, c)] = text
                    col += repeat
                elif tag == f"{_ODS_TABLE}table-row":
                    row += int(elem.get(f"{_ODS_TABLE}number-rows-repeated", "1") or 1)
                    # a row at a time, dropped once read: memory stays bounded on a big sheet
                    open_elements[-1].remove(elem)
    return {name: cells for name, cells in found.items() if cells}


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


def _check_zip(path: Path) -> tuple[Kind, dict[str, str], dict[str, int]]:
    """Vet an OOXML/ODF archive before any parser sees it; map sheet names to parts.

    Also returns the uncompressed size of every member, by name.
    """
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
        sizes = {i.filename: i.file_size for i in infos}
        if "xl/workbook.xml" in names:
            return "xlsx", _sheet_parts(zf), sizes
        if "content.xml" in names:
            return "ods", {}, sizes
        if "xl/workbook.bin" in names:
            return "xlsx", {}, sizes
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
    import pandas as pd

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
    member_sizes: dict[str, int] = {}
    kind: Kind
    if head.startswith(_ZIP_MAGIC):
        kind, zip_sheets, member_sizes = _check_zip(p)
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
    sizes = {name: member_sizes.get(part, 0) for name, part in zip_sheets.items()}
    return Book(p, kind, sheets, notes, _calamine=wb, _zip_sheets=zip_sheets, _sizes=sizes)
