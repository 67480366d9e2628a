"""What the workbook's sheets say: names, headers, the settings rows, the instructions.

Pure data and small functions from a :class:`~complaint_xl.settings.Settings` to rows of
cell values, kept apart from the XlsxWriter code in :mod:`.builder` so the round trip
(``complaint_xl.load`` reads back what was written) is easy to see and to test.
Every label here is one that :mod:`complaint_xl.settings` recognises.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import holidays

from complaint_xl.register.schema import ALL_FIELDS
from complaint_xl.settings import Settings
from complaint_xl.words import say
from complaint_xl.workdays import Calendar, CalendarWarning

__all__ = [
    "BUTTONS",
    "CONF_SHEET",
    "GUIDE_WIDTH",
    "SETTINGS_ROWS",
    "SHEET_NAMES",
    "Button",
    "guide_row_height",
    "guide_rows",
    "holiday_rows",
    "list_columns",
    "mapping_rows",
    "rule_rows",
    "settings_rows",
    "sheet_name",
    "staff_rows",
    "xlwings_conf_rows",
]

Lang = str
"""A language code of the words (complaint_xl.words.LANGS)."""

SHEET_NAMES: Final[tuple[str, ...]] = (
    "register", "guide", "settings", "staff", "lists", "holidays", "mapping", "rules",
)
"""The sheets by role, in order (``workbook.sheet.<role>``); the settings roles are names that
settings.SETTINGS_SHEETS knows."""
CONF_SHEET: Final[str] = "xlwings.conf"
"""xlwings' standalone VBA reads its configuration from a sheet of exactly this name."""


def sheet_name(role: str, lang: Lang) -> str:
    """A sheet's name in ``lang``: 投诉登记 / Complaints, 设置 / Settings …"""
    return say(f"workbook.sheet.{role}", lang)


@dataclass(frozen=True, slots=True)
class Button:
    """A button on the register sheet and the macro (macros/ComplaintXL.bas) it runs."""

    macro: str

    def caption(self, lang: Lang) -> str:
        """What the button says (``workbook.button.<macro>``)."""
        return say(f"workbook.button.{self.macro}", lang)


BUTTONS: Final[tuple[Button, ...]] = (
    Button("CheckEntries"), Button("ChaseOverdue"), Button("WeeklyReport"), Button("ImportUdfs"),
)


def _head(table: str, columns: Sequence[str], lang: Lang) -> list[str]:
    """A settings table's header row (``workbook.<table>-head.<column>``)."""
    return [say(f"workbook.{table}-head.{c}", lang) for c in columns]


# -- 设置 / Settings ----------------------------------------------------------------------

SETTINGS_ROWS: Final[tuple[str, ...]] = (
    "lang", "country", "sla_days", "sla_major_days", "due_soon_days", "escalate_level2_after",
    "escalate_level3_after", "accept_days", "pause_max_days", "extension_max_days",
    "followup_days", "sla_key_account_days", "chase_mail_max_items", "mail_attachment_max_mb", "date_order",
    "problem_min_length", "vague_phrases", "manager", "report_recipients", "sender", "company",
    "drafts_folder", "templates_folder",
)
"""The settings sheet's rows by attribute, each with its label and note
(``workbook.setting.<attribute>``, ``workbook.setting-note.<attribute>``). 到期提醒 stays on
row 6: the register's colours read it by name (DueSoonDays), teams' formulas by place."""


def _setting_value(settings: Settings, attribute: str) -> Any:
    value = getattr(settings, attribute)
    if isinstance(value, tuple):
        return "；".join(value) if attribute == "vague_phrases" else "; ".join(value)
    return "" if value is None else value


def settings_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    """The key/value sheet: a header, then one row per setting with its note."""
    rows: list[list[Any]] = [_head("settings", ("setting", "value", "note"), lang)]
    for attribute in SETTINGS_ROWS:
        rows.append([say(f"workbook.setting.{attribute}", lang), _setting_value(settings, attribute),
                     say(f"workbook.setting-note.{attribute}", lang)])
    return rows


def setting_row(attribute: str) -> int:
    """0-based row of a setting on the settings sheet (the header is row 0)."""
    return 1 + SETTINGS_ROWS.index(attribute)


# -- 人员 / Staff ---------------------------------------------------------------------------

STAFF_HEAD: Final[tuple[str, ...]] = ("name", "email", "superior", "role", "unit")


def staff_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    head = _head("staff", STAFF_HEAD, lang)
    return [head, *([p.name, p.email, p.superior, p.role, p.unit] for p in settings.staff.values())]


# -- 列表 / Lists ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ListColumn:
    """One column of the lists sheet; ``name`` is the defined name a dropdown uses."""

    header: str
    values: tuple[Any, ...]
    name: str | None
    width: float


def list_columns(settings: Settings, lang: Lang) -> list[ListColumn]:
    """The value lists behind the dropdowns, and the SLA per type beside the types."""
    sla = tuple(settings.sla_by_type.get(t) for t in settings.types)
    closed = (say("workbook.lists.closed-yes", lang), say("workbook.lists.closed-no", lang))

    def head(key: str) -> str:
        return say(f"workbook.lists-head.{key}", lang)

    return [
        ListColumn(head("types"), settings.types, "List_Types", 12),
        ListColumn(head("sla"), sla, None, 12),
        ListColumn(head("support_units"), settings.support_units, "List_SupportUnits", 12),
        ListColumn(head("closed"), closed, "List_Closed", 10),
        ListColumn(head("effect_values"), settings.effect_values, "List_Effect", 12),
        ListColumn(head("severity_values"), settings.severity_values, "List_Severity", 12),
        ListColumn(head("key_accounts"), settings.key_accounts, None, 28),
    ]


# -- 节假日 / Holidays ----------------------------------------------------------------------

HOLIDAY_HEAD: Final[tuple[str, ...]] = ("date", "kind", "status", "note")
"""The 节假日 sheet's columns. Its 状态 words (``workbook.holidays.official`` and
``.estimate``) and 类型 words (``.off``, ``.working``) are ones that settings.HOLIDAY_OFFICIAL,
HOLIDAY_ESTIMATE and the HOLIDAY_*_KINDS read, in every language."""


def holiday_rows(country: str, years: range, lang: Lang,
                 overrides: dict[dt.date, bool] | None = None,
                 official_years: Collection[int] = ()) -> list[list[Any]]:
    """The exceptions to the Monday-to-Friday week for ``years``, 调休 days included.

    Each row's 状态 says whether it is the published schedule (已公布: the holidays
    package has the year, or ``official_years``, the team's, has it) or a guess (估计),
    so the team knows to check it when the State Council publishes it; the calendar
    keeps warning about a year until its rows are official.
    """
    head = _head("holidays", HOLIDAY_HEAD, lang)
    calendar = Calendar(country, overrides or {}, official_years)
    language = say("workbook.holidays.locale", lang)  # the holidays package's names of the days
    try:
        names = holidays.country_holidays(country, years=list(years), language=language)
    except (NotImplementedError, KeyError, ValueError):
        names = {}
    rows: list[list[Any]] = [head]
    for year in years:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CalendarWarning)
            days = calendar.days_off(year)
        official = calendar.confirmed(year)
        status = say("workbook.holidays.official" if official else "workbook.holidays.estimate", lang)
        for day, working in days:
            if working:
                kind, note = say("workbook.holidays.working", lang), say("workbook.holidays.make-up", lang)
            else:
                kind, note = say("workbook.holidays.off", lang), str(names.get(day) or "")
            if not official:
                note += say("workbook.holidays.estimate-note", lang)
            rows.append([day, kind, status, note])
    return rows


# -- 列映射 / Mapping, 规则 / Rules ------------------------------------------------------------

def mapping_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    """Every field, the lifecycle's too, with the header mapped to it (empty: the built-in
    synonyms apply)."""
    head = _head("mapping", ("field", "header", "note"), lang)
    return [head, *([f.header(lang), settings.mapping.get(f.name, ""),
                     say("workbook.mapping.note", lang, name=f.name)] for f in ALL_FIELDS)]


def rule_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    """One row per finding code of the checks catalogue, with the team's choice if any."""
    head = _head("rules", ("code", "enabled", "severity", "note"), lang)
    yes, no = say("flag.yes", lang), say("flag.no", lang)
    level = {s: say(f"severity.{s}", lang) for s in ("error", "warning")}
    rows: list[list[Any]] = [head]
    seen: set[str] = set()
    for code, severity, title in _catalogue(lang):
        choice = settings.rules.get(code)
        enabled = choice.enabled if choice else True
        rows.append([code, yes if enabled else no, level[(choice and choice.severity) or severity],
                     title])
        seen.add(code)
    for code, choice in settings.rules.items():
        if code not in seen:
            rows.append([code, yes if choice.enabled else no,
                         level[choice.severity] if choice.severity else "", ""])
    return rows


def _catalogue(lang: Lang) -> list[tuple[str, str, str]]:
    """(code, default severity, title) of every check in the catalogue."""
    from complaint_xl.checks import CATALOGUE

    return [(c.code, c.severity, c.title(lang)) for c in CATALOGUE.values()]


# -- xlwings.conf ---------------------------------------------------------------------------

def xlwings_conf_rows(lang: Lang) -> list[list[Any]]:
    """The keys xlwings' standalone VBA reads (GetConfig), from A1 down without gaps.

    No header row: every cell of column A down to the first blank is a key. A key
    present with an empty value hides the user's own xlwings.conf file for it, and
    the interpreter then falls back to ``python`` / ``pythonw`` on the PATH.
    """
    return [[key, value, say(f"workbook.conf.{note}", lang)] for key, value, note in _CONF]


_CONF: Final[tuple[tuple[str, str, str], ...]] = (
    # key, value, note (workbook.conf.<note>)
    ("Interpreter_Win", "", "interpreter-win"),
    ("Interpreter_Mac", "", "interpreter-mac"),
    ("UDF Modules", "complaint_xl.xl.udfs", "udf-modules"),
    ("Use UDF Server", "False", "udf-server"),
    ("Show Console", "False", "show-console"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False", "pythonpath"),
)


# -- 使用说明 / Instructions -------------------------------------------------------------------

_GUIDE: Final[tuple[tuple[str, str], ...]] = (
    # (style, key of workbook.guide): "title", "head" or "" for a plain line
    ("title", "title"),
    ("head", "everyday"),
    ("", "everyday-table"),
    ("", "everyday-dropdowns"),
    ("", "everyday-dates"),
    ("", "everyday-colours"),
    ("head", "rules"),
    ("", "rule-1"),
    ("", "rule-3"),
    ("", "rule-4"),
    ("", "rule-7"),
    ("", "rule-8"),
    ("head", "buttons"),
    ("", "button-check"),
    ("", "button-chase"),
    ("", "button-weekly"),
    ("", "button-udfs"),
    ("", "buttons-safe"),
    ("head", "lifecycle"),
    ("", "lifecycle-accept"),
    ("", "lifecycle-pause"),
    ("", "lifecycle-extend"),
    ("", "lifecycle-closure"),
    ("", "lifecycle-followup"),
    ("", "lifecycle-new-action"),
    ("", "lifecycle-key-accounts"),
    ("head", "lite"),
    ("", "lite-steps"),
    ("head", "settings"),
    ("", "settings-sheets"),
    ("", "settings-conf"),
)


def guide_rows(lang: Lang) -> list[tuple[str, str]]:
    """(style, text) lines of the instructions sheet."""
    return [(style, say(f"workbook.guide.{key}", lang)) for style, key in _GUIDE]


GUIDE_WIDTH: Final[float] = 110
"""The instructions column's width, in characters."""


def guide_row_height(style: str, text: str) -> float:
    """Points a line of the instructions takes: the title's large font, or as many lines of
    11-pt text as the wrapped paragraph needs. Set explicitly, since Excel and LibreOffice
    keep a row's default 15 points (a title's tops and a paragraph's later lines cut off)."""
    if style == "title":
        return 26
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return 16 * max(1, math.ceil(width / (GUIDE_WIDTH - 2))) + 4
