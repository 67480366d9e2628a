"""A sample register that looks like a real sales office's: for the demo, tests, benchmark.

Rows are generated with numpy in whole columns (a million rows take seconds), from a
seed, against the team's calendar, so deadlines and closing dates are consistent.
``clean=True`` gives a register that should raise no error at all; otherwise a few
typical mistakes are planted (a vague problem, 售后服务 for 售后, a text date, a
missing owner, a deadline before the raised date, a duplicate entry). ``lifecycle=True``
fills the lifecycle's columns too (:func:`fill_lifecycle`: acceptance, pauses, extensions,
abnormal closures, follow-up calls, new actions), each case at least once.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from complaint_xl.register.schema import ALL_FIELDS, DEFAULT_TYPES, FIELDS, LIFECYCLE_FIELDS
from complaint_xl.words import say
from complaint_xl.workdays import Calendar, CalendarWarning

__all__ = [
    "SAMPLE_STAFF",
    "TEMPLATE_COLUMNS",
    "fill_lifecycle",
    "make_register",
    "sample_settings_sheets",
    "write_register_xlsx",
]

TEMPLATE_COLUMNS: Final[tuple[str, ...]] = tuple(
    f.name for f in (*FIELDS, *LIFECYCLE_FIELDS) if f.name not in ("customer_attr",)
)
"""The product template's columns: the seed's order plus 结案日期 and 严重程度, then the
lifecycle's (受理日期 … 新措施)."""

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
                  clean: bool = False, weeks: int = 12, calendar: Calendar | None = None,
                  lifecycle: bool = False) -> pd.DataFrame:
    """A register of ``n`` complaints raised over the ``weeks`` before ``as_of``.

    Columns are the canonical field names (customer carries its attribute in
    brackets, as typed in the seed's sheet); dates are ``datetime64``. ``lifecycle`` adds
    the lifecycle's columns (:func:`fill_lifecycle`, from a stream of its own: the other
    columns are the same either way).
    """
    as_of = as_of or dt.date.today()
    calendar = calendar or Calendar()
    with warnings.catch_warnings():
        # Closing days past as_of are computed and then dropped; their year may be unknown.
        warnings.simplefilter("ignore", CalendarWarning)
        return _make(n, as_of, seed, clean, weeks, calendar, lifecycle)


def _make(n: int, as_of: dt.date, seed: int, clean: bool, weeks: int,
          calendar: Calendar, lifecycle: bool = False) -> pd.DataFrame:
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
    if lifecycle:
        fill_lifecycle(frame, as_of, calendar, seed=seed)
    if not clean and n >= 12:
        _plant_mistakes(frame, rng)
    return frame


_ABNORMAL_REASON: Final[str] = (
    "客户要求按原价全额退货并赔偿停工损失，超出合同约定和公司退换货政策，多次协商未达成一致")
_NEW_ACTION: Final[str] = "更换供应商批次，来料增加甲醛与含水率抽检，QA 两周后复检"


def _back(calendar: Calendar, today: np.datetime64, k: int) -> np.datetime64:
    """The working day k working days before ``today`` (counted over (day, today])."""
    days = today - np.arange(0, 7 * k + 30).astype("timedelta64[D]")
    counts = calendar.count(days, np.full(len(days), today))
    return days[(counts == k) & calendar.is_workday(days)][0]


def _add(calendar: Calendar, days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """``calendar.add`` that also takes 0 (the day itself)."""
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
    return np.where(n == 0, days, calendar.add(days, np.maximum(n, 1)))


def fill_lifecycle(frame: pd.DataFrame, as_of: dt.date, calendar: Calendar, *,
                   seed: int = 7) -> pd.DataFrame:
    """Fill the lifecycle's columns of a sample register in place, as a team would, so that a
    demo shows every case: most complaints accepted the same or next working day, a few late
    and two open ones not yet; finished pauses, one open pause and one beyond 最长暂停 (10);
    extensions (one not told to the customer, one too long); abnormal closures (one without
    its approver); follow-up calls, mostly 满意, some 基本满意, a 不满意 in the last complete
    week, a few calls overdue; and ineffective actions with and without a new one.
    """
    rng = np.random.default_rng(seed + 1_000)  # its own stream: the other columns stay
    n = len(frame)
    nat = np.datetime64("NaT", "D")
    today = np.datetime64(as_of, "D")
    raised = frame["raised_on"].to_numpy(dtype="datetime64[D]")
    deadline = frame["deadline"].to_numpy(dtype="datetime64[D]")
    closed_on = frame["closed_on"].to_numpy(dtype="datetime64[D]")
    closed = ~np.isnat(closed_on)
    age = calendar.count(raised, np.full(n, today))
    taken: set[int] = set()

    def pick(mask: np.ndarray, k: int) -> np.ndarray:
        """k rows of ``mask`` not picked before (fewer if there are not enough)."""
        pool = [i for i in np.flatnonzero(mask).tolist() if i not in taken]
        chosen = rng.choice(pool, size=min(k, len(pool)), replace=False) if pool else []
        taken.update(int(i) for i in chosen)
        return np.asarray(chosen, dtype=np.int64)

    # 受理: same day, next working day, now and then 2-3 days late; two open ones not yet.
    lag = rng.choice([0, 1, 2, 3], size=n, p=[0.70, 0.25, 0.03, 0.02])
    accepted = _add(calendar, raised, lag)
    accepted[accepted > today] = nat
    accepted[pick(~closed & (age >= 3), 2)] = nat
    monday = today - np.timedelta64(dt.date.fromisoformat(str(today)).weekday() + 7, "D")
    in_week = (raised >= monday) & (raised < monday + np.timedelta64(7, "D"))
    late_one = pick(in_week, 1)  # the report's week has a late acceptance too
    accepted[late_one] = _add(calendar, raised[late_one], 3)
    # 暂停: finished pauses on open and closed rows, one open pause, one beyond 最长暂停.
    paused_from = np.full(n, nat)
    paused_to = np.full(n, nat)
    for rows, start, length in ((pick(~closed & (age >= 12), 4), 2, rng.integers(2, 6, 4)),
                                (pick(closed & (calendar.count(raised, closed_on) >= 6), 2), 1,
                                 np.array([3, 3]))):
        paused_from[rows] = _add(calendar, raised[rows], start)
        paused_to[rows] = _add(calendar, paused_from[rows], length[:len(rows)])
    for k in (4, 13):  # open since k working days: within 最长暂停, and beyond it
        since = _back(calendar, today, k)
        paused_from[pick(~closed & (raised < since) & (deadline >= since), 1)] = since
    # 延期至 (with 已告知客户): agreed extensions; one not told, one past 最长延期 (15).
    extended_to = np.full(n, nat)
    informed = np.full(n, None, dtype=object)
    late = closed & (closed_on > deadline) & (closed_on <= _add(calendar, deadline, 10))
    week_closed = closed & (closed_on >= monday) & (closed_on <= _add(calendar, deadline, 12))
    for rows, days, told in ((pick(~closed & (age >= 5), 3), 8, "是"),
                             (pick(~closed & (age >= 5), 1), 6, None),
                             (pick(~closed & (age >= 5), 1), 22, "是"),
                             (pick(week_closed, 1), 0, "已告知"),
                             (pick(late, 2), 0, "是")):
        extended_to[rows] = (_add(calendar, deadline[rows], days) if days
                             else np.maximum(closed_on[rows], _add(calendar, deadline[rows], 3)))
        informed[rows] = told
    # 结案方式: 正常, and two abnormal closures of the last two weeks (one without approver).
    kind = np.where(closed, "正常", None).astype(object)
    reason = np.full(n, None, dtype=object)
    approver = np.full(n, None, dtype=object)
    recent = closed & (calendar.count(closed_on, np.full(n, today)) <= 10)
    for i, who in zip(pick(recent, 2).tolist(), ("孙建国", None), strict=False):
        kind[i], reason[i], approver[i] = "非正常", _ABNORMAL_REASON, who
    # 回访 and 满意度: most closures called back within a few days; a few calls overdue.
    since = calendar.count(closed_on, np.full(n, today))
    call = _add(calendar, closed_on, rng.integers(1, 5, n))
    called = closed & (rng.random(n) < 0.93) & (call <= today)
    followup = np.where(called, call, nat)
    satisfaction = np.where(called, rng.choice(["满意", "基本满意", "不满意", "非常满意"], size=n,
                                               p=[0.68, 0.2, 0.04, 0.08]), None).astype(object)
    last_week = called & (followup >= monday) & (followup < monday + np.timedelta64(7, "D"))
    satisfaction[pick(last_week, 1)] = "不满意"
    # 新措施: after an ineffective corrective action, written for about half of them.
    ineffective = np.flatnonzero(closed & frame["effect"].eq("无效").to_numpy())
    new_action = np.full(n, None, dtype=object)
    new_action[ineffective[::2]] = _NEW_ACTION
    for name, values in (("accepted_on", accepted), ("paused_from", paused_from),
                         ("paused_to", paused_to), ("extended_to", extended_to)):
        frame[name] = pd.to_datetime(values)
    frame["customer_informed"] = informed
    frame["closure_kind"] = kind
    frame["abnormal_reason"] = reason
    frame["approved_by"] = approver
    frame["followup_on"] = pd.to_datetime(followup)
    frame["satisfaction"] = satisfaction
    frame["new_action"] = new_action
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

    labels = {f.name: f.header(lang) for f in ALL_FIELDS}
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
