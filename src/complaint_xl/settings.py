"""Settings the team keeps in the workbook itself, with documented defaults.

The coordinator changes SLA days, staff e-mails and thresholds in Excel, not in
Python: the sheets 设置 (key/value), 人员 (staff), 列表 (value lists and SLA per
type), 节假日 (holidays), 列映射 (column mapping) and 规则 (rule switches) are read
when present. A malformed entry never stops a run: it becomes a
:class:`SettingsProblem` naming the cell, and the default is kept for that part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

from complaint_xl.register.dates import parse_date
from complaint_xl.register.schema import (
    CLOSED_NO,
    DEFAULT_SUPPORT_UNITS,
    DEFAULT_TYPES,
    EFFECT_VALUES,
    FIELD_NAMES,
    FIELDS,
    SEVERITY_VALUES,
)
from complaint_xl.register.text import cell_text, column_letter, fold, header_key
from complaint_xl.sheet_roles import SETTINGS_SHEETS, TOOL_SHEETS, sheet_role

__all__ = [
    "SETTINGS_SHEETS",
    "TOOL_SHEETS",
    "Person",
    "RuleSetting",
    "Settings",
    "SettingsProblem",
    "read_settings",
    "sheet_role",
]

Lang = Literal["zh", "en"]



@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """A settings cell that could not be used; the default stands for it."""

    sheet: str
    cell: str
    key: str
    value: str
    message_zh: str
    message_en: str

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True, slots=True)
class Person:
    """A member of staff: who gets the chase mail and whom it is copied to."""

    name: str
    email: str | None = None
    superior: str | None = None
    role: str | None = None
    unit: str | None = None
    """The support unit this person answers for (rule 8 mails go to them)."""


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """A team's choice for one check: off, or another severity."""

    enabled: bool = True
    severity: Literal["error", "warning"] | None = None
    sheet: str | None = None
    cell: str | None = None
    """Where the choice was written, so an unknown rule name can be pointed at."""


@dataclass
class Settings:
    """Everything configurable, with the defaults a new team starts from."""

    lang: Lang = "zh"
    country: str = "CN"
    sla_days: int = 15
    """Working days from raised_on to the deadline when the sheet gives none."""
    sla_major_days: int = 5
    """The shorter clock for 重大 (major) complaints."""
    sla_by_type: dict[str, int] = field(default_factory=dict)
    due_soon_days: int = 2
    escalate_level2_after: int = 3
    """Working days overdue after which the owner's superior is copied."""
    escalate_level3_after: int = 10
    """Working days overdue after which the manager gets the item."""
    chase_mail_max_items: int = 50
    """Items one chase mail lists, most overdue first; the rest are counted and left to the chase list."""
    mail_attachment_max_mb: int = 10
    """The weekly draft attaches its workbook up to this many MB (0: never); beyond, the mail
    says where the file is. Mail servers commonly refuse messages of 10–25 MB."""
    date_order: Literal["ymd", "dmy", "mdy"] = "ymd"
    problem_min_length: int = 10
    vague_phrases: tuple[str, ...] = (
        "问题较多", "问题很多", "有问题", "不满意", "投诉", "售后问题", "质量问题", "反映问题",
        "较多", "一些问题", "很差",
    )
    types: tuple[str, ...] = DEFAULT_TYPES
    support_units: tuple[str, ...] = DEFAULT_SUPPORT_UNITS
    effect_values: tuple[str, ...] = EFFECT_VALUES
    severity_values: tuple[str, ...] = SEVERITY_VALUES
    key_accounts: tuple[str, ...] = ()
    staff: dict[str, Person] = field(default_factory=dict)
    """Staff by folded name."""
    manager: str | None = None
    report_recipients: tuple[str, ...] = ()
    sender: str | None = None
    company: str | None = None
    drafts_folder: str | None = None
    templates_folder: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    """Field name -> header text, for sheets whose headers the synonyms miss."""
    holidays: dict[dt.date, bool] = field(default_factory=dict)
    """Day -> True (extra working day) or False (extra day off)."""
    official_holiday_years: set[int] = field(default_factory=set)
    """Years with 节假日 rows whose 状态 says 已公布 (official): the team entered the published
    schedule. The calendar trusts such a year unless some of its rows are still estimates."""
    estimated_holiday_years: set[int] = field(default_factory=set)
    """Years with 节假日 rows marked 估计 (estimate), or noted so: guesses that keep the
    calendar's warning for the year on (see :mod:`complaint_xl.workdays`)."""
    rules: dict[str, RuleSetting] = field(default_factory=dict)
    problems: list[SettingsProblem] = field(default_factory=list)
    source: str | None = None
    """The workbook the settings came from, or None for the defaults."""

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with command-line choices applied (they win over the workbook)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def folder(self, text: str | None) -> Path | None:
        """A folder named in the settings (草稿文件夹, 模板文件夹), relative to the workbook naming it."""
        if not text:
            return None
        p = Path(text).expanduser()
        if not p.is_absolute() and self.source:
            p = Path(self.source).absolute().parent / p
        return p

    @property
    def templates_path(self) -> Path | None:
        """The team's own templates (模板文件夹), which win over the shipped ones."""
        return self.folder(self.templates_folder)

    def person(self, name: str | None) -> Person | None:
        """The staff entry for a name as typed in the register."""
        return self.staff.get(fold(name)) if name else None


# -- the key/value sheet --------------------------------------------------------------

_Kind = Literal["int", "text", "list", "lang", "order", "country"]

_KEYS: Final[dict[str, tuple[_Kind, tuple[str, ...]]]] = {
    "lang": ("lang", ("语言", "language", "lang")),
    "country": ("country", ("国家", "国家/地区", "country", "holidaycountry", "节假日国家")),
    "sla_days": ("int", ("默认时限", "默认时限(工作日)", "时限", "sla", "sladays", "默认处理时限")),
    "sla_major_days": ("int", ("重大投诉时限", "重大投诉时限(工作日)", "重大时限", "slamajor",
                               "slamajordays")),
    "due_soon_days": ("int", ("到期提醒", "到期提醒(工作日)", "即将到期", "duesoon",
                              "duesoondays")),
    "escalate_level2_after": ("int", ("二级升级", "二级升级(逾期工作日)", "抄送上级",
                                      "level2after", "escalatelevel2after")),
    "escalate_level3_after": ("int", ("三级升级", "三级升级(逾期工作日)", "上报经理",
                                      "level3after", "escalatelevel3after")),
    "chase_mail_max_items": ("int", ("邮件最多列出条数", "maxitemspermail", "chasemailmaxitems")),
    "mail_attachment_max_mb": ("int", ("附件上限(MB)", "附件上限", "邮件附件上限", "attachmentmaxmb",
                                       "maxattachmentmb")),
    "date_order": ("order", ("日期顺序", "日期格式", "dateorder")),
    "problem_min_length": ("int", ("问题点最短字数", "问题点最少字数", "problemminlength")),
    "vague_phrases": ("list", ("笼统用语", "笼统表述", "vaguephrases")),
    "manager": ("text", ("经理", "主管经理", "manager")),
    "report_recipients": ("list", ("周报收件人", "收件人", "reportrecipients", "recipients")),
    "sender": ("text", ("发件人", "sender", "from")),
    "company": ("text", ("公司名称", "公司", "company")),
    "drafts_folder": ("text", ("草稿文件夹", "输出文件夹", "draftsfolder", "outputfolder")),
    "templates_folder": ("text", ("模板文件夹", "templatesfolder")),
}
INT_RANGES: Final[dict[str, tuple[int, int]]] = {
    "sla_days": (1, 365),
    "sla_major_days": (1, 365),
    "due_soon_days": (0, 30),
    "escalate_level2_after": (0, 365),
    "escalate_level3_after": (0, 365),
    "chase_mail_max_items": (0, 10_000),  # 0: the mail lists none and points to the chase list
    "mail_attachment_max_mb": (0, 100),
    "problem_min_length": (0, 200),
}
"""The values each whole-number setting may take; outside, the cell is reported and the
default kept. An SLA of 0 would put deadlines on the raised date (and a negative one
before it), so an SLA is at least one working day. The third escalation level must
also come after the second (checked once both are read)."""
SLA_TYPE_RANGE: Final[tuple[int, int]] = INT_RANGES["sla_days"]
"""The range of a type's 时限 on the 列表 sheet."""
_KEY_LOOKUP: Final[dict[str, str]] = {
    header_key(syn): name for name, (_, syns) in _KEYS.items() for syn in syns
}
_LANGS: Final[dict[str, str]] = {
    "zh": "zh", "中文": "zh", "简体中文": "zh", "chinese": "zh", "en": "en", "english": "en",
    "英文": "en",
}
_ORDERS: Final[dict[str, str]] = {
    "ymd": "ymd", "年月日": "ymd", "dmy": "dmy", "日月年": "dmy", "day-first": "dmy",
    "dayfirst": "dmy", "mdy": "mdy", "月日年": "mdy", "month-first": "mdy", "monthfirst": "mdy",
}


def _cell(row: int, col: int) -> str:
    return f"{column_letter(col)}{row + 1}"


def _split_list(text: str) -> tuple[str, ...]:
    for sep in ("；", "，", "、", "\n", ","):
        text = text.replace(sep, ";")
    return tuple(p for p in (fold(x) for x in text.split(";")) if p)


# -- the 节假日 sheet's words (read by _Reader.holidays) -------------------------------------

HOLIDAY_WORKING_KINDS: Final[tuple[str, ...]] = (
    "上班", "上班日", "工作日", "补班", "调休上班", "working", "workday", "working day", "work",
    "是", "yes", "y", "1", "true",
)
"""类型 words that make a day a working day (是/yes: a 是否上班 column)."""
HOLIDAY_OFF_KINDS: Final[tuple[str, ...]] = (
    "休息", "休息日", "放假", "假日", "休假", "节假日", "假期", "holiday", "off", "day off",
    "rest day", "否", "no", "n", "0", "false",
)
"""类型 words that make a day a day off; any other word is reported and its row not used."""
HOLIDAY_OFFICIAL: Final[tuple[str, ...]] = (
    "已公布", "公布", "官方", "正式", "已确认", "official", "published", "confirmed",
)
"""状态 words of a row taken from the published schedule (the team vouches for it)."""
HOLIDAY_ESTIMATE: Final[tuple[str, ...]] = (
    "估计", "预估", "预计", "待公布", "未公布", "estimate", "estimated", "provisional",
)
"""状态 words of a guessed row; a 说明 containing 估计 or "estimate" counts the same."""
HOLIDAY_STATUS_HEADERS: Final[tuple[str, ...]] = ("状态", "公布状态", "status", "state")
_WORKING_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_WORKING_KINDS)
_OFF_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_OFF_KINDS)
_OFFICIAL_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_OFFICIAL)
_ESTIMATE_KEYS: Final[frozenset[str]] = frozenset(header_key(w) for w in HOLIDAY_ESTIMATE)


class _Reader:
    """Collects values and problems while the sheets are read."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings

    def problem(self, sheet: str, row: int, col: int, key: str, value: Any,
                zh: str, en: str) -> None:
        self.s.problems.append(
            SettingsProblem(sheet, _cell(row, col), key, cell_text(value), zh, en)
        )

    def key_values(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        written: dict[str, tuple[int, str, Any]] = {}  # whole-number key -> row, label, cell
        for r, row in enumerate(rows):
            if len(row) < 2:
                continue
            key = _KEY_LOOKUP.get(header_key(cell_text(row[0])))
            raw = row[1]
            text = fold(cell_text(raw))
            if key is None or not text:
                continue
            kind = _KEYS[key][0]
            label = cell_text(row[0]).strip()
            if kind == "int":
                low, high = INT_RANGES[key]
                try:
                    number = float(text)
                    if not number.is_integer() or not low <= number <= high:
                        raise ValueError
                except ValueError:
                    used = getattr(self.s, key)
                    self.problem(sheet, r, 1, label, raw,
                                 f"“{label}”应为 {low} 到 {high} 之间的整数，已按默认值 {used} 处理",
                                 f"'{label}' must be a whole number from {low} to {high}; "
                                 f"the default {used} is used")
                    continue
                setattr(self.s, key, int(number))
                written[key] = (r, label, raw)
            elif kind == "list":
                setattr(self.s, key, _split_list(text))
            elif kind == "lang":
                lang = _LANGS.get(text.lower())
                if lang is None:
                    self.problem(sheet, r, 1, label, raw, f"“{label}”应为 zh 或 en",
                                 f"'{label}' must be zh or en")
                else:
                    self.s.lang = lang  # type: ignore[assignment]
            elif kind == "order":
                order = _ORDERS.get(header_key(text))
                if order is None:
                    self.problem(sheet, r, 1, label, raw,
                                 f"“{label}”应为 ymd、dmy 或 mdy",
                                 f"'{label}' must be ymd, dmy or mdy")
                else:
                    self.s.date_order = order  # type: ignore[assignment]
            elif kind == "country":
                import holidays

                code = text.upper()
                if code in holidays.list_supported_countries():
                    self.s.country = code
                else:
                    self.problem(sheet, r, 1, label, raw,
                                 f"“{label}”不是已知的国家代码（如 CN）",
                                 f"'{label}' is not a known country code (such as CN)")
            else:
                setattr(self.s, key, text)
        self._escalation_order(sheet, written)

    def _escalation_order(self, sheet: str, written: dict[str, tuple[int, str, Any]]) -> None:
        """The manager (level 3) is told after the superior (level 2), or the levels mean nothing."""
        level2, level3 = self.s.escalate_level2_after, self.s.escalate_level3_after
        if level3 > level2:
            return
        defaults = Settings()
        self.s.escalate_level2_after = defaults.escalate_level2_after
        self.s.escalate_level3_after = defaults.escalate_level3_after
        # Both go back to the defaults: each written cell is named, so none changes unsaid.
        for key in ("escalate_level2_after", "escalate_level3_after"):
            if key not in written:
                continue
            r, label, raw = written[key]
            self.problem(sheet, r, 1, label, raw,
                         f"三级升级（{level3}）应大于二级升级（{level2}），两项均已按默认值 "
                         f"{defaults.escalate_level2_after} 和 {defaults.escalate_level3_after} 处理",
                         f"escalation level 3 ({level3}) must come after level 2 ({level2}); "
                         f"both defaults, {defaults.escalate_level2_after} and "
                         f"{defaults.escalate_level3_after}, are used")

    def table(self, rows: Sequence[Sequence[Any]], columns: dict[str, tuple[str, ...]]
              ) -> tuple[int, dict[str, int]]:
        """Find a table's header row; return its index and the column of each role."""
        wanted = {header_key(s): role for role, syns in columns.items() for s in syns}
        for r, row in enumerate(rows[:20]):
            found: dict[str, int] = {}
            for c, value in enumerate(row):
                key = header_key(cell_text(value))
                role = wanted.get(key) or wanted.get(key.split("(")[0])
                if role and role not in found:
                    found[role] = c
            if found:
                return r, found
        return -1, {}

    def staff(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        head, cols = self.table(rows, {
            "name": ("姓名", "名字", "人员", "name"),
            "email": ("邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
            "superior": ("上级", "直属上级", "主管", "superior", "manager"),
            "role": ("角色", "职务", "岗位", "role"),
            "unit": ("负责支援单位", "支援单位", "单位", "unit", "supportunit"),
        })
        if "name" not in cols:
            if rows:
                self.problem(sheet, 0, 0, sheet, "", f"“{sheet}”表缺少“姓名”列，人员表未读取",
                             f"sheet '{sheet}' has no Name column; staff not read")
            return
        for r in range(head + 1, len(rows)):
            row = rows[r]

            def get(role: str, row: Sequence[Any] = row) -> str | None:
                c = cols.get(role)
                text = fold(cell_text(row[c])) if c is not None and c < len(row) else ""
                return text or None

            name = get("name")
            if not name:
                continue
            email = get("email")
            if email and ("@" not in email or any(ch in email for ch in " \r\n,;<>")):
                self.problem(sheet, r, cols["email"], name, email,
                             f"{name} 的邮箱“{email}”格式不对，催办邮件将不填收件人",
                             f"{name}'s e-mail '{email}' is not an address; drafts leave To empty")
                email = None
            self.s.staff[name] = Person(name, email, get("superior"), get("role"), get("unit"))

    def lists(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        head, cols = self.table(rows, {
            "types": ("投诉项目", "投诉类型", "类型", "types", "type"),
            "sla": ("时限", "时限(工作日)", "sla", "sladays"),
            "support_units": ("支援单位", "支援", "supportunits", "supportunit"),
            "effect_values": ("效果评估", "effect", "effectvalues"),
            "severity_values": ("严重程度", "severity", "severityvalues"),
            "key_accounts": ("大客户", "重点客户", "keyaccounts"),
        })
        if head < 0:
            return
        for role in ("types", "support_units", "effect_values", "severity_values",
                     "key_accounts"):
            c = cols.get(role)
            if c is None:
                continue
            values = [fold(cell_text(row[c])) for row in rows[head + 1:] if c < len(row)]
            values = list(dict.fromkeys(v for v in values if v))
            if values:
                setattr(self.s, role, tuple(values))
        if "sla" in cols and "types" in cols:
            tc, sc = cols["types"], cols["sla"]
            for r in range(head + 1, len(rows)):
                row = rows[r]
                if max(tc, sc) >= len(row):
                    continue
                name, raw = fold(cell_text(row[tc])), row[sc]
                text = fold(cell_text(raw))
                if not name or not text:
                    continue
                low, high = SLA_TYPE_RANGE
                try:
                    days = float(text)
                    if not days.is_integer() or not low <= days <= high:
                        raise ValueError
                except ValueError:
                    sla = self.s.sla_days  # the 设置 sheet is read before this one
                    self.problem(sheet, r, sc, name, raw,
                                 f"“{name}”的时限应为 {low} 到 {high} 的整数（工作日），"
                                 f"已按默认时限 {sla} 个工作日处理",
                                 f"the SLA of '{name}' must be a whole number of working days "
                                 f"from {low} to {high}; the default SLA, {sla} working days, "
                                 "is used")
                    continue
                self.s.sla_by_type[name] = int(days)

    def holidays(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        """Read the 节假日 rows: day, working or off, and whether the row is official.

        A 类型 that is neither a working-day nor a day-off word is reported and the row
        left out: guessing "day off" would move deadlines without anyone knowing. A
        sheet without a 类型 column is a plain list of days off.
        """
        head, cols = self.table(rows, {
            "date": ("日期", "date", "day"),
            "kind": ("类型", "上班/休息", "是否上班", "kind", "type", "working"),
            "status": HOLIDAY_STATUS_HEADERS,
            "note": ("说明", "备注", "注释", "note", "notes", "remark", "remarks", "description"),
        })
        if "date" not in cols:
            return

        def text(role: str, row: Sequence[Any]) -> tuple[str, Any]:
            c = cols.get(role)
            raw = row[c] if c is not None and c < len(row) else None
            return fold(cell_text(raw)), raw

        for r in range(head + 1, len(rows)):
            row = rows[r]
            dc = cols["date"]
            raw = row[dc] if dc < len(row) else None
            if raw in (None, ""):
                continue
            day, note = parse_date(raw, as_of=dt.date.today(), order=self.s.date_order)
            if note not in (None, "text") or day != day:
                self.problem(sheet, r, dc, "日期", raw, "节假日表中的日期无法识别，此行未用",
                             "a date in the holidays sheet cannot be read; the row is ignored")
                continue
            kind, kind_raw = text("kind", row)
            if "kind" not in cols:
                working = False
            elif header_key(kind) in _WORKING_KEYS:
                working = True
            elif header_key(kind) in _OFF_KEYS:
                working = False
            else:
                said_zh = f"类型“{kind}”无法识别" if kind else "类型为空"
                said_en = f"the kind '{kind}'" if kind else "the kind (blank)"
                self.problem(sheet, r, cols["kind"], "类型", kind_raw,
                             f"节假日表的{said_zh}，此行未用。请写“休息”（或 放假、假日、"
                             "休假）或“上班”（或 补班、调休上班、工作日）",
                             f"{said_en} on the holidays sheet is neither a "
                             "day off nor a working day; the row is not used. Write 休息/off "
                             "(or 放假, 假日, 休假, holiday) or 上班/working (or 补班, 调休上班, "
                             "工作日, workday)")
                continue
            date = day.astype(dt.date)
            self.s.holidays[date] = working
            status, status_raw = text("status", row)
            key = header_key(status)
            if key in _OFFICIAL_KEYS:
                self.s.official_holiday_years.add(date.year)
                continue
            if status and key not in _ESTIMATE_KEYS:
                self.problem(sheet, r, cols["status"], "状态", status_raw,
                             f"节假日表的状态“{status}”无法识别：此行照用，但不算已公布。"
                             "请写“已公布”或“估计”（或留空）",
                             f"the status '{status}' on the holidays sheet is neither 已公布/"
                             "official nor 估计/estimate; the row is used but does not count "
                             "as official")
            remark = text("note", row)[0].lower()
            if key in _ESTIMATE_KEYS or "估计" in remark or "estimate" in remark:
                self.s.estimated_holiday_years.add(date.year)

    def mapping(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        head, cols = self.table(rows, {
            "field": ("字段", "field"),
            "header": ("表头", "列名", "header", "column"),
        })
        if "field" not in cols or "header" not in cols:
            return
        by_label = {header_key(f.zh): f.name for f in FIELDS} | {
            header_key(f.en): f.name for f in FIELDS} | {f.name: f.name for f in FIELDS}
        for r in range(head + 1, len(rows)):
            row = rows[r]
            fc, hc = cols["field"], cols["header"]
            name = cell_text(row[fc]).strip() if fc < len(row) else ""
            header = fold(cell_text(row[hc])) if hc < len(row) else ""
            if not name or not header:
                continue
            field_name = by_label.get(header_key(name), name if name in FIELD_NAMES else None)
            if field_name is None:
                self.problem(sheet, r, fc, name, name,
                             f"列映射中的字段“{name}”不存在", f"unknown field '{name}' in the mapping")
                continue
            self.s.mapping[field_name] = header

    def rules(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        head, cols = self.table(rows, {
            "code": ("代码", "规则代码", "code"),
            "enabled": ("启用", "是否启用", "enabled", "on"),
            "severity": ("级别", "严重性", "severity"),
        })
        if "code" not in cols:
            return
        for r in range(head + 1, len(rows)):
            row = rows[r]

            def get(role: str, row: Sequence[Any] = row) -> str:
                c = cols.get(role)
                return fold(cell_text(row[c])).lower() if c is not None and c < len(row) else ""

            code = get("code")
            if not code:
                continue
            enabled_text, sev_text = get("enabled"), get("severity")
            enabled = enabled_text not in CLOSED_NO | {"停用", "关闭", "off", "disabled"}
            severity = {"错误": "error", "error": "error", "警告": "warning",
                        "warning": "warning", "提示": "warning"}.get(sev_text)
            if sev_text and severity is None:
                self.problem(sheet, r, cols["severity"], code, sev_text,
                             "级别应为“错误”或“警告”", "severity must be error or warning")
            self.s.rules[code] = RuleSetting(enabled, severity,  # type: ignore[arg-type]
                                             sheet, _cell(r, cols["code"]))


def read_settings(sheets: dict[str, Sequence[Sequence[Any]]], *, source: str | None = None
                  ) -> Settings:
    """Settings from a workbook's sheets (name -> rows of cell values), defaults elsewhere.

    Only sheets whose (folded) names are in :data:`SETTINGS_SHEETS` are looked at. The
    key/value sheet comes first wherever it stands, so that the other sheets are read
    with its values (the default SLA a bad type SLA falls back to, the date order).
    """
    settings = Settings(source=source)
    reader = _Reader(settings)
    roles = {name: sheet_role(name) for name in sheets}
    for name in sorted(sheets, key=lambda n: roles[n] != "settings"):
        role = roles[name]
        if role == "settings":
            reader.key_values(name, sheets[name])
        elif role not in (None, "tool"):
            getattr(reader, role)(name, sheets[name])
    return settings
