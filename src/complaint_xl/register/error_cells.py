"""Excel error cells (#N/A, #REF! …), which python-calamine reads as empty.

A lookup formula that fails is something the checks must report, not a blank
cell, so the sheet's XML is searched for them beside the parse. Most sheets hold
none: each inflated chunk is searched once and nothing is copied, so the scan
costs little more than zlib (which releases the GIL).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Final

__all__ = ["SCAN_CHUNK", "ods_error_cells", "xlsx_error_cells"]

SCAN_CHUNK: Final[int] = 8 << 20
"""Bytes of sheet XML inflated and searched at a time."""

_ERROR_CELL = re.compile(
    rb'<c\b(?=[^>]*\bt="e")[^>]*\br="(?P<ref>[A-Z]+\d+)"[^>]*>'
    rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>(?P<v>[^<]*)</v>"
)
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_ERROR_ATTR = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")


def xlsx_error_cells(path: Path, member: str) -> dict[tuple[int, int], str]:
    """Error cells of one .xlsx sheet (its XML part ``member``): (row, col) -> the error's text."""
    found: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
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


def ods_error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
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


def _split_ref(ref: str) -> tuple[int, int]:
    """'B12' -> (col 1, row 11), both 0-based."""
    i = 0
    col = 0
    while ref[i].isalpha():
        col = col * 26 + ord(ref[i]) - 64
        i += 1
    return col - 1, int(ref[i:]) - 1
