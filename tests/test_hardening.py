"""Faults and hostile input: nothing lost, nothing half-written, nothing executed.

Every command runs as a real process, as a user's would. The cases extend the
bad-file matrix of test_bad_files.py: a register open in Excel, output places that
cannot be written (below a file, on the read-only /proc, a full disk simulated with
RLIMIT_FSIZE, an output open in Excel), failures midway, reruns into the same folder;
then the security promises: user text never becomes a formula or markup, headers and
file names built from cells stay inert, bombs are refused within bounded memory, and
no cell value can reach an eval or a RunPython string.

Tests run as root in CI, where ``chmod 555`` stops nothing; the read-only places used
here (a path below a regular file, /proc) refuse root too.
"""

from __future__ import annotations

import ast
import datetime as dt
import email
import email.policy
import hashlib
import io
import re
import resource
import signal
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import AS_OF, STANDARD_HEADER, row, write_xlsx

from complaint_xl.outputs.email import Draft, Recipient, render_draft
from complaint_xl.outputs.files import safe_filename
from complaint_xl.register.files import MAX_EXPANDED_BYTES
from complaint_xl.sample import sample_settings_sheets, write_register_xlsx

ROOT = Path(__file__).resolve().parents[1]
TODAY = AS_OF.isoformat()
HOSTILE = ("=1+1", "+SUM(A1)", "-2", "@cmd")
"""Cell text that a careless writer would store as a formula (CSV/formula injection)."""
SCRIPT = "<script>alert(1)</script>"
COMMANDS = ("validate", "chase", "report", "new-workbook")
WEEKLY = "weekly-2026-W47"
CHASE = f"chase-{TODAY}.xlsx"
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]+\.(xlsx|xlsm|eml|html|json)$")
"""What :func:`~complaint_xl.outputs.files.atomic_path` names its temporary files."""


# -- helpers ---------------------------------------------------------------------------

def _run(*args: str, preexec: Callable[[], None] | None = None, timeout: int = 180
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "complaint_xl", *args], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=preexec, cwd=ROOT)


def _command(command: str, register: Path, out: Path, *extra: str) -> tuple[str, ...]:
    """Arguments for one command writing to ``out`` (a folder; validate writes a file in it).

    new-workbook gets --force: its refusal to replace an existing file must not hide the
    checks that come after it.
    """
    if command == "new-workbook":
        return ("new-workbook", str(out / "投诉登记.xlsm"), "--force", *extra)
    target = out / "findings.xlsx" if command == "validate" else out
    return (command, str(register), "--today", TODAY, "--out", str(target), *extra)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (relative name -> hash); {} when there is no folder."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """Exit 2 with exactly one line on stderr, no traceback, nothing on stdout."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("complaint-xl: ") and "Traceback" not in done.stderr
    assert done.stdout == ""
    return lines[0]


def _no_partial_files(folder: Path) -> None:
    """No temporary name is left, and every workbook left is a whole one."""
    for path in folder.rglob("*") if folder.exists() else []:
        assert not _TEMP_NAME.match(path.name), path
        if path.suffix in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None


def _overdue(**values: Any) -> list[Any]:
    """An open complaint well past its deadline (overdue as of AS_OF, escalated to level 3)."""
    base: dict[str, Any] = {"seq": 1, "customer": "甲公司(经销商)", "owner": "李明", "type": "售后",
                            "problem": "开裂 3 张，型号 A3-18", "raised_on": dt.date(2026, 9, 7),
                            "deadline": dt.date(2026, 9, 28), "support_unit": "工厂",
                            "support_need": "请工厂检测", "closed": "否", "severity": "一般"}
    return row(**{**base, **values})


def _register(path: Path, rows: list[list[Any]]) -> Path:
    """A register with the demo team's settings sheets (staff, manager, recipients)."""
    return write_xlsx(path, {"登记表": [list(STANDARD_HEADER), *rows], **sample_settings_sheets()})


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return _register(tmp_path / "reg.xlsx", [
        _overdue(seq=1), _overdue(seq=2, owner="张伟", raised_on=dt.date(2026, 11, 17),
                                  deadline=dt.date(2026, 11, 20)),
    ])


# -- the register open in Excel ----------------------------------------------------------

@pytest.mark.parametrize("command", ["validate", "chase", "report"])
def test_a_register_open_in_excel_is_read_as_last_saved_and_said(command: str, register: Path,
                                                                 tmp_path: Path) -> None:
    lock = register.parent / f"~${register.name}"
    lock.write_bytes(b"\x05Owner" + b"\0" * 160)  # what Excel leaves beside an open book
    before = _sha(register)
    done = _run(*_command(command, register, tmp_path / "out", "--lang", "en"))
    assert done.returncode in (0, 1), done.stderr
    assert f"{register} is open in Excel; reading what was last saved" in done.stderr
    assert _files(tmp_path / "out")  # the run went on and wrote its outputs
    assert _sha(register) == before and lock.exists()


# -- output places that cannot be written ------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_output_below_a_file_is_refused_in_one_line(command: str, register: Path,
                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    before = _sha(register)
    line = _one_line_error(_run(*_command(command, register, blocker / "sub", "--lang", "en")))
    assert "cannot write" in line or "is a file" in line
    assert blocker.read_text() == "not a folder" and _sha(register) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_file_system_is_refused_in_one_line(command: str, register: Path) -> None:
    # /proc refuses new entries even to root, unlike a chmod 555 folder.
    line = _one_line_error(_run(*_command(command, register, Path("/proc/complaint-xl-out"),
                                          "--lang", "en")))
    assert "cannot write" in line


@pytest.mark.parametrize("command", ["chase", "report"])
def test_an_out_folder_that_is_a_file_is_refused(command: str, register: Path,
                                                 tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("keep me")
    done = _run(command, str(register), "--today", TODAY, "--out", str(target), "--lang", "en")
    assert "is a file, not a folder" in _one_line_error(done)
    assert target.read_text() == "keep me"


def _full_disk(limit: int) -> Callable[[], None]:
    """A child whose writes fail beyond ``limit`` bytes per file, as on a full disk."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_midway_leaves_no_half_written_file(command: str, register: Path,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _sha(register)
    done = _run(*_command(command, register, out, "--lang", "en"), preexec=_full_disk(6000))
    line = _one_line_error(done)
    assert "cannot write" in line, line  # a full disk is the user's to fix, not a crash
    _no_partial_files(out)
    assert _sha(register) == before


@pytest.mark.parametrize("command", ["validate", "report", "new-workbook"])
def test_an_output_open_in_excel_is_refused_and_nothing_is_written(command: str, register: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    name = {"validate": "findings.xlsx", "report": f"{WEEKLY}.xlsx",
            "new-workbook": "投诉登记.xlsm"}[command]
    (out / name).write_bytes(b"the version open in Excel")
    (out / f"~${name}").write_bytes(b"\0" * 165)
    before = _files(out)
    line = _one_line_error(_run(*_command(command, register, out, "--lang", "en")))
    assert "open in Excel" in line
    assert _files(out) == before  # nothing written, nothing replaced


def test_chase_keeps_a_list_open_in_excel_and_writes_beside_it(register: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CHASE).write_bytes(b"the version open in Excel")
    (out / f"~${CHASE}").write_bytes(b"\0" * 165)
    done = _run(*_command("chase", register, out, "--lang", "en"))
    assert done.returncode == 0, done.stderr
    assert (out / CHASE).read_bytes() == b"the version open in Excel"
    assert f"{out / CHASE} is open in Excel" in done.stderr
    assert (out / CHASE.replace(".xlsx", " (2).xlsx")).is_file()


@pytest.mark.parametrize("command", ["chase", "report"])
def test_a_broken_template_fails_in_one_line_without_partial_files(command: str, tmp_path: Path
                                                                   ) -> None:
    templates = tmp_path / "模板"
    (templates / "zh").mkdir(parents=True)
    for name in ("chase_owner.html", "weekly.html", "weekly_mail.html"):
        (templates / "zh" / name).write_text("<p>{% if %}</p>\n", encoding="utf-8")
    sheets = sample_settings_sheets()
    sheets["设置"].append(["模板文件夹", str(templates), ""])
    register = write_xlsx(tmp_path / "reg.xlsx", {"登记表": [list(STANDARD_HEADER), _overdue()],
                                                  **sheets})
    before = _sha(register)
    out = tmp_path / "out"
    line = _one_line_error(_run(*_command(command, register, out)))
    assert "模板" in line and "第 1 行" in line
    _no_partial_files(out)
    assert _sha(register) == before


@pytest.mark.parametrize(("command", "names"), [
    ("chase", ("chase_owner.html", "chase_owner.txt")),
    ("report", ("weekly.html", "weekly_mail.html", "weekly.txt")),
])
def test_a_template_that_reaches_for_python_is_refused(command: str, names: tuple[str, ...],
                                                       tmp_path: Path) -> None:
    # Team templates come from a shared folder: one that tries to run code must not.
    marker = tmp_path / "ran"
    templates = tmp_path / "模板"
    (templates / "zh").mkdir(parents=True)
    payload = ("<p>{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}</p>\n")
    for name in names:
        (templates / "zh" / name).write_text("第一行\n" + payload, encoding="utf-8")
    sheets = sample_settings_sheets()
    sheets["设置"].append(["模板文件夹", str(templates), ""])
    register = write_xlsx(tmp_path / "reg.xlsx", {"登记表": [list(STANDARD_HEADER), _overdue()],
                                                  **sheets})
    out = tmp_path / "out"
    line = _one_line_error(_run(*_command(command, register, out)))
    assert not marker.exists()
    assert "不允许" in line and "第 2 行" in line
    assert any(name in line for name in names)
    assert not list(out.rglob("*.eml")) if out.exists() else True
    _no_partial_files(out)


# -- running twice ------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["validate", "chase", "report"])
def test_running_twice_into_one_folder_duplicates_nothing(command: str, register: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _run(*_command(command, register, out))
    names = set(_files(out))
    second = _run(*_command(command, register, out))
    assert first.returncode == second.returncode and first.returncode in (0, 1), second.stderr
    assert names and set(_files(out)) == names  # the same files, none beside them
    assert not any(" (2)" in n for n in names)


@pytest.mark.parametrize("command", ["chase", "report"])
def test_an_edited_draft_is_not_overwritten_silently(command: str, register: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run(*_command(command, register, out)).returncode == 0
    draft = sorted(out.glob("*.eml"))[0]
    edited = draft.read_bytes().replace(b"X-Unsent: 1", b"X-Unsent: 1\r\nX-Edited: by hand")
    draft.write_bytes(edited)
    again = _run(*_command(command, register, out))
    assert again.returncode == 0, again.stderr
    assert draft.read_bytes() == edited, "the edited draft was replaced"
    assert draft.name in again.stderr  # and the run says where the new one went


# -- user text stays text in every workbook written -----------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """validate, chase and report once over a register full of formula- and markup-like text."""
    base = tmp_path_factory.mktemp("hostile")
    rows = [_overdue(seq=i + 1, customer=HOSTILE[i], problem=HOSTILE[(i + 1) % 4],
                     owner=HOSTILE[(i + 2) % 4], raised_on=dt.date(2026, 11, 16 + i),
                     deadline=dt.date(2026, 11, 20)) for i in range(4)]
    rows += [_overdue(seq=5, customer=f"{SCRIPT}(经销商)", problem=f"{SCRIPT} 开裂 3 张，型号 A3",
                      owner=SCRIPT, raised_on=dt.date(2026, 11, 17)),
             _overdue(seq=6, customer="乙公司", problem="<b>起泡</b> 5 张 & 更多", owner="王芳",
                      support_unit=SCRIPT)]
    register = _register(base / "reg.xlsx", rows)
    before = _sha(register)
    runs = {c: _run(*_command(c, register, base / c)) for c in ("validate", "chase", "report")}
    return {"register": register, "before": before, "runs": runs, "base": base}


LIVE_FORMULAS = {"筛选统计": {
    "B6": "=SUBTOTAL(109,T_detail[新增计数])",
    "B7": "=SUBTOTAL(109,T_detail[结案计数])",
    "B8": "=SUBTOTAL(109,T_detail[按期结案计数])",
    "B9": '=IF(B7=0,"",B8/B7)',
    "B10": "=SUBTOTAL(109,T_detail[未结案计数])",
    "B11": "=SUBTOTAL(109,T_detail[逾期计数])",
    "B12": "=SUBTOTAL(109,T_detail[即将到期计数])",
}}
"""The only formulas the product writes: the weekly workbook's live KPIs, in their own sheet."""


def _assert_cells_are_text(path: Path, expected: tuple[str, ...],
                           formulas: dict[str, dict[str, str]] | None = None) -> None:
    """Each expected text is in some cell, every such cell is a string, and the workbook's
    formulas are exactly ``formulas`` ({sheet: {cell: formula}}; none by default)."""
    seen = set()
    found: dict[str, dict[str, str]] = {}
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value in expected:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
                if cell.data_type == "f":
                    found.setdefault(ws.title, {})[cell.coordinate] = cell.value
    assert seen == set(expected), f"{path.name}: never written: {set(expected) - seen}"
    assert found == (formulas or {}), f"{path.name}: formulas {found}"
    with zipfile.ZipFile(path) as z:  # and no formula openpyxl might not show as one
        count = sum(len(re.findall(rb"<f[ >]", z.read(part))) for part in z.namelist()
                    if part.startswith("xl/worksheets/") and part.endswith(".xml"))
    assert count == sum(map(len, (formulas or {}).values())), f"{path.name}: {count} formulas"


@pytest.mark.parametrize("command", ["validate", "chase", "report"])
def test_formula_like_text_stays_text_in_command_outputs(command: str, hostile: dict[str, Any]
                                                         ) -> None:
    done = hostile["runs"][command]
    assert done.returncode in (0, 1), done.stderr
    out = hostile["base"] / command
    workbook = {"validate": out / "findings.xlsx", "chase": out / CHASE,
                "report": out / f"{WEEKLY}.xlsx"}[command]
    _assert_cells_are_text(workbook, HOSTILE, LIVE_FORMULAS if command == "report" else None)
    assert _sha(hostile["register"]) == hostile["before"]


def test_formula_like_text_stays_text_in_the_sample_register(tmp_path: Path) -> None:
    from complaint_xl.sample import make_register

    frame = make_register(12, as_of=AS_OF, clean=True)
    for i, text in enumerate(HOSTILE):
        frame.loc[i, ["customer", "problem", "owner"]] = text
    _assert_cells_are_text(write_register_xlsx(frame, tmp_path / "demo.xlsx"), HOSTILE)


def test_formula_like_text_stays_text_in_the_new_workbook(tmp_path: Path) -> None:
    from complaint_xl.settings import Person, read_settings
    from complaint_xl.workbook import build_workbook

    settings = read_settings(sample_settings_sheets()).with_overrides(
        company="=1+1", manager="@cmd", types=(*HOSTILE, "售后"), support_units=HOSTILE,
        staff={t: Person(t, None, "+SUM(A1)", "-2", "@cmd") for t in HOSTILE})
    path = build_workbook(tmp_path / "投诉登记.xlsm", settings=settings, today=AS_OF)
    _assert_cells_are_text(path, HOSTILE)


# -- markup stays text in every page and draft -------------------------------------------------

def _html_parts(folder: Path) -> dict[str, str]:
    """Every HTML page and every HTML part of every draft below ``folder``."""
    found = {}
    for path in folder.rglob("*.html"):
        found[path.name] = path.read_text(encoding="utf-8")
    for path in folder.rglob("*.eml"):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                found[f"{path.name}:html"] = part.get_content()
    return found


@pytest.mark.parametrize("command", ["chase", "report"])
def test_markup_in_cells_is_escaped_in_pages_and_drafts(command: str, hostile: dict[str, Any]
                                                        ) -> None:
    assert hostile["runs"][command].returncode == 0, hostile["runs"][command].stderr
    pages = _html_parts(hostile["base"] / command)
    assert pages
    joined = "\n".join(pages.values())
    assert "&lt;script&gt;" in joined  # the cell is shown...
    for name, html in pages.items():
        assert "<script>" not in html, name  # ...and never run
        assert "<b>起泡</b>" not in html, name


def _top_level_html_templates() -> set[str]:
    """The .html templates a run renders by name (others are extended or imported by them)."""
    files = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    used = set()
    for p in files:
        used |= set(re.findall(r"{%-?\s*(?:extends|import|include|from)\s+[\"']([^\"']+)[\"']",
                               p.read_text(encoding="utf-8")))
    return {p.name for p in files if p.suffix == ".html"} - used


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_html_template_is_rendered_with_markup_and_escapes_it(
        lang: str, hostile: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_xl.jobs import run_chase, run_report
    from complaint_xl.loading import load

    rendered: set[str] = set()
    get_template = jinja2.Environment.get_template

    def recording(self: jinja2.Environment, name: Any, *args: Any, **kwargs: Any) -> Any:
        rendered.add(str(name))  # only noted: the real template renders
        return get_template(self, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "get_template", recording)
    loaded = load(hostile["register"], as_of=AS_OF, lang=lang)
    run_chase(loaded, tmp_path / "chase")
    run_report(load(hostile["register"], as_of=AS_OF, lang=lang), out=tmp_path / "report")
    assert _top_level_html_templates() <= rendered
    pages = _html_parts(tmp_path)
    assert "&lt;script&gt;" in "\n".join(pages.values())
    for name, html in pages.items():
        assert "<script>" not in html, name


def test_no_template_switches_escaping_off() -> None:
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\|\s*safe\b|autoescape\s+false|Markup\(", text), path


# -- e-mail headers and file names ---------------------------------------------------------------

_HEADER_TEXT = st.text(alphabet=st.sampled_from(list("ab 客户\r\n\t:<>@.\x00\u2028")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(subject=_HEADER_TEXT, name=_HEADER_TEXT,
       address=st.sampled_from(["li@example.com", "li@example.com\r\nBcc: x@evil.com",
                                "x@evil.com\nBcc: y@evil.com", "bad address"]))
def test_cr_lf_in_cells_never_reaches_a_mail_header(subject: str, name: str, address: str) -> None:
    draft = Draft(subject=subject, html="<p>x</p>", text="x", to=[Recipient(name, address)],
                  cc=[Recipient(name, "li@example.com")], sender=address,
                  date=dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC))
    raw = render_draft(draft)
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    assert set(msg.keys()) <= {"Subject", "From", "To", "Cc", "Date", "Message-ID", "X-Unsent",
                               "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}
    assert msg.get_all("Subject") and len(msg.get_all("Subject")) == 1
    for key, value in msg.items():
        assert not re.search(r"[\r\n\x00]", str(value)), (key, value)
    assert "evil.com" not in str(msg.get("To", "")) + str(msg.get("From", ""))


_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10))}


@settings(max_examples=300, deadline=None)
@given(name=st.one_of(st.text(max_size=120), st.sampled_from(
    ["..", ".", "../../etc/passwd", "CON", "con.txt", "Com1", "LPT9 ", "NUL.tar.gz", "a/b\\c", "",
     "   ", "\x00", "客户:*?", "𠮷" * 90, "😀" * 90])))
def test_file_names_from_cells_stay_in_the_folder(name: str, tmp_path_factory: pytest.TempPathFactory
                                                  ) -> None:
    folder = tmp_path_factory.getbasetemp() / "names"
    folder.mkdir(exist_ok=True)
    safe = safe_filename(name)
    assert safe and safe not in (".", "..") and not re.search(r'[\x00-\x1f\x7f<>:"/\\|?*]', safe)
    assert safe == safe.rstrip(" .")  # Windows drops trailing dots and spaces
    assert safe.split(".")[0].rstrip(" ").upper() not in _RESERVED
    target = folder / f"{safe}.eml"
    assert target.resolve().parent == folder.resolve()
    target.write_bytes(b"x")  # and the file system takes the name
    target.unlink()


# -- bombs are refused within bounded memory ------------------------------------------------

def _plain_xlsx(tmp_path: Path) -> bytes:
    path = write_xlsx(tmp_path / "plain.xlsx", {"登记表": [list(STANDARD_HEADER), _overdue()]})
    return path.read_bytes()


def _rewrite(good: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info)))
    return out.getvalue()


def _late_doctype(good: bytes) -> bytes:
    """A billion-laughs DOCTYPE after a long comment, past the first few kilobytes."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        body = data.split(b"?>", 1)[1].replace(b"<t>", b"<t>&l9;", 1)
        return (b'<?xml version="1.0"?><!--' + b" " * 100_000 + b'--><!DOCTYPE lolz '
                b'[<!ENTITY l0 "lol">' + lol.encode() + b"]>" + body)

    return _rewrite(good, change)


def _declared_huge(good: bytes) -> bytes:
    """The central directory claims the sheet expands to 3 GiB (a liar or a real monster)."""
    blob = bytearray(good)
    i = blob.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", blob, i + 28)[0]
        if blob[i + 46:i + 46 + n] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", blob, i + 24, 3 << 30)
        i = blob.find(b"PK\x01\x02", i + 4)
    return bytes(blob)


def _memory_cap() -> None:
    cap = 1536 << 20  # far below what expanding any of these would take
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.parametrize(("make", "expected"), [
    (_late_doctype, "XML entity declarations"),
    (_declared_huge, f"beyond the {MAX_EXPANDED_BYTES // 1024**3} GiB limit"),
])
def test_bombs_are_refused_before_they_take_memory(make: Callable[[bytes], bytes], expected: str,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(make(_plain_xlsx(tmp_path)))
    done = _run("validate", str(path), "--today", TODAY, "--lang", "en", preexec=_memory_cap)
    assert expected in _one_line_error(done)


def test_a_full_register_fits_under_the_expansion_limit(tmp_path: Path) -> None:
    from complaint_xl.sample import make_register

    path = write_register_xlsx(make_register(2_000, as_of=AS_OF, seed=3), tmp_path / "r.xlsx")
    with zipfile.ZipFile(path) as z:
        per_row = sum(i.file_size for i in z.infolist()) / 2_000
    # Excel's 1,048,575 rows, with half as much text again as the sample's, are still read.
    assert per_row * 1_048_575 * 1.5 < MAX_EXPANDED_BYTES == 2 * 1024**3


# -- nothing from a cell reaches eval or a RunPython string -----------------------------------

def test_no_eval_exec_or_shell_in_the_package() -> None:
    builtins = {"eval", "exec", "compile", "__import__"}  # re.compile is fine; compile() is not
    methods = {"eval", "exec", "system", "popen", "import_module"}
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    assert func.id not in builtins, f"{path}:{node.lineno} calls {func.id}"
                elif isinstance(func, ast.Attribute):
                    assert func.attr not in methods, f"{path}:{node.lineno} calls .{func.attr}"
                for kw in node.keywords:
                    assert not (kw.arg == "shell" and not (isinstance(kw.value, ast.Constant)
                                                           and kw.value.value is False)), path


def test_runpython_strings_are_constants_calling_existing_buttons() -> None:
    from complaint_xl.xl import buttons

    calls = []
    for path in (ROOT / "macros").glob("*.bas"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("'", 1)[0] if not line.lstrip().startswith("'") else ""
            assert not re.search(r"\b(Evaluate|ExecuteExcel4Macro|Shell|Application\.Run)\b",
                                 code), f"{path.name}:{number}"
            if "RunPython" in code:
                m = re.fullmatch(r'\s*RunPython\s+"([^"]*)"\s*', code)
                assert m, f"{path.name}:{number}: RunPython takes one constant string"
                calls.append(m[1])
    assert calls
    for call in calls:
        m = re.fullmatch(r"import complaint_xl\.xl\.buttons as b; b\.(\w+)\(\)", call)
        assert m and callable(getattr(buttons, m[1], None)), call


RICH_LOOKING = ("<r>李明</r>", "<r><t>x</t></r></si><si><t>injected</t></r>")


def test_rich_text_shaped_cells_stay_exactly_that_text(tmp_path: Path) -> None:
    """XlsxWriter copies '<r>…</r>' strings into the file as raw XML unless told otherwise."""
    import openpyxl
    import pandas as pd

    from complaint_xl.loading import load
    from complaint_xl.outputs.xlsx import open_workbook, write_cell, write_table
    from complaint_xl.sample import make_register

    path = tmp_path / "t.xlsx"
    wb = open_workbook(path)
    ws = wb.add_worksheet("s")
    write_cell(ws, 0, 0, RICH_LOOKING[0])
    write_table(wb, ws, pd.DataFrame({"v": list(RICH_LOOKING)}), first_row=2)
    wb.close()
    sheet = openpyxl.load_workbook(path)["s"]
    assert [sheet["A1"].value, sheet["A4"].value, sheet["A5"].value] == [RICH_LOOKING[0], *RICH_LOOKING]
    frame = make_register(12, as_of=AS_OF, clean=True)
    frame.loc[0, "owner"], frame.loc[1, "problem"] = RICH_LOOKING
    loaded = load(write_register_xlsx(frame, tmp_path / "r.xlsx"), as_of=AS_OF).register.frame
    assert [loaded["owner"][0], loaded["problem"][1]] == list(RICH_LOOKING)
