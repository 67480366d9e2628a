"""The weekly report workbook (weekly-YYYY-Www.xlsx) for the sales meeting.

Sheets: a summary laid out to be read on a projector (headline figures, the hard
points, aging, effect, the most overdue items, native charts); one breakdown sheet
per dimension and the trend, as Excel tables with filters; the repeats; and a
detail sheet with every complaint and its computed fields, so a manager can filter
or pivot and check any figure. (Excel tables need XlsxWriter's normal mode: its
constant-memory mode refuses add_table. A detail sheet above
:data:`DETAIL_STREAM_ROWS` rows is written in constant-memory mode instead, with an
autofilter, so a million-row register does not hold every cell in memory.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.deadlines import passed_text
from complaint_xl.kpi import WeeklyReport
from complaint_xl.kpi.labels import AGING_BUCKETS, COLUMNS, DIMENSIONS, FIGURES, text
from complaint_xl.outputs.xlsx import open_workbook, write_cell, write_table, write_text
from complaint_xl.register.schema import FIELDS

__all__ = ["DETAIL_STREAM_ROWS", "HEADLINE", "detail_frame", "sheet_names", "write_weekly_xlsx"]

HEADLINE: Final[tuple[str, ...]] = (
    "new", "closed", "closed_on_time", "on_time_rate", "median_resolution_workdays",
    "mean_resolution_workdays", "open", "overdue", "due_soon",
)
"""The headline figures in the order a meeting reads them: the week, then as of today."""
WEEK_FIGURES: Final[int] = 6
"""The first six headline figures are about the report week, the rest as of today."""
DETAIL_STREAM_ROWS: Final[int] = 20_000
"""Above this many complaints the detail sheet is written in constant-memory mode.

XlsxWriter keeps every cell of a normal sheet until it closes the workbook (~5 KB a
detail row: 8.5 GB at a million rows); in constant-memory mode each finished row goes
to a temporary file. That mode cannot make an Excel table, so only the detail sheet
switches, and only where memory matters: below this the detail sheet stays a table like
the other sheets (banding, a pivot that grows with it) at a cost of ~100 MB at most,
and every other sheet, a few hundred rows at most, stays a table at any size.
"""

_SHEETS: Final[dict[str, tuple[str, str]]] = {
    "summary": ("摘要", "Summary"),
    "trend": ("趋势", "Trend"),
    "repeats": ("重复投诉", "Repeats"),
    "detail": ("明细", "Detail"),
}
_YES_NO: Final[dict[str, tuple[str, str]]] = {"zh": ("是", "否"), "en": ("yes", "no")}
_DETAIL: Final[dict[str, tuple[str, str]]] = {
    "_sheet": COLUMNS["sheet"], "_row": COLUMNS["row"], "customer": COLUMNS["customer"],
    "deadline_derived": ("期限为推算", "Deadline derived"), "is_closed": ("已结案", "Closed"),
    "week_raised": ("提出周", "Week raised"), "week_closed": ("结案周", "Week closed"),
    "resolution_workdays": ("处理工作日", "Working days to close"),
    "on_time": ("按期结案", "Closed on time"), "overdue": COLUMNS["overdue"],
    "workdays_overdue": COLUMNS["workdays_overdue"], "due_soon": COLUMNS["due_soon"],
    "workdays_to_deadline": ("距期限工作日", "Working days to deadline"),
    "age_workdays": ("账龄(工作日)", "Age (working days)"),
    "aging_bucket": ("账龄分段", "Aging bucket"), "repeat": ("重复投诉", "Repeat"),
}
"""Headers of the detail sheet that are not register fields (or are shown differently)."""
_FIELD_LABELS: Final[dict[str, tuple[str, str]]] = {f.name: (f.zh, f.en) for f in FIELDS}
_LIST_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    **COLUMNS, "previous_row": ("上次投诉行号", "Previous row"),
    "previous_raised_on": ("上次提出日期", "Previous raised on"), "days": ("间隔天数", "Days apart"),
}


def sheet_names(report: WeeklyReport, lang: str) -> dict[str, str]:
    """Sheet key -> sheet name: summary, trend, by_<dimension>, repeats, detail."""
    i = 0 if lang == "zh" else 1
    names = {"summary": _SHEETS["summary"][i], "trend": _SHEETS["trend"][i]}
    for dim in report.by:
        label = DIMENSIONS[dim][i]
        names[f"by_{dim}"] = f"按{label}" if lang == "zh" else f"By {label.lower()}"
    names |= {"repeats": _SHEETS["repeats"][i], "detail": _SHEETS["detail"][i]}
    return names


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: Workbook) -> None:
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.subtitle = add({"font_color": "#595959"})
        self.section = add({"bold": True, "font_size": 12, "font_color": "#1F3864", "bottom": 2,
                            "bottom_color": "#1F3864"})
        self.group = add({"bold": True, "align": "center", "bg_color": "#D9E1F2", "border": 1})
        self.group_now = add({"bold": True, "align": "center", "bg_color": "#FCE4D6", "border": 1})
        self.label = add({"align": "center", "valign": "vcenter", "text_wrap": True,
                          "bg_color": "#F2F2F2", "border": 1, "font_size": 10})
        big = {"bold": True, "font_size": 20, "align": "center", "valign": "vcenter", "border": 1}
        self.big = add({**big, "num_format": "0"})
        self.big_days = add({**big, "num_format": "0.0"})
        self.big_rate = add({**big, "num_format": "0.0%"})
        self.big_bad = add({**big, "num_format": "0", "font_color": "#C00000"})
        self.big_null = add({**big, "font_color": "#808080"})
        self.small = add({"align": "center", "font_size": 9, "font_color": "#595959",
                          "text_wrap": True, "valign": "top"})
        self.point = add({"text_wrap": True, "valign": "top"})
        self.num = add({"num_format": "0", "align": "center", "border": 1})
        self.head = add({"bold": True, "bg_color": "#F2F2F2", "border": 1, "align": "center",
                         "text_wrap": True})
        self.cell = add({"border": 1})
        self.date = add({"num_format": "yyyy-mm-dd", "border": 1})
        self.note = add({"font_color": "#7F6000", "text_wrap": True, "valign": "top"})
        self.rate = add({"num_format": "0.0%"})
        self.days = add({"num_format": "0.0"})
        self.int = add({"num_format": "0"})


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _merged(ws: Worksheet, row: int, first: int, last: int, value: str, fmt: Any,
            col_width: float, min_height: float = 15.0) -> None:
    """A wrapped text across merged columns, with a row height that shows all of it."""
    lines = max(1, math.ceil(_width(value) / (col_width * (last - first + 1))))
    ws.set_row(row, max(min_height, 15.5 * lines + 2))
    if last > first:
        ws.merge_range(row, first, row, last, "", fmt)
    write_text(ws, row, first, value, fmt)


def _subtitle(report: WeeklyReport, lang: str) -> str:
    name = Path(report.register).name
    if lang == "zh":
        return f"截至 {report.as_of:%Y-%m-%d} · 登记表：{name} · 共 {report.rows} 条投诉"
    return f"As of {report.as_of:%Y-%m-%d} · register: {name} · {report.rows} complaints"


# -- summary ---------------------------------------------------------------------------

_SUMMARY_COLS = len(HEADLINE)
_COL_WIDTH = 14.0


def _headline_value(ws: Worksheet, row: int, col: int, report: WeeklyReport, figure: str,
                    f: _Formats) -> None:
    value = report.totals[figure]
    if value is None:
        ws.write_string(row, col, "—", f.big_null)
    elif figure == "on_time_rate":
        ws.write_number(row, col, value, f.big_rate)
    elif figure.endswith("_workdays"):
        ws.write_number(row, col, value, f.big_days)
    elif figure == "overdue" and value > 0:
        ws.write_number(row, col, value, f.big_bad)
    else:
        ws.write_number(row, col, value, f.big)


def _headline_hint(report: WeeklyReport, figure: str, lang: str) -> str:
    """The small line under a figure: last week's value, or why it is missing."""
    if figure in report.unavailable:
        return "不可用，见说明" if lang == "zh" else "unavailable, see notes"
    if figure == "on_time_rate" and report.totals["closed"] == 0:
        return "本周无结案" if lang == "zh" else "no closures"
    prev = report.trend[-2] if len(report.trend) > 1 else None
    if prev and figure in ("new", "closed", "on_time_rate") and prev[figure] is not None:
        v = prev[figure]
        shown = f"{v:.1%}" if figure == "on_time_rate" else str(v)
        return f"上周 {shown}" if lang == "zh" else f"last week {shown}"
    return ""


def _write_summary(wb: Workbook, ws: Worksheet, report: WeeklyReport, lang: str, f: _Formats,
                   names: dict[str, str]) -> None:
    last = _SUMMARY_COLS - 1
    ws.set_column(0, last, _COL_WIDTH)
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    zh = lang == "zh"
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, last, report.title(lang), f.title)
    ws.merge_range(1, 0, 1, last, _subtitle(report, lang), f.subtitle)
    r = 3
    week_head = (f"本周 {report.week_label}" if zh else f"Week {report.week_label}")
    now_head = (f"截至 {report.as_of:%m-%d}" if zh else f"As of {report.as_of:%d %b}")
    ws.merge_range(r, 0, r, WEEK_FIGURES - 1, week_head, f.group)
    ws.merge_range(r, WEEK_FIGURES, r, last, now_head, f.group_now)
    ws.set_row(r + 1, 30)
    for c, figure in enumerate(HEADLINE):
        ws.write_string(r + 1, c, text(FIGURES, figure, lang), f.label)
    ws.set_row(r + 2, 36)
    for c, figure in enumerate(HEADLINE):
        _headline_value(ws, r + 2, c, report, figure, f)
    for c, figure in enumerate(HEADLINE):
        ws.write_string(r + 3, c, _headline_hint(report, figure, lang), f.small)
    r += 5
    ws.merge_range(r, 0, r, last, "会议要点" if zh else "Points for the meeting", f.section)
    r += 1
    for i, point in enumerate(report.hard_points, 1):
        _merged(ws, r, 0, last, f"{i}. {point.text(lang)}", f.point, _COL_WIDTH)
        r += 1
    r += 1
    r = _write_aging_effect(ws, r, report, lang, f)
    r += 1
    r = _write_most_overdue(ws, r, report, lang, f)
    r += 1
    notes = report.reason_lines(lang) + report.note_texts(lang)
    if notes:
        ws.merge_range(r, 0, r, last, "说明" if zh else "Notes", f.section)
        r += 1
        for line in notes:
            _merged(ws, r, 0, last, line, f.note, _COL_WIDTH)
            r += 1
    _insert_charts(wb, ws, report, lang, names)


def _write_aging_effect(ws: Worksheet, r: int, report: WeeklyReport, lang: str, f: _Formats) -> int:
    zh = lang == "zh"
    ws.merge_range(r, 0, r, 3, "未结案账龄（工作日）" if zh else "Open by age (working days)", f.section)
    ws.merge_range(r, 5, r, 8, "本周结案效果评估" if zh else "Effect of this week's closures",
                   f.section)
    effect = report.effect
    heads: list[str] = []
    values: list[int | None] = []
    if effect is not None:
        heads = [*effect["counts"], "未填" if zh else "blank"]
        values = [*effect["counts"].values(), effect["blank"]]
    for c, b in enumerate(AGING_BUCKETS):
        ws.write_string(r + 1, c, b, f.head)
    if effect is None:
        ws.merge_range(r + 1, 5, r + 1, 8, report.reason("effect", lang) or "", f.note)
    for c, h in enumerate(heads[:4]):
        ws.write_string(r + 1, 5 + c, h, f.head)
    for c, b in enumerate(AGING_BUCKETS):
        v = report.aging[b]
        write_cell(ws, r + 2, c, "—" if v is None else v, f.num)
    for c, v in enumerate(values[:4]):
        write_cell(ws, r + 2, 5 + c, v, f.num)
    return r + 3


def _write_most_overdue(ws: Worksheet, r: int, report: WeeklyReport, lang: str, f: _Formats) -> int:
    zh = lang == "zh"
    items = report.most_overdue
    title = "逾期最久" if zh else "Most overdue"
    ws.merge_range(r, 0, r, _SUMMARY_COLS - 1, title, f.section)
    r += 1
    if not items:
        reason = report.reason("overdue", lang)
        ws.write_string(r, 0, reason or ("没有逾期的投诉" if zh else "nothing is overdue"), f.note)
        return r + 1
    # The customer goes last, across the remaining columns: names are the longest text.
    cols = ["row", "seq", "type", "owner", "support_unit", "deadline", "workdays_overdue"]
    if report.multi_sheet:
        cols.insert(0, "sheet")
    last = _SUMMARY_COLS - 1
    for c, key in enumerate(cols):
        ws.write_string(r, c, text(_LIST_COLUMNS, key, lang), f.head)
    ws.merge_range(r, len(cols), r, last, text(_LIST_COLUMNS, "customer", lang), f.head)
    for item in items:
        r += 1
        for c, key in enumerate(cols):
            v = item[key]
            if key == "deadline" and v:
                ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), f.date)
            elif key == "workdays_overdue" and v == 0:  # a day off right after the deadline
                write_cell(ws, r, c, passed_text(item["deadline"], lang), f.cell)
            else:
                write_cell(ws, r, c, v, f.num if key in ("row", "seq", "workdays_overdue") else f.cell)
        ws.merge_range(r, len(cols), r, last, "", f.cell)
        write_text(ws, r, len(cols), item["customer"] or "", f.cell)
    return r + 1


def _insert_charts(wb: Workbook, ws: Worksheet, report: WeeklyReport, lang: str,
                   names: dict[str, str]) -> None:
    """Native charts beside the summary, reading the trend and breakdown tables."""
    zh = lang == "zh"
    n = len(report.trend)
    trend = _quote(names["trend"])
    columns = wb.add_chart({"type": "column"})
    columns.add_series({"name": text(FIGURES, "new", lang), "categories": f"={trend}!$A$4:$A${3 + n}",
                        "values": f"={trend}!$B$4:$B${3 + n}", "fill": {"color": "#4472C4"}})
    if "closed" not in report.unavailable:
        columns.add_series({"name": text(FIGURES, "closed", lang),
                            "categories": f"={trend}!$A$4:$A${3 + n}",
                            "values": f"={trend}!$C$4:$C${3 + n}", "fill": {"color": "#70AD47"}})
        line = wb.add_chart({"type": "line"})
        line.add_series({"name": text(FIGURES, "on_time_rate", lang),
                         "categories": f"={trend}!$A$4:$A${3 + n}",
                         "values": f"={trend}!$D$4:$D${3 + n}", "y2_axis": True,
                         "line": {"color": "#C00000", "width": 2.25},
                         "marker": {"type": "circle", "size": 6,
                                    "fill": {"color": "#C00000"}, "border": {"color": "#C00000"}}})
        line.set_y2_axis({"num_format": "0%", "min": 0, "max": 1})
        columns.combine(line)
    columns.set_title({"name": "近 8 周趋势" if zh else "Last 8 weeks"})
    columns.set_legend({"position": "bottom"})
    columns.set_y_axis({"major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    columns.set_size({"width": 620, "height": 300})
    ws.insert_chart(2, _SUMMARY_COLS + 1, columns)
    row = 18
    for dim in ("type", "support_unit"):
        values = report.by.get(dim, {})
        count = len(values) + (1 if dim in report.by_blank else 0)
        sheet = _quote(names[f"by_{dim}"])
        bar = wb.add_chart({"type": "bar"})
        for col, figure, color in (("B", "new", "#4472C4"), ("F", "open", "#A5A5A5"),
                                   ("G", "overdue", "#ED7D31")):
            label = text(FIGURES, figure, lang)
            if figure == "new":
                label = ("本周" + label) if zh else (label + " this week")
            bar.add_series({"name": label, "categories": f"={sheet}!$A$5:$A${4 + max(count, 1)}",
                            "values": f"={sheet}!${col}$5:${col}${4 + max(count, 1)}",
                            "fill": {"color": color}})
        bar.set_title({"name": ("按" if zh else "By ") + text(DIMENSIONS, dim, lang)})
        bar.set_y_axis({"reverse": True})
        bar.set_legend({"position": "bottom"})
        height = max(300, 90 + 42 * count)
        bar.set_size({"width": 620, "height": height})
        ws.insert_chart(row, _SUMMARY_COLS + 1, bar)
        row += math.ceil(height / 20) + 1


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# -- tables ----------------------------------------------------------------------------

def _sheet_head(ws: Worksheet, report: WeeklyReport, lang: str, title: str, f: _Formats,
                note: str = "") -> None:
    ws.write_string(0, 0, f"{title} — {report.title(lang)}", f.title)
    if note:
        ws.write_string(1, 0, note, f.note)


def _figure_columns(lang: str) -> dict[str, str]:
    return {k: text(FIGURES, k, lang) for k in FIGURES}


def _by_frame(report: WeeklyReport, dim: str, lang: str) -> pd.DataFrame:
    rows = dict(report.by[dim])
    if dim in report.by_blank:
        rows["（空）" if lang == "zh" else "(blank)"] = report.by_blank[dim]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(FIGURES))
    frame = frame.astype(float)  # None -> NaN, written as an empty cell
    frame.insert(0, text(DIMENSIONS, dim, lang), [str(k) for k in rows])
    return frame.rename(columns=_figure_columns(lang)).reset_index(drop=True)


def _number_formats(lang: str, f: _Formats) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in FIGURES:
        out[text(FIGURES, k, lang)] = (f.rate if k == "on_time_rate" else
                                       f.days if k.endswith("_workdays") else f.int)
    return out


def _unavailable_note(report: WeeklyReport, lang: str) -> str:
    return "  ".join(report.reason_lines(lang))


def _write_by(wb: Workbook, ws: Worksheet, report: WeeklyReport, dim: str, lang: str,
              f: _Formats) -> None:
    note = _unavailable_note(report, lang)
    rate_note = ("按期结案率为空：该值本周无结案。" if lang == "zh"
                 else "An empty on-time rate means no closures this week.")
    _sheet_head(ws, report, lang, text(DIMENSIONS, dim, lang), f, note or rate_note)
    frame = _by_frame(report, dim, lang)
    write_table(wb, ws, frame, first_row=3, name=f"T_by_{dim}",
                formats=_number_formats(lang, f),
                widths={c: 12 for c in frame.columns[1:]})
    ws.freeze_panes(4, 1)


def _write_trend(wb: Workbook, ws: Worksheet, report: WeeklyReport, lang: str, f: _Formats) -> None:
    _sheet_head(ws, report, lang, "近 8 周趋势" if lang == "zh" else "Last 8 weeks", f,
                _unavailable_note(report, lang))
    frame = pd.DataFrame(report.trend).astype({"new": float, "closed": float, "on_time_rate": float})
    frame["start"] = [pd.Timestamp.fromisocalendar(*map(int, t["week"].split("-W")), 1)
                      for t in report.trend]
    heads = {"week": "周" if lang == "zh" else "Week", "new": text(FIGURES, "new", lang),
             "closed": text(FIGURES, "closed", lang),
             "on_time_rate": text(FIGURES, "on_time_rate", lang),
             "start": "周一" if lang == "zh" else "Monday"}
    frame = frame[list(heads)].rename(columns=heads)
    write_table(wb, ws, frame, first_row=2, name="T_trend",
                formats={heads["on_time_rate"]: f.rate, heads["new"]: f.int, heads["closed"]: f.int},
                widths={h: 14 for h in heads.values()})


def _list_frame(items: Sequence[dict[str, Any]], cols: Sequence[str], lang: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(items), columns=list(cols))
    for c in cols:
        if c in ("deadline", "raised_on", "previous_raised_on"):
            frame[c] = pd.to_datetime(frame[c])
    return frame.rename(columns={c: text(_LIST_COLUMNS, c, lang) for c in cols})


def _write_repeats(wb: Workbook, ws: Worksheet, report: WeeklyReport, lang: str, f: _Formats) -> None:
    note = ("本周提出、且同一客户同类问题 30 天内曾投诉过的投诉。" if lang == "zh" else
            "Complaints raised this week whose customer raised the same type within 30 days.")
    _sheet_head(ws, report, lang, text(_SHEETS, "repeats", lang), f, note)
    cols = ["row", "seq", "customer", "type", "owner", "raised_on", "previous_row",
            "previous_raised_on", "days"]
    if report.multi_sheet:
        cols.insert(0, "sheet")
    write_table(wb, ws, _list_frame(report.repeats, cols, lang), first_row=3, name="T_repeats")


# -- detail ----------------------------------------------------------------------------

def detail_frame(report: WeeklyReport, lang: str) -> pd.DataFrame:
    """Every complaint of the report with its computed fields, headers in ``lang``."""
    frame, facts = report.frame, report.facts
    yes, no = _YES_NO["zh" if lang == "zh" else "en"]
    present = set(frame.columns)

    def flag(values: pd.Series | np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        arr = np.where(np.asarray(values, dtype=bool), yes, no).astype(object)
        if where is not None:
            arr[~where] = None
        return arr

    closed = frame["is_closed"].to_numpy(dtype=bool)
    is_open = ~closed
    has_closed_on = "closed_on" not in report.unavailable
    cols: dict[str, Any] = {}
    if report.multi_sheet:
        cols["_sheet"] = frame["_sheet"]
    cols["_row"] = frame["_row"]
    for name in ("seq", "customer", "customer_attr", "owner", "type", "support_unit",
                 "responsible", "severity", "raised_on", "deadline"):
        if name in present:
            cols[name] = frame[name]
    cols["deadline_derived"] = flag(frame["deadline_derived"])
    cols["is_closed"] = flag(closed)
    if has_closed_on:
        cols["closed_on"] = frame["closed_on"]
    cols["effect"] = frame["effect"]
    cols["week_raised"] = facts["week_raised"]
    if has_closed_on:
        cols["week_closed"] = facts["week_closed"]
        cols["resolution_workdays"] = facts["resolution_workdays"]
        cols["on_time"] = flag(facts["on_time"], frame["closed_on"].notna().to_numpy())
    cols["overdue"] = flag(facts["overdue"], is_open)
    cols["workdays_overdue"] = facts["workdays_overdue"]
    cols["due_soon"] = flag(facts["due_soon"], is_open)
    cols["workdays_to_deadline"] = facts["workdays_to_deadline"]
    cols["age_workdays"] = facts["age_workdays"]
    cols["aging_bucket"] = facts["aging_bucket"]
    cols["repeat"] = flag(facts["repeat"])
    cols["problem"] = frame["problem"]
    out = pd.DataFrame({k: _plain(v) for k, v in cols.items()})
    i = 0 if lang == "zh" else 1
    heads = {k: (_DETAIL[k][i] if k in _DETAIL else _FIELD_LABELS[k][i]) for k in out.columns}
    return out.rename(columns=heads)


def _plain(values: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """A column without its index; text stays object dtype with None for empty.

    pandas 3 would infer its str dtype from an object array and turn None into NaN,
    and a column mixing str and NaN is written cell by cell, testing each value's type.
    """
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    return pd.Series(arr, dtype=object, copy=False) if arr.dtype == object else arr


def _add_detail_sheet(wb: Workbook, name: str, rows: int) -> Worksheet:
    """The detail sheet, in constant-memory mode above DETAIL_STREAM_ROWS rows.

    XlsxWriter takes the mode per sheet from the workbook's flag when the sheet is
    added (``Worksheet.constant_memory``), so raising the flag for this one sheet
    leaves the others able to hold tables; :func:`write_table` then writes rows in
    order and an autofilter instead of a table. (That flag is XlsxWriter's internals:
    tests/test_report_big.py fails if a release stops honouring it.)
    """
    if rows <= DETAIL_STREAM_ROWS:
        return wb.add_worksheet(name)
    wb.constant_memory = True
    try:
        return wb.add_worksheet(name)
    finally:
        wb.constant_memory = False


def _write_detail(wb: Workbook, ws: Worksheet, report: WeeklyReport, lang: str, f: _Formats) -> None:
    frame = detail_frame(report, lang)
    ints = [text(_DETAIL, k, lang) for k in ("resolution_workdays", "workdays_overdue",
                                            "workdays_to_deadline", "age_workdays", "_row")]
    widths = {c: 11.0 for c in frame.columns}
    widths |= {text(_DETAIL, "customer", lang): 26.0, _FIELD_LABELS["problem"][0 if lang == "zh" else 1]:
               60.0}
    write_table(wb, ws, frame, first_row=0, name="T_detail",
                formats={c: f.int for c in ints if c in frame.columns}, widths=widths)
    ws.freeze_panes(1, 0)


# -- the workbook ----------------------------------------------------------------------

def write_weekly_xlsx(report: WeeklyReport, path: str | Path, lang: str | None = None) -> Path:
    """Write the weekly workbook to ``path`` and return it.

    Call it with a temporary path that is then renamed, as ``write_weekly`` does
    through its output folder.
    """
    lang = lang or report.lang
    names = sheet_names(report, lang)
    wb = open_workbook(path)
    f = _Formats(wb)
    sheets = {key: (_add_detail_sheet(wb, name, len(report.frame)) if key == "detail" else
                    wb.add_worksheet(name)) for key, name in names.items()}
    _write_summary(wb, sheets["summary"], report, lang, f, names)
    _write_trend(wb, sheets["trend"], report, lang, f)
    for dim in report.by:
        _write_by(wb, sheets[f"by_{dim}"], report, dim, lang, f)
    _write_repeats(wb, sheets["repeats"], report, lang, f)
    _write_detail(wb, sheets["detail"], report, lang, f)
    sheets["summary"].activate()
    wb.close()
    return Path(path)
