"""Build the team's macro-enabled register workbook (.xlsm) with XlsxWriter.

Everything a salesperson without Python needs is a plain Excel feature: the register
is an Excel table (new rows inherit validation, formats and colours), dropdowns come
from named lists, dates are validated, the 填写规范 show as input hints, and the
overdue / due-soon / closed colours are conditional formats with plain formulas. The
buttons run the VBA in ``macros/*.bas``, compiled into the file by
:mod:`complaint_xl.vba` together with xlwings' standalone module, so no add-in is
needed. The output is reproducible: the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.errors import UsageError
from complaint_xl.outputs.files import atomic_path
from complaint_xl.outputs.xlsx import open_workbook, write_cell
from complaint_xl.register.text import column_letter
from complaint_xl.sample import make_register, sample_settings_sheets
from complaint_xl.settings import Settings, read_settings
from complaint_xl.vba import build_vba_project, load_macro_sources
from complaint_xl.words import listing, say
from complaint_xl.workbook import sheets as content
from complaint_xl.workbook.mask import KEY_NAME, MASK_NAME, MASK_ROWS
from complaint_xl.workbook.register_sheet import register_columns, write_register_sheet
from complaint_xl.workbook.sheets import CONF_SHEET, SHEET_NAMES, Lang
from complaint_xl.workbook.style import Formats, formats, printable, ref

__all__ = ["CODE_NAMES", "DEMO_ROWS", "DEMO_SEED", "build_workbook", "demo_settings", "macros_dir"]

DEMO_ROWS: Final[int] = 240
DEMO_SEED: Final[int] = 2026
NAME_ROWS: Final[int] = 500
"""Rows the list and holiday names look at on their sheets."""
CODE_NAMES: Final[dict[str, str]] = {
    "register": "shRegister", "guide": "shGuide", "settings": "shSettings", "staff": "shStaff",
    "lists": "shLists", "holidays": "shHolidays", "mapping": "shMapping", "rules": "shRules",
    "conf": "shXlwingsConf", "mask": "shFindingsMask",
}
"""VBA code names of the sheets, in sheet order; the VBA project has a module for each."""


def macros_dir() -> Path:
    """The VBA sources: shipped inside the package, or at the repository root when editable."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "macros"
    return shipped if shipped.is_dir() else package.parent.parent / "macros"


def demo_settings(lang: Lang) -> Settings:
    """The demo team's settings: the sample staff with e-mails and a few values set."""
    return read_settings(sample_settings_sheets(lang)).with_overrides(lang=lang)


def _name(lang: Lang, role: str) -> str:
    return content.sheet_name(role, lang)


def _write_rows(ws: Worksheet, rows: Sequence[Sequence[Any]], f: Formats, first_row: int = 0,
                header: bool = True) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if header and r == 0:
                ws.write_string(first_row, c, str(value), f.header)
            else:
                write_cell(ws, first_row + r, c, value, None, f.date)


def _table(ws: Worksheet, rows: Sequence[Sequence[Any]], name: str, f: Formats,
           widths: Sequence[float]) -> None:
    """A settings table with filters; the reader finds its header like any other row."""
    head, body = rows[0], rows[1:] or [[None] * len(rows[0])]
    ws.add_table(0, 0, len(body), len(head) - 1, {
        "name": name, "style": "Table Style Light 9",
        "columns": [{"header": str(h), "header_format": f.header} for h in head],
    })
    _write_rows(ws, body, f, first_row=1, header=False)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width, f.left)
    ws.freeze_panes(1, 0)
    printable(ws)


# -- the settings sheets (the register sheet is in register_sheet.py) ---------------------

def _lists(wb: Workbook, ws: Worksheet, settings: Settings, lang: Lang, f: Formats) -> None:
    sheet = ws.get_name()
    for c, column in enumerate(content.list_columns(settings, lang)):
        ws.write_string(0, c, column.header, f.header)
        for r, value in enumerate(column.values, start=1):
            write_cell(ws, r, c, value)
        ws.set_column(c, c, column.width)
        if column.name:
            letter = column_letter(c)
            cells = ref(sheet, f"${letter}$2:${letter}${NAME_ROWS}")
            wb.define_name(column.name, f"=OFFSET({ref(sheet, f'${letter}$2')},0,0,"
                                        f"MAX(1,COUNTA({cells})),1)")
    note_col = len(content.list_columns(settings, lang)) + 1
    ws.set_column(note_col, note_col, 36)
    ws.write_string(0, note_col, say("workbook.lists.note", lang), f.note)
    ws.freeze_panes(1, 0)
    printable(ws)


def _guide(ws: Worksheet, lang: Lang, f: Formats) -> None:
    ws.set_column(0, 0, content.GUIDE_WIDTH, f.wrap)
    printable(ws)
    styles = {"title": f.title, "head": f.head, "": f.wrap}
    row = 0
    for style, text in content.guide_rows(lang):
        if style == "head":
            row += 1
        ws.set_row(row, content.guide_row_height(style, text))
        ws.write_string(row, 0, text, styles[style])
        row += 1
    ws.hide_gridlines(2)


def _holiday_choices(ws: Worksheet, lang: Lang) -> None:
    """Drop-downs for the 节假日 sheet's 类型 and 状态 (B and C), so a typo is caught while typing.

    A warning, not a stop: the reader also takes the synonyms (补班, 放假, ...) and reports
    anything else at its cell.
    """
    def words(*keys: str) -> list[str]:
        return [say(f"workbook.holidays.{k}", lang) for k in keys]

    for col, values, column, hint in ((1, words("off", "working"), "kind", "kind-hint"),
                                      (2, words("official", "estimate"), "status", "status-hint")):
        ws.data_validation(1, col, NAME_ROWS - 1, col, {
            "validate": "list", "source": values, "error_type": "warning",
            "input_title": say(f"workbook.holidays-head.{column}", lang),
            "input_message": say(f"workbook.holidays.{hint}", lang),
            "error_title": say("workbook.pick-title", lang),
            "error_message": say("workbook.holidays.values", lang, values=listing(values)),
        })


def _findings_mask(wb: Workbook, ws: Worksheet, lang: Lang) -> dict[str, str]:
    """The hidden sheet the 校验 button writes its marks to, and the names the register's
    colours read them by (:mod:`complaint_xl.workbook.mask`); returns those names."""
    ws.hide()
    ws.set_column(0, 0, 24)
    ws.write_string(0, 3, say("workbook.mask-note", lang))
    seq = column_letter([field for field, _ in register_columns(lang)].index("seq"))
    wb.define_name(MASK_NAME, "=" + ref(ws.get_name(), f"$A$1:$B${MASK_ROWS}"))
    wb.define_name(KEY_NAME, "=" + ref(_name(lang, "register"), f"${seq}$1:${seq}${MASK_ROWS}"))
    return {"mask": MASK_NAME, "key": KEY_NAME}


def build_workbook(target: str | Path, *, lang: Lang = "zh", demo: bool = False,
                   today: dt.date | None = None, settings: Settings | None = None,
                   force: bool = False) -> Path:
    """Write the register workbook to ``target`` (.xlsm) and return its path.

    ``today`` fixes the holiday years (this one and the next), the sample rows of a
    ``demo`` workbook and the file's dates, so a given day always gives the same
    bytes. ``settings`` are the values written to the settings sheets (defaults, or
    the demo team's for ``demo``).

    An existing ``target`` is replaced only with ``force``: it may be the team's
    register. Raises :class:`~complaint_xl.errors.UsageError` ``workbook-exists`` then,
    and ``xlsm-needed`` for another extension (Excel refuses macros in a .xlsx).
    """
    target = Path(target)
    if target.suffix.lower() != ".xlsm":
        raise UsageError("xlsm-needed", path=str(target))
    if target.exists() and not force:  # every caller, not only the command line, asks first
        raise UsageError("workbook-exists", path=str(target))
    today = today or dt.date.today()
    if settings is None:
        settings = demo_settings(lang) if demo else Settings(lang=lang)
    frame = make_register(DEMO_ROWS, as_of=today, seed=DEMO_SEED, lifecycle=True) if demo else None
    sheet_order = [*SHEET_NAMES, "conf", "mask"]
    vba = build_vba_project(load_macro_sources(macros_dir()),
                            [CODE_NAMES[role] for role in sheet_order])
    with atomic_path(target) as tmp:
        wb = open_workbook(tmp)
        wb.set_vba_name("ThisWorkbook")
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)
        created = dt.datetime.combine(today, dt.time(8, 0))
        wb.set_properties({
            "title": say("workbook.title", lang),
            "subject": "complaint_xl", "author": "complaint_xl", "company": settings.company or "",
            "created": created,
        })
        f = formats(wb)
        sheets = {}
        for role in sheet_order:
            name = CONF_SHEET if role == "conf" else _name(lang, role)
            sheets[role] = wb.add_worksheet(name)
            sheets[role].set_vba_name(CODE_NAMES[role])
        settings_sheet, holidays_sheet = _name(lang, "settings"), _name(lang, "holidays")
        due_row = content.setting_row("due_soon_days") + 1
        names = {"holidays": "Holidays", "kinds": "HolidayKinds", "due_soon": "DueSoonDays",
                 **_findings_mask(wb, sheets["mask"], lang)}
        wb.define_name("Holidays", "=" + ref(holidays_sheet, f"$A$2:$A${NAME_ROWS}"))
        wb.define_name("HolidayKinds", "=" + ref(holidays_sheet, f"$B$2:$B${NAME_ROWS}"))
        wb.define_name("DueSoonDays", "=" + ref(settings_sheet, f"$B${due_row}"))
        # Whole settings blocks, headers included, for the UDFs' optional arguments.
        wb.define_name("CXL_Settings", "=" + ref(settings_sheet, "$A$1:$B$60"))
        wb.define_name("CXL_Lists", "=" + ref(_name(lang, "lists"), f"$A$1:$G${NAME_ROWS}"))
        wb.define_name("CXL_Holidays", "=" + ref(holidays_sheet, f"$A$1:$B${NAME_ROWS}"))

        write_register_sheet(wb, sheets["register"], frame, lang, f, names)
        _guide(sheets["guide"], lang, f)
        _table(sheets["settings"], content.settings_rows(settings, lang), "T_Settings", f,
               [24, 44, 64])
        _table(sheets["staff"], content.staff_rows(settings, lang), "T_Staff", f,
               [12, 28, 12, 12, 14])
        _lists(wb, sheets["lists"], settings, lang, f)
        years = range(today.year, today.year + 2)
        _table(sheets["holidays"], content.holiday_rows(settings.country, years, lang,
                                                        settings.holidays,
                                                        settings.official_holiday_years),
               "T_Holidays", f, [12, 10, 10, 44])
        _holiday_choices(sheets["holidays"], lang)
        _table(sheets["mapping"], content.mapping_rows(settings, lang), "T_Mapping", f,
               [22, 22, 30])
        _table(sheets["rules"], content.rule_rows(settings, lang), "T_Rules", f, [28, 8, 8, 60])
        conf = sheets["conf"]
        _write_rows(conf, content.xlwings_conf_rows(lang), f, header=False)
        conf.set_column(0, 0, 28)
        conf.set_column(1, 1, 24)
        conf.set_column(2, 2, 70)
        printable(conf)
        wb.close()
    return target
