"""The command line's own promises: help with examples, one-line errors, shared options."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from complaint_xl.cli import cli

COMMANDS = ["validate", "chase", "report", "new-workbook", "demo"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"complaint-xl {command}" in result.output


@pytest.mark.parametrize("command", ["validate", "chase", "report"])
def test_shared_options_are_on_every_register_command(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    for option in ("--today", "--json", "--out", "--map", "--country", "--lang", "--date-order"):
        assert option in result.output


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
    assert done.returncode == 0 and "0.1.0" in done.stdout
