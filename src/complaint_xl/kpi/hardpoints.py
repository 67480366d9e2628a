"""The "hard points" for the sales meeting: where the weak spots are, in short sentences.

Like the utility's written analysis (counts and shares by category, then a
conclusion), each point names the items, people or categories to discuss and the
number behind it. Rates are compared over the trend window (8 weeks), because one
week holds too few closures per owner to rank anyone fairly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from complaint_xl.deadlines import late_text
from complaint_xl.kpi.facts import REPEAT_WITHIN_DAYS, ranked_counts

__all__ = ["MIN_CLOSURES_TO_RANK", "HardPoint", "Window", "hard_points"]

MIN_CLOSURES_TO_RANK: Final[int] = 3
"""An owner or type needs this many closures in the window to be ranked by on-time rate."""

TOP: Final[int] = 3


@dataclass(frozen=True, slots=True)
class HardPoint:
    """One point for the meeting, in both languages."""

    code: str
    """Stable kind of point: most-overdue, worst-owner-on-time, top-customers, ..."""
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Window:
    """The span the rankings look at: the trend's weeks."""

    first: str
    last: str
    in_window_raised: pd.Series
    """Rows raised in the window."""
    in_window_closed: pd.Series
    """Rows closed in the window."""


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _place(item: dict[str, Any], lang: str, multi_sheet: bool) -> str:
    if lang == "zh":
        return (f"{item['sheet']} " if multi_sheet else "") + f"第{item['row']}行"
    return (f"{item['sheet']} " if multi_sheet else "") + f"row {item['row']}"


def _late(item: dict[str, Any], lang: str) -> str:
    """How late, in words: N working days, or the date it passed on when N is 0 (never "0 days")."""
    return late_text(item["workdays_overdue"], item["deadline"], lang)


def _most_overdue(items: Sequence[dict[str, Any]], multi: bool) -> HardPoint | None:
    if not items:
        return None
    top = items[:TOP]
    zh = "；".join(
        f"{_place(i, 'zh', multi)} {i['customer'] or '（无客户）'}（{i['type'] or '未分类'}，"
        f"{i['owner'] or '无跟进人'}）{_late(i, 'zh')}" for i in top)
    en = "; ".join(
        f"{_place(i, 'en', multi)} {i['customer'] or '(no customer)'} ({i['type'] or 'no type'}, "
        f"{i['owner'] or 'no owner'}) {_late(i, 'en')}" for i in top)
    return HardPoint("most-overdue", f"逾期最久：{zh}。", f"Most overdue: {en}.")


def _overdue_by(facts: pd.DataFrame, cats: pd.Series, code: str, zh_dim: str,
                en_dim: str) -> HardPoint | None:
    overdue = facts["overdue"]
    total = int(overdue.sum())
    counts = ranked_counts(cats[overdue])
    if total < 3 or counts.empty or counts.iloc[0] < 2:
        return None
    name, n = str(counts.index[0]), int(counts.iloc[0])
    return HardPoint(
        code,
        f"逾期未结的 {total} 件中，{zh_dim}“{name}”占 {n} 件（{_pct(n / total)}），是逾期最集中的地方。",
        f"Of the {total} overdue items, {n} ({_pct(n / total)}) are with {en_dim} '{name}', "
        "the largest cluster.")


def _worst_rate(facts: pd.DataFrame, cats: pd.Series, window: Window, code: str, zh_dim: str,
                en_dim: str) -> HardPoint | None:
    closed = window.in_window_closed
    if not closed.any():
        return None
    frame = pd.DataFrame({"cat": cats[closed], "on_time": facts.loc[closed, "on_time"]})
    grouped = frame.groupby("cat")["on_time"].agg(hits="sum", n="count")
    overall = frame["on_time"].mean()
    grouped = grouped[grouped["n"] >= MIN_CLOSURES_TO_RANK]
    grouped["rate"] = grouped["hits"] / grouped["n"]
    worst = grouped[grouped["rate"] < overall].sort_values(["rate", "n"],
                                                            ascending=[True, False]).head(2)
    if worst.empty:
        return None
    rows = list(zip(worst.index, worst["rate"], worst["hits"], worst["n"], strict=True))
    zh = "、".join(f"{c} {_pct(r)}（{int(h)}/{int(n)}）" for c, r, h, n in rows)
    en = ", ".join(f"{c} {_pct(r)} ({int(h)}/{int(n)})" for c, r, h, n in rows)
    return HardPoint(
        code,
        f"{window.first} 至 {window.last} 按期结案率最低的{zh_dim}：{zh}，全体为 {_pct(overall)}。",
        f"Lowest on-time rate by {en_dim}, {window.first} to {window.last}: {en}; "
        f"overall {_pct(overall)}.")


def _top_customers(customers: pd.Series, window: Window) -> HardPoint | None:
    counts = ranked_counts(customers[window.in_window_raised])
    counts = counts[counts >= 2].head(TOP)
    if counts.empty:
        return None
    zh = "、".join(f"{n} {c} 件" for n, c in counts.items())
    en = ", ".join(f"{n} ({c})" for n, c in counts.items())
    return HardPoint("top-customers",
                     f"{window.first} 至 {window.last} 投诉最多的客户：{zh}。",
                     f"Customers with the most complaints, {window.first} to {window.last}: {en}.")


def _top_type_share(types: pd.Series, window: Window) -> HardPoint | None:
    raised = types[window.in_window_raised]
    total = int(window.in_window_raised.sum())
    counts = ranked_counts(raised)
    if total < 5 or counts.empty:
        return None
    name, n = str(counts.index[0]), int(counts.iloc[0])
    return HardPoint(
        "top-type-share",
        f"{window.first} 至 {window.last} 新增的 {total} 件投诉中，“{name}”最多，占 {_pct(n / total)}"
        f"（{n} 件），是最薄弱的环节。",
        f"Of the {total} complaints raised {window.first} to {window.last}, '{name}' is the "
        f"largest category with {n} ({_pct(n / total)}): the weakest spot.")


def _repeats(items: Sequence[dict[str, Any]]) -> HardPoint | None:
    if not items:
        return None
    shown = items[:TOP]
    zh = "、".join(f"{i['customer']}（{i['type']}，距上次 {i['days']} 天）" for i in shown)
    en = ", ".join(f"{i['customer']} ({i['type']}, {i['days']} days after the last)" for i in shown)
    more_zh = "等" if len(items) > TOP else ""
    more_en = " and more" if len(items) > TOP else ""
    return HardPoint(
        "repeats",
        f"本周有 {len(items)} 起重复投诉（同一客户同类问题 {REPEAT_WITHIN_DAYS} 天内再次投诉）："
        f"{zh}{more_zh}。",
        f"{len(items)} repeat complaints this week (same customer and type again within "
        f"{REPEAT_WITHIN_DAYS} days): {en}{more_en}.")


def _ineffective(effect: dict[str, Any] | None, multi: bool) -> HardPoint | None:
    if not effect or not effect["ineffective"]:
        return None
    items = effect["ineffective"]
    more = len(items) > 5
    zh = "、".join(_place(i, "zh", multi) for i in items[:5]) + ("等" if more else "")
    en = ", ".join(_place(i, "en", multi) for i in items[:5]) + (" and more" if more else "")
    return HardPoint(
        "ineffective",
        f"本周结案中 {len(items)} 件效果评估为“无效”，需重新发起纠正措施：{zh}。",
        f"{len(items)} of this week's closures were judged ineffective and need a new "
        f"corrective action: {en}.")


def hard_points(facts: pd.DataFrame, cats: dict[str, pd.Series], customers: pd.Series,
                window: Window, most_overdue: Sequence[dict[str, Any]],
                repeats: Sequence[dict[str, Any]], effect: dict[str, Any] | None,
                unavailable: dict[str, str], multi_sheet: bool,
                filtered: frozenset[str] = frozenset()) -> list[HardPoint]:
    """The points worth the meeting's time, most urgent first.

    Rankings along a filtered field are left out: with --owner 李明 every overdue item
    is 李明's, which is no finding.
    """
    def rank(dim: str) -> bool:
        return dim not in filtered

    points: list[HardPoint | None] = [_most_overdue(most_overdue, multi_sheet)]
    if "overdue" not in unavailable:
        points += [
            _overdue_by(facts, cats["support_unit"], "overdue-by-unit", "支援单位", "support unit")
            if rank("support_unit") else None,
            _overdue_by(facts, cats["owner"], "overdue-by-owner", "跟进人员", "owner")
            if rank("owner") else None,
        ]
    if "on_time_rate" not in unavailable:
        points += [
            _worst_rate(facts, cats["owner"], window, "worst-owner-on-time", "跟进人员", "owner")
            if rank("owner") else None,
            _worst_rate(facts, cats["type"], window, "worst-type-on-time", "投诉项目", "type")
            if rank("type") else None,
        ]
    if "new" not in unavailable:
        points += [_top_customers(customers, window),
                   _top_type_share(cats["type"], window) if rank("type") else None]
    points += [_repeats(repeats), _ineffective(effect, multi_sheet)]
    if "closed" in unavailable:
        points.append(HardPoint(
            "add-closed-on",
            "登记表没有“结案日期”列，结案数、按期结案率和处理时长无法统计；建议增加该列并在结案时填写。",
            "The register has no 'closed on' column, so closures, the on-time rate and "
            "resolution times cannot be measured; add the column and fill it when closing."))
    found = [p for p in points if p is not None]
    if not found:
        found.append(HardPoint("nothing", "本周没有突出的问题点。", "Nothing stands out this week."))
    return found
