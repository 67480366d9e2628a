"""The README's command line cannot lie: its usage lines and examples are checked against click.

The block under "## The command line" must name every command click knows and no
other, each option it shows must be in that command's --help (taking a value exactly
when click's option does), and each positional argument must be the command's. Every
``complaint-xl …`` line in the README's shell blocks must parse, and every ``--option``
the README mentions must exist.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from complaint_xl.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(cli.commands)


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def usage_block() -> list[str]:
    """The lines of the first code block under '## The command line', continuations joined."""
    section = _readme().split("\n## The command line\n", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"^```[^\n]*\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert m, "a ``` block under '## The command line'"
    lines: list[str] = []
    for line in m[1].splitlines():
        if line.startswith("complaint-xl "):
            lines.append(line)
        elif line.strip():
            assert line.startswith(" ") and lines, f"a usage line must start with complaint-xl: {line!r}"
            lines[-1] += " " + line.strip()
    return lines


def shown(line: str) -> tuple[str, list[str], dict[str, bool]]:
    """(command, positional placeholders, option -> shown with a value) of one usage line."""
    words = line.split()
    command, rest = words[1], " ".join(words[2:])
    options: dict[str, bool] = {}
    for group in re.findall(r"\[([^\]]*)\]", rest):
        parts = group.split()
        for i, part in enumerate(parts):
            if part.startswith("--"):
                options[part] = i + 1 < len(parts) and not parts[i + 1].startswith("-")
    positional = re.sub(r"\[[^\]]*\]", " ", rest).split()
    return command, positional, options


USAGE = {shown(line)[0]: shown(line) for line in usage_block()}


def help_options(command: str) -> set[str]:
    """The long options `complaint-xl COMMAND --help` lists."""
    result = CliRunner().invoke(cli, [command, "--help"], prog_name="complaint-xl")
    assert result.exit_code == 0, result.output
    return set(re.findall(r"^ {2}(?:-\w, )?(--[\w-]+)", result.output, re.MULTILINE))


def test_the_block_shows_every_command_click_knows_and_no_other() -> None:
    assert len(USAGE) == len(usage_block()), "one usage line per command"
    assert sorted(USAGE) == COMMANDS, f"README: {sorted(USAGE)}; click: {COMMANDS}"


@pytest.mark.parametrize("command", sorted(USAGE))
def test_each_option_shown_is_in_the_commands_help(command: str) -> None:
    _, positional, options = USAGE[command]
    in_help = help_options(command)
    assert set(options) <= in_help, f"README shows {sorted(set(options) - in_help)} for {command}"
    params = {opt: p for p in cli.commands[command].params if isinstance(p, click.Option)
              for opt in p.opts}
    for option, with_value in options.items():
        takes_value = not (params[option].is_flag or params[option].count)
        assert with_value == takes_value, (
            f"README shows {option} {'with' if with_value else 'without'} a value; click's "
            f"option {'takes' if takes_value else 'takes no'} value")
    # positional placeholders: REGISTER, FILE.xlsm (FILE with the suffix it needs)
    arguments = [(p.name or "").upper() for p in cli.commands[command].params
                 if isinstance(p, click.Argument)]
    assert [word.split(".")[0] for word in positional] == arguments, (
        f"README shows {positional} for {command}; click's arguments are {arguments}")


def _shell_lines() -> list[str]:
    """Every complaint-xl invocation in the README's ```sh blocks (after && too), no comments."""
    found = []
    for block in re.findall(r"^```sh\n(.*?)^```", _readme(), re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            for piece in line.split("#", 1)[0].split("&&"):
                words = shlex.split(piece)
                if words and Path(words[0]).name == "complaint-xl":
                    found.append(["complaint-xl", *words[1:]])
    return found


def test_the_readme_shell_lines_are_found() -> None:
    assert {args[1] for args in _shell_lines()} >= {"demo", "new-workbook"}


@pytest.mark.parametrize("args", _shell_lines(), ids=" ".join)
def test_every_readme_shell_line_parses(args: list[str]) -> None:
    command = cli.commands[args[1]]
    command.make_context(args[1], args[2:], parent=click.Context(cli, info_name="complaint-xl"))


def _option_mentions() -> set[str]:
    """Options the README gives complaint-xl: in code that runs it or code that is an option.

    ``python tests/golden_helpers.py --regen`` and ``git diff --stat`` are other programs'.
    """
    text = _readme()
    snippets = re.findall(r"`([^`\n]+)`", text)
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        snippets += block.splitlines()
    found = set()
    for snippet in snippets:
        for piece in snippet.split("#", 1)[0].split("&&"):
            words = piece.split()
            if words and (words[0].startswith("--") or Path(words[0]).name == "complaint-xl"):
                found |= set(re.findall(r"(?<![\w-])--[a-z][\w-]*", piece))
    return found


def test_every_option_the_readme_mentions_exists() -> None:
    known = {opt for c in cli.commands.values() for p in c.params for opt in getattr(p, "opts", [])
             if opt.startswith("--")} | {"--help", "--version"}
    mentioned = _option_mentions()
    assert {"--map", "--country", "--lang", "--today", "--json", "--force"} <= mentioned
    assert mentioned <= known, sorted(mentioned - known)


def test_every_inline_command_the_readme_names_exists() -> None:
    named = re.findall(r"`complaint-xl ([a-z][\w-]*)", _readme())
    assert named
    assert set(named) <= set(cli.commands), sorted(set(named) - set(cli.commands))
