"""Make the fixture registers under tests/data/ with programs other than complaint_xl.

Run from the repository root: ``python tests/data/make_fixtures.py``. Needs XlsxWriter,
LibreOffice (``soffice``, for the .xls and .ods copies) and msoffcrypto-tool (for the
password-protected file: ``pip install msoffcrypto-tool``). The outputs are committed,
so the tests do not need these programs.

- handtyped.xlsx: a register typed by hand: a title row, a header with spaces,
  line breaks and full-width brackets, padded and full-width values, text dates,
  blank rows, a 合计 row, notes below the table, an extra column, and the year split
  over two monthly sheets that share the header, plus a settings sheet and a pivot-like
  summary sheet that is not a register.
- handtyped.xls, handtyped.ods: the same, saved by LibreOffice.
- export_gbk.csv: a CSV export as Excel writes it in China (GBK, CRLF).
- encrypted.xlsx: handtyped.xlsx with an open password ("secret").
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent

HEADER = [
    "序号", "客户（属性）", "联系方式", "反应人", "联系方式", "跟进人员\n(销售人员填写)", "投诉项目",
    "问题点 (评估)", "责任方 类别", "提出 日期", "支援", "解决 期限", "支援或协助需求点", "进展情况",
    "效果评估", "结案 或小结", "是否 结案", "结案日期", "备注",
]

OCTOBER = [
    [1, "长沙恒达建材有限公司（经销商）", "0731-88886666", "王经理", "13800138000", " 李明 ",
     "售后", "A3-18 型号生态板批次 20260915 开裂 20 张", "工厂", dt.date(2026, 10, 9), "工厂",
     dt.date(2026, 10, 30), "工厂检测开裂原因", "已寄样检测", "有效", "补发 20 张，客户确认", "是",
     dt.date(2026, 10, 28), "加急"],
    [2, "广州美家装饰工程有限公司(终端客户)", "li@meijia.example.com", "刘总", "020-12345678",
     "张伟", "发票 ", "10 月发票抬头错误，金额 12000 元", "财务", "2026.10.12", "财务",
     "2026年10月30日", "重开发票", "财务已重开", "有效", "发票已重开寄出", "Y", "2026/10/20", ""],
    [],
    [3, "武汉鑫源贸易商行（经销商）", "13912345678", "陈主任", "", "王芳", "售后服务",
     "客户表示近期售后问题较多", "", dt.date(2026, 10, 15), "", None, "", "", "", "", "否", None,
     ""],
]
NOVEMBER = [
    [4, "成都锦城家居有限公司（大客户）", "028-66668888", "黄师傅", "13512345678", "刘洋",
     "　品质　", "P2 级颗粒板型号 B2-15 甲醛检测 0.12mg/m³ 超标", "工厂", "11月3日", "工厂",
     "２０２６－１１－２４", "", "工厂复检中", "", "", "否", None, ""],
    [5, "杭州绿洲建材有限公司（工程客户）", "zhou@example", "赵采购", "", "李明", "物流",
     "11 月 5 日到货包装破损 3 箱，型号 C1-12", "物流", dt.date(2026, 11, 6), "内务",
     dt.date(2026, 11, 27), "协调物流公司赔付", "已索赔", "", "", "未结案", None, ""],
    [None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
     None, None, None, None],
    ["合计", 5],
    [],
    ["填写规范：1、以客户及其属性分类；7、问题点要具体"],
]


def _write_sheet(wb: xlsxwriter.Workbook, name: str, rows: list[list[object]]) -> None:
    ws = wb.add_worksheet(name)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "客户投诉管理表")
    for j, h in enumerate(HEADER):
        ws.write_string(2, j, h)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(3 + i, j, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, int | float):
                ws.write_number(3 + i, j, v)
            elif v not in (None, ""):
                ws.write_string(3 + i, j, str(v))


def make_handtyped(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties({"created": dt.datetime(2026, 11, 1)})
    _write_sheet(wb, "2026-10", OCTOBER)
    _write_sheet(wb, "2026-11", NOVEMBER)
    summary = wb.add_worksheet("汇总")
    summary.write_row(0, 0, ["月份", "数量"])
    summary.write_row(1, 0, ["10月", 3])
    settings = wb.add_worksheet("设置")
    settings.write_row(0, 0, ["项目", "值"])
    settings.write_row(1, 0, ["默认时限(工作日)", 10])
    settings.write_row(2, 0, ["到期提醒(工作日)", "三天"])
    wb.close()


def make_csv(path: Path) -> None:
    lines = [
        "序号,客户,客户属性,跟进人,投诉类型,问题描述,投诉日期,解决期限,是否结案",
        "1,长沙恒达建材有限公司,经销商,李明,售后,A3-18 型号生态板开裂 20 张,2026-10-09,2026-10-30,是",
        "2,广州美家装饰工程有限公司,终端客户,张伟,发票,发票抬头错误 金额 12000 元,2026/10/12,,否",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))


def convert(source: Path, fmt: str) -> None:
    """Save a copy with LibreOffice (``xls`` or ``ods``), as another program would."""
    with tempfile.TemporaryDirectory() as tmp:
        filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", filt, "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=180,
        )
        shutil.copy(Path(tmp) / f"{source.stem}.{fmt}", HERE / f"{source.stem}.{fmt}")


def make_errors_ods() -> None:
    """errors.ods: a register whose owner and deadline cells hold Excel errors, saved by LibreOffice."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "errors.xlsx"
        wb = xlsxwriter.Workbook(str(source))
        ws = wb.add_worksheet("登记")
        ws.write_row(0, 0, ["序号", "客户", "投诉项目", "问题点", "跟进人员", "解决期限"])
        ws.write_row(1, 0, [1, "长沙恒达建材有限公司", "售后", "A3-18 开裂 20 张"])
        ws.write_formula(1, 4, "=VLOOKUP(B2,Z:Z,2,0)", None, "#N/A")
        ws.write_string(1, 5, "2026-10-30")
        ws.write_row(2, 0, [2, "广州美家装饰工程有限公司", "发票", "抬头错误 12000 元", "张伟"])
        ws.write_formula(2, 5, "=1/0", None, "#DIV/0!")
        wb.close()
        convert(source, "ods")


def make_encrypted(source: Path, path: Path) -> None:
    import msoffcrypto.format.ooxml as ooxml

    with source.open("rb") as fin, path.open("wb") as fout:
        ooxml.OOXMLFile(fin).encrypt("secret", fout)


if __name__ == "__main__":
    handtyped = HERE / "handtyped.xlsx"
    make_handtyped(handtyped)
    convert(handtyped, "xls")
    convert(handtyped, "ods")
    make_errors_ods()
    make_csv(HERE / "export_gbk.csv")
    make_encrypted(handtyped, HERE / "encrypted.xlsx")
    print("fixtures written to", HERE)
