"""Words for people: every text the product shows, looked up by key and language.

One file per language beside this module (``zh.toml``, ``en.toml``) holds every
user-facing text under the same keys, namespaced by area (``errors.not-found``,
``finding.unknown-type.title``, ``chase.summary.head`` …). A text is a
:meth:`str.format` template: ``{path}``, ``{count:,}``, ``{date.month}``,
``{as_of:%Y-%m-%d}`` (portable strftime codes only); a literal brace is doubled.
Changing a wording is an edit of one file; adding a language is adding one file
with the same keys (tests/test_words.py holds the files to the same keys and the
same parameters).

Parameters may themselves be said in the reader's language: a :class:`Phrase` (a key
and its parameters, said later) or a :class:`Listing` (items joined the way the
language lists them). Objects that must speak either language after they are made
(an error, a warning, a settings problem, a hard point) keep a :class:`Phrase`.

The files are read on first use, once per language, and the module imports nothing
but the standard library, so the command line starts as quickly as before and the
Pyodide build reads the files from the installed package.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "DEFAULT",
    "FALLBACK",
    "LANGS",
    "Listing",
    "Phrase",
    "Said",
    "every",
    "known",
    "language",
    "listing",
    "phrase",
    "preload",
    "say",
    "template",
    "texts",
]

_FOLDER: Final[Path] = Path(__file__).resolve().parent
DEFAULT: Final[str] = "zh"
"""The language of a run that names none: the team's."""
FALLBACK: Final[str] = "en"
"""The language for a code no file has (as the inline choices between zh and en gave it)."""
LANGS: Final[tuple[str, ...]] = (
    DEFAULT, *sorted(p.stem for p in _FOLDER.glob("*.toml") if p.stem != DEFAULT))
"""Every language there is a file for, the default first (for --lang and the 语言 setting)."""


def language(lang: str | None) -> str:
    """``lang`` if there are words for it; no language is the default, any other the fallback."""
    if not lang:
        return DEFAULT
    return lang if lang in LANGS else FALLBACK


def preload() -> None:
    """Read every language's file now, for a caller with time to spare (the command line
    while the register is parsed): the header reader and the rule names want them all."""
    for lang in LANGS:
        _read(lang)


def texts(lang: str) -> Mapping[str, str]:
    """Every text of a language by dotted key (read from its file once; do not change it)."""
    return _read(language(lang))


@functools.cache
def _read(lang: str) -> dict[str, str]:
    with (_FOLDER / f"{lang}.toml").open("rb") as fh:
        return _flat(tomllib.load(fh))


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            out |= _flat(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def template(key: str, lang: str) -> str:
    """The text of ``key`` unformatted, for a caller that fills it in many times."""
    try:
        return texts(lang)[key]
    except KeyError:
        raise KeyError(f"no words for {key!r} in {language(lang)}.toml") from None


def say(key: str, lang: str, /, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in (a Phrase or Listing
    parameter is said in ``lang`` too)."""
    return template(key, lang).format_map(
        {k: v.say(lang) if isinstance(v, Said) else v for k, v in params.items()})


def known(key: str) -> bool:
    """Whether there are words for ``key`` (for an optional, more specific wording)."""
    return key in texts(DEFAULT)


def every(key: str, /, **params: Any) -> tuple[str, ...]:
    """The text of ``key`` in every language, in :data:`LANGS` order (for reading back
    what any language's workbook may say)."""
    return tuple(say(key, lang, **params) for lang in LANGS)


class Said:
    """Something said in whichever language it is asked for."""

    __slots__ = ()

    def say(self, lang: str) -> str:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Phrase(Said):
    """A text to be said later, in the reader's language: a key and its parameters.

    Hashable and picklable when its parameters are.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def say(self, lang: str) -> str:
        return say(self.key, lang, **dict(self.params))

    def __getitem__(self, name: str) -> Any:
        """A parameter's value (for tests and callers that look inside)."""
        return dict(self.params)[name]


def phrase(key: str, /, **params: Any) -> Phrase:
    """``Phrase(key, params)`` from keyword arguments."""
    return Phrase(key, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class Listing(Said):
    """Items said as one list in the reader's language.

    Each item goes through the text ``item`` (its ``{item}``; a Phrase item is said
    first), the items are joined with the text ``sep``, and the text ``more`` follows
    when the list was cut short (``more`` names a key, or is empty).
    """

    items: tuple[Any, ...]
    item: str = "list.item"
    sep: str = "list.and"
    more: str = ""

    def say(self, lang: str) -> str:
        shape = template(self.item, lang)
        said = template(self.sep, lang).join(
            shape.format(item=i.say(lang) if isinstance(i, Said) else i) for i in self.items)
        return said + (template(self.more, lang) if self.more else "")


def listing(items: Iterable[Any], *, item: str = "list.item", sep: str = "list.and",
            more: str = "") -> Listing:
    """A :class:`Listing` of ``items`` (any iterable)."""
    return Listing(tuple(items), item, sep, more)

