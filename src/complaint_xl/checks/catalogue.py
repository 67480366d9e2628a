"""The catalogue of finding codes: what each check can say, by code, severity and field.

Codes are stable kebab-case names (scripts, the 规则 sheet and the findings workbook
rely on them); the severity here is the default that a team may change or switch
off in its 规则 sheet. The words are in :mod:`complaint_xl.words`: a code's title is
``finding.<code>.title``, its message template ``finding.<code>.message`` (or a wording
several codes share, ``finding-message.<name>``). Message templates take ``{header}``
(the column header as the sheet writes it) and ``{value}`` (the cell as shown), plus
the parameters a rule passes. A code may have variants, e.g. with and without a
suggested value (``finding.<code>.<variant>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from complaint_xl.words import every, say, template

__all__ = ["CATALOGUE", "SEVERITIES", "Code", "Lang", "Severity"]

Severity = Literal["error", "warning"]
Lang = str
"""A language code of the words (complaint_xl.words.LANGS)."""
SEVERITIES: Final[tuple[Severity, ...]] = ("error", "warning")
"""Most severe first: the order findings of one row are listed in."""


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of finding: its code, default severity and the keys of its words."""

    code: str
    severity: Severity
    message: str
    """Key of the message template in the words."""
    variants: Mapping[str, str] = field(default_factory=dict)
    """Other wordings by name -> their key, e.g. ``"hint"`` when a suggestion is known."""

    def title(self, lang: str = "zh") -> str:
        return say(f"finding.{self.code}.title", lang)

    def titles(self) -> tuple[str, ...]:
        """The title in every language (a 规则 row may name the rule by any of them)."""
        return every(f"finding.{self.code}.title")

    def template(self, lang: str = "zh", variant: str = "") -> str:
        return template(self.variants[variant] if variant else self.message, lang)


def _code(code: str, severity: Severity, *variants: str, shared: str = "") -> Code:
    """An entry whose words are its own (``finding.<code>.message``, ``.<variant>``), or
    ``shared`` ones (``finding-message.<shared>``, ``-<variant>``)."""
    def key(variant: str) -> str:
        if shared:
            return f"finding-message.{shared}" + (f"-{variant}" if variant else "")
        return f"finding.{code}.{variant or 'message'}"

    return Code(code, severity, key(""), {v: key(v) for v in variants})


_ENTRIES: Final[tuple[Code, ...]] = (
    # -- required fields ---------------------------------------------------------------
    _code("customer-missing", "error", shared="required"),
    _code("owner-missing", "error", shared="required"),
    _code("type-missing", "error", shared="required"),
    _code("problem-missing", "error", shared="required"),
    _code("raised-on-missing", "error", shared="required"),
    _code("required-column-missing", "error"),
    # -- value lists ---------------------------------------------------------------------
    _code("unknown-type", "error", "hint", shared="not-in-list"),
    _code("unknown-support-unit", "error", "hint", shared="not-in-list"),
    _code("unknown-effect", "warning", "hint", shared="not-in-list"),
    _code("unknown-severity", "warning", "hint", shared="not-in-list"),
    # -- how dates were typed ------------------------------------------------------------
    _code("date-unparseable", "error"),
    _code("date-text", "warning"),
    _code("date-serial", "warning"),
    _code("date-no-year", "warning"),
    _code("date-ambiguous", "error"),
    # -- dates against each other and against today ----------------------------------
    _code("raised-in-future", "error"),
    _code("deadline-before-raised", "error"),
    _code("closed-before-raised", "error"),
    _code("closed-in-future", "error"),
    # -- deadlines and the SLA -----------------------------------------------------------
    _code("deadline-missing", "warning"),
    _code("deadline-beyond-sla", "warning"),
    # -- rule 7: a specific problem statement ----------------------------------------
    _code("problem-too-short", "warning"),
    _code("vague-problem", "warning"),
    # -- closed rows ---------------------------------------------------------------------
    _code("closed-without-summary", "error"),
    _code("closed-without-date", "warning"),
    _code("closed-without-effect", "warning"),
    _code("closed-but-ineffective", "warning"),
    _code("closed-flag-conflict", "warning"),
    _code("closed-flag-unclear", "warning"),
    # -- rule 8: support requests ----------------------------------------------------
    _code("support-need-missing", "warning"),
    _code("support-unit-missing", "warning"),
    # -- people and contacts ---------------------------------------------------------
    _code("contact-invalid", "warning"),
    _code("owner-not-in-staff", "warning", "hint"),
    # -- duplicates and numbering ----------------------------------------------------
    _code("duplicate-complaint", "warning"),
    _code("duplicate-seq", "warning"),
    _code("seq-not-number", "warning"),
    # -- the complaint's lifecycle (optional columns) ---------------------------------------
    _code("accepted-before-raised", "error"),
    _code("pause-before-raised", "error"),
    _code("pause-end-before-start", "error"),
    _code("followup-before-closed", "error"),
    _code("date-in-future", "warning"),
    _code("accepted-late", "warning"),
    _code("not-accepted", "warning"),
    _code("pause-without-start", "warning"),
    _code("pause-too-long", "warning"),
    _code("extension-not-later", "warning"),
    _code("extension-too-long", "warning"),
    _code("extension-not-informed", "warning", "no-column"),
    _code("abnormal-closure-incomplete", "error", "no-column"),
    _code("unknown-closure-kind", "warning"),
    _code("followup-not-closed", "warning"),
    _code("dissatisfied", "warning"),
    _code("unknown-satisfaction", "warning"),
    # -- the cells themselves ------------------------------------------------------------
    _code("excel-error-value", "error"),
    _code("settings-invalid", "warning"),
)

CATALOGUE: Final[dict[str, Code]] = {c.code: c for c in _ENTRIES}
"""Every finding code, by code."""
