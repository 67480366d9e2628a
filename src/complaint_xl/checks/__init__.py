"""Checking the entries (校验): the sheet's 填写规范 made executable.

``validate(register, settings, as_of)`` runs every rule of :data:`RULES` over the
register and returns a :class:`Report`; the codes it can produce, with their default
severities and messages in Chinese and English, are in :data:`CATALOGUE`.
"""

from complaint_xl.checks.catalogue import CATALOGUE, Code, Severity
from complaint_xl.checks.report import Finding, Report
from complaint_xl.checks.rules import RULES, Rule
from complaint_xl.checks.validate import rule_choices, validate

__all__ = [
    "CATALOGUE",
    "RULES",
    "Code",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "rule_choices",
    "validate",
]
