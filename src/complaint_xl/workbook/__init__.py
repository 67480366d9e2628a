"""The team's register workbook (.xlsm): built from code and macros/*.bas, never by hand."""

from complaint_xl.workbook.builder import build_workbook, demo_settings
from complaint_xl.workbook.register_sheet import HEADER_ROW
from complaint_xl.workbook.sheets import BUTTONS, CONF_SHEET, SHEET_NAMES
from complaint_xl.workbook.style import HIGHLIGHT

__all__ = [
    "BUTTONS",
    "CONF_SHEET",
    "HEADER_ROW",
    "HIGHLIGHT",
    "SHEET_NAMES",
    "build_workbook",
    "demo_settings",
]
