"""Which sheet of a workbook is which, told by its name alone.

The book skips the product's own sheets and reads the settings sheets first; the
settings reader picks its sheets by the same names. Kept free of pandas: the
command line decides which sheets to read, and starts reading them, before the
heavy libraries are loaded.
"""

from __future__ import annotations

from typing import Final

from complaint_xl.register.text import header_key

__all__ = ["SETTINGS_SHEETS", "TOOL_SHEETS", "sheet_role"]

# Sheet roles and the names a workbook may give them (folded keys).
SETTINGS_SHEETS: Final[dict[str, tuple[str, ...]]] = {
    "settings": ("设置", "settings", "配置", "参数"),
    "staff": ("人员", "staff", "人员名单", "people"),
    "lists": ("列表", "lists", "选项", "下拉列表"),
    "holidays": ("节假日", "holidays", "假期"),
    "mapping": ("列映射", "mapping", "columnmapping", "字段映射"),
    "rules": ("规则", "rules", "校验规则"),
}
"""Sheets that hold configuration; they are never read as a register."""

TOOL_SHEETS: Final[tuple[str, ...]] = (
    "检查结果", "findings", "催办", "chase", "周报", "weekly", "使用说明", "instructions",
    "readme", "xlwings.conf", "_xlwings.conf",
)
"""Sheets the product itself writes or ships; never read as a register."""


_ROLES: Final[dict[str, str]] = {
    **{header_key(n): "tool" for n in TOOL_SHEETS},
    **{header_key(n): role for role, names in SETTINGS_SHEETS.items() for n in names},
}


def sheet_role(name: str) -> str | None:
    """The settings role of a sheet name, 'tool' for the product's own sheets, else None."""
    return _ROLES.get(header_key(name))
