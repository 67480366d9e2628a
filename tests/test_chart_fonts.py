"""Charts never show boxes for Chinese (issue 17, and the 周报 pictures of issue 18).

The weekly charts draw with an installed CJK font, else the subset of Noto Sans CJK SC
that ships in complaint_xl/fonts; a character neither has comes from any other installed
font that has it, else it is drawn as 〓 and one warning names it. Tested here: the
packaged font itself (coverage of GB2312, licence, in the wheel, rebuilt byte for byte);
the charts of a report drawn on a machine whose fonts are hidden (a mount namespace with
empty font folders when the system allows one, else matplotlib's font list cut down to
its own fonts), checking every character of the charts' text against the character map
of the font that draws it and that the pictures are not blank; and the xlwings Lite 周报
sheet inside Pyodide 0.27.7, whose matplotlib has no CJK font of its own.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread

from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.outputs import charts
from complaint_xl.sample import sample_settings_sheets
from conftest import STANDARD_HEADER, row, write_xlsx
from kpi_helpers import AS_OF, ROWS, d

ROOT = Path(__file__).resolve().parent.parent
FONT = charts.PACKAGED_FONT
RARE = "喆"
"""U+5586, common in given names but not in GB2312: the packaged font lacks it."""
UNIT = f"{RARE}华工厂"
MARK = charts.MISSING_MARK


def gb2312_hanzi() -> list[str]:
    """GB2312's hanzi (rows 16-87) from Python's codec, independent of the build script."""
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.append(bytes((hi, lo)).decode("gb2312"))
    return out


def cmap(path: str | Path) -> set[int]:
    return set(FT2Font(str(path)).get_charmap())


def not_blank(png: bytes) -> float:
    """The share of pixels that are not the white background."""
    pixels = imread(io.BytesIO(png))[..., :3]
    return float((pixels < 0.9).any(axis=-1).mean())


# -- the packaged font ------------------------------------------------------------------------

def test_the_packaged_font_has_every_gb2312_hanzi_and_the_punctuation() -> None:
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    have = cmap(FONT)
    assert [h for h in hanzi if ord(h) not in have] == []
    assert all(c in have for c in range(0x21, 0x7F))  # ASCII
    assert all(c in have for c in range(0xFF01, 0xFF5F))  # full-width forms
    assert all(ord(c) in have for c in "，。、；：？！“”‘’（）《》【】—…·％〓①")
    assert ord(RARE) not in have  # a subset, so the fallback below has something to do
    assert FONT.stat().st_size < 2 * 2**20


def test_the_packaged_font_is_renamed_and_carries_its_licence() -> None:
    font = FT2Font(str(FONT))
    assert (font.family_name, font.postscript_name) == (charts.PACKAGED_FAMILY, "ComplaintXLSansSC-Regular")
    assert "Noto" not in font.family_name  # not to be mistaken for the full font
    licence = (FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence
    assert "TERMINATION" in licence and licence.rstrip().endswith("OTHER DEALINGS IN THE FONT SOFTWARE.")
    readme = (FONT.parent / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(FONT.read_bytes()).hexdigest() in readme


def test_the_wheel_ships_the_font_and_its_licence(project_wheel: Path) -> None:
    with zipfile.ZipFile(project_wheel) as wheel:
        assert wheel.read("complaint_xl/fonts/ComplaintXLSansSC-Regular.otf") == FONT.read_bytes()
        assert b"SIL OPEN FONT LICENSE" in wheel.read("complaint_xl/fonts/OFL.txt")


def _build_script() -> Any:
    from importlib.machinery import SourceFileLoader

    loader = SourceFileLoader("build_chart_font", str(ROOT / "scripts" / "build-chart-font"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_build_script_makes_the_same_font(tmp_path: Path) -> None:
    from fontTools import version as fonttools_version

    script = _build_script()
    if not script.SOURCE.is_file():
        pytest.skip(f"{script.SOURCE} is not here (Debian: fonts-noto-cjk)")
    if hashlib.sha256(script.SOURCE.read_bytes()).hexdigest() != script.SOURCE_SHA256:
        pytest.skip("another build of Noto Sans CJK is installed than the one pinned")
    if f"fontTools {fonttools_version}:" not in (FONT.parent / "README.md").read_text(encoding="utf-8"):
        pytest.skip(f"fontTools {fonttools_version} is not the version the font was built with")
    assert script.main(["--out", str(tmp_path)]) == 0
    for name in ("ComplaintXLSansSC-Regular.otf", "OFL.txt", "README.md"):
        assert (tmp_path / name).read_bytes() == (FONT.parent / name).read_bytes(), name


# -- a report's charts on a machine without CJK fonts ----------------------------------------

HIDDEN_RUN = r"""
import base64, json, sys, warnings
mode, register = sys.argv[1], sys.argv[2]
from matplotlib import font_manager
if mode == "in-process":
    # matplotlib's font list cut down to the fonts it ships with; no system font found later
    from matplotlib import get_data_path
    manager = font_manager.fontManager
    manager.ttflist = [f for f in manager.ttflist if f.fname.startswith(get_data_path())]
    manager._findfont_cached.cache_clear()
    font_manager.findSystemFonts = lambda *a, **k: []
from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.outputs import charts

texts = []
shown = charts.ChartFonts.shown
def recorded(self, text):
    out = shown(self, text)
    texts.append(out)
    return out
charts.ChartFonts.shown = recorded

loaded = load(register, as_of=__import__("datetime").date.fromisoformat(sys.argv[3]))
kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    pngs = charts.report_charts(kpis, "zh")
fonts = charts.chart_fonts()
print(json.dumps({
    "system": charts._system_font(), "cjk": charts.cjk_font(), "families": fonts.families,
    "paths": {f: charts._path(f) for f in fonts.families}, "texts": texts,
    "warnings": [[type(w.message).__name__, getattr(w.message, "message", str)("zh"),
                  getattr(w.message, "message", str)("en")] for w in caught],
    "fonts_seen": len({f.fname for f in font_manager.fontManager.ttflist}),
    "pngs": {k: base64.b64encode(v).decode() for k, v in pngs.items()},
}, ensure_ascii=False))
"""


def _namespace_works() -> bool:
    if not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           "mount -t tmpfs none /mnt"], capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KPI tests' register, one support unit named with a character outside GB2312."""
    rare = row(seq=12, customer="客户H(经销商)", owner="李明", type="品质",
               problem="板面划伤，涉及A3-18共5张", raised_on=d("2026-10-06"), support_unit=UNIT,
               deadline=d("2026-10-27"), closed="否", severity="一般")
    return write_xlsx(tmp_path_factory.mktemp("fonts") / "register.xlsx",
                      {"登记表": [STANDARD_HEADER, *ROWS, rare], **sample_settings_sheets()})


@pytest.fixture(scope="module")
def hidden(register: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report's charts drawn in a subprocess that sees no system font."""
    home = tmp_path_factory.mktemp("home")
    (home / "fonts.conf").write_text("<?xml version='1.0'?><fontconfig></fontconfig>\n")
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(tmp_path_factory.mktemp("mpl")),
           "FONTCONFIG_FILE": str(home / "fonts.conf"),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("MPL_IGNORE_SYSTEM_FONTS", None)
    args = [sys.executable, "-c", HIDDEN_RUN]
    if _namespace_works():
        # Every folder matplotlib and fontconfig look in, emptied for this process only.
        folders = [*font_manager.X11FontDirectories, "/usr/share/fonts", "/usr/local/share/fonts"]
        mounts = " && ".join(f"mount -t tmpfs none {f}" for f in dict.fromkeys(folders) if Path(f).is_dir())
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               f'{mounts} && exec "$@"', "sh", *args, "namespace"]
    else:
        cmd = [*args, "in-process"]
    done = subprocess.run([*cmd, str(register), AS_OF.isoformat()], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    return {**json.loads(done.stdout), "mode": cmd[-1], "stderr": done.stderr}


def test_without_system_fonts_the_charts_use_the_packaged_font(hidden: dict[str, Any],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nfonts hidden by: {hidden['mode']}; fonts matplotlib saw: {hidden['fonts_seen']}")
    assert hidden["system"] is None, "a system CJK font was still visible"
    assert hidden["cjk"] == charts.PACKAGED_FAMILY
    assert hidden["families"][0] == charts.PACKAGED_FAMILY
    assert Path(hidden["paths"][charts.PACKAGED_FAMILY]).samefile(FONT)
    # matplotlib printed nothing about fonts (no "findfont" or missing-glyph lines)
    assert "findfont" not in hidden["stderr"] and "missing from" not in hidden["stderr"], hidden["stderr"]


def test_every_character_of_the_charts_is_in_the_font_that_draws_it(hidden: dict[str, Any]) -> None:
    packaged = cmap(FONT)
    chain = set().union(*(cmap(p) for p in hidden["paths"].values()))
    text = "".join(hidden["texts"])
    assert {"投", "诉", "新", "增", "结", "案", "逾", "期", "工", "作", "日"} <= set(text)
    cjk = {c for c in text if ord(c) >= 0x2E80}
    assert cjk and [c for c in sorted(cjk) if ord(c) not in packaged] == []  # no tofu
    assert [c for c in sorted(set(text)) if not c.isspace() and ord(c) not in chain] == []
    assert RARE not in text and f"{MARK}华工厂" in hidden["texts"]  # the one it lacks: marked


def test_a_character_no_font_has_is_said_once(hidden: dict[str, Any]) -> None:
    (warning,) = hidden["warnings"]
    kind, zh, en = warning
    assert kind == "ChartFontWarning"
    assert f"“{RARE}”" in zh and f"“{MARK}”" in zh and "1 个字" in zh
    assert RARE in en and MARK in en


def test_the_charts_drawn_without_system_fonts_are_pictures(hidden: dict[str, Any]) -> None:
    pngs = {k: base64.b64decode(v) for k, v in hidden["pngs"].items()}
    assert set(pngs) == set(charts.CHART_NAMES)
    for name, png in pngs.items():
        assert png.startswith(b"\x89PNG"), name
        assert 0.02 < not_blank(png) < 0.6, name
        pixels = imread(io.BytesIO(png))[..., :3]
        title = pixels[: pixels.shape[0] // 8]  # the title band is drawn (not an empty strip)
        assert name == "aging" or (title < 0.5).any(axis=-1).sum() > 50, name


def test_with_the_system_fonts_a_rare_character_comes_from_them(register: Path) -> None:
    system = charts._system_font()
    if system is None or not any(ord(RARE) in cmap(f.fname) for f in font_manager.fontManager.ttflist
                                 if f.fname.lower().endswith((".ttf", ".otf", ".ttc"))):
        pytest.skip("no installed font has 喆 here")
    loaded = load(register, as_of=AS_OF)
    kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.report_charts(kpis, "zh")
    assert not [w for w in caught if isinstance(w.message, charts.ChartFontWarning)
                or "missing from" in str(w.message)]


def test_a_character_the_first_fonts_lack_is_taken_from_another_installed_font() -> None:
    fonts = charts.ChartFonts([charts.PACKAGED_FAMILY, charts.FALLBACK_FAMILY])
    charts._packaged_font()
    holder = charts._font_with(RARE)
    if holder is None:
        pytest.skip("no installed font has 喆 here")
    assert fonts.shown(f"王{RARE}") == f"王{RARE}" and not fonts.missing
    assert fonts.families == [charts.PACKAGED_FAMILY, holder, charts.FALLBACK_FAMILY]
    assert ord(RARE) in cmap(charts._path(holder) or "")


def test_the_packaged_font_draws_bold_titles_without_matplotlib_complaining(
        caplog: pytest.LogCaptureFixture) -> None:
    assert charts._packaged_font() == charts.PACKAGED_FAMILY
    bold = font_manager.FontProperties(family=charts.PACKAGED_FAMILY, weight="bold")
    with caplog.at_level("WARNING", logger="matplotlib.font_manager"):
        assert Path(font_manager.findfont(bold, fallback_to_default=False)).samefile(FONT)
    assert not caplog.records


# -- inside Pyodide: the xlwings Lite 周报 sheet -------------------------------------------------

TODAY = dt.date(2026, 11, 30)


def _xlwings_wheel(cache: Path) -> Path:
    """xlwings' pure wheel of the pinned version (fetched once into .pyodide/lite/, as test_lite does)."""
    import tomllib

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    version = next(p.split("==")[1].split()[0] for p in pins if p.startswith("xlwings=="))
    wheel = cache / "lite" / f"xlwings-{version}-py3-none-any.whl"
    if not wheel.is_file():
        done = subprocess.run([sys.executable, "-m", "pip", "download", f"xlwings=={version}", "--no-deps",
                               "--only-binary=:all:", "--platform", "any", "--implementation", "py",
                               "--abi", "none", "--python-version", "3.12", "-d", str(wheel.parent)],
                              capture_output=True, text=True, timeout=600)
        if done.returncode or not wheel.is_file():
            pytest.fail(f"xlwings {version}'s wheel could not be fetched:\n{done.stderr[-3000:]}")
    return wheel


@pytest.fixture(scope="module")
def lite_in_pyodide(project_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """lite/main.py's 周报 on the demo workbook (one 支援单位 renamed with 喆), inside Pyodide
    with Pyodide's own matplotlib, offline."""
    from complaint_xl.workbook import build_workbook
    from xl_helpers import book_json, file_sheets

    node = shutil.which("node")
    if not node:
        pytest.fail("Node.js is not installed: apt-get install nodejs npm (scripts/test does)")
    cache = ROOT / ".pyodide"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "pyodide-setup"), "--cache", str(cache)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode:
        pytest.fail(f"scripts/pyodide-setup could not prepare {cache}:\n{done.stderr[-3000:]}")
    folder = tmp_path_factory.mktemp("lite-charts")
    sheets = file_sheets(build_workbook(folder / "complaints.xlsm", demo=True, today=TODAY))
    register = sheets["投诉登记"]
    unit = register[2].index("支援单位")
    first = next(r for r in register[3:] if r[unit])
    first[unit] = UNIT
    book = book_json("complaints.xlsx", sheets)
    book["client"] = "Office.js"
    for sheet in book["sheets"]:
        sheet["show_gridlines"], sheet["pivot_tables"] = True, []
    doc = {"book": book, "calls": [{"script": "weekly_report", "args": [TODAY.isoformat(), "", "zh"]}],
           "funcs": []}
    (folder / "input.json").write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    runtime = ROOT / "tests" / "pyodide" / "lite_runtime.py"
    spec = importlib.util.spec_from_file_location("lite_runtime_for_charts", runtime)
    assert spec and spec.loader
    lite_runtime = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lite_runtime)
    driver = lite_runtime.DRIVER + (
        "\nfrom complaint_xl.outputs import charts as _charts\n"
        "result['font'] = [_charts.cjk_font(), _charts._path(_charts.cjk_font())]\n")
    cmd = [node, str(ROOT / "tests" / "pyodide" / "run.mjs"), "--cache", str(cache), "--with", "charts",
           "--wheel", str(project_wheel), "--wheel", str(_xlwings_wheel(cache)),
           "--file", f"{folder / 'input.json'}={lite_runtime.INPUT}",
           "--file", f"{ROOT / 'lite' / 'main.py'}={lite_runtime.MAIN}",
           "--file", f"{runtime}=/data/lite_runtime.py", "-"]
    done = subprocess.run(cmd, input=driver, capture_output=True, text=True, timeout=900)
    if done.returncode or not done.stdout.strip():
        pytest.fail(f"Pyodide run failed ({done.returncode}):\n{done.stderr[-6000:]}")
    return json.loads(done.stdout)


def test_the_lite_weekly_sheet_gets_its_charts_inside_pyodide(lite_in_pyodide: dict[str, Any]) -> None:
    run = lite_in_pyodide
    assert run["versions"]["matplotlib"] == "3.8.4" and run["versions"]["python"].startswith("3.12.")
    family, path = run["result"]["font"]
    assert family == charts.PACKAGED_FAMILY
    assert path.endswith("complaint_xl/fonts/ComplaintXLSansSC-Regular.otf")
    (call,) = run["result"]["calls"]
    assert "error" not in call, call.get("details")
    pictures = [a for a in call["actions"] if a["func"] == "addPicture"]
    assert len(pictures) == 4
    for action in pictures:
        png = base64.b64decode(action["args"][0])
        assert png.startswith(b"\x89PNG") and 0.02 < not_blank(png) < 0.6
    names = [a["args"][1] for a in call["actions"] if a["func"] == "setPictureName"]
    assert names == ["cxl_trend", "cxl_by_type", "cxl_by_support_unit", "cxl_aging"]
    (write,) = [a for a in call["actions"] if a["func"] == "setValues" and len(a["values"]) > 5]
    notes = [str(r[0]) for r in write["values"]]
    assert not [n for n in notes if "未生成图表" in n]  # nothing says the charts are missing
    # the one character the packaged font lacks is named in the sheet's notes
    assert any(f"“{RARE}”" in n and f"“{MARK}”" in n for n in notes)

