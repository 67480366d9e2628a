"""Shared fixtures: registers built by the tests themselves, with XlsxWriter."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

# The command line speaks the system locale's language (issue 17): the suite runs as in a
# bare C locale whatever the developer's shell says; the tests of that choice set their own.
for _variable in ("LC_ALL", "COMPLAINT_XL_LANG"):
    os.environ.pop(_variable, None)
os.environ["LC_MESSAGES"] = "C.UTF-8"

AS_OF = dt.date(2026, 11, 29)
DATA = Path(__file__).resolve().parent / "data"

STANDARD_HEADER = [
    "序号", "客户(属性)", "联系方式", "反应人", "联系方式", "跟进人员", "投诉项目", "问题点(评估)",
    "责任方类别", "提出日期", "支援单位", "解决期限", "支援或协助需求点", "进展情况", "效果评估",
    "结案或小结", "是否结案", "结案日期", "严重程度",
]

XlsxMaker = Callable[..., Path]


def write_value(ws: Any, r: int, c: int, v: Any, date_fmt: Any, *, formulas: bool = False) -> None:
    """One test cell as Excel would hold it: dates as date cells, numbers as numbers.

    An object with ``formula`` and ``text`` (an Excel error such as #N/A) becomes that
    formula with the error as its cached result; with ``formulas``, text starting with
    "=" becomes a formula (for LibreOffice to calculate); any other text stays text.
    """
    if hasattr(v, "formula") and hasattr(v, "text"):
        ws.write_formula(r, c, v.formula, None, v.text)
    elif formulas and isinstance(v, str) and v.startswith("="):
        ws.write_formula(r, c, v)
    elif isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v, date_fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v)
    elif v is not None:
        ws.write_string(r, c, str(v))


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook with the given sheets (rows of values); dates become real date cells."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                write_value(ws, r, c, v, date_fmt)
    wb.close()
    return path


@pytest.fixture
def make_xlsx(tmp_path: Path) -> XlsxMaker:
    """make_xlsx(rows, header=STANDARD_HEADER, name=..., extra_sheets=...) -> path."""
    counter = iter(range(1000))

    def make(rows: Sequence[Sequence[Any]], header: Sequence[str] = STANDARD_HEADER,
             sheet: str = "登记表", extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
             name: str | None = None) -> Path:
        path = tmp_path / (name or f"register{next(counter)}.xlsx")
        return write_xlsx(path, {sheet: [list(header), *rows], **(extra_sheets or {})})

    return make


def row(**values: Any) -> list[Any]:
    """A row of the standard header from field names (unnamed fields empty)."""
    order = ["seq", "customer", "customer_contact", "reporter", "reporter_contact", "owner", "type",
             "problem", "responsible", "raised_on", "support_unit", "deadline", "support_need",
             "progress", "effect", "summary", "closed", "closed_on", "severity"]
    unknown = set(values) - set(order)
    assert not unknown, unknown
    return [values.get(f) for f in order]


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """complaint_xl's wheel, built once per session from the work tree as it is now (without
    its dependencies), for the Pyodide tests to install."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("project-wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(DATA.parent.parent),
                           "-w", str(folder)], capture_output=True, text=True, timeout=600)
    if done.returncode:
        pytest.fail(f"complaint_xl's wheel did not build:\n{done.stdout}{done.stderr[-3000:]}")
    (wheel,) = folder.glob("complaint_xl-*.whl")
    return wheel
