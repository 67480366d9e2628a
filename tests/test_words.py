"""Words for people: one table per language, the same keys and parameters in each, and no
language chosen inline in the code (issue 13).

A wording change or a third language is one file's edit (src/complaint_xl/words/<lang>.toml);
these tests keep it so.
"""

from __future__ import annotations

import ast
import pickle
import re
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from complaint_xl.register.roles import sheet_role
from complaint_xl.register.schema import CLOSED_NO, CLOSED_YES
from complaint_xl.register.text import fold, header_key
from complaint_xl.settings import (
    HOLIDAY_ESTIMATE,
    HOLIDAY_OFF_KINDS,
    HOLIDAY_OFFICIAL,
    HOLIDAY_WORKING_KINDS,
    SETTINGS_SHEETS,
)
from complaint_xl.settings.keys import _KEY_LOOKUP
from complaint_xl.words import DEFAULT, LANGS, Listing, Phrase, listing, phrase, say, texts
from complaint_xl.workbook.sheets import SETTINGS_ROWS
from test_portability import PORTABLE

SRC = Path(__file__).resolve().parents[1] / "src" / "complaint_xl"
WORDS = SRC / "words"

INLINE_CHOICE = re.compile(
    r"""\blang\w*\s*[!=]=\s*["'](?:zh|en)["']"""  # lang == "zh"
    r"""|["'](?:zh|en)["']\s*[!=]=\s*\w*lang\b"""  # "en" == lang
    r"""|\bif\s+(?:zh|en)\b"""  # … if zh else …
    r"""|["'](?:zh|en)["']\s*:\s*[({"']"""  # {"zh": (…), "en": …} tables of words
)
"""The ways code picked a wording by language before the words files."""
NOT_WORDING: dict[str, str] = {
    "settings/keys.py": "the 语言 setting's accepted spellings of each language (中文, english …): "
                        "vocabulary read from a cell, not a text shown",
}
"""Files where a language code appears for a reason other than choosing a wording."""


def _params(text: str) -> set[str]:
    """The parameter names of a template: {date.month} and {as_of:%d %b} name date and as_of."""
    return {re.split(r"[.\[]", name, maxsplit=1)[0] for _, name, _, _ in string.Formatter().parse(text)
            if name is not None}


# -- the files ---------------------------------------------------------------------------------

def test_there_is_a_file_per_language_and_the_default_first() -> None:
    assert LANGS[0] == DEFAULT and set(LANGS) == {p.stem for p in WORDS.glob("*.toml")}
    assert {"zh", "en"} <= set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_exactly_the_same_keys(lang: str) -> None:
    ours, theirs = set(texts(lang)), set(texts(DEFAULT))
    assert (sorted(ours - theirs), sorted(theirs - ours)) == ([], [])


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_takes_the_same_parameters_in_every_language(lang: str) -> None:
    other = texts(DEFAULT)
    differ = {k: (_params(other[k]), _params(t)) for k, t in texts(lang).items()
              if _params(t) != _params(other[k])}
    assert differ == {}


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_is_a_template_with_named_parameters(lang: str) -> None:
    for key, text in texts(lang).items():
        assert isinstance(text, str) and text, key
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        assert all(fields), f"{key}: a {{}} without a name"


@pytest.mark.parametrize("lang", LANGS)
def test_dates_in_the_words_use_only_portable_strftime_codes(lang: str) -> None:
    for key, text in texts(lang).items():
        for _, _, spec, _ in string.Formatter().parse(text):
            odd = set(re.findall(r"%(.)", spec or "")) - PORTABLE
            assert not odd, f"{lang}.toml {key}: {spec!r} uses {odd}, which Windows (or POSIX) lacks"


# -- the code ----------------------------------------------------------------------------------

def test_no_wording_is_chosen_by_language_in_the_code() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = str(path.relative_to(SRC))
        if name in NOT_WORDING:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE_CHOICE.search(line.split("#", 1)[0]):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "say(key, lang) with the words in words/<lang>.toml instead"


def test_the_scan_sees_the_old_forms() -> None:
    for line in ('x = "警告" if lang == "zh" else "warning"', 'pick = 0 if lang == "zh" else 1',
                 'head = "周" if zh else "Week"', '_W = {"zh": ("是", "否"), "en": ("yes", "no")}',
                 'use = "en" if lang == "en" else "zh"'):
        assert INLINE_CHOICE.search(line), line


def _named_keys() -> list[tuple[str, int, str, bool]]:
    """Every words key the code names: (file, line, key or f-string prefix, is a prefix)."""
    calls = {"say", "template", "phrase", "Phrase", "known", "every", "report"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            args = list(node.args[:1]) if callee in calls - {"report"} else []
            args += [k.value for k in node.keywords if k.arg in ("item", "sep", "more")]
            for arg in args:
                place = (str(path.relative_to(SRC)), arg.lineno)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    found.append((*place, arg.value, False))
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    found.append((*place, str(arg.values[0].value), True))
    return found


def test_every_key_the_code_names_has_words() -> None:
    keys = set(texts(DEFAULT))
    named = _named_keys()
    assert len(named) > 200  # the scan is not blind
    missing = [f"{f}:{n}: {k}" for f, n, k, prefix in named
               if "." in k and not (any(x.startswith(k) for x in keys) if prefix else k in keys)]
    assert missing == []


def test_the_words_are_read_on_first_use_and_without_pandas() -> None:
    code = textwrap.dedent("""
        import sys
        import complaint_xl.cli, complaint_xl.register.header, complaint_xl.errors
        from complaint_xl import words
        print(words._read.cache_info().currsize, "pandas" in sys.modules)
        words.say("errors.not-found", "zh", path="x")
        print(words._read.cache_info().currsize, "pandas" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False", "1", "False"]


# -- said later, in any language ----------------------------------------------------------------

def test_phrases_and_listings_are_said_in_the_reader_s_language() -> None:
    sheets = listing(["1月", "2月"], item="list.sheet")
    said = phrase("errors.sheets-read", sheets=sheets, rows="4")
    assert said.say("zh") == "读取工作表：“1月”、“2月”（共 4 行）"
    assert said.say("en") == "sheets read: '1月', '2月' (4 rows)"
    assert pickle.loads(pickle.dumps(said)) == said and hash(said) == hash(pickle.loads(pickle.dumps(said)))
    assert listing(range(12), more="list.cut").say("en").endswith("11…")
    assert isinstance(said, Phrase) and isinstance(sheets, Listing) and said["rows"] == "4"
    nested = phrase("kpi.reason-line", reason=phrase("reason.no-closures"),
                    figures=listing([phrase("figure.closed"), phrase("part.aging")]))
    assert nested.say("zh") == "— 结案、账龄：本周没有结案"
    assert say("deadline.passed", "en", date=__import__("datetime").date(2025, 9, 19)) == \
        "deadline passed on 2025-09-19"


def test_an_unknown_language_gets_the_fallback_and_an_unknown_key_says_which() -> None:
    assert say("flag.yes", "fr") == say("flag.yes", "en")
    with pytest.raises(KeyError, match="no-such"):
        say("errors.no-such", "zh")


# -- what one language's workbook says, every reader reads -----------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_sheets_the_product_names_are_recognised_by_their_role(lang: str) -> None:
    for role in SETTINGS_SHEETS:
        assert sheet_role(say(f"workbook.sheet.{role}", lang)) == role
    for key in ("button.findings", "button.chase", "button.weekly", "workbook.sheet.guide"):
        assert sheet_role(say(key, lang)) == "tool", key
    assert sheet_role(say("workbook.sheet.register", lang)) is None


@pytest.mark.parametrize("lang", LANGS)
def test_words_the_workbook_writes_into_settings_are_read_back(lang: str) -> None:
    def keys(words: tuple[str, ...]) -> set[str]:
        return {header_key(w) for w in words}

    assert header_key(say("workbook.holidays.off", lang)) in keys(HOLIDAY_OFF_KINDS)
    assert header_key(say("workbook.holidays.working", lang)) in keys(HOLIDAY_WORKING_KINDS)
    assert header_key(say("workbook.holidays.official", lang)) in keys(HOLIDAY_OFFICIAL)
    assert header_key(say("workbook.holidays.estimate", lang)) in keys(HOLIDAY_ESTIMATE)
    assert fold(say("workbook.lists.closed-yes", lang)).lower() in CLOSED_YES
    assert fold(say("workbook.lists.closed-no", lang)).lower() in CLOSED_NO
    for attribute in SETTINGS_ROWS:
        assert _KEY_LOOKUP.get(header_key(say(f"workbook.setting.{attribute}", lang))) == attribute
