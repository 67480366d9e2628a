"""The command line speaks the person's language: --lang, else COMPLAINT_XL_LANG, else the
workbook's 语言, else the system locale (zh_* Chinese, another language English, C Chinese).

Help, click's own usage errors ("No such option", "Missing argument", "Invalid value") and
warnings are checked in real processes, each with the environment a user's shell would give.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from tests.conftest import AS_OF, STANDARD_HEADER, row, write_xlsx

from complaint_xl.cli import cli, language
from complaint_xl.cli.running import handle_errors
from complaint_xl.cli.texts import WordsOption, wrap
from complaint_xl.errors import LocalizedWarning
from complaint_xl.words import phrase, say

ROOT = Path(__file__).resolve().parents[1]
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", language.ENV)


def _env(**values: str) -> dict[str, str]:
    """This process's environment without any language setting, then ``values``."""
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    return {**env, **values}


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaint_xl", *args], capture_output=True,
                          text=True, timeout=120, env=_env(**env), cwd=ROOT)


ZH = {"LANG": "zh_CN.UTF-8"}
EN = {"LANG": "en_US.UTF-8"}
C = {"LANG": "C"}


# -- which language -------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.Big5"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_GB"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),  # another language: English
    ({"LANG": "C"}, None),  # says nothing: the caller falls back to Chinese
    ({"LANG": "C.UTF-8"}, None),
    ({"LANG": "POSIX"}, None),
    ({}, None),
    ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LANG": "en_US.UTF-8"}, "en"),  # an empty variable is no setting
    ({"LANG": "Chinese (Simplified)_China.936"}, "zh"),  # as Windows names it
])
def test_the_locale_names_a_language_or_none(env: dict[str, str], lang: str | None) -> None:
    assert language.from_locale(env) == lang


@pytest.mark.parametrize(("args", "lang"), [
    (["report", "--lang", "en", "--help"], "en"),
    (["--lang=zh", "validate"], "zh"),
    (["validate", "x.xlsx", "--lang", "fr"], None),  # not a language there are words for
    (["validate", "--", "--lang", "en"], None),  # after --, an argument
    (["validate", "--lang"], None),
])
def test_lang_is_found_wherever_it_stands(args: list[str], lang: str | None) -> None:
    assert language.given_in(args) == lang


# -- help -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "first", "words"), [
    (ZH, "用法：complaint-xl report [OPTIONS] REGISTER...",
     ["计算销售例会用的周报指标（周报）。", "示例：", "选项：", "显示本帮助并退出。",
      "只统计这位跟进人员（可重复）。"]),
    (EN, "Usage: complaint-xl report [OPTIONS] REGISTER...",
     ["Compute the weekly KPI summary", "Examples:", "Options:", "Show this message and exit.",
      "Only complaints followed up by this person"]),
    (C, "用法：complaint-xl report [OPTIONS] REGISTER...", ["示例：", "选项："]),  # a bare C locale
    ({}, "用法：complaint-xl report [OPTIONS] REGISTER...", ["示例：", "选项："]),  # no locale at all
])
def test_help_follows_the_locale(env: dict[str, str], first: str, words: list[str]) -> None:
    done = _run("report", "--help", **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == first
    flat = " ".join(done.stdout.split())
    assert all(" ".join(w.split()) in flat for w in words), done.stdout


def test_the_variable_wins_over_the_locale_and_lang_over_both() -> None:
    english = "Usage: complaint-xl validate"
    chinese = "用法：complaint-xl validate"
    assert _run("validate", "--help", COMPLAINT_XL_LANG="en", **ZH).stdout.startswith(english)
    assert _run("validate", "--help", COMPLAINT_XL_LANG="zh", **EN).stdout.startswith(chinese)
    # --lang after the command, before --help, and before the command on the group
    assert _run("validate", "--lang", "en", "--help", COMPLAINT_XL_LANG="zh", **ZH
                ).stdout.startswith(english)
    assert _run("validate", "--help", "--lang", "zh", COMPLAINT_XL_LANG="en", **EN
                ).stdout.startswith(chinese)
    group = _run("--lang", "en", "--help", **ZH).stdout
    assert group.startswith("Usage: complaint-xl [OPTIONS] COMMAND") and "Commands:" in group
    # and for click's errors and ours, told after click has given up on the command line
    assert "Error: No such option '--todya'." in _run("validate", "--lang", "en", "--todya", **ZH).stderr
    assert _run("validate", "x", "--lang", "zh", "--today", "2026-13-01", **EN).stderr == (
        "complaint-xl: 日期“2026-13-01”不存在：没有 13 月（月份为 1 到 12）。\n")


def test_every_help_text_of_every_command_is_in_the_language() -> None:
    # Each option's help (the words cli-option.*) and each command's (cli-help.*) is shown.
    for lang in ("zh", "en"):
        for name, command in cli.commands.items():
            done = _run(name, "--lang", lang, "--help")
            flat = "".join(done.stdout.split())
            first = say(f"cli-help.{name}", lang).split("\n", 1)[0]
            assert "".join(first.split()) in flat, (lang, name)
            for param in command.params:
                if isinstance(param, WordsOption):
                    said = "".join(say(param.words, lang).split())
                    assert said in flat, (lang, name, param.name)


def test_chinese_help_is_wrapped_by_the_columns_it_takes() -> None:
    # A hanzi takes two columns: a line of 40 of them fills 80.
    assert wrap("按" * 50 + "（校验）。", 40) == ["按" * 20, "按" * 20, "按" * 10 + "（校验）。"]
    # never a line ending on （ or opening on ）: "（校" would overflow, so it moves down whole
    assert wrap("按" * 19 + "（校验）", 40) == ["按" * 19, "（校验）"]
    assert wrap("按" * 18 + "（校验）", 40) == ["按" * 18 + "（校", "验）"]
    assert wrap("Check every entry (校验) today.", 12) == ["Check every", "entry (校验)", "today."]
    done = _run("chase", "--help", COLUMNS="80", **ZH)
    assert max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in done.stdout.splitlines()) <= 80


# -- click's own errors -------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "zh", "en"), [
    (["validate", "x.xlsx", "--todya", "2026-11-30"],
     ["错误：没有选项 '--todya'。", "是不是 '--today'？"],
     ["Error: No such option '--todya'.", "Did you mean '--today'?"]),
    (["validate"], ["错误：缺少参数 'REGISTER...'"], ["Error: Missing argument 'REGISTER...'"]),
    (["report", "x.xlsx", "--date-order", "xyz"],
     ["错误：'--date-order' 的值无效：'xyz' 不是 'ymd', 'dmy', 'mdy' 之一。"],
     ["Error: Invalid value for '--date-order': 'xyz' is not one of 'ymd', 'dmy', 'mdy'."]),
    (["report", "x.xlsx", "--week"], ["错误：选项 '--week' 需要一个值。"],
     ["Error: Option '--week' requires an argument."]),
    (["new-workbook", "a.xlsm", "b.xlsm"], ["错误：多了一个参数（b.xlsm）"],
     ["Error: Got unexpected extra argument (b.xlsm)"]),
    (["frobnicate"], ["错误：没有命令 'frobnicate'。"], ["Error: No such command 'frobnicate'."]),
])
def test_usage_errors_follow_the_language(args: list[str], zh: list[str], en: list[str]) -> None:
    for env, expected, usage, hint in ((ZH, zh, "用法：", "查看帮助"), (C, zh, "用法：", "查看帮助"),
                                       (EN, en, "Usage: ", "for help")):
        done = _run(*args, **env)
        assert done.returncode == 2, done.stderr
        assert all(e in done.stderr for e in expected), (env, done.stderr)
        assert "Traceback" not in done.stderr
        if args != ["report", "x.xlsx", "--week"]:  # click shows no usage for a missing value
            assert done.stderr.startswith(usage) and hint in done.stderr, done.stderr


def test_a_bad_option_value_of_ours_follows_the_variable() -> None:
    done = _run("validate", "x.xlsx", "--today", "2026-11-31", COMPLAINT_XL_LANG="en", **ZH)
    assert done.returncode == 2
    assert done.stderr == ("complaint-xl: the date '2026-11-31' does not exist: 2026-11 has 30 days, "
                           "so there is no day 31.\n")


# -- warnings and the run -------------------------------------------------------------------------

@pytest.fixture
def register(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "reg.xlsx", {"登记表": [list(STANDARD_HEADER), row(
        seq=1, customer="甲公司(经销商)", type="售后", owner="李明", problem="开裂 3 张，型号 A3-18",
        raised_on=dt.date(2026, 11, 30), deadline=dt.date(2026, 12, 18), closed="否")]})


def test_a_plain_register_speaks_the_locale_and_a_workbook_s_setting_wins(register: Path,
                                                                      tmp_path: Path) -> None:
    # 2026-12-02 is a Wednesday: week 49 is under way, and the warning says so.
    args = ("report", str(register), "--today", "2026-12-02", "--week", "2026-W49")
    english = "complaint-xl: warning: 2026-W49 is not over on 2026-12-02"
    chinese = "complaint-xl: 警告: 2026-W49 在 2026-12-02 还没有结束"
    assert english in _run(*args, **EN).stderr
    assert chinese in _run(*args, **C).stderr
    assert chinese in _run(*args, **ZH).stderr
    assert chinese in _run(*args, COMPLAINT_XL_LANG="zh", **EN).stderr
    said_en = write_xlsx(tmp_path / "en.xlsx", {"登记表": [list(STANDARD_HEADER), row(
        seq=1, customer="甲公司", type="售后", owner="李明", problem="开裂 3 张，型号 A3-18",
        raised_on=AS_OF)], "设置": [["项目", "值"], ["语言", "en"]]})
    done = _run("report", str(said_en), "--today", "2026-12-02", "--week", "2026-W49", **ZH)
    assert english in done.stderr  # the team chose English in its workbook
    assert chinese in _run("report", str(said_en), "--today", "2026-12-02", "--week", "2026-W49",
                           "--lang", "zh", **EN).stderr


def test_only_the_product_s_own_warnings_are_told(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Another library's warning is English only and nothing a user can act on.
    monkeypatch.delenv("COMPLAINT_XL_DEBUG", raising=False)

    @handle_errors
    def job(lang: str) -> None:
        warnings.warn("Can't merge single cell", stacklevel=1)
        warnings.warn(LocalizedWarning(phrase("os-error.ENOSPC")), stacklevel=1)

    job(lang="zh")
    assert capsys.readouterr().err == "complaint-xl: 警告: 磁盘已满\n"
    job(lang="en")
    assert capsys.readouterr().err == "complaint-xl: warning: the disk is full\n"
    monkeypatch.setenv("COMPLAINT_XL_DEBUG", "1")
    job(lang="en")
    assert capsys.readouterr().err == ("complaint-xl: warning: Can't merge single cell\n"
                                       "complaint-xl: warning: the disk is full\n")


def test_new_workbook_speaks_the_locale_but_the_workbook_stays_the_team_s(tmp_path: Path) -> None:
    """The line on the terminal follows the locale; the workbook is Chinese unless chosen
    (design.md: --lang defaults to zh), so an English server does not make an English book."""
    from openpyxl import load_workbook

    done = _run("new-workbook", str(tmp_path / "book.xlsm"), "--today", "2026-11-27", **EN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("workbook written: ")
    assert "投诉登记" in load_workbook(tmp_path / "book.xlsm", read_only=True).sheetnames
    done = _run("new-workbook", str(tmp_path / "簿.xlsm"), "--today", "2026-11-27", **C)
    assert done.stdout.startswith("已生成工作簿：")
    done = _run("new-workbook", str(tmp_path / "en.xlsm"), "--today", "2026-11-27",
                COMPLAINT_XL_LANG="en", **C)
    assert "投诉登记" not in load_workbook(tmp_path / "en.xlsm", read_only=True).sheetnames

