"""The chase e-mails: one digest per owner, one request per support unit, one to the manager.

Every mail is rendered from the team's editable jinja2 templates: one layout per output
(``templates/chase_*``) whose words come from ``templates/<lang>/chase_labels.txt``. A
person whose address is unknown is still named in the body and left out of To/Cc, and
the run says who it was, so nobody is silently skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd

from complaint_xl.chase import ChaseResult, unit_names
from complaint_xl.outputs.email import Draft, Recipient, is_address
from complaint_xl.outputs.files import safe_filename
from complaint_xl.outputs.templating import render
from complaint_xl.settings import Settings

__all__ = ["ChaseMail", "chase_drafts"]

Kind = Literal["owner", "unit", "manager"]

_WORDS: Final[dict[str, dict[str, str]]] = {
    "zh": {"owner": "催办", "unit": "支援", "manager": "升级", "no_owner": "未填跟进人",
           "manager_role": "经理"},
    "en": {"owner": "chase", "unit": "support", "manager": "escalation", "no_owner": "no owner",
           "manager_role": "manager"},
}
_WARN: Final[dict[str, tuple[str, str]]] = {
    "no-address": ("{name} 没有登记邮箱（人员表），草稿 {file} 中未填其地址，请手动补上",
                   "{name} has no e-mail address in the staff sheet; fill it in by hand in "
                   "{file}"),
    "no-superior": ("{owner} 有二级以上的逾期项，但人员表中没有其上级，草稿 {file} 未抄送上级",
                    "{owner} has items at level 2 or higher but no superior in the staff sheet; "
                    "{file} copies nobody"),
    "no-unit-staff": ("人员表中没有人负责支援单位“{unit}”（负责支援单位列），草稿 {file} 未填收件人",
                      "nobody in the staff sheet answers for the support unit '{unit}'; {file} "
                      "has no recipient"),
    "no-manager": ("设置中没有填写经理，草稿 {file} 未填收件人",
                   "no manager in the settings; {file} has no recipient"),
}


@dataclass
class ChaseMail:
    """One draft to write, with what the coordinator must complete by hand."""

    kind: Kind
    filename: str
    draft: Draft
    missing: list[str] = field(default_factory=list)
    """Names of recipients without a known address."""
    warnings: list[str] = field(default_factory=list)


def _item_dicts(items: pd.DataFrame) -> list[dict[str, Any]]:
    """Items as plain values for the templates (dates as YYYY-MM-DD, None for blanks)."""
    shown = items.astype(object).where(items.notna(), None)
    for col in ("deadline", "raised_on"):
        text = items[col].dt.strftime("%Y-%m-%d").astype(object)
        shown[col] = text.where(items[col].notna(), None)
    return shown.to_dict("records")


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
                 override: Path | None) -> None:
        self.result, self.settings, self.now, self.override = result, settings, now, override
        self.lang = settings.lang
        self.words = _WORDS[self.lang]
        self.manager = _recipient(settings, settings.manager)
        # Converted once: an item appears in its owner's, its unit's and the manager's mail.
        self._records = dict(zip(result.items.index, _item_dicts(result.items), strict=True))

    def records(self, items: pd.DataFrame) -> list[dict[str, Any]]:
        return [self._records[i] for i in items.index]

    def warn(self, key: str, **params: Any) -> str:
        zh, en = _WARN[key]
        return (zh if self.lang == "zh" else en).format(**params)

    def filename(self, kind: Kind, who: str) -> str:
        """催办-李明.eml: the person's or unit's name made safe for any file system."""
        return f"{self.words[kind]}-{safe_filename(who)}.eml"

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
        who = owner or self.words["no_owner"]
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
            "items": self.records(items), **counts,
        }, [r for r in to if r], cc, warnings)

    def unit(self, unit: str, items: pd.DataFrame) -> ChaseMail:
        """Rule 8: the support unit's own list of what is asked of it."""
        staff = [p for p in self.settings.staff.values() if unit in unit_names(p.unit)]
        to = [Recipient(p.name, p.email) for p in staff]
        filename = self.filename("unit", unit)
        warnings = [] if staff else [self.warn("no-unit-staff", unit=unit, file=filename)]
        return self.mail("unit", unit, "chase_unit", {
            "unit": unit, "staff": [p.name for p in staff], "items": self.records(items),
            **self.counts(items),
        }, to, [], warnings)

    def escalation(self, items: pd.DataFrame) -> ChaseMail:
        """Level-3 items for the manager, most overdue first."""
        who = self.manager.name if self.manager else self.words["manager_role"]
        filename = self.filename("manager", who)
        warnings = [] if self.manager else [self.warn("no-manager", file=filename)]
        return self.mail("manager", who, "chase_manager", {
            "manager": self.manager.name if self.manager else None,
            "items": self.records(items), **self.counts(items),
        }, [self.manager] if self.manager else [], [], warnings)


def chase_drafts(result: ChaseResult, settings: Settings, *, now: dt.datetime,
                 override: str | Path | None = None) -> list[ChaseMail]:
    """All drafts of a chase run: owners (most urgent first), support units, the manager."""
    composer = _Composer(result, settings, now, Path(override) if override else None)
    items = result.items
    mails = []
    owners = items["owner"].fillna("")
    for owner in result.by_owner()["owner"]:
        mails.append(composer.owner(owner, items[owners.eq(owner or "").to_numpy()]))
    asked = items[items["support_unit"].notna().to_numpy()]
    for unit in result.by_unit()["support_unit"]:
        mails.append(composer.unit(unit, asked[asked["support_unit"].eq(unit).to_numpy()]))
    level3 = items[(items["level"] >= 3).to_numpy()]
    if len(level3):
        mails.append(composer.escalation(level3))
    return mails
