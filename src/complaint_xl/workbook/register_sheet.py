"""The register sheet (投诉登记): an Excel table with dropdowns, date checks, hints and colours.

Everything here works without Python: the dropdowns read named lists, the dates are
validated, the 填写规范 show as input hints, and the overdue / due-soon / closed colours
are conditional formats with plain formulas (:func:`colour_formulas`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.outputs.xlsx import write_cell
from complaint_xl.register.schema import CLOSED_YES, FIELDS
from complaint_xl.register.text import column_letter, header_key
from complaint_xl.sample import TEMPLATE_COLUMNS
from complaint_xl.settings import HOLIDAY_OFF_KINDS, HOLIDAY_WORKING_KINDS
from complaint_xl.words import say
from complaint_xl.workbook.sheets import BUTTONS, Lang
from complaint_xl.workbook.style import CLOSED, DUE_SOON, OVERDUE, Formats, printable

__all__ = [
    "BLANK_ROWS",
    "DEMO_BLANK_ROWS",
    "HEADER_ROW",
    "REGISTER_TABLE",
    "colour_formulas",
    "register_columns",
    "write_register_sheet",
]

HEADER_ROW: Final[int] = 2
"""0-based row of the register's header: a title band with the buttons sits above it."""
BLANK_ROWS: Final[int] = 200
"""Empty table rows ready for typing (the table grows by itself beyond them)."""
DEMO_BLANK_ROWS: Final[int] = 60
REGISTER_TABLE: Final[str] = "T_Register"
WIDTHS: Final[dict[str, float]] = {
    "seq": 6, "customer": 30, "customer_contact": 14, "reporter": 9, "reporter_contact": 14,
    "owner": 9, "type": 10, "problem": 46, "responsible": 10, "raised_on": 11, "support_unit": 9,
    "deadline": 11, "support_need": 26, "progress": 22, "effect": 9, "summary": 26, "closed": 8,
    "closed_on": 11, "severity": 8,
}
_KIND: Final[dict[str, str]] = {f.name: f.kind for f in FIELDS}
_DROPDOWNS: Final[dict[str, str]] = {
    "type": "List_Types", "support_unit": "List_SupportUnits", "closed": "List_Closed",
    "effect": "List_Effect", "severity": "List_Severity",
}
_HINTS: Final[tuple[str, ...]] = ("customer", "problem", "support_unit", "support_need")
"""Fields whose column shows a rule of the sheet when selected (``workbook.hint.<field>-title``
and ``-message``; Excel allows a title of 32 characters and a message of 255)."""
_LEGEND: Final[tuple[str, ...]] = ("overdue", "due_soon", "closed", "error", "warning")
"""The colours explained in the title band (``workbook.legend.<key>``)."""


def register_columns(lang: Lang) -> list[tuple[str, str]]:
    """(field, header) of the template's columns, in the seed's order."""
    labels = {f.name: f.header(lang) for f in FIELDS}
    return [(name, labels[name]) for name in TEMPLATE_COLUMNS]


def write_register_sheet(wb: Workbook, ws: Worksheet, frame: pd.DataFrame | None, lang: Lang,
                         f: Formats, names: dict[str, str]) -> None:
    """The register table (demo rows in ``frame``), its title band with the buttons, and its
    validations and colours; ``names`` are the defined names the colour formulas read."""
    columns = register_columns(lang)
    n = len(frame) + DEMO_BLANK_ROWS if frame is not None else BLANK_ROWS
    first, last = HEADER_ROW + 1, HEADER_ROW + n
    ws.add_table(HEADER_ROW, 0, last, len(columns) - 1, {
        "name": REGISTER_TABLE, "style": "Table Style Light 1",
        "columns": [{"header": header, "header_format": f.header} for _, header in columns],
    })
    if frame is not None:
        values = [frame[field].to_numpy(dtype=object) for field, _ in columns]
        for i in range(len(frame)):
            for c, column in enumerate(values):
                write_cell(ws, first + i, c, column[i], None, f.date)
    for c, (field, _) in enumerate(columns):
        cell_fmt = f.date if _KIND[field] == "date" else f.text if field.endswith("contact") else None
        ws.set_column(c, c, WIDTHS[field], cell_fmt)

    # Title band: the title, the buttons, and a legend of the colours.
    ws.set_row(0, 34)
    ws.set_row(1, 18)
    ws.write_string(0, 0, say("workbook.title", lang), f.title)
    ws.write_string(0, 2, say("workbook.register.buttons-hint", lang), f.hint)
    # All buttons inside the wide 问题点 column: anchored to one column, they keep their size
    # in LibreOffice too, whose column widths differ slightly from Excel's.
    problem = [field for field, _ in columns].index("problem")
    for i, button in enumerate(BUTTONS):
        ws.insert_button(0, problem, {
            "macro": button.macro, "caption": button.caption(lang),
            "width": 72, "height": 30, "x_offset": 4 + i * 80, "y_offset": 7,
            "description": button.macro,
        })
    ws.write_string(1, 0, say("workbook.legend.title", lang), f.note)
    for i, key in enumerate(_LEGEND):
        ws.write_string(1, 1 + i, say(f"workbook.legend.{key}", lang), f.legend[key])
    ws.freeze_panes(HEADER_ROW + 1, 2)
    ws.activate()
    printable(ws)  # for the sales meeting, with the header on every page
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.3, right=0.3, top=0.4, bottom=0.4)

    _validations(ws, columns, first, last, lang)
    _colours(wb, ws, [field for field, _ in columns], first, last, names)


def _validations(ws: Worksheet, columns: list[tuple[str, str]], first: int, last: int,
                 lang: Lang) -> None:
    for c, (field, _) in enumerate(columns):
        options: dict[str, Any]
        if field in _DROPDOWNS:
            options = {"validate": "list", "source": f"={_DROPDOWNS[field]}",
                       "error_type": "stop" if field == "closed" else "warning",
                       "error_title": say("workbook.pick-title", lang),
                       "error_message": say("workbook.register.not-in-list", lang)}
        elif _KIND[field] == "date":
            options = {"validate": "date", "criteria": "between",
                       "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2099, 12, 31),
                       "error_type": "warning",
                       "input_title": say("workbook.register.date-title", lang),
                       "input_message": say("workbook.register.date-message", lang),
                       "error_title": say("workbook.register.not-a-date", lang),
                       "error_message": say("workbook.register.date-range", lang)}
        else:
            options = {"validate": "any"}
        if field in _HINTS:
            options["input_title"] = say(f"workbook.hint.{field}-title", lang)
            options["input_message"] = say(f"workbook.hint.{field}-message", lang)
        if options.get("validate") != "any" or "input_message" in options:
            ws.data_validation(first, c, last, c, options)


def _one_of(value: str, words: Sequence[str], *, spaces: bool = True) -> str:
    """Excel: the lower-cased text of ``value`` is one of ``words`` (also for a range inside
    SUMPRODUCT), trimmed, or with every space taken out (``spaces=False``, as header_key
    compares). FIND, unlike SEARCH or MATCH, takes no wildcards: "?" or "*" match nothing."""
    joined = "|".join(sorted({w if spaces else header_key(w) for w in words}))
    text = f'TRIM({value}&"")' if spaces else f'SUBSTITUTE({value}&""," ","")'
    return f'ISNUMBER(FIND("|"&LOWER({text})&"|","|{joined}|"))'


def colour_formulas(cells: dict[str, str], names: dict[str, str], today: str = "TODAY()"
                    ) -> dict[str, str]:
    """The grey / red / amber conditions of a register row as Excel formulas (without '=').

    They are :func:`complaint_xl.deadlines.deadline_status` written for Excel, so the
    colours agree with the chase: closed as the reader reads 是否结案 (any word of
    ``CLOSED_YES``, or a closing date); red = open and deadline < today; amber = open,
    deadline >= today and at most N working days away, the working days counted over
    (today, deadline] as the calendar does: Monday to Friday (NETWORKDAYS), minus the
    节假日 sheet's days off on weekdays, plus its working days (调休) on weekends, with
    the settings reader's words for both (a row with another word is not used).
    ``cells``: the row's closed, closed_on and deadline cells; ``names``: the defined
    names of the holiday dates and kinds and of N; ``today``: a cell in the tests.
    """
    flag, closed_on, deadline = cells["closed"], cells["closed_on"], cells["deadline"]
    days, kinds = names["holidays"], names["kinds"]
    closed = f'OR({_one_of(flag, sorted(CLOSED_YES))},{closed_on}<>"")'
    due = f"INT({deadline})"  # a time of day does not move the deadline
    is_open = f"NOT({closed}),ISNUMBER({deadline})"
    working = _one_of(kinds, HOLIDAY_WORKING_KINDS, spaces=False)
    off = _one_of(kinds, HOLIDAY_OFF_KINDS, spaces=False)  # any other word: the row is not used
    span = f"({days}>{today})*({days}<={due})"
    workdays = (f"MAX(0,NETWORKDAYS({today}+1,{due}))"
                f"-SUMPRODUCT({span}*(WEEKDAY({days},2)<6)*{off})"
                f"+SUMPRODUCT({span}*(WEEKDAY({days},2)>5)*{working})")
    return {
        "closed": closed,
        "overdue": f"AND({is_open},{due}<{today})",
        "due_soon": f"AND({is_open},{due}>={today},{workdays}<={names['due_soon']})",
    }


def _colours(wb: Workbook, ws: Worksheet, columns: list[str], first: int, last: int,
             names: dict[str, str]) -> None:
    """Overdue red, due soon amber, closed grey: plain formulas, no Python needed."""
    r = first + 1  # Excel row number of the first data row; formulas are relative to it
    col = {field: column_letter(c) for c, field in enumerate(columns)}
    formulas = colour_formulas({f: f"${col[f]}{r}" for f in ("closed", "closed_on", "deadline")},
                               names)
    closed, overdue, due_soon = formulas["closed"], formulas["overdue"], formulas["due_soon"]

    def ranges(indexes: list[int]) -> str:
        """'A4:A303 C4:F303' for runs of consecutive column indexes."""
        runs: list[list[int]] = []
        for i in indexes:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        return " ".join(f"{column_letter(run[0])}{r}:{column_letter(run[-1])}{last + 1}"
                        for run in runs)

    # The seq and deadline cells get the fill, the rest of the row the font colour. The two
    # ranges are disjoint, each with all three rules: LibreOffice applies only the first
    # matching rule to a cell, Excel all of them, so both show the same colours.
    marked = [columns.index("seq"), columns.index("deadline")]
    rest = [c for c in range(len(columns)) if c not in marked]
    for cells, overdue_props, due_props in (
        (ranges(sorted(marked)), OVERDUE, DUE_SOON),
        (ranges(rest), {"font_color": OVERDUE["font_color"]}, {"font_color": DUE_SOON["font_color"]}),
    ):
        for formula, props, stop in ((closed, CLOSED, True), (overdue, overdue_props, False),
                                     (due_soon, due_props, False)):
            ws.conditional_format(cells.split(" ")[0], {
                "type": "formula", "criteria": f"={formula}", "format": wb.add_format(props),
                "stop_if_true": stop, "multi_range": cells,
            })
