"""What a register's cells mean: a sheet's cells into columns of canonical fields.

Text trimmed or folded, 序号 as numbers, the 是否结案 flag, 客户(属性) split, dates
parsed; category columns are converted once per distinct value
(:func:`~complaint_xl.register.text.map_unique`), as a million rows demand.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.register.book import Grid
from complaint_xl.register.dates import DateOrder, parse_dates
from complaint_xl.register.header import HeaderMatch
from complaint_xl.register.schema import (
    ALL_FIELDS,
    CLOSURE_ABNORMAL,
    DATE_FIELDS,
    FIELD_NAMES,
    KEY_FIELDS,
    SEVERITY_MAJOR,
    closed_flag,
    closure_kind,
    informed_flag,
    satisfaction_level,
)
from complaint_xl.register.text import cell_text, fold, map_unique, numbers_text

__all__ = ["TOTAL_WORDS", "convert_columns", "sheet_frame"]

TOTAL_WORDS: Final[frozenset[str]] = frozenset(
    w for word in ("合计", "总计", "小计", "共计", "合 计", "合计:", "total", "sum", "subtotal",
                   "grand total", "total:")
    for w in (word, word.title(), word.upper())
)
"""A row whose number, customer, owner or type cell says this is a total, not a complaint."""
_CUSTOMER = re.compile(r"^(?P<name>.*?)\s*\((?P<attr>[^()]*)\)$")
_FIELD_KIND: Final[dict[str, str]] = {f.name: f.kind for f in ALL_FIELDS}
_NUMERIC: Final[frozenset[str]] = frozenset({"floating", "integer", "mixed-integer-float"})


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
        text = cell_text(v)
        flag = closed_flag(text)
        return "?" if flag is None and fold(text) else flag

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


def sheet_frame(name: str, grid: Grid, match: HeaderMatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One sheet's complaints as canonical columns, and its unknown columns as text.

    Dates stay as the cells were (parsed once the sheets are joined, by
    :func:`convert_columns`); blank rows, notes under the table and a 合计 row are dropped.
    """
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


def convert_columns(frame: pd.DataFrame, *, date_order: DateOrder, as_of: dt.date,
                    text_dates: bool) -> pd.DataFrame:
    """Parse the joined sheets' dates and flags and split the customer; a new index from 0.

    ``text_dates`` False (a CSV, where every cell is text) does not note readable
    text dates: only the doubtful ones (no year, ambiguous, unreadable).
    """
    out = frame.reset_index(drop=True)
    for f in DATE_FIELDS:
        raw = out[f]
        days, notes = parse_dates(raw, as_of=as_of, order=date_order)
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
    _lifecycle(out)
    return out


def _lifecycle(out: pd.DataFrame) -> None:
    """满意度 and 结案方式 as the kept values (an unknown one stays as typed, for the checks to
    name); ``is_informed`` (已告知客户 says yes) and ``is_abnormal`` (非正常结案). In place."""
    def kept(read: Any) -> Any:
        return lambda v: (read(v) or v) if isinstance(v, str) else None

    out["satisfaction"] = map_unique(out["satisfaction"], kept(satisfaction_level))
    out["closure_kind"] = map_unique(out["closure_kind"], kept(closure_kind))
    out["is_informed"] = map_unique(
        out["customer_informed"], lambda v: isinstance(v, str) and informed_flag(v)).astype(bool)
    out["is_abnormal"] = out["closure_kind"].eq(CLOSURE_ABNORMAL).to_numpy(dtype=bool)
