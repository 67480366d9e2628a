"""The team's workbook (complaints.xlsm): built from code, read back by independent readers.

olevba reads the VBA back, complaint_xl.load reads the settings and the register back,
LibreOffice opens the file (buttons bound to macros, validations, conditional
formats, names) and draws it, and the committed workbooks equal a fresh build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
import warnings
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from oletools.olevba import VBA_Parser
from PIL import Image

from complaint_xl import load
from complaint_xl.cli import cli
from complaint_xl.sample import TEMPLATE_COLUMNS, make_register
from complaint_xl.settings import Person, RuleSetting, Settings
from complaint_xl.vba import load_macro_sources
from complaint_xl.workbook import BUTTONS, build_workbook, demo_settings
from complaint_xl.workbook.build import BUILD_DATE, COMMITTED
from complaint_xl.workbook.builder import CODE_NAMES, DEMO_ROWS, DEMO_SEED, macros_dir
from complaint_xl.workbook.sheets import xlwings_conf_rows
from complaint_xl.workdays import Calendar, CalendarWarning
from workbook_helpers import (
    buttons,
    conditional_formats,
    names,
    render_png,
    sheet_validations,
    to_fods,
)

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workbook")


@pytest.fixture(scope="module")
def template(folder: Path) -> Path:
    return build_workbook(folder / "complaints.xlsm", today=BUILD_DATE)


@pytest.fixture(scope="module")
def demo(folder: Path) -> Path:
    return build_workbook(folder / "complaints-demo.xlsm", demo=True, today=BUILD_DATE)


@pytest.fixture(scope="module")
def fods(demo: Path, folder: Path) -> object:
    out = folder / "lo"
    out.mkdir()
    return to_fods(demo, out)


def lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# -- the VBA project ------------------------------------------------------------------------

def test_olevba_reads_every_module_back_equal_to_its_source(template: Path) -> None:
    parser = VBA_Parser(str(template))
    try:
        modules = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    assert macros_dir() == MACROS  # an editable install finds the repository's macros/
    sources = load_macro_sources(MACROS)
    assert set(sources) == {"ComplaintXL", "xlwings", "Dictionary"}
    for name, source in sources.items():
        if source.startswith("VERSION"):  # a class: Excel stores its header as attributes
            def body(text: str) -> list[str]:
                return [x for x in lines(text) if x and not re.match(
                    r"(VERSION|BEGIN|END$|  MultiUse|Attribute )", x)]
            assert body(modules[name]) == body(source), name
        else:
            assert lines(modules[name]) == lines(source), name
    # One document module per sheet, named as the sheets' code names say.
    assert {*CODE_NAMES.values(), "ThisWorkbook"} <= set(modules)
    with zipfile.ZipFile(template) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/") and n.endswith(".xml"))
    assert sorted(re.findall(rb'codeName="(\w+)"', xml)) == sorted(
        n.encode() for n in ["ThisWorkbook", *CODE_NAMES.values()])


def test_every_button_runs_a_public_sub_of_the_macros(template: Path) -> None:
    bas = (MACROS / "ComplaintXL.bas").read_text(encoding="cp1252")
    with zipfile.ZipFile(template) as z:
        vml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".vml")).decode()
    bound = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert bound == [b.macro for b in BUTTONS]
    for macro in bound:
        assert re.search(rf"^Public Sub {macro}\(\)", bas, re.MULTILINE), macro


def test_xlwings_conf_uses_keys_the_standalone_module_reads() -> None:
    vba = resources.files("xlwings").joinpath("xlwings.bas").read_text(encoding="cp1252")
    read = {k.upper() for k in re.findall(r'GetConfig\("([^"]+)"', vba)}
    rows = xlwings_conf_rows("zh")
    assert {r[0].upper() for r in rows} <= read
    conf = {r[0]: r[1] for r in rows}
    importlib.import_module(conf["UDF Modules"])  # the module the Import UDFs button loads
    # Keys compared with True/False in VBA must hold a boolean, or VBA stops with a type error.
    assert conf["Use UDF Server"] == conf["Show Console"] == "False"


# -- what complaint_xl reads back ------------------------------------------------------------

def test_register_sheet_is_found_and_the_template_is_empty(template: Path) -> None:
    loaded = load(template, as_of=BUILD_DATE)
    assert len(loaded.register) == 0
    layout = loaded.register.sheets[0]
    assert (layout.name, layout.header_row) == ("投诉登记", 3)
    assert list(layout.columns) == list(TEMPLATE_COLUMNS)
    assert loaded.settings.problems == []


def test_demo_rows_read_back_as_generated(demo: Path) -> None:
    frame = make_register(DEMO_ROWS, as_of=BUILD_DATE, seed=DEMO_SEED)
    loaded = load(demo, as_of=BUILD_DATE)
    read = loaded.register.frame
    assert len(read) == DEMO_ROWS
    assert read["_row"].tolist() == list(range(4, 4 + DEMO_ROWS))
    for field in ("owner", "type", "problem", "severity"):
        expected = [None if pd.isna(v) else v for v in frame[field]]
        assert read[field].tolist() == expected, field
    written = frame["deadline"].to_numpy(dtype="datetime64[ns]")
    assert np.array_equal(read["deadline"].to_numpy(), written)
    assert read["customer_attr"].notna().all()


def _custom_settings() -> Settings:
    """Every setting away from its default, so a key the reader missed shows."""
    return Settings(
        lang="zh", country="CN", sla_days=12, sla_major_days=4, sla_by_type={"售后": 10, "品质": 8},
        due_soon_days=3, escalate_level2_after=4, escalate_level3_after=9, date_order="dmy",
        problem_min_length=12, vague_phrases=("问题较多", "有问题"), types=("售后", "品质", "物流"),
        support_units=("工厂", "财务"), effect_values=("有效", "无效"), severity_values=("一般", "重大"),
        key_accounts=("长沙恒达建材有限公司",),
        staff={"李明": Person("李明", "li.ming@example.com", "周强", "销售", None),
               "周强": Person("周强", "zhou@example.com", None, "主管", "销售")},
        manager="周强", report_recipients=("a@example.com", "b@example.com"),
        sender="assistant@example.com", company="示例公司", drafts_folder="草稿",
        templates_folder="模板", mapping={"owner": "跟进人员"},
        rules={"vague-problem": RuleSetting(False, None), "date-text": RuleSetting(True, "error")},
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_settings_round_trip(tmp_path: Path, lang: str) -> None:
    chosen = dataclasses.replace(_custom_settings(), lang=lang,
                                 mapping={"owner": "跟进人员" if lang == "zh" else "Owner"})
    path = build_workbook(tmp_path / "s.xlsm", lang=lang, today=BUILD_DATE, settings=chosen)
    read = load(path, as_of=BUILD_DATE).settings
    assert read.problems == []
    for f in dataclasses.fields(Settings):
        if f.name in ("holidays", "official_holiday_years", "estimated_holiday_years",
                      "problems", "source", "rules"):
            continue
        assert getattr(read, f.name) == getattr(chosen, f.name), f.name
    from complaint_xl.checks import CATALOGUE

    # Every code is listed with its severity written out; the team's choices hold.
    for code, choice in chosen.rules.items():
        got = read.rules[code]
        assert (got.enabled, got.severity) == (choice.enabled,
                                               choice.severity or CATALOGUE[code].severity)
    # The holidays sheet holds this year's and next year's exceptions, 调休 days included.
    calendar = Calendar("CN")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarWarning)
        expected = dict(calendar.days_off(2026) + calendar.days_off(2027))
    assert read.holidays == expected
    assert read.holidays[dt.date(2026, 2, 28)] is True  # a Saturday worked for the Spring Festival
    assert read.holidays[dt.date(2026, 10, 1)] is False
    # Each year is written as official (the package has it) or as an estimate, never both.
    assert read.official_holiday_years | read.estimated_holiday_years == {2026, 2027}
    assert 2026 in read.official_holiday_years
    assert not read.official_holiday_years & read.estimated_holiday_years


def test_demo_settings_round_trip(demo: Path) -> None:
    read = load(demo, as_of=BUILD_DATE).settings
    chosen = demo_settings("zh")
    assert read.staff == chosen.staff and len(read.staff) == 13
    assert (read.manager, read.report_recipients, read.sender) == (
        chosen.manager, chosen.report_recipients, chosen.sender)


def test_rules_sheet_lists_the_checks_catalogue(template: Path) -> None:
    from complaint_xl.checks import CATALOGUE

    read = load(template, as_of=BUILD_DATE).settings
    assert set(read.rules) == set(CATALOGUE)
    assert all(r.enabled for r in read.rules.values())
    assert {code: r.severity for code, r in read.rules.items()} == {
        c.code: c.severity for c in CATALOGUE.values()}


# -- the command line and the committed files ----------------------------------------------

def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    # docProps/core.xml carries the build time in other tools; ours is fixed, compare it anyway
    # without the timestamps so a rebuild by another tool version only differs where it should.
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>", b"",
                                        parts["docProps/core.xml"])
    return parts


def _what_matters(path: Path) -> dict[str, object]:
    """What a user of the workbook gets, aspect by aspect, as read back by openpyxl and olevba."""
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=True)
    seen: dict[str, object] = {
        "sheet names": wb.sheetnames,
        "sheet code names": [ws.sheet_properties.codeName for ws in wb.worksheets],
        "defined names": {name: (d.attr_text, d.localSheetId, d.hidden)
                          for name, d in sorted(wb.defined_names.items())},
    }
    for ws in wb.worksheets:
        seen[f"{ws.title}: cells"] = {c.coordinate: c.value for row in ws.iter_rows() for c in row
                                      if c.value is not None}
        seen[f"{ws.title}: frozen panes, sheet names"] = (ws.freeze_panes, dict(ws.defined_names))
        seen[f"{ws.title}: data validations"] = sorted(
            (str(v.sqref), v.type, v.operator, v.formula1, v.formula2, v.allow_blank, v.showDropDown,
             v.showInputMessage, v.promptTitle, v.prompt, v.showErrorMessage, v.errorStyle,
             v.errorTitle, v.error) for v in ws.data_validations.dataValidation)
        seen[f"{ws.title}: conditional formats"] = [
            (str(cf.sqref), [(r.type, r.operator, r.formula, r.priority, r.stopIfTrue, r.dxfId)
                             for r in cf.rules]) for cf in ws.conditional_formatting]
        seen[f"{ws.title}: tables"] = {
            t.name: (t.ref, t.displayName, [c.name for c in t.tableColumns],
                     t.tableStyleInfo.name if t.tableStyleInfo else None, t.headerRowCount)
            for t in ws.tables.values()}
    parser = VBA_Parser(str(path))
    try:
        seen["VBA modules"] = {stream.split("/")[-1]: lines(code)
                               for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    with zipfile.ZipFile(path) as z:
        vml = b"".join(z.read(n) for n in sorted(z.namelist()) if n.endswith(".vml")).decode()
    seen["buttons (macro, caption)"] = re.findall(
        r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml), re.findall(r"<font[^>]*>([^<]+)</font>", vml)
    return seen


def _first_difference(a: object, b: object) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return f"[{key!r}]: committed {a.get(key)!r}, built {b.get(key)!r}"
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return f"[{i}]: committed {x!r}, built {y!r}"
        return f"committed {len(a)} items, built {len(b)}"
    return f"committed {a!r}, built {b!r}"


@pytest.mark.parametrize("name", list(COMMITTED))
def test_committed_workbook_equals_what_new_workbook_builds(tmp_path: Path, name: str) -> None:
    """Rebuild with: python -m complaint_xl.workbook.build"""
    target = tmp_path / name
    args = ["new-workbook", str(target), "--today", BUILD_DATE.isoformat()]
    result = CliRunner().invoke(cli, [*args, *(["--demo"] if COMMITTED[name] else [])])
    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    committed, built = _what_matters(ROOT / "workbook" / name), _what_matters(target)
    assert set(committed) == set(built), "rebuild with: python -m complaint_xl.workbook.build"
    different = [f"{aspect}{_first_difference(committed[aspect], built[aspect])}"
                 for aspect in committed if committed[aspect] != built[aspect]]
    assert different == [], "\n".join([*different, "rebuild with: python -m complaint_xl.workbook.build"])
    # the aspects were read, not empty: a reader that saw nothing would compare equal
    assert committed["VBA modules"] and committed["defined names"]
    assert committed["投诉登记: data validations"] and committed["投诉登记: conditional formats"]
    assert committed["投诉登记: tables"] and committed["buttons (macro, caption)"][0]


def test_two_builds_in_a_row_are_identical_apart_from_timestamps(tmp_path: Path) -> None:
    first = build_workbook(tmp_path / "a" / "complaints-demo.xlsm", demo=True, today=BUILD_DATE)
    second = build_workbook(tmp_path / "b" / "complaints-demo.xlsm", demo=True, today=BUILD_DATE)
    a, b = _parts(first), _parts(second)
    assert sorted(a) == sorted(b)
    assert [n for n in a if a[n] != b[n]] == [], "the build is not deterministic"


def test_new_workbook_refuses_a_name_without_xlsm(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new-workbook", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert ".xlsm" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_new_workbook_never_overwrites_a_file_unasked(tmp_path: Path) -> None:
    existing = tmp_path / "投诉登记.xlsm"
    existing.write_bytes(b"the team's register")
    result = CliRunner().invoke(cli, ["new-workbook", str(existing)])
    assert result.exit_code == 2 and "--force" in result.output
    assert existing.read_bytes() == b"the team's register"
    result = CliRunner().invoke(cli, ["new-workbook", str(existing), "--force"])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(existing)


def test_english_workbook_has_english_sheets_and_headers(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "en.xlsm", lang="en", demo=True, today=BUILD_DATE)
    loaded = load(path, as_of=BUILD_DATE)
    assert loaded.settings.lang == "en"
    assert loaded.register.sheets[0].name == "Complaints"
    assert loaded.register.place("Complaints", "raised_on") == ("J", "Raised on")
    assert len(loaded.register) == DEMO_ROWS


# -- LibreOffice as an independent reader ---------------------------------------------------

def test_libreoffice_sees_each_button_bound_to_its_macro(fods: object) -> None:
    assert buttons(fods) == {b.caption("zh"): f"ComplaintXL.{b.macro}" for b in BUTTONS}


def test_libreoffice_sees_dropdowns_dates_and_hints(fods: object) -> None:
    found = sheet_validations(fods, "投诉登记").values()
    conditions = [v["condition"] for v in found]
    for name in ("List_Types", "List_SupportUnits", "List_Closed", "List_Effect", "List_Severity"):
        assert f"of:cell-content-is-in-list({name})" in conditions, name
    # raised, deadline, closed on, and the lifecycle's five (tests/test_lifecycle_workbook.py)
    assert sum("cell-content-is-date()" in c for c in conditions) == 8
    hints = {v["help_title"]: v["help_text"] for v in found}
    assert "问题点要具体" in next(t for t in hints if "规范 7" in t)
    assert "xx表示近期售后问题较多" in next(v for t, v in hints.items() if "规范 7" in t)
    assert sum("规范 8" in t for t in hints) == 2  # 支援单位 and 支援或协助需求点


def test_libreoffice_sees_the_colour_rules_and_names(fods: object) -> None:
    rules = conditional_formats(fods)
    targets = {t for t, _ in rules}
    assert len(targets) == 2  # the seq/deadline cells, and the rest of the row
    for target in targets:
        conditions = [c for t, c in rules if t == target]
        # 4 statuses (closed, paused, overdue, due soon), then the check's two marks (alone
        # and with a status: test_xl_actions.py)
        assert len(conditions) in (8, 14)
        assert sum("CXL_FindingsMask" in c for c in conditions) == len(conditions) - 4
        # The rule of complaint_xl.deadlines (its semantics: tests/test_overdue_rule.py).
        # on the effective deadline: 延期至 (column W) where given, else 解决期限
        assert any("INT(IF(ISNUMBER([.$W4]);[.$W4];[.$L4]))<TODAY()" in c.replace("&lt;", "<")
                   for c in conditions)
        assert any("NETWORKDAYS" in c and "DueSoonDays" in c and "HolidayKinds" in c
                   for c in conditions)
    defined = names(fods)
    for name in ("List_Types", "List_SupportUnits", "List_Closed", "List_Effect", "List_Severity",
                 "Holidays", "HolidayKinds", "DueSoonDays", "CXL_Settings", "CXL_Lists",
                 "CXL_Holidays", "CXL_FindingsMask", "CXL_FindingsKey"):
        assert name in defined, name
    assert defined["DueSoonDays"].endswith("$B$6")
    assert "OFFSET" in defined["List_Types"] and "列表" in defined["List_Types"]


def test_libreoffice_draws_the_register_with_its_colours(demo: Path, folder: Path) -> None:
    out = folder / "png"
    out.mkdir()
    page = render_png(demo, out, dpi=60, actual_size=True)[0]
    with Image.open(page) as image:
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    colours = pd.Series([tuple(p) for p in pixels]).value_counts()
    # The overdue fill (conditional format: the demo's old deadlines are past) and the
    # legend's check colours are drawn; the page is not blank.
    assert colours.get((0xFF, 0xC7, 0xCE), 0) > 500
    assert colours.get((0xFF, 0xFF, 0x00), 0) > 50
    assert colours.get((0xFF, 0xFF, 0xFF), 0) < 0.95 * len(pixels)
