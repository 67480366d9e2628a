"""The 节假日 (Holidays) sheet: the team's own days off and working days, and which are official.

A year's schedule is trusted when the sheet marks its rows 已公布 and none of them
is still an estimate (see :mod:`complaint_xl.workdays`). The words each column
accepts are defined here once, for this reader and for the workbook that offers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from complaint_xl.register.dates import parse_date
from complaint_xl.register.text import cell_text, fold, header_key
from complaint_xl.settings.cells import Rows, find_table, report
from complaint_xl.settings.model import Settings
from complaint_xl.words import phrase

__all__ = [
    "HOLIDAY_ESTIMATE",
    "HOLIDAY_OFFICIAL",
    "HOLIDAY_OFF_KINDS",
    "HOLIDAY_STATUS_HEADERS",
    "HOLIDAY_WORKING_KINDS",
    "read_holidays",
]

HOLIDAY_WORKING_KINDS: Final[tuple[str, ...]] = (
    "上班", "上班日", "工作日", "补班", "调休上班", "working", "workday", "working day", "work",
    "是", "yes", "y", "1", "true",
)
"""类型 words that make a day a working day (是/yes: a 是否上班 column)."""
HOLIDAY_OFF_KINDS: Final[tuple[str, ...]] = (
    "休息", "休息日", "放假", "假日", "休假", "节假日", "假期", "holiday", "off", "day off",
    "rest day", "否", "no", "n", "0", "false",
)
"""类型 words that make a day a day off; any other word is reported and its row not used."""
HOLIDAY_OFFICIAL: Final[tuple[str, ...]] = (
    "已公布", "公布", "官方", "正式", "已确认", "official", "published", "confirmed",
)
"""状态 words of a row taken from the published schedule (the team vouches for it)."""
HOLIDAY_ESTIMATE: Final[tuple[str, ...]] = (
    "估计", "预估", "预计", "待公布", "未公布", "estimate", "estimated", "provisional",
)
"""状态 words of a guessed row; a 说明 containing 估计 or "estimate" counts the same."""
HOLIDAY_STATUS_HEADERS: Final[tuple[str, ...]] = ("状态", "公布状态", "status", "state")
_WORKING_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_WORKING_KINDS)
_OFF_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_OFF_KINDS)
_OFFICIAL_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_OFFICIAL)
_ESTIMATE_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_ESTIMATE)


def read_holidays(settings: Settings, sheet: str, rows: Rows) -> None:
    """Read the 节假日 rows: day, working or off, and whether the row is official.

    A 类型 that is neither a working-day nor a day-off word is reported and the row
    left out: guessing "day off" would move deadlines without anyone knowing. A
    sheet without a 类型 column is a plain list of days off.
    """
    head, cols = find_table(rows, {
        "date": ("日期", "date", "day"),
        "kind": ("类型", "上班/休息", "是否上班", "kind", "type", "working"),
        "status": HOLIDAY_STATUS_HEADERS,
        "note": ("说明", "备注", "注释", "note", "notes", "remark", "remarks", "description"),
    })
    if "date" not in cols:
        return

    def text(role: str, row: Sequence[Any]) -> tuple[str, Any]:
        c = cols.get(role)
        raw = row[c] if c is not None and c < len(row) else None
        return fold(cell_text(raw)), raw

    for r in range(head + 1, len(rows)):
        row = rows[r]
        dc = cols["date"]
        raw = row[dc] if dc < len(row) else None
        if raw in (None, ""):
            continue
        day, note = parse_date(raw, as_of=dt.date.today(), order=settings.date_order)
        if note not in (None, "text") or day != day:
            report(settings, sheet, r, dc, "日期", raw, "holiday-date")
            continue
        kind, kind_raw = text("kind", row)
        if "kind" not in cols:
            working = False
        elif header_key(kind) in _WORKING_KEYS:
            working = True
        elif header_key(kind) in _OFF_KEYS:
            working = False
        else:
            said = (phrase("settings.holiday-kind-named", kind=kind) if kind
                    else phrase("settings.holiday-kind-blank"))
            report(settings, sheet, r, cols["kind"], "类型", kind_raw, "holiday-kind", kind=said)
            continue
        date = day.astype(dt.date)
        settings.holidays[date] = working
        status, status_raw = text("status", row)
        key = header_key(status)
        if key in _OFFICIAL_KEYS:
            settings.official_holiday_years.add(date.year)
            continue
        if status and key not in _ESTIMATE_KEYS:
            report(settings, sheet, r, cols["status"], "状态", status_raw, "holiday-status",
                   status=status)
        remark = text("note", row)[0].lower()
        if key in _ESTIMATE_KEYS or "估计" in remark or "estimate" in remark:
            settings.estimated_holiday_years.add(date.year)
