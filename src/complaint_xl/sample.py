"""A sample register that looks like a real sales office's: for the demo, tests, benchmark.

Rows are generated with numpy in whole columns (a million rows take seconds), from a
seed, against the team's calendar, so deadlines and closing dates are consistent.
``clean=True`` gives a register that should raise no error at all; otherwise a few
typical mistakes are planted (a vague problem, 售后服务 for 售后, a text date, a
missing owner, a deadline before the raised date, a duplicate entry).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.register.schema import DEFAULT_TYPES, FIELDS
from complaint_xl.words import say
from complaint_xl.workdays import Calendar, CalendarWarning

__all__ = [
    "SAMPLE_STAFF",
    "TEMPLATE_COLUMNS",
    "make_register",
    "sample_settings_sheets",
    "write_register_xlsx",
]

TEMPLATE_COLUMNS: Final[tuple[str, ...]] = tuple(
    f.name for f in FIELDS if f.name not in ("customer_attr",)
)
"""The product template's columns, in the seed's order plus 结案日期 and 严重程度."""

SAMPLE_STAFF: Final[tuple[tuple[str, str, str, str, str], ...]] = (
    # name, e-mail, superior, role, support unit answered for
    ("李明", "li.ming@example.com", "周强", "销售", ""),
    ("张伟", "zhang.wei@example.com", "周强", "销售", ""),
    ("王芳", "wang.fang@example.com", "周强", "销售", ""),
    ("刘洋", "liu.yang@example.com", "吴敏", "销售", ""),
    ("陈静", "chen.jing@example.com", "吴敏", "销售", ""),
    ("杨帆", "", "吴敏", "销售", ""),
    ("周强", "zhou.qiang@example.com", "孙建国", "销售主管", "销售"),
    ("吴敏", "wu.min@example.com", "孙建国", "销售主管", ""),
    ("孙建国", "sun.jianguo@example.com", "", "经理", ""),
    ("郑红", "zheng.hong@example.com", "孙建国", "财务", "财务"),
    ("钱进", "qian.jin@example.com", "孙建国", "内务", "内务"),
    ("冯工", "feng.gong@example.com", "孙建国", "工厂", "工厂"),
    ("何丽", "he.li@example.com", "孙建国", "客服", "其他"),
)

_CUSTOMERS: Final[tuple[str, ...]] = (
    "长沙恒达建材有限公司", "广州美家装饰工程有限公司", "武汉鑫源贸易商行", "成都锦城家居有限公司",
    "杭州绿洲建材有限公司", "南京华美板业有限公司", "郑州中原建材城", "西安秦川装饰公司",
    "重庆山城建材有限公司", "合肥徽派家居有限公司", "昆明春城木业", "南宁八桂建材有限公司",
    "福州闽江装饰材料公司", "济南泉城板材经营部", "沈阳北方建材有限公司", "天津滨海家具厂",
    "苏州园林装饰工程公司", "东莞华南家具有限公司", "青岛海韵建材商行", "长春一汽配套家具厂",
)
_ATTRS: Final[tuple[str, ...]] = ("经销商", "终端客户", "工程客户", "直营店", "大客户")
_PRODUCTS: Final[tuple[str, ...]] = (
    "E0级实木多层板", "P2级颗粒板", "生态板", "防潮刨花板", "饰面中纤板", "OSB定向结构板",
)
_MODELS: Final[tuple[str, ...]] = ("A3-18", "B2-15", "C1-12", "E5-09", "K8-25", "M6-18")
_FAULTS: Final[dict[str, tuple[str, ...]]] = {
    "培训": ("安装工人不会使用新型封边工艺，需安排现场培训",),
    "申请": ("申请特价支持，竞品报价低8%",),
    "售后": ("板面开裂", "表面起泡", "板材翘曲变形"),
    "对账": ("对账单与我司记录相差", "返利未计入对账单"),
    "发货": ("少发", "错发型号", "发货延迟5天"),
    "物流": ("运输途中包装破损", "到货时间比承诺晚3天"),
    "销售物料": ("样板册缺货，门店无法展示", "展架破损需补发"),
    "缺货": ("下单后缺货，影响工程进度",),
    "发票": ("发票抬头错误", "发票金额与合同不符"),
    "安装": ("安装后接缝不平", "安装孔位偏差"),
    "品质": ("甲醛检测结果超标", "色差明显", "尺寸偏差超过2mm"),
    "市场信息": ("竞品在当地降价促销，影响我司销量",),
}
_UNIT_FOR_TYPE: Final[dict[str, str]] = {
    "培训": "销售", "申请": "销售", "售后": "工厂", "对账": "财务", "发货": "内务", "物流": "内务",
    "销售物料": "销售", "缺货": "工厂", "发票": "财务", "安装": "其他", "品质": "工厂",
    "市场信息": "销售",
}
_RESPONSIBLE: Final[tuple[str, ...]] = ("工厂", "物流", "销售", "客户", "财务")
_TYPE_WEIGHTS: Final[np.ndarray] = np.array([3, 3, 18, 6, 10, 9, 4, 6, 7, 6, 24, 4], float)


def _pick(rng: np.random.Generator, values: tuple[str, ...] | list[str], n: int,
          p: np.ndarray | None = None) -> np.ndarray:
    arr = np.array(values, dtype=object)
    return arr[rng.choice(len(arr), size=n, p=None if p is None else p / p.sum())]


def make_register(n: int = 200, *, as_of: dt.date | None = None, seed: int = 7,
                  clean: bool = False, weeks: int = 12,
                  calendar: Calendar | None = None) -> pd.DataFrame:
    """A register of ``n`` complaints raised over the ``weeks`` before ``as_of``.

    Columns are the canonical field names (customer carries its attribute in
    brackets, as typed in the seed's sheet); dates are ``datetime64``.
    """
    as_of = as_of or dt.date.today()
    calendar = calendar or Calendar()
    with warnings.catch_warnings():
        # Closing days past as_of are computed and then dropped; their year may be unknown.
        warnings.simplefilter("ignore", CalendarWarning)
        return _make(n, as_of, seed, clean, weeks, calendar)


def _make(n: int, as_of: dt.date, seed: int, clean: bool, weeks: int,
          calendar: Calendar) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    end = np.datetime64(as_of, "D")
    raised = end - rng.integers(1, weeks * 7, size=n).astype("timedelta64[D]")
    # complaints are raised on working days
    raised = np.where(calendar.is_workday(raised), raised, calendar.add(raised, 1))
    raised = np.minimum(raised, end)
    types = _pick(rng, DEFAULT_TYPES, n, _TYPE_WEIGHTS)
    major = rng.random(n) < 0.08
    sla = np.where(major, 5, 15)
    deadline = calendar.add(raised, sla)
    # About 70% get closed, mostly on time; closing never after as_of.
    took = np.maximum(1, rng.gamma(3.0, 4.5, size=n).astype(int))
    closed_on = calendar.add(raised, took)
    closed = (rng.random(n) < 0.78) & (closed_on <= end)
    closed_on = np.where(closed, closed_on, np.datetime64("NaT"))
    customers = _pick(rng, _CUSTOMERS, n)
    attrs = _pick(rng, _ATTRS, n)
    owners = _pick(rng, [s[0] for s in SAMPLE_STAFF if s[3] == "销售"], n)
    products = _pick(rng, _PRODUCTS, n)
    models = _pick(rng, _MODELS, n)
    faults = np.array([_FAULTS[t][i % len(_FAULTS[t])] for t, i in
                       zip(types, rng.integers(0, 6, size=n), strict=True)], dtype=object)
    qty = rng.integers(2, 300, size=n).astype(str).astype(object)
    batch = np.char.add("2026", rng.integers(1000, 9999, size=n).astype(str)).astype(object)
    problem = (customers + "反映" + products + "（型号" + models + "，批次" + batch + "）"
               + faults + "，涉及" + qty + "张")
    units = np.array([_UNIT_FOR_TYPE[t] for t in types], dtype=object)
    asks = rng.random(n) < 0.65
    support_unit = np.where(asks, units, None)
    need = np.where(asks, np.array(
        [f"请{u}协助核实并给出处理方案" for u in units], dtype=object), None)
    effect = np.where(closed, _pick(rng, ("有效",) * 7 + ("部分有效", "部分有效", "无效"), n), None)
    summary = np.where(closed, np.array(
        ["已与客户确认处理结果，补发/更换完成" for _ in range(n)], dtype=object), None)
    progress = np.where(closed, "已处理完毕", _pick(rng, ("已联系客户，等待回复", "工厂检测中",
                                                         "已寄样", "方案审批中"), n))
    phone = np.char.add("13", rng.integers(100000000, 999999999, size=n).astype(str)).astype(object)
    frame = pd.DataFrame({
        "seq": np.arange(1, n + 1),
        "customer": customers + "(" + attrs + ")",
        "customer_contact": phone,
        "reporter": _pick(rng, ("王经理", "刘总", "陈主任", "黄师傅", "赵采购"), n),
        "reporter_contact": phone,
        "owner": owners,
        "type": types,
        "problem": problem,
        "responsible": _pick(rng, _RESPONSIBLE, n),
        "raised_on": pd.to_datetime(raised),
        "support_unit": support_unit,
        "deadline": pd.to_datetime(deadline),
        "support_need": need,
        "progress": progress,
        "effect": effect,
        "summary": summary,
        "closed": np.where(closed, "是", "否"),
        "closed_on": pd.to_datetime(closed_on),
        "severity": np.where(major, "重大", "一般"),
    })
    frame = frame.sort_values("raised_on", kind="stable").reset_index(drop=True)
    frame["seq"] = np.arange(1, n + 1)
    if not clean and n >= 12:
        _plant_mistakes(frame, rng)
    return frame


def _plant_mistakes(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """The mistakes a hand-kept register really has, a few rows each."""
    rows = rng.choice(len(frame) - 1, size=7, replace=False)
    frame["raised_on"] = frame["raised_on"].astype(object)
    frame.loc[rows[0], "problem"] = "客户表示近期售后问题较多"
    frame.loc[rows[1], "type"] = "售后服务"
    day = pd.Timestamp(frame.loc[rows[2], "raised_on"])
    frame.loc[rows[2], "raised_on"] = f"{day.year}.{day.month}.{day.day}"  # typed as text
    frame.loc[rows[3], "owner"] = None
    frame.loc[rows[4], "deadline"] = frame.loc[rows[4], "raised_on"] - pd.Timedelta(days=3)
    dup = rows[5]
    frame.loc[dup + 1, ["customer", "type", "problem", "raised_on"]] = frame.loc[
        dup, ["customer", "type", "problem", "raised_on"]].to_numpy()
    frame.loc[rows[6], "support_need"] = None


def write_register_xlsx(frame: pd.DataFrame, path: str | Path, *, sheet: str = "投诉登记",
                        lang: str = "zh", title: str | None = None,
                        extra_sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    """Write a register as a plain .xlsx the way a team's sheet looks (fast, streaming).

    Every text cell is written as a string, so text that starts with = + - @ stays
    text. ``extra_sheets`` (name -> rows) adds settings sheets such as 人员. Used by
    the demo, the tests and the benchmark.
    """
    import xlsxwriter

    from complaint_xl.outputs.files import atomic_path
    from complaint_xl.outputs.xlsx import write_text

    labels = {f.name: f.header(lang) for f in FIELDS}
    columns = [c for c in frame.columns if c in labels]
    target = Path(path)
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True,
                                            "strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
        ws = wb.add_worksheet(sheet)
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        head_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                  "text_wrap": True})
        top = 0
        if title:
            ws.write_string(0, 0, title, wb.add_format({"bold": True, "font_size": 14}))
            top = 2
        for j, c in enumerate(columns):
            ws.write_string(top, j, labels[c], head_fmt)
            ws.set_column(j, j, 34 if c == "problem" else 12)
        values = [frame[c].to_numpy(dtype=object) for c in columns]
        kinds = [frame[c].dtype.kind for c in columns]
        for i in range(len(frame)):
            r = top + 1 + i
            for j, col in enumerate(values):
                v = col[i]
                if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
                    continue
                if kinds[j] == "M" or isinstance(v, pd.Timestamp | dt.date):
                    ws.write_datetime(r, j, pd.Timestamp(v).to_pydatetime(), date_fmt)
                elif isinstance(v, int | float | np.integer | np.floating):
                    ws.write_number(r, j, float(v))
                else:
                    write_text(ws, r, j, str(v))
        for name, rows in (extra_sheets or {}).items():
            extra = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for j, v in enumerate(row):
                    if isinstance(v, int | float):
                        extra.write_number(r, j, v)
                    elif v not in (None, ""):
                        write_text(extra, r, j, str(v))
        wb.close()
    return target


def sample_settings_sheets(lang: str = "zh") -> dict[str, list[list[Any]]]:
    """The demo team's settings sheets: staff with e-mails and superiors, a few settings."""
    # headed and named as the workbook's own sheets (workbook/sheets.py)
    staff_head = [say(f"workbook.staff-head.{c}", lang)
                  for c in ("name", "email", "superior", "role", "unit")]
    settings_head = [say(f"workbook.settings-head.{c}", lang) for c in ("setting", "value", "note")]
    return {
        say("workbook.sheet.staff", lang): [staff_head, *[list(s) for s in SAMPLE_STAFF]],
        say("workbook.sheet.settings", lang): [
            settings_head,
            ["默认时限(工作日)", 15, "解决期限为空时，按提出日期后第 N 个工作日推算"],
            ["重大投诉时限(工作日)", 5, "重大投诉的时限"],
            ["到期提醒(工作日)", 2, "N 个工作日内到期的列入催办"],
            ["经理", "孙建国", "三级升级的收件人"],
            ["周报收件人", "sun.jianguo@example.com; zhou.qiang@example.com; wu.min@example.com",
             "用分号分隔"],
            ["发件人", "sales.assistant@example.com", "草稿的发件人"],
            ["公司名称", "示例板业有限公司", ""],
        ],
    }
