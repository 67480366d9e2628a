"""Reading a register into one DataFrame with the canonical fields.

The frame has one row per complaint and a fixed set of columns, whatever the
sheet looked like, so the checks, the chase and the KPIs never ask which columns
exist:

- every field of :data:`~complaint_xl.register.schema.FIELDS` (None/NaT where the
  sheet lacks it; :attr:`Register.present` says which it has);
- ``_sheet`` and ``_row``: where the row is, as the user sees it in Excel;
- for each date field, ``<field>__note`` (how the cell was read, see
  :func:`~complaint_xl.register.dates.parse_date`) and ``<field>__raw`` (the text
  of the cell where it was not a clean date);
- ``closed`` (True/False/None as written), ``closed__raw``, ``is_closed`` (the
  flag says yes or a closing date is present), ``is_major``, ``seq__num``,
  ``deadline_derived`` (the deadline came from the SLA setting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from complaint_xl import speed
from complaint_xl.errors import UnusableFile, UsageError
from complaint_xl.register.book import Book, Grid
from complaint_xl.register.columns import convert_columns, sheet_frame
from complaint_xl.register.header import HeaderMatch, find_header
from complaint_xl.register.options import ReadOptions, SlaRules
from complaint_xl.register.roles import sheet_role
from complaint_xl.register.sheets import (
    HeaderSlip,
    candidates,
    mapping_gaps,
    named_sheets,
    repeated_on_other_sheets,
    sheet_list,
    slips,
)
from complaint_xl.register.text import column_letter

if TYPE_CHECKING:
    from complaint_xl.workdays import Calendar

__all__ = ["Register", "SheetLayout", "read_register", "sla_days"]


@dataclass
class SheetLayout:
    """Where one sheet's register sits: its header row and its columns."""

    name: str
    header_row: int
    """The Excel row number of the header (1-based)."""
    columns: dict[str, tuple[str, str]]
    """Field -> (column letter, header as written)."""
    extras: dict[str, str] = field(default_factory=dict)
    """Header of an unknown column -> its letter."""


@dataclass
class Register:
    """A register read from a file: the frame, and how its sheets were laid out."""

    path: str
    frame: pd.DataFrame
    sheets: list[SheetLayout]
    present: frozenset[str]
    """Fields that some sheet has a column for."""
    extras: pd.DataFrame
    """Unknown columns, kept as text on the same index as ``frame``."""
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(message key, params) for the user: a lock file, the sheets read, repeats, near misses."""
    near_misses: list[HeaderSlip] = field(default_factory=list)
    """Headers that look like a misspelt name of a field the sheets lack."""
    left_out: list[str] = field(default_factory=list)
    """Sheets with a register header of another shape, not read (``--sheet`` reads them)."""

    def __len__(self) -> int:
        return len(self.frame)

    def place(self, sheet: str, field_name: str) -> tuple[str, str]:
        """(column letter, header) of a field on a sheet; ('', '') if it has none."""
        for layout in self.sheets:
            if layout.name == sheet:
                return layout.columns.get(field_name, ("", ""))
        return "", ""


def sla_days(frame: pd.DataFrame, rules: SlaRules) -> np.ndarray:
    """The SLA in working days for each row: per type, shorter for major complaints.

    ``rules`` is the team's Settings or the reader's ReadOptions: both carry the SLAs.
    """
    # one dict look-up per distinct type; an empty type (code -1) takes the default in the last slot
    codes, types = pd.factorize(frame["type"], use_na_sentinel=True)
    per_type = [rules.sla_by_type.get(t, rules.sla_days) for t in types]
    base = np.array([*per_type, rules.sla_days], dtype=np.int64)[codes]
    major = frame["is_major"].to_numpy(dtype=bool)
    return np.where(major, np.minimum(base, rules.sla_major_days), base)


def _derive_deadlines(frame: pd.DataFrame, options: ReadOptions, calendar: Calendar) -> None:
    """Fill each missing deadline from the SLA (in place); ``deadline_derived`` says which."""
    frame["deadline_derived"] = frame["deadline"].isna() & frame["raised_on"].notna()
    if frame["deadline_derived"].any():
        sla = sla_days(frame, options)
        need = frame["deadline_derived"].to_numpy()
        derived = calendar.add(frame.loc[need, "raised_on"], sla[need])
        frame.loc[need, "deadline"] = pd.to_datetime(derived)


def read_register(book: Book, options: ReadOptions, calendar: Calendar, *, as_of: dt.date,
                  mapping: Mapping[str, str] | None = None,
                  grids: Mapping[str, Grid] | None = None, text_dates: bool = True,
                  sheets: Sequence[str] | None = None) -> Register:
    """Read the sheets that hold the register into one frame, each complaint once.

    ``sheets`` names the sheets to read (``--sheet``), in that order; without it the
    sheets whose headers match are read (see :func:`~.sheets.candidates`). A complaint
    that appears on two sheets read is kept where it appears first (see
    :func:`~.sheets.repeated_on_other_sheets`). ``mapping`` (field -> header or column
    letter) wins over the workbook's 列映射 sheet (``options.mapping``), which wins over
    the built-in synonyms. ``options`` are the settings the reading depends on
    (:meth:`complaint_xl.settings.Settings.read_options`).

    Raises UnusableFile when no sheet holds a register or a mapped header is missing,
    UsageError for a named sheet that is not there or holds no register.
    """
    mapping = {**options.mapping, **(mapping or {})}
    grids = grids if grids is not None else {n: book.grid(n) for n in book.sheet_names
                                             if sheet_role(n) is None}
    matches: dict[str, HeaderMatch] = {}
    if sheets:
        for name in named_sheets(str(book.path), book.sheet_names, grids, sheets):
            match = find_header(grids[name].head(), mapping)
            if match is None:
                raise UsageError("sheet-no-register", sheet=name)
            matches[name] = match
        groups = [matches]
    else:
        for name, grid in grids.items():
            if sheet_role(name) is not None:
                continue
            match = find_header(grid.head(), mapping)
            if match is not None:
                matches[name] = match
        if not matches:
            raise UnusableFile("no-register", path=str(book.path))
        groups = candidates(matches, mapping)
    for group in groups:
        for match in group.values():
            for f, header in mapping_gaps(match, mapping):
                raise UnusableFile("mapping-missing", field=f, header=header, path=str(book.path))
    # Groups equal by their headers: the one holding the most complaints once repeats are dropped
    reads = [_read_sheets(group, grids, options, calendar, as_of, text_dates) for group in groups]
    read = max(reads, key=lambda r: len(r.frame))  # the first of equals: workbook order
    chosen = read.matches
    left_out = [n for n in matches if n not in chosen] if not sheets else []
    frame, present = read.frame, read.present
    if "customer" in present:
        present |= {"customer_attr"} if frame["customer_attr"].notna().any() else set()
    notes = [*book.notes, *read.notes]
    if len(chosen) > 1 or left_out:
        notes.append(("sheets-read", {"sheets": sheet_list(list(chosen)), "rows": f"{len(frame):,}"}))
    if left_out:
        notes.append(("sheets-left-out", {"sheets": sheet_list(left_out)}))
    near = slips(chosen)
    notes += [("header-near-miss", slip.params()) for slip in near]
    return Register(str(book.path), frame, read.layouts, present, read.extras, notes,
                    near_misses=near, left_out=left_out)


@dataclass
class _Read:
    """A group of sheets read into one frame, before the register is made of it."""

    matches: dict[str, HeaderMatch]
    frame: pd.DataFrame
    extras: pd.DataFrame
    layouts: list[SheetLayout]
    present: frozenset[str]
    notes: list[tuple[str, dict[str, Any]]]


def _read_sheets(chosen: dict[str, HeaderMatch], grids: Mapping[str, Grid], options: ReadOptions,
                 calendar: Calendar, as_of: dt.date, text_dates: bool) -> _Read:
    """The sheets' rows in one frame, a complaint repeated on a later sheet dropped."""
    frames, extra_frames, layouts = [], [], []
    with speed.gc_paused():  # a frame of every cell: no cycles to collect while it is built
        for name, match in chosen.items():
            frame, extras = sheet_frame(name, grids[name], match)
            frames.append(frame)
            extra_frames.append(extras)
            layouts.append(SheetLayout(
                name=name,
                header_row=match.row + 1,
                columns={f: (column_letter(c), match.headers.get(c, "")) for f, c in
                         match.fields.items()},
                extras={h: column_letter(c) for h, c in match.extras.items()},
            ))
        frame = convert_columns(pd.concat(frames, ignore_index=True), date_order=options.date_order,
                                as_of=as_of, text_dates=text_dates)
        _derive_deadlines(frame, options, calendar)
    extras = pd.concat(extra_frames, ignore_index=True) if extra_frames else pd.DataFrame()
    if len(extra_frames) > 1 and extras.isna().any().any():  # sheets with other extra columns
        extras = extras.astype(object).where(extras.notna(), None)
    present = frozenset(f for m in chosen.values() for f in m.fields)
    keep, notes = repeated_on_other_sheets(frame, list(chosen), [len(f) for f in frames], present)
    if notes:
        frame = frame[keep].reset_index(drop=True)
        extras = extras[keep]
    return _Read(chosen, frame, extras.reset_index(drop=True), layouts, present, notes)
