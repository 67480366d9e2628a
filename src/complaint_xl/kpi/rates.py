"""Rates and shares as people read them: one rounding for the page, the mail and the workbook.

A spreadsheet shows 9/16 = 0.5625 under the format ``0.0%`` as 56.3% (half away from
zero, from the value's 15 significant digits); Python's ``f"{0.5625:.1%}"`` says 56.2%
(ties to even on the binary value). Every text of a rate goes through :func:`percent`,
which rounds half up from the value's decimal form, as the spreadsheet does, and every
rate comes from its two counts through :func:`rate`, so the page, the mail and the
workbook's live formulas round the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

__all__ = ["PERCENT_DIGITS", "decimal", "on_time_rate", "percent", "rate"]

PERCENT_DIGITS: Final[int] = 1
"""Decimals of a percentage shown to people (the workbook's number format ``0.0%``)."""


def rate(part: int | None, whole: int | None) -> float | None:
    """``part / whole``, or None when either is unknown or ``whole`` is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def on_time_rate(figures: Mapping[str, Any]) -> float | None:
    """The on-time rate of a row of figures, exact from its counts (the JSON's is rounded to
    4 decimals, which could tip a shown percentage the other way); the stored rate when the
    counts are missing."""
    closed, on_time = figures.get("closed"), figures.get("closed_on_time")
    if figures.get("on_time_rate") is None or closed is None or on_time is None:
        return figures.get("on_time_rate")
    return rate(int(on_time), int(closed))


def _half_up(exact: Decimal, digits: int) -> str:
    return str(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def decimal(value: float, digits: int) -> str:
    """A number as text rounded half up to ``digits`` decimals, as a spreadsheet's number
    format shows it: 2.25 -> '2.3' (Python's f"{2.25:.1f}" says '2.2')."""
    return _half_up(Decimal(repr(float(value))), digits)


def percent(value: float | None, digits: int = PERCENT_DIGITS) -> str | None:
    """A rate as a percentage text rounded half up: 0.5625 -> '56.3%'; None stays None."""
    if value is None:
        return None
    return f"{_half_up(Decimal(repr(float(value))) * 100, digits)}%"
