"""Cells that hold an Excel error value (#N/A, #REF! …): a formula broke or was pasted."""

from __future__ import annotations

from collections.abc import Iterator

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.schema import FIELD_NAMES

__all__ = ["error_values"]


@rule("excel-error-value")
def error_values(ctx: Context) -> Iterator[Hits]:
    """An Excel or LibreOffice error value in any field of the register."""
    for name in FIELD_NAMES:
        if ctx.has_column(name):
            yield ctx.hits("excel-error-value", name, ctx.error(name))
