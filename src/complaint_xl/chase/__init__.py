"""Chasing (催办): overdue and due-soon complaints, their escalation level → a :class:`ChaseResult`.

The same shape as :mod:`complaint_xl.checks` and :mod:`complaint_xl.kpi`: :func:`chase`
computes, :class:`ChaseResult` holds the answer, and the writers in
:mod:`complaint_xl.outputs.chase` turn it into the chase list and the e-mail drafts.
"""

from complaint_xl.chase.compute import KEY_ACCOUNT_ATTRS, chase
from complaint_xl.chase.result import ITEM_COLUMNS, ChaseOutputs, ChaseResult

__all__ = ["ITEM_COLUMNS", "KEY_ACCOUNT_ATTRS", "ChaseOutputs", "ChaseResult", "chase"]
