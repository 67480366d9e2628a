"""The chase e-mails: one digest per owner, one request per support unit, one to the manager.

Every mail is rendered from the team's editable jinja2 templates: one layout per output
(``templates/chase_*``) whose words come from ``templates/<lang>/chase_labels.txt``. A
person whose address is unknown is still named in the body and left out of To/Cc, and
the run says who it was, so nobody is silently skipped.

A mail lists at most ``Settings.chase_mail_max_items`` items, the most overdue first,
and says how many more there are and which chase list holds them all: a digest of
thousands of rows helps nobody and makes a 35 MB draft. Every count it states (subject,
summary) is still over all of its items.

An owner's digest also has the lifecycle's own short sections, each only when it has
items: complaints waiting for the customer (a pause beyond 最长暂停 flagged), follow-up
calls due and new actions due; an owner with only such items gets a digest too. Paused
items are never escalated: they bring no superior into Cc and no manager's mail.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, overload

import pandas as pd

from complaint_xl.chase.result import LIFECYCLE_LISTS, ChaseResult
from complaint_xl.deadlines import moved_texts
from complaint_xl.outputs.chase_xlsx import list_filename
from complaint_xl.outputs.email import Draft, Recipient, is_address
from complaint_xl.outputs.files import safe_filename
from complaint_xl.outputs.templating import render
from complaint_xl.register.text import fold
from complaint_xl.settings import Settings
from complaint_xl.words import LANGS, say

__all__ = ["ChaseMail", "chase_drafts", "draft_prefixes", "missing_addresses", "unit_names"]

Kind = Literal["owner", "unit", "manager"]

_KINDS: Final[tuple[Kind, ...]] = ("owner", "unit", "manager")


def draft_prefixes() -> tuple[str, ...]:
    """How every chase draft's file name starts, in any language (``chase.mail.file-<kind>``;
    see ``_Composer.filename``): a rerun in another language still tidies the old drafts."""
    return tuple(f"{say(f'chase.mail.file-{kind}', lang)}-" for lang in LANGS for kind in _KINDS)


@dataclass
class ChaseMail:
    """One draft to write, with what the coordinator must complete by hand."""

    kind: Kind
    filename: str
    draft: Draft
    missing: list[str] = field(default_factory=list)
    """Names of recipients without a known address."""
    warnings: list[str] = field(default_factory=list)


_SPLIT: Final = re.compile(r"[;；,，、/]+")


def unit_names(text: str | None) -> list[str]:
    """The support units a staff entry answers for (several may be listed: 财务、内务)."""
    return [fold(u) for u in _SPLIT.split(text or "") if u.strip()]


_DATES: Final[tuple[str, ...]] = (
    "deadline", "raised_on", "deadline_original", "paused_from", "paused_to", "closed_on",
    "followup_deadline")


def _item_dicts(items: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Items as plain values for the templates (dates as YYYY-MM-DD, None for blanks), with
    ``deadline_moved``, why the deadline moved ('暂停 5 个工作日', '延期至 05-22'; None if not)."""
    shown = items.astype(object).where(items.notna(), None)
    for col in _DATES:
        if col in items:
            days = pd.to_datetime(items[col])  # an empty list's column may be of objects
            text = days.dt.strftime("%Y-%m-%d").astype(object)
            shown[col] = text.where(days.notna(), None)
    records = shown.to_dict("records")
    if len(items):  # set on the dicts: a text column with None would become NaN (pandas' str)
        moved = moved_texts(items["paused_workdays"], items["extended"], items["deadline"], lang)
        for record, why in zip(records, moved, strict=True):
            record["deadline_moved"] = why
    return records


class _Items(Sequence[dict[str, Any]]):
    """All the items of one mail for the templates, turned into dicts only when read.

    The shipped templates print ``n_items`` and list ``shown``; a team's older copy that
    still counts ``items | length`` gets the full total for free, and one that loops over
    ``items`` still gets every item.
    """

    def __init__(self, composer: _Composer, index: pd.Index) -> None:
        self._composer, self._index = composer, index

    def __len__(self) -> int:
        return len(self._index)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return self._composer.records(self._index[i])
        return self._composer.records(self._index[[i]])[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._composer.records(self._index))


def _recipient(settings: Settings, name: str | None) -> Recipient | None:
    """A staff member by name (an address typed in place of a name works too)."""
    if not name:
        return None
    if is_address(name):
        return Recipient(name, name)
    person = settings.person(name)
    return Recipient(person.name if person else name, person.email if person else None)


class _Composer:
    """Renders the drafts of one run with shared context, language and template folder."""

    def __init__(self, result: ChaseResult, settings: Settings, now: dt.datetime,
                 override: Path | None, workbook: str) -> None:
        self.result, self.settings, self.now, self.override = result, settings, now, override
        self.workbook = workbook
        self.lang = settings.lang
        self.manager = _recipient(settings, settings.manager)
        self.max_items = max(settings.chase_mail_max_items, 0)
        # Converted when first listed, then kept: an item appears in its owner's, its
        # unit's and the manager's mail, and only the listed few are ever needed.
        self._records: dict[Any, dict[str, Any]] = {}

    def records(self, index: pd.Index) -> list[dict[str, Any]]:
        """The items at these labels of ``result.items`` as template values, in that order."""
        todo = [i for i in dict.fromkeys(index) if i not in self._records]
        if todo:
            self._records.update(zip(todo, _item_dicts(self.result.items.loc[todo], self.lang),
                                     strict=True))
        return [self._records[i] for i in index]

    def listing(self, items: pd.DataFrame) -> dict[str, Any]:
        """What a mail says about its items: all of them, the first few listed, how many more.

        ``items`` come most overdue first (the order of :attr:`ChaseResult.items`).
        """
        shown = items.index[:self.max_items]
        return {"items": _Items(self, items.index), "shown": self.records(shown),
                "n_items": len(items), "n_more": len(items) - len(shown),
                "workbook": self.workbook}

    def lifecycle(self, owner: str | None) -> dict[str, Any]:
        """An owner's lifecycle sections: per list (paused, followup_due, new_action_due) the
        first few items and how many more, and the counts the words need."""
        lists = self.result.lifecycle(owner) if owner else {
            name: items[items["owner"].isna().to_numpy()]
            for name, items in self.result.lifecycle().items()}
        out: dict[str, Any] = {
            "pause_max_days": self.result.pause_max_days,
            "followup_days": self.result.followup_days,
            "n_pause_too_long": int(lists["paused"]["pause_too_long"].to_numpy(dtype=bool).sum()),
        }
        for name in LIFECYCLE_LISTS:
            items = lists[name]
            out[name] = _item_dicts(items.iloc[:self.max_items], self.lang)
            out[f"n_{name}"] = len(items)
            out[f"n_{name}_more"] = max(len(items) - self.max_items, 0)
        return out

    def warn(self, key: str, **params: Any) -> str:
        return say(f"chase.mail.{key}", self.lang, **params)

    def filename(self, kind: Kind, who: str) -> str:
        """催办-李明.eml: the person's or unit's name made safe for any file system."""
        return f"{say(f'chase.mail.file-{kind}', self.lang)}-{safe_filename(who)}.eml"

    def mail(self, kind: Kind, who: str, template: str, context: dict[str, Any],
             to: list[Recipient], cc: list[Recipient], warnings: list[str]) -> ChaseMail:
        filename = self.filename(kind, who)
        s = self.settings
        missing = [r.name for r in (*to, *cc) if r.address() is None]
        ctx = {
            "as_of": self.result.as_of.isoformat(),
            "company": s.company,
            "due_soon_days": s.due_soon_days,
            "level2_after": s.escalate_level2_after,
            "level3_after": s.escalate_level3_after,
            "missing": missing,
            **context,
        }
        opts = {"lang": self.lang, "override": self.override}
        draft = Draft(
            subject=render(f"{template}.subject.txt", ctx, **opts).strip(),
            html=render(f"{template}.html", ctx, **opts),
            text=render(f"{template}.txt", ctx, **opts),
            to=to, cc=cc, sender=s.sender, date=self.now,
        )
        warnings = [*warnings, *(self.warn("no-address", name=n, file=filename) for n in missing)]
        return ChaseMail(kind, filename, draft, missing, warnings)

    def counts(self, items: pd.DataFrame) -> dict[str, int]:
        over = items["status"].eq("overdue")
        return {"n_overdue": int(over.sum()), "n_due_soon": int((~over).sum()),
                "n_level2": int((items["level"] >= 2).sum()),
                "n_level3": int((items["level"] >= 3).sum()),
                "max_level": int(items["level"].max()) if len(items) else 0}

    def owner(self, owner: str | None, items: pd.DataFrame) -> ChaseMail:
        """The owner's digest; Cc the superior once any item is at level 2 or higher."""
        who = owner or say("chase.mail.no-owner", self.lang)
        counts = self.counts(items)
        filename = self.filename("owner", who)
        # Items nobody follows up go to the manager, who has to assign them.
        to = [_recipient(self.settings, owner)] if owner else [self.manager]
        warnings = [self.warn("no-manager", file=filename)] if to == [None] else []
        superiors = items["superior"].dropna()
        superior_name = superiors.iloc[0] if len(superiors) else None
        cc: list[Recipient] = []
        if counts["n_level2"] and owner:
            superior = _recipient(self.settings, superior_name)
            if superior is None:
                warnings.append(self.warn("no-superior", owner=owner, file=filename))
            else:
                cc.append(superior)
        return self.mail("owner", who, "chase_owner", {
            "owner": owner, "superior": superior_name if cc else None,
            "manager": self.manager.name if self.manager else None,
            **self.listing(items), **counts, **self.lifecycle(owner),
        }, [r for r in to if r], cc, warnings)

    def unit(self, unit: str, items: pd.DataFrame) -> ChaseMail:
        """Rule 8: the support unit's own list of what is asked of it."""
        staff = [p for p in self.settings.staff.values() if unit in unit_names(p.unit)]
        to = [Recipient(p.name, p.email) for p in staff]
        filename = self.filename("unit", unit)
        warnings = [] if staff else [self.warn("no-unit-staff", unit=unit, file=filename)]
        return self.mail("unit", unit, "chase_unit", {
            "unit": unit, "staff": [p.name for p in staff], **self.listing(items),
            **self.counts(items),
        }, to, [], warnings)

    def escalation(self, items: pd.DataFrame) -> ChaseMail:
        """Level-3 items for the manager, most overdue first."""
        who = self.manager.name if self.manager else say("chase.mail.manager-role", self.lang)
        filename = self.filename("manager", who)
        warnings = [] if self.manager else [self.warn("no-manager", file=filename)]
        return self.mail("manager", who, "chase_manager", {
            "manager": self.manager.name if self.manager else None,
            **self.listing(items), **self.counts(items),
        }, [self.manager] if self.manager else [], [], warnings)


def chase_drafts(result: ChaseResult, settings: Settings, *, now: dt.datetime,
                 override: str | Path | None = None, workbook: str | None = None) -> list[ChaseMail]:
    """All drafts of a chase run: owners (most urgent first), support units, the manager.

    ``workbook`` is the file name of the chase list the mails refer to for the items they
    do not list (default: :func:`~complaint_xl.outputs.chase_xlsx.list_filename`).
    """
    composer = _Composer(result, settings, now, Path(override) if override else None,
                         workbook or list_filename(result.as_of))
    items = result.items
    owners = items["owner"].fillna("")
    chased = list(result.by_owner()["owner"])
    # Owners with only lifecycle items (paused, follow-up or new action due) after the others.
    more = [o if isinstance(o, str) else None for o in result.lifecycle_by_owner()["owner"]]
    chased += [o for o in dict.fromkeys(more) if o not in chased]  # a missing owner: None
    by_owner = [(owner, items[owners.eq(owner or "").to_numpy()]) for owner in chased]
    asked = items[items["support_unit"].notna().to_numpy()]
    by_unit = [(unit, asked[asked["support_unit"].eq(unit).to_numpy()])
               for unit in result.by_unit()["support_unit"]]
    level3 = items[(items["level"] >= 3).to_numpy()]
    # Every item some mail lists, made template values at once rather than mail by mail.
    groups = [*(g for _, g in by_owner), *(g for _, g in by_unit), level3]
    composer.records(pd.Index([i for g in groups for i in g.index[:composer.max_items]]))
    return [*(composer.owner(owner, group) for owner, group in by_owner),
            *(composer.unit(unit, group) for unit, group in by_unit),
            *([composer.escalation(level3)] if len(level3) else [])]


def missing_addresses(mails: Sequence[ChaseMail]) -> list[str]:
    """Everyone a draft is for whose address is unknown, each once, in the order of the mails."""
    missing: dict[str, None] = {}
    for mail in mails:
        missing.update(dict.fromkeys(mail.missing))
    return list(missing)
