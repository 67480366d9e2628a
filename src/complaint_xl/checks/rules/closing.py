"""Closed rows must say how they ended; the 是否结案 flag must be readable and agree."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.schema import EFFECT_INEFFECTIVE
from complaint_xl.register.text import fold

__all__ = ["closed_flag", "closed_rows"]


@rule("closed-without-summary", "closed-without-date", "closed-without-effect",
      "closed-but-ineffective")
def closed_rows(ctx: Context) -> Iterator[Hits]:
    """A closed complaint without its closing note, date or effect, or closed as ineffective."""
    closed = ctx.frame["is_closed"].to_numpy(dtype=bool)
    if not closed.any():
        return
    # sheets without a column are not asked for it row by row
    if ctx.has_column("summary"):
        yield ctx.hits("closed-without-summary", "summary", closed & ctx.missing("summary"))
    if ctx.has_column("closed_on"):
        yield ctx.hits("closed-without-date", "closed_on", closed & ctx.missing("closed_on"))
    if ctx.has_column("effect"):
        yield ctx.hits("closed-without-effect", "effect", closed & ctx.missing("effect"))
        ineffective = ctx.map_values(
            "effect", lambda v: isinstance(v, str) and fold(v).casefold() in EFFECT_INEFFECTIVE, bool)
        # a new corrective action written down answers it (the lifecycle's 新措施 column)
        yield ctx.hits("closed-but-ineffective", "effect",
                       closed & ineffective & ctx.missing("new_action"))


@rule("closed-flag-unclear", "closed-flag-conflict")
def closed_flag(ctx: Context) -> Iterator[Hits]:
    """A 是否结案 value that is not yes or no, or 否 next to a closing date."""
    if not ctx.has_column("closed"):
        return
    unclear = ctx.frame["closed__raw"].notna().to_numpy() & ~ctx.error("closed")
    yield ctx.hits("closed-flag-unclear", "closed", unclear)
    said_no = np.equal(ctx.values("closed"), False)
    dated = ctx.frame["closed_on"].notna().to_numpy()
    yield ctx.hits("closed-flag-conflict", "closed", said_no & dated,
                   date=ctx.dates("closed_on"))
