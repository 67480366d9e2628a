"""Three teams' registers with settings of their own, around 2026-11-30, for the multi-team tests.

    Nov 23 Mon .. 27 Fri   working days; 28, 29 weekend
    Nov 30 Mon             AS_OF; the default report week is 2026-W48 (Nov 23 .. 29)
    Dec 1 Tue              a working day, but 华东's own 节假日 sheet makes it a day off
    Dec 2 Wed .. 4 Fri     working days

- 华东.xlsx: its 设置 says 到期提醒 5 and 默认时限 3, its 节假日 Dec 1 off, its 人员 lists 李明.
- 华南.xlsx: no settings sheet (defaults: 到期提醒 2, 默认时限 15).
- 华北.xlsx: a 团队 column (华北一组, 华北二组, one blank: the file's team 华北); no settings.

Each row, hand-computed as of AS_OF under its own team's settings (workdays are (a, b]):

    华东 A  李明 raised 11-24, deadline 12-04, open   new; (11-30, 12-04] = 12-2,3,4 = 3 <= 5: due soon
    华东 D  李明 raised 11-10, deadline 11-25, open   overdue (11-25, 11-30] = 26, 27, 30 = 3
    华东 H  李明 raised 11-23, no deadline, open      new; derived 3rd working day: 11-26; overdue 2
    华南 B  张伟 raised 11-27, deadline 12-02, open   new; (11-30, 12-02] = 2 <= 2: due soon
    华南 C  张伟 raised 11-16, deadline 12-04, open   4 > 2: not due soon (华东's 5 would say it is)
    华北 E  李明 华北一组 raised 11-09, deadline 11-20, open: overdue 23..27 + 30 = 6
    华北 F  王芳 (blank)  raised 11-23, deadline 11-27, closed 11-24: new, closed on time, 1 day
    华北 G  王芳 华北二组 raised 11-26, deadline 12-10, open: new
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from conftest import write_xlsx

AS_OF = dt.date(2026, 11, 30)
HEADER = ["序号", "客户", "跟进人员", "投诉项目", "问题点", "提出日期", "解决期限", "是否结案", "结案日期"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _row(seq: int, customer: str, owner: str, raised: str, deadline: str | None,
         closed_on: str | None = None) -> list[Any]:
    problem = f"{customer}反映E0级多层板（型号A3-18，批次{seq:03d}）板面开裂，涉及20张"
    return [seq, customer, owner, "品质", problem, d(raised), d(deadline) if deadline else None,
            "是" if closed_on else "否", d(closed_on) if closed_on else None]


EAST = [_row(1, "甲公司", "李明", "2026-11-24", "2026-12-04"),
        _row(2, "乙公司", "李明", "2026-11-10", "2026-11-25"),
        _row(3, "丙公司", "李明", "2026-11-23", None)]
SOUTH = [_row(1, "丁公司", "张伟", "2026-11-27", "2026-12-02"),
         _row(2, "戊公司", "张伟", "2026-11-16", "2026-12-04")]
NORTH = [[*_row(1, "己公司", "李明", "2026-11-09", "2026-11-20"), "华北一组"],
         [*_row(2, "庚公司", "王芳", "2026-11-23", "2026-11-27", "2026-11-24"), None],
         [*_row(3, "辛公司", "王芳", "2026-11-26", "2026-12-10"), "华北二组"]]

EAST_SETTINGS = {
    "设置": [["项目", "值"], ["到期提醒(工作日)", 5], ["默认时限(工作日)", 3]],
    "节假日": [["日期", "类型", "状态", "说明"], ["2026-12-01", "休息", "", "公司活动"]],
    "人员": [["姓名", "邮箱", "上级"], ["李明", "li.ming@example.com", ""],
           ["张伟", "zhang.wei@example.com", ""]],
}
SHARED_SETTINGS = {"设置": [["项目", "值"], ["到期提醒(工作日)", 5]],
                   "人员": [["姓名", "邮箱", "上级"], ["王芳", "wang.fang@example.com", ""]]}
"""--settings: 到期提醒 5 for every team, default SLA, no company day off."""


def make_teams(folder: Path, *, bad: bool = True) -> Path:
    """The three registers in ``folder`` (with an unusable 坏表.xlsx and Excel's lock file of
    华东 when ``bad``); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    write_xlsx(folder / "华东.xlsx", {"登记表": [HEADER, *EAST], **EAST_SETTINGS})
    write_xlsx(folder / "华南.xlsx", {"登记表": [HEADER, *SOUTH]})
    write_xlsx(folder / "华北.xlsx", {"登记表": [[*HEADER, "团队"], *NORTH]})
    if bad:
        (folder / "坏表.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
        (folder / "~$华东.xlsx").write_bytes(b"\0" * 165)
    return folder


def make_shared_settings(path: Path) -> Path:
    return write_xlsx(path, SHARED_SETTINGS)
