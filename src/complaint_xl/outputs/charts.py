"""The weekly report's charts as PNG images (matplotlib, Agg), with Chinese that renders.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: labels would come out
as boxes. :func:`cjk_font` finds an installed font that has them (Noto Sans CJK from
Debian's fonts-noto-cjk, Microsoft YaHei or SimHei on Windows, PingFang on macOS)
and checks its character map; without one, the charts are still drawn and a warning
says what to install. Figures are built without pyplot, so no global state or GUI
backend is touched.
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import PercentFormatter

from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.labels import AGING_BUCKETS
from complaint_xl.words import phrase, say

__all__ = ["CHART_NAMES", "ChartFontWarning", "cjk_font", "covers", "report_charts"]

CJK_FAMILIES: Final[tuple[str, ...]] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
    "Noto Serif CJK SC", "AR PL UMing CN", "Droid Sans Fallback",
)
"""Fonts with Chinese glyphs, preferred first (sans-serif reads best on a chart)."""

PROBE: Final[str] = "客户投诉周报新增结案按期逾期跟进人员支援单位品质售后"
"""Characters a chart font must have."""

CHART_NAMES: Final[tuple[str, ...]] = ("trend", "by_type", "by_support_unit", "aging")

_COLORS: Final[dict[str, str]] = {
    "new": "#4472C4", "closed": "#70AD47", "rate": "#C00000", "open": "#A5A5A5",
    "overdue": "#ED7D31", "aging": "#5B9BD5",
}


class ChartFontWarning(UserWarning):
    """No installed font has Chinese glyphs; chart labels in Chinese show as boxes."""


def covers(path: str | Path, chars: str = PROBE) -> bool:
    """Whether the font file maps every given character to a glyph."""
    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in chars if not ch.isspace())


def _candidates() -> list[str]:
    known = {f.name for f in font_manager.fontManager.ttflist}
    names = [n for n in CJK_FAMILIES if n in known]
    # Any other installed family that says it is CJK, after the preferred ones.
    names += sorted(n for n in known if n not in names and any(
        k in n for k in ("CJK", "Hei", "YaHei", "Song", "Ming", "Han Sans", "WenQuanYi")))
    return names


@functools.cache
def cjk_font() -> str | None:
    """The family of an installed font with Chinese glyphs, or None."""
    for attempt in range(2):
        for name in _candidates():
            path = font_manager.findfont(font_manager.FontProperties(family=name),
                                         fallback_to_default=False)
            if covers(path):
                return name
        if attempt == 0:
            # matplotlib caches its font list; a font installed since is not in it yet.
            for path in font_manager.findSystemFonts():
                if any(k in Path(path).name.lower() for k in ("cjk", "yahei", "simhei", "wqy",
                                                               "pingfang", "sourcehan", "msyh")):
                    font_manager.fontManager.addfont(path)
    return None


def _warn_no_font(lang: str) -> None:
    warnings.warn(say("chart.no-font", lang), ChartFontWarning, stacklevel=3)


def _rc() -> dict[str, object]:
    family = cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*([family] if family else []), "DejaVu Sans"],
        "axes.unicode_minus": False,  # the minus sign is not in every CJK font
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    }


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def _note(ax: matplotlib.axes.Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="#666666",
            wrap=True)


def trend_chart(kpis: WeeklyKpis, lang: str) -> bytes:
    """New and closed per week as bars, the on-time rate as a line (right axis)."""
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7.6, 3.4), dpi=110, layout="constrained")
        ax = fig.add_subplot()
        weeks = [t["week"].split("-")[1] for t in kpis.trend]
        x = range(len(weeks))
        new = [t["new"] or 0 for t in kpis.trend]
        closed = [t["closed"] for t in kpis.trend]
        w = 0.38
        ax.bar([i - w / 2 for i in x], new, w, label=say("figure.new", lang),
               color=_COLORS["new"])
        axes = [ax]
        if all(c is not None for c in closed):
            ax.bar([i + w / 2 for i in x], closed, w, label=say("figure.closed", lang),
                   color=_COLORS["closed"])
            rate_ax = ax.twinx()
            rates = [t["on_time_rate"] for t in kpis.trend]
            rate_ax.plot([i for i, r in zip(x, rates, strict=True) if r is not None],
                         [r for r in rates if r is not None], marker="o", color=_COLORS["rate"],
                         label=say("figure.on_time_rate", lang))
            rate_ax.set_ylim(0, 1.05)
            rate_ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            rate_ax.spines["right"].set_visible(True)
            axes.append(rate_ax)
        else:
            ax.text(0.99, 0.97, kpis.reason("closed", lang) or "", transform=ax.transAxes,
                    ha="right", va="top", fontsize=8, color="#666666")
        pairs = [a.get_legend_handles_labels() for a in axes]
        handles = [h for hs, _ in pairs for h in hs]
        labels = [lb for _, ls in pairs for lb in ls]
        ax.set_xticks(list(x), weeks)
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, fontsize=9)
        # headroom for the note when closures cannot be shown
        ax.set_ylim(0, max([*new, *[c or 0 for c in closed], 1]) * (1.1 if len(axes) > 1 else 1.25))
        ax.set_title(say("weekly.trend", lang), loc="left", fontweight="bold")
        return _png(fig)


def breakdown_chart(kpis: WeeklyKpis, dim: str, lang: str, limit: int = 15) -> bytes:
    """Horizontal bars per value: new this week, open and overdue as of today."""
    values = dict(kpis.by.get(dim, {}))
    if dim in kpis.by_blank:
        values[say("weekly.blank", lang)] = kpis.by_blank[dim]
    names = list(values)[:limit]
    series = [("new", _COLORS["new"]), ("open", _COLORS["open"]), ("overdue", _COLORS["overdue"])]
    with matplotlib.rc_context(_rc()):
        height = 1.2 + 0.32 * max(len(names), 3)
        fig = Figure(figsize=(5.6, height), dpi=110, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(say("weekly.sheet.by", lang, label=phrase(f"field-word.{dim}")),
                     loc="left", fontweight="bold")
        if not names:
            _note(ax, say("chart.no-data", lang))
            ax.set_axis_off()
            return _png(fig)
        y = list(range(len(names)))
        h = 0.26
        for k, (figure, color) in enumerate(series):
            counts = [values[n][figure] or 0 for n in names]
            label = say(f"figure.{figure}", lang)
            if figure == "new":
                label = say("weekly.this-week", lang, figure=label)
            bars = ax.barh([i + (k - 1) * h for i in y], counts, h, label=label, color=color)
            ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=8, padding=2)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)
        return _png(fig)


def aging_chart(kpis: WeeklyKpis, lang: str) -> bytes:
    """Open complaints by working days since raised."""
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(4.2, 2.4), dpi=110, layout="constrained")
        ax = fig.add_subplot()
        ax.set_xlabel(say("chart.working-days", lang), fontsize=9)
        counts: Sequence[int | None] = [kpis.aging[b] for b in AGING_BUCKETS]
        if any(c is None for c in counts):
            _note(ax, kpis.reason("aging", lang) or "")
            ax.set_axis_off()
            return _png(fig)
        colors = ["#A9D18E", "#FFD966", "#F4B183", "#C00000"]
        bars = ax.bar(list(AGING_BUCKETS), [c or 0 for c in counts], color=colors)
        ax.bar_label(bars, fontsize=9, padding=2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(0, max([c or 0 for c in counts] + [1]) * 1.2)
        return _png(fig)


def report_charts(kpis: WeeklyKpis, lang: str | None = None) -> dict[str, bytes]:
    """Every chart of the weekly report as PNG bytes, by name (see CHART_NAMES)."""
    lang = lang or kpis.lang
    with warnings.catch_warnings():
        if cjk_font() is None:
            _warn_no_font(lang)
            # One warning says it; matplotlib would add one per missing character.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        return {
            "trend": trend_chart(kpis, lang),
            "by_type": breakdown_chart(kpis, "type", lang),
            "by_support_unit": breakdown_chart(kpis, "support_unit", lang),
            "aging": aging_chart(kpis, lang),
        }
