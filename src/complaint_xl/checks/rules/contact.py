"""Contacts: a mainland phone number (mobile, landline with area code, 400/800) or an e-mail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.text import fold

__all__ = ["CONTACT_FIELDS", "contacts", "is_contact"]

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


@rule("contact-invalid")
def contacts(ctx: Context) -> Iterator[Hits]:
    """A contact that holds neither a phone number nor an e-mail address."""
    for name in CONTACT_FIELDS:
        if not ctx.has_column(name):
            continue
        bad = ctx.map_values(name, _not_contact, bool)
        yield ctx.hits("contact-invalid", name, bad & ctx.given(name))
