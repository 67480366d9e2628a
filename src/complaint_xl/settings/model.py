"""The settings' types: what a team can configure, with the defaults a new team starts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

from complaint_xl.register.options import ReadOptions
from complaint_xl.register.schema import (
    DEFAULT_SUPPORT_UNITS,
    DEFAULT_TYPES,
    EFFECT_VALUES,
    SEVERITY_VALUES,
)
from complaint_xl.register.text import fold
from complaint_xl.words import Said

__all__ = ["Lang", "Person", "RuleSetting", "Settings", "SettingsProblem"]

Lang = str
"""A language code of the words (complaint_xl.words.LANGS)."""

_READING: Final[ReadOptions] = ReadOptions()
"""The reader's defaults, which are these settings' defaults: each written once."""


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """A settings cell that could not be used; the default stands for it."""

    sheet: str
    cell: str
    key: str
    value: str
    said: Said
    """What is wrong, said in whichever language the run speaks (``settings.*`` words)."""

    def message(self, lang: Lang = "zh") -> str:
        return self.said.say(lang)


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
    sla_days: int = _READING.sla_days
    """Working days from raised_on to the deadline when the sheet gives none."""
    sla_major_days: int = _READING.sla_major_days
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
    accept_days: int = 1
    """Working days from raised_on to accepted_on (受理时限; the seeds' 24 hours)."""
    pause_max_days: int = 10
    """A pause (waiting for the customer) longer than this is listed for its owner."""
    extension_max_days: int = 15
    """Working days an extension may add after the original deadline (the bank's 15)."""
    followup_days: int = 5
    """Working days after closed_on by which the follow-up call (回访) is due."""
    sla_key_account_days: int | None = None
    """The 大客户 (key accounts') SLA where a deadline is derived: the shorter of it and the
    row's own; None (the cell left empty) gives key accounts the others' SLA."""
    date_order: Literal["ymd", "dmy", "mdy"] = _READING.date_order
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

    def read_options(self) -> ReadOptions:
        """What the register reader takes from these settings (it does not import them)."""
        return ReadOptions(date_order=self.date_order, mapping=dict(self.mapping),
                           sla_days=self.sla_days, sla_major_days=self.sla_major_days,
                           sla_by_type=dict(self.sla_by_type))
