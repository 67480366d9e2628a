"""The demo: a sample register, then every command run on it, into one folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from complaint_xl.outputs.files import ensure_folder
from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx

__all__ = ["run_demo", "write_demo_register"]


def write_demo_register(path: Path, *, today: dt.date, lang: str = "zh", rows: int = 240) -> Path:
    """The demo team's register: a title row, planted mistakes, staff and settings sheets."""
    frame = make_register(rows, as_of=today, seed=2026)
    return write_register_xlsx(frame, path, lang=lang,
                               title="客户投诉管理表" if lang == "zh" else "Customer complaints",
                               extra_sheets=sample_settings_sheets(lang))


def run_demo(out: Path, *, today: dt.date, lang: str = "zh",
             echo: Callable[[str], None] = print) -> list[Path]:
    """Write the sample register into ``out`` and run validate, chase and report on it."""
    folder = ensure_folder(out)
    register = write_demo_register(folder / ("示例投诉登记.xlsx" if lang == "zh" else
                                             "sample-register.xlsx"), today=today, lang=lang)
    written = [register]
    echo(("示例登记表：" if lang == "zh" else "sample register: ") + str(register))
    return written
