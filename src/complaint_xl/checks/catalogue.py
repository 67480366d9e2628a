"""The catalogue of finding codes: what each check can say, in Chinese and English.

Codes are stable kebab-case names (scripts, the 规则 sheet and the findings workbook
rely on them); the severity here is the default that a team may change or switch
off in its 规则 sheet. Message templates take ``{header}`` (the column header as the
sheet writes it) and ``{value}`` (the cell as shown), plus the parameters a rule
passes. A code may have variants, e.g. with and without a suggested value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = ["CATALOGUE", "SEVERITIES", "Code", "Lang", "Severity"]

Severity = Literal["error", "warning"]
Lang = Literal["zh", "en"]
SEVERITIES: Final[tuple[Severity, ...]] = ("error", "warning")
"""Most severe first: the order findings of one row are listed in."""


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of finding: its code, default severity, title and message templates."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    zh: str
    en: str
    variants: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Other wordings by name, (zh, en), e.g. ``"hint"`` when a suggestion is known."""

    def title(self, lang: Lang = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def template(self, lang: Lang = "zh", variant: str = "") -> str:
        zh, en = self.variants[variant] if variant else (self.zh, self.en)
        return zh if lang == "zh" else en


def _code(code: str, severity: Severity, title: tuple[str, str], message: tuple[str, str],
          **variants: tuple[str, str]) -> Code:
    return Code(code, severity, title[0], title[1], message[0], message[1], variants)


_REQUIRED = ("必填项“{header}”为空，请补填。", "required field '{header}' is empty; fill it in.")
_NOT_IN_LIST = ("{header}“{value}”不在设置的列表中。可选：{allowed}。",
                "{header} '{value}' is not in the configured list. Choose one of: {allowed}.")
_NOT_IN_LIST_HINT = ("{header}“{value}”不在设置的列表中，是否应为“{suggestion}”？可选：{allowed}。",
                     "{header} '{value}' is not in the configured list; did you mean "
                     "'{suggestion}'? Choose one of: {allowed}.")
_RULE7 = ("请写明产品、型号、批次、数量、故障现象、日期或金额（填写规范第 7 条）",
          "name the product, model, batch, quantity, fault, date or amount (sheet rule 7)")

_ENTRIES: Final[tuple[Code, ...]] = (
    # -- required fields ---------------------------------------------------------------
    _code("customer-missing", "error", ("客户未填写", "Customer missing"), _REQUIRED),
    _code("owner-missing", "error", ("跟进人员未填写", "Owner missing"), _REQUIRED),
    _code("type-missing", "error", ("投诉项目未填写", "Type missing"), _REQUIRED),
    _code("problem-missing", "error", ("问题点未填写", "Problem missing"), _REQUIRED),
    _code("raised-on-missing", "error", ("提出日期未填写", "Raised-on date missing"), _REQUIRED),
    _code("required-column-missing", "error", ("缺少必填列", "Required column missing"),
          ("登记表没有“{label}”列：请加上此列，或用 --map 字段=表头 / 列映射表指定。",
           "the register has no '{label}' column: add it, or name it with --map FIELD=HEADER "
           "or the mapping sheet.")),
    # -- value lists ---------------------------------------------------------------------
    _code("unknown-type", "error", ("投诉项目不在列表中", "Unknown type"), _NOT_IN_LIST,
          hint=_NOT_IN_LIST_HINT),
    _code("unknown-support-unit", "error", ("支援单位不在列表中", "Unknown support unit"),
          _NOT_IN_LIST, hint=_NOT_IN_LIST_HINT),
    _code("unknown-effect", "warning", ("效果评估不在列表中", "Unknown effect value"),
          _NOT_IN_LIST, hint=_NOT_IN_LIST_HINT),
    _code("unknown-severity", "warning", ("严重程度不在列表中", "Unknown severity"),
          _NOT_IN_LIST, hint=_NOT_IN_LIST_HINT),
    # -- how dates were typed ------------------------------------------------------------
    _code("date-unparseable", "error", ("日期无法识别", "Unreadable date"),
          ("{header}“{value}”不是可识别的日期，请写成 2026-03-05 这样的日期。",
           "{header} '{value}' is not a date that can be read; write it like 2026-03-05.")),
    _code("date-text", "warning", ("日期是文本", "Date typed as text"),
          ("{header}“{value}”是文本，已按 {date} 读取；请设为日期格式。",
           "{header} '{value}' is text; read as {date}. Enter it as a date.")),
    _code("date-serial", "warning", ("日期是数字", "Date typed as a number"),
          ("{header}“{value}”是数字，已按 Excel 日期序号读作 {date}；请设为日期格式。",
           "{header} '{value}' is a number; read as the Excel date {date}. Format the cell as "
           "a date.")),
    _code("date-no-year", "warning", ("日期缺少年份", "Date without a year"),
          ("{header}“{value}”没有年份，已按 {date} 读取；请写完整日期。",
           "{header} '{value}' has no year; read as {date}. Write the full date.")),
    _code("date-ambiguous", "error", ("日期顺序不明", "Ambiguous date"),
          ("{header}“{value}”无法确定是日/月还是月/日：请在设置表填写“日期顺序”（dmy 或 mdy），"
           "或改写为 2026-03-05 这样的日期。",
           "{header} '{value}' could be day/month or month/day: set 日期顺序 (date order: dmy "
           "or mdy) in the settings sheet, or write it like 2026-03-05.")),
    # -- dates against each other and against today ----------------------------------
    _code("raised-in-future", "error", ("提出日期晚于今天", "Raised after today"),
          ("{header} {value} 晚于今天（{as_of}）。", "{header} {value} is after today ({as_of}).")),
    _code("deadline-before-raised", "error", ("解决期限早于提出日期", "Deadline before raised"),
          ("{header} {value} 早于提出日期 {raised}。",
           "{header} {value} is before the raised-on date {raised}.")),
    _code("closed-before-raised", "error", ("结案日期早于提出日期", "Closed before raised"),
          ("{header} {value} 早于提出日期 {raised}。",
           "{header} {value} is before the raised-on date {raised}.")),
    _code("closed-in-future", "error", ("结案日期晚于今天", "Closed after today"),
          ("{header} {value} 晚于今天（{as_of}）。", "{header} {value} is after today ({as_of}).")),
    # -- deadlines and the SLA -----------------------------------------------------------
    _code("deadline-missing", "warning", ("解决期限未填写", "Deadline missing"),
          ("{header}为空，已按时限 {sla} 个工作日推算为 {date}；请填写。",
           "{header} is empty; taken as {date} from the {sla}-working-day SLA. Fill it in.")),
    _code("deadline-beyond-sla", "warning", ("解决期限超出时限", "Deadline beyond the SLA"),
          ("{header} {value} 在提出日期后第 {workdays} 个工作日，超过时限 {sla} 个工作日（最迟 "
           "{latest}）；如已与客户约定延期，请在进展情况中注明。",
           "{header} {value} is {workdays} working days after the raised-on date, beyond the "
           "{sla}-day SLA (latest {latest}); if the customer agreed to an extension, note it "
           "under progress.")),
    # -- rule 7: a specific problem statement ----------------------------------------
    _code("problem-too-short", "warning", ("问题点过短", "Problem too short"),
          ("{header}只有 {length} 个字（至少 {min_length} 个）：" + _RULE7[0] + "。",
           "{header} has only {length} characters (at least {min_length}): " + _RULE7[1] + ".")),
    _code("vague-problem", "warning", ("问题点笼统", "Vague problem"),
          ("{header}“{value}”过于笼统：" + _RULE7[0] + "。",
           "{header} '{value}' is too vague: " + _RULE7[1] + ".")),
    # -- closed rows ---------------------------------------------------------------------
    _code("closed-without-summary", "error", ("已结案但无小结", "Closed without summary"),
          ("已结案，但{header}为空：请填写结案说明。",
           "closed, but {header} is empty: write the closing note.")),
    _code("closed-without-date", "warning", ("已结案但无结案日期", "Closed without a date"),
          ("已结案，但{header}为空：请填写结案日期，否则无法计算按时结案率。",
           "closed, but {header} is empty: enter the closing date, or the on-time rate cannot "
           "count it.")),
    _code("closed-without-effect", "warning", ("已结案但未评估效果", "Closed without effect"),
          ("已结案，但{header}为空：请填写效果评估（有效/部分有效/无效）。",
           "closed, but {header} is empty: evaluate the effect of the fix.")),
    _code("closed-but-ineffective", "warning", ("效果无效却已结案", "Closed but ineffective"),
          ("{header}为“{value}”却已结案：纠正措施无效，应重新制定纠正措施直至问题解决。",
           "{header} says '{value}' but the complaint is closed: the fix did not work; a new "
           "corrective action is due.")),
    _code("closed-flag-conflict", "warning", ("结案标记与结案日期矛盾", "Closed flag conflicts"),
          ("{header}为“{value}”，但已填写结案日期 {date}：统计时按已结案处理，请改为“是”或删除结案"
           "日期。",
           "{header} says '{value}' but a closing date {date} is entered: it counts as closed; "
           "set the flag to yes or clear the date.")),
    _code("closed-flag-unclear", "warning", ("是否结案无法识别", "Closed flag not understood"),
          ("{header}“{value}”无法识别：请填写“是”或“否”。",
           "{header} '{value}' is not understood: enter yes (是) or no (否).")),
    # -- rule 8: support requests ----------------------------------------------------
    _code("support-need-missing", "warning", ("有支援单位无需求点", "Support need missing"),
          ("已请“{unit}”支援，但{header}为空：请写明需要协助的事项（填写规范第 8 条）。",
           "support is asked of '{unit}', but {header} is empty: say what help is needed "
           "(sheet rule 8).")),
    _code("support-unit-missing", "warning", ("有需求点无支援单位", "Support unit missing"),
          ("已写支援需求，但{header}为空：请选择支援单位（填写规范第 8 条）。",
           "a support need is written, but {header} is empty: choose the support unit "
           "(sheet rule 8).")),
    # -- people and contacts ---------------------------------------------------------
    _code("contact-invalid", "warning", ("联系方式无效", "Contact not valid"),
          ("{header}“{value}”不是有效的手机号、带区号的固定电话、400/800 号码或邮箱。",
           "{header} '{value}' is not a mobile number, a landline with area code, a 400/800 "
           "number or an e-mail address.")),
    _code("owner-not-in-staff", "warning", ("跟进人员不在人员表中", "Owner not in staff"),
          ("{header}“{value}”不在人员表中，催办邮件无法发给此人。",
           "{header} '{value}' is not in the staff sheet, so chase mails cannot reach them."),
          hint=("{header}“{value}”不在人员表中，是否应为“{suggestion}”？",
                "{header} '{value}' is not in the staff sheet; did you mean '{suggestion}'?")),
    # -- duplicates and numbering ----------------------------------------------------
    _code("duplicate-complaint", "warning", ("重复登记", "Duplicate complaint"),
          ("与{other_row}重复（客户、投诉项目、问题点和提出日期都相同）：如为重复录入请删除一行。",
           "same as {other_row} (customer, type, problem and raised-on date): delete one "
           "if it was entered twice.")),
    _code("duplicate-seq", "warning", ("序号重复", "Duplicate number"),
          ("{header} {value} 与{other_row}重复。", "{header} {value} repeats {other_row}.")),
    _code("seq-not-number", "warning", ("序号不是数字", "Number not numeric"),
          ("{header}“{value}”不是数字。", "{header} '{value}' is not a number.")),
    # -- the cells themselves ------------------------------------------------------------
    _code("excel-error-value", "error", ("Excel 错误值", "Excel error value"),
          ("{header}是 Excel 错误值 {value}：请检查公式或重新填写。",
           "{header} holds the Excel error {value}: check the formula or retype the value.")),
    _code("settings-invalid", "warning", ("设置有误", "Settings problem"),
          ("设置有误：{detail}。", "settings: {detail}.")),
)

CATALOGUE: Final[dict[str, Code]] = {c.code: c for c in _ENTRIES}
"""Every finding code, by code."""
