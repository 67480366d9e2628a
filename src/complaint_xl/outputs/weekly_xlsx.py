"""The weekly report workbook (weekly-YYYY-Www.xlsx) for the sales meeting.

Sheets: the live KPIs first (headline figures as formulas that follow the detail
table's filter); a summary laid out to be read on a projector (headline figures, the
hard points, aging, effect, the most overdue items, native charts); one breakdown sheet
per dimension and the trend, as Excel tables with filters; the cross analysis (region ×
category); the repeats; a detail sheet with the period's complaints and their computed
fields, so a manager can filter or pivot and check any figure; and the notes, what
every figure means.

This module writes the workbook and its table sheets; the live sheet is
:mod:`~complaint_xl.outputs.weekly_xlsx_live`, the summary
:mod:`~complaint_xl.outputs.weekly_xlsx_summary`, the detail
:mod:`~complaint_xl.outputs.weekly_xlsx_detail`, the cross and notes sheets
:mod:`~complaint_xl.outputs.weekly_xlsx_notes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.labels import FIGURES, column
from complaint_xl.kpi.rates import on_time_rate
from complaint_xl.outputs.weekly_xlsx_detail import detail_frame, write_detail
from complaint_xl.outputs.weekly_xlsx_formats import Formats
from complaint_xl.outputs.weekly_xlsx_live import write_live
from complaint_xl.outputs.weekly_xlsx_notes import write_cross, write_notes
from complaint_xl.outputs.weekly_xlsx_summary import write_summary
from complaint_xl.outputs.xlsx import open_workbook, write_table
from complaint_xl.outputs.xlsx_rows import fill_rows
from complaint_xl.words import phrase, say

__all__ = ["sheet_names", "write_weekly_xlsx"]


def sheet_names(kpis: WeeklyKpis, lang: str) -> dict[str, str]:
    """Sheet key -> sheet name, in the workbook's order: live, summary, trend,
    by_<dimension>, cross, repeats, detail, notes (``weekly.sheet.<key>``)."""
    names = {k: say(f"weekly.sheet.{k}", lang) for k in ("live", "summary", "trend")}
    for dim in kpis.by:
        names[f"by_{dim}"] = say("weekly.sheet.by", lang, label=phrase(f"field-word.{dim}"))
    return names | {k: say(f"weekly.sheet.{k}", lang)
                    for k in ("cross", "repeats", "detail", "notes")}


# -- tables ----------------------------------------------------------------------------

def _sheet_head(ws: Worksheet, kpis: WeeklyKpis, lang: str, title: str, f: Formats,
                note: str = "") -> None:
    ws.set_row(0, 26)  # the 16-pt title fits (the default 15-pt row clips it)
    ws.write_string(0, 0, f"{title} — {kpis.title(lang)}", f.title)
    if note:
        ws.write_string(1, 0, note, f.note)


def _figure_columns(lang: str) -> dict[str, str]:
    return {k: say(f"figure.{k}", lang) for k in FIGURES}


def _by_frame(kpis: WeeklyKpis, dim: str, lang: str) -> pd.DataFrame:
    rows = dict(kpis.by[dim])
    if dim in kpis.by_blank:
        rows[say("weekly.blank", lang)] = kpis.by_blank[dim]
    # The rate exact from its counts, as the live sheet's formula computes it (kpi.rates).
    rows = {k: {**v, "on_time_rate": on_time_rate(v)} for k, v in rows.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(FIGURES))
    frame = frame.astype(float)  # None -> NaN, written as an empty cell
    frame.insert(0, column(dim, lang), [str(k) for k in rows])
    return frame.rename(columns=_figure_columns(lang)).reset_index(drop=True)


def _number_formats(lang: str, f: Formats) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in FIGURES:
        out[say(f"figure.{k}", lang)] = (f.rate if k == "on_time_rate" else
                                       f.days if k.endswith("_workdays") else f.int)
    return out


def _unavailable_note(kpis: WeeklyKpis, lang: str) -> str:
    return "  ".join(kpis.reason_lines(lang))


def _write_by(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, dim: str, lang: str,
              f: Formats) -> None:
    note = _unavailable_note(kpis, lang)
    _sheet_head(ws, kpis, lang, column(dim, lang), f, note or say("weekly.rate-note", lang))
    frame = _by_frame(kpis, dim, lang)
    write_table(wb, ws, frame, first_row=3, name=f"T_by_{dim}",
                formats=_number_formats(lang, f),
                widths={c: 12 for c in frame.columns[1:]})
    ws.freeze_panes(4, 1)


def _write_trend(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats) -> None:
    _sheet_head(ws, kpis, lang, say("weekly.trend", lang), f, _unavailable_note(kpis, lang))
    frame = pd.DataFrame(kpis.trend).astype({"new": float, "closed": float, "on_time_rate": float})
    frame["start"] = [pd.Timestamp.fromisocalendar(*map(int, t["week"].split("-W")), 1)
                      for t in kpis.trend]
    heads = {"week": say("weekly.week", lang), "new": say("figure.new", lang),
             "closed": say("figure.closed", lang),
             "on_time_rate": say("figure.on_time_rate", lang),
             "start": say("weekly.monday", lang)}
    frame = frame[list(heads)].rename(columns=heads)
    write_table(wb, ws, frame, first_row=2, name="T_trend",
                formats={heads["on_time_rate"]: f.rate, heads["new"]: f.int, heads["closed"]: f.int},
                widths={h: 14 for h in heads.values()})


def _list_frame(items: Sequence[dict[str, Any]], cols: Sequence[str], lang: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(items), columns=list(cols))
    for c in cols:
        if c in ("deadline", "raised_on", "previous_raised_on"):
            frame[c] = pd.to_datetime(frame[c])
    return frame.rename(columns={c: column(c, lang) for c in cols})


def _write_repeats(wb: Workbook, ws: Worksheet, kpis: WeeklyKpis, lang: str, f: Formats) -> None:
    _sheet_head(ws, kpis, lang, say("weekly.sheet.repeats", lang), f,
                say("weekly.repeats-note", lang))
    cols = ["row", "seq", "customer", "type", "owner", "raised_on", "previous_row",
            "previous_raised_on", "days"]
    if kpis.multi_sheet:
        cols.insert(0, "sheet")
    write_table(wb, ws, _list_frame(kpis.repeats, cols, lang), first_row=3, name="T_repeats")


# -- the workbook ----------------------------------------------------------------------

def write_weekly_xlsx(kpis: WeeklyKpis, path: str | Path, lang: str | None = None,
                      due_soon_days: int | None = None) -> Path:
    """Write the weekly workbook to ``path`` and return it.

    Call it with a temporary path that is then renamed, as ``write_weekly`` does
    through its output folder. ``due_soon_days`` (the settings' 到期提醒) goes into the
    definition of due soon.
    """
    lang = lang or kpis.lang
    names = sheet_names(kpis, lang)
    wb = open_workbook(path)
    f = Formats(wb)
    sheets = {key: wb.add_worksheet(name) for key, name in names.items()}
    detail = detail_frame(kpis, lang)
    write_live(wb, sheets["live"], kpis, lang, f, names["detail"], len(detail), due_soon_days)
    write_summary(wb, sheets["summary"], kpis, lang, f, names)
    _write_trend(wb, sheets["trend"], kpis, lang, f)
    for dim in kpis.by:
        _write_by(wb, sheets[f"by_{dim}"], kpis, dim, lang, f)
    write_cross(sheets["cross"], kpis, lang, f)
    _write_repeats(wb, sheets["repeats"], kpis, lang, f)
    pending = write_detail(wb, sheets["detail"], detail, lang, f)
    write_notes(sheets["notes"], kpis, lang, f, due_soon_days)
    sheets["summary"].activate()
    wb.close()
    return fill_rows(path, [pending])
