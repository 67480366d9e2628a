"""The register sheet (投诉登记): an Excel table with dropdowns, date checks, hints and colours.

Everything here works without Python: the dropdowns read named lists, the dates are
validated, the 填写规范 show as input hints, and the overdue / due-soon / closed / paused
colours are conditional formats with plain formulas (:func:`colour_formulas`). The
lifecycle's columns (受理日期 … 新措施) follow the seed's, with their own dropdowns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.outputs.weekly_xlsx_formats import text_width
from complaint_xl.outputs.xlsx import write_cell
from complaint_xl.register.schema import (
    ALL_FIELDS,
    CLOSED_YES,
    CLOSURE_KINDS,
    SATISFACTION_LEVELS,
)
from complaint_xl.register.text import column_letter, header_key
from complaint_xl.sample import TEMPLATE_COLUMNS
from complaint_xl.settings import HOLIDAY_OFF_KINDS, HOLIDAY_WORKING_KINDS
from complaint_xl.words import say
from complaint_xl.workbook.mask import colour_rules
from complaint_xl.workbook.sheets import BUTTONS, Lang
from complaint_xl.workbook.style import CLOSED, DUE_SOON, OVERDUE, PAUSED, Formats, printable

__all__ = [
    "BLANK_ROWS",
    "DEMO_BLANK_ROWS",
    "HEADER_ROW",
    "REGISTER_TABLE",
    "WRAPPED",
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
    "accepted_on": 11, "paused_from": 11, "paused_to": 11, "extended_to": 11,
    "customer_informed": 9, "closure_kind": 9, "abnormal_reason": 24, "approved_by": 9,
    "followup_on": 11, "satisfaction": 9, "new_action": 26,
}
LINE_HEIGHT: Final[float] = 16
"""Points a line of 11-pt CJK text takes in a row (Microsoft YaHei, Noto Sans CJK)."""
WRAPPED: Final[frozenset[str]] = frozenset(
    {"problem", "support_need", "progress", "summary", "abnormal_reason", "new_action"})
"""Long texts: they wrap within their column (the row grows) rather than run into the next."""
_KIND: Final[dict[str, str]] = {f.name: f.kind for f in ALL_FIELDS}
_DROPDOWNS: Final[dict[str, str]] = {
    "type": "List_Types", "support_unit": "List_SupportUnits", "closed": "List_Closed",
    "effect": "List_Effect", "severity": "List_Severity",
}
_CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "closure_kind": tuple(f"lifecycle.{w}" for w in CLOSURE_KINDS.values()),
    "satisfaction": tuple(f"lifecycle.{w}" for w in SATISFACTION_LEVELS.values()),
    "customer_informed": ("flag.yes", "flag.no"),
}
"""The lifecycle's fixed vocabularies: dropdowns of their words (not lists the team edits),
which the reader takes in every language."""
_HINTS: Final[tuple[str, ...]] = ("customer", "problem", "support_unit", "support_need")
"""Fields whose column shows a rule of the sheet when selected (``workbook.hint.<field>-title``
and ``-message``; Excel allows a title of 32 characters and a message of 255)."""
_LEGEND: Final[tuple[str, ...]] = ("overdue", "due_soon", "paused", "closed", "error", "warning")
"""The colours explained in the title band (``workbook.legend.<key>``)."""


def register_columns(lang: Lang) -> list[tuple[str, str]]:
    """(field, header) of the template's columns: the seed's order, then the lifecycle's."""
    labels = {f.name: f.header(lang) for f in ALL_FIELDS}
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
        empty = np.full(len(frame), None, dtype=object)  # a frame without lifecycle columns
        values = [frame[field].to_numpy(dtype=object) if field in frame else empty
                  for field, _ in columns]
        wrapped = [(c, WIDTHS[field]) for c, (field, _) in enumerate(columns) if field in WRAPPED]
        for i in range(len(frame)):
            for c, column in enumerate(values):
                write_cell(ws, first + i, c, column[i], None, f.date)
            # Rows tall enough for their wrapped texts: LibreOffice keeps the default height.
            lines = max([1, *(math.ceil(text_width(str(values[c][i])) / (width - 1))
                              for c, width in wrapped if isinstance(values[c][i], str))])
            if lines > 1:
                ws.set_row(first + i, LINE_HEIGHT * lines + 3)
    for c, (field, _) in enumerate(columns):
        cell_fmt = (f.date if _KIND[field] == "date" else f.text if field.endswith("contact")
                    else f.wrap if field in WRAPPED else None)
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
    # The print is the seed's columns, readable one page wide; the lifecycle's stay on screen.
    seed = [field for field, _ in columns].index("severity")
    ws.print_area(0, 0, last, seed)

    _validations(ws, columns, first, last, lang)
    _colours(wb, ws, [field for field, _ in columns], first, last, names)


def _validations(ws: Worksheet, columns: list[tuple[str, str]], first: int, last: int,
                 lang: Lang) -> None:
    for c, (field, _) in enumerate(columns):
        options: dict[str, Any]
        if field in _CHOICES:
            options = {"validate": "list", "source": [say(k, lang) for k in _CHOICES[field]],
                       "error_type": "warning", "error_title": say("workbook.pick-title", lang),
                       "error_message": say("workbook.register.not-a-choice", lang)}
        elif field in _DROPDOWNS:
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
    """The grey / red / amber (and paused) conditions of a register row as Excel formulas
    (without '=').

    They are :func:`complaint_xl.deadlines.deadline_status` written for Excel, so the
    colours agree with the chase: closed as the reader reads 是否结案 (any word of
    ``CLOSED_YES``, or a closing date); red = open and deadline < today; amber = open,
    deadline >= today and at most N working days away, the working days counted over
    (today, deadline] as the calendar does: Monday to Friday (NETWORKDAYS), minus the
    节假日 sheet's days off on weekdays, plus its working days (调休) on weekends, with
    the settings reader's words for both (a row with another word is not used).
    ``cells``: the row's closed, closed_on and deadline cells; ``names``: the defined
    names of the holiday dates and kinds and of N; ``today``: a cell in the tests.

    With the lifecycle's cells (paused_from, paused_to, extended_to) the rule follows
    :func:`complaint_xl.deadlines.effective_deadlines` too: ``paused`` = open, paused_from
    <= today and paused_to empty or >= today, neither red nor amber; an extension replaces
    the deadline; a pause moves it by the P working days paused (paused_from through
    paused_to, or today). The moved deadline w is the P-th working day after it, so the
    signed count X = workdays(today, w) = workdays(today, deadline) + P, and w < today
    exactly when X + [today is a working day] <= 0 (w is a working day): no WORKDAY, which
    knows no 调休, is needed.
    """
    flag, closed_on, deadline = cells["closed"], cells["closed_on"], cells["deadline"]
    n_soon = names["due_soon"]
    closed = f'OR({_one_of(flag, sorted(CLOSED_YES))},{closed_on}<>"")'
    if "paused_from" not in cells:
        due = f"INT({deadline})"  # a time of day does not move the deadline
        is_open = f"NOT({closed}),ISNUMBER({deadline})"
        return {
            "closed": closed,
            "overdue": f"AND({is_open},{due}<{today})",
            "due_soon": f"AND({is_open},{due}>={today},{_workdays(today, due, names)}<={n_soon})",
        }
    start, stop, ext = cells["paused_from"], cells["paused_to"], cells["extended_to"]
    paused = (f"AND(NOT({closed}),ISNUMBER({start}),INT({start})<={today},"
              f"OR(NOT(ISNUMBER({stop})),INT({stop})>={today}))")
    due = f"INT(IF(ISNUMBER({ext}),{ext},{deadline}))"
    end = f"IF(ISNUMBER({stop}),INT({stop}),{today})"
    pause = (f"IF(ISNUMBER({ext}),0,IF(ISNUMBER({start}),IF(INT({start})<={today},"
             f"{_workdays(f'INT({start})-1', end, names)},0),0))")
    moved = (f"(IF({due}>={today},{_workdays(today, due, names)},"
             f"-{_workdays(due, today, names)})+{pause})")
    working_today = _workdays(f"{today}-1", today, names)
    is_open = f"NOT({closed}),NOT({paused}),OR(ISNUMBER({ext}),ISNUMBER({deadline}))"
    return {
        "closed": closed,
        "paused": paused,
        "overdue": f"AND({is_open},IF({pause}>0,{moved}+{working_today}<=0,{due}<{today}))",
        "due_soon": (f"AND({is_open},IF({pause}>0,AND({moved}+{working_today}>=1,{moved}<={n_soon}),"
                     f"AND({due}>={today},{_workdays(today, due, names)}<={n_soon})))"),
    }


def _workdays(after: str, until: str, names: dict[str, str]) -> str:
    """Excel: the calendar's working days in (after, until], 0 when until <= after."""
    days, kinds = names["holidays"], names["kinds"]
    working = _one_of(kinds, HOLIDAY_WORKING_KINDS, spaces=False)
    off = _one_of(kinds, HOLIDAY_OFF_KINDS, spaces=False)  # any other word: the row is not used
    span = f"({days}>{after})*({days}<={until})"
    return (f"(MAX(0,NETWORKDAYS({after}+1,{until}))"
            f"-SUMPRODUCT({span}*(WEEKDAY({days},2)<6)*{off})"
            f"+SUMPRODUCT({span}*(WEEKDAY({days},2)>5)*{working}))")


def _colours(wb: Workbook, ws: Worksheet, columns: list[str], first: int, last: int,
             names: dict[str, str]) -> None:
    """Overdue red, due soon amber, closed grey: plain formulas, no Python needed."""
    r = first + 1  # Excel row number of the first data row; formulas are relative to it
    col = {field: column_letter(c) for c, field in enumerate(columns)}
    lifecycle = ("paused_from", "paused_to", "extended_to")
    status = colour_formulas({f: f"${col[f]}{r}" for f in ("closed", "closed_on", "deadline",
                                                           *lifecycle) if f in col}, names)

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
    # ranges are disjoint, each with all its rules: LibreOffice applies only the first
    # matching rule to a cell, Excel all of them, so both show the same colours.
    marked = [columns.index("seq"), columns.index("deadline")]
    rest = [c for c in range(len(columns)) if c not in marked]
    for cells, fill in ((ranges(sorted(marked)), True), (ranges(rest), False)):
        looks = {"closed": CLOSED,
                 **{s: props if fill else {"font_color": props["font_color"]}
                    for s, props in (("paused", PAUSED), ("overdue", OVERDUE),
                                     ("due_soon", DUE_SOON))}}
        looks = {s: looks[s] for s in status}  # closed, paused (a lifecycle sheet), overdue, due
        _colour_rules(wb, ws, cells, status, looks, names)


def _colour_rules(wb: Workbook, ws: Worksheet, cells: str, status: dict[str, str],
                  looks: dict[str, dict[str, str]], names: dict[str, str]) -> None:
    """The rules of one range: the statuses, combined with the 校验 button's marks when ``names``
    has the findings mask (:mod:`complaint_xl.workbook.mask`); the first rule that holds wins."""
    rules = (colour_rules(status, looks, names["mask"], names["key"])
             if "mask" in names and "key" in names else [(status[s], looks[s]) for s in status])
    for formula, props in rules:
        ws.conditional_format(cells.split(" ")[0], {
            "type": "formula", "criteria": f"={formula}", "format": wb.add_format(props),
            "stop_if_true": True, "multi_range": cells,
        })
