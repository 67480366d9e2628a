"""Settings the team keeps in the workbook itself, with documented defaults.

The coordinator changes SLA days, staff e-mails and thresholds in Excel, not in
Python: the sheets 设置 (key/value, :mod:`.keys`), 人员, 列表, 列映射 and 规则
(tables, :mod:`.tables`) and 节假日 (holidays, :mod:`.holiday_sheet`) are read when
present. A malformed entry never stops a run: it becomes a :class:`SettingsProblem`
naming the cell, and the default is kept for that part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from complaint_xl.register.roles import SETTINGS_SHEETS, TOOL_SHEETS, sheet_role
from complaint_xl.settings.cells import Rows
from complaint_xl.settings.holiday_sheet import (
    HOLIDAY_ESTIMATE,
    HOLIDAY_OFF_KINDS,
    HOLIDAY_OFFICIAL,
    HOLIDAY_STATUS_HEADERS,
    HOLIDAY_WORKING_KINDS,
    read_holidays,
)
from complaint_xl.settings.keys import INT_RANGES, SLA_TYPE_RANGE, read_key_values
from complaint_xl.settings.model import Lang, Person, RuleSetting, Settings, SettingsProblem
from complaint_xl.settings.tables import read_lists, read_mapping, read_rules, read_staff

__all__ = [
    "HOLIDAY_ESTIMATE",
    "HOLIDAY_OFFICIAL",
    "HOLIDAY_OFF_KINDS",
    "HOLIDAY_STATUS_HEADERS",
    "HOLIDAY_WORKING_KINDS",
    "INT_RANGES",
    "SETTINGS_SHEETS",
    "SLA_TYPE_RANGE",
    "TOOL_SHEETS",
    "Lang",
    "Person",
    "RuleSetting",
    "Settings",
    "SettingsProblem",
    "read_settings",
    "sheet_role",
]

_READERS: Final[dict[str, Callable[[Settings, str, Rows], None]]] = {
    "settings": read_key_values,
    "staff": read_staff,
    "lists": read_lists,
    "holidays": read_holidays,
    "mapping": read_mapping,
    "rules": read_rules,
}
"""Each settings role (:data:`SETTINGS_SHEETS`) and the reader of its sheet."""


def read_settings(sheets: dict[str, Sequence[Sequence[Any]]], *, source: str | None = None
                  ) -> Settings:
    """Settings from a workbook's sheets (name -> rows of cell values), defaults elsewhere.

    Only sheets whose (folded) names are in :data:`SETTINGS_SHEETS` are looked at. The
    key/value sheet comes first wherever it stands, so that the other sheets are read
    with its values (the default SLA a bad type SLA falls back to, the date order).
    """
    settings = Settings(source=source)
    roles = {name: sheet_role(name) for name in sheets}
    for name in sorted(sheets, key=lambda n: roles[n] != "settings"):
        role = roles[name]
        if role is not None and role != "tool":
            _READERS[role](settings, name, sheets[name])
    return settings
