"""Dates: how each was typed, and whether they are in an order that can be true."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.schema import DATE_FIELDS

__all__ = ["date_entries", "date_order"]

NOTE_CODES: Final[dict[str, str]] = {
    "text": "date-text",
    "serial": "date-serial",
    "no-year": "date-no-year",
    "ambiguous": "date-ambiguous",
    "unparseable": "date-unparseable",
}
"""The reader's note on a date cell -> the finding (the note "error" is an Excel error value)."""


@rule(*NOTE_CODES.values())
def date_entries(ctx: Context) -> Iterator[Hits]:
    """A date that is text, a bare number, without a year, ambiguous or unreadable."""
    for name in DATE_FIELDS:
        if not ctx.has_column(name):
            continue
        if not len(ctx.codes(f"{name}__note")[1]):
            continue  # no cell of the column needed a note
        read_as = ctx.dates(name)
        for note, code in NOTE_CODES.items():
            yield ctx.hits(code, name, ctx.noted(name, note), date=read_as)


@rule("raised-in-future", "deadline-before-raised", "closed-before-raised", "closed-in-future")
def date_order(ctx: Context) -> Iterator[Hits]:
    """Dates that cannot be: raised or closed after today, deadline or closing before raised."""
    raised, deadline, closed = ctx.dates("raised_on"), ctx.dates("deadline"), ctx.dates("closed_on")
    as_of = ctx.as_of.isoformat()
    # NaT compares false, so missing dates never match
    yield ctx.hits("raised-in-future", "raised_on", raised > ctx.today, as_of=as_of)
    derived = ctx.frame["deadline_derived"].to_numpy(dtype=bool)
    yield ctx.hits("deadline-before-raised", "deadline", (deadline < raised) & ~derived,
                   raised=raised)
    yield ctx.hits("closed-before-raised", "closed_on", closed < raised, raised=raised)
    yield ctx.hits("closed-in-future", "closed_on", closed > ctx.today, as_of=as_of)
