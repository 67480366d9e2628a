"""The command line's own promises: help with examples, one-line errors, shared options.

Help is checked in every language (the words' ``cli-help.*``); test_cli_language.py checks
how a language is chosen.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from importlib.metadata import version

import click
import pytest
from click.testing import CliRunner

import complaint_xl
from complaint_xl.cli import cli
from complaint_xl.words import LANGS, say

COMMANDS = sorted(cli.commands)
"""Every command click knows: a new command is checked without editing this file."""
REGISTER_COMMANDS = sorted(name for name, command in cli.commands.items()
                           if any(p.name == "register" for p in command.params))


def examples(help_text: str) -> list[list[str]]:
    """The command lines under the help's "Example:"/"Examples:" (示例：) heading."""
    lines = help_text.splitlines()
    heads = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*(Examples?:|示例：)\s*", line)]
    assert len(heads) == 1, f"one Example(s): heading in\n{help_text}"
    found = []
    for line in lines[heads[0] + 1:]:
        if not line.strip():
            break
        found.append(shlex.split(line))
    return found


def help_of(*args: str, lang: str = "en") -> str:
    """The help text as `complaint-xl ARGS --lang LANG --help` prints it."""
    result = CliRunner().invoke(cli, [*args, "--lang", lang, "--help"], prog_name="complaint-xl")
    assert result.exit_code == 0, result.output
    return result.output


def parse(args: list[str]) -> click.Context:
    """Parse a command line as click would run it (options, choices, callbacks), not run it."""
    assert args[0] == "complaint-xl", args
    command = cli.commands[args[1]]
    return command.make_context(args[1], args[2:], parent=click.Context(cli, info_name="complaint-xl"))


def usage(lang: str) -> str:
    """'Usage: ' (English), '用法：' (Chinese): what a help text starts with."""
    word = say("click.usage", lang)
    return word if word.endswith("：") else f"{word} "


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str, lang: str) -> None:
    text = help_of(command, lang=lang)
    assert text.startswith(f"{usage(lang)}complaint-xl {command} [OPTIONS]"), text
    short = cli.commands[command].get_short_help_str(limit=300)
    assert short and short in " ".join(text.split())  # the docstring's first line
    shown = examples(text)
    assert shown, f"{command} --help shows no example"
    for args in shown:
        assert args[:2] == ["complaint-xl", command], args
        parse(args)  # every example is a command line click accepts


@pytest.mark.parametrize("lang", LANGS)
def test_the_group_help_lists_every_command_with_working_examples(lang: str) -> None:
    text = help_of(lang=lang)
    assert text.startswith(f"{usage(lang)}complaint-xl [OPTIONS] COMMAND"), text
    heading = say("click.commands", lang)
    listed = re.split(rf"\n{heading}[:：]\n", text, maxsplit=1)[1]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ") and
             not line.startswith("   ")]
    assert sorted(names) == COMMANDS
    for args in examples(text):
        assert args[1] in cli.commands, args
        parse(args)


def test_every_register_command_is_found_and_shares_the_options() -> None:
    assert {"validate", "chase", "report"} <= set(REGISTER_COMMANDS)


@pytest.mark.parametrize("command", REGISTER_COMMANDS)
def test_shared_options_are_on_every_register_command(command: str) -> None:
    text = help_of(command)
    assert text.startswith(f"Usage: complaint-xl {command} [OPTIONS] REGISTER"), text
    shown = set(re.findall(r"^ {2}(?:-\w, )?(--[\w-]+)", text, re.MULTILINE))
    assert {"--today", "--json", "--out", "--map", "--country", "--lang", "--date-order",
            "--sheet", "--help"} <= shown


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaint_xl", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["validate", "x.xlsx", "--today", "2026-13-01"], "2026-13-01"),
        (["validate", "x.xlsx", "--map", "type"], "--map"),
        (["validate", "x.xlsx", "--map", "kind=Type"], "kind"),
        (["validate", "x.xlsx", "--country", "XX"], "XX"),
        (["report", "x.xlsx", "--week", "2026-W60"], "2026-W60"),
    ],
)
def test_bad_option_values_are_one_line_exit_2(args: list[str], words: str) -> None:
    done = _run(*args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr
    assert "Traceback" not in done.stderr


def test_version() -> None:
    done = _run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"complaint-xl, version {version('complaint-xl')}\n"
    assert version("complaint-xl") == complaint_xl.__version__  # one version, not two


def test_json_text_is_what_json_dumps_writes() -> None:
    """--json goes through orjson for speed; the text must be json.dumps's to the byte."""
    import datetime as dt
    import json

    from complaint_xl.cli.running import json_text

    document = {"register": "登记表 \u2028 \"x\"", "rows": 3, "rate": 0.5625, "none": None,
                "as_of": dt.date(2026, 12, 4), "at": dt.datetime(2026, 12, 4, 9, 30),
                "findings": [{"row": 2, "value": "=1+1", "ok": True}], "empty": [], "nested": {}}
    assert json_text(document) == json.dumps(document, ensure_ascii=False, indent=2, default=str)
