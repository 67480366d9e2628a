"""Which language the command line speaks, and click's own texts in it.

The language of a run is the first of: ``--lang`` (found in the arguments before click
parses them, so that ``complaint-xl report --lang en --help`` is English wherever the
option stands), the variable ``COMPLAINT_XL_LANG``, the workbook's 语言 setting once the
register is read, and the system locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: zh_* is
Chinese, another language English; a locale that names none, such as C or POSIX, gives
Chinese, the team's language). Help, click's usage errors, warnings and errors follow it.
The files a run writes and its JSON follow --lang, the variable or the 语言 setting, and
are Chinese otherwise, whatever the locale (:func:`for_run`).

click words its own texts ("Usage:", "No such option", "Show this message and exit.")
through :func:`gettext.gettext`, imported into each of its modules as ``_``. Those names
are pointed at :func:`_click_text`, which looks the English text up in ``click.*`` of the
words and falls back to click's English for a text it does not know (a newer click's).
"""

from __future__ import annotations

import locale
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Final

from complaint_xl.words import DEFAULT, LANGS, language, template

__all__ = ["ENV", "current", "explicit", "for_files", "for_messages", "for_run", "from_locale",
           "given_in", "install_click_words", "listen_to"]

ENV: Final[str] = "COMPLAINT_XL_LANG"
"""The variable that sets the language of every run (a scheduled job's, say)."""

_given: str | None = None
"""The --lang of the command line being run (see :func:`listen_to`)."""


def _code(text: str | None) -> str | None:
    """'zh_CN.UTF-8' -> 'zh', 'en-GB' -> 'en', 'de_DE' -> the fallback; C, POSIX, '' -> None."""
    name = (text or "").split(".")[0].split("@")[0].strip().lower()
    if name in ("", "c", "posix"):
        return None
    if name.startswith("chinese"):  # Windows names its locales: 'Chinese (Simplified)_China'
        return "zh"
    return language(name.replace("-", "_").split("_")[0])


def from_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the system locale names, or None when it names none (C, POSIX, unset).

    The first of LC_ALL, LC_MESSAGES and LANG that is set decides, as for any POSIX
    program; without them (Windows) the locale Python started with.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return _code(env[name])
    if environ is None and sys.platform == "win32":
        return _code(locale.getlocale()[0])
    return None


def given_in(args: Sequence[str]) -> str | None:
    """The value of ``--lang X`` or ``--lang=X`` among ``args`` (before ``--``), if a known one."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else (
            arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if value in LANGS:
            return value
    return None


def listen_to(args: Sequence[str]) -> None:
    """Take the language of the command line about to run (its --lang, else none)."""
    global _given
    _given = given_in(args)


def explicit() -> str | None:
    """The language a person chose for this run: --lang, else COMPLAINT_XL_LANG."""
    return _given or _code(os.environ.get(ENV))


def current() -> str:
    """The language to speak before the workbook is read: chosen, else the locale's, else zh."""
    return explicit() or from_locale() or DEFAULT


def for_run(workbook_says: str | None) -> str | None:
    """The ``lang`` to read a register with, given the language its 语言 setting names.

    None lets the workbook's setting stand (Chinese when it names none); a language chosen
    by the person wins over it. The locale is not asked: the files a run writes and its
    JSON are the team's, and a scheduled job on an English server must not turn the
    team's drafts English (design.md: ``--lang`` defaults to zh).
    """
    del workbook_says  # the workbook's setting stands unless the person chose
    return explicit()


def for_files() -> str:
    """The language of files made without a register (new-workbook, demo): chosen, else zh."""
    return explicit() or DEFAULT


def for_messages(workbook_says: str | None) -> str:
    """The language of stderr once the register is read: chosen, else the workbook's
    语言, else the locale's, else Chinese."""
    return explicit() or workbook_says or from_locale() or DEFAULT


# -- click's own texts ----------------------------------------------------------------------

_CLICK: Final[dict[str, str]] = {
    "Usage:": "usage",
    "Options": "options",
    "Commands": "commands",
    "Positional arguments": "arguments",
    "Show this message and exit.": "help-option",
    "Show the version and exit.": "version-option",
    "Error: {message}": "error",
    "Try '{command} {option}' for help.": "try-help",
    "No such option {name!r}.": "no-such-option",
    "No such option: {name}": "no-such-option-old",
    "Did you mean {possibility}?": "did-you-mean",
    "(Did you mean one of: {possibilities}?)": "did-you-mean-many",
    "No such command {name!r}.": "no-such-command",
    "Missing command.": "missing-command",
    "Missing argument": "missing-argument",
    "Missing option": "missing-option",
    "Missing parameter": "missing-parameter",
    "Invalid value for {param_hint}: {message}": "invalid-value-for",
    "Invalid value: {message}": "invalid-value",
    "{value!r} is not {choice}.": "not-the-choice",
    "{value!r} is not one of {choices}.": "not-a-choice",
    "Option {name!r} requires an argument.": "needs-value",
    "Option {name!r} requires {nargs} arguments.": "needs-values",
    "Option {name!r} does not take a value.": "takes-no-value",
    "Got unexpected extra argument ({args})": "extra-argument",
    "Got unexpected extra arguments ({args})": "extra-arguments",
    "default: {default}": "default",
    "Aborted!": "aborted",
}
"""click's English texts (its gettext message ids) -> the key under ``click.`` in the words."""


def _click_text(message: str) -> str:
    key = _CLICK.get(message)
    return template(f"click.{key}", current()) if key else message


def _click_plural(singular: str, plural: str, n: int) -> str:
    return _click_text(singular if n == 1 else plural)


def install_click_words() -> None:
    """Point click's ``_`` and ``ngettext`` at the words (idempotent)."""
    import gettext

    import click  # noqa: F401  (its modules, each with its own ``_``)

    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _click_text  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _click_plural  # type: ignore[attr-defined]

