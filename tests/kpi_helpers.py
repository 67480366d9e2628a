"""A small register around 国庆 2026 whose weekly figures were computed by hand.

Calendar (checked in test_kpi.py against complaint_xl.workdays): 中秋 Fri 09-25 off,
国庆 10-01..10-07 off, make-up working days Sun 09-20 and Sat 10-10.
ISO weeks: W38 09-14..20, W39 09-21..27, W40 09-28..10-04, W41 10-05..11, W42 10-12..18.
Run date AS_OF = Mon 2026-10-12, so the default report week is W41 (the holiday week).

Excel rows: the header is row 1, R1 is row 2 ... R9 is row 10.

R1 客户A(经销商) 李明 售后  raised Mon 09-28 (W40), deadline 10-09, closed Sat 10-10 (make-up day,
   W41): late; resolution (09-28, 10-10] = 29, 30, 8, 9, 10 -> 5 working days; effect 有效.
R2 客户B(终端客户) 张伟 品质 raised Wed 09-30 (W40), deadline 10-16, closed Sun 10-11 (W41): on
   time; resolution (09-30, 10-11] = 8, 9, 10 -> 3; effect 无效.
R3 客户A(经销商) 李明 售后  raised Thu 10-08 (W41), no deadline -> 15th working day = 10-28; open,
   no support unit; a repeat of R1 (10 days later); age (10-08, 10-12] = 9, 10, 12 -> 3.
R4 客户C(工程客户) 王芳 发货 raised 09-21 (W39), deadline 10-09, closed Mon 10-12 (W42, not W41).
R5 客户D(经销商) 张伟 物流  raised 09-15 (W38), deadline 09-30, open: overdue (09-30, 10-12] =
   8, 9, 10, 12 -> 4; age (09-15, 10-12] = 15 (make-up Sun 09-20 counts, 09-25 does not) -> 11-15.
R6 客户E (no attribute) 王芳 对账, no raised date, no deadline, closed Fri 10-09 (W41): not on
   time (no deadline), no resolution time.
R7 客户F(直营店) 刘洋 品质 重大 raised Fri 10-09 (W41), deadline Tue 10-13, open: due soon
   ((10-12, 10-13] = 1 <= 2); age (10-09, 10-12] = 10, 12 -> 2; no support unit.
R8 客户B(终端客户) 张伟 品质 raised 08-03, deadline 08-24, open: overdue (08-24, 10-12] = 31
   working days; age >15; no support unit. R2 (B, 品质) comes 58 days later: no repeat.
R9 客户G(经销商) 杨帆 安装 其他 raised 07-01, closed 07-20: every figure of 杨帆, 安装, 其他 is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from complaint_xl.loading import Loaded, load
from conftest import STANDARD_HEADER, row

AS_OF = dt.date(2026, 10, 12)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _r(seq: int, customer: str, owner: str, type_: str, **kw: Any) -> list[Any]:
    return row(seq=seq, customer=customer, owner=owner, type=type_,
               problem=f"{customer}反映第{seq}批板材问题，涉及型号A3-18共20张", **kw)


ROWS: list[list[Any]] = [
    _r(1, "客户A(经销商)", "李明", "售后", raised_on=d("2026-09-28"), support_unit="工厂",
       deadline=d("2026-10-09"), closed="是", closed_on=d("2026-10-10"), effect="有效",
       severity="一般", responsible="工厂"),
    _r(2, "客户B(终端客户)", "张伟", "品质", raised_on=d("2026-09-30"), support_unit="工厂",
       deadline=d("2026-10-16"), closed="是", closed_on=d("2026-10-11"), effect="无效",
       severity="一般", responsible="工厂"),
    _r(3, "客户A(经销商)", "李明", "售后", raised_on=d("2026-10-08"), closed="否", severity="一般",
       responsible="物流"),
    _r(4, "客户C(工程客户)", "王芳", "发货", raised_on=d("2026-09-21"), support_unit="内务",
       deadline=d("2026-10-09"), closed="是", closed_on=d("2026-10-12"), effect="有效",
       severity="一般", responsible="物流"),
    _r(5, "客户D(经销商)", "张伟", "物流", raised_on=d("2026-09-15"), support_unit="内务",
       deadline=d("2026-09-30"), closed="否", severity="一般", responsible="物流"),
    _r(6, "客户E", "王芳", "对账", support_unit="财务", closed="是", closed_on=d("2026-10-09"),
       severity="一般", responsible="财务"),
    _r(7, "客户F(直营店)", "刘洋", "品质", raised_on=d("2026-10-09"), deadline=d("2026-10-13"),
       closed="否", severity="重大", responsible="工厂"),
    _r(8, "客户B(终端客户)", "张伟", "品质", raised_on=d("2026-08-03"), deadline=d("2026-08-24"),
       closed="否", severity="一般", responsible="工厂"),
    _r(9, "客户G(经销商)", "杨帆", "安装", raised_on=d("2026-07-01"), support_unit="其他",
       deadline=d("2026-07-22"), closed="是", closed_on=d("2026-07-20"), effect="有效",
       severity="一般", responsible="客户"),
]

Maker = Callable[..., Path]


def without(column: str, rows: Sequence[Sequence[Any]] = ROWS,
            header: Sequence[str] = STANDARD_HEADER) -> tuple[list[str], list[list[Any]]]:
    """The header and rows with one column taken out (a sheet that lacks it)."""
    i = list(header).index(column)
    return ([h for j, h in enumerate(header) if j != i],
            [[v for j, v in enumerate(r) if j != i] for r in rows])


def load_rows(make_xlsx: Maker, rows: Sequence[Sequence[Any]] = ROWS,
              header: Sequence[str] = STANDARD_HEADER, *, as_of: dt.date = AS_OF,
              lang: str | None = None,
              extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> Loaded:
    """Write the rows as a real .xlsx and read it back the way the command line does."""
    path = make_xlsx(rows, header=header, extra_sheets=extra_sheets)
    return load(path, as_of=as_of, lang=lang)
