"""The weekly report's charts as PNG images (matplotlib, Agg), with Chinese that renders.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: labels would come out
as boxes. :func:`cjk_font` picks the font: an installed one with the glyphs (Microsoft
YaHei or SimHei on Windows, PingFang or Hiragino on macOS, Noto Sans CJK, WenQuanYi or
Source Han on Linux), else the subset of Noto Sans CJK SC shipped in
``complaint_xl/fonts`` (GB2312's 6,763 hanzi; scripts/build-chart-font makes it), which
is also what xlwings Lite's Pyodide draws with. Text goes through a list of fonts, so a
character the first lacks (a rare hanzi in a name) comes from the next that has it;
one that no font at hand has is drawn as 〓 (the typesetter's mark for a missing
character) and one warning names it. Figures are built without pyplot, so no global
state or GUI backend is touched.
"""

from __future__ import annotations

import dataclasses
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

from complaint_xl.errors import LocalizedWarning
from complaint_xl.kpi import WeeklyKpis
from complaint_xl.kpi.labels import AGING_BUCKETS
from complaint_xl.words import listing, phrase, say

__all__ = [
    "CHART_NAMES", "MISSING_MARK", "PACKAGED_FAMILY", "PACKAGED_FONT", "ChartFontWarning",
    "ChartFonts", "chart_fonts", "cjk_font", "covers", "report_charts",
]

CJK_FAMILIES: Final[tuple[str, ...]] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
    "Noto Serif CJK SC", "AR PL UMing CN", "Droid Sans Fallback",
)
"""Installed fonts with Chinese glyphs, preferred first (sans-serif reads best on a chart)."""

PACKAGED_FONT: Final[Path] = (Path(__file__).resolve().parent.parent / "fonts"
                              / "ComplaintXLSansSC-Regular.otf")
"""The subset font shipped with the package (OFL; see fonts/README.md)."""
PACKAGED_FAMILY: Final[str] = "ComplaintXL Sans SC"
FALLBACK_FAMILY: Final[str] = "DejaVu Sans"
"""matplotlib's own font, last in the list: it has every Latin glyph and symbol."""
MISSING_MARK: Final[str] = "\u3013"
"""〓, drawn for a character no font at hand has (a box would look like a rendering fault)."""

PROBE: Final[str] = "客户投诉周报新增结案按期逾期跟进人员支援单位品质售后"
"""Characters a chart font must have."""

CHART_NAMES: Final[tuple[str, ...]] = ("trend", "by_type", "by_support_unit", "aging")

_COLORS: Final[dict[str, str]] = {
    "new": "#4472C4", "closed": "#70AD47", "rate": "#C00000", "open": "#A5A5A5",
    "overdue": "#ED7D31", "aging": "#5B9BD5",
}


class ChartFontWarning(LocalizedWarning):
    """Some chart text cannot be drawn in any font at hand (said in the run's language)."""


def covers(path: str | Path, chars: str = PROBE) -> bool:
    """Whether the font file maps every given character to a glyph."""
    charmap = _charmap(str(path))
    return charmap is not None and all(ord(ch) in charmap for ch in chars if not ch.isspace())


@functools.cache
def _charmap(path: str) -> frozenset[int] | None:
    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return None


def _candidates() -> list[str]:
    known = {f.name for f in font_manager.fontManager.ttflist}
    names = [n for n in CJK_FAMILIES if n in known]
    # Any other installed family that says it is CJK, after the preferred ones.
    names += sorted(n for n in known if n not in names and any(
        k in n for k in ("CJK", "Hei", "YaHei", "Song", "Ming", "Han Sans", "WenQuanYi")))
    return names


def _path(family: str) -> str | None:
    """The file matplotlib draws ``family`` from, or None when it has no such font."""
    try:
        return str(font_manager.findfont(font_manager.FontProperties(family=family),
                                         fallback_to_default=False))
    except ValueError:
        return None


def _system_font() -> str | None:
    """An installed font family with Chinese glyphs, or None."""
    for attempt in range(2):
        for name in _candidates():
            path = _path(name)
            if path and covers(path):
                return name
        if attempt == 0:
            # matplotlib caches its font list; a font installed since is not in it yet.
            for path in font_manager.findSystemFonts():
                if any(k in Path(path).name.lower() for k in ("cjk", "yahei", "simhei", "wqy",
                                                               "pingfang", "sourcehan", "msyh")):
                    font_manager.fontManager.addfont(path)
    return None


def _packaged_font() -> str | None:
    """The shipped subset, made known to matplotlib; None if it cannot be loaded."""
    path = str(PACKAGED_FONT)
    manager = font_manager.fontManager
    if not any(f.fname == path for f in manager.ttflist):
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            return None
        # One weight: let it stand in for bold too, rather than matplotlib logging a
        # "failed to find font weight" line for every bold title.
        regular = next(f for f in manager.ttflist if f.fname == path)
        manager.ttflist.append(dataclasses.replace(regular, weight=700))
        manager._findfont_cached.cache_clear()
    return PACKAGED_FAMILY if _path(PACKAGED_FAMILY) == path and covers(path) else None


@functools.cache
def cjk_font() -> str | None:
    """The family charts draw Chinese with: an installed font with the glyphs, else the
    packaged subset; None only when neither can be loaded."""
    return _system_font() or _packaged_font()


@dataclasses.dataclass
class ChartFonts:
    """The fonts one set of charts is drawn with, and what none of them could draw."""

    families: list[str]
    """For ``font.family``: matplotlib takes each glyph from the first that has it."""
    missing: dict[str, None] = dataclasses.field(default_factory=dict)
    """Characters drawn as :data:`MISSING_MARK`, in the order met."""

    def charmaps(self) -> list[frozenset[int]]:
        return [m for f in self.families if (p := _path(f)) and (m := _charmap(p)) is not None]

    def shown(self, text: str) -> str:
        """``text`` as drawn: a character no font of the list has becomes the mark. Another
        installed font that has it joins the list first."""
        maps = self.charmaps()
        lacking = [ch for ch in dict.fromkeys(text)
                   if not ch.isspace() and not any(ord(ch) in m for m in maps)]
        for ch in lacking:
            extra = _font_with(ch)
            if extra and extra not in self.families:
                self.families.insert(-1, extra)
                maps = self.charmaps()
        out = []
        for ch in text:
            if ch.isspace() or any(ord(ch) in m for m in maps):
                out.append(ch)
            else:
                self.missing[ch] = None
                out.append(MISSING_MARK)
        return "".join(out)

    def rc(self) -> dict[str, object]:
        return {
            "font.family": list(self.families),
            "axes.unicode_minus": False,  # the minus sign is not in every CJK font
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
        }


def _font_with(ch: str) -> str | None:
    """Any installed font family that has ``ch`` (slow: only for characters the list lacks)."""
    for entry in font_manager.fontManager.ttflist:
        charmap = _charmap(entry.fname)
        if charmap is not None and ord(ch) in charmap and _path(entry.name) == entry.fname:
            return str(entry.name)
    return None


def chart_fonts() -> ChartFonts:
    """A fresh font list for one set of charts: the CJK font, the packaged subset, DejaVu Sans."""
    first = cjk_font()
    families = [f for f in (first, _packaged_font() if first else None) if f]
    return ChartFonts(list(dict.fromkeys([*families, FALLBACK_FAMILY])))


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def _note(ax: matplotlib.axes.Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="#666666",
            wrap=True)


def trend_chart(kpis: WeeklyKpis, lang: str, fonts: ChartFonts | None = None) -> bytes:
    """New and closed per week as bars, the on-time rate as a line (right axis)."""
    fonts = fonts or chart_fonts()
    t = fonts.shown
    with matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(7.6, 3.4), dpi=110, layout="constrained")
        ax = fig.add_subplot()
        weeks = [t(w["week"].split("-")[1]) for w in kpis.trend]
        x = range(len(weeks))
        new = [w["new"] or 0 for w in kpis.trend]
        closed = [w["closed"] for w in kpis.trend]
        w = 0.38
        ax.bar([i - w / 2 for i in x], new, w, label=t(say("figure.new", lang)),
               color=_COLORS["new"])
        axes = [ax]
        if all(c is not None for c in closed):
            ax.bar([i + w / 2 for i in x], closed, w, label=t(say("figure.closed", lang)),
                   color=_COLORS["closed"])
            rate_ax = ax.twinx()
            rates = [w["on_time_rate"] for w in kpis.trend]
            rate_ax.plot([i for i, r in zip(x, rates, strict=True) if r is not None],
                         [r for r in rates if r is not None], marker="o", color=_COLORS["rate"],
                         label=t(say("figure.on_time_rate", lang)))
            rate_ax.set_ylim(0, 1.05)
            rate_ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            rate_ax.spines["right"].set_visible(True)
            axes.append(rate_ax)
        else:
            ax.text(0.99, 0.97, t(kpis.reason("closed", lang) or ""), transform=ax.transAxes,
                    ha="right", va="top", fontsize=8, color="#666666")
        pairs = [a.get_legend_handles_labels() for a in axes]
        handles = [h for hs, _ in pairs for h in hs]
        labels = [lb for _, ls in pairs for lb in ls]
        ax.set_xticks(list(x), weeks)
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, fontsize=9)
        # headroom for the note when closures cannot be shown
        ax.set_ylim(0, max([*new, *[c or 0 for c in closed], 1]) * (1.1 if len(axes) > 1 else 1.25))
        ax.set_title(t(say("weekly.trend", lang)), loc="left", fontweight="bold")
        return _png(fig)


def breakdown_chart(kpis: WeeklyKpis, dim: str, lang: str, limit: int = 15,
                    fonts: ChartFonts | None = None) -> bytes:
    """Horizontal bars per value: new this week, open and overdue as of today."""
    fonts = fonts or chart_fonts()
    t = fonts.shown
    values = dict(kpis.by.get(dim, {}))
    if dim in kpis.by_blank:
        values[say("weekly.blank", lang)] = kpis.by_blank[dim]
    names = list(values)[:limit]
    series = [("new", _COLORS["new"]), ("open", _COLORS["open"]), ("overdue", _COLORS["overdue"])]
    with matplotlib.rc_context(fonts.rc()):
        height = 1.2 + 0.32 * max(len(names), 3)
        fig = Figure(figsize=(5.6, height), dpi=110, layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(t(say("weekly.sheet.by", lang, label=phrase(f"field-word.{dim}"))),
                     loc="left", fontweight="bold")
        if not names:
            _note(ax, t(say("chart.no-data", lang)))
            ax.set_axis_off()
            return _png(fig)
        y = list(range(len(names)))
        h = 0.26
        for k, (figure, color) in enumerate(series):
            counts = [values[n][figure] or 0 for n in names]
            label = say(f"figure.{figure}", lang)
            if figure == "new":
                label = say("weekly.this-week", lang, figure=label)
            bars = ax.barh([i + (k - 1) * h for i in y], counts, h, label=t(label), color=color)
            ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=8, padding=2)
        ax.set_yticks(y, [t(str(n)) for n in names])
        ax.invert_yaxis()
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)
        return _png(fig)


def aging_chart(kpis: WeeklyKpis, lang: str, fonts: ChartFonts | None = None) -> bytes:
    """Open complaints by working days since raised."""
    fonts = fonts or chart_fonts()
    t = fonts.shown
    with matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(4.2, 2.4), dpi=110, layout="constrained")
        ax = fig.add_subplot()
        ax.set_xlabel(t(say("chart.working-days", lang)), fontsize=9)
        counts: Sequence[int | None] = [kpis.aging[b] for b in AGING_BUCKETS]
        if any(c is None for c in counts):
            _note(ax, t(kpis.reason("aging", lang) or ""))
            ax.set_axis_off()
            return _png(fig)
        colors = ["#A9D18E", "#FFD966", "#F4B183", "#C00000"]
        bars = ax.bar([t(b) for b in AGING_BUCKETS], [c or 0 for c in counts], color=colors)
        ax.bar_label(bars, fontsize=9, padding=2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(0, max([c or 0 for c in counts] + [1]) * 1.2)
        return _png(fig)


def report_charts(kpis: WeeklyKpis, lang: str | None = None) -> dict[str, bytes]:
    """Every chart of the weekly report as PNG bytes, by name (see CHART_NAMES).

    Warns once (:class:`ChartFontWarning`) when some text had characters no font at hand
    has, or when no font with Chinese characters could be loaded at all.
    """
    lang = lang or kpis.lang
    fonts = chart_fonts()
    with warnings.catch_warnings():
        # The one warning below says it; matplotlib would add one per missing character.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        charts = {
            "trend": trend_chart(kpis, lang, fonts),
            "by_type": breakdown_chart(kpis, "type", lang, fonts=fonts),
            "by_support_unit": breakdown_chart(kpis, "support_unit", lang, fonts=fonts),
            "aging": aging_chart(kpis, lang, fonts),
        }
    if cjk_font() is None:
        warnings.warn(ChartFontWarning(phrase("chart.no-font")), stacklevel=2)
    elif fonts.missing:
        chars = listing(fonts.missing, item="list.label")
        warnings.warn(ChartFontWarning(phrase("chart.missing-chars", chars=chars, mark=MISSING_MARK,
                                              n=len(fonts.missing))), stacklevel=2)
    return charts
