"""Registers with the lifecycle's columns (design.md), around 劳动节 2026, for the lifecycle tests.

The calendar is stated in the 节假日 sheet, so the hand counts below hold whatever the
holidays package knows (they are also the State Council's 2026 schedule):
劳动节 Fri 05-01 .. Tue 05-05 off, Sat 05-09 a make-up working day (调休上班).

    April 27 Mon .. 30 Thu   working days
    May 1 Fri .. 5 Tue       off
    May 6 Wed, 7 Thu, 8 Fri  working days
    May 9 Sat                working day (调休)
    May 10 Sun               off
    May 11 Mon .. 15 Fri     working days; 16, 17 weekend
    May 18 Mon .. 22 Fri     working days; 23, 24 weekend; 25 .. 29 and June 1 .. 5 working

AS_OF is Wed 2026-05-20; the default report week is then 2026-W20 (May 11 .. 17).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from complaint_xl.loading import Loaded, load
from conftest import write_xlsx

AS_OF = dt.date(2026, 5, 20)

HEADERS: dict[str, str] = {
    "seq": "序号", "customer": "客户(属性)", "owner": "跟进人员", "type": "投诉项目",
    "problem": "问题点(评估)", "raised_on": "提出日期", "deadline": "解决期限",
    "progress": "进展情况", "effect": "效果评估", "summary": "结案或小结", "closed": "是否结案",
    "closed_on": "结案日期",
    # the lifecycle's columns, under headers people type (synonyms of the template's)
    "accepted_on": "受理时间", "paused_from": "暂停(开始)", "paused_to": "等待客户结束",
    "extended_to": "延期期限", "customer_informed": "是否告知客户", "closure_kind": "结案类型",
    "abnormal_reason": "非正常结案原因", "approved_by": "审批人", "followup_on": "回访时间",
    "satisfaction": "客户满意度", "new_action": "新纠正措施",
}
"""Field -> the header written (column A onwards, in this order)."""
LIFECYCLE = ("accepted_on", "paused_from", "paused_to", "extended_to", "customer_informed",
             "closure_kind", "abnormal_reason", "approved_by", "followup_on", "satisfaction",
             "new_action")

HOLIDAYS: list[list[Any]] = [
    ["日期", "类型", "状态"],
    *[[f"2026-05-0{d}", "休息", "已公布"] for d in range(1, 6)],
    ["2026-05-09", "上班", "已公布"],
]
STAFF: list[list[Any]] = [
    ["姓名", "邮箱", "上级"],
    ["李明", "li.ming@example.com", "周强"],
    ["张伟", "zhang.wei@example.com", "周强"],
    ["周强", "zhou.qiang@example.com", ""],
]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def complaint(seq: int, customer: str, **fields: Any) -> dict[str, Any]:
    """An open complaint of 李明's, raised 2026-05-06 with a far deadline, and ``fields``."""
    row: dict[str, Any] = {
        "seq": seq, "customer": customer, "owner": "李明", "type": "品质",
        "problem": f"{customer}反映E0级多层板（型号A3-18，批次{seq:03d}）板面开裂，涉及20张",
        "raised_on": d("2026-05-06"), "deadline": d("2026-06-30"), "progress": "工厂检测中",
        "closed": "否",
    }
    row.update(fields)
    return row


def closed(seq: int, customer: str, closed_on: str, **fields: Any) -> dict[str, Any]:
    """A complaint closed properly on ``closed_on``."""
    return complaint(seq, customer, **{"closed": "是", "closed_on": d(closed_on), "effect": "有效",
                                       "summary": "已更换 20 张，客户确认", "progress": "已处理完毕",
                                       **fields})


def write(path: Path, rows: Sequence[dict[str, Any]], *, drop: Sequence[str] = (),
          settings: Sequence[Sequence[Any]] | None = None,
          lists: Sequence[Sequence[Any]] | None = None) -> Path:
    """The register (every field of HEADERS but ``drop``) with 节假日, 人员 and optional 设置, 列表."""
    fields = [f for f in HEADERS if f not in drop]
    sheets: dict[str, Sequence[Sequence[Any]]] = {
        "登记表": [[HEADERS[f] for f in fields], *([r.get(f) for f in fields] for r in rows)],
        "节假日": HOLIDAYS, "人员": STAFF,
    }
    if settings:
        sheets["设置"] = [["项目", "值"], *settings]
    if lists:
        sheets["列表"] = lists
    return write_xlsx(path, sheets)


def read(path: Path, as_of: dt.date = AS_OF, lang: str | None = None) -> Loaded:
    return load(path, as_of=as_of, lang=lang)


def grid_values(rows: Sequence[dict[str, Any]], drop: Sequence[str] = ()) -> list[list[Any]]:
    """The same register as the grid API gets it: header row first, dates as datetimes."""
    fields = [f for f in HEADERS if f not in drop]

    def cell(v: Any) -> Any:
        return dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v

    return [[HEADERS[f] for f in fields], *([cell(r.get(f)) for f in fields] for r in rows)]


WEEK_ROWS: list[dict[str, Any]] = [
    # Week 2026-W20 as of 2026-05-20 with every lifecycle case, counted by hand; the report
    # tests and the SQL over the export both check their figures against these counts.
    # rows 2-4: raised in W20; accepted the same day / Thu after Tue, (12, 14] = 2 > 1 / not yet
    complaint(1, "客户A", raised_on=d("2026-05-11"), accepted_on=d("2026-05-11")),
    complaint(2, "客户B", raised_on=d("2026-05-12"), accepted_on=d("2026-05-14")),
    complaint(3, "客户C", raised_on=d("2026-05-13")),
    # row 5: closed Tue 05-12 after 6 working days (6-9, 11, 12); deadline 05-08 paused 7, 8, 9
    #        (调休), 11 = 4 -> 9, 11, 12, 13: 05-13, so on time; called back, very satisfied
    closed(4, "客户D", "2026-05-12", raised_on=d("2026-05-04"), accepted_on=d("2026-05-06"),
           deadline=d("2026-05-08"), paused_from=d("2026-05-07"), paused_to=d("2026-05-11"),
           closure_kind="正常", followup_on=d("2026-05-14"), satisfaction="非常满意"),
    # row 6: closed Fri 05-15 after 12 (28-30, 6-9, 11-15); extended to 05-22: on time;
    #        called back the same day, very dissatisfied
    closed(5, "客户E", "2026-05-15", raised_on=d("2026-04-27"), accepted_on=d("2026-04-27"),
           deadline=d("2026-05-08"), extended_to=d("2026-05-22"), customer_informed="是",
           followup_on=d("2026-05-15"), satisfaction="很不满意"),
    # row 7: closed Thu 05-14 after 7 (7-9, 11-14), late; abnormally, with reason and approver
    closed(6, "客户F", "2026-05-14", accepted_on=d("2026-05-06"), deadline=d("2026-05-08"),
           closure_kind="非正常结案", abnormal_reason="客户要求赔偿超出合同约定",
           approved_by="孙建国"),
    # row 8: closed Wed 05-06 (W19), no call since: (6, 20] = 11 > 5
    closed(7, "客户G", "2026-05-06", raised_on=d("2026-04-20"), accepted_on=d("2026-04-20")),
    # row 9: a key account, no deadline: 5 working days (18-22) -> 05-22, due soon (20, 22] = 2
    complaint(8, "客户H(大客户)", raised_on=d("2026-05-15"), accepted_on=d("2026-05-15"),
              deadline=None),
]
