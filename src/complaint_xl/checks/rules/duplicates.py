"""Entries made twice, and the running number 序号 (numeric, not repeated within a sheet)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.schema import DUPLICATE_KEY
from complaint_xl.words import template

__all__ = ["duplicate_complaints", "sequence_numbers"]

_KEYS = DUPLICATE_KEY  # one definition of "the same complaint", shared with the reader


def _repeats(ctx: Context, code: str, field: str, keys: pd.DataFrame) -> Hits:
    """Hits where a row of ``keys`` (indexed by frame position) repeats an earlier key, naming it."""
    repeat = keys.duplicated(keep="first").to_numpy()
    group = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    positions = keys.index.to_numpy()
    first = np.full(group.max() + 1 if len(group) else 0, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, group, positions)  # the earliest row of each group
    first_pos = first[group]
    rows = ctx.frame["_row"].to_numpy()[first_pos]
    sheets = ctx.values("_sheet")[first_pos]
    own = ctx.values("_sheet")[positions]
    same, other = template("finding.place.row", ctx.lang), template("finding.place.sheet-row", ctx.lang)
    text = np.array([(same if s == o else other).format(row=r, sheet=s)
                     for r, s, o in zip(rows, sheets, own, strict=True)], dtype=object)
    mask = np.zeros(ctx.n, dtype=bool)
    mask[positions[repeat]] = True
    other_row = np.full(ctx.n, None, dtype=object)
    other_row[positions] = text
    return ctx.hits(code, field, mask, other_row=other_row)


@rule("duplicate-complaint")
def duplicate_complaints(ctx: Context) -> Iterator[Hits]:
    """The same customer, type, problem and raised date as an earlier row.

    Texts are compared as the reader left them (trimmed; category fields folded): a
    second entry is nearly always a copy, and hashing avoids folding every long text.
    """
    if not all(ctx.has_column(k) for k in _KEYS):
        return
    complete = np.logical_and.reduce([ctx.given(k) for k in _KEYS])
    # problem texts rarely repeat: hash them alone first, then the full key where they do
    problem = ctx.frame["problem"]
    candidates = np.flatnonzero(complete & problem.duplicated(keep=False).to_numpy())
    if not len(candidates):
        return
    keys = ctx.frame.iloc[candidates][list(_KEYS)].set_axis(candidates)
    yield _repeats(ctx, "duplicate-complaint", "customer", keys)


@rule("duplicate-seq", "seq-not-number")
def sequence_numbers(ctx: Context) -> Iterator[Hits]:
    """A 序号 that repeats an earlier one on the same sheet, or a stray non-number.

    A column of codes such as INC0000045 is a numbering scheme, not a mistake: only
    when most 序号 are numbers is a non-number flagged.
    """
    if not ctx.has_column("seq"):
        return
    number = ctx.frame["seq__num"]
    given = ctx.given("seq")
    text = given & number.isna().to_numpy()
    if text.sum() * 2 < given.sum():
        yield ctx.hits("seq-not-number", "seq", text)
    filled = np.flatnonzero(given)
    if not _numbers_repeat(ctx, number, filled):
        return
    # 1 and 1.0 are the same number; codes compare as typed
    key = np.where(number.notna().to_numpy(), number.to_numpy(dtype=object), ctx.values("seq"))
    keys = pd.DataFrame({"sheet": ctx.values("_sheet")[filled], "seq": key[filled]}, index=filled)
    if not keys.duplicated().any():
        return
    yield _repeats(ctx, "duplicate-seq", "seq", keys)


def _numbers_repeat(ctx: Context, number: pd.Series, filled: np.ndarray) -> bool:
    """Whether a 序号 may repeat on its sheet: False only when every one is a number, all different.

    Compared as numbers, not as objects one by one: nearly every register has no repeat at all.
    """
    numbers = number.to_numpy()[filled]
    if numbers.dtype.kind not in "iuf" or np.isnan(numbers).any():
        return True
    keys = pd.DataFrame({"seq": numbers})
    if len(ctx.register.sheets) > 1:  # numbering may restart on each sheet
        keys["sheet"] = ctx.codes("_sheet")[0][filled]
    return bool(keys.duplicated().any())
