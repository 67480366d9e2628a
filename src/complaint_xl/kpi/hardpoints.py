"""The "hard points" for the sales meeting: where the weak spots are, in short sentences.

Like the utility's written analysis (counts and shares by category, then a
conclusion), each point names the items, people or categories to discuss and the
number behind it. Rates are compared over the trend window (8 weeks), because one
week holds too few closures per owner to rank anyone fairly.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.deadlines import late_phrase
from complaint_xl.kpi.facts import REPEAT_WITHIN_DAYS, ranked_counts
from complaint_xl.settings import Settings
from complaint_xl.words import Phrase, listing, phrase

__all__ = ["MIN_CLOSURES_TO_RANK", "HardPoint", "Window", "hard_points", "lifecycle_points"]

MIN_CLOSURES_TO_RANK: Final[int] = 3
"""An owner or type needs this many closures in the window to be ranked by on-time rate."""

TOP: Final[int] = 3


@dataclass(frozen=True, slots=True)
class HardPoint:
    """One point for the meeting, said in whichever language the report is in."""

    code: str
    """Stable kind of point: most-overdue, worst-owner-on-time, top-customers, ..."""
    said: Phrase
    """Its words (``hard-point.*``) and the numbers and names they carry."""

    def text(self, lang: str) -> str:
        return self.said.say(lang)


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


def _place(item: dict[str, Any], multi_sheet: bool) -> Phrase:
    if item.get("team"):  # rows of several teams' registers (complaint_xl.teams)
        return phrase("hard-point.team-row", team=item["team"], sheet=item["sheet"], row=item["row"])
    return (phrase("hard-point.sheet-row", sheet=item["sheet"], row=item["row"]) if multi_sheet
            else phrase("hard-point.row", row=item["row"]))


def _late(item: dict[str, Any]) -> Phrase:
    """How late, in words: N working days, or the date it passed on when N is 0 (never "0 days")."""
    return late_phrase(item["workdays_overdue"], item["deadline"])


def _most_overdue(items: Sequence[dict[str, Any]], multi: bool) -> HardPoint | None:
    if not items:
        return None
    top = listing((phrase("hard-point.most-overdue-item", place=_place(i, multi), late=_late(i),
                          customer=i["customer"] or phrase("hard-point.no-customer"),
                          type=i["type"] or phrase("hard-point.no-type"),
                          owner=i["owner"] or phrase("hard-point.no-owner"))
                   for i in items[:TOP]), sep="list.semi")
    return HardPoint("most-overdue", phrase("hard-point.most-overdue", items=top))


def _overdue_by(facts: pd.DataFrame, cats: pd.Series, code: str, dim: str) -> HardPoint | None:
    overdue = facts["overdue"]
    total = int(overdue.sum())
    counts = ranked_counts(cats[overdue])
    if total < 3 or counts.empty or counts.iloc[0] < 2:
        return None
    name, n = str(counts.index[0]), int(counts.iloc[0])
    return HardPoint(code, phrase("hard-point.overdue-by", total=total, n=n, pct=_pct(n / total),
                                  name=name, dim=phrase(f"field-word.{dim}")))


def _worst_rate(facts: pd.DataFrame, cats: pd.Series, window: Window, code: str,
                dim: str) -> HardPoint | None:
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
    rows = listing(phrase("hard-point.worst-rate-item", name=c, pct=_pct(r), hits=int(h), n=int(n))
                   for c, r, h, n in zip(worst.index, worst["rate"], worst["hits"], worst["n"],
                                         strict=True))
    return HardPoint(code, phrase("hard-point.worst-rate", first=window.first, last=window.last,
                                  dim=phrase(f"field-word.{dim}"), items=rows,
                                  overall=_pct(overall)))


def _top_customers(customers: pd.Series, window: Window) -> HardPoint | None:
    counts = ranked_counts(customers[window.in_window_raised])
    counts = counts[counts >= 2].head(TOP)
    if counts.empty:
        return None
    items = listing(phrase("hard-point.top-customers-item", name=name, n=n)
                    for name, n in counts.items())
    return HardPoint("top-customers", phrase("hard-point.top-customers", first=window.first,
                                             last=window.last, items=items))


def _top_type_share(types: pd.Series, window: Window) -> HardPoint | None:
    raised = types[window.in_window_raised]
    total = int(window.in_window_raised.sum())
    counts = ranked_counts(raised)
    if total < 5 or counts.empty:
        return None
    name, n = str(counts.index[0]), int(counts.iloc[0])
    return HardPoint("top-type-share", phrase(
        "hard-point.top-type-share", first=window.first, last=window.last, total=total,
        name=name, n=n, pct=_pct(n / total)))


def _repeats(items: Sequence[dict[str, Any]]) -> HardPoint | None:
    if not items:
        return None
    shown = listing((phrase("hard-point.repeats-item", customer=i["customer"], type=i["type"],
                            days=i["days"]) for i in items[:TOP]),
                    more="list.more" if len(items) > TOP else "")
    return HardPoint("repeats", phrase("hard-point.repeats", count=len(items),
                                       within=REPEAT_WITHIN_DAYS, items=shown))


def _ineffective(effect: dict[str, Any] | None, multi: bool) -> HardPoint | None:
    if not effect or not effect["ineffective"]:
        return None
    items = effect["ineffective"]
    places = listing((_place(i, multi) for i in items[:5]), more="list.more" if len(items) > 5 else "")
    return HardPoint("ineffective", phrase("hard-point.ineffective", count=len(items),
                                           items=places))


def hard_points(facts: pd.DataFrame, cats: dict[str, pd.Series], customers: pd.Series,
                window: Window, most_overdue: Sequence[dict[str, Any]],
                repeats: Sequence[dict[str, Any]], effect: dict[str, Any] | None,
                unavailable: dict[str, str], multi_sheet: bool,
                filtered: frozenset[str] = frozenset(),
                extra: Sequence[HardPoint] = ()) -> list[HardPoint]:
    """The points worth the meeting's time, most urgent first; ``extra`` (the lifecycle's,
    :func:`lifecycle_points`) come after this week's closures.

    Rankings along a filtered field are left out: with --owner 李明 every overdue item
    is 李明's, which is no finding.
    """
    def rank(dim: str) -> bool:
        return dim not in filtered

    points: list[HardPoint | None] = [_most_overdue(most_overdue, multi_sheet)]
    if "overdue" not in unavailable:
        points += [
            _overdue_by(facts, cats["support_unit"], "overdue-by-unit", "support_unit")
            if rank("support_unit") else None,
            _overdue_by(facts, cats["owner"], "overdue-by-owner", "owner")
            if rank("owner") else None,
        ]
    if "on_time_rate" not in unavailable:
        points += [
            _worst_rate(facts, cats["owner"], window, "worst-owner-on-time", "owner")
            if rank("owner") else None,
            _worst_rate(facts, cats["type"], window, "worst-type-on-time", "type")
            if rank("type") else None,
        ]
    if "new" not in unavailable:
        points += [_top_customers(customers, window),
                   _top_type_share(cats["type"], window) if rank("type") else None]
    points += [_repeats(repeats), _ineffective(effect, multi_sheet), *extra]
    if "closed" in unavailable:
        points.append(HardPoint("add-closed-on", phrase("hard-point.add-closed-on")))
    found = [p for p in points if p is not None]
    if not found:
        found.append(HardPoint("nothing", phrase("hard-point.nothing")))
    return found


# -- the complaint's lifecycle -------------------------------------------------------------

def _rows(frame: pd.DataFrame, mask: np.ndarray) -> list[dict[str, Any]]:
    """Where the flagged rows are and whose they are, for the points' items."""
    sub = frame[mask]
    teams = sub["team"] if "_file" in sub else [None] * len(sub)  # several teams' registers
    return [{"sheet": s, "row": int(r), "customer": c, "team": t}
            for s, r, c, t in zip(sub["_sheet"], sub["_row"], sub["customer"], teams, strict=True)]


def _listed(key: str, items: Sequence[dict[str, Any]], multi: bool, **params: Any) -> HardPoint:
    """'N 件…：第3行 客户A、第5行 客户B 等' — the first few items by place and customer."""
    shown = listing((phrase("hard-point.lifecycle-item", place=_place(i, multi),
                            customer=i["customer"] or phrase("hard-point.no-customer"))
                     for i in items[:TOP]), more="list.more" if len(items) > TOP else "")
    return HardPoint(key, phrase(f"hard-point.{key}", n=len(items), items=shown, **params))


def _abnormal(frame: pd.DataFrame, mask: np.ndarray) -> HardPoint | None:
    """This week's abnormal closures, each with its reason and approver (or that they lack)."""
    if not mask.any():
        return None
    sub = frame[mask]
    none = phrase("hard-point.not-given")
    items = listing((phrase("hard-point.abnormal-item", customer=c or phrase("hard-point.no-customer"),
                            reason=r or none, approver=a or none)
                     for c, r, a in zip(sub["customer"], sub["abnormal_reason"],
                                        sub["approved_by"], strict=True)), sep="list.semi")
    return HardPoint("abnormal", phrase("hard-point.abnormal", n=int(mask.sum()), items=items))


def lifecycle_points(frame: pd.DataFrame, facts: pd.DataFrame, present: Collection[str],
                     settings: Settings, multi: bool) -> list[HardPoint]:
    """The lifecycle's points, each only where the register has its columns: complaints not
    accepted in time, pauses beyond 最长暂停, follow-up calls overdue, this week's dissatisfied
    customers and abnormal closures."""
    points: list[HardPoint | None] = []
    open_ = facts["open"].to_numpy(dtype=bool)
    if "accepted_on" in present:
        late = (open_ & frame["accepted_on"].isna().to_numpy()
                & (facts["age_workdays"].fillna(-1).to_numpy() > settings.accept_days))
        points.append(_listed("not-accepted", _rows(frame, late), multi,
                              days=settings.accept_days) if late.any() else None)
    if "paused_from" in present:
        long = facts["paused_now"].to_numpy(dtype=bool) & (
            facts["paused_workdays"].to_numpy() > settings.pause_max_days)
        points.append(_listed("pause-too-long", _rows(frame, long), multi,
                              days=settings.pause_max_days) if long.any() else None)
    due = facts["followup_due"].to_numpy(dtype=bool)
    if due.any():
        points.append(_listed("followup-due", _rows(frame, due), multi,
                              days=settings.followup_days))
    unhappy = facts["dissatisfied_in_week"].to_numpy(dtype=bool)
    if unhappy.any():
        customers = listing((c or phrase("hard-point.no-customer")
                             for c in frame.loc[unhappy, "customer"][:TOP * 2]),
                            more="list.more" if unhappy.sum() > TOP * 2 else "")
        points.append(HardPoint("dissatisfied", phrase("hard-point.dissatisfied",
                                                       n=int(unhappy.sum()), items=customers)))
    if "closure_kind" in present:
        points.append(_abnormal(frame, facts["abnormal_closed"].to_numpy(dtype=bool)))
    return [p for p in points if p is not None]
