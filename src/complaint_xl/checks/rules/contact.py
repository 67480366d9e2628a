"""Contacts: a mainland phone number (mobile, landline with area code, 400/800) or an e-mail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.checks.chars import Chars, ascii_digit
from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.text import fold, map_unique

__all__ = ["CONTACT_FIELDS", "bare_mobiles", "contacts", "is_contact"]

CONTACT_FIELDS: Final[tuple[str, ...]] = ("customer_contact", "reporter_contact")

_EMAIL: Final[re.Pattern[str]] = re.compile(
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_SEP = r"[\s\-]?"
_CC = r"(?:(?:\+|00)?86[\s\-]?)"  # +86, 0086, 86
_PHONE: Final[re.Pattern[str]] = re.compile(
    r"(?<!\d)(?:"
    rf"{_CC}?1[3-9]\d(?:{_SEP}\d){{8}}"  # mobile, also grouped 138 1234 5678
    rf"|\(?0\d{{2,3}}\)?{_SEP}\d{{3,4}}{_SEP}\d{{4}}"  # landline with its area code
    rf"|{_CC}[1-9]\d{{1,2}}{_SEP}\d{{3,4}}{_SEP}\d{{4}}"  # landline as +86 731 …
    rf"|[48]00{_SEP}\d{{3}}{_SEP}\d{{4}}"  # 400 / 800 service numbers
    r")(?!\d)"
)


def _not_contact(value: object) -> bool:
    return isinstance(value, str) and not is_contact(value)


def is_contact(text: str) -> bool:
    """A phone number or e-mail address somewhere in the text (a name may stand beside it)."""
    # the common case, a bare mobile number, without the regular expressions
    if len(text) == 11 and text.isdigit() and text[0] == "1" and text[1] in "3456789":
        return True
    folded = fold(text)
    return bool(_EMAIL.search(folded) or _PHONE.search(folded))


def bare_mobiles(chars: Chars) -> np.ndarray:
    """Texts that are just a mobile number: 1, then 3-9, then nine more ASCII digits.

    These pass :func:`is_contact`'s own first test; here they are found for a whole
    column at once.
    """
    points, eleven = chars.points, np.flatnonzero(chars.length == 11)
    first = chars.start[eleven]
    only_digits = ~chars.any(~ascii_digit(points))[eleven]
    found = np.zeros(len(chars.length), dtype=bool)
    found[eleven] = only_digits & (points[first] == ord("1")) & (points[first + 1] >= ord("3"))
    return found


@rule("contact-invalid")
def contacts(ctx: Context) -> Iterator[Hits]:
    """A contact that holds neither a phone number nor an e-mail address."""
    for name in CONTACT_FIELDS:
        if not ctx.has_column(name):
            continue
        cells = ctx.texts(name)
        # most contacts are bare mobiles: only the others go through the regular expressions
        rest = cells.at[~bare_mobiles(cells.chars)]
        bad = np.zeros(ctx.n, dtype=bool)
        bad[rest] = map_unique(pd.Series(ctx.values(name)[rest], dtype=object), _not_contact,
                               bool).to_numpy()
        yield ctx.hits("contact-invalid", name, bad & ctx.given(name))
