"""The weekly report as an e-mail draft (weekly-YYYY-Www.eml) to the report recipients.

The body carries the headline figures, the hard points and the charts inline (by
Content-ID, so they show without downloading anything); the workbook is attached.
The draft is marked ``X-Unsent: 1``: the coordinator opens it, reads it and sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.outputs.email import Draft, Recipient
from complaint_xl.outputs.templating import render
from complaint_xl.outputs.weekly_html import summary_text, view
from complaint_xl.settings import Settings

__all__ = ["MAIL_CHARTS", "weekly_draft"]

MAIL_CHARTS: Final[tuple[str, ...]] = ("trend", "by_type", "by_support_unit")
"""Charts shown inline in the mail (the aging chart stays in the page and workbook)."""


def _recipients(settings: Settings) -> list[Recipient]:
    """The 周报收件人 addresses, named after the staff member who has that address."""
    names = {(p.email or "").casefold(): p.name for p in settings.staff.values() if p.email}
    return [Recipient(names.get(a.casefold(), a.split("@")[0]), a) for a in settings.report_recipients]


def _attachable(workbook: Path, settings: Settings) -> bool:
    """Whether the workbook is small enough to go with the mail (``mail_attachment_max_mb``)."""
    limit = settings.mail_attachment_max_mb
    return limit > 0 and workbook.stat().st_size <= limit * 1024 * 1024


def weekly_draft(kpis: WeeklyKpis, settings: Settings, charts: Mapping[str, bytes],
                 attachment: Path | None = None, lang: str | None = None) -> Draft:
    """The draft: HTML body with inline charts, plain-text alternative, workbook attached.

    A workbook above the settings' attachment limit (a million-row register makes a
    ~120 MB one, which mail servers refuse) is named with its size and folder instead.
    """
    lang = lang or kpis.lang
    cids = {name: f"{name}-{kpis.week_label}@complaint-xl.invalid" for name in MAIL_CHARTS
            if name in charts}
    context = view(kpis, lang, {name: f"cid:{cid}" for name, cid in cids.items()})
    attached = attachment is not None and _attachable(attachment, settings)
    context["attachment"] = attachment.name if attachment else ""
    context["attached"] = attached
    if attachment is not None and not attached:
        context["attachment_size"] = f"{attachment.stat().st_size / 1024**2:.1f} MB"
        context["attachment_limit"] = f"{settings.mail_attachment_max_mb} MB"
        context["attachment_folder"] = str(attachment.parent)
    html = render("weekly_mail.html", context, lang=lang,
                  override=settings.templates_path)
    return Draft(
        subject=kpis.title(lang),
        html=html,
        text=summary_text(kpis, lang, settings.templates_path),
        to=_recipients(settings),
        sender=settings.sender,
        inline_images={cid: charts[name] for name, cid in cids.items()},
        attachments=[attachment] if attachment and attached else [],
    )

