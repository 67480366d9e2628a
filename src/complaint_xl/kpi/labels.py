"""The figures, breakdowns, columns and reasons of the reports, by key, in the order shown.

The workbooks, the page, the draft, the buttons and the command line all label a
figure or a column the same way: their words are in :mod:`complaint_xl.words`
(``figure.<key>``, ``part.<key>``, ``column.<key>``, ``reason.<code>``, ``note.<code>``),
and a register field is named by its header (``field.<name>``).
"""

from __future__ import annotations

from typing import Final

from complaint_xl.words import known, say

__all__ = [
    "AGING_BUCKETS",
    "DIMENSIONS",
    "FIGURES",
    "RESOLUTION_FIGURES",
    "column",
]

FIGURES: Final[tuple[str, ...]] = (
    "new", "closed", "closed_on_time", "on_time_rate", "open", "overdue", "due_soon",
    "median_resolution_workdays", "mean_resolution_workdays",
)
"""Every key of ``totals`` and of each ``by`` value, in the order they are shown
(``figure.<key>`` in the words; ``part.<key>`` names the other parts that can be
unavailable, aging and effect)."""

RESOLUTION_FIGURES: Final[tuple[str, ...]] = ("median_resolution_workdays",
                                              "mean_resolution_workdays")

DIMENSIONS: Final[tuple[str, ...]] = (
    "type", "support_unit", "owner", "customer_attr", "responsible", "severity")
"""Breakdowns of ``by``: the first four always, the last two where the sheet has them."""

AGING_BUCKETS: Final[tuple[str, ...]] = ("0-5", "6-10", "11-15", ">15")
"""Working days since raised_on of the open rows."""


def column(key: str, lang: str) -> str:
    """The header of a column that lists complaints: a computed column's own words
    (``column.<key>``: 客户 rather than the template's 客户(属性)), else the register field's."""
    own = f"column.{key}"
    return say(own if known(own) else f"field.{key}", lang)
