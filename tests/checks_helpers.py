"""Tiny registers for the check tests: rows given by field name, written with XlsxWriter."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from tests.conftest import AS_OF, STANDARD_HEADER, write_value

import complaint_xl
from complaint_xl.checks import Findings

__all__ = ["FIELD_ORDER", "ExcelError", "check", "closed", "good", "write_register"]

FIELD_ORDER = ("seq", "customer", "customer_contact", "reporter", "reporter_contact", "owner", "type",
               "problem", "responsible", "raised_on", "support_unit", "deadline", "support_need",
               "progress", "effect", "summary", "closed", "closed_on", "severity")
"""The fields of conftest's STANDARD_HEADER, column A onwards."""


@dataclass(frozen=True)
class ExcelError:
    """A cell holding an Excel error value, written as a formula with that cached result."""

    text: str
    formula: str = "=NA()"


_BATCH = itertools.count(1001)


def good(**changes: Any) -> dict[str, Any]:
    """An open complaint that breaks no rule (as of conftest's AS_OF, 2026-11-29).

    Each call names another batch, so that two good rows are not the same complaint.
    """
    row: dict[str, Any] = {
        "customer": "长沙恒达建材有限公司(经销商)",
        "customer_contact": "13812345678",
        "reporter": "王经理",
        "reporter_contact": "0731-88886666",
        "owner": "李明",
        "type": "品质",
        "problem": f"E0级多层板（型号A3-18，批次2026{next(_BATCH)}）板面开裂，涉及120张",
        "responsible": "工厂",
        "raised_on": dt.date(2026, 11, 2),
        "deadline": dt.date(2026, 11, 13),
        "progress": "工厂检测中",
        "closed": "否",
        "severity": "一般",
    }
    row.update(changes)
    return row


def closed(**changes: Any) -> dict[str, Any]:
    """A complaint closed properly: summary, effect and closing date."""
    return good(**{"closed": "是", "closed_on": dt.date(2026, 11, 12), "effect": "有效",
                   "summary": "已更换 120 张，客户确认", "progress": "已处理完毕", **changes})


def write_register(path: Path, rows: Sequence[dict[str, Any]], *, drop: Sequence[str] = (),
                   extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
                   sheet: str = "登记表") -> Path:
    """The standard header (minus ``drop``) in row 1, then the rows; 序号 numbered unless given."""
    keep = [i for i, f in enumerate(FIELD_ORDER) if f not in drop]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(sheet)
    for j, i in enumerate(keep):
        ws.write_string(0, j, STANDARD_HEADER[i])
    for r, values in enumerate(rows, start=1):
        values = {"seq": r, **values}
        for j, i in enumerate(keep):
            write_value(ws, r, j, values.get(FIELD_ORDER[i]), date_fmt)
    for name, extra in (extra_sheets or {}).items():
        other = wb.add_worksheet(name)
        for r, values in enumerate(extra):
            for c, v in enumerate(values):
                write_value(other, r, c, v, date_fmt)
    wb.close()
    return path


def check(tmp_path: Path, *rows: dict[str, Any], drop: Sequence[str] = (),
          extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
          as_of: dt.date = AS_OF, lang: str | None = None, name: str = "register.xlsx") -> Findings:
    """Write the rows, load them like the CLI does, and validate."""
    path = write_register(tmp_path / name, rows, drop=drop, extra_sheets=extra_sheets)
    loaded = complaint_xl.load(path, as_of=as_of, lang=lang)
    return complaint_xl.check_register(loaded.register, loaded.settings, loaded.as_of, loaded.calendar)
