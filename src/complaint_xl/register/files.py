"""Vetting a register file before any parser sees it, and opening it for reading.

Everything that can be wrong with a file is found here and raised as
:class:`~complaint_xl.errors.UnusableFile` with a one-line reason: missing, a
folder, empty, not a spreadsheet, truncated, password-protected, an XML entity bomb
or an archive that expands beyond reason. Spreadsheets are opened with
python-calamine (Rust, several times faster than openpyxl), imported only in
:func:`open_spreadsheet`: the grid reader works without it (Excel on the web runs
Python without that package); the file is only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Literal

from complaint_xl.errors import UnusableFile

if TYPE_CHECKING:
    import python_calamine as pc

__all__ = [
    "MAX_EXPANDED_BYTES",
    "MAX_RATIO",
    "PROLOG_LIMIT",
    "Kind",
    "Vetted",
    "open_spreadsheet",
    "read_csv",
    "short_reason",
    "vet",
]

MAX_EXPANDED_BYTES: Final[int] = 2 * 1024**3
"""An .xlsx/.ods may expand to 2 GiB: a full 1,048,575-row register is ~1.1 GiB of sheet XML
when its strings are inline (XlsxWriter's constant-memory mode), less with shared strings.
The sizes checked are the archive's declared ones, which the readers also enforce
(python-calamine stops at a member larger than declared; zipfile fails its CRC)."""
MAX_RATIO: Final[int] = 200
"""Beyond this compression ratio in a large member, an archive is treated as a bomb."""
PROLOG_LIMIT: Final[int] = 1 << 20
"""Bytes of an XML part's prolog read while looking for its root element."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG_ITEM = re.compile(rb"\xef\xbb\xbf|\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_CSV_SUFFIXES: Final[tuple[str, ...]] = (".csv", ".txt", ".tsv")

Kind = Literal["xlsx", "xls", "ods", "csv"]


@dataclass
class Vetted:
    """A file that passed the checks: what it is, and what the checks learnt on the way."""

    path: Path
    kind: Kind
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(message key, params) to show the user, e.g. that the file is open in Excel."""
    sheet_parts: dict[str, str] = field(default_factory=dict)
    """Sheet name -> its XML part (.xlsx), for the error-cell scan."""
    part_sizes: dict[str, int] = field(default_factory=dict)
    """Uncompressed size of each archive member, by name."""


def short_reason(exc: BaseException) -> str:
    """An exception as the one-line detail of an UnusableFile message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def vet(path: str | Path) -> Vetted:
    """Check a register file before opening it; raise UnusableFile saying what is wrong."""
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
        raise UnusableFile("unreadable", path=str(p), detail=short_reason(exc)) from None
    if size == 0:
        raise UnusableFile("empty", path=str(p))
    notes: list[tuple[str, dict[str, Any]]] = []
    if (p.parent / f"~${p.name}").exists():
        notes.append(("locked", {"path": str(p)}))
    if head.startswith(_ZIP_MAGIC):
        kind, parts, sizes = _check_zip(p)
        return Vetted(p, kind, notes, parts, sizes)
    if head.startswith(_OLE_MAGIC):
        with p.open("rb") as fh:
            blob = fh.read(min(size, 64 << 20))
        if _ENCRYPTED in blob:
            raise UnusableFile("encrypted", path=str(p))
        return Vetted(p, "xls", notes)
    if p.suffix.lower() in _CSV_SUFFIXES:
        return Vetted(p, "csv", notes)
    raise UnusableFile("not-spreadsheet", path=str(p))


def open_spreadsheet(path: Path) -> tuple[pc.CalamineWorkbook, list[str]]:
    """Open a vetted .xlsx/.xlsm/.ods/.xls with python-calamine: the workbook and its worksheets."""
    import python_calamine as pc  # here only: see the module's docstring

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        sheets = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    except Exception as exc:
        detail = short_reason(exc)
        if re.search(r"passw|encrypt", detail, re.IGNORECASE):
            raise UnusableFile("encrypted", path=str(path)) from None
        raise UnusableFile("damaged", path=str(path), detail=detail) from None
    return wb, sheets


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
        raise UnusableFile("damaged", path=str(path), detail=short_reason(exc)) from None
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
                    raise UnusableFile("damaged", path=str(path),
                                       detail=short_reason(exc)) from None
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


def read_csv(path: Path) -> list[list[Any]]:
    """A CSV export's cells as rows of text; Excel in China saves CSV as GBK, so that is tried next."""
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
    rows: list[list[Any]] = frame.to_numpy(dtype=object).tolist()
    return rows
