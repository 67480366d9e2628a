"""Chasing (催办): which open complaints are overdue or due soon, and how far to escalate.

Rule 3 of the sheet: once help is asked for, follow the complaint until it is closed
and report to the superior. :func:`chase` is one vectorised pass over the register
frame; what is overdue or due soon, and by how many working days, is decided by
:func:`complaint_xl.deadlines.deadline_status`, the rule the KPIs, ``cxl_status`` and
the workbook's colours share. :func:`write_chase` then writes the chase list and the
e-mail drafts that the coordinator sends.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.deadlines import WORDS, deadline_status, deadline_suspect, late_texts
from complaint_xl.loading import Loaded
from complaint_xl.register.reader import Register
from complaint_xl.register.text import fold, map_unique
from complaint_xl.settings import Settings
from complaint_xl.workdays import Calendar

__all__ = [
    "ITEM_COLUMNS",
    "ChaseOutputs",
    "ChaseResult",
    "ChaseWarning",
    "chase",
    "default_folder",
    "list_filename",
    "prepare_outputs",
    "run_chase",
    "summary_lines",
    "unit_names",
    "write_chase",
]

ITEM_COLUMNS: Final[tuple[str, ...]] = (
    "status", "level", "workdays_overdue", "workdays_left", "sheet", "row", "seq", "owner",
    "superior", "customer", "customer_attr", "key_account", "type", "severity", "is_major",
    "raised_on", "deadline", "deadline_derived", "deadline_suspect", "support_unit",
    "support_need", "progress", "problem",
)
"""Columns of :attr:`ChaseResult.items`, in the order the chase list shows them.

``deadline_suspect``: the deadline is before the raised date (validate's error
``deadline-before-raised``); the item is still chased, with a note to check it."""

KEY_ACCOUNT_ATTRS: Final[frozenset[str]] = frozenset({"大客户", "重点客户", "keyaccount"})
"""A customer attribute that itself says 'key account' (the seed's 客户(属性) column)."""

_JSON_KEYS: Final[tuple[str, ...]] = (
    "row", "seq", "owner", "customer", "type", "deadline", "workdays_overdue", "level",
    "sheet", "customer_attr", "key_account", "severity", "support_unit", "support_need",
    "deadline_derived", "workdays_left", "deadline_suspect",
)


class ChaseWarning(UserWarning):
    """Something the coordinator must fix by hand: a missing address, a kept edited draft."""


@dataclass
class ChaseResult:
    """The chase list as of one day: overdue items first (most overdue first), then due soon."""

    as_of: dt.date
    items: pd.DataFrame
    """One row per item to chase, columns :data:`ITEM_COLUMNS`; ``level`` 0 means due soon."""
    due_soon_days: int = 2
    escalate_after: tuple[int, int] = (3, 10)
    """The settings' thresholds for levels 2 and 3 (working days overdue), for the reports."""
    _summaries: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)  # not carried over by replace()

    @property
    def overdue(self) -> pd.DataFrame:
        return self.items[self.items["status"].eq("overdue").to_numpy()]

    @property
    def due_soon(self) -> pd.DataFrame:
        return self.items[self.items["status"].eq("due_soon").to_numpy()]

    def by_owner(self) -> pd.DataFrame:
        """Counts per owner (missing owner as None), most urgent owner first."""
        if "owner" not in self._summaries:  # the chase list and the mails both ask
            self._summaries["owner"] = _summary(self.items, "owner", ["superior"])
        return self._summaries["owner"].copy()

    def by_unit(self) -> pd.DataFrame:
        """Counts per support unit, over the items that ask a unit for help."""
        if "unit" not in self._summaries:
            asked = self.items[self.items["support_unit"].notna().to_numpy()]
            self._summaries["unit"] = _summary(asked, "support_unit", [])
        return self._summaries["unit"].copy()

    def to_json(self, outputs: ChaseOutputs | None = None) -> dict[str, Any]:
        """The ``--json`` document (contract in design.md), with the written files if any."""
        doc: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "overdue": _records(self.overdue),
            "due_soon": _records(self.due_soon),
            "drafts": [str(p) for p in outputs.drafts] if outputs else [],
        }
        if outputs is not None:
            doc["folder"] = str(outputs.folder)
            doc["workbook"] = str(outputs.workbook)
            doc["missing_addresses"] = list(outputs.missing_addresses)
            doc["kept_edited"] = [str(p) for p in outputs.kept]
        return doc


@dataclass
class ChaseOutputs:
    """What :func:`write_chase` wrote, and what the coordinator has to do by hand."""

    folder: Path
    workbook: Path
    drafts: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Drafts the user had edited since we wrote them; left as they were."""
    missing_addresses: list[str] = field(default_factory=list)
    """People a draft is for whose e-mail address is not in the staff sheet."""
    warnings: list[str] = field(default_factory=list)


# -- computing ----------------------------------------------------------------------

def chase(register: Register, settings: Settings, calendar: Calendar, as_of: dt.date) -> ChaseResult:
    """Overdue and due-soon open items with their escalation level, sorted for chasing.

    Level of an overdue item: 1 from the first day (a reminder to the owner), 2 once
    it is more than ``escalate_level2_after`` working days overdue (the superior is
    copied), 3 once more than ``escalate_level3_after`` (the manager gets it); a 重大
    complaint is one level higher, at most 3. Due-soon items have level 0.
    """
    frame = register.frame
    status = deadline_status(frame["deadline"], frame["is_closed"], as_of, calendar,
                             settings.due_soon_days)
    keep = status.overdue | status.due_soon
    sub = frame[keep]
    # workdays(deadline, today): the days late, or minus the days left when due soon.
    late = -status.workdays_to_deadline[keep].astype(np.int64)
    over = status.overdue[keep]
    major = sub["is_major"].to_numpy(dtype=bool)
    suspect = deadline_suspect(sub["deadline"], sub["raised_on"], sub["deadline_derived"])

    level = np.where(late > settings.escalate_level3_after, 3,
                     np.where(late > settings.escalate_level2_after, 2, 1))
    level = np.where(over, np.minimum(level + major, 3), 0)

    items = pd.DataFrame({
        "status": np.where(over, "overdue", "due_soon"),
        "level": level.astype(np.int64),
        "workdays_overdue": late,
        "workdays_left": np.where(over, 0, -late).astype(np.int64),
        "sheet": _objects(sub["_sheet"]),
        "row": sub["_row"].to_numpy(dtype=np.int64),
        "seq": _seq(sub),
        "owner": _objects(sub["owner"]),
        "superior": _objects(map_unique(sub["owner"], lambda o: _superior(settings, o))),
        "customer": _objects(sub["customer"]),
        "customer_attr": _objects(sub["customer_attr"]),
        "key_account": _key_accounts(sub, settings),
        "type": _objects(sub["type"]),
        "severity": _objects(sub["severity"]),
        "is_major": major,
        "raised_on": sub["raised_on"].to_numpy(dtype="datetime64[ns]"),
        "deadline": sub["deadline"].to_numpy(dtype="datetime64[ns]"),
        "deadline_derived": sub["deadline_derived"].to_numpy(dtype=bool),
        "deadline_suspect": suspect,
        "support_unit": _objects(sub["support_unit"]),
        "support_need": _objects(sub["support_need"]),
        "progress": _objects(sub["progress"]),
        "problem": _objects(sub["problem"]),
    }, columns=list(ITEM_COLUMNS))
    # Overdue before due soon, most overdue first, then higher level, key accounts;
    # lexsort is stable, so ties keep the register's order.
    order = np.lexsort((~items["key_account"].to_numpy(dtype=bool), -level, -late, ~over))
    return ChaseResult(as_of, items.iloc[order].reset_index(drop=True), settings.due_soon_days,
                       (settings.escalate_level2_after, settings.escalate_level3_after))


def _objects(values: pd.Series | np.ndarray) -> pd.Series:
    """Text column as objects with None for missing (pandas' str dtype would use NaN)."""
    array = pd.Series(values).to_numpy(dtype=object, copy=True)
    array[pd.isna(array)] = None
    return pd.Series(array, dtype=object)


def _seq(frame: pd.DataFrame) -> pd.Series:
    """序号 as a whole number where it is one (as the user typed it otherwise)."""
    num = pd.to_numeric(frame["seq__num"], errors="coerce").to_numpy(dtype="float64")
    out = _objects(frame["seq"]).to_numpy(dtype=object, copy=True)
    whole = ~np.isnan(num) & (np.mod(num, 1) == 0)
    out[whole] = num[whole].astype(np.int64).astype(object)
    return pd.Series(out, dtype=object)


_SPLIT: Final = re.compile(r"[;；,，、/]+")


def unit_names(text: str | None) -> list[str]:
    """The support units a staff entry answers for (several may be listed: 财务、内务)."""
    return [fold(u) for u in _SPLIT.split(text or "") if u.strip()]


def _superior(settings: Settings, owner: Any) -> str | None:
    person = settings.person(owner) if isinstance(owner, str) else None
    return person.superior if person else None


def _key_accounts(frame: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Key account: named in the settings' 大客户 list, or its attribute says so."""
    listed = {fold(a).lower() for a in settings.key_accounts}
    by_name = map_unique(frame["customer"],
                         lambda c: isinstance(c, str) and fold(c).lower() in listed)
    by_attr = map_unique(frame["customer_attr"],
                         lambda a: isinstance(a, str) and fold(a).lower().replace(" ", "")
                         in KEY_ACCOUNT_ATTRS)
    return by_name.to_numpy(dtype=bool) | by_attr.to_numpy(dtype=bool)


def _summary(items: pd.DataFrame, key: str, extra: Sequence[str]) -> pd.DataFrame:
    over = items["status"].eq("overdue")
    grouped = pd.DataFrame({
        key: items[key].fillna(""),
        "overdue": over.astype(int),
        "due_soon": (~over).astype(int),
        "level2": (items["level"] >= 2).astype(int),
        "level3": (items["level"] >= 3).astype(int),
        "max_workdays_overdue": items["workdays_overdue"].where(over),
        **{c: items[c] for c in extra},
    }).groupby(key, sort=False, dropna=False)
    out = grouped.agg(overdue=("overdue", "sum"), due_soon=("due_soon", "sum"),
                      level2=("level2", "sum"), level3=("level3", "sum"),
                      max_workdays_overdue=("max_workdays_overdue", "max"),
                      **{c: (c, "first") for c in extra})
    out = out.reset_index()
    keys = out[key].to_numpy(dtype=object, copy=True)
    keys[keys == ""] = None
    out[key] = pd.Series(keys, dtype=object)
    out["max_workdays_overdue"] = out["max_workdays_overdue"].astype("Int64")
    return out.sort_values(["level3", "level2", "overdue", "due_soon"], ascending=False,
                           kind="stable").reset_index(drop=True)


def _records(items: pd.DataFrame) -> list[dict[str, Any]]:
    """Items as JSON objects: plain ints/strs/bools, dates as YYYY-MM-DD."""
    shown = items.loc[:, list(_JSON_KEYS)].astype(object)
    shown["deadline"] = items["deadline"].dt.strftime("%Y-%m-%d").astype(object)
    return shown.to_dict("records")


# -- writing ------------------------------------------------------------------------

def default_folder(as_of: dt.date, settings: Settings) -> Path:
    """The dated folder a run writes to without --out: 催办-YYYY-MM-DD (chase- in English).

    It sits in the settings' 草稿文件夹 when the workbook names one (relative to the
    workbook), else in the current directory.
    """
    name = ("催办-" if settings.lang == "zh" else "chase-") + as_of.isoformat()
    base = settings.folder(settings.drafts_folder)
    return (base or Path.cwd()) / name


def list_filename(as_of: dt.date) -> str:
    """The chase list's file name, which the mails name for the items they do not list."""
    return f"chase-{as_of.isoformat()}.xlsx"


def prepare_outputs(settings: Settings) -> None:
    """Import the writers and compile the mail templates: run while the register is parsed."""
    from complaint_xl.outputs import chase_mail, chase_xlsx, drafts, email  # noqa: F401
    from complaint_xl.outputs.templating import preload

    preload("chase", lang=settings.lang, override=settings.templates_path)


def write_chase(result: ChaseResult, settings: Settings, out: Path | None = None, *,
                now: dt.datetime | None = None) -> ChaseOutputs:
    """Write the chase list workbook and the e-mail drafts into ``out`` (or the dated folder).

    ``now`` is the Date of every draft (default: the moment of the run). Each problem
    the coordinator must fix by hand is also raised as a :class:`ChaseWarning`.
    """
    # Imported here: the output modules import this one for ChaseResult.
    from complaint_xl.outputs.chase_mail import DRAFT_PREFIXES, chase_drafts
    from complaint_xl.outputs.chase_xlsx import write_chase_xlsx
    from complaint_xl.outputs.drafts import OutputFolder
    from complaint_xl.outputs.email import render_draft

    now = now or dt.datetime.now().astimezone()
    lang = settings.lang
    folder = OutputFolder(out if out is not None else default_folder(result.as_of, settings),
                          lang=lang)
    workbook = folder.write_with(list_filename(result.as_of),
                                 lambda tmp: write_chase_xlsx(result, tmp, lang=lang))
    outputs = ChaseOutputs(folder.path, workbook)
    # The mails name the workbook as written: "chase-… (2).xlsx" beside an edited one.
    mails = chase_drafts(result, settings, now=now, workbook=workbook.name,
                         override=settings.templates_path)
    for mail in mails:
        outputs.drafts.append(folder.write_bytes(mail.filename, render_draft(mail.draft)))
    folder.forget_stale(".eml", DRAFT_PREFIXES)
    folder.save()
    outputs.kept = list(folder.kept)
    missing: dict[str, None] = {}
    for mail in mails:
        missing.update(dict.fromkeys(mail.missing))
    outputs.missing_addresses = list(missing)
    outputs.warnings = [*(w for mail in mails for w in mail.warnings), *folder.warnings]
    for message in dict.fromkeys(outputs.warnings):
        warnings.warn(message, ChaseWarning, stacklevel=2)
    return outputs


def run_chase(loaded: Loaded, out: Path | None = None, *, now: dt.datetime | None = None
              ) -> tuple[ChaseResult, ChaseOutputs]:
    """The chase command in one call (CLI, demo, button): compute, then write."""
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    return result, write_chase(result, loaded.settings, out, now=now)


# -- presenting ---------------------------------------------------------------------

_SUMMARY: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "head": "催办（截至 {as_of}）：逾期 {overdue} 项（二级及以上 {level2}，三级 {level3}），"
                "即将到期 {due_soon} 项。",
        "files": "输出到 {folder}：催办清单 {workbook}，邮件草稿 {drafts} 封。",
        "top": "逾期最久的 {n} 项：",
        "item": "  {owner}｜{customer}｜{type}｜期限 {deadline}｜{late}｜{level} 级{check}"
                "（{sheet} 第 {row} 行）",
        "check": "｜{note}",
        "none": "（未填）",
    },
    "en": {
        "head": "Chase as of {as_of}: {overdue} overdue ({level2} at level 2 or higher, {level3} at "
                "level 3), {due_soon} due soon.",
        "files": "Written to {folder}: chase list {workbook}, {drafts} e-mail drafts.",
        "top": "The {n} most overdue:",
        "item": "  {owner} | {customer} | {type} | deadline {deadline} | {late} | level {level}"
                "{check} ({sheet} row {row})",
        "check": " | {note}",
        "none": "(none)",
    },
}


def summary_lines(result: ChaseResult, outputs: ChaseOutputs | None, lang: str = "zh",
                  top: int = 5) -> list[str]:
    """A few lines for a person: the counts, where the files went, the most overdue items."""
    t = _SUMMARY[lang]
    over = result.overdue
    lines = [t["head"].format(as_of=result.as_of.isoformat(), overdue=len(over),
                              level2=int((over["level"] >= 2).sum()),
                              level3=int((over["level"] >= 3).sum()), due_soon=len(result.due_soon))]
    if outputs is not None:
        lines.append(t["files"].format(folder=outputs.folder, workbook=outputs.workbook.name,
                                       drafts=len(outputs.drafts)))
    if len(over):
        lines.append(t["top"].format(n=min(top, len(over))))
        shown = over.head(top)
        # "deadline passed on <date>" where no working day has passed yet, never "0 days".
        lates = late_texts(shown["workdays_overdue"], shown["deadline"], lang)
        check = t["check"].format(note=WORDS["suspect"][0 if lang == "zh" else 1])
        for rec, late in zip(_records(shown), lates, strict=True):
            lines.append(t["item"].format(
                owner=rec["owner"] or t["none"], customer=rec["customer"] or t["none"],
                type=rec["type"] or t["none"], deadline=rec["deadline"], late=late,
                level=rec["level"], check=check if rec["deadline_suspect"] else "",
                sheet=rec["sheet"], row=rec["row"]))
    return lines
