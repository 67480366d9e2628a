"""What every rule sees (the register frame, settings, today) and what it returns (hits).

A rule looks at whole columns and returns :class:`Hits`: one code, one field and the
positions of the rows it flags, with per-row parameters for the message. Turning
hits into located, worded findings is done once, in :mod:`complaint_xl.checks.engine`,
so a rule is only the test that defines it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from complaint_xl.checks.catalogue import Lang
from complaint_xl.checks.chars import Chars
from complaint_xl.deadlines import EffectiveDeadlines, effective_deadlines
from complaint_xl.register.dates import ERROR_VALUES
from complaint_xl.register.reader import Register
from complaint_xl.register.schema import DATE_FIELDS
from complaint_xl.settings import Settings
from complaint_xl.words import say
from complaint_xl.workdays import Calendar

__all__ = ["ERROR_TEXTS", "Context", "Hits", "Place", "Texts", "iso"]

ERROR_TEXTS: Final[frozenset[str]] = ERROR_VALUES | {f"Err:{i:03d}" for i in range(1000)}
"""Every text :func:`~complaint_xl.register.dates.is_error_value` accepts, for hash look-ups."""
_ERROR_LONGEST: Final[int] = max(map(len, ERROR_TEXTS))
_ERROR_FIRST: Final[np.ndarray] = np.array(sorted({ord(t[0]) for t in ERROR_TEXTS}))


class Texts(NamedTuple):
    """The cells of a column that hold text."""

    at: np.ndarray
    """Their positions in the register frame."""
    texts: list[str]
    """What they say, in that order."""
    chars: Chars
    """Their code points, for tests over the whole column at once."""


@dataclass
class Place:
    """Explicit locations, for findings that are not about a register row (settings)."""

    sheet: list[str]
    row: list[int]
    column: list[str]
    header: list[str]


@dataclass
class Hits:
    """Rows one rule flags with one code on one field."""

    code: str
    field: str
    index: np.ndarray
    """Positions (not labels) in the register frame; empty when ``place`` is given."""
    value: np.ndarray
    """The offending value per hit, as text (None when the cell is empty)."""
    params: dict[str, Any] = field(default_factory=dict)
    """Message parameters: a scalar, or one value per hit; a Phrase is said in the run's language."""
    variant: str | np.ndarray = ""
    place: Place | None = None

    def __len__(self) -> int:
        return len(self.place.row) if self.place is not None else len(self.index)


def _other_missing(values: np.ndarray) -> bool:
    """An object array holds NaN, NaT or pd.NA (pandas' missing markers besides None).

    Only those differ from themselves; pd.NA even refuses to say, which counts as yes.
    """
    try:
        return bool(np.not_equal(values, values).any())
    except (TypeError, ValueError):
        return True


def iso(days: np.ndarray) -> np.ndarray:
    """Dates as 'YYYY-MM-DD' text (None for NaT), vectorised."""
    d = np.asarray(days).astype("datetime64[D]")
    out = np.datetime_as_string(d).astype(object)
    out[np.isnat(d)] = None
    return out


class Context:
    """The register under check, with cached column views the rules share."""

    def __init__(self, register: Register, settings: Settings, as_of: dt.date,
                 calendar: Calendar, lang: Lang) -> None:
        self.register = register
        self.settings = settings
        self.as_of = as_of
        self.calendar = calendar
        self.lang: Lang = lang
        self.frame = register.frame
        self.n = len(register.frame)
        # Fields a sheet has a column for (customer_attr split out of 客户(属性) has none).
        self.columns = frozenset(f for layout in register.sheets for f in layout.columns)
        self.today = np.datetime64(as_of, "ns")
        self._values: dict[str, np.ndarray] = {}
        self._errors: dict[str, np.ndarray] = {}
        self._missing: dict[str, np.ndarray] = {}
        self._codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._filled: set[str] = set()
        self._texts: dict[str, Texts] = {}
        self._effective: EffectiveDeadlines | None = None

    # -- column views ------------------------------------------------------------------

    def values(self, name: str) -> np.ndarray:
        """A column as a read-only object array, None where empty."""
        if name not in self._values:
            column = self.frame[name]
            # the reader leaves None in empty text cells: then the frame's own array will do
            found = column.to_numpy(dtype=object) if column.dtype == object else None
            if found is not None and pd.api.types.infer_dtype(found, skipna=False) == "string":
                self._filled.add(name)  # text in every cell, as in most required columns
            elif found is None or _other_missing(found):
                found = column.to_numpy(dtype=object, na_value=None)
            found = found.view()
            found.flags.writeable = False
            self._values[name] = found
        return self._values[name]

    def texts(self, name: str) -> Texts:
        """The cells of a column that hold text, for rules that look at their characters."""
        if name not in self._texts:
            values = self.values(name)
            if name in self._filled:
                at = np.arange(self.n)
            elif pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
                at = np.flatnonzero(~self._none(name))  # one C pass instead of isinstance per cell
            else:
                at = np.flatnonzero([isinstance(v, str) for v in values])
            texts = values[at].tolist()
            self._texts[name] = Texts(at, texts, Chars.of(texts))
        return self._texts[name]

    def map_values(self, name: str, func: Callable[[Any], Any], dtype: Any = object) -> np.ndarray:
        """``func`` applied once per distinct value of a column (None for empty cells)."""
        codes, uniques = self.codes(name)
        mapped = np.empty(len(uniques) + 1, dtype=object)
        mapped[:-1] = [func(u) for u in uniques]
        mapped[-1] = func(None)
        return mapped.astype(dtype)[codes]  # -1 (empty) picks the last slot

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes (-1 where empty) and distinct values of a column, found once for all rules."""
        if name not in self._codes:
            values = self.values(name)
            if name in self._filled:
                self._codes[name] = pd.factorize(values)
            else:  # only the filled cells: a mostly empty column (the date notes) costs little
                filled = np.flatnonzero(~np.equal(values, None))
                codes = np.full(self.n, -1, dtype=np.intp)
                codes[filled], uniques = pd.factorize(values[filled])
                self._codes[name] = codes, uniques
        return self._codes[name]

    def noted(self, name: str, note: str) -> np.ndarray:
        """The reader's note on a date cell is ``note`` (found from the codes: notes are few)."""
        codes, notes = self.codes(f"{name}__note")
        return np.isin(codes, np.flatnonzero(notes == note))

    def dates(self, name: str) -> np.ndarray:
        """A date field as datetime64[ns] (NaT where empty or unreadable)."""
        return self.frame[name].to_numpy(dtype="datetime64[ns]")

    def error(self, name: str) -> np.ndarray:
        """The cell holds an Excel error value (#N/A, #REF!, Err:502 …)."""
        if name not in self._errors:
            source = "closed__raw" if name == "closed" else name
            if name in DATE_FIELDS:
                found = self.noted(name, "error")
            elif source in self._codes:  # a column a rule mapped already: its codes answer too
                codes, uniques = self.codes(source)
                found = np.array([*(u in ERROR_TEXTS for u in uniques), False])[codes]
            elif source in self._texts:  # laid out already: look up only what is short and starts so
                at, texts, chars = self._texts[source]
                maybe = np.flatnonzero((chars.length > 0) & (chars.length <= _ERROR_LONGEST))
                maybe = maybe[np.isin(chars.points[chars.start[maybe]], _ERROR_FIRST)]
                found = np.zeros(self.n, dtype=bool)
                found[at[maybe]] = [texts[i] in ERROR_TEXTS for i in maybe]
            else:  # a hash look-up per cell: no Python call per row, even for long texts
                found = self.frame[source].isin(ERROR_TEXTS).to_numpy(dtype=bool)
            self._errors[name] = found
        return self._errors[name]

    def missing(self, name: str) -> np.ndarray:
        """The cell is empty (an error value or unreadable text is not empty)."""
        if name not in self._missing:
            if name in DATE_FIELDS:
                empty = ~self._typed(name) & (self.codes(f"{name}__note")[0] < 0)
            elif name == "closed":
                empty = self._none("closed") & self._none("closed__raw")
            else:
                empty = self._none(name)
            self._missing[name] = empty
        return self._missing[name]

    def _none(self, name: str) -> np.ndarray:
        if name in self._codes:  # a column a rule mapped already: its codes answer too
            return self.codes(name)[0] < 0
        values = self.values(name)
        if name in self._filled:
            return np.zeros(self.n, dtype=bool)
        # on the cached object array: isna on pandas' string dtype is several times slower
        return np.equal(values, None)

    def sla(self) -> np.ndarray:
        """The SLA in working days of each row (per type, shorter for major complaints and,
        where the team set one, for key accounts)."""
        return self.effective().sla

    def effective(self) -> EffectiveDeadlines:
        """Each row's deadlines after the key accounts' SLA, pauses and extensions (made once)."""
        if self._effective is None:
            self._effective = effective_deadlines(self.frame, self.settings, self.calendar,
                                                  self.as_of)
        return self._effective

    def given(self, name: str) -> np.ndarray:
        """The cell holds a usable value: not empty, not an error (dates: readable)."""
        if name in DATE_FIELDS:
            return self._typed(name)
        return ~self.missing(name) & ~self.error(name)

    def _typed(self, name: str) -> np.ndarray:
        """A date was read from the cell (a deadline derived from the SLA was not typed)."""
        typed = self.frame[name].notna().to_numpy()
        if name == "deadline":
            typed = typed & ~self.frame["deadline_derived"].to_numpy(dtype=bool)
        return typed

    def has_column(self, name: str) -> bool:
        return name in self.columns

    def shown(self, name: str, index: np.ndarray) -> np.ndarray:
        """The cells at ``index`` as the user sees them (text; dates as typed or ISO)."""
        if name in DATE_FIELDS:
            raw = self.cells(f"{name}__raw", index)
            # a deadline derived from the SLA is not in the cell
            days = np.where(self._typed(name)[index], iso(self.dates(name)[index]), None)
            return np.where(pd.isna(raw), days, raw).astype(object)
        if name == "closed":
            raw = self.cells("closed__raw", index)
            flag = self.cells("closed", index)
            yes, no = say("flag.yes", self.lang), say("flag.no", self.lang)
            words = np.where(flag == True, yes, np.where(flag == False, no, None))  # noqa: E712
            return np.where(pd.isna(raw), words, raw).astype(object)
        vals = self.cells(name, index)
        return np.array([None if v is None else str(v) for v in vals], dtype=object)

    def cells(self, name: str, index: np.ndarray) -> np.ndarray:
        """:meth:`values` at ``index``, without converting the whole column for a few hits."""
        if name in self._values:
            return self._values[name][index]
        return self.frame[name].iloc[index].to_numpy(dtype=object, na_value=None)

    # -- building hits -------------------------------------------------------------------

    def hits(self, code: str, name: str, mask: np.ndarray, *, value: Any = None,
             variant: Any = "", **params: Any) -> Hits:
        """Hits for the rows where ``mask`` is true; full-length arrays are cut to them."""
        index = np.flatnonzero(mask)
        cut = {k: self._cut(v, index) for k, v in params.items()}
        if value is not None:
            shown = self._cut(value, index)
        else:  # most rules flag no row at all
            shown = self.shown(name, index) if len(index) else np.empty(0, dtype=object)
        return Hits(code, name, index, np.asarray(shown, dtype=object), cut,
                    self._cut(variant, index))

    def _cut(self, value: Any, index: np.ndarray) -> Any:
        if isinstance(value, np.ndarray | pd.Series) and len(value) == self.n:
            cut = np.asarray(value)[index]
            # dates become text only for the rows flagged
            return iso(cut) if cut.dtype.kind == "M" else cut.astype(object)
        return value
