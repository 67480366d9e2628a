"""The register's fields: canonical names, headers as people type them, and the value lists.

Real sheets name their columns in many ways; every header is folded (see
:func:`complaint_xl.register.text.header_key`) before it is looked up here, so the
synonyms below are written once, in folded form's source spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from complaint_xl.register.text import fold
from complaint_xl.words import every, say

__all__ = [
    "CLOSED_NO",
    "CLOSED_YES",
    "DATE_FIELDS",
    "DEFAULT_SUPPORT_UNITS",
    "DEFAULT_TYPES",
    "DUPLICATE_KEY",
    "EFFECT_INEFFECTIVE",
    "EFFECT_VALUES",
    "FIELDS",
    "FIELD_NAMES",
    "KEY_FIELDS",
    "SEVERITY_MAJOR",
    "SEVERITY_VALUES",
    "TEXT_FIELDS",
    "Field",
    "closed_flag",
]

Kind = Literal["text", "date", "flag", "seq"]


@dataclass(frozen=True, slots=True)
class Field:
    """One column of the register as the product understands it."""

    name: str
    """Canonical field name used in code, JSON and the column-mapping settings."""
    kind: Kind = "text"
    synonyms: tuple[str, ...] = ()
    """Other headers that mean this field (compared after folding); the headers of the
    product's own template, ``field.<name>`` of every language's words, mean it too."""

    def header(self, lang: str) -> str:
        """The header the product's own template gives the field in ``lang``."""
        return say(f"field.{self.name}", lang)

    def headers(self) -> tuple[str, ...]:
        """The template's header in every language (the default first)."""
        return every(f"field.{self.name}")


FIELDS: Final[tuple[Field, ...]] = (
    Field("seq", "seq", ("编号", "序", "no", "no.", "number", "#", "seq")),
    Field("customer", "text",
          ("客户", "客户名称", "客户(属性)", "客户名称(属性)", "客户单位", "客户名", "投诉单位",
           "投诉客户", "customer", "customername", "client")),
    Field("customer_attr", "text",
          ("属性", "客户类别", "客户类型", "customerattribute", "customertype", "attribute")),
    Field("customer_contact", "text",
          ("客户联系方式", "客户电话", "联系电话", "电话", "手机", "手机号", "手机号码",
           "customercontact", "contact", "phone")),
    Field("reporter", "text",
          ("反映人", "投诉人", "提出人", "联系人", "来电人", "reporter", "reportedby")),
    Field("reporter_contact", "text",
          ("反映人联系方式", "投诉人电话", "投诉人联系方式", "联系人电话", "来电号码",
           "reportercontact")),
    Field("owner", "text",
          ("跟进人员(销售人员填写)", "跟进人", "负责人", "责任人", "处理人", "经办人", "承办人",
           "跟进负责人", "跟进", "销售人员", "业务员", "owner", "salesperson", "followedupby",
           "assignee")),
    Field("type", "text",
          ("投诉类型", "类型", "投诉类别", "类别", "问题类别", "问题类型", "投诉分类", "分类",
           "投诉种类", "type", "complainttype", "category")),
    Field("problem", "text",
          ("问题点", "具体问题点", "具体问题", "问题描述", "问题描述(评估)", "投诉内容",
           "投诉内容描述", "投诉描述", "投诉问题", "反映内容", "诉求内容", "问题", "problem",
           "description", "issue")),
    Field("responsible", "text",
          ("责任方", "责任类别", "责任部门", "责任归属", "responsible", "responsibleparty")),
    Field("raised_on", "date",
          # Not 受理日期/受理时间: acceptance is a lifecycle field of its own (design.md).
          ("投诉日期", "登记日期", "日期", "提出时间", "投诉时间", "登记时间", "反映日期",
           "反映时间", "来电日期", "来电时间", "date", "raisedon", "dateraised", "received")),
    Field("support_unit", "text",
          ("支援", "支援或协助单", "支援或协助单位", "协助单位", "支援部门", "协助部门", "协办单位",
           "配合单位", "配合部门", "supportunit", "support")),
    Field("deadline", "date",
          ("期限", "截止日期", "截止时间", "要求完成日期", "要求完成时间", "处理时限", "处理期限",
           "完成时限", "完成期限", "办理时限", "办结时限", "到期日", "到期日期", "deadline",
           "duedate", "due")),
    Field("support_need", "text",
          ("需求点", "支援需求", "协助需求", "需协助事项", "supportneed", "supportneeded",
           "helpneeded")),
    Field("progress", "text",
          ("进展", "进度", "处理进展", "处理进度", "处理情况", "跟进情况", "跟进进展", "progress")),
    Field("effect", "text",
          ("效果", "评估", "处理效果", "整改效果", "effect", "effectevaluation", "evaluation")),
    Field("summary", "text",
          ("结案小结", "小结", "处理结果", "办理结果", "回复", "回复内容", "答复内容", "处理意见",
           "结案说明", "summary", "closingnote", "resolution")),
    Field("closed", "flag",
          ("结案", "是否关闭", "是否完成", "是否办结", "处理状态", "办结状态", "结案状态", "状态",
           "closed", "isclosed", "closed?")),
    Field("closed_on", "date",
          ("结案时间", "关闭日期", "关闭时间", "完成日期", "完成时间", "办结日期", "办结时间",
           "closedon", "dateclosed", "closeddate")),
    Field("severity", "text",
          ("严重性", "严重等级", "级别", "等级", "投诉级别", "投诉等级", "severity", "level")),
)

DUPLICATE_KEY: Final[tuple[str, ...]] = ("customer", "type", "problem", "raised_on")
"""What identifies a complaint: a row repeating all four is the same complaint entered again
(the duplicate-complaint check, and the reader when two sheets hold the same rows)."""

FIELD_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS)
DATE_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.kind == "date")
TEXT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FIELDS if f.kind == "text")

KEY_FIELDS: Final[frozenset[str]] = frozenset(
    {"customer", "customer_attr", "owner", "type", "support_unit", "responsible", "effect",
     "severity"}
)
"""Fields whose values are categories: folded (full-width, spaces) so that 售后 == ' 售后 '."""

DEFAULT_TYPES: Final[tuple[str, ...]] = (
    "培训", "申请", "售后", "对账", "发货", "物流", "销售物料", "缺货", "发票", "安装", "品质",
    "市场信息",
)
DEFAULT_SUPPORT_UNITS: Final[tuple[str, ...]] = ("销售", "财务", "内务", "工厂", "其他")
EFFECT_VALUES: Final[tuple[str, ...]] = ("有效", "部分有效", "无效")
EFFECT_INEFFECTIVE: Final[frozenset[str]] = frozenset(
    {"无效", "ineffective", "not effective", "no effect"})
"""效果评估 values (folded, case-folded) meaning the corrective action did not work: the
checks flag such closed rows and the weekly report lists them; a new action is due."""
SEVERITY_VALUES: Final[tuple[str, ...]] = ("一般", "重大")
SEVERITY_MAJOR: Final[frozenset[str]] = frozenset({"重大", "major", "严重", "high", "重大投诉"})

CLOSED_YES: Final[frozenset[str]] = frozenset(
    {"是", "y", "yes", "已结案", "结案", "已关闭", "关闭", "1", "true", "√", "✓", "✔", "closed",
     "done", "已完成", "完成", "已办结", "办结"}
)
CLOSED_NO: Final[frozenset[str]] = frozenset(
    {"否", "n", "no", "未结案", "未关闭", "0", "false", "×", "✗", "x", "open", "处理中", "跟进中",
     "未完成", "未办结"}
)


def closed_flag(text: str) -> bool | None:
    """What a 是否结案 cell's text says: closed (True), open (False), or neither (None, blank too).

    The one reading of the flag, for the reader and the UDFs alike: two copies would drift.
    """
    key = fold(text).lower()
    if key in CLOSED_YES:
        return True
    if key in CLOSED_NO:
        return False
    return None
