"""Golden files: validate, chase and report write exactly the committed references.

The command line runs on tests/data/golden/register.xlsx at a fixed --today; every file
it writes is compared part by part with its reference (see golden_helpers for what is
ignored and why). After a deliberate change to an output:
``.venv/bin/python tests/golden_helpers.py --regen``.
"""

from __future__ import annotations

import base64
import email
import email.policy
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from golden_helpers import (
    GOLDEN,
    REGEN,
    compare_eml,
    compare_file,
    compare_trees,
    compare_xlsx,
    output_files,
    reference_files,
)

REFERENCES = reference_files()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from golden_helpers import build

    return build(tmp_path_factory.mktemp("golden"))


def test_the_references_cover_every_kind_of_output() -> None:
    kinds = {(name.split("/")[0], Path(name).suffix) for name in REFERENCES}
    assert {("validate", ".xlsx"), ("chase", ".xlsx"), ("chase", ".eml"), ("report", ".xlsx"),
            ("report", ".html"), ("report", ".eml")} <= kinds, REGEN
    assert sum(name.startswith("chase/") and name.endswith(".eml") for name in REFERENCES) >= 5


def test_the_commands_write_exactly_the_reference_files(built: Path) -> None:
    written = output_files(built)
    missing = [f"{name}: not written (the reference has it)" for name in REFERENCES if name not in written]
    extra = [f"{name}: written, no reference" for name in written if name not in REFERENCES]
    assert not missing + extra, "\n".join([*missing, *extra, REGEN])


@pytest.mark.parametrize("name", REFERENCES)
def test_each_output_equals_its_reference(built: Path, name: str) -> None:
    assert (built / name).is_file(), f"{name}: not written\n{REGEN}"
    diffs = compare_file(GOLDEN / name, built / name, name)
    assert not diffs, "\n".join([*diffs, REGEN])


# -- the comparer catches what matters and ignores only what is volatile -------------------------

def _rezip(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of a workbook with some parts replaced, written in the same part order."""
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, change.get(info.filename, z.read(info.filename)))
    return target


def test_a_changed_cell_is_named_with_its_file_part_and_cell(tmp_path: Path) -> None:
    source = GOLDEN / "validate" / "findings.xlsx"
    with zipfile.ZipFile(source) as z:
        part = next(n for n in sorted(z.namelist()) if n.startswith("xl/worksheets/sheet")
                    and re.search(rb'<c r="[A-Z]+\d+"( s="\d+")?><v>\d+</v>', z.read(n)))
        xml = z.read(part)
    m = re.search(rb'<c r="([A-Z]+\d+)"( s="\d+")?><v>(\d+)</v>', xml)
    assert m is not None
    changed = xml[:m.start(3)] + str(int(m[3]) + 1).encode() + xml[m.end(3):]
    copy = _rezip(source, tmp_path / "findings.xlsx", {part: changed})
    diffs = compare_file(source, copy, "validate/findings.xlsx")
    assert len(diffs) == 1, diffs
    cell = m[1].decode()
    assert diffs[0].startswith(f"validate/findings.xlsx: {part} (sheet ")
    assert f"/c[@r={cell!r}]/v: text '{m[3].decode()}' -> '{int(m[3]) + 1}'" in diffs[0], diffs


def test_a_changed_shared_string_is_named_in_the_strings_and_in_each_cell(tmp_path: Path) -> None:
    source = GOLDEN / "chase" / "chase-2026-11-30.xlsx"
    with zipfile.ZipFile(source) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<t>跟进人员</t>" in strings, "the chase list has a 跟进人员 column"
    copy = _rezip(source, tmp_path / "chase.xlsx",
                  {"xl/sharedStrings.xml": strings.replace("<t>跟进人员</t>", "<t>跟进人</t>").encode()})
    diffs = compare_xlsx(source.read_bytes(), copy.read_bytes(), "chase.xlsx")
    assert any(d.startswith("chase.xlsx: xl/sharedStrings.xml: /sst/si[") and "'跟进人员' -> '跟进人'" in d
               for d in diffs), diffs
    # the cells that use the string say so by its text, not by its index
    assert any(re.match(r"chase\.xlsx: xl/worksheets/sheet\d+\.xml \(sheet .+\): /worksheet/sheetData/"
                        r"row\[@r='\d+'\]/c\[@r='[A-Z]+\d+'\]/v: text 'shared string: 跟进人员' -> "
                        r"'shared string: 跟进人'", d) for d in diffs), diffs


def test_only_the_writing_time_of_a_workbook_is_ignored(tmp_path: Path) -> None:
    source = GOLDEN / "report" / "weekly-2026-W48.xlsx"
    with zipfile.ZipFile(source) as z:
        core = z.read("docProps/core.xml").decode()
    later = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "2031-01-02T03:04:05Z", core)
    assert later != core
    assert compare_file(source, _rezip(source, tmp_path / "a.xlsx",
                                       {"docProps/core.xml": later.encode()})) == []
    authored = core.replace("<dc:creator></dc:creator>", "<dc:creator>someone</dc:creator>")
    assert authored != core
    diffs = compare_file(source, _rezip(source, tmp_path / "b.xlsx",
                                        {"docProps/core.xml": authored.encode()}), "w.xlsx")
    assert diffs == ["w.xlsx: docProps/core.xml: /coreProperties/creator: text '' -> 'someone'"]
    with zipfile.ZipFile(source) as z:
        names = z.namelist()
    dropped = tmp_path / "c.xlsx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(dropped, "w") as out:
        for name in names:
            if name != "xl/charts/chart1.xml":
                out.writestr(name, z.read(name))
    assert "w.xlsx: xl/charts/chart1.xml: part missing" in compare_file(source, dropped, "w.xlsx")


def _message(path: Path) -> email.message.EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.strict)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


def test_a_changed_draft_line_is_named_with_its_file_part_and_line(tmp_path: Path) -> None:
    source = next(GOLDEN.glob("chase/催办-*.eml"))
    msg = _message(source)
    plain = msg.get_body(("plain",))
    assert plain is not None and plain["Content-Transfer-Encoding"] == "base64"
    lines = plain.get_content().splitlines()
    n = next(i for i, line in enumerate(lines) if "期限" in line)
    lines[n] = lines[n].replace("期限", "截止")
    # only the payload changes: same headers, same transfer encoding
    plain.set_payload(base64.encodebytes("\r\n".join([*lines, ""]).encode()).decode())
    copy = tmp_path / source.name
    copy.write_bytes(msg.as_bytes(policy=email.policy.SMTP))
    diffs = compare_eml(source.read_bytes(), copy.read_bytes(), f"chase/{source.name}")
    index = list(msg.walk()).index(plain)
    assert len(diffs) == 1 and diffs[0].startswith(
        f"chase/{source.name}: part {index} (text/plain): line {n + 1}: "), diffs
    assert "截止" in diffs[0] and "期限" in diffs[0]


def test_only_the_date_message_id_and_boundaries_of_a_draft_are_ignored(tmp_path: Path) -> None:
    source = GOLDEN / "report" / "weekly-2026-W48.eml"
    raw = source.read_bytes()
    moved = re.sub(rb"(?m)^Date: .*$", b"Date: Thu, 02 Jan 2031 03:04:05 +0800", raw)
    moved = re.sub(rb"(?m)^Message-ID: <[^>]+>", b"Message-ID: <1.2.3@complaint-xl.invalid>", moved)
    for boundary in set(re.findall(rb'boundary="([^"]+)"', raw)):
        moved = moved.replace(boundary, boundary[:-2] + b"x==")
    assert moved != raw
    assert compare_eml(raw, moved, "w.eml") == []
    subject = _message(source)
    subject.replace_header("Subject", "客户投诉周报 2026-W47")
    diffs = compare_eml(raw, subject.as_bytes(policy=email.policy.SMTP), "w.eml")
    assert len(diffs) == 1 and diffs[0].startswith("w.eml: headers: header "), diffs
    assert "W47" in diffs[0]


def test_the_attached_workbook_and_the_charts_are_compared(tmp_path: Path) -> None:
    source = GOLDEN / "report" / "weekly-2026-W48.eml"
    msg = _message(source)
    attachment = next(p for p in msg.iter_attachments() if p.get_filename("").endswith(".xlsx"))
    book = tmp_path / "book.xlsx"
    book.write_bytes(attachment.get_content())
    with zipfile.ZipFile(book) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    edited = _rezip(book, tmp_path / "edited.xlsx",
                    {"xl/worksheets/sheet1.xml": sheet.replace(b"<v>", b"<v>1", 1)})
    attachment.set_content(edited.read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           disposition="attachment", filename=attachment.get_filename())
    index = list(msg.walk()).index(attachment)
    diffs = compare_eml(source.read_bytes(), msg.as_bytes(policy=email.policy.SMTP), "w.eml")
    assert any(d.startswith(f"w.eml: part {index} (application/vnd.openxmlformats-officedocument"
                            ".spreadsheetml.sheet): xl/worksheets/sheet1.xml (sheet ") for d in diffs), diffs
    # an inline chart of another size is a difference; its other bytes are not compared
    msg = _message(source)
    chart = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    from PIL import Image

    with Image.open(io.BytesIO(chart.get_content())) as img:
        smaller = io.BytesIO()
        img.resize((img.width - 1, img.height)).save(smaller, "PNG")
        width, height, mode = img.width, img.height, img.mode
    chart.set_content(smaller.getvalue(), maintype="image", subtype="png", disposition="inline",
                      cid=chart["Content-ID"])
    diffs = compare_eml(source.read_bytes(), msg.as_bytes(policy=email.policy.SMTP), "w.eml")
    assert any(f"image PNG {width}x{height} {mode}, now PNG {width - 1}x{height} {mode}" in d
               for d in diffs), diffs


def test_a_changed_figure_on_the_page_is_named_with_its_element(tmp_path: Path) -> None:
    source = GOLDEN / "report" / "weekly-2026-W48.html"
    page = source.read_text(encoding="utf-8")
    m = re.search(r'<div class="value">(\d+)</div>', page)
    assert m is not None
    copy = tmp_path / source.name
    copy.write_text(page[:m.start(1)] + str(int(m[1]) + 7) + page[m.end(1):], encoding="utf-8")
    diffs = compare_file(source, copy, "report/page.html")
    assert len(diffs) == 1, diffs
    assert re.match(r"report/page\.html: /html/body/main/section\.groups/div\.group\.week/"
                    r"div\.cards/div\.card\[1\]/div\.value/text\(\): text ", diffs[0]), diffs
    assert f"{m[1]!r} -> '{int(m[1]) + 7}'" in diffs[0]
    # whitespace between elements is not a difference
    copy.write_text(page.replace("\n<", "\n   <"), encoding="utf-8")
    assert compare_file(source, copy) == []


def test_a_missing_or_extra_file_is_named(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    for folder in ("validate", "chase", "report"):
        shutil.copytree(GOLDEN / folder, copy / folder)
    assert compare_trees(GOLDEN, copy) == []
    gone = next((copy / "chase").glob("*.eml"))
    gone.unlink()
    (copy / "report" / "stray.txt").write_text("x")
    assert compare_trees(GOLDEN, copy) == [f"chase/{gone.name}: missing (the reference has it)",
                                           "report/stray.txt: not in the references"]
