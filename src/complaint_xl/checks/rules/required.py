"""Required fields: who complained, who follows it up, what kind, what, and when."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import numpy as np

from complaint_xl.checks.context import Context, Hits, Place
from complaint_xl.checks.rules.base import rule
from complaint_xl.words import say

__all__ = ["REQUIRED", "required_columns", "required_fields"]

REQUIRED: Final[tuple[str, ...]] = ("customer", "owner", "type", "problem", "raised_on")


def missing_code(name: str) -> str:
    return f"{name.replace('_', '-')}-missing"


@rule(*(missing_code(f) for f in REQUIRED))
def required_fields(ctx: Context) -> Iterator[Hits]:
    """An empty required cell (an error value or unreadable date is reported as such instead)."""
    for name in REQUIRED:
        if ctx.has_column(name):
            yield ctx.hits(missing_code(name), name, ctx.missing(name))


@rule("required-column-missing")
def required_columns(ctx: Context) -> Iterator[Hits]:
    """A required column the sheet lacks: said once at its header row, not on every row."""
    absent = [f for f in REQUIRED if not ctx.has_column(f)]
    for name in absent:
        sheets = ctx.register.sheets
        label = say(f"field.{name}", ctx.lang)
        place = Place(sheet=[s.name for s in sheets], row=[s.header_row for s in sheets],
                      column=[""] * len(sheets), header=[label] * len(sheets))
        yield Hits("required-column-missing", name, np.empty(0, dtype=np.int64),
                   np.full(len(sheets), None, dtype=object), {"label": label}, place=place)
