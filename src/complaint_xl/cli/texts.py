"""click's classes with their help taken from the words, in the run's language.

Help is looked up when it is shown, never at import: ``complaint-xl --help`` reads one
words file, and a command line's ``--lang`` is known by then (:mod:`.language`).
A command's help is ``cli-help.<command>`` (the group's ``cli-help.group``), its first
line the short help of the command list; an option's is the key given as ``words``.
Help is wrapped by the columns a terminal gives each character (a hanzi takes two),
and Chinese may break between any two characters, where click's wrapping counts
characters and breaks only at spaces.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar

import click

from complaint_xl.cli.language import current, install_click_words, listen_to
from complaint_xl.words import say

__all__ = ["WideFormatter", "WordsCommand", "WordsGroup", "WordsOption", "option", "wrap"]

F = TypeVar("F", bound=Callable[..., Any])
_NO_BREAK_BEFORE: Final = frozenset("）】」』》〉，。、；：！？…·%)]}>,.;:!?")
_NO_BREAK_AFTER: Final = frozenset("（【「『《〈“‘([{<")


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pieces(word: str) -> list[str]:
    """A word cut where a line may break: between two wide characters, except before a
    closing mark or after an opening one."""
    pieces, start = [], 0
    for i in range(1, len(word)):
        a, b = word[i - 1], word[i]
        if (_cells(a) == 2 and _cells(b) == 2 and b not in _NO_BREAK_BEFORE
                and a not in _NO_BREAK_AFTER):
            pieces.append(word[start:i])
            start = i
    return [*pieces, word[start:]]


def wrap(text: str, width: int) -> list[str]:
    """One paragraph in lines of at most ``width`` columns (a longer piece stands alone)."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        for k, piece in enumerate(_pieces(word)):
            gap = " " if k == 0 and line else ""
            cells = _cells(gap + piece)
            if line and used + cells > width:
                lines.append(line)
                line, used, gap, cells = "", 0, "", _cells(piece)
            line, used = line + gap + piece, used + cells
    if line:
        lines.append(line)
    return lines


def _paragraphs(text: str) -> Iterable[tuple[str, bool]]:
    """(paragraph, kept as written): click's rule, a paragraph opened by a ``\\b`` line is kept."""
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.split("\n")
        if lines[0].strip() == "\b":
            yield "\n".join(lines[1:]), True
        else:
            yield block, False


class WideFormatter(click.HelpFormatter):
    """click's help formatter, wrapping by terminal columns (see the module's docstring)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:  # a full-width colon needs no space after it
            word = say("click.usage", current())
            prefix = word if word.endswith("：") else f"{word} "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        colon = "：" if _cells(heading[-1:]) == 2 else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        out = []
        for paragraph, kept in _paragraphs(text):
            lines = paragraph.split("\n") if kept else wrap(paragraph, self.width - len(indent))
            out.append("\n".join(indent + line for line in lines))
        self.write("\n\n".join(out) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((_cells(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if _cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent, 10)) or [""]
            pad = " " * (first_col + self.current_indent)
            self.write("\n".join([lines[0], *(pad + line for line in lines[1:])]) + "\n")


class WordsContext(click.Context):
    """A context whose help is wrapped by :class:`WideFormatter`."""

    formatter_class = WideFormatter


class WordsOption(click.Option):
    """An option whose help is the words ``words`` in the run's language."""

    def __init__(self, *args: Any, words: str, **kwargs: Any) -> None:
        self.words = words
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def help(self) -> str:
        return say(self.words, current())

    @help.setter
    def help(self, _value: str | None) -> None:
        """click sets its own (English) help; the words' is said instead."""


def option(*decls: str, words: str, **kwargs: Any) -> Callable[[F], F]:
    """``click.option`` with its help from the words."""
    return click.option(*decls, cls=WordsOption, words=words, **kwargs)


class _Said:
    """Help, short help and the help option's text from the words."""

    context_class = WordsContext

    name: str | None
    words_name: str

    @property
    def help(self) -> str:
        return say(f"cli-help.{self.words_name}", current())

    @help.setter
    def help(self, _value: str | None) -> None:
        """The docstring stays for readers of the code; people read the words."""

    @property
    def short_help(self) -> str:
        return self.help.split("\n", 1)[0].strip()

    @short_help.setter
    def short_help(self, _value: str | None) -> None:
        pass

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        found: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if found is not None:  # click keeps the first one made: said again in today's language
            found.help = say("cli-option.help", current())
        return found


class WordsCommand(_Said, click.Command):
    """A command whose help is ``cli-help.<name>``."""

    @property
    def words_name(self) -> str:
        return self.name or ""


class WordsGroup(_Said, click.Group):
    """The command group: its help is ``cli-help.group``; it listens for --lang first."""

    command_class = WordsCommand
    words_name = "group"

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             *rest: Any, **extra: Any) -> Any:
        """Take the command line's --lang before click reads (or fails to read) anything."""
        install_click_words()
        # Kept after the run: main() shows click's errors once this returns (standalone_mode off).
        listen_to(sys.argv[1:] if args is None else list(args))
        return super().main(args, prog_name, *rest, **extra)
