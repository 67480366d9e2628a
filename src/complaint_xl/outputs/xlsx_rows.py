"""Big tables without a call per cell: the body rows go straight into the sheet's XML.

XlsxWriter spends ~4 µs on every cell (a call to store it, a shared-string lookup, a
call to write its XML at ``close``): 2 s for a chase list of 22,000 items and 21
columns, most of what a chase run does after reading the register. Here XlsxWriter
still writes the whole workbook (header row, Excel table, widths, conditional formats,
every other sheet) but for the table's body rows; :func:`fill_rows` builds those column
by column and puts them into the closed file's sheet XML, ~5x faster.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from xlsxwriter.chartsheet import Chartsheet
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.outputs.xlsx import add_table, set_widths

__all__ = ["PendingRows", "fill_rows", "table_later"]

_EXCEL_EPOCH: Final = np.datetime64("1899-12-30", "ns")
_MAX_UTF16: Final[int] = 32_767
_CHUNK: Final[int] = 5_000
"""Rows built and compressed at a time, so memory stays bounded on a million-row list."""
_NEEDS_CARE: Final = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_LITERAL_ESCAPE: Final = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ROW_TAG: Final = re.compile(rb'<row r="(\d+)"')
_DIMENSION: Final = re.compile(rb'<dimension ref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"/>')


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
) -> tuple[int, int, PendingRows]:
    """Like ``write_table`` (same arguments, same table), but the body is left to :func:`fill_rows`.

    Returns (last row, last col, what to fill once ``wb.close()`` has written the file).
    Nothing else may be written in the table's body rows.
    """
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    columns = [str(c) for c in frame.columns]
    last_row = first_row + max(len(frame), 1)
    last_col = first_col + len(columns) - 1
    add_table(ws, first_row, first_col, last_row, columns, name=name, style=style)
    formats = formats or {}
    chosen = [date_fmt if frame.iloc[:, j].dtype.kind == "M" else formats.get(col)
              for j, col in enumerate(columns)]
    # XlsxWriter numbers a format when a cell first uses it, and these cells are not its
    # own: number them now (its own per-cell call), so that they are in the styles part.
    styles = [None if f is None else f._get_xf_index() for f in chosen]
    set_widths(ws, frame, first_col, widths)
    number = sum(not isinstance(w, Chartsheet) for w in wb.worksheets()[:ws.index + 1])
    return last_row, last_col, PendingRows(ws, f"xl/worksheets/sheet{number}.xml", frame,
                                           first_row, first_col, styles, date_fmt._get_xf_index())


def fill_rows(path: str | Path, pending: Sequence[PendingRows]) -> Path:
    """Put the body rows of every pending table into the workbook XlsxWriter closed at ``path``."""
    path = Path(path)
    by_member = {p.member: p for p in pending}
    with zipfile.ZipFile(path) as zin:  # small: every big body is still missing
        members = [(info, zin.read(info)) for info in zin.infolist()]
    missing = set(by_member) - {info.filename for info, _ in members}
    if missing:
        raise ValueError(f"no {', '.join(sorted(missing))} in {path}")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            todo = by_member.get(info.filename)
            if todo is None:
                zout.writestr(info, data)
                continue
            head, tail = _split(data, todo)
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            # The size is known only once written: Zip64 where it might pass 2 GiB.
            big = len(todo.frame) * max(len(todo.frame.columns), 1) > 10_000_000
            with zout.open(member, "w", force_zip64=big) as fh:
                fh.write(head)
                for chunk in _row_chunks(todo):
                    fh.write(chunk.encode("utf-8"))
                fh.write(tail)
    return path


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
    """The body as ``<row>`` XML, a few thousand rows at a time."""
    frame = todo.frame
    letters = [xl_col_to_name(todo.first_col + j) for j in range(len(frame.columns))]
    for lo in range(0, len(frame), _CHUNK):
        part = frame.iloc[lo:lo + _CHUNK]
        rows = [str(todo.first_row + 2 + lo + i) for i in range(len(part))]
        columns = [_cells(part.iloc[:, j], letters[j], rows, todo.styles[j], todo.date_style)
                   for j in range(len(letters))]
        yield "".join(f'<row r="{r}">{"".join(cells)}</row>'
                      for r, *cells in zip(rows, *columns, strict=True))


def _cells(series: pd.Series, letter: str, rows: list[str], style: int | None,
           date_style: int) -> list[str]:
    """One column's ``<c>`` elements, "" for an empty cell."""
    s = "" if style is None else f' s="{style}"'
    kind = series.dtype.kind
    if kind == "M":
        days = (series.to_numpy(dtype="datetime64[ns]") - _EXCEL_EPOCH) / np.timedelta64(1, "D")
        return [f'<c r="{letter}{r}"{s}><v>{d:.16G}</v></c>' if d == d else ""
                for d, r in zip(days.tolist(), rows, strict=True)]
    if kind == "b":
        return [f'<c r="{letter}{r}"{s} t="b"><v>{int(v)}</v></c>'
                for v, r in zip(series.tolist(), rows, strict=True)]
    if kind in "iuf":
        return [_number(letter, r, s, v) for v, r in zip(series.astype("float64").tolist(), rows,
                                                         strict=True)]
    ds = f' s="{date_style}"'
    values = series.tolist()
    # One search over the column decides whether any text needs escaping ("\n" matches
    # nothing and joins no escape sequence); then plain text takes the short way.
    plain = not _NEEDS_CARE.search("\n".join(v for v in values if type(v) is str))
    return [f'<c r="{letter}{r}"{s} t="inlineStr"><is><t>{v}</t></is></c>'
            if plain and type(v) is str and len(v) <= _MAX_UTF16 // 2 and not v[:1].isspace()
            and not v[-1:].isspace() else _cell(letter, r, s, ds, v)
            for v, r in zip(values, rows, strict=True)]


def _cell(letter: str, row: str, s: str, ds: str, v: Any) -> str:
    """Any value the way ``write_cell`` writes it (a date in the date style ``ds``)."""
    if type(v) is str:
        return f'<c r="{letter}{row}"{s} t="inlineStr">{_inline(v)}</c>'
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool | np.bool_):
        return f'<c r="{letter}{row}"{s} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        stamp = pd.Timestamp(v)
        if stamp is pd.NaT:
            return ""
        days = (stamp.tz_localize(None) - pd.Timestamp(_EXCEL_EPOCH)) / pd.Timedelta(days=1)
        return f'<c r="{letter}{row}"{ds}><v>{days:.16G}</v></c>'
    if isinstance(v, int | float | np.integer | np.floating):
        return _number(letter, row, s, float(v))
    return f'<c r="{letter}{row}"{s} t="inlineStr">{_inline(str(v))}</c>'


def _number(letter: str, row: str, s: str, v: float) -> str:
    if v != v:
        return ""
    if math.isinf(v):  # as XlsxWriter's nan_inf_to_errors writes it: Excel's #DIV/0!
        return f'<c r="{letter}{row}"{s} t="e"><f>{"" if v > 0 else "-"}1/0</f><v>#DIV/0!</v></c>'
    return f'<c r="{letter}{row}"{s}><v>{v:.16G}</v></c>'


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
