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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.errors import UnusableFile, UsageError
from complaint_xl.register.book import Book, Grid, gc_paused
from complaint_xl.register.dates import parse_dates
from complaint_xl.register.header import HeaderMatch, NearMiss, find_header, near_misses
from complaint_xl.register.schema import (
    CLOSED_NO,
    CLOSED_YES,
    DATE_FIELDS,
    DUPLICATE_KEY,
    FIELD_NAMES,
    FIELDS,
    KEY_FIELDS,
    SEVERITY_MAJOR,
)
from complaint_xl.register.text import (
    cell_text,
    column_letter,
    fold,
    header_key,
    map_unique,
    numbers_text,
)
from complaint_xl.settings import Settings, sheet_role
from complaint_xl.workdays import Calendar

__all__ = ["HeaderSlip", "Register", "SheetLayout", "read_register"]

TOTAL_WORDS: Final[frozenset[str]] = frozenset(
    w for word in ("合计", "总计", "小计", "共计", "合 计", "合计:", "total", "sum", "subtotal",
                   "grand total", "total:")
    for w in (word, word.title(), word.upper())
)
"""A row whose number, customer, owner or type cell says this is a total, not a complaint."""
_CUSTOMER = re.compile(r"^(?P<name>.*?)\s*\((?P<attr>[^()]*)\)$")
_FIELD_KIND: Final[dict[str, str]] = {f.name: f.kind for f in FIELDS}
_NUMERIC: Final[frozenset[str]] = frozenset({"floating", "integer", "mixed-integer-float"})


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
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
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


def _text(values: np.ndarray, key: bool) -> tuple[np.ndarray, np.ndarray]:
    """Cells as trimmed text (folded for category fields), None for empty; and which are filled.

    Each pass over a million scattered cell objects costs about 0.1 s, so a column is
    read in as few passes as its kind allows: free text (problem, progress) is stripped
    in one pass, trying that first; category columns repeat and are folded once per
    distinct value; numbers (序号) are formatted by numpy.
    """
    if not key:
        try:
            stripped = list(map(str.strip, values))
        except TypeError:  # numbers, dates or flags among the text: per value, below
            pass
        else:
            out = np.empty(len(values), dtype=object)
            out[:] = stripped
            empty = out == ""
            out[empty] = None
            return out, ~empty
    if _numeric(values):
        out = numbers_text(values)
    else:
        def convert(v: Any) -> str | None:
            text = cell_text(v)
            text = fold(text) if key else text.strip()
            return text or None

        out = map_unique(pd.Series(values, dtype=object, copy=False), convert).to_numpy()
    # Cheap here: the values are the few distinct strings just made, not scattered cells.
    return out, out != None  # noqa: E711 (elementwise)


def _numeric(values: np.ndarray) -> bool:
    """Whether a column holds only numbers (a 序号 column typed as numbers)."""
    first = values[0] if len(values) else None
    return isinstance(first, int | float) and not isinstance(first, bool) and \
        pd.api.types.infer_dtype(values, skipna=False) in _NUMERIC


def _seq_numbers(raw: np.ndarray, text: np.ndarray) -> np.ndarray:
    """序号 as numbers, NaN where none: from the cells when they are numbers, else from the text."""
    if _numeric(raw):
        return raw.astype(np.float64)
    return pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(np.float64)


def _closed(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The 是否结案 flag as True/False/None, and the raw text where it is unknown."""
    def convert(v: Any) -> Any:
        text = fold(cell_text(v)).lower()
        if not text:
            return None
        if text in CLOSED_YES:
            return True
        if text in CLOSED_NO:
            return False
        return "?"

    flag = map_unique(values, convert)
    unknown = flag.eq("?").to_numpy()
    raw = np.full(len(values), None, dtype=object)
    raw[unknown] = [cell_text(v) for v in values.to_numpy()[unknown].tolist()]
    return flag.where(~unknown, None), pd.Series(raw, index=values.index, dtype=object)


def _split_customer(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """名称(属性) -> (名称, 属性); full-width brackets were folded already."""
    def split(v: Any) -> tuple[Any, Any]:
        if not isinstance(v, str):
            return v, None
        m = _CUSTOMER.match(v)
        return (m["name"].strip() or v, m["attr"].strip() or None) if m else (v, None)

    # Once per distinct customer, both halves: no Python loop over the rows.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = np.empty(len(uniques) + 1, dtype=object)  # the last slot for an empty cell (-1)
    attrs = np.empty(len(uniques) + 1, dtype=object)
    for i, (name, attr) in enumerate(map(split, [*uniques, None])):
        names[i], attrs[i] = name, attr
    return (pd.Series(names[codes], index=values.index, dtype=object),
            pd.Series(attrs[codes], index=values.index, dtype=object))


def _sheet_frame(name: str, grid: Grid, match: HeaderMatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    start = match.row + 1
    cols = grid.columns(start, [*match.fields.values(), *match.extras.values()])
    n = max(grid.height - start, 0)
    data: dict[str, Any] = {}
    filled = np.zeros(n, dtype=np.int64)
    for f in FIELD_NAMES:
        c = match.fields.get(f)
        if c is None:
            data[f] = np.full(n, None, dtype=object)  # one each: the frame will not copy them
        elif f in DATE_FIELDS:
            data[f] = cols[c]  # parsed after the rows are filtered
            filled += pd.notna(cols[c]) & (cols[c] != "")
        else:
            data[f], has_text = _text(cols[c], f in KEY_FIELDS or _FIELD_KIND[f] != "text")
            if f != "seq":
                filled += has_text
    c = match.fields.get("seq")
    seq_num = np.full(n, np.nan) if c is None else _seq_numbers(cols[c], data["seq"])
    # Object columns: pandas 3 would infer its str dtype, where missing is NaN, not None.
    # Not copied: copying a million cell references touches every cell object again.
    frame = pd.DataFrame(data, dtype=object, copy=False)
    frame["seq__num"] = seq_num
    frame.insert(0, "_row", np.arange(start + 1, start + 1 + n, dtype=np.int64))
    frame.insert(0, "_sheet", name)
    # Blank rows, notes under the table and a 合计 row are not complaints.
    total = np.zeros(n, dtype=bool)
    for f in ("seq", "customer", "owner", "type"):
        total |= frame[f].isin(TOTAL_WORDS).to_numpy(dtype=bool)
    keep = (filled >= 2) & ~total
    extras = pd.DataFrame({h: _text(cols[c], False)[0] for h, c in match.extras.items()},
                          index=frame.index, dtype=object, copy=False)
    if keep.all():  # the usual case: no blank or total rows to drop, nothing to copy
        return frame, extras
    return frame[keep], extras[keep]


def _finish(frame: pd.DataFrame, settings: Settings, calendar: Calendar,
            as_of: dt.date, text_dates: bool) -> pd.DataFrame:
    """Parse dates and flags, split the customer, derive missing deadlines.

    ``text_dates`` False (a CSV, where every cell is text) does not note readable
    text dates: only the doubtful ones (no year, ambiguous, unreadable).
    """
    out = frame.reset_index(drop=True)
    for f in DATE_FIELDS:
        raw = out[f]
        days, notes = parse_dates(raw, as_of=as_of, order=settings.date_order)
        if not text_dates:
            notes = notes.where(notes.ne("text"), None)
        out[f] = days
        out[f"{f}__note"] = notes
        noted = notes.notna().to_numpy()
        raw_text = np.full(len(out), None, dtype=object)
        raw_text[noted] = [cell_text(v) for v in raw.to_numpy()[noted]]
        out[f"{f}__raw"] = pd.Series(raw_text, index=out.index, dtype=object)
    out["closed"], out["closed__raw"] = _closed(out["closed"])
    name, attr = _split_customer(out["customer"])
    out["customer"] = name
    out["customer_attr"] = out["customer_attr"].where(out["customer_attr"].notna(), attr)
    out["is_closed"] = out["closed"].eq(True).to_numpy(dtype=bool) | out["closed_on"].notna()
    out["is_major"] = map_unique(
        out["severity"], lambda v: isinstance(v, str) and v.lower() in SEVERITY_MAJOR
    ).astype(bool)
    out["seq__num"] = out.pop("seq__num")  # made per sheet from the cells; moved to its place
    out["deadline_derived"] = out["deadline"].isna() & out["raised_on"].notna()
    if out["deadline_derived"].any():
        sla = sla_days(out, settings)
        need = out["deadline_derived"].to_numpy()
        derived = calendar.add(out.loc[need, "raised_on"], sla[need])
        out.loc[need, "deadline"] = pd.to_datetime(derived)
    return out


def sla_days(frame: pd.DataFrame, settings: Settings) -> np.ndarray:
    """The SLA in working days for each row: per type, shorter for major complaints."""
    # one dict look-up per distinct type; an empty type (code -1) takes the default in the last slot
    codes, types = pd.factorize(frame["type"], use_na_sentinel=True)
    per_type = [settings.sla_by_type.get(t, settings.sla_days) for t in types]
    base = np.array([*per_type, settings.sla_days], dtype=np.int64)[codes]
    major = frame["is_major"].to_numpy(dtype=bool)
    return np.where(major, np.minimum(base, settings.sla_major_days), base)


def read_register(book: Book, settings: Settings, calendar: Calendar, *, as_of: dt.date,
                  mapping: Mapping[str, str] | None = None,
                  grids: Mapping[str, Grid] | None = None, text_dates: bool = True,
                  sheets: Sequence[str] | None = None) -> Register:
    """Read the sheets that hold the register into one frame, each complaint once.

    ``sheets`` names the sheets to read (``--sheet``), in that order; without it the
    sheets whose headers match are read (see :func:`_candidates`). A complaint that
    appears on two sheets read is kept where it appears first (see
    :func:`_repeated_on_other_sheets`). ``mapping`` (field -> header or column
    letter) wins over the workbook's 列映射 sheet, which wins over the built-in
    synonyms. Raises UnusableFile when no sheet holds a register or a mapped header
    is missing, UsageError for a named sheet that is not there or holds no register.
    """
    mapping = {**settings.mapping, **(mapping or {})}
    grids = grids if grids is not None else {n: book.grid(n) for n in book.sheet_names
                                             if sheet_role(n) is None}
    matches: dict[str, HeaderMatch] = {}
    if sheets:
        for name in _named_sheets(book, grids, sheets):
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
        groups = _candidates(matches, mapping)
    for group in groups:
        for match in group.values():
            for f, header in _mapping_gaps(match, mapping):
                raise UnusableFile("mapping-missing", field=f, header=header, path=str(book.path))
    # Groups equal by their headers: the one holding the most complaints once repeats are dropped
    reads = [_read_sheets(group, grids, settings, calendar, as_of, text_dates) for group in groups]
    read = max(reads, key=lambda r: len(r.frame))  # the first of equals: workbook order
    chosen = read.matches
    left_out = [n for n in matches if n not in chosen] if not sheets else []
    frame, present = read.frame, read.present
    if "customer" in present:
        present |= {"customer_attr"} if frame["customer_attr"].notna().any() else set()
    notes = [*book.notes, *read.notes]
    if len(chosen) > 1 or left_out:
        notes.append(("sheets-read", {**_sheet_list("sheets", list(chosen)),
                                      "rows": f"{len(frame):,}"}))
    if left_out:
        notes.append(("sheets-left-out", _sheet_list("sheets", left_out)))
    slips = _slips(chosen)
    notes += [("header-near-miss", slip.params()) for slip in slips]
    return Register(str(book.path), frame, read.layouts, present, read.extras, notes,
                    near_misses=slips, left_out=left_out)


@dataclass
class _Read:
    """A group of sheets read into one frame, before the register is made of it."""

    matches: dict[str, HeaderMatch]
    frame: pd.DataFrame
    extras: pd.DataFrame
    layouts: list[SheetLayout]
    present: frozenset[str]
    notes: list[tuple[str, dict[str, str]]]


def _read_sheets(chosen: dict[str, HeaderMatch], grids: Mapping[str, Grid], settings: Settings,
                 calendar: Calendar, as_of: dt.date, text_dates: bool) -> _Read:
    """The sheets' rows in one frame, a complaint repeated on a later sheet dropped."""
    frames, extra_frames, layouts = [], [], []
    with gc_paused():  # a frame of every cell: no cycles to collect while it is built
        for name, match in chosen.items():
            frame, extras = _sheet_frame(name, grids[name], match)
            frames.append(frame)
            extra_frames.append(extras)
            layouts.append(SheetLayout(
                name=name,
                header_row=match.row + 1,
                columns={f: (column_letter(c), match.headers.get(c, "")) for f, c in
                         match.fields.items()},
                extras={h: column_letter(c) for h, c in match.extras.items()},
            ))
        frame = _finish(pd.concat(frames, ignore_index=True), settings, calendar, as_of, text_dates)
    extras = pd.concat(extra_frames, ignore_index=True) if extra_frames else pd.DataFrame()
    if len(extra_frames) > 1 and extras.isna().any().any():  # sheets with other extra columns
        extras = extras.astype(object).where(extras.notna(), None)
    present = frozenset(f for m in chosen.values() for f in m.fields)
    keep, notes = _repeated_on_other_sheets(frame, list(chosen), [len(f) for f in frames], present)
    if notes:
        frame = frame[keep].reset_index(drop=True)
        extras = extras[keep]
    return _Read(chosen, frame, extras.reset_index(drop=True), layouts, present, notes)


def _named_sheets(book: Book, grids: Mapping[str, Grid], names: Sequence[str]) -> list[str]:
    """The sheets ``--sheet`` names, as the workbook spells them (folded names match too)."""
    known = list(book.sheet_names)
    by_key: dict[str, list[str]] = {}
    for n in known:
        by_key.setdefault(header_key(n), []).append(n)
    out: list[str] = []
    for wanted in names:
        found = wanted if wanted in known else None
        if found is None and len(by_key.get(header_key(wanted), [])) == 1:
            found = by_key[header_key(wanted)][0]
        if found is None:
            raise UsageError("sheet-unknown", path=str(book.path), sheet=wanted,
                             **_sheet_list("sheets", known))
        if found not in grids:  # a settings or output sheet
            raise UsageError("sheet-no-register", sheet=found)
        if found not in out:
            out.append(found)
    return out


def _signature(match: HeaderMatch) -> frozenset[tuple[str, int, str]]:
    """What two sheets must share to be one register: each field, its column, its folded header."""
    return frozenset((f, c, header_key(match.headers.get(c, ""))) for f, c in match.fields.items())


def _candidates(matches: dict[str, HeaderMatch], mapping: Mapping[str, str]
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
        return not _mapping_gaps(first, mapping), len(first.fields)

    best = max(map(rank, groups.values()))
    return [g for g in groups.values() if rank(g) == best]


def _mapping_gaps(match: HeaderMatch, mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field, header) of each mapping entry the sheet's header does not have."""
    gaps = []
    for f, header in mapping.items():
        col = match.fields.get(f)
        found = col is not None and (header_key(match.headers.get(col, "")) == header_key(header)
                                     or header == column_letter(col))
        if not found:
            gaps.append((f, header))
    return gaps


def _repeated_on_other_sheets(frame: pd.DataFrame, names: Sequence[str], counts: Sequence[int],
                              present: frozenset[str]
                              ) -> tuple[np.ndarray, list[tuple[str, dict[str, str]]]]:
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
    labels = {f.name: (f.zh.split("(")[0], f.en.lower()) for f in FIELDS}
    notes = []
    excel_rows = frame["_row"].to_numpy()[rows]
    for s in np.unique(sheet_no[rows][later]):
        mine = later & (sheet_no[rows] == s)
        others = [str(names[i]) for i in np.unique(first[group[mine]])]
        shown = [str(r) for r in np.sort(excel_rows[mine])[:_ROWS_SHOWN]]
        notes.append(("sheets-repeated", {
            "sheet": str(names[s]), "count": f"{int(mine.sum()):,}",
            "rows": "、".join(shown) + ("…" if mine.sum() > _ROWS_SHOWN else ""),
            "rows_en": ", ".join(shown) + ("…" if mine.sum() > _ROWS_SHOWN else ""),
            **_sheet_list("others", others),
            "fields": "、".join(labels[k][0] for k in keys),
            "fields_en": ", ".join(labels[k][1] for k in keys),
        }))
    return keep, notes


_ROWS_SHOWN: Final[int] = 10
"""Rows a repeat warning lists by number; the count says how many there are."""


def _sheet_list(param: str, names: Sequence[str]) -> dict[str, str]:
    """Sheet names for a message, as each language lists them: “1月”、“2月” / '1月', '2月'."""
    return {param: "、".join(f"“{n}”" for n in names),
            f"{param}_en": ", ".join(f"'{n}'" for n in names)}


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

    def params(self) -> dict[str, str]:
        zh, en = _LABELS[self.field]
        return {"field": self.field, "header": self.header, "name": self.name,
                "column": self.column, "label": zh, "label_en": en,
                **_sheet_list("sheets", self.sheets)}


_LABELS: Final[dict[str, tuple[str, str]]] = {f.name: (f.zh, f.en) for f in FIELDS}


def _slips(chosen: Mapping[str, HeaderMatch]) -> list[HeaderSlip]:
    """The near-miss headers of the sheets read, each told once with the sheets it is on."""
    found: dict[tuple[str, str], tuple[NearMiss, list[str]]] = {}
    for name, match in chosen.items():
        for miss in near_misses(match):
            key = (miss.field, header_key(miss.header))
            found.setdefault(key, (miss, []))[1].append(name)
    return [HeaderSlip(m.field, m.header.strip(), m.name, column_letter(m.column), tuple(sheets))
            for m, sheets in found.values()]
