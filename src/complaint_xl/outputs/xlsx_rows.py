"""Big tables without a call per cell: the body rows go straight into the sheet's XML.

XlsxWriter spends ~4 µs on every cell (a call to store it, a shared-string lookup, a
call to write its XML at ``close``): 2 s for a chase list of 22,000 items and 21
columns, most of what a chase run does after reading the register. Here XlsxWriter
still writes the whole workbook (header row, Excel table, widths, conditional formats,
every other sheet) but for the table's body rows; :func:`fill_rows` builds those column
by column with numpy and puts them into the closed file's sheet XML, with the body's
hyperlinks (:class:`Links`) if any.

Cells come out as :func:`complaint_xl.outputs.xlsx.write_table` writes them: text is
always a string (inline, so ``=cmd|…``, ``-5%`` and XlsxWriter's raw ``<r>…</r>``
rich-text form all stay the text typed), escaped for XML, control characters as
Excel's ``_xHHHH_`` escapes, cut at Excel's 32,767 characters; numbers as numbers;
dates as serials with a date format; None, NaN and NaT left empty; infinity as #DIV/0!.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from xlsxwriter.chartsheet import Chartsheet
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_range, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.outputs.xlsx import EXCEL_EPOCH, add_table, excel_serials, set_widths

__all__ = ["MAX_LINKS", "Links", "PendingRows", "fill_rows", "table_later"]

MAX_LINKS: Final[int] = 65_530
"""Excel's limit of hyperlinks per worksheet (XlsxWriter drops any beyond it)."""

_MAX_UTF16: Final[int] = 32_767
_CHUNK: Final[int] = 5_000
"""Rows built and compressed at a time, so memory stays bounded on a million-row list."""
_LEVEL: Final[int] = 1
"""zlib level of the bodies: for a chase list of 22,000 items 0.09 s instead of 0.2 s at
zlib's default 6, for a file of 2.8 MB instead of 2.15 MB."""
_NEEDS_CARE: Final = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_LITERAL_ESCAPE: Final = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ROW_TAG: Final = re.compile(rb'<row r="(\d+)"')
_DIMENSION: Final = re.compile(rb'<dimension ref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"/>')
_REL_ID: Final = re.compile(rb'Id="rId(\d+)"')
_HYPERLINK: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_BOOLS: Final = np.array(["0", "1"], dtype=object)
_EMPTY_KINDS: Final = frozenset({type(None), float, np.float64, type(pd.NaT)})
"""What pd.isna finds that write_cell leaves empty; other missing values (pd.NA) go value by value."""


@dataclass(frozen=True)
class Links:
    """Cells of one body column that open a place in another workbook, as ``write_url`` makes them."""

    column: str
    """The frame column whose cells are the links (their text is the cell's value)."""
    file: str
    """The other workbook, as ``write_url("external:…")`` takes it (relative or absolute)."""
    places: Sequence[str]
    """Where each link opens (``'Sheet'!B5``), one per body row from the first; rows after have none."""
    uri: bool = False
    """``file`` is already the relationship's target, written as it is (forward slashes and
    escapes done by the caller), rather than turned into backslashes as ``write_url`` does."""


@dataclass
class PendingRows:
    """A table whose header XlsxWriter wrote and whose body :func:`fill_rows` writes."""

    sheet: Worksheet
    member: str
    """The sheet's part in the package: xl/worksheets/sheetN.xml, N counting worksheets only."""
    frame: pd.DataFrame
    first_row: int
    """The table's header row (0-based); the body starts on the next row."""
    first_col: int
    styles: list[int | None]
    """Per column, the XlsxWriter style (xf) index of its cells, None for the default."""
    date_style: int
    """The style of a date in a column of mixed values (``write_cell``'s date format)."""
    links: Links | None = None
    link_col: int = -1
    """The position of the links' column in the frame (-1: no links)."""
    link_style: int | None = None
    """The style of a link cell (XlsxWriter's hyperlink format)."""


def table_later(
    wb: Workbook,
    ws: Worksheet,
    frame: pd.DataFrame,
    *,
    first_row: int = 0,
    first_col: int = 0,
    name: str | None = None,
    widths: Mapping[str, float] | None = None,
    formats: Mapping[str, Format] | None = None,
    style: str = "Table Style Medium 2",
    links: Links | None = None,
) -> tuple[int, int, PendingRows]:
    """Like ``write_table`` (same arguments, same table), but the body is left to :func:`fill_rows`.

    Returns (last row, last col, what to fill once ``wb.close()`` has written the file).
    Nothing else may be written in the table's body rows. ``links`` makes cells of one
    column hyperlinks, as ``write_url`` with XlsxWriter's default link format would.
    """
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    columns = [str(c) for c in frame.columns]
    last_row = first_row + max(len(frame), 1)
    last_col = first_col + len(columns) - 1
    _table_over(ws, first_row, first_col, last_row, columns, name=name, style=style)
    formats = formats or {}
    chosen = [date_fmt if frame.iloc[:, j].dtype.kind == "M" else formats.get(col)
              for j, col in enumerate(columns)]
    # XlsxWriter numbers a format when a cell first uses it, and these cells are not its
    # own: number them now (its own per-cell call), so that they are in the styles part.
    styles = [None if f is None else f._get_xf_index() for f in chosen]
    link_col, link_style = -1, None
    if links is not None:
        if links.column not in columns or len(links.places) > min(len(frame), MAX_LINKS):
            raise ValueError(f"links to {links.column!r}: no such column or more links than rows")
        link_col, link_style = columns.index(links.column), wb.get_default_url_format()._get_xf_index()
    set_widths(ws, frame, first_col, widths)
    number = sum(not isinstance(w, Chartsheet) for w in wb.worksheets()[:ws.index + 1])
    return last_row, last_col, PendingRows(ws, f"xl/worksheets/sheet{number}.xml", frame, first_row,
                                           first_col, styles, date_fmt._get_xf_index(), links,
                                           link_col, link_style)


def _table_over(ws: Worksheet, first_row: int, first_col: int, last_row: int, columns: list[str],
                **options: Any) -> None:
    """``add_table`` over the header and one body row, then stretched to ``last_row``.

    XlsxWriter's ``add_table`` notes every cell of the range in a dict, to refuse a later
    table or merge over it: 0.2 s for a chase list of 22,000 rows. That check is not
    needed for a body XlsxWriter never sees (:func:`fill_rows` refuses any cell written
    over it), so the table is declared small and given the ranges ``add_table`` itself
    sets for the whole table (no totals row: the data range is the whole range).
    """
    before = len(ws.tables)
    add_table(ws, first_row, first_col, first_row + 1, columns, **options)
    if len(ws.tables) == before:  # XlsxWriter warned and wrote no table
        raise ValueError(f"no table on {ws.get_name()}: {options}")
    table = ws.tables[-1]
    table["range"] = table["a_range"] = xl_range(first_row, first_col, last_row,
                                                 first_col + len(columns) - 1)
    if table.get("autofilter"):
        table["autofilter"] = table["a_range"]


def fill_rows(path: str | Path, pending: Sequence[PendingRows]) -> Path:
    """Put the body rows and links of every pending table into the workbook XlsxWriter closed at ``path``."""
    path = Path(path)
    by_member = {p.member: p for p in pending}
    with zipfile.ZipFile(path) as zin:  # small: every big body is still missing
        members = {info.filename: (info, zin.read(info)) for info in zin.infolist()}
    missing = set(by_member) - set(members)
    if missing:
        raise ValueError(f"no {', '.join(sorted(missing))} in {path}")
    links: dict[str, bytes] = {}  # sheet part -> its <hyperlink> elements, relationships added
    for todo in pending:
        if todo.links is not None:
            folder, name = todo.member.rsplit("/", 1)
            rels = f"{folder}/_rels/{name}.rels"  # always there: the table's relationship
            info, data = members[rels]
            data, links[todo.member] = _with_links(data, todo.links, xl_col_to_name(
                todo.first_col + todo.link_col), todo.first_row + 2)
            members[rels] = info, data
    # Parts copied as read keep zlib's default level; the bodies, opened by name, get _LEVEL.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as zout:
        for info, data in members.values():
            todo = by_member.get(info.filename)
            if todo is None:
                zout.writestr(info, data)
                continue
            head, tail = _split(data, todo)
            # The size is known only once written: Zip64 where it might pass 2 GiB.
            big = len(todo.frame) * max(len(todo.frame.columns), 1) > 10_000_000
            with zout.open(info.filename, "w", force_zip64=big) as fh, \
                    ThreadPoolExecutor(max_workers=1) as deflate:
                fh.write(head)
                # zlib releases the GIL: each chunk is compressed while the next is built.
                written: Future[int] | None = None
                for chunk in _row_chunks(todo):
                    data = chunk.encode("utf-8")
                    if written is not None:
                        written.result()
                    written = deflate.submit(fh.write, data)
                if written is not None:
                    written.result()
                fh.write(_hyperlinks_into(tail, links.get(info.filename, b"")))
    return path


def _with_links(rels: bytes, links: Links, letter: str, row: int) -> tuple[bytes, bytes]:
    """The sheet's relationships with one per link added, and the links' ``<hyperlink>`` XML.

    ``letter`` is the links' column, ``row`` the first body row (1-based). One
    relationship per link, as XlsxWriter and Excel write them, numbered after those
    XlsxWriter wrote.
    """
    first = max((int(n) for n in _REL_ID.findall(rels)), default=0) + 1
    target = _attribute(links.file if links.uri else _file_target(links.file))
    added = "".join(f'<Relationship Id="rId{first + i}" Type="{_HYPERLINK}" Target="{target}" '
                    'TargetMode="External"/>' for i in range(len(links.places)))
    elements = "".join(f'<hyperlink ref="{letter}{row + i}" r:id="rId{first + i}" '
                       f'location="{_attribute(place)}"/>' for i, place in enumerate(links.places))
    end = rels.rindex(b"</Relationships>")
    return rels[:end] + added.encode() + rels[end:], elements.encode()


def _file_target(file: str) -> str:
    """A workbook's path as ``write_url("external:…")`` puts it in the relationships part.

    Backslashes; ``file:///`` before a drive or UNC path; ``.\\`` dropped; URL escapes
    unless the path already holds one.
    """
    path = file.replace("/", "\\")
    if path.startswith("\\\\") or (path[:1].isalpha() and path[1:2] == ":"):
        path = "file:///" + path
    elif path.startswith(".\\"):
        path = path[2:]
    if not re.search("%[0-9a-fA-F]{2}", path):
        for char in '%" <>[]^`{}':
            path = path.replace(char, f"%{ord(char):02x}")
    return path.replace("#", "%23")


def _attribute(text: str) -> str:
    """Text escaped for an XML attribute, as XlsxWriter escapes one."""
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\n", "&#xA;"))


def _hyperlinks_into(tail: bytes, elements: bytes) -> bytes:
    """The sheet XML after the body with the body's ``<hyperlink>`` elements in their place.

    Into XlsxWriter's own ``<hyperlinks>`` if it wrote one, else a new one where the
    schema wants it: before ``<printOptions>`` or ``<pageMargins>`` (always written).
    """
    if not elements:
        return tail
    at = tail.find(b"<hyperlinks>")
    if at >= 0:
        at += len(b"<hyperlinks>")
        return tail[:at] + elements + tail[at:]
    at = tail.find(b"<printOptions")
    at = at if at >= 0 else tail.index(b"<pageMargins")
    return tail[:at] + b"<hyperlinks>" + elements + b"</hyperlinks>" + tail[at:]


def _split(xml: bytes, todo: PendingRows) -> tuple[bytes, bytes]:
    """The sheet XML before and after where the body rows go, its dimension widened."""
    body_first, body_last = todo.first_row + 2, todo.first_row + 1 + len(todo.frame)  # 1-based
    start = xml.index(b"<sheetData")
    end = xml.index(b"</sheetData>")
    at = end
    for match in _ROW_TAG.finditer(xml, start, end):
        row = int(match.group(1))
        if body_first <= row <= body_last:
            raise ValueError(f"row {row} of {todo.sheet.get_name()} was written over the table body")
        if row > body_last:
            at = match.start()
            break
    last = xl_rowcol_to_cell(todo.first_row + max(len(todo.frame), 1),
                             todo.first_col + len(todo.frame.columns) - 1)

    def widen(m: re.Match[bytes]) -> bytes:
        r0, c0 = xl_cell_to_rowcol(m.group(1).decode())
        r1, c1 = xl_cell_to_rowcol((m.group(2) or m.group(1)).decode())
        r2, c2 = xl_cell_to_rowcol(last)
        ref = f"{xl_rowcol_to_cell(r0, c0)}:{xl_rowcol_to_cell(max(r1, r2), max(c1, c2))}"
        return f'<dimension ref="{ref}"/>'.encode()

    return _DIMENSION.sub(widen, xml[:at], count=1), xml[at:]


def _row_chunks(todo: PendingRows) -> Iterator[str]:
    """The body as ``<row>`` XML, a few thousand rows at a time.

    Each piece of XML is a slot of a grid (a row's start; per cell its start, row
    number, style and type, value, end; the row's end), filled a column at a time by
    numpy and joined once: no Python work per cell but for unusual values.
    """
    frame = todo.frame
    k = len(frame.columns)
    starts = [f'<c r="{xl_col_to_name(todo.first_col + j)}' for j in range(k)]
    n_links = len(todo.links.places) if todo.links is not None else 0
    for lo in range(0, len(frame), _CHUNK):
        part = frame.iloc[lo:lo + _CHUNK]
        first = todo.first_row + 2 + lo
        numbers = [str(r) for r in range(first, first + len(part))]
        grid = np.empty((len(part), 5 * k + 2), dtype=object)
        grid[:, 0] = [f'<row r="{r}">' for r in numbers]
        grid[:, -1] = "</row>"
        for j in range(k):
            cells, series = grid[:, 1 + 5 * j:6 + 5 * j], part.iloc[:, j]
            cells[:, 0], cells[:, 1] = starts[j], numbers
            if j == todo.link_col:  # linked rows take the link format
                m = min(max(n_links - lo, 0), len(part))
                _fill(cells[:m], series.iloc[:m], todo.link_style, todo.date_style)
                _fill(cells[m:], series.iloc[m:], todo.styles[j], todo.date_style)
            else:
                _fill(cells, series, todo.styles[j], todo.date_style)
        yield "".join(grid.ravel().tolist())


def _fill(cells: np.ndarray, series: pd.Series, style: int | None, date_style: int) -> None:
    """One column's style-and-type, value and end slots; every slot of an empty cell ""."""
    s = "" if style is None else f' s="{style}"'
    kind = series.dtype.kind
    if kind == "M":
        _put_numbers(cells, excel_serials(series), s)
    elif kind == "b" and not series.hasnans:
        _put(cells, f'"{s} t="b"><v>', _BOOLS[series.to_numpy(dtype=bool).astype(np.intp)], "</v></c>")
    elif kind in "iuf":
        _put_numbers(cells, series.to_numpy(dtype="float64", na_value=np.nan), s)
    else:
        _put_objects(cells, series.to_numpy(dtype=object), s, f' s="{date_style}"')


def _put(cells: np.ndarray, mid: Any, values: Any, end: str, empty: np.ndarray | None = None) -> None:
    """The same three slots for a whole column (each one string or one per row)."""
    cells[:, 2], cells[:, 3], cells[:, 4] = mid, values, end
    if empty is not None and empty.any():
        cells[empty] = ""


def _put_numbers(cells: np.ndarray, x: np.ndarray, s: str) -> None:
    """Numbers as XlsxWriter writes them (``{:.16G}``); whole ones by numpy, the same text."""
    finite = np.isfinite(x)
    whole = finite & (np.abs(x) < 1e15) & (x == np.trunc(x))
    text = np.full(len(x), "", dtype=object)
    text[whole] = list(map(str, x[whole].astype(np.int64).tolist()))
    fraction = finite & ~whole
    text[fraction] = [f"{v:.16G}" for v in x[fraction].tolist()]
    _put(cells, f'"{s}><v>', text, "</v></c>", np.isnan(x))
    infinite = np.flatnonzero(np.isinf(x))
    _patch(cells, infinite, [_rest(s, "", v) for v in x[infinite].tolist()])


def _put_objects(cells: np.ndarray, values: np.ndarray, s: str, ds: str) -> None:
    """Text the short way (unless it needs escaping, keeping spaces or cutting); else per value."""
    empty = pd.isna(values)
    present = values[~empty]
    kind = pd.api.types.infer_dtype(present, skipna=False)
    if not set(map(type, values[empty])) <= _EMPTY_KINDS:  # e.g. pd.NA: write_cell writes "<NA>"
        kind = "mixed"
    if kind in ("integer", "floating", "mixed-integer-float"):
        x = np.full(len(values), np.nan)
        x[~empty] = present.astype("float64")
        _put_numbers(cells, x, s)
        return
    if kind not in ("string", "empty"):
        _patch(cells, np.arange(len(values)), [_rest(s, ds, v) for v in values.tolist()])
        return
    _put(cells, f'"{s} t="inlineStr"><is><t>', values, "</t></is></c>", empty)
    texts = present.tolist()
    odd = np.array([v.strip() is not v for v in texts], dtype=bool)  # spaces to keep
    if _needs_care(texts):
        odd |= np.array([_NEEDS_CARE.search(v) is not None for v in texts], dtype=bool)
    if texts and max(map(len, texts)) > _MAX_UTF16 // 2:
        odd |= np.array([len(v) > _MAX_UTF16 // 2 for v in texts], dtype=bool)
    where = np.flatnonzero(~empty)[odd]
    _patch(cells, where, [_rest(s, ds, v) for v in present[odd].tolist()])


def _needs_care(texts: list[str]) -> bool:
    """Whether any text needs escaping, looked for in one go over the column.

    Substring tests and ``isprintable`` run at memory speed, ``_NEEDS_CARE`` at a few
    ns a character: it runs only on a column with a non-printable character (a control
    character, or also a line break or an ideographic space). Joined with a space, which
    is printable and joins no ``_xHHHH_``.
    """
    joined = " ".join(texts)
    return (any(c in joined for c in "&<>") or "_x" in joined
            or (not joined.isprintable() and _NEEDS_CARE.search(joined) is not None))


def _patch(cells: np.ndarray, where: np.ndarray, rests: list[str]) -> None:
    """Cells written whole by :func:`_rest` (an empty one, "", blanks every slot)."""
    if not len(where):
        return
    cells[where, 2] = rests
    cells[where, 3:] = ""
    blank = where[[not r for r in rests]]
    cells[blank] = ""


def _rest(s: str, ds: str, v: Any) -> str:
    """A cell after its row number, ``write_cell``'s way (a date in the date style ``ds``); "" if empty."""
    if type(v) is str:
        return f'"{s} t="inlineStr">{_inline(v)}</c>'
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool | np.bool_):
        return f'"{s} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        stamp = pd.Timestamp(v)
        if stamp is pd.NaT:
            return ""
        days = (stamp.tz_localize(None) - pd.Timestamp(EXCEL_EPOCH)) / pd.Timedelta(days=1)
        return f'"{ds}><v>{days:.16G}</v></c>'
    if isinstance(v, int | float | np.integer | np.floating):
        v = float(v)
        if v != v:
            return ""
        if math.isinf(v):  # as XlsxWriter's nan_inf_to_errors writes it: Excel's #DIV/0!
            return f'"{s} t="e"><f>{"" if v > 0 else "-"}1/0</f><v>#DIV/0!</v></c>'
        return f'"{s}><v>{v:.16G}</v></c>'
    return f'"{s} t="inlineStr">{_inline(str(v))}</c>'


def _inline(text: str) -> str:
    """An inline string element: escaped as XlsxWriter escapes a string cell."""
    if len(text) > _MAX_UTF16 // 2:
        units = text.encode("utf-16-le")
        if len(units) > 2 * _MAX_UTF16:
            text = units[:2 * _MAX_UTF16].decode("utf-16-le", errors="ignore")
    if _NEEDS_CARE.search(text):
        text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"
