"""Rule 7: the problem statement must be specific (产品、型号、批次、数量、故障、日期、金额).

The seed's bad example is "xx表示近期售后问题较多". A statement is *vague* when it
uses a generic phrase from the settings (问题较多, 有问题, 不满意, 投诉 …) and, once
those phrases, filler words, type names and the customer's own name are taken out,
nothing concrete is left: no digit (quantity, batch, model, date, amount), no fault
word, no remaining wording of two characters or more. It errs towards silence: a
false alarm on a good statement costs the team's trust in every other finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import numpy as np
import pandas as pd

from complaint_xl.checks.chars import Chars, ascii_digit
from complaint_xl.checks.context import Context, Hits
from complaint_xl.checks.rules.base import rule
from complaint_xl.register.text import fold, map_unique

__all__ = ["FILLER_WORDS", "is_vague", "problem_statement", "statement_lengths"]

FILLER_WORDS: Final[tuple[str, ...]] = (
    "客户", "顾客", "用户", "经销商", "终端", "对方", "表示", "反映", "反应", "提出", "投诉", "抱怨", "称",
    "说", "近期", "最近", "近来", "目前", "现在", "一直", "经常", "多次", "总是", "还是", "比较", "非常",
    "特别", "有些", "一些", "部分", "方面", "我司", "我们", "公司", "贵司", "产品", "服务", "问题",
    "情况", "意见", "要求", "希望", "尽快", "处理", "解决", "较多", "很多", "很", "太", "较", "多", "的",
    "了", "对", "在", "和", "与", "及", "等", "也", "都", "又", "有", "是", "不", "xx", "XX", "某",
)
"""Words that say nothing concrete on their own (removed before judging what is left)."""

_CONCRETE: Final[re.Pattern[str]] = re.compile(
    r"\d"  # quantity, batch, model, date, amount
    r"|[一二三四五六七八九十两百千万]+\s*[个件张箱台套批次吨米元块条包桶卷片瓶盒天周]"
    r"|开裂|裂缝|起泡|变形|翘曲|破损|损坏|划痕|色差|异味|甲醛|超标|脱胶|霉|受潮|断裂|漏|缺件|少发|错发"
    r"|漏发|多发|延迟|延误|不符|错误|偏差|故障|失效|尺寸|规格|型号|批次|金额|单价|价格|退货|换货"
)
_NOISE: Final[re.Pattern[str]] = re.compile(r"[\s\W_]+")
_SPACE: Final[re.Pattern[str]] = re.compile(r"\s+")
_SPACED: Final[tuple[int, ...]] = tuple(map(ord, " \t\n\u3000"))
"""A statement holding one of these has its length counted without any whitespace."""


def is_vague(text: str, phrases: tuple[str, ...], extra_filler: tuple[str, ...] = ()) -> bool:
    """True when ``text`` uses a generic phrase and nothing concrete remains without it."""
    if not any(p in text for p in phrases):
        return False
    if _CONCRETE.search(text):
        return False
    rest = text
    for word in sorted({*phrases, *extra_filler, *FILLER_WORDS}, key=len, reverse=True):
        if word:
            rest = rest.replace(word, " ")
    rest = _NOISE.sub("", rest)
    cjk = sum(1 for ch in rest if ord(ch) > 0x2E80)
    # two Chinese characters or a latin word of three letters is something concrete
    return cjk < 2 and not re.search(r"[A-Za-z]{3,}", rest)


def statement_lengths(texts: list[str], chars: Chars) -> np.ndarray:
    """Each text's length without whitespace, as the minimum length counts it.

    Only texts with a space, tab, newline or ideographic space are cut (most have
    none); their spaces are found for the whole column at once.
    """
    points = chars.points
    rare = np.flatnonzero((points <= ord(" ")) | (points == 0x3000))  # then the exact test on few
    spaced = np.flatnonzero(chars.holding(rare[np.isin(points[rare], _SPACED)]))
    length = chars.length.copy()
    length[spaced] = map_unique(pd.Series([texts[i] for i in spaced], dtype=object),
                                lambda v: len(_SPACE.sub("", v or "")), np.int64).to_numpy()
    return length


@rule("problem-too-short", "vague-problem")
def problem_statement(ctx: Context) -> Iterator[Hits]:
    """A problem statement that is too short, or only generic phrases (rule 7)."""
    if not ctx.has_column("problem"):
        return
    s = ctx.settings
    phrases = tuple(p for p in (fold(x) for x in s.vague_phrases) if p)
    generic_at = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                            or r"(?!)").search

    at, texts, chars = ctx.texts("problem")
    given = ctx.given("problem")
    length = np.zeros(ctx.n, dtype=np.int64)
    length[at] = statement_lengths(texts, chars)
    # a digit is something concrete, so is_vague says no: only texts without one need the phrases
    plain = at[~chars.any(ascii_digit(chars.points))]
    generic = np.zeros(ctx.n, dtype=bool)
    generic[plain] = map_unique(pd.Series(ctx.values("problem")[plain], dtype=object),
                                lambda v: generic_at(v or "") is not None, bool).to_numpy()
    generic &= given
    vague = np.zeros(ctx.n, dtype=bool)
    if generic.any():
        # the customer's own name says nothing about the fault: judge each (problem, customer) once
        pos = np.flatnonzero(generic)
        pairs = pd.DataFrame({"p": ctx.values("problem")[pos], "c": ctx.values("customer")[pos]})
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs.fillna("")))
        filler = tuple(fold(t) for t in s.types)
        verdict = np.array([is_vague(fold(p), phrases, (*filler, c) if c else filler)
                            for p, c in uniques], dtype=bool)
        vague[pos] = verdict[codes]
    short = given & ~vague & (length < s.problem_min_length)
    yield ctx.hits("vague-problem", "problem", vague)
    yield ctx.hits("problem-too-short", "problem", short, length=length,
                   min_length=s.problem_min_length)
