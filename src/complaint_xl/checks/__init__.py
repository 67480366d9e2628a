"""Checking the entries (校验): the sheet's 填写规范 made executable.

``check_register(register, settings, as_of)`` runs every rule of :data:`RULES` over
the register and returns its :class:`Findings`; the codes it can produce, with their
default severities and the keys of their words (:mod:`complaint_xl.words`), are in
:data:`CATALOGUE`.
"""

from complaint_xl.checks.catalogue import CATALOGUE, Code, Severity
from complaint_xl.checks.engine import check_register, rule_choices
from complaint_xl.checks.findings import Finding, Findings
from complaint_xl.checks.rules import RULES, Rule

__all__ = [
    "CATALOGUE",
    "RULES",
    "Code",
    "Finding",
    "Findings",
    "Rule",
    "Severity",
    "check_register",
    "rule_choices",
]
