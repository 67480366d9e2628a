"""The 设置 (Settings) sheet: one setting per row, and the values each may take."""

from __future__ import annotations

from typing import Any, Final, Literal

from complaint_xl.register.text import cell_text, fold, header_key
from complaint_xl.settings.cells import Rows, report, split_list
from complaint_xl.settings.model import Settings
from complaint_xl.words import LANGS, listing

__all__ = ["INT_RANGES", "SLA_TYPE_RANGE", "read_key_values"]

_Kind = Literal["int", "text", "list", "lang", "order", "country"]

_KEYS: Final[dict[str, tuple[_Kind, tuple[str, ...]]]] = {
    "lang": ("lang", ("语言", "language", "lang")),
    "country": ("country", ("国家", "国家/地区", "country", "holidaycountry", "节假日国家")),
    "sla_days": ("int", ("默认时限", "默认时限(工作日)", "时限", "sla", "sladays", "默认处理时限")),
    "sla_major_days": ("int", ("重大投诉时限", "重大投诉时限(工作日)", "重大时限", "slamajor",
                               "slamajordays")),
    "due_soon_days": ("int", ("到期提醒", "到期提醒(工作日)", "即将到期", "duesoon",
                              "duesoondays")),
    "escalate_level2_after": ("int", ("二级升级", "二级升级(逾期工作日)", "抄送上级",
                                      "level2after", "escalatelevel2after")),
    "escalate_level3_after": ("int", ("三级升级", "三级升级(逾期工作日)", "上报经理",
                                      "level3after", "escalatelevel3after")),
    "chase_mail_max_items": ("int", ("邮件最多列出条数", "maxitemspermail", "chasemailmaxitems")),
    "mail_attachment_max_mb": ("int", ("附件上限(MB)", "附件上限", "邮件附件上限", "attachmentmaxmb",
                                       "maxattachmentmb")),
    "accept_days": ("int", ("受理时限", "受理时限(工作日)", "受理期限", "acceptwithin",
                            "acceptancedays", "acceptdays")),
    "pause_max_days": ("int", ("最长暂停", "最长暂停(工作日)", "暂停上限", "maxpause",
                               "maxpausedays", "pausemaxdays")),
    "extension_max_days": ("int", ("最长延期", "最长延期(工作日)", "延期上限", "maxextension",
                                   "maxextensiondays", "extensionmaxdays")),
    "followup_days": ("int", ("回访时限", "回访时限(工作日)", "回访期限", "followupwithin",
                              "followupdays", "follow-updays")),
    "sla_key_account_days": ("int", ("大客户时限", "大客户时限(工作日)", "重点客户时限",
                                     "slakeyaccount", "slakeyaccountdays", "keyaccountsla",
                                     "keyaccountsladays")),
    "date_order": ("order", ("日期顺序", "日期格式", "dateorder")),
    "problem_min_length": ("int", ("问题点最短字数", "问题点最少字数", "problemminlength")),
    "vague_phrases": ("list", ("笼统用语", "笼统表述", "vaguephrases")),
    "manager": ("text", ("经理", "主管经理", "manager")),
    "report_recipients": ("list", ("周报收件人", "收件人", "reportrecipients", "recipients")),
    "sender": ("text", ("发件人", "sender", "from")),
    "company": ("text", ("公司名称", "公司", "company")),
    "drafts_folder": ("text", ("草稿文件夹", "输出文件夹", "draftsfolder", "outputfolder")),
    "templates_folder": ("text", ("模板文件夹", "templatesfolder")),
}
INT_RANGES: Final[dict[str, tuple[int, int]]] = {
    "sla_days": (1, 365),
    "sla_major_days": (1, 365),
    "due_soon_days": (0, 30),
    "escalate_level2_after": (0, 365),
    "escalate_level3_after": (0, 365),
    "chase_mail_max_items": (0, 10_000),  # 0: the mail lists none and points to the chase list
    "mail_attachment_max_mb": (0, 100),
    "problem_min_length": (0, 200),
    "accept_days": (0, 30),  # 0: accepted the day it was raised
    "pause_max_days": (1, 365),
    "extension_max_days": (1, 365),
    "followup_days": (1, 365),
    "sla_key_account_days": (1, 365),  # empty: key accounts have the others' SLA
}
"""The values each whole-number setting may take; outside, the cell is reported and the
default kept. An SLA of 0 would put deadlines on the raised date (and a negative one
before it), so an SLA is at least one working day. The third escalation level must
also come after the second (checked once both are read)."""
SLA_TYPE_RANGE: Final[tuple[int, int]] = INT_RANGES["sla_days"]
"""The range of a type's 时限 on the 列表 sheet."""
_KEY_LOOKUP: Final[dict[str, str]] = {
    header_key(syn): name for name, (_, syns) in _KEYS.items() for syn in syns
}
_LANGS: Final[dict[str, str]] = {
    "zh": "zh", "中文": "zh", "简体中文": "zh", "chinese": "zh", "en": "en", "english": "en",
    "英文": "en",
}
_ORDERS: Final[dict[str, str]] = {
    "ymd": "ymd", "年月日": "ymd", "dmy": "dmy", "日月年": "dmy", "day-first": "dmy",
    "dayfirst": "dmy", "mdy": "mdy", "月日年": "mdy", "month-first": "mdy", "monthfirst": "mdy",
}


def read_key_values(settings: Settings, sheet: str, rows: Rows) -> None:
    """The 设置 sheet: one setting per row, its name in column A and its value in B."""
    written: dict[str, tuple[int, str, Any]] = {}  # whole-number key -> row, label, cell
    for r, row in enumerate(rows):
        if len(row) < 2:
            continue
        key = _KEY_LOOKUP.get(header_key(cell_text(row[0])))
        raw = row[1]
        text = fold(cell_text(raw))
        if key is None or not text:
            continue
        kind = _KEYS[key][0]
        label = cell_text(row[0]).strip()
        if kind == "int":
            low, high = INT_RANGES[key]
            try:
                number = float(text)
                if not number.is_integer() or not low <= number <= high:
                    raise ValueError
            except ValueError:
                used = getattr(settings, key)
                if used is None:  # an optional setting: the bad cell counts as empty
                    report(settings, sheet, r, 1, label, raw, "int-range-empty", label=label,
                           low=low, high=high)
                else:
                    report(settings, sheet, r, 1, label, raw, "int-range", label=label, low=low,
                           high=high, used=used)
                continue
            setattr(settings, key, int(number))
            written[key] = (r, label, raw)
        elif kind == "list":
            setattr(settings, key, split_list(text))
        elif kind == "lang":
            lang = _LANGS.get(text.lower(), text.lower() if text.lower() in LANGS else None)
            if lang is None:
                report(settings, sheet, r, 1, label, raw, "lang", label=label,
                       langs=listing(LANGS, sep="list.or-spaced"))
            else:
                settings.lang = lang  # type: ignore[assignment]
        elif kind == "order":
            order = _ORDERS.get(header_key(text))
            if order is None:
                report(settings, sheet, r, 1, label, raw, "date-order", label=label)
            else:
                settings.date_order = order  # type: ignore[assignment]
        elif kind == "country":
            import holidays

            code = text.upper()
            if code in holidays.list_supported_countries():
                settings.country = code
            else:
                report(settings, sheet, r, 1, label, raw, "country", label=label)
        else:
            setattr(settings, key, text)
    _escalation_order(settings, sheet, written)


def _escalation_order(settings: Settings, sheet: str, written: dict[str, tuple[int, str, Any]]) -> None:
    """The manager (level 3) is told after the superior (level 2), or the levels mean nothing."""
    level2, level3 = settings.escalate_level2_after, settings.escalate_level3_after
    if level3 > level2:
        return
    defaults = Settings()
    settings.escalate_level2_after = defaults.escalate_level2_after
    settings.escalate_level3_after = defaults.escalate_level3_after
    # Both go back to the defaults: each written cell is named, so none changes unsaid.
    for key in ("escalate_level2_after", "escalate_level3_after"):
        if key not in written:
            continue
        r, label, raw = written[key]
        report(settings, sheet, r, 1, label, raw, "escalation", level2=level2, level3=level3,
               default2=defaults.escalate_level2_after, default3=defaults.escalate_level3_after)
