"""Small registers for the chase tests, written as real .xlsx files and read back with load().

The calendar around 国庆 2026 is stated in the workbook's 节假日 sheet, so the
hand-computed working days below hold whatever the holidays package knows:
中秋 09-25 (Fri) off, 国庆 10-01..07 off, make-up working days 09-20 (Sun) and
10-10 (Sat).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pandas as pd

from complaint_xl.loading import Loaded, load
from complaint_xl.sample import write_register_xlsx

HOLIDAYS: list[list[Any]] = [
    ["日期", "类型"],
    ["2026-09-20", "上班"], ["2026-09-25", "休息"],
    *[[f"2026-10-0{d}", "休息"] for d in range(1, 8)],
    ["2026-10-10", "上班"],
]

STAFF: list[list[Any]] = [
    ["姓名", "邮箱", "上级", "角色", "负责支援单位"],
    ["李明", "li.ming@example.com", "周强", "销售", ""],
    ["王芳", "wang.fang@example.com", "周强", "销售", ""],
    ["杨帆", "", "周强", "销售", ""],
    ["周强", "zhou.qiang@example.com", "孙建国", "销售主管", ""],
    ["孙建国", "sun.jianguo@example.com", "", "经理", ""],
    ["冯工", "feng.gong@example.com", "孙建国", "工厂", "工厂"],
    ["郑红", "zheng.hong@example.com", "孙建国", "财务", "财务、内务"],
]

SETTINGS: list[list[Any]] = [
    ["项目", "值"],
    ["经理", "孙建国"],
    ["发件人", "assistant@example.com"],
]

AS_OF = dt.date(2026, 10, 12)  # a Monday, the second working day after 国庆


def row(seq: int, deadline: str, *, owner: str = "李明", customer: str | None = None,
        type_: str = "品质", severity: str = "一般", closed: str = "否",
        closed_on: str | None = None, support_unit: str | None = None,
        support_need: str | None = None, problem: str | None = None,
        progress: str = "工厂检测中") -> dict[str, Any]:
    """One complaint raised on 2026-09-01, with the given deadline."""
    return {
        "seq": seq,
        "customer": customer or f"客户{seq:02d}有限公司",
        "owner": owner,
        "type": type_,
        "problem": problem or f"客户{seq:02d}反映E0级多层板（型号A3-18）板面开裂，涉及{seq}张",
        "raised_on": pd.Timestamp("2026-09-01"),
        "support_unit": support_unit,
        "deadline": pd.Timestamp(deadline),
        "support_need": support_need,
        "progress": progress,
        "closed": closed,
        "closed_on": pd.Timestamp(closed_on) if closed_on else pd.NaT,
        "severity": severity,
    }


def write_register(path: Path, rows: list[dict[str, Any]], *,
                   settings: list[list[Any]] | None = None,
                   staff: list[list[Any]] | None = None,
                   lists: list[list[Any]] | None = None) -> Path:
    """A register workbook with the staff, settings and holidays sheets."""
    extra: dict[str, list[list[Any]]] = {
        "人员": staff or STAFF, "设置": settings or SETTINGS, "节假日": HOLIDAYS,
    }
    if lists:
        extra["列表"] = lists
    frame = pd.DataFrame(rows)
    return write_register_xlsx(frame, path, extra_sheets=extra)


def load_register(path: Path, as_of: dt.date = AS_OF, lang: str | None = None) -> Loaded:
    return load(path, as_of=as_of, lang=lang)


def parse(path: Path) -> EmailMessage:
    """A draft read back with the strict policy (raises on malformed headers)."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.strict)
    assert isinstance(msg, EmailMessage)
    return msg


def bodies(msg: EmailMessage) -> tuple[str, str]:
    """(plain, html) parts of a draft."""
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def positions(text: str, needles: list[str]) -> list[int]:
    """Where each needle first occurs (all must occur)."""
    found = [text.find(n) for n in needles]
    assert all(i >= 0 for i in found), list(zip(needles, found, strict=True))
    return found
