"""What the reader takes from the team's settings, as plain values.

The settings are themselves read from sheets through this package, so the reader
cannot import them: :meth:`complaint_xl.settings.Settings.read_options` hands it
these instead. The defaults here are the settings' defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from complaint_xl.register.dates import DateOrder

__all__ = ["ReadOptions", "SlaRules"]


class SlaRules(Protocol):
    """The SLA settings a missing deadline is derived from (ReadOptions and Settings have them)."""

    @property
    def sla_days(self) -> int: ...
    @property
    def sla_major_days(self) -> int: ...
    @property
    def sla_by_type(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class ReadOptions:
    """How to read a register: the workbook's choices that change what a cell means."""

    date_order: DateOrder = "ymd"
    """How to read 5/3/2026: ymd reads only unambiguous dates; dmy or mdy pick an order."""
    mapping: Mapping[str, str] = field(default_factory=dict)
    """Field -> header text or column letter (the 列映射 sheet); ``--map`` wins over it."""
    sla_days: int = 15
    """Working days from the raised date to a deadline the sheet leaves empty."""
    sla_major_days: int = 5
    """The shorter clock for 重大 (major) complaints."""
    sla_by_type: Mapping[str, int] = field(default_factory=dict)
    """A type's own SLA (列表 sheet), by folded type name."""
