"""Text folding shared by the reader, the checks and the breakdowns.

People type the same value in many ways: full-width letters and brackets from a
Chinese input method, stray spaces, ideographic spaces. Folding makes them equal,
and it runs once per *distinct* value (``pd.factorize``), so a million rows with a
dozen types cost a dozen folds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "cell_text", "column_letter", "fold", "header_key", "map_unique", "numbers_text", "strip_bracketed",
]

_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"\([^)]*\)$")


def fold(value: str) -> str:
    """NFKC-fold (full-width to half-width, ideographic space to space) and trim."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def header_key(value: str) -> str:
    """The comparison key of a header: folded, no spaces at all, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).lower()


def strip_bracketed(key: str) -> str:
    """Drop a trailing ``(…)`` remark, as in 跟进人员(销售人员填写)."""
    return _BRACKETED.sub("", key)


def cell_text(value: Any) -> str:
    """A cell value as the text a person sees; '' for empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def numbers_text(values: np.ndarray) -> np.ndarray:
    """:func:`cell_text` of a column of numbers, vectorised; None where empty (NaN).

    A 序号 column typed as numbers is distinct on every row, so folding per distinct
    value would still be a Python call per row.
    """
    import numpy as np  # on first use: the command line reads the file while pandas loads
    try:
        nums = np.asarray(values).astype(np.float64)
    except OverflowError:  # an integer beyond any float
        return np.array([cell_text(v) or None for v in np.asarray(values).tolist()], dtype=object)
    # Whole numbers below 2**53 convert exactly; the rest (fractions, inf, huge) one by one.
    whole = (np.abs(nums) < 2.0**53) & (nums == np.trunc(nums))
    out = np.full(len(nums), None, dtype=object)
    out[whole] = nums[whole].astype(np.int64).astype(str).tolist()
    rest = ~whole & ~np.isnan(nums)
    out[rest] = [cell_text(v) for v in np.asarray(values, dtype=object)[rest].tolist()]
    return out


def map_unique(values: pd.Series, func: Callable[[Any], Any], dtype: Any = object) -> pd.Series:
    """Apply ``func`` once per distinct value and broadcast the results back.

    Registers repeat their values (types, owners, dates); this turns a per-row
    Python call into a per-value one.
    """
    import numpy as np
    import pandas as pd
    codes, uniques = _factorize(values)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = func(None)
    result = mapped[codes]  # -1 (missing) picks the last slot
    return pd.Series(result, index=values.index, dtype=dtype)


def _factorize(values: Any) -> tuple[Any, Any]:
    """``pd.factorize``, but a TRUE cell stays apart from a 1 and a FALSE from a 0.

    Python counts ``False == 0`` and hashes them alike, so a column mixing flags and
    numbers would read every FALSE as whatever number came first (or the reverse).
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # One C-speed pass: only a column of mixed kinds can hold both a flag and a number.
    if not pd.api.types.infer_dtype(values, skipna=True).startswith("mixed"):
        return codes, uniques
    cells = np.asarray(values, dtype=object)
    flags = np.fromiter((type(v) is bool or isinstance(v, np.bool_) for v in cells), bool,
                        len(cells))
    if not flags.any():
        return codes, uniques
    keys = cells.copy()
    # NUL cannot stand in a spreadsheet cell, so these keys meet no text
    keys[flags] = np.where(cells[flags].astype(bool), "\x00TRUE", "\x00FALSE")
    codes, _ = pd.factorize(keys, use_na_sentinel=True)
    found, first = np.unique(codes, return_index=True)
    return codes, cells[first[found >= 0]]


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
