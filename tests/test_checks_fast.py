"""The rules' column-at-once shortcuts agree with the per-value definitions they stand for.

Contacts and problem statements are judged for a whole column in numpy (bare mobile
numbers, statements with a digit), the context answers from codes and shared arrays,
and repeated messages are worded once. Each test compares that with the plain
one-value-at-a-time definition on generated columns, so a shortcut that drifts fails.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import complaint_xl
from complaint_xl.checks.catalogue import CATALOGUE
from complaint_xl.checks.chars import Chars, ascii_digit
from complaint_xl.checks.context import ERROR_TEXTS, Context
from complaint_xl.checks.engine import _messages
from complaint_xl.checks.rules.contact import bare_mobiles, contacts, is_contact
from complaint_xl.checks.rules.problem import is_vague, problem_statement, statement_lengths
from complaint_xl.register.reader import Register, SheetLayout, sla_days
from complaint_xl.register.text import column_letter, fold
from complaint_xl.settings import Settings
from complaint_xl.workdays import Calendar

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATA = Path(__file__).parent / "data"
HOLDINGS = ("object", "nan", "str")
"""How pandas may hold a text column: objects with None, objects with NaN, pandas' str dtype."""

DIGITS = "0123456789"
ANY_CHAR = st.characters(exclude_categories=())  # lone surrogates and astral characters too
MOBILE = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from(DIGITS),
                   st.text(DIGITS, min_size=9, max_size=9))
CONTACTS = st.one_of(
    MOBILE,
    st.builds(lambda m, sep: sep.join((m[:3], m[3:7], m[7:])), MOBILE,
              st.sampled_from([" ", "-", "\u3000", "--"])),
    MOBILE.map(lambda m: m.translate(str.maketrans(DIGITS, "０１２３４５６７８９"))),
    st.builds("{}{}{}".format, st.sampled_from(["", "王经理 ", "+86 ", "0086", "1"]), MOBILE,
              st.sampled_from(["", " 转8", "\x00", "1", "@x.cn"])),
    st.text(DIGITS + "٣²①", min_size=9, max_size=13),  # digits str.isdigit takes beyond 0-9
    st.emails(),
    st.text(ANY_CHAR, max_size=15),
)
CELLS = st.one_of(CONTACTS, st.none(), st.sampled_from(["#N/A", "Err:502", "", "   "]),
                  st.integers(10**9, 10**11))
WORDS = ["客户", "表示", "近期", "售后", "问题较多", "有问题", "不满意", "投诉", "很差", "板面开裂", "型号",
         "xx", "abc", "the", "3", "１２", "①", " ", "\t", "\n", "\u3000", "\r", "\xa0", "品质", "长沙恒达"]
PROBLEMS = st.one_of(st.lists(st.sampled_from(WORDS), max_size=8).map("".join),
                     st.text(ANY_CHAR, max_size=30), st.none(), st.sampled_from(["#REF!", "Err:007"]),
                     st.integers(0, 10**6))
CUSTOMERS = st.one_of(st.none(), st.sampled_from(["", "长沙恒达", "客户甲", "abc"]))


def context(columns: dict[str, list[Any]], holding: str = "object") -> Context:
    """A one-sheet register of just these columns, held by pandas as ``holding`` says."""
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    if holding == "nan":
        frame = frame.astype(object).where(frame.notna(), np.nan)
    elif holding == "str":
        frame = frame.astype("str")
    layout = SheetLayout("登记表", 1, {k: (column_letter(i), k) for i, k in enumerate(columns)})
    register = Register("register.xlsx", frame, [layout], frozenset(columns),
                        pd.DataFrame(index=frame.index))
    return Context(register, Settings(), dt.date(2026, 11, 29), Calendar("CN"), "zh")


def cells(ctx: Context, name: str) -> list[Any]:
    """The column as the per-value code would see it: None where empty."""
    return ctx.frame[name].to_numpy(dtype=object, na_value=None).tolist()


# -- contacts -------------------------------------------------------------------------

@FAST
@given(st.lists(CONTACTS, max_size=30))
def test_a_bare_mobile_is_what_is_contact_accepts_first(texts: list[str]) -> None:
    found = bare_mobiles(Chars.of(texts)).tolist()
    assert found == [len(t) == 11 and t.isascii() and t.isdigit() and t[0] == "1" and t[1] in "3456789"
                     for t in texts]
    assert all(is_contact(t) for t, bare in zip(texts, found, strict=True) if bare)


@FAST
@given(st.lists(st.tuples(CELLS, CELLS), max_size=30), st.sampled_from(HOLDINGS))
def test_the_contact_rule_flags_exactly_what_is_contact_rejects(rows: list[tuple[Any, Any]],
                                                                 holding: str) -> None:
    ctx = context({"customer_contact": [c for c, _ in rows], "reporter_contact": [r for _, r in rows]},
                  holding)
    flagged = {h.field: h.index.tolist() for h in contacts(ctx)}
    for name in ("customer_contact", "reporter_contact"):
        expected = [i for i, v in enumerate(cells(ctx, name))
                    if isinstance(v, str) and v not in ERROR_TEXTS and not is_contact(v)]
        assert flagged[name] == expected


# -- problem statements -----------------------------------------------------------------

def test_nfkc_keeps_every_ascii_digit() -> None:
    """Why a statement with a digit is never vague: fold (NFKC) cannot compose a digit away,
    as no character's canonical decomposition holds one, so is_vague finds it as concrete."""
    holders = [cp for cp in range(0x110000)
               if (d := unicodedata.decomposition(chr(cp))) and not d.startswith("<")
               and any(0x30 <= int(x, 16) <= 0x39 for x in d.split())]
    assert holders == []


@FAST
@given(st.lists(st.text(ANY_CHAR, max_size=12), max_size=20))
def test_chars_hold_each_text_and_answer_per_text(texts: list[str]) -> None:
    chars = Chars.of(texts)
    assert ["".join(map(chr, chars.points[s:s + n])) for s, n in zip(chars.start, chars.length,
                                                                    strict=True)] == texts
    assert chars.any(ascii_digit(chars.points)).tolist() == [any(c in DIGITS for c in t) for t in texts]
    assert chars.holding(np.flatnonzero(chars.points == ord(" "))).tolist() == [" " in t for t in texts]


@pytest.mark.parametrize(("texts", "kind"), [(["13812345678", ""], np.uint8), (["王经理", "a"], np.uint16),
                                             (["😀 ok"], np.uint32), ([], np.uint8)])
def test_chars_take_the_narrowest_type(texts: list[str], kind: type) -> None:
    chars = Chars.of(texts)
    assert chars.points.dtype == kind
    assert chars.length.tolist() == [len(t) for t in texts]


def measured(text: str, phrases: tuple[str, ...]) -> tuple[int, bool]:
    """The rule's former per-value measure: length without spaces, and a generic phrase in it."""
    spaced = any(ch in text for ch in " \n\u3000\t")
    return (len(re.sub(r"\s+", "", text)) if spaced else len(text)), any(p in text for p in phrases)


@FAST
@given(st.lists(st.tuples(PROBLEMS, CUSTOMERS), max_size=25), st.sampled_from(HOLDINGS))
def test_the_problem_rule_judges_as_the_per_value_measure_did(rows: list[tuple[Any, Any]],
                                                               holding: str) -> None:
    ctx = context({"problem": [p for p, _ in rows], "customer": [c for _, c in rows]}, holding)
    s = ctx.settings
    phrases = tuple(p for p in (fold(x) for x in s.vague_phrases) if p)
    filler = tuple(fold(t) for t in s.types)
    vague, short, lengths = [], [], []
    for i, (text, customer) in enumerate(zip(cells(ctx, "problem"), cells(ctx, "customer"), strict=True)):
        length, generic = measured(text, phrases) if isinstance(text, str) else (0, False)
        if text is None or text in ERROR_TEXTS:
            continue
        if generic and is_vague(fold(text), phrases, (*filler, customer) if customer else filler):
            vague.append(i)
        elif length < s.problem_min_length:
            short.append(i)
            lengths.append(length)
    hits = {h.code: h for h in problem_statement(ctx)}
    assert hits["vague-problem"].index.tolist() == vague
    assert hits["problem-too-short"].index.tolist() == short
    assert hits["problem-too-short"].params["length"].tolist() == lengths


@FAST
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=12).map("".join), max_size=20))
def test_statement_lengths_count_as_the_measure_did(texts: list[str]) -> None:
    assert statement_lengths(texts, Chars.of(texts)).tolist() == [measured(t, ())[0] for t in texts]


# -- the context, the SLA and the messages --------------------------------------------------

@pytest.mark.parametrize("name", ["handtyped.xlsx", "handtyped.ods"])
def test_findings_do_not_depend_on_how_pandas_holds_the_text(name: str) -> None:
    loaded = complaint_xl.load(DATA / name, as_of=dt.date(2026, 11, 29))
    register = loaded.register

    def findings(frame: pd.DataFrame) -> list[Any]:
        changed = Register(register.path, frame, register.sheets, register.present, register.extras)
        return complaint_xl.check_register(changed, loaded.settings, loaded.as_of, loaded.calendar).findings

    texts = [c for c in register.frame.columns if register.frame[c].dtype == object]
    assert findings(register.frame)  # the hand-typed register has mistakes to find
    as_str = register.frame.astype({c: "str" for c in texts if c != "closed"})
    as_nan = register.frame.assign(**{c: register.frame[c].where(register.frame[c].notna(), np.nan)
                                      for c in texts})
    assert findings(as_str) == findings(register.frame)
    assert findings(as_nan) == findings(register.frame)


COLUMN = ["a", None, "#N/A", "", "Err:502", " #N/A", "#N/A ", "Err:5021", "E", "a", "#GETTING_DATA", None]


@pytest.mark.parametrize("holding", HOLDINGS)
@pytest.mark.parametrize("first", ["missing", "map_values", "texts"])
def test_context_columns_agree_with_pandas(holding: str, first: str) -> None:
    """Whichever view of a column a rule asks for first (codes, texts), the others agree."""
    ctx = context({"owner": COLUMN, "problem": [*COLUMN[:-1], 7]}, holding)
    for name in ("owner", "problem"):
        values = cells(ctx, name)
        mapped = [v == "a" for v in values]
        if first == "map_values":
            assert ctx.map_values(name, lambda v: v == "a", bool).tolist() == mapped
        elif first == "texts":
            at, texts, _ = ctx.texts(name)
            assert texts == [v for v in values if isinstance(v, str)] == [values[i] for i in at]
        assert ctx.values(name).tolist() == values
        assert ctx.missing(name).tolist() == [v is None for v in values]
        assert ctx.error(name).tolist() == ctx.frame[name].isin(ERROR_TEXTS).tolist()
        assert ctx.error(name).tolist() == [v in ERROR_TEXTS for v in values]
        assert ctx.map_values(name, lambda v: v == "a", bool).tolist() == mapped


@pytest.mark.parametrize("holding", ["object", "str"])
def test_sla_days_per_type_then_shorter_when_major(holding: str) -> None:
    frame = pd.DataFrame({"type": pd.Series(["售后", "品质", None, "其他", "售后"], dtype=object),
                          "is_major": [False, True, False, True, True]})
    frame["type"] = frame["type"].astype(holding)
    team = Settings(sla_days=15, sla_major_days=5, sla_by_type={"售后": 10, "品质": 3})
    assert sla_days(frame, team).tolist() == [10, 3, 15, 5, 5]
    assert sla_days(frame.iloc[:0], team).tolist() == []


def test_repeated_hits_are_worded_once_but_never_mixed_up() -> None:
    entry = CATALOGUE["problem-too-short"]
    lengths = [1, 1.0, True, 1, 2]
    messages = _messages(entry, "en", [""] * 5, ["Problem"] * 5, ["x"] * 5,
                         {"length": lengths, "min_length": [10] * 5})
    template = entry.template("en")
    assert messages == [template.format(header="Problem", value="x", length=n, min_length=10)
                        for n in lengths]
    assert [m.split()[3] for m in messages] == ["1", "1.0", "True", "1", "2"]
    unhashable = _messages(entry, "en", [""] * 2, ["P"] * 2, ["x"] * 2,
                           {"length": [[1], [1]], "min_length": [10] * 2})
    assert unhashable[0] == unhashable[1] and "[1]" in unhashable[0]
