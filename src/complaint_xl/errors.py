"""Errors a user can act on: each is one line, said in the run's language.

Bad rows never raise (they become findings); these are for runs that cannot go on,
such as a file that is not a spreadsheet. The command line prints ``message(lang)``
and exits 2; the buttons show it in a message box. The words are ``errors.<key>`` in
:mod:`complaint_xl.words`.
"""

from __future__ import annotations

from typing import Any

from complaint_xl.words import Said, say

__all__ = ["ComplaintXLError", "LocalizedWarning", "OutputError", "UnusableFile", "UsageError",
           "warning_text"]


class ComplaintXLError(Exception):
    """A problem the user can fix, told in one line."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        """Which error: ``errors.<key>`` of the words."""
        self.params = params
        """Its parameters (a :class:`~complaint_xl.words.Phrase` or Listing is said in the
        message's language)."""
        super().__init__(key)

    def __str__(self) -> str:
        return self.message("en")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.key,), self.__dict__)

    def message(self, lang: str = "zh") -> str:
        """The line in ``lang``."""
        return say(f"errors.{self.key}", lang, **self.params)


class UnusableFile(ComplaintXLError):
    """The register file cannot be used: missing, damaged, encrypted, not a register."""


class UsageError(ComplaintXLError):
    """An option's value is wrong (a date, a week, a mapping)."""


class OutputError(ComplaintXLError):
    """An output cannot be written (read-only folder, file open in Excel, disk full)."""


class LocalizedWarning(UserWarning):
    """A warning said in the run's language: it keeps what to say, not one language's text.

    Made with a :class:`~complaint_xl.words.Phrase` (or any :class:`~complaint_xl.words.Said`),
    or with plain text, which serves every language (``warnings.warn("...",
    SomeLocalizedWarning)``). ``str()`` gives the English text (logs, pytest); the command
    line and the buttons call :func:`warning_text` with the run's language.
    """

    def __init__(self, said: Said | str) -> None:
        self.said = said
        super().__init__(said)

    def __str__(self) -> str:
        return self.message("en")

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles (pytest-xdist, multiprocessing) keep the words and extra fields.
        return (type(self), (self.said,), self.__dict__)

    def message(self, lang: str = "zh") -> str:
        """The text in ``lang``."""
        return self.said.say(lang) if isinstance(self.said, Said) else self.said


def warning_text(warning: Warning | str, lang: str = "zh") -> str:
    """The text of a caught warning in ``lang`` when it has one, else as Python words it."""
    if isinstance(warning, LocalizedWarning):
        return warning.message(lang)
    return str(warning)
