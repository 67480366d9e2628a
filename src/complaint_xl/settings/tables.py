"""The settings sheets that are tables: 人员 (staff), 列表 (lists), 列映射 (mapping), 规则 (rules).

Each finds its header row by the columns' names (any order, Chinese or English) and
reads the rows below; the 节假日 sheet has a module of its own (holiday_sheet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from complaint_xl.register.schema import ALL_FIELDS, CLOSED_NO, FIELD_NAMES
from complaint_xl.register.text import cell_text, fold, header_key
from complaint_xl.settings.cells import Rows, cell_ref, find_table, report
from complaint_xl.settings.keys import SLA_TYPE_RANGE
from complaint_xl.settings.model import Person, RuleSetting, Settings

__all__ = ["read_lists", "read_mapping", "read_rules", "read_staff"]


def read_staff(settings: Settings, sheet: str, rows: Rows) -> None:
    """The 人员 sheet: who gets the chase mail, who is copied, who answers for a support unit."""
    head, cols = find_table(rows, {
        "name": ("姓名", "名字", "人员", "name"),
        "email": ("邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
        "superior": ("上级", "直属上级", "主管", "superior", "manager"),
        "role": ("角色", "职务", "岗位", "role"),
        "unit": ("负责支援单位", "支援单位", "单位", "unit", "supportunit"),
    })
    if "name" not in cols:
        if rows:
            report(settings, sheet, 0, 0, sheet, "", "staff-no-name", sheet=sheet)
        return
    for r in range(head + 1, len(rows)):
        row = rows[r]

        def get(role: str, row: Sequence[Any] = row) -> str | None:
            c = cols.get(role)
            text = fold(cell_text(row[c])) if c is not None and c < len(row) else ""
            return text or None

        name = get("name")
        if not name:
            continue
        email = get("email")
        if email and ("@" not in email or any(ch in email for ch in " \r\n,;<>")):
            report(settings, sheet, r, cols["email"], name, email, "email", name=name, email=email)
            email = None
        settings.staff[name] = Person(name, email, get("superior"), get("role"), get("unit"))


def read_lists(settings: Settings, sheet: str, rows: Rows) -> None:
    """The 列表 sheet: the dropdowns' values, and each type's own SLA (时限)."""
    head, cols = find_table(rows, {
        "types": ("投诉项目", "投诉类型", "类型", "types", "type"),
        "sla": ("时限", "时限(工作日)", "sla", "sladays"),
        "support_units": ("支援单位", "支援", "supportunits", "supportunit"),
        "effect_values": ("效果评估", "effect", "effectvalues"),
        "severity_values": ("严重程度", "severity", "severityvalues"),
        "key_accounts": ("大客户", "重点客户", "keyaccounts"),
    })
    if head < 0:
        return
    for role in ("types", "support_units", "effect_values", "severity_values",
                 "key_accounts"):
        c = cols.get(role)
        if c is None:
            continue
        values = [fold(cell_text(row[c])) for row in rows[head + 1:] if c < len(row)]
        values = list(dict.fromkeys(v for v in values if v))
        if values:
            setattr(settings, role, tuple(values))
    if "sla" in cols and "types" in cols:
        tc, sc = cols["types"], cols["sla"]
        for r in range(head + 1, len(rows)):
            row = rows[r]
            if max(tc, sc) >= len(row):
                continue
            name, raw = fold(cell_text(row[tc])), row[sc]
            text = fold(cell_text(raw))
            if not name or not text:
                continue
            low, high = SLA_TYPE_RANGE
            try:
                days = float(text)
                if not days.is_integer() or not low <= days <= high:
                    raise ValueError
            except ValueError:
                sla = settings.sla_days  # the 设置 sheet is read before this one
                report(settings, sheet, r, sc, name, raw, "type-sla", name=name, low=low, high=high,
                       sla=sla)
                continue
            settings.sla_by_type[name] = int(days)


def read_mapping(settings: Settings, sheet: str, rows: Rows) -> None:
    """The 列映射 sheet: which header holds a field, where the synonyms miss it."""
    head, cols = find_table(rows, {
        "field": ("字段", "field"),
        "header": ("表头", "列名", "header", "column"),
    })
    if "field" not in cols or "header" not in cols:
        return
    by_label = {header_key(h): f.name for f in ALL_FIELDS for h in f.headers()} | {
        f.name: f.name for f in ALL_FIELDS}
    for r in range(head + 1, len(rows)):
        row = rows[r]
        fc, hc = cols["field"], cols["header"]
        name = cell_text(row[fc]).strip() if fc < len(row) else ""
        header = fold(cell_text(row[hc])) if hc < len(row) else ""
        if not name or not header:
            continue
        field_name = by_label.get(header_key(name), name if name in FIELD_NAMES else None)
        if field_name is None:
            report(settings, sheet, r, fc, name, name, "mapping-field", name=name)
            continue
        settings.mapping[field_name] = header


def read_rules(settings: Settings, sheet: str, rows: Rows) -> None:
    """The 规则 sheet: a check switched off, or given another severity."""
    head, cols = find_table(rows, {
        "code": ("代码", "规则代码", "code"),
        "enabled": ("启用", "是否启用", "enabled", "on"),
        "severity": ("级别", "严重性", "severity"),
    })
    if "code" not in cols:
        return
    for r in range(head + 1, len(rows)):
        row = rows[r]

        def get(role: str, row: Sequence[Any] = row) -> str:
            c = cols.get(role)
            return fold(cell_text(row[c])).lower() if c is not None and c < len(row) else ""

        code = get("code")
        if not code:
            continue
        enabled_text, sev_text = get("enabled"), get("severity")
        enabled = enabled_text not in CLOSED_NO | {"停用", "关闭", "off", "disabled"}
        severity = {"错误": "error", "error": "error", "警告": "warning",
                    "warning": "warning", "提示": "warning"}.get(sev_text)
        if sev_text and severity is None:
            report(settings, sheet, r, cols["severity"], code, sev_text, "rule-severity")
        settings.rules[code] = RuleSetting(enabled, severity,  # type: ignore[arg-type]
                                           sheet, cell_ref(r, cols["code"]))
