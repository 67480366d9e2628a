"""E-mail drafts as .eml files that Outlook, Thunderbird and Apple Mail open for editing.

A draft is an ordinary MIME message with ``X-Unsent: 1`` (Outlook opens it as an
unsent draft): an HTML body with a plain-text alternative, inline images by
Content-ID, attachments. Names and subjects come from cells, so they are data:
CR/LF is refused in every header value, non-ASCII is RFC 2047-encoded by the
standard library, and addresses are checked before they reach To or Cc.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

__all__ = ["Draft", "Recipient", "draft_fields", "is_address", "render_draft"]

_ADDRESS = re.compile(r"^[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")


def is_address(text: str | None) -> bool:
    """A plain e-mail address (no display name, no spaces, no line breaks)."""
    return bool(text) and bool(_ADDRESS.match(text or ""))


def _clean(text: str) -> str:
    """Header text from a cell: line breaks and controls become spaces (no injection)."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person to address; ``email`` may be unknown (the draft still names them)."""

    name: str
    email: str | None = None

    def address(self) -> Address | None:
        if not is_address(self.email):
            return None
        user, domain = (self.email or "").rsplit("@", 1)
        return Address(display_name=_clean(self.name), username=user, domain=domain)


@dataclass
class Draft:
    """What goes into one .eml draft."""

    subject: str
    html: str
    text: str
    to: Sequence[Recipient] = ()
    cc: Sequence[Recipient] = ()
    sender: str | None = None
    inline_images: dict[str, bytes] = field(default_factory=dict)
    """Content-ID (without <>) -> PNG bytes, referenced in the HTML as ``cid:ID``."""
    attachments: list[Path] = field(default_factory=list)
    date: dt.datetime | None = None

    def missing_addresses(self) -> list[str]:
        """Names of recipients whose address is not known (To/Cc left without them)."""
        return [r.name for r in (*self.to, *self.cc) if r.address() is None]


def _addresses(recipients: Sequence[Recipient]) -> list[Address]:
    """The recipients that have a usable address; the others are named in the body only."""
    return [a for a in (r.address() for r in recipients) if a is not None]


def draft_fields(draft: Draft) -> dict[str, Any]:
    """The draft as plain values, as its .eml carries them: {to, cc, subject, text, html}.

    To and Cc are the addresses written (``Name <user@domain>``), without the people
    whose address is unknown; the grid API hands drafts out this way instead of files.
    """
    return {"to": [str(a) for a in _addresses(draft.to)],
            "cc": [str(a) for a in _addresses(draft.cc)],
            "subject": _clean(draft.subject), "text": draft.text, "html": draft.html}


def render_draft(draft: Draft) -> bytes:
    """The draft as RFC 5322 bytes (CRLF line ends, 8bit-safe encodings)."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = _clean(draft.subject)
    if draft.sender and is_address(draft.sender):
        msg["From"] = draft.sender
    to = _addresses(draft.to)
    cc = _addresses(draft.cc)
    if to:
        msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Date"] = format_datetime((draft.date or dt.datetime.now()).astimezone())
    msg["Message-ID"] = make_msgid(domain="complaint-xl.invalid")
    msg["X-Unsent"] = "1"
    msg["MIME-Version"] = "1.0"
    msg.set_content(draft.text, subtype="plain", charset="utf-8")
    msg.add_alternative(draft.html, subtype="html", charset="utf-8")
    if draft.inline_images:
        html_part = msg.get_payload()[1]
        for cid, data in draft.inline_images.items():
            html_part.add_related(data, maintype="image", subtype="png", cid=f"<{cid}>",
                                  filename=f"{cid}.png", disposition="inline")
    for path in draft.attachments:
        ctype, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (ctype or "application/octet-stream").split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype,
                           filename=path.name)
    return msg.as_bytes()
