"""The rules, registered in one list: adding a check is one function and one catalogue entry."""

from __future__ import annotations

from typing import Final

from complaint_xl.checks.rules.base import Rule, rule
from complaint_xl.checks.rules.cells import error_values
from complaint_xl.checks.rules.closing import closed_flag, closed_rows
from complaint_xl.checks.rules.contact import contacts
from complaint_xl.checks.rules.dates import date_entries, date_order
from complaint_xl.checks.rules.deadline import deadline_beyond_sla, deadline_missing
from complaint_xl.checks.rules.duplicates import duplicate_complaints, sequence_numbers
from complaint_xl.checks.rules.lifecycle import (
    acceptance,
    closure,
    extensions,
    followup,
    lifecycle_dates,
    pauses,
)
from complaint_xl.checks.rules.lists import listed_values
from complaint_xl.checks.rules.problem import problem_statement
from complaint_xl.checks.rules.required import required_columns, required_fields
from complaint_xl.checks.rules.settings_sheets import settings_problems
from complaint_xl.checks.rules.staff import owner_in_staff
from complaint_xl.checks.rules.support import support_request

__all__ = ["RULES", "Rule", "rule"]

RULES: Final[tuple[Rule, ...]] = (
    required_columns,
    required_fields,
    listed_values,
    date_entries,
    date_order,
    deadline_missing,
    deadline_beyond_sla,
    problem_statement,
    closed_rows,
    closed_flag,
    support_request,
    contacts,
    owner_in_staff,
    duplicate_complaints,
    sequence_numbers,
    lifecycle_dates,
    acceptance,
    pauses,
    extensions,
    closure,
    followup,
    error_values,
    settings_problems,
)
"""Every check, in the order they run (findings are sorted afterwards)."""
