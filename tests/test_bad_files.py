"""Files that cannot be used: one line saying what is wrong, exit code 2, never a traceback."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.conftest import AS_OF, DATA, row

from complaint_xl import UnusableFile, load


def _xlsx_bytes(make_xlsx) -> bytes:
    path = make_xlsx([row(customer="甲", type="售后", problem="开裂 3 张", owner="李明")])
    return path.read_bytes()


def _entity_bomb(good: bytes) -> bytes:
    """The same workbook with a billion-laughs DOCTYPE in its shared strings part."""
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
                data = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">'
                        + lol.encode() + b"]>" + data.split(b"?>", 1)[1])
            dst.writestr(info, data)
    return out.getvalue()


def _zip_bomb(good: bytes) -> bytes:
    """A workbook with a 300 MB part of zeros that compresses a thousandfold."""
    out = io.BytesIO(good)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/big.bin", "w") as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(300):
            fh.write(chunk)
    return out.getvalue()


CASES = {
    "missing": ("not-found", None),
    "folder": ("is-folder", None),
    "empty": ("empty", b""),
    "png": ("not-spreadsheet", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    "text-as-xlsx": ("not-spreadsheet", "客户,投诉项目\n甲,售后\n".encode()),
    "truncated": ("damaged", "half"),
    "encrypted": ("encrypted", "encrypted"),
    "entity-bomb": ("xml-entities", "entity"),
    "zip-bomb": ("too-large", "zipbomb"),
    "no-register": ("no-register", "noregister"),
}


def _make_case(name: str, tmp_path: Path, make_xlsx) -> Path:
    content = CASES[name][1]
    path = tmp_path / f"{name}.xlsx"
    if name == "missing":
        return path
    if name == "folder":
        path.mkdir()
        return path
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "half":
        good = _xlsx_bytes(make_xlsx)
        path.write_bytes(good[: len(good) // 2])
    elif content == "encrypted":
        path.write_bytes((DATA / "encrypted.xlsx").read_bytes())
    elif content == "entity":
        path.write_bytes(_entity_bomb(_xlsx_bytes(make_xlsx)))
    elif content == "zipbomb":
        path.write_bytes(_zip_bomb(_xlsx_bytes(make_xlsx)))
    elif content == "noregister":
        path = make_xlsx([["甲", 3]], header=["月份", "数量"], name="noregister.xlsx")
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_load_refuses_with_a_reason(name: str, tmp_path: Path, make_xlsx) -> None:
    path = _make_case(name, tmp_path, make_xlsx)
    with pytest.raises(UnusableFile) as info:
        load(path, as_of=AS_OF)
    assert info.value.key == CASES[name][0]
    for lang in ("zh", "en"):
        message = info.value.message(lang)
        assert "\n" not in message and str(path) in message


@pytest.mark.parametrize("command", ["validate", "chase", "report"])
@pytest.mark.parametrize("name", ["missing", "folder", "empty", "png", "truncated", "encrypted",
                                  "entity-bomb", "no-register"])
def test_every_command_exits_2_with_one_line(command: str, name: str, tmp_path: Path,
                                             make_xlsx) -> None:
    path = _make_case(name, tmp_path, make_xlsx)
    before = path.read_bytes() if path.is_file() else None
    out = tmp_path / "out"
    args = [sys.executable, "-m", "complaint_xl", command, str(path), "--today", "2026-11-29",
            "--out", str(out / "x.xlsx" if command == "validate" else out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and lines[0].startswith("complaint-xl: ")
    assert done.stdout == ""
    # The file is untouched and no output was left behind.
    assert (path.read_bytes() if path.is_file() else None) == before
    assert not out.exists() or not any(out.iterdir())


def test_lock_file_beside_the_register_is_noted(make_xlsx) -> None:
    path = make_xlsx([row(customer="甲", type="售后", problem="开裂 3 张", owner="李明")], name="reg.xlsx")
    (path.parent / "~$reg.xlsx").write_bytes(b"\0" * 165)
    loaded = load(path, as_of=AS_OF)
    assert loaded.register.notes == [("locked", {"path": str(path)})]
    assert len(loaded.register) == 1
