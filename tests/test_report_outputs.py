"""The weekly report's files: the workbook (tables, charts, detail; opens in LibreOffice), the
page (escaped, charts embedded), the draft (strict parse, inline CID images, workbook attached)
and the charts' Chinese font."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from complaint_xl.kpi import WeeklyKpis, weekly
from complaint_xl.loading import Loaded, load
from complaint_xl.outputs import charts
from complaint_xl.outputs.drafts import MANIFEST
from complaint_xl.outputs.weekly import WeeklyFiles, write_weekly
from complaint_xl.sample import sample_settings_sheets
from conftest import STANDARD_HEADER, row, write_xlsx
from kpi_helpers import AS_OF, ROWS, d, without

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
EXTRA = [
    # 10: the most overdue item, so the name reaches the hard points and the overdue list
    row(seq=10, customer=SCRIPT, owner="刘洋", type="品质", raised_on=d("2026-07-06"),
        deadline=d("2026-07-27"), closed="否", severity="一般", problem="板面开裂，涉及A3-18共12张"),
    # 11: a name Excel would run as a formula if it were written as one
    row(seq=11, customer=FORMULA, owner="刘洋", type="发票", raised_on=d("2026-10-09"),
        deadline=d("2026-10-30"), closed="否", severity="一般", problem="发票抬头错误，需重开3张"),
]


def _load(folder: Path, rows: list, header: list[str] = STANDARD_HEADER, lang: str | None = None
          ) -> Loaded:
    path = write_xlsx(folder / "register.xlsx",
                      {"登记表": [header, *rows], **sample_settings_sheets()})
    return load(path, as_of=AS_OF, lang=lang)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Loaded, WeeklyKpis, WeeklyFiles]:
    folder = tmp_path_factory.mktemp("weekly")
    loaded = _load(folder, [*ROWS, *EXTRA])
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    return loaded, report, write_weekly(report, folder / "out", loaded.settings)


def test_files_are_named_by_week(built):
    _, _, files = built
    assert [p.name for p in files] == ["weekly-2026-W41.xlsx", "weekly-2026-W41.html",
                                       "weekly-2026-W41.eml"]
    assert all(p.stat().st_size > 0 for p in files)
    # no temp files; the dot-file is the manifest a rerun reads to spot files the user edited
    assert [p.name for p in files.xlsx.parent.iterdir() if p.name.startswith(".")] == [MANIFEST]


def test_workbook_has_tables_and_native_charts(built):
    _, _, files = built
    wb = openpyxl.load_workbook(files.xlsx)
    assert wb.sheetnames == ["筛选统计", "摘要", "趋势", "按投诉项目", "按支援单位", "按跟进人员",
                             "按客户属性", "按责任方类别", "按严重程度", "交叉分析", "重复投诉", "明细",
                             "说明"]
    tables = {name for ws in wb for name in ws.tables}
    assert {"T_trend", "T_by_type", "T_by_support_unit", "T_by_owner", "T_by_customer_attr",
            "T_detail", "T_repeats"} <= tables
    assert all(t.autoFilter is not None for ws in wb for t in ws.tables.values())
    with zipfile.ZipFile(files.xlsx) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(parts) == 3  # trend (columns + on-time line), by type, by support unit
        trend = z.read(parts[0]).decode()
        assert "<c:lineChart>" in trend and "<c:barChart>" in trend
        assert "'趋势'!$D$4:$D$11" in trend  # the on-time rate column of the trend table


def test_summary_shows_headline_and_hard_points(built):
    _, report, files = built
    ws = openpyxl.load_workbook(files.xlsx)["摘要"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][0] == report.title("zh")
    assert values[4][:4] == ["新增", "结案", "按期结案", "按期结案率"]
    assert values[5][:4] == [3, 3, 1, 1 / 3]  # EXTRA row 11 is new in W41 too
    texts = [v for r in values for v in r if isinstance(v, str)]
    assert any(t.startswith("1. 逾期最久：第11行") for t in texts)


def test_breakdown_sheet_keeps_nulls_empty_not_zero(built):
    _, _, files = built
    ws = openpyxl.load_workbook(files.xlsx)["按投诉项目"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    # 安装: nothing this week -> counts 0, on-time rate and median empty
    assert rows["安装"][1:] == (0, 0, 0, None, 0, 0, 0, None, None)
    assert rows["售后"][4] == 0.0 and rows["品质"][4] == 1.0


def test_detail_sheet_has_the_period_s_complaints_with_computed_fields(built):
    loaded, _, files = built
    ws = openpyxl.load_workbook(files.xlsx)["明细"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    # all 11 but R4 (row 5, closed in W42) and R9 (row 10, closed in July): see test_weekly_live
    assert len(loaded.register.frame) == 11 and len(rows) - 1 == 9
    for column in ("提出周", "结案周", "处理工作日", "逾期", "逾期工作日", "账龄分段", "重复投诉"):
        assert column in head
    by_row = {r[head.index("行号")]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    r1, r5 = by_row[2], by_row[6]
    assert (r1["提出周"], r1["结案周"], r1["处理工作日"], r1["逾期"]) == ("2026-W40", "2026-W41", 5, None)
    assert (r5["逾期"], r5["逾期工作日"], r5["账龄分段"]) == ("是", 4, "11-15")
    assert by_row[4]["重复投诉"] == "是" and by_row[4]["期限为推算"] == "是"
    # user text stays text: the formula-looking customer is a string cell, not a formula
    column = ws.iter_cols(min_col=head.index("客户") + 1, max_col=head.index("客户") + 1)
    cell = next(c for c in next(column) if c.value == FORMULA)
    assert cell.data_type == "s"


def test_workbook_opens_in_libreoffice(built, tmp_path):
    _, _, files = built
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-weekly", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(files.xlsx)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "pdf" / "weekly-2026-W41.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_page_escapes_user_text_and_embeds_charts(built):
    _, report, files = built
    html = files.html.read_text(encoding="utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('src="data:image/png;base64,') == 4
    assert report.title("zh") in html and "会议要点" in html
    assert "33.3%" in html  # the on-time rate, formatted


def test_page_shows_null_as_dash_with_reason(tmp_path):
    header, rows = without("结案日期")
    loaded = _load(tmp_path, rows, header)
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    files = write_weekly(report, tmp_path / "out", loaded.settings)
    html = files.html.read_text(encoding="utf-8")
    assert '<div class="value na">—</div>' in html
    assert "登记表没有“结案日期”列" in html
    summary = openpyxl.load_workbook(files.xlsx)["摘要"]
    assert summary.cell(6, 2).value == "—"
    assert any("结案日期" in str(c.value) for r in summary.iter_rows() for c in r if c.value)


def test_draft_parses_strictly_with_inline_charts_and_the_workbook(built):
    _, report, files = built
    msg = email.message_from_bytes(files.eml.read_bytes(), policy=email.policy.strict)
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == report.title("zh")
    assert [a.addr_spec for a in msg["To"].addresses] == [
        "sun.jianguo@example.com", "zhou.qiang@example.com", "wu.min@example.com"]
    assert msg["To"].addresses[0].display_name == "孙建国"  # named from the staff sheet
    html = msg.get_body(("html",)).get_content()
    referenced = set(re.findall(r'src="cid:([^"]+)"', html))
    inline = {p["Content-ID"].strip("<>"): p for p in msg.walk()
              if p.get_content_maintype() == "image"}
    assert len(referenced) == 3 and referenced == set(inline)
    assert all(p.get_content().startswith(b"\x89PNG") for p in inline.values())
    attached = [p for p in msg.iter_attachments() if p.get_filename() == "weekly-2026-W41.xlsx"]
    assert len(attached) == 1 and attached[0].get_content() == files.xlsx.read_bytes()
    assert "&lt;script&gt;" in html and SCRIPT not in html
    assert "会议要点" in msg.get_body(("plain",)).get_content()


def test_english_outputs(tmp_path):
    loaded = _load(tmp_path, list(ROWS), lang="en")
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    files = write_weekly(report, tmp_path / "out", loaded.settings)
    assert openpyxl.load_workbook(files.xlsx).sheetnames[:4] == ["Filtered KPIs", "Summary", "Trend",
                                                                 "By type"]
    html = files.html.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Points for the meeting" in html


def test_filtered_report_names_the_filter_in_file_and_title(tmp_path):
    loaded = _load(tmp_path, list(ROWS))
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of,
                    filters={"type": "品质"})
    files = write_weekly(report, tmp_path / "out", loaded.settings)
    assert files.xlsx.name == "weekly-2026-W41-品质.xlsx"
    assert "投诉项目：品质" in openpyxl.load_workbook(files.xlsx)["摘要"]["A1"].value
    assert "投诉项目：品质" in files.html.read_text(encoding="utf-8")


def test_one_labels_file_words_the_page_the_mail_and_the_summary(tmp_path):
    import dataclasses

    from complaint_xl.outputs.templating import template_dirs
    from complaint_xl.outputs.weekly_html import summary_text

    shipped = next(d / "weekly_labels.txt" for d in template_dirs("zh")
                   if (d / "weekly_labels.txt").is_file()).read_text(encoding="utf-8")
    edited = shipped.replace('"会议要点"', '"本周要讨论的"').replace('"会议要点："', '"本周要讨论的："')
    assert edited.count("本周要讨论的") == 2
    (tmp_path / "模板" / "zh").mkdir(parents=True)
    (tmp_path / "模板" / "zh" / "weekly_labels.txt").write_text(edited, encoding="utf-8")
    loaded = _load(tmp_path, list(ROWS))
    settings = dataclasses.replace(loaded.settings, templates_folder=str(tmp_path / "模板"))
    report = weekly(loaded.register, settings, loaded.calendar, loaded.as_of)
    files = write_weekly(report, tmp_path / "out", settings)
    msg = email.message_from_bytes(files.eml.read_bytes(), policy=email.policy.strict)
    for html in (files.html.read_text(encoding="utf-8"), msg.get_body(("html",)).get_content()):
        assert "本周要讨论的</h" in html and "会议要点" not in html
    assert "本周要讨论的：" in msg.get_body(("plain",)).get_content()
    assert "本周要讨论的：" in summary_text(report, override=settings.templates_folder)
    assert "会议要点：" in summary_text(report)  # without the folder: the shipped words


# -- the charts' font ------------------------------------------------------------------------

def test_a_cjk_font_is_found_and_has_the_glyphs():
    from fontTools.ttLib import TTCollection, TTFont
    from matplotlib import font_manager

    family = charts.cjk_font()
    assert family is not None
    path = font_manager.findfont(font_manager.FontProperties(family=family),
                                 fallback_to_default=False)
    assert "dejavu" not in path.lower()
    fonts = TTCollection(path).fonts if path.lower().endswith(".ttc") else [TTFont(path)]
    cmap = fonts[0].getBestCmap()
    assert all(ord(ch) in cmap for ch in "客户投诉周报按支援单位跟进人员新增结案按期逾期")


def test_chart_labels_render_without_missing_glyphs(built):
    _, report, _ = built
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = charts.report_charts(report, "zh")
    assert set(pngs) == {"trend", "by_type", "by_support_unit", "aging"}
    assert all(png.startswith(b"\x89PNG") for png in pngs.values())
    assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]


def test_default_font_would_have_shown_boxes():
    # The check above means something: matplotlib's default font lacks these glyphs.
    from matplotlib import font_manager

    default = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert not charts.covers(default, "投诉")
    assert charts.covers(default, "W41")


def test_without_a_cjk_font_charts_still_draw_and_say_why(built, monkeypatch):
    # The font lookup is made to find nothing, the packaged font included (a machine
    # without CJK fonts draws with the packaged one: tests/test_chart_fonts.py).
    from matplotlib import font_manager

    _, report, _ = built
    monkeypatch.setattr(charts, "_candidates", lambda: [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setattr(charts, "PACKAGED_FONT", charts.PACKAGED_FONT.with_name("missing.otf"))
    charts.cjk_font.cache_clear()
    try:
        with pytest.warns(charts.ChartFontWarning, match="fonts-noto-cjk"):
            pngs = charts.report_charts(report, "zh")
        assert pngs["trend"].startswith(b"\x89PNG")
    finally:
        charts.cjk_font.cache_clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_above_the_attachment_limit_is_named_not_attached(tmp_path, lang):
    loaded = _load(tmp_path, list(ROWS), lang=lang)
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    # 0 MB: never attach (the demo workbook is ~30 KB, below any positive limit)
    settings = loaded.settings.with_overrides(mail_attachment_max_mb=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = write_weekly(report, tmp_path / "out", settings)
    msg = email.message_from_bytes(files.eml.read_bytes(), policy=email.policy.strict)
    assert list(msg.iter_attachments()) == []
    html = msg.get_body(("html",)).get_content()
    assert files.xlsx.name in html and str(files.xlsx.parent) in html
    assert ("超过附件上限 0 MB" if lang == "zh" else "above the attachment limit of 0 MB") in html
    assert any(files.xlsx.name in str(w.message) and "MB" in str(w.message) for w in caught)
    # the default limit (10 MB) attaches the same workbook
    again = write_weekly(report, tmp_path / "again", loaded.settings)
    parsed = email.message_from_bytes(again.eml.read_bytes(), policy=email.policy.strict)
    assert [p.get_filename() for p in parsed.iter_attachments()] == [again.xlsx.name]


def test_the_attachment_limit_is_read_from_the_settings_sheet(tmp_path):
    sheets = sample_settings_sheets()
    sheets["设置"] = [*sheets["设置"], ["附件上限(MB)", 3]]
    path = write_xlsx(tmp_path / "r.xlsx", {"登记表": [STANDARD_HEADER, *ROWS], **sheets})
    assert load(path, as_of=AS_OF).settings.mail_attachment_max_mb == 3
