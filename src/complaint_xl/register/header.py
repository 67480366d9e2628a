"""Finding the register's header row and what each column holds.

The header may sit below a title row, in any column order, written with spaces,
line breaks, full-width brackets or a remark such as 跟进人员(销售人员填写). Each
cell of the first rows is folded and looked up among the synonyms; the row that
names the most fields wins. An explicit mapping (``--map`` or the workbook's 列映射
sheet) is consulted first.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Final

from complaint_xl.register.schema import ALL_FIELDS
from complaint_xl.register.text import (
    cell_text,
    column_letter,
    fold,
    header_key,
    strip_bracketed,
)

__all__ = ["HeaderMatch", "NearMiss", "find_header", "near_misses"]

SCAN_ROWS: Final[int] = 30
MIN_FIELDS: Final[int] = 3
CORE_FIELDS: Final[frozenset[str]] = frozenset(
    {"customer", "type", "problem", "raised_on", "owner", "deadline", "closed"}
)
"""A header must name at least two of these to be taken for a register's."""



@functools.cache
def _synonyms() -> dict[str, list[str]]:
    """Header key -> the fields it may name, in ALL_FIELDS order (made on first use: the
    template's headers come from every language's words)."""
    synonyms: dict[str, list[str]] = {}
    for f in ALL_FIELDS:
        for name in (*f.headers(), f.name, *f.synonyms):
            synonyms.setdefault(header_key(name), [])
            if f.name not in synonyms[header_key(name)]:
                synonyms[header_key(name)].append(f.name)
    # 联系方式 appears twice in the seed's sheet: the customer's, then the reporter's.
    synonyms[header_key("联系方式")] = ["customer_contact", "reporter_contact"]
    return synonyms


@functools.cache
def _names() -> dict[str, dict[str, str]]:
    """Each field's names as header keys -> as spelt, for telling a misspelt header from an
    unknown one."""
    return {f.name: {k: n for n in reversed((*f.headers(), f.name, *f.synonyms))
                     for k in (header_key(n), strip_bracketed(header_key(n))) if k}
            for f in ALL_FIELDS}


@dataclass
class HeaderMatch:
    """Where a sheet's header is and which column holds which field."""

    row: int
    """0-based index of the header row in the sheet's grid."""
    fields: dict[str, int]
    """Field name -> 0-based column."""
    headers: dict[int, str] = field(default_factory=dict)
    """0-based column -> the header text as written."""
    extras: dict[str, int] = field(default_factory=dict)
    """Header text of columns no field claims -> 0-based column (kept, not rejected)."""

    @property
    def width(self) -> int:
        return max([*self.fields.values(), *self.extras.values()], default=-1) + 1

    def letter(self, field_name: str) -> str:
        return column_letter(self.fields[field_name])


def _match_row(row: Sequence[Any], mapping: Mapping[str, str]) -> HeaderMatch | None:
    texts = {c: cell_text(v).strip() for c, v in enumerate(row)}
    keys = {c: header_key(t) for c, t in texts.items() if t}
    fields: dict[str, int] = {}
    wanted = {header_key(h): f for f, h in mapping.items()}
    for c, key in keys.items():
        if key in wanted and wanted[key] not in fields:
            fields[wanted[key]] = c
    synonyms = _synonyms()
    for c, key in keys.items():
        if c in fields.values():
            continue
        for candidate in (key, strip_bracketed(key)):
            names = [n for n in synonyms.get(candidate, []) if n not in fields]
            if names:
                fields[names[0]] = c
                break
    if len(fields) < MIN_FIELDS or len(CORE_FIELDS & fields.keys()) < 2:
        return None
    claimed = set(fields.values())
    headers = {c: texts[c] for c in keys}
    extras: dict[str, int] = {}
    for c in keys:
        if c not in claimed:
            name = fold(texts[c])
            while name in extras or name in fields:
                name += "_"
            extras[name] = c
    return HeaderMatch(row=-1, fields=fields, headers=headers, extras=extras)


def find_header(rows: Sequence[Sequence[Any]], mapping: Mapping[str, str] | None = None
                ) -> HeaderMatch | None:
    """The header row among the first rows: the one naming the most fields, else None.

    A mapping value that is a bare column letter (``type=C``) names that column
    even when its header says something else.
    """
    mapping = dict(mapping or {})
    letters = {f: h.upper() for f, h in mapping.items() if h.isascii() and h.isalpha()
               and len(h) <= 3 and h.isupper()}
    best: HeaderMatch | None = None
    for r, row in enumerate(rows[:SCAN_ROWS]):
        match = _match_row(row, {f: h for f, h in mapping.items() if f not in letters})
        if match is None and letters:
            match = HeaderMatch(row=-1, fields={}, headers={})
        if match is None:
            continue
        for f, letter in letters.items():
            col = _letter_index(letter)
            match.fields[f] = col
            match.extras = {k: v for k, v in match.extras.items() if v != col}
        if len(match.fields) < MIN_FIELDS:
            continue
        match.row = r
        if best is None or len(match.fields) > len(best.fields):
            best = match
    return best


@dataclass(frozen=True, slots=True)
class NearMiss:
    """An unclaimed header that looks like a slip for the name of a field the sheet lacks."""

    field: str
    column: int
    """0-based column of the header."""
    header: str
    """The header as written."""
    name: str
    """The field's name it resembles, as the synonym table spells it."""


def near_misses(match: HeaderMatch) -> list[NearMiss]:
    """Headers nobody claimed that are one slip away from a missing field's name.

    跟近人员 for 跟进人员 leaves the owner column unread without a word; this finds it.
    Close means: after folding (and dropping a trailing remark in brackets), both at
    least 3 characters and an edit distance of 1 (2 when the longer has 7 or more),
    or at least 4 characters and a similarity ratio of 0.8 (跟进人员姓名 for 跟进人员).
    Each field gets its closest header and each header one field.
    """
    synonyms, names = _synonyms(), _names()
    missing = [f for f in names if f not in match.fields]
    claimed = set(match.fields.values())
    found: dict[str, tuple[tuple[int, float], NearMiss]] = {}
    for c, text in match.headers.items():
        if c in claimed:
            continue
        key = header_key(text)
        keys = {key, strip_bracketed(key)}
        if any(k in synonyms for k in keys):
            continue  # a second column of a known field, not a misspelling
        best: tuple[tuple[int, float], str, str] | None = None
        for f in missing:
            for name, spelt in names[f].items():
                for k in keys:
                    score = _closeness(k, name)
                    if score is not None and (best is None or score < best[0]):
                        best = (score, f, spelt)
        if best is not None:
            score, f, name = best
            if f not in found or score < found[f][0]:
                found[f] = (score, NearMiss(f, c, text, name))
    return sorted((hit for _, hit in found.values()), key=lambda h: h.column)


def _closeness(a: str, b: str) -> tuple[int, float] | None:
    """(edit distance, -similarity) when ``a`` looks like a slip for ``b``, else None."""
    shorter, longer = sorted((len(a), len(b)))
    if a == b or shorter < 3 or longer > 40:
        return None
    limit = 1 if longer <= 6 else 2
    distance = _distance(a, b, limit) if longer - shorter <= limit else limit + 1
    ratio = SequenceMatcher(None, a, b).ratio()
    if distance <= limit or (shorter >= 4 and ratio >= 0.8):
        return distance, -ratio
    return None


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _letter_index(letter: str) -> int:
    col = 0
    for ch in letter:
        col = col * 26 + ord(ch) - 64
    return col - 1
