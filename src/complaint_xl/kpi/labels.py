"""Names of the figures, breakdowns, columns and reasons in Chinese and English.

The workbooks, the page, the draft, the buttons and the command line all label a
figure or a column the same way, so the words live here once; a register field is
named by its header in :data:`complaint_xl.register.schema.FIELDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from complaint_xl.register.schema import FIELDS

__all__ = [
    "AGING_BUCKETS",
    "COLUMNS",
    "DIMENSIONS",
    "FIGURES",
    "NOTES",
    "PARTS",
    "REASONS",
    "RESOLUTION_FIGURES",
    "text",
]

FIGURES: Final[dict[str, tuple[str, str]]] = {
    "new": ("新增", "New"),
    "closed": ("结案", "Closed"),
    "closed_on_time": ("按期结案", "Closed on time"),
    "on_time_rate": ("按期结案率", "On-time rate"),
    "open": ("未结案", "Open"),
    "overdue": ("已逾期", "Overdue"),
    "due_soon": ("即将到期", "Due soon"),
    "median_resolution_workdays": ("处理时长中位数(工作日)", "Median resolution (working days)"),
    "mean_resolution_workdays": ("平均处理时长(工作日)", "Mean resolution (working days)"),
}
"""Every key of ``totals`` and of each ``by`` value, in the order they are shown."""

PARTS: Final[dict[str, tuple[str, str]]] = {
    "aging": ("账龄", "aging"),
    "effect": ("效果评估", "effect evaluation"),
}
"""Parts of the report other than FIGURES that can be unavailable."""

RESOLUTION_FIGURES: Final[tuple[str, ...]] = ("median_resolution_workdays",
                                              "mean_resolution_workdays")

COLUMNS: Final[dict[str, tuple[str, str]]] = {
    **{f.name: (f.zh, f.en) for f in FIELDS},
    # shorter than the template's 客户(属性) and 问题点(评估): a list has its own attribute column
    "customer": ("客户", "Customer"),
    "problem": ("问题点", "Problem"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行号", "Row"),
    "overdue": ("逾期", "Overdue"),
    "due_soon": ("即将到期", "Due soon"),
    "workdays_overdue": ("逾期工作日", "Working days overdue"),
}
"""Headers of the columns that list complaints: the register's fields and computed columns."""

DIMENSIONS: Final[dict[str, tuple[str, str]]] = {
    k: COLUMNS[k] for k in ("type", "support_unit", "owner", "customer_attr", "responsible", "severity")
}
"""Breakdowns of ``by``: the first four always, the last two where the sheet has them."""

AGING_BUCKETS: Final[tuple[str, ...]] = ("0-5", "6-10", "11-15", ">15")
"""Working days since raised_on of the open rows."""

REASONS: Final[dict[str, tuple[str, str]]] = {
    "no-closed-on-column": (
        "登记表没有“结案日期”列，无法按周统计结案数、按期结案率和处理时长",
        "the register has no 'closed on' column, so closures per week, the on-time rate and "
        "resolution times cannot be measured"),
    "no-raised-on-column": (
        "登记表没有“提出日期”列，无法统计新增数、处理时长和账龄",
        "the register has no 'raised on' column, so new complaints, resolution times and "
        "aging cannot be measured"),
    "no-deadline": (
        "登记表既没有“解决期限”列也没有“提出日期”列，无法判断是否按期或逾期",
        "the register has neither a deadline nor a 'raised on' column, so nothing can be "
        "judged on time or overdue"),
    "no-closed-columns": (
        "登记表既没有“是否结案”列也没有“结案日期”列，无法区分已结案和未结案",
        "the register has neither a 'closed?' nor a 'closed on' column, so open and closed "
        "complaints cannot be told apart"),
    "no-effect-column": (
        "登记表没有“效果评估”列", "the register has no 'effect' column"),
    "no-closures": ("本周没有结案", "no closures this week"),
}
"""Why a figure is null: shown beside the '—' in every output."""

NOTES: Final[dict[str, tuple[str, str]]] = {
    "closed-without-date": (
        "{count} 条标记为已结案但没有结案日期，不计入任何一周的结案数",
        "{count} rows are marked closed but have no closing date; they count in no week's "
        "closures"),
    "deadline-derived": (
        "{count} 条没有解决期限，按时限设置（提出日期后第 N 个工作日）推算",
        "{count} rows have no deadline; it was derived from the SLA setting (the N-th working "
        "day after raised on)"),
    "no-raised-on": (
        "{count} 条没有提出日期，不计入新增、账龄和处理时长",
        "{count} rows have no raised-on date; they are not in new, aging or resolution figures"),
    "closed-no-deadline": (
        "本周结案中 {count} 条没有期限，按未按期计",
        "{count} of this week's closures have no deadline and count as not on time"),
}
"""Context for the figures: nothing is null, but the reader should know."""


def text(table: Mapping[str, tuple[str, str]], key: str, lang: str, **params: Any) -> str:
    """The zh or en text of a key in a table of (zh, en) pairs, such as those above.

    With ``params`` the text is a template: ``text(NOTES, "no-raised-on", "en", count=3)``.
    """
    zh, en = table[key]
    chosen = zh if lang == "zh" else en
    return chosen.format(**params) if params else chosen
