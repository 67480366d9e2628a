"""What the workbook's sheets say: names, headers, the settings rows, the instructions.

Pure data and small functions from a :class:`~complaint_xl.settings.Settings` to rows of
cell values, kept apart from the XlsxWriter code in :mod:`.builder` so the round trip
(``complaint_xl.load`` reads back what was written) is easy to see and to test.
Every label here is one that :mod:`complaint_xl.settings` recognises.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final, Literal

import holidays

from complaint_xl.register.schema import FIELDS
from complaint_xl.settings import Settings
from complaint_xl.workdays import Calendar, CalendarWarning

__all__ = [
    "BUTTONS",
    "CONF_SHEET",
    "SETTINGS_ROWS",
    "SHEET_NAMES",
    "Button",
    "guide_rows",
    "holiday_rows",
    "list_columns",
    "mapping_rows",
    "rule_rows",
    "settings_rows",
    "staff_rows",
    "xlwings_conf_rows",
]

Lang = Literal["zh", "en"]

SHEET_NAMES: Final[dict[str, tuple[str, str]]] = {
    # role: (zh, en); the settings roles are names that settings.SETTINGS_SHEETS knows.
    "register": ("投诉登记", "Complaints"),
    "guide": ("使用说明", "Instructions"),
    "settings": ("设置", "Settings"),
    "staff": ("人员", "Staff"),
    "lists": ("列表", "Lists"),
    "holidays": ("节假日", "Holidays"),
    "mapping": ("列映射", "Mapping"),
    "rules": ("规则", "Rules"),
}
CONF_SHEET: Final[str] = "xlwings.conf"
"""xlwings' standalone VBA reads its configuration from a sheet of exactly this name."""


@dataclass(frozen=True, slots=True)
class Button:
    """A button on the register sheet and the macro (macros/ComplaintXL.bas) it runs."""

    macro: str
    zh: str
    en: str


BUTTONS: Final[tuple[Button, ...]] = (
    Button("CheckEntries", "校验", "Check"),
    Button("ChaseOverdue", "催办", "Chase"),
    Button("WeeklyReport", "周报", "Weekly report"),
    Button("ImportUdfs", "导入函数", "Import UDFs"),
)


def _pick(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# -- 设置 / Settings ----------------------------------------------------------------------

SETTINGS_ROWS: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    # attribute, zh label, en label, zh note, en note
    ("lang", "语言", "Language", "消息、结果表和邮件的语言：zh 或 en",
     "Language of messages, result sheets and drafts: zh or en"),
    ("country", "国家/地区", "Country", "节假日日历的国家代码（CN = 中国，含调休）",
     "Country code of the public-holiday calendar (CN = China, with make-up days)"),
    ("sla_days", "默认时限(工作日)", "SLA days", "解决期限为空时，按提出日期后第 N 个工作日推算",
     "An empty deadline is the N-th working day after the raised date"),
    ("sla_major_days", "重大投诉时限(工作日)", "SLA major days", "严重程度为“重大”的投诉的时限（取较短者）",
     "The shorter clock for major complaints"),
    ("due_soon_days", "到期提醒(工作日)", "Due soon days", "N 个工作日内到期的列入催办，并显示为琥珀色",
     "Items due within N working days are chased and shown amber"),
    ("escalate_level2_after", "二级升级(逾期工作日)", "Escalate level 2 after",
     "逾期超过 N 个工作日，催办邮件抄送上级", "Overdue by more than N working days: copy the superior"),
    ("escalate_level3_after", "三级升级(逾期工作日)", "Escalate level 3 after",
     "逾期超过 N 个工作日，上报经理", "Overdue by more than N working days: report to the manager"),
    ("chase_mail_max_items", "邮件最多列出条数", "Max items per mail",
     "每封催办邮件最多列出的条数，其余见催办清单",
     "Each chase mail lists at most N items; the rest are in the chase list"),
    ("mail_attachment_max_mb", "附件上限(MB)", "Attachment max MB",
     "周报工作簿不超过 N MB 才随邮件附上，更大时邮件写明文件位置（0 = 不附）",
     "The weekly draft attaches its workbook only up to N MB; beyond, it says where the file is "
     "(0 = never)"),
    ("date_order", "日期顺序", "Date order", "文字日期如 5/3/2026 的读法：ymd（不猜）、dmy 或 mdy",
     "How text dates like 5/3/2026 are read: ymd (no guess), dmy or mdy"),
    ("problem_min_length", "问题点最短字数", "Problem min length",
     "问题点少于 N 个字视为不够具体（填写规范第 7 条）",
     "A problem statement shorter than N characters is not specific (rule 7)"),
    ("vague_phrases", "笼统用语", "Vague phrases", "问题点只有这些说法时视为笼统；用分号分隔",
     "Problem statements made of these phrases are vague; separate with semicolons"),
    ("manager", "经理", "Manager", "三级升级的收件人（人员表中的姓名）",
     "Who gets level-3 escalations (a name from the staff sheet)"),
    ("report_recipients", "周报收件人", "Report recipients", "周报邮件的收件人；用分号分隔",
     "Recipients of the weekly report; separate with semicolons"),
    ("sender", "发件人", "Sender", "草稿邮件的发件人地址", "From address of the drafts"),
    ("company", "公司名称", "Company", "显示在周报和邮件中", "Shown in the report and the e-mails"),
    ("drafts_folder", "草稿文件夹", "Drafts folder",
     "催办草稿和周报文件的保存位置；空 = 工作簿所在文件夹",
     "Where drafts and report files go; empty = the workbook's folder"),
    ("templates_folder", "模板文件夹", "Templates folder", "自定义邮件模板所在文件夹；空 = 内置模板",
     "Folder with edited e-mail templates; empty = the built-in ones"),
)


def _setting_value(settings: Settings, attribute: str) -> Any:
    value = getattr(settings, attribute)
    if isinstance(value, tuple):
        return "；".join(value) if attribute == "vague_phrases" else "; ".join(value)
    return "" if value is None else value


def settings_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    """The key/value sheet: a header, then one row per setting with its note."""
    rows: list[list[Any]] = [[_pick(lang, "项目", "Setting"), _pick(lang, "值", "Value"),
                              _pick(lang, "说明", "Note")]]
    for attribute, zh, en, note_zh, note_en in SETTINGS_ROWS:
        rows.append([_pick(lang, zh, en), _setting_value(settings, attribute),
                     _pick(lang, note_zh, note_en)])
    return rows


def setting_row(attribute: str) -> int:
    """0-based row of a setting on the settings sheet (the header is row 0)."""
    return 1 + [r[0] for r in SETTINGS_ROWS].index(attribute)


# -- 人员 / Staff ---------------------------------------------------------------------------

def staff_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    head = (["姓名", "邮箱", "上级", "角色", "负责支援单位"] if lang == "zh"
            else ["Name", "E-mail", "Superior", "Role", "Support unit"])
    return [head, *([p.name, p.email, p.superior, p.role, p.unit] for p in settings.staff.values())]


# -- 列表 / Lists ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ListColumn:
    """One column of the lists sheet; ``name`` is the defined name a dropdown uses."""

    header: str
    values: tuple[Any, ...]
    name: str | None
    width: float


def list_columns(settings: Settings, lang: Lang) -> list[ListColumn]:
    """The value lists behind the dropdowns, and the SLA per type beside the types."""
    sla = tuple(settings.sla_by_type.get(t) for t in settings.types)
    closed = ("是", "否") if lang == "zh" else ("Yes", "No")
    return [
        ListColumn(_pick(lang, "投诉项目", "Types"), settings.types, "List_Types", 12),
        ListColumn(_pick(lang, "时限(工作日)", "SLA days"), sla, None, 12),
        ListColumn(_pick(lang, "支援单位", "Support units"), settings.support_units,
                   "List_SupportUnits", 12),
        ListColumn(_pick(lang, "是否结案", "Closed"), closed, "List_Closed", 10),
        ListColumn(_pick(lang, "效果评估", "Effect values"), settings.effect_values, "List_Effect", 12),
        ListColumn(_pick(lang, "严重程度", "Severity values"), settings.severity_values,
                   "List_Severity", 12),
        ListColumn(_pick(lang, "大客户", "Key accounts"), settings.key_accounts, None, 28),
    ]


LISTS_NOTE: Final[dict[str, str]] = {
    "zh": "每列从第 2 行起连续填写（中间不留空行），下拉菜单随之更新。"
          "时限(工作日)为空时按设置表的默认时限。",
    "en": "Fill each column from row 2 without gaps; the dropdowns follow. An empty SLA uses "
          "the default SLA of the settings sheet.",
}


# -- 节假日 / Holidays ----------------------------------------------------------------------

HOLIDAY_STATUS: Final[dict[bool, tuple[str, str]]] = {
    True: ("已公布", "official"), False: ("估计", "estimate"),
}
"""状态 of a 节假日 row (official?) as the sheet writes it; settings.HOLIDAY_OFFICIAL and
HOLIDAY_ESTIMATE read both languages' words."""


def holiday_rows(country: str, years: range, lang: Lang,
                 overrides: dict[dt.date, bool] | None = None,
                 official_years: Collection[int] = ()) -> list[list[Any]]:
    """The exceptions to the Monday-to-Friday week for ``years``, 调休 days included.

    Each row's 状态 says whether it is the published schedule (已公布: the holidays
    package has the year, or ``official_years``, the team's, has it) or a guess (估计),
    so the team knows to check it when the State Council publishes it; the calendar
    keeps warning about a year until its rows are official.
    """
    head = (["日期", "类型", "状态", "说明"] if lang == "zh"
            else ["Date", "Kind", "Status", "Note"])
    calendar = Calendar(country, overrides or {}, official_years)
    language = "zh_CN" if lang == "zh" else "en_US"
    try:
        names = holidays.country_holidays(country, years=list(years), language=language)
    except (NotImplementedError, KeyError, ValueError):
        names = {}
    rows: list[list[Any]] = [head]
    for year in years:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CalendarWarning)
            days = calendar.days_off(year)
        official = calendar.confirmed(year)
        status = _pick(lang, *HOLIDAY_STATUS[official])
        for day, working in days:
            if working:
                kind, note = _pick(lang, "上班", "working"), _pick(lang, "调休上班", "make-up working day")
            else:
                kind, note = _pick(lang, "休息", "off"), str(names.get(day) or "")
            if not official:
                note += _pick(lang, "（估计，待公布后核对）", " (estimate: check when published)")
            rows.append([day, kind, status, note])
    return rows


# -- 列映射 / Mapping, 规则 / Rules ------------------------------------------------------------

def mapping_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    """Every field with the header mapped to it (empty: the built-in synonyms apply)."""
    head = (["字段", "表头", "说明"] if lang == "zh" else ["Field", "Header", "Note"])
    note = _pick(lang, "字段名", "field name")
    return [head, *([_pick(lang, f.zh, f.en), settings.mapping.get(f.name, ""),
                     f"{note}: {f.name}"] for f in FIELDS)]


def rule_rows(settings: Settings, lang: Lang) -> list[list[Any]]:
    """One row per finding code of the checks catalogue, with the team's choice if any."""
    head = (["代码", "启用", "级别", "说明"] if lang == "zh" else ["Code", "Enabled", "Severity", "Note"])
    yes, no = _pick(lang, "是", "yes"), _pick(lang, "否", "no")
    level = {"error": _pick(lang, "错误", "error"), "warning": _pick(lang, "警告", "warning")}
    rows: list[list[Any]] = [head]
    seen: set[str] = set()
    for code, severity, title in _catalogue(lang):
        choice = settings.rules.get(code)
        enabled = choice.enabled if choice else True
        rows.append([code, yes if enabled else no, level[(choice and choice.severity) or severity],
                     title])
        seen.add(code)
    for code, choice in settings.rules.items():
        if code not in seen:
            rows.append([code, yes if choice.enabled else no,
                         level[choice.severity] if choice.severity else "", ""])
    return rows


def _catalogue(lang: Lang) -> list[tuple[str, str, str]]:
    """(code, default severity, title) of every check in the catalogue."""
    from complaint_xl.checks import CATALOGUE

    return [(c.code, c.severity, c.title(lang)) for c in CATALOGUE.values()]


# -- xlwings.conf ---------------------------------------------------------------------------

def xlwings_conf_rows(lang: Lang) -> list[list[Any]]:
    """The keys xlwings' standalone VBA reads (GetConfig), from A1 down without gaps.

    No header row: every cell of column A down to the first blank is a key. A key
    present with an empty value hides the user's own xlwings.conf file for it, and
    the interpreter then falls back to ``python`` / ``pythonw`` on the PATH.
    """
    return [
        ["Interpreter_Win", "", _pick(
            lang, "Windows：pythonw.exe 的完整路径；空 = 使用 PATH 上的 Python",
            "Windows: full path of pythonw.exe; empty = the Python on the PATH")],
        ["Interpreter_Mac", "", _pick(
            lang, "macOS：python 的完整路径（终端中 which python3 的结果）",
            "macOS: full path of python (what `which python3` prints in Terminal)")],
        ["UDF Modules", "complaint_xl.xl.udfs", _pick(
            lang, "导入函数按钮读取的 Python 模块", "Python module the Import UDFs button reads")],
        ["Use UDF Server", "False", _pick(
            lang, "保持 False（每次调用启动 Python）", "Keep False (Python starts per call)")],
        ["Show Console", "False", _pick(
            lang, "True = 显示 Python 控制台窗口，用于排查问题", "True = show the Python console, for "
            "troubleshooting")],
        ["ADD_WORKBOOK_TO_PYTHONPATH", "False", _pick(
            lang, "不把工作簿所在文件夹加入 Python 路径（代码来自已安装的 complaint-xl）",
            "Do not add the workbook's folder to the Python path (code comes from the installed "
            "complaint-xl)")],
    ]


# -- 使用说明 / Instructions -------------------------------------------------------------------

_GUIDE: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    # (style, text): "title", "head" or "" for a plain line
    "zh": (
        ("title", "客户投诉管理表：使用说明"),
        ("head", "日常填写（不需要 Python）"),
        ("", "在“投诉登记”表的表格中逐行登记投诉；在最后一行下面接着输入，"
             "新行自动带上下拉菜单、日期检查和颜色。"),
        ("", "投诉项目、支援单位、是否结案、效果评估、严重程度用下拉菜单选择；选项在“列表”表中维护。"),
        ("", "日期列只接受日期（如 2026-11-30）；鼠标停在列上会显示填写规范。"),
        ("", "颜色：红色 = 逾期未结案；琥珀色 = 即将到期；灰色 = 已结案。颜色随今天的日期自动变化。"),
        ("head", "填写规范（摘自客户投诉管理表）"),
        ("", "1. 按客户及客户属性分类，客户写成“名称(属性)”，如 长沙恒达建材有限公司(经销商)。"),
        ("", "3. 发出支援需求后持续跟进到结案，并向上级汇报。"),
        ("", "4. 每周汇总，在销售会议上讨论难点。"),
        ("", "7. 问题点要具体详细：写明客户、销售顾问、型号、产品和故障现象；"
             "不要写“xx表示近期售后问题较多”。"),
        ("", "8. 需要其他部门协助时，把该事项单独报给支援单位（一个支援单位一条需求）。"),
        ("head", "按钮（需要 Python 和 complaint-xl，见 README）"),
        ("", "校验：检查每一行，结果写入“检查结果”表（可点击跳转到单元格），"
             "有问题的单元格标黄（错误）或标蓝（警告）；再次校验时只清除上次标记的颜色。"),
        ("", "催办：列出逾期和即将到期的投诉，写入“催办”表，并在工作簿旁的文件夹中生成邮件草稿（.eml）。"),
        ("", "周报：计算上周的 KPI，写入“周报”表，并在工作簿旁生成周报文件。"),
        ("", "导入函数：载入 complaint_xl 的工作表函数（仅 Windows）：cxl_workdays（两个日期间的工作日）、"
             "cxl_deadline（按时限推算期限）、cxl_status（逾期 N 天 / N 天内到期 / 正常 / 已结案）、"
             "cxl_findings（一行的校验结果）、cxl_kpi（周报中的一个指标）。"
             "例如 =cxl_status(L4,Q4,R4,TODAY())，=cxl_workdays(J4,L4,CXL_Holidays)。"),
        ("", "按钮不会删除或重排您的行；出错时会弹出一句说明。"),
        ("head", "设置"),
        ("", "设置：时限、提醒天数、升级规则、收件人等；人员：姓名、邮箱、上级（催办邮件用）；"
             "节假日：休息日和调休上班日，可增删；列映射：表头与内置名称不同时在此指定；规则：停用某项检查或改级别。"),
        ("", "xlwings.conf：Python 的位置等连接设置，一般不用改。"),
    ),
    "en": (
        ("title", "Customer complaint register: instructions"),
        ("head", "Everyday entry (no Python needed)"),
        ("", "Enter one complaint per row in the table on the Complaints sheet; type just below the "
             "last row and the new row gets the dropdowns, date checks and colours."),
        ("", "Type, support unit, closed, effect and severity are dropdowns; their values live on "
             "the Lists sheet."),
        ("", "Date columns take dates only (e.g. 2026-11-30); hover over a column to see the rules."),
        ("", "Colours: red = overdue and open; amber = due soon; grey = closed. They follow today's "
             "date."),
        ("head", "Rules of the sheet"),
        ("", "1. Classify by customer and attribute: write the customer as Name(attribute)."),
        ("", "3. Once help is asked for, follow up until closed and report to your superior."),
        ("", "4. Summarise weekly and discuss the hard points at the sales meeting."),
        ("", "7. The problem must be specific: customer, sales consultant, model, product and fault; "
             "not 'xx says there are many after-sales problems lately'."),
        ("", "8. When another function must help, report that item to the support unit separately "
             "(one request per support unit)."),
        ("head", "Buttons (need Python and complaint-xl, see the README)"),
        ("", "Check: checks every row, lists the findings on the Findings sheet (with links to the "
             "cells) and marks the cells yellow (error) or blue (warning); the next run clears only "
             "its own marks."),
        ("", "Chase: lists overdue and due-soon items on the Chase sheet and writes e-mail drafts "
             "(.eml) to a folder beside the workbook."),
        ("", "Weekly report: last week's KPIs on the Weekly sheet, and the report files beside the "
             "workbook."),
        ("", "Import UDFs: loads complaint_xl's worksheet functions (Windows only): cxl_workdays "
             "(working days between two dates), cxl_deadline (the deadline from the SLA), cxl_status "
             "(overdue N days / due within N days / on track / closed), cxl_findings (a row's check "
             "results), cxl_kpi (one figure of the weekly report). E.g. =cxl_status(L4,Q4,R4,TODAY()), "
             "=cxl_workdays(J4,L4,CXL_Holidays)."),
        ("", "The buttons never delete or reorder your rows; a failure shows a one-line message."),
        ("head", "Settings"),
        ("", "Settings: SLAs, reminder days, escalation, recipients; Staff: names, e-mails, "
             "superiors (for the drafts); Holidays: days off and make-up working days, editable; "
             "Mapping: when your headers differ; Rules: switch a check off or change its severity."),
        ("", "xlwings.conf: where Python is; usually left alone."),
    ),
}


def guide_rows(lang: Lang) -> list[tuple[str, str]]:
    """(style, text) lines of the instructions sheet."""
    return list(_GUIDE[lang])
