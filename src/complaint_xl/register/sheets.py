"""Which sheets of a workbook hold the register, and what reading them together means.

A register may be split over sheets (one per month or district) or sit beside a
summary sheet of another shape; ``--sheet`` may name them. Sheets are read as one
when their headers match (:func:`candidates`), a complaint repeated on a later sheet
counts once (:func:`repeated_on_other_sheets`), and a header that looks like a
misspelt field name is told once for all the sheets it is on (:func:`slips`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.errors import UsageError
from complaint_xl.register.header import HeaderMatch, NearMiss, near_misses
from complaint_xl.register.schema import DUPLICATE_KEY
from complaint_xl.register.text import column_letter, header_key
from complaint_xl.words import Listing, Phrase, listing, phrase

__all__ = [
    "HeaderSlip",
    "candidates",
    "mapping_gaps",
    "named_sheets",
    "repeated_on_other_sheets",
    "sheet_list",
    "slips",
]


def named_sheets(path: str, known: Sequence[str], readable: Collection[str],
                 names: Sequence[str]) -> list[str]:
    """The sheets ``--sheet`` names, as the workbook spells them (folded names match too).

    ``known`` are the workbook's sheets, ``readable`` those that may hold a register.
    """
    known = list(known)
    by_key: dict[str, list[str]] = {}
    for n in known:
        by_key.setdefault(header_key(n), []).append(n)
    out: list[str] = []
    for wanted in names:
        found = wanted if wanted in known else None
        if found is None and len(by_key.get(header_key(wanted), [])) == 1:
            found = by_key[header_key(wanted)][0]
        if found is None:
            raise UsageError("sheet-unknown", path=path, sheet=wanted, sheets=sheet_list(known))
        if found not in readable:  # a settings or output sheet
            raise UsageError("sheet-no-register", sheet=found)
        if found not in out:
            out.append(found)
    return out


def _signature(match: HeaderMatch) -> frozenset[tuple[str, int, str]]:
    """What two sheets must share to be one register: each field, its column, its folded header."""
    return frozenset((f, c, header_key(match.headers.get(c, ""))) for f, c in match.fields.items())


def candidates(matches: dict[str, HeaderMatch], mapping: Mapping[str, str]
               ) -> list[dict[str, HeaderMatch]]:
    """The groups of sheets that may be the register when none is named; usually one.

    Sheets are one register when their headers have the same fields in the same
    columns under the same header texts (after folding: full-width, spaces, case);
    title rows above the header and unknown extra columns may differ. Of several
    groups, those that have every ``--map`` header come first, then those with the
    most fields; of the groups left, the caller reads the one with the most
    complaints. A summary sheet with its own header and the monthly or district
    sheets it summarises are never added up.
    """
    groups: dict[frozenset[tuple[str, int, str]], dict[str, HeaderMatch]] = {}
    for name, match in matches.items():
        groups.setdefault(_signature(match), {})[name] = match

    def rank(group: dict[str, HeaderMatch]) -> tuple[bool, int]:
        first = next(iter(group.values()))
        return not mapping_gaps(first, mapping), len(first.fields)

    best = max(map(rank, groups.values()))
    return [g for g in groups.values() if rank(g) == best]


def mapping_gaps(match: HeaderMatch, mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field, header) of each mapping entry the sheet's header does not have."""
    gaps = []
    for f, header in mapping.items():
        col = match.fields.get(f)
        found = col is not None and (header_key(match.headers.get(col, "")) == header_key(header)
                                     or header == column_letter(col))
        if not found:
            gaps.append((f, header))
    return gaps


def repeated_on_other_sheets(frame: pd.DataFrame, names: Sequence[str], counts: Sequence[int],
                             present: frozenset[str]
                             ) -> tuple[np.ndarray, list[tuple[str, dict[str, Any]]]]:
    """Rows repeating a complaint of an earlier sheet read: which to keep, and a note per sheet.

    A complaint is what :data:`DUPLICATE_KEY` says (customer, type, problem, raised
    date: the duplicate-complaint check's definition), of the fields the sheets have;
    at least three of them, the problem among them, and each filled, or nothing is
    dropped. Repeats within one sheet are kept: the check reports those.
    """
    keep = np.ones(len(frame), dtype=bool)
    keys = [k for k in DUPLICATE_KEY if k in present]
    if len(counts) < 2 or "problem" not in keys or len(keys) < 3:
        return keep, []
    sheet_no = np.repeat(np.arange(len(counts)), counts)
    complete = np.logical_and.reduce([frame[k].notna().to_numpy() for k in keys])
    # problem texts rarely repeat: only rows whose problem text does are compared in full
    rows = np.flatnonzero(complete & frame["problem"].duplicated(keep=False).to_numpy())
    if not len(rows):
        return keep, []
    group = frame.iloc[rows][keys].groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first = np.full(group.max() + 1, len(counts), dtype=np.int64)
    np.minimum.at(first, group, sheet_no[rows])  # the first sheet holding each complaint
    later = sheet_no[rows] > first[group]
    if not later.any():
        return keep, []
    keep[rows[later]] = False
    fields = listing(phrase(f"field-word.{k}") for k in keys)
    notes = []
    excel_rows = frame["_row"].to_numpy()[rows]
    for s in np.unique(sheet_no[rows][later]):
        mine = later & (sheet_no[rows] == s)
        others = [str(names[i]) for i in np.unique(first[group[mine]])]
        shown = [str(r) for r in np.sort(excel_rows[mine])[:_ROWS_SHOWN]]
        notes.append(("sheets-repeated", {
            "sheet": str(names[s]), "count": f"{int(mine.sum()):,}",
            "rows": listing(shown, more="list.cut" if mine.sum() > _ROWS_SHOWN else ""),
            "others": sheet_list(others), "fields": fields,
        }))
    return keep, notes


_ROWS_SHOWN: Final[int] = 10
"""Rows a repeat warning lists by number; the count says how many there are."""


def sheet_list(names: Sequence[str]) -> Listing:
    """Sheet names for a message, as the reader's language lists them: “1月”、“2月” / '1月', '2月'."""
    return listing(names, item="list.sheet")


@dataclass(frozen=True, slots=True)
class HeaderSlip:
    """A header that looks like a misspelt field name, on the sheets read (see ``near_misses``)."""

    field: str
    header: str
    name: str
    """The field's name it resembles."""
    column: str
    """Its column letter on the first sheet."""
    sheets: tuple[str, ...]

    def params(self) -> dict[str, str | Phrase | Listing]:
        """The parameters of the ``header-near-miss`` note."""
        return {"field": self.field, "header": self.header, "name": self.name,
                "column": self.column, "label": phrase(f"field.{self.field}"),
                "sheets": sheet_list(self.sheets)}


def slips(chosen: Mapping[str, HeaderMatch]) -> list[HeaderSlip]:
    """The near-miss headers of the sheets read, each told once with the sheets it is on."""
    found: dict[tuple[str, str], tuple[NearMiss, list[str]]] = {}
    for name, match in chosen.items():
        for miss in near_misses(match):
            key = (miss.field, header_key(miss.header))
            found.setdefault(key, (miss, []))[1].append(name)
    return [HeaderSlip(m.field, m.header.strip(), m.name, column_letter(m.column), tuple(sheets))
            for m, sheets in found.values()]
