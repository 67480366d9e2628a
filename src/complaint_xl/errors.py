"""Errors a user can act on: each carries one line in Chinese and in English.

Bad rows never raise (they become findings); these are for runs that cannot go on,
such as a file that is not a spreadsheet. The command line prints ``message(lang)``
and exits 2; the buttons show it in a message box.
"""

from __future__ import annotations

from typing import Any, Final, Literal

__all__ = ["MESSAGES", "ComplaintXLError", "LocalizedWarning", "OutputError", "UnusableFile",
           "UsageError", "warning_text"]

Lang = Literal["zh", "en"]

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "not-found": ("找不到文件：{path}。请检查路径和文件名。",
                  "file not found: {path}. Check the path and the file name."),
    "is-folder": ("{path} 是文件夹，不是登记表文件。请给出 .xlsx/.xlsm/.xls/.ods/.csv 文件。",
                  "{path} is a folder, not a register file. Give an .xlsx/.xlsm/.xls/.ods/.csv "
                  "file."),
    "empty": ("{path} 是空文件（0 字节）。请打开原表另存一次。",
              "{path} is empty (0 bytes). Open the original and save it again."),
    "unreadable": ("无法读取 {path}：{detail}。", "cannot read {path}: {detail}."),
    "not-spreadsheet": ("{path} 不是电子表格（支持 .xlsx/.xlsm/.xls/.ods/.csv）。",
                        "{path} is not a spreadsheet (.xlsx/.xlsm/.xls/.ods/.csv are supported)."),
    "damaged": ("{path} 已损坏或不完整（{detail}）。请用 Excel 打开修复后另存。",
                "{path} is damaged or incomplete ({detail}). Open it in Excel, repair and save "
                "it again."),
    "encrypted": ("{path} 设有打开密码，无法读取。请在 Excel 中取消密码（文件 > 信息 > 保护工作簿）"
                  "后另存一份。",
                  "{path} is password-protected. Remove the password in Excel (File > Info > "
                  "Protect Workbook) and save a copy."),
    "xml-entities": ("{path} 含有 XML 实体声明（可能是恶意文件），已拒绝读取。",
                     "{path} contains XML entity declarations (possibly a malicious file); "
                     "refused."),
    "too-large": ("{path} 解压后超过 {limit} 的上限（或压缩比异常），已拒绝读取。",
                  "{path} expands beyond the {limit} limit (or has an abnormal compression "
                  "ratio); refused."),
    "no-register": ("{path} 中没有找到投诉登记表：没有哪张工作表的表头包含客户、投诉项目、问题点、"
                    "提出日期等列。可用 --map 字段=表头 指定列。",
                    "no register found in {path}: no sheet has a header with customer, type, "
                    "problem, raised-on and similar columns. Use --map FIELD=HEADER to name "
                    "them."),
    "mapping-missing": ("列映射 {field}={header} 指定的表头在 {path} 中不存在。",
                        "the mapping {field}={header} names a header that {path} does not "
                        "have."),
    "sheet-unknown": ("{path} 中没有名为“{sheet}”的工作表。工作表有：{sheets}。",
                      "{path} has no sheet named '{sheet}'. Its sheets: {sheets_en}."),
    "sheet-no-register": ("工作表“{sheet}”中没有找到投诉登记表的表头（客户、投诉项目、问题点、"
                          "提出日期等列）。可用 --map 字段=表头 指定列。",
                          "sheet '{sheet}' has no register header (customer, type, problem, "
                          "raised-on and similar columns). Use --map FIELD=HEADER to name them."),
    "sheets-read": ("读取工作表：{sheets}（共 {rows} 行）", "sheets read: {sheets_en} ({rows} rows)"),
    "sheets-left-out": ("注意：工作表{sheets}的表头与所读工作表的不同，未读取。要读取别的工作表，请用 "
                        "--sheet 工作表名 指定（可重复）。",
                        "note: sheet(s) {sheets_en} have another header than the sheets read and "
                        "were not read. To read other sheets, name them with --sheet NAME "
                        "(repeatable)."),
    "sheets-repeated": ("警告：工作表“{sheet}”中有 {count} 行（第 {rows} 行）与工作表{others}中的投诉"
                        "重复（{fields}都相同），每条投诉只计一次，这些行未读取。",
                        "warning: {count} rows of sheet '{sheet}' (rows {rows_en}) repeat "
                        "complaints on sheet(s) {others_en} (same {fields_en}); each complaint "
                        "counts once, so these rows were not read."),
    "header-near-miss": ("注意：表头“{header}”（工作表{sheets}第 {column} 列）与“{name}”只差一点，"
                         "未被识别为“{label}”列。若它就是该列，请改正表头，或用 --map {field}={header}"
                         "（或在“列映射”表中写 {field} 和 {header}）。",
                         "note: the header '{header}' (sheet {sheets_en}, column {column}) is close "
                         "to '{name}' but was not recognised as the {label_en} column. If it is "
                         "that column, correct the header, or use --map {field}={header} (or a "
                         "row {field} / {header} on the 列映射 (Mapping) sheet)."),
    "column-needed": ("{path} 中没有“{label}”列（{field}），{command}需要它。{hint}",
                      "{path} has no {label_en} column ({field}), which {command_en} needs. "
                      "{hint_en}"),
    "column-needed-near": ("表头“{header}”像是它的笔误：请改正表头，或用 --map {field}={header}。",
                           "The header '{header}' looks like a slip for it: correct the header, "
                           "or use --map {field}={header}."),
    "column-needed-map": ("请用 --map {field}=表头 指出该列（或在“列映射”表中指定）。",
                          "Name its column with --map {field}=HEADER (or on the 列映射 (Mapping) "
                          "sheet)."),
    "mapping-field": ("未知字段“{field}”。可用字段：{fields}。",
                      "unknown field '{field}'. Fields: {fields}."),
    "mapping-syntax": ("--map 的格式应为 字段=表头，例如 --map type=投诉类型。",
                       "--map takes FIELD=HEADER, for example --map type=Category."),
    "bad-country": ("未知的国家代码“{country}”（如 CN、US）。",
                    "unknown country code '{country}' (such as CN, US)."),
    "bad-date": ("日期“{value}”的格式应为 YYYY-MM-DD。", "the date '{value}' must be YYYY-MM-DD."),
    "bad-week": ("周“{value}”的格式应为 YYYY-Www，例如 2026-W48。",
                 "the week '{value}' must be YYYY-Www, for example 2026-W48."),
    "locked": ("注意：{path} 正在 Excel 中打开，读取的是最后一次保存的内容。",
               "note: {path} is open in Excel; reading what was last saved."),
    "out-is-file": ("输出位置 {path} 是一个文件，应为文件夹。", "the output {path} is a file, not a "
                    "folder."),
    "out-not-writable": ("无法写入 {path}：{detail}。请换一个文件夹，或关闭在 Excel 中打开的输出文件。",
                         "cannot write {path}: {detail}. Choose another folder, or close the "
                         "output file if it is open in Excel."),
    "template-error": ("模板 {name} 第 {line} 行有错误：{detail}",
                       "template {name}, line {line}: {detail}"),
    "template-unsafe": ("模板 {name} 第 {line} 行试图访问不允许的内容（{detail}），已停止，未生成草稿。"
                        "模板只能使用提供给它的数据。",
                        "template {name}, line {line} tries to reach something it may not "
                        "({detail}); stopped, no draft written. A template may only use the "
                        "data it is given."),
    "report-filter-unknown": ("筛选条件 --{option} “{value}” 在登记表中不存在。可选值：{known}",
                              "the filter --{option} '{value}' matches nothing in the register. "
                              "Values: {known}"),
    "xlsm-needed": ("工作簿需要 .xlsm 扩展名（带宏的工作簿），例如 投诉登记.xlsm；收到的是 {path}。",
                    "the workbook needs the .xlsm extension (macro-enabled), e.g. complaints.xlsm; "
                    "got {path}."),
    "workbook-exists": ("{path} 已存在（可能是正在使用的登记表），未覆盖。换一个文件名，或加 --force 覆盖。",
                        "{path} exists (it may be the register in use) and was not replaced. Choose "
                        "another name, or add --force to replace it."),
    "not-built": ("“{command}”功能尚未完成。", "'{command}' is not built yet."),
}


class ComplaintXLError(Exception):
    """A problem the user can fix, told in one line."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "zh") -> str:
        zh, en = MESSAGES[self.key]
        return (zh if lang == "zh" else en).format(**self.params)


class UnusableFile(ComplaintXLError):
    """The register file cannot be used: missing, damaged, encrypted, not a register."""


class UsageError(ComplaintXLError):
    """An option's value is wrong (a date, a week, a mapping)."""


class OutputError(ComplaintXLError):
    """An output cannot be written (read-only folder, file open in Excel, disk full)."""


class LocalizedWarning(UserWarning):
    """A warning told in both languages, so a run shows it in the user's language.

    ``str()`` gives the English text (logs, pytest); the command line and the buttons
    call :func:`warning_text` with the run's language.
    """

    def __init__(self, message_zh: str, message_en: str | None = None) -> None:
        # One text only (warnings.warn("...", SomeLocalizedWarning)) serves both languages.
        self.message_zh = message_zh
        self.message_en = message_zh if message_en is None else message_en
        super().__init__(self.message_en)

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles (pytest-xdist, multiprocessing) keep both texts and extra fields.
        return (type(self), (self.message_zh, self.message_en), self.__dict__)

    def message(self, lang: str = "zh") -> str:
        """The text in ``lang`` (zh or en)."""
        return self.message_zh if lang == "zh" else self.message_en


def warning_text(warning: Warning | str, lang: str = "zh") -> str:
    """The text of a caught warning in ``lang`` when it has one, else as Python words it."""
    if isinstance(warning, LocalizedWarning):
        return warning.message(lang)
    return str(warning)
