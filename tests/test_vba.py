"""vbaProject.bin generation: compression, compound file, VBA project, .xlsm.

Everything is checked with independent readers: oletools/olefile (the parsers
malware analysts use on real Office files), Excel-written projects shipped in
xlwings' quickstart workbook, and LibreOffice's own VBA import where installed.
"""

from __future__ import annotations

import io
import random
import re
import struct
import subprocess
import zipfile
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from complaint_xl.vba import (
    XLWINGS_MODULES,
    build_vba_project,
    compress,
    decompress,
    load_macro_sources,
)
from complaint_xl.vba.cfb import build_compound_file

MACROS_DIR = Path(__file__).resolve().parents[1] / "macros"
XLWINGS = resources.files("xlwings")
SHEETS = ["Sheet1", "Sheet2"]
BUTTON_MACROS = ["CheckEntries", "ChaseOverdue", "WeeklyReport", "ImportUdfs"]

# [MS-OVBA] 3.2.1-3.2.3: uncompressed text and the spec's compressed bytes.
SPEC_EXAMPLES = [
    (b"abcdefghijklmnopqrstuv.", "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00"
     " 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E"
     " 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
    (b"a" * 73, "01 03 B0 02 61 45 00"),
]  # fmt: skip


def oletools_decompress(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


def lines(text: str | bytes) -> list[str]:
    """Compare sources by lines only: the build may change line ends, nothing else."""
    if isinstance(text, bytes):
        text = text.decode("cp1252")
    return text.splitlines()


def modules_of(data: bytes, filename: str = "vbaProject.bin") -> dict[str, tuple[str, str]]:
    """Module name -> (file name olevba gives it, code) for a vbaProject.bin or .xlsm."""
    parser = VBA_Parser(filename, data=data)
    try:
        return {
            stream.split("/")[-1]: (vba_filename, code)
            for _, stream, vba_filename, code in parser.extract_macros()
        }
    finally:
        parser.close()


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return load_macro_sources(MACROS_DIR)


@pytest.fixture(scope="module")
def project(sources: dict[str, str]) -> bytes:
    return build_vba_project(sources, SHEETS)


@pytest.fixture(scope="module")
def excel_modules() -> dict[str, tuple[str, str]]:
    """Modules of a project Excel itself saved (xlwings' standalone quickstart)."""
    data = XLWINGS.joinpath("quickstart_standalone.xlsm").read_bytes()
    return modules_of(data, "quickstart_standalone.xlsm")


@pytest.fixture(scope="module")
def xlsm(project: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsm") / "register.xlsm"
    workbook = xlsxwriter.Workbook(path)
    workbook.set_vba_name("ThisWorkbook")
    register = workbook.add_worksheet("Register")
    register.set_vba_name(SHEETS[0])
    workbook.add_worksheet("Lists").set_vba_name(SHEETS[1])
    register.write("A1", "Complaint")
    register.insert_button("C2", {"macro": "CheckEntries", "caption": "Check entries"})
    workbook.add_vba_project(io.BytesIO(project), is_stream=True)
    workbook.close()
    return path


# --- compression -----------------------------------------------------------


@pytest.mark.parametrize(("plain", "packed"), SPEC_EXAMPLES)
def test_compression_matches_spec_examples(plain: bytes, packed: str) -> None:
    assert compress(plain) == bytes.fromhex(packed)
    assert decompress(bytes.fromhex(packed)) == plain
    assert oletools_decompress(bytes.fromhex(packed)) == plain


def text_like(size: int) -> bytes:
    words = [b"Dim ", b"As String", b"\r\n", b"    ", b"End Sub", b"RunPython ", b'"x"', b"If "]
    out = bytearray()
    index = 0
    while len(out) < size:
        out += words[(index * 7 + index // 5) % len(words)]
        index += 1
    return bytes(out[:size])


@pytest.mark.parametrize("size", [0, 1, 2, 3, 8, 9, 4095, 4096, 4097, 8192, 8193, 12345, 70000])
@pytest.mark.parametrize("kind", ["text", "repetitive", "random"])
def test_compression_round_trips_through_oletools(size: int, kind: str) -> None:
    data = {
        "text": text_like(size),
        "repetitive": ((b"\x00" * 5000 + b"ab" * 3000) * (1 + size // 11000))[:size],
        "random": random.Random(size).randbytes(size),
    }[kind]
    packed = compress(data)
    restored = oletools_decompress(packed)
    assert decompress(packed) == restored
    if kind == "random":
        # A final chunk that does not compress is stored raw, zero-padded to 4096.
        assert restored[: len(data)] == data
        assert set(restored[len(data) :]) <= {0}
        assert len(restored) in (len(data), -(-len(data) // 4096) * 4096)
    else:
        assert restored == data
        assert len(packed) < max(len(data) // 2, 16)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=9000) | st.text("ab \r\n", max_size=20000).map(str.encode))
def test_compression_round_trips_any_bytes(data: bytes) -> None:
    restored = oletools_decompress(compress(data))
    assert restored[: len(data)] == data
    assert set(restored[len(data) :]) <= {0}
    assert decompress(compress(data)) == restored


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Sub ", "End Sub", "\r\n", "x = 1", "    ", "'c"]), max_size=3000))
def test_compression_round_trips_source_like_text_exactly(parts: list[str]) -> None:
    data = "".join(parts).encode()
    assert oletools_decompress(compress(data)) == data


def test_decompress_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="signature"):
        decompress(b"\x02\x19\xb0")
    with pytest.raises(ValueError, match="before its chunk"):
        decompress(bytes.fromhex("01 03 B0 01 FF FF"))


# --- compound file ---------------------------------------------------------


def directory_tree_problems(ole: olefile.OleFileIO) -> list[str]:
    """Check every storage's children form a red-black search tree in CFB order."""
    problems = []

    def key(sid: int) -> tuple[int, str]:
        name = ole.direntries[sid].name
        return len(name), name.upper()

    def walk(sid: int) -> tuple[list[int], int]:
        if sid == olefile.NOSTREAM:
            return [], 1
        entry = ole.direntries[sid]
        left, left_black = walk(entry.sid_left)
        right, right_black = walk(entry.sid_right)
        if left_black != right_black:
            problems.append(f"{entry.name}: unequal black height")
        if entry.color == 0:  # red
            for child in (entry.sid_left, entry.sid_right):
                if child != olefile.NOSTREAM and ole.direntries[child].color == 0:
                    problems.append(f"{entry.name}: red node with red child")
        return [*left, sid, *right], left_black + entry.color

    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            if entry.sid_child != olefile.NOSTREAM and ole.direntries[entry.sid_child].color == 0:
                problems.append(f"{entry.name}: red tree root")
            order, _ = walk(entry.sid_child)
            if [key(sid) for sid in order] != sorted(key(sid) for sid in order):
                problems.append(f"{entry.name}: children out of CFB order")
    return problems


def test_compound_file_reads_back_with_olefile() -> None:
    # Names of every length, sizes on both sides of the mini-stream cutoff, and
    # enough data for a FAT of several sectors.
    streams = {
        f"S{'x' * (index % 9)}{index}/{'n' * (index % 5)}{index}": bytes([index]) * (index * 997)
        for index in range(1, 60)
    }
    streams["top"] = b"root level"
    streams["empty"] = b""
    data = build_compound_file(streams)
    assert len(data) % 512 == 0
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(path) for path in ole.listdir()) == sorted(streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content
    assert directory_tree_problems(ole) == []


@pytest.mark.parametrize("bad", [{"a/b": b"", "a/b/c": b""}, {"x": b"", "X": b""}, {"a" * 32: b""}])
def test_compound_file_rejects_impossible_layouts(bad: dict[str, bytes]) -> None:
    with pytest.raises(ValueError):
        build_compound_file(bad)


# --- VBA project -----------------------------------------------------------


def test_macro_files_are_ascii_crlf_with_constant_runpython_strings() -> None:
    paths = sorted(MACROS_DIR.glob("*.bas"))
    assert [p.name for p in paths] == ["ComplaintXL.bas"]
    for path in paths:
        raw = path.read_bytes()
        assert raw.isascii()
        assert raw.count(b"\n") == raw.count(b"\r\n") > 0
    text = (MACROS_DIR / "ComplaintXL.bas").read_text(encoding="ascii")
    for name in BUTTON_MACROS:
        assert re.search(rf"^Public Sub {name}\(\)$", text, re.MULTILINE)
    code = [line.strip() for line in text.splitlines() if not line.lstrip().startswith("'")]
    calls = [line for line in code if "RunPython" in line]
    assert len(calls) == 3
    # A literal only: nothing from the workbook can be concatenated into Python code.
    for call in calls:
        assert re.fullmatch(r'RunPython "import complaint_xl\.xl\.buttons as b; b\.\w+\(\)"', call)


def test_sources_include_xlwings_standalone_modules(sources: dict[str, str]) -> None:
    assert list(sources) == ["ComplaintXL", *XLWINGS_MODULES]
    bundled = XLWINGS.joinpath("xlwings.bas").read_text(encoding="cp1252")
    assert sources["xlwings"] == bundled
    assert "Function RunPython(" in bundled
    assert list(load_macro_sources(MACROS_DIR, include_xlwings=False)) == ["ComplaintXL"]


def test_loader_names_modules_like_excel_import(tmp_path: Path) -> None:
    (tmp_path / "b.bas").write_text('Attribute VB_Name = "Named"\r\nSub B()\r\nEnd Sub\r\n')
    (tmp_path / "Plain.bas").write_text("Sub P()\nEnd Sub\n")
    loaded = load_macro_sources(tmp_path, include_xlwings=False)
    assert sorted(loaded) == ["Named", "Plain"]  # declared name first, else file stem
    (tmp_path / "c.bas").write_text('Attribute VB_Name = "NAMED"\r\n')
    with pytest.raises(ValueError, match="defined twice"):
        load_macro_sources(tmp_path, include_xlwings=False)


def test_project_modules_read_back_equal(sources: dict[str, str], project: bytes) -> None:
    modules = modules_of(project)
    assert list(modules) == ["ThisWorkbook", *SHEETS, *sources]
    for name in ("ComplaintXL", "xlwings"):
        filename, code = modules[name]
        assert filename == f"{name}.bas"
        assert lines(code) == lines(sources[name])
    # Stored with CRLF even when given LF, as the VBA editor stores it.
    raw = olefile.OleFileIO(project).openstream("VBA/ComplaintXL").read()
    crlf = sources["ComplaintXL"].replace("\r\n", "\n").replace("\n", "\r\n")
    assert decompress(raw) == crlf.encode("ascii")


def test_document_modules_match_what_excel_writes(
    project: bytes, excel_modules: dict[str, tuple[str, str]]
) -> None:
    modules = modules_of(project)
    for name in ("ThisWorkbook", *SHEETS):
        assert modules[name][0] == f"{name}.cls"  # olevba: MODULETYPE is document/class
    assert lines(modules["ThisWorkbook"][1]) == lines(excel_modules["ThisWorkbook"][1])
    assert lines(modules["Sheet2"][1]) == lines(excel_modules["Sheet2"][1])
    project_text = olefile.OleFileIO(project).openstream("PROJECT").read().decode("cp1252")
    listed = re.findall(r"^(Document|Module|Class)=(\w+)", project_text, re.MULTILINE)
    assert listed == [
        ("Document", "ThisWorkbook"),
        ("Document", "Sheet1"),
        ("Document", "Sheet2"),
        ("Module", "ComplaintXL"),
        ("Module", "xlwings"),
        ("Class", "Dictionary"),
    ]


def dir_records(vba_project: bytes) -> list[tuple[int, bytes]]:
    """The records of the decompressed `dir` stream ([MS-OVBA] 2.3.4.2)."""
    data = oletools_decompress(olefile.OleFileIO(vba_project).openstream("VBA/dir").read())
    records, position = [], 0
    while position < len(data):
        record_id, size = struct.unpack_from("<HI", data, position)
        if record_id == 0x0009:  # PROJECTVERSION: its "size" is a reserved 4, payload is 6
            size = 6
        records.append((record_id, data[position + 6 : position + 6 + size]))
        position += 6 + size
    return records


def module_records(records: list[tuple[int, bytes]]) -> dict[str, dict[int, bytes]]:
    """Module name -> {record id: payload}, from MODULENAME (0x19) to its terminator."""
    modules: dict[str, dict[int, bytes]] = {}
    current: dict[int, bytes] = {}
    for record_id, payload in records:
        if record_id == 0x0019:
            current = modules.setdefault(payload.decode("cp1252"), {})
        current[record_id] = payload
        if record_id == 0x002B:  # module terminator
            current = {}
    return modules


def test_dir_stream_has_excel_structure(project: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(XLWINGS.joinpath("quickstart_standalone.xlsm").read_bytes())) as z:
        excel = dir_records(z.read("xl/vbaProject.bin"))
    ours = dir_records(project)

    def information(records: list[tuple[int, bytes]]) -> list[int]:
        ids = [record_id for record_id, _ in records]
        return ids[: ids.index(0x0016)]  # up to the first reference

    assert information(ours) == information(excel)
    assert ours[-1] == (0x0010, b"")
    modules = module_records(ours)
    excel_module = module_records(excel)["xlwings"]
    kinds = {"ThisWorkbook": 0x22, "Sheet1": 0x22, "Sheet2": 0x22, "Dictionary": 0x22}
    kinds |= {"ComplaintXL": 0x21, "xlwings": 0x21}  # document/class vs standard module
    assert {name: {0x21, 0x22} & set(records) for name, records in modules.items()} == {
        name: {kind} for name, kind in kinds.items()
    }
    for records in modules.values():
        # Same records in the same order, the type record aside (checked above).
        assert [0x21 if i == 0x22 else i for i in records] == list(excel_module)
        assert records[0x0031] == bytes(4)  # source at offset 0: no p-code to trust
    count = next(payload for record_id, payload in ours if record_id == 0x000F)
    assert struct.unpack("<H", count) == (len(kinds),)


def test_class_module_matches_what_excel_writes(
    project: bytes, excel_modules: dict[str, tuple[str, str]]
) -> None:
    filename, ours = modules_of(project)["Dictionary"]
    excel = lines(excel_modules["Dictionary"][1])
    assert filename == "Dictionary.cls"
    assert lines(ours)[:8] == excel[:8]  # the attribute block Excel stores
    # The VBA editor re-cases identifiers it knows (err -> Err); nothing else differs.
    assert [line.lower() for line in lines(ours)] == [line.lower() for line in excel]


def decrypt(hex_text: str) -> tuple[int, bytes]:
    """[MS-OVBA] 2.4.3.3 data decryption; returns (project key, data)."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = raw[:3]
    assert seed ^ version_enc == 2
    plain = bytearray()
    unencrypted, encrypted1, encrypted2 = seed ^ key_enc, key_enc, version_enc
    for byte in raw[3:]:
        value = byte ^ ((encrypted2 + unencrypted) & 0xFF)
        plain.append(value)
        encrypted2, encrypted1, unencrypted = encrypted1, byte, value
    filler = (seed & 6) // 2
    length = int.from_bytes(plain[filler : filler + 4], "little")
    assert len(plain) == filler + 4 + length
    return seed ^ key_enc, bytes(plain[filler + 4 :])


def project_fields(data: bytes) -> dict[str, str]:
    text = olefile.OleFileIO(data).openstream("PROJECT").read().decode("cp1252")
    return dict(re.findall(r'^(\w+)="([^"]*)"', text, re.MULTILINE))


def test_protection_fields_say_unprotected_and_visible(project: bytes) -> None:
    # The decryption is first checked on the fields Excel wrote for xlwings.
    with zipfile.ZipFile(io.BytesIO(XLWINGS.joinpath("quickstart_standalone.xlsm").read_bytes())) as z:
        excel = project_fields(z.read("xl/vbaProject.bin"))
    for fields in (excel, project_fields(project)):
        key = sum(fields["ID"].encode()) & 0xFF
        assert decrypt(fields["CMG"]) == (key, bytes(4))
        assert decrypt(fields["DPB"]) == (key, b"\x00")
        assert decrypt(fields["GC"]) == (key, b"\xff")


def test_project_stream_layout(project: bytes) -> None:
    ole = olefile.OleFileIO(project, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    assert ole.openstream("PROJECTwm").read().startswith(b"ThisWorkbook\x00T\x00h\x00")
    assert directory_tree_problems(ole) == []


def test_build_is_reproducible(sources: dict[str, str], project: bytes) -> None:
    assert build_vba_project(sources, SHEETS) == project
    assert build_vba_project(sources, ["Sheet1"]) != project


@pytest.mark.parametrize(
    ("modules", "sheets", "message"),
    [
        ({"M": 'x = "caf\u00e9"\n'}, [], "not ASCII"),
        ({"M": 'Attribute VB_Name = "Other"\r\n'}, [], "declares"),
        ({"sheet1": "\n"}, ["Sheet1"], "used twice"),
        ({"1st": "\n"}, [], "not a VBA module name"),
        ({"dir": "\n"}, [], "clashes"),
        ({}, ["Bad Name"], "not a VBA module name"),
    ],
)
def test_build_rejects_bad_modules(modules: dict[str, str], sheets: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project(modules, sheets)


def test_module_without_vb_name_gets_one() -> None:
    modules = modules_of(build_vba_project({"Plain": "Sub A()\nEnd Sub\n"}, []))
    assert lines(modules["Plain"][1]) == ['Attribute VB_Name = "Plain"', "Sub A()", "End Sub"]


# --- workbook --------------------------------------------------------------


def test_xlsm_contains_every_module(xlsm: Path, sources: dict[str, str]) -> None:
    modules = modules_of(xlsm.read_bytes(), xlsm.name)
    assert set(modules) == {"ThisWorkbook", *SHEETS, "ComplaintXL", *XLWINGS_MODULES}
    assert lines(modules["ComplaintXL"][1]) == lines(sources["ComplaintXL"])
    assert lines(modules["xlwings"][1]) == lines(sources["xlwings"])
    with zipfile.ZipFile(xlsm) as z:
        names = z.namelist()
        code_names = re.findall(
            rb'codeName="(\w+)"', b"".join(z.read(n) for n in names if n.endswith(".xml"))
        )
        vml = b"".join(z.read(n) for n in names if n.endswith(".vml"))
    # Excel pairs sheets with document modules by code name.
    assert sorted(code_names) == sorted(name.encode() for name in ["ThisWorkbook", *SHEETS])
    assert b"CheckEntries" in vml
    assert "Public Sub CheckEntries()" in modules["ComplaintXL"][1]


def test_libreoffice_imports_the_vba_project(xlsm: Path, sources: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(xlsm),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ods = tmp_path / "register.ods"
    assert ods.exists(), result.stdout + result.stderr
    script = "{http://openoffice.org/2000/script}"
    kinds = {"ThisWorkbook": "document", "Sheet1": "document", "Sheet2": "document"}
    kinds |= {"ComplaintXL": "normal", "xlwings": "normal", "Dictionary": "class"}
    with zipfile.ZipFile(ods) as z:
        for name, kind in kinds.items():
            module = ElementTree.fromstring(z.read(f"Basic/VBAProject/{name}.xml"))
            assert module.get(f"{script}moduleType") == kind
            if name in ("ComplaintXL", "xlwings"):
                # LibreOffice drops Attribute lines and adds its own two header lines.
                code = [line for line in lines(module.text or "") if line][2:]
                ours = [x for x in lines(sources[name]) if x and not x.startswith("Attribute ")]
                assert code == ours
        content = z.read("content.xml").decode()
    # The button resolved to the Sub inside our module, not to a dangling name.
    assert "vnd.sun.star.script:VBAProject.ComplaintXL.CheckEntries?" in content
