"""The register's fields: canonical names, headers as people type them, and the value lists.

Real sheets name their columns in many ways; every header is folded (see
:func:`complaint_xl.register.text.header_key`) before it is looked up here, so the
synonyms below are written once, in folded form's source spelling.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final, Literal

from complaint_xl.register.text import fold
from complaint_xl.words import every, say

__all__ = [
    "ALL_FIELDS",
    "CLOSED_NO",
    "CLOSED_YES",
    "CLOSURE_ABNORMAL",
    "CLOSURE_KINDS",
    "CLOSURE_NORMAL",
    "DATE_FIELDS",
    "DEFAULT_SUPPORT_UNITS",
    "DEFAULT_TYPES",
    "DISSATISFIED",
    "DUPLICATE_KEY",
    "EFFECT_INEFFECTIVE",
    "EFFECT_VALUES",
    "FIELDS",
    "FIELD_NAMES",
    "KEY_ACCOUNT_ATTRS",
    "KEY_FIELDS",
    "LIFECYCLE_FIELDS",
    "SATISFACTION_LEVELS",
    "SATISFIED",
    "SEVERITY_MAJOR",
    "SEVERITY_VALUES",
    "TEAM_FIELD",
    "TEXT_FIELDS",
    "Field",
    "closed_flag",
    "closure_kind",
    "informed_flag",
    "satisfaction_level",
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
"""The template's fields: the seed's columns plus 结案日期 and 严重程度, in its order."""

LIFECYCLE_FIELDS: Final[tuple[Field, ...]] = (
    Field("accepted_on", "date",
          ("受理日期", "受理时间", "accepted on", "date accepted", "acceptance date")),
    Field("paused_from", "date",
          ("暂停开始", "暂停(开始)", "暂停开始日期", "等待客户开始", "等待客户(开始)",
           "paused from", "pause start", "on hold from", "waiting since")),
    Field("paused_to", "date",
          ("暂停结束", "暂停(结束)", "暂停结束日期", "等待客户结束", "等待客户(结束)",
           "恢复日期", "paused to", "pause end", "on hold until", "resumed on")),
    Field("extended_to", "date",
          ("延期至", "延期期限", "延期日期", "延期后期限", "extended to",
           "extended deadline", "new deadline")),
    Field("customer_informed", "flag",
          ("已告知客户", "是否告知客户", "告知客户", "延期已告知", "延期告知客户", "customer informed",
           "informed", "customer told")),
    Field("closure_kind", "text",
          ("结案方式", "结案类型", "结案性质", "closure kind", "closure type", "type of closure")),
    Field("abnormal_reason", "text",
          ("非正常结案原因", "异常结案原因", "非正常原因", "abnormal reason",
           "abnormal closure reason", "reason for abnormal closure")),
    Field("approved_by", "text",
          ("批准人", "审批人", "approved by", "approver")),
    Field("followup_on", "date",
          ("回访日期", "回访时间", "follow-up on", "follow-up date",
           "followed up on", "follow up date", "callback date")),
    Field("satisfaction", "text",
          ("满意度", "客户满意度", "回访结果", "满意程度", "satisfaction", "customer satisfaction",
           "csat")),
    Field("new_action", "text",
          ("新措施", "新纠正措施", "纠正措施", "新的纠正措施", "重新纠正措施", "new action",
           "new corrective action", "corrective action")),
)
"""The complaint's lifecycle (design.md, **contract**): optional columns, read where a sheet
has them. Not in the template (yet), so kept apart from :data:`FIELDS`, whose order the
template, the demo and the sample follow."""

TEAM_FIELD: Final[Field] = Field(
    "team", "text", ("团队", "小组", "销售团队", "所属团队", "团队名称", "销售小组", "team",
                     "salesteam", "teamname"))
"""Which team a complaint belongs to (design.md, several registers): where a register has no
such column, its file's name is the team."""

ALL_FIELDS: Final[tuple[Field, ...]] = (*FIELDS, *LIFECYCLE_FIELDS, TEAM_FIELD)
"""Every field the reader knows: the template's, then the lifecycle's, then the team."""

DUPLICATE_KEY: Final[tuple[str, ...]] = ("customer", "type", "problem", "raised_on")
"""What identifies a complaint: a row repeating all four is the same complaint entered again
(the duplicate-complaint check, and the reader when two sheets hold the same rows)."""

FIELD_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in ALL_FIELDS)
DATE_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in ALL_FIELDS if f.kind == "date")
TEXT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in ALL_FIELDS if f.kind == "text")

KEY_FIELDS: Final[frozenset[str]] = frozenset(
    {"customer", "customer_attr", "owner", "type", "support_unit", "responsible", "effect",
     "severity", "closure_kind", "approved_by", "satisfaction", "team"}
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


# -- the lifecycle's values ----------------------------------------------------------------

KEY_ACCOUNT_ATTRS: Final[frozenset[str]] = frozenset({"大客户", "重点客户", "keyaccount"})
"""A customer attribute that itself says 'key account' (the seed's 客户(属性) column), folded,
lower case, without spaces; the 列表 sheet's 大客户 column names the others."""

SATISFACTION_LEVELS: Final[dict[str, str]] = {
    "满意": "satisfied", "基本满意": "partly-satisfied", "不满意": "dissatisfied"}
"""满意度 as the product keeps it -> its words (``lifecycle.<word>``) for other languages."""
SATISFIED: Final[frozenset[str]] = frozenset({"满意", "基本满意"})
"""The levels the report counts as satisfied (design.md: 满意 or 基本满意)."""
DISSATISFIED: Final[str] = "不满意"
_SATISFACTION: Final[dict[str, tuple[str, ...]]] = {
    "满意": ("非常满意", "很满意", "十分满意", "特别满意", "满意度高", "satisfied", "very satisfied",
            "highly satisfied", "fully satisfied"),
    "基本满意": ("比较满意", "较满意", "还算满意", "一般满意", "一般", "还行", "还可以", "尚可",
              "可以", "fairly satisfied", "somewhat satisfied", "partly satisfied", "neutral",
              "ok", "okay", "fair"),
    "不满意": ("很不满意", "非常不满意", "不太满意", "不大满意", "极不满意", "不满", "dissatisfied",
            "unsatisfied", "not satisfied", "very dissatisfied"),
}

CLOSURE_NORMAL: Final[str] = "正常"
CLOSURE_ABNORMAL: Final[str] = "非正常"
CLOSURE_KINDS: Final[dict[str, str]] = {CLOSURE_NORMAL: "normal", CLOSURE_ABNORMAL: "abnormal"}
"""结案方式 as the product keeps it -> its words (``lifecycle.<word>``)."""
_CLOSURE: Final[dict[str, tuple[str, ...]]] = {
    CLOSURE_NORMAL: ("正常结案", "常规", "常规结案", "normal", "regular", "normal closure"),
    CLOSURE_ABNORMAL: ("非正常结案", "异常", "异常结案", "不正常", "特殊结案", "abnormal",
                       "abnormal closure", "exceptional"),
}

_INFORMED_YES: Final[frozenset[str]] = frozenset(
    {"是", "y", "yes", "1", "true", "√", "✓", "✔", "已告知", "已通知", "告知", "已知会", "已沟通",
     "已说明", "已同意", "客户已同意", "informed", "told", "agreed"})


def _key(text: str) -> str:
    return fold(text).lower().replace(" ", "")


@functools.cache
def _levels() -> dict[str, str]:
    """Every spelling -> the kept value, the words of every language included (made once)."""
    table: dict[str, str] = {}
    for values, named in ((_SATISFACTION, SATISFACTION_LEVELS), (_CLOSURE, CLOSURE_KINDS)):
        for kept, spellings in values.items():
            for text in (kept, *spellings, *every(f"lifecycle.{named[kept]}")):
                table[_key(text)] = kept
    return table


def satisfaction_level(text: str) -> str | None:
    """满意度 as 满意 / 基本满意 / 不满意 (非常满意 -> 满意, 一般 -> 基本满意 …), None if unknown."""
    level = _levels().get(_key(text))
    return level if level in SATISFACTION_LEVELS else None


def closure_kind(text: str) -> str | None:
    """结案方式 as 正常 / 非正常 (异常结案 -> 非正常 …), None if unknown."""
    kind = _levels().get(_key(text))
    return kind if kind in CLOSURE_KINDS else None


_DATE_LIKE: Final[re.Pattern[str]] = re.compile(r"^\d{4}[-./年]\d{1,2}")


@functools.cache
def _informed_yes() -> frozenset[str]:
    return _INFORMED_YES | {_key(w) for w in every("flag.yes")}


def informed_flag(text: str) -> bool:
    """Whether an 已告知客户 cell says yes (or holds the date the customer was told)."""
    key = _key(text)
    return key in _informed_yes() or bool(_DATE_LIKE.match(key))
