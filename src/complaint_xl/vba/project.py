"""Build a source-only vbaProject.bin ([MS-OVBA]) from VBA module text.

No p-code is written: _VBA_PROJECT carries version 0xFFFF and every module's
source starts at offset 0, so Excel (Windows or Mac, any bitness) compiles the
project from source when the workbook is opened, which is what the spec
prescribes for interoperable writers.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from complaint_xl.vba.cfb import build_compound_file
from complaint_xl.vba.compression import compress

__all__ = ["build_vba_project", "declared_name"]

_PROJECT_NAME = "VBAProject"
_CODE_PAGE = 1252
_ENCODING = "cp1252"
_LCID = 0x0409
_SYSKIND_WIN64 = 0x00000003
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
# The references Excel gives every new project; VBA resolves them by GUID, not path.
_REFERENCES = (
    (
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0"
        r"#C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0"
        r"#C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
        r"#Microsoft Office 16.0 Object Library",
    ),
)
# _VBA_PROJECT as in [MS-OVBA] 3.1.1: version 0xFFFF makes Excel ignore caches.
_VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")
# Plain values of the encrypted PROJECT fields CMG, DPB and GC ([MS-OVBA] 2.3.1.15-17).
_UNPROTECTED = bytes(4)
_NO_PASSWORD = b"\x00"
_VISIBLE = b"\xff"
# "dir" and "_VBA_PROJECT" are streams beside the modules; the project name would clash too.
_RESERVED_NAMES = {"DIR", "_VBA_PROJECT", _PROJECT_NAME.upper()}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_VB_NAME = re.compile(r'^Attribute\s+VB_Name\s*=\s*"([^"]*)"\s*$', re.IGNORECASE | re.MULTILINE)
_ATTRIBUTE = re.compile(r"Attribute\s+(VB_\w+)\s*=\s*(.*?)\s*", re.IGNORECASE)
_CLASS_HEADER = re.compile(r"VERSION\s+1\.0\s+CLASS\s*", re.IGNORECASE)


@dataclass(frozen=True)
class _Module:
    name: str
    source: bytes  # stored text: Attribute lines then code, CRLF, code page 1252
    document: bool  # document and class modules share MODULETYPE 0x22
    project_line: str  # how the PROJECT stream lists it


def _check_name(name: str) -> None:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} is not a VBA module name (a letter, then up to 30 letters, digits or _)")
    if name.upper() in _RESERVED_NAMES:
        raise ValueError(f"{name!r} clashes with a stream of the VBA project")


def _lines(name: str, text: str) -> list[str]:
    """Split into lines, insisting on ASCII so every Excel code page reads it alike."""
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.isascii():
            raise ValueError(f"module {name!r} line {number} is not ASCII: {line!r}")
    return lines


def _header(name: str, base: str, **flags: bool) -> list[str]:
    """The attribute block Excel stores first in a document or class module."""
    lines = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"']
    lines += [f"Attribute VB_{key} = {value}" for key, value in flags.items()]
    return lines


def _document_module(name: str, base: str) -> _Module:
    lines = _header(
        name,
        base,
        GlobalNameSpace=False,
        Creatable=False,
        PredeclaredId=True,
        Exposed=True,
        TemplateDerived=False,
        Customizable=True,
    )
    return _Module(name, _encode(lines), True, f"Document={name}/&H00000000")


def _class_module(name: str, lines: list[str]) -> _Module:
    """Turn an exported .cls (VERSION/BEGIN..END header) into the form Excel stores."""
    body = lines[1:]
    end = next((i for i, line in enumerate(body) if line.strip().upper() == "END"), None)
    if end is None:
        raise ValueError(f"class module {name!r} has no END after its BEGIN block")
    body = body[end + 1 :]
    flags = dict.fromkeys(
        ("GlobalNameSpace", "Creatable", "PredeclaredId", "Exposed", "TemplateDerived", "Customizable"),
        False,
    )
    # The leading VB_Name/flag attributes are replaced by Excel's full, ordered block.
    while body and (match := _ATTRIBUTE.fullmatch(body[0])):
        key = match.group(1)[3:]
        if key.upper() == "NAME":
            _check_vb_name(name, match.group(2).strip('"'))
        elif key in flags:
            flags[key] = match.group(2).upper() == "TRUE"
        else:
            break  # e.g. VB_Description stays in the code, as Excel keeps it
        body = body[1:]
    return _Module(name, _encode(_header(name, _CLASS_BASE, **flags) + body), True, f"Class={name}")


def _check_vb_name(name: str, declared: str) -> None:
    if declared != name:
        raise ValueError(f"module {name!r} declares Attribute VB_Name = {declared!r}")


def declared_name(source: str) -> str | None:
    """The name a .bas/.cls text gives itself in an `Attribute VB_Name` line, if any."""
    match = _VB_NAME.search(source)
    return match.group(1) if match else None


def _standard_module(name: str, lines: list[str]) -> _Module:
    if lines and (declared := declared_name(lines[0])) is not None:
        _check_vb_name(name, declared)
        lines = lines[1:]
    source = _encode([f'Attribute VB_Name = "{name}"', *lines])
    return _Module(name, source, False, f"Module={name}")


def _encode(lines: list[str]) -> bytes:
    # VBA stores CRLF line ends and ends the last line too.
    return "".join(line + "\r\n" for line in lines).encode(_ENCODING)


def _record(record_id: int, payload: bytes = b"") -> bytes:
    """A dir stream record: u16 id, u32 size, payload ([MS-OVBA] 2.3.4.2)."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text_records(record_id: int, unicode_id: int, text: str) -> bytes:
    """The MBCS record followed by its UTF-16 twin, a pattern most dir strings use."""
    return _record(record_id, text.encode(_ENCODING)) + _record(unicode_id, text.encode("utf-16-le"))


def _dir_stream(modules: Sequence[_Module]) -> bytes:
    u16, u32 = struct.Struct("<H").pack, struct.Struct("<I").pack
    parts = [
        _record(0x0001, u32(_SYSKIND_WIN64)),
        _record(0x0002, u32(_LCID)),
        _record(0x0014, u32(_LCID)),  # LCID for Invoke
        _record(0x0003, u16(_CODE_PAGE)),
        _record(0x0004, _PROJECT_NAME.encode(_ENCODING)),
        _text_records(0x0005, 0x0040, ""),  # doc string
        _text_records(0x0006, 0x003D, ""),  # help file path (two copies)
        _record(0x0007, u32(0)),  # help context
        _record(0x0008, u32(0)),  # lib flags
        struct.pack("<HIIH", 0x0009, 4, 1, 0),  # version: reserved size 4, major, minor
        _text_records(0x000C, 0x003C, ""),  # conditional compilation constants
    ]
    for name, libid in _REFERENCES:
        encoded = libid.encode(_ENCODING)
        parts.append(_text_records(0x0016, 0x003E, name))
        parts.append(_record(0x000D, u32(len(encoded)) + encoded + u32(0) + u16(0)))
    parts.append(_record(0x000F, u16(len(modules))))
    parts.append(_record(0x0013, u16(0xFFFF)))  # project cookie, 0xFFFF on write
    for module in modules:
        parts += [
            _text_records(0x0019, 0x0047, module.name),
            _text_records(0x001A, 0x0032, module.name),  # stream name
            _text_records(0x001C, 0x0048, ""),  # doc string
            _record(0x0031, u32(0)),  # source text offset: no p-code before it
            _record(0x001E, u32(0)),  # help context
            _record(0x002C, u16(0xFFFF)),  # module cookie, 0xFFFF on write
            _record(0x0022 if module.document else 0x0021),
            _record(0x002B),  # module terminator
        ]
    parts.append(_record(0x0010))  # end of dir
    return b"".join(parts)


def _encrypt(project_id: str, data: bytes, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption, used for the CMG/DPB/GC project fields.

    The spec lets the ignored filler be any bytes; zeros keep builds reproducible.
    """
    version, project_key = 2, sum(project_id.encode(_ENCODING)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted, encrypted1, encrypted2 = project_key, out[2], out[1]
    filler = bytes((seed & 6) // 2)
    for byte in filler + struct.pack("<I", len(data)) + data:
        encrypted = byte ^ ((encrypted2 + unencrypted) & 0xFF)
        out.append(encrypted)
        encrypted2, encrypted1, unencrypted = encrypted1, encrypted, byte
    return out.hex().upper()


def _project_stream(project_id: str, modules: Sequence[_Module]) -> bytes:
    """The PROJECT stream text ([MS-OVBA] 2.3.1): an unprotected, visible project."""
    seeds = hashlib.sha256(project_id.encode()).digest()
    lines = [f'ID="{project_id}"', *(m.project_line for m in modules)]
    lines += [
        f'Name="{_PROJECT_NAME}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(project_id, _UNPROTECTED, seeds[0])}"',
        f'DPB="{_encrypt(project_id, _NO_PASSWORD, seeds[1])}"',
        f'GC="{_encrypt(project_id, _VISIBLE, seeds[2])}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
    ]
    return "".join(line + "\r\n" for line in lines).encode(_ENCODING)


def _project_wm(modules: Sequence[_Module]) -> bytes:
    """PROJECTwm: each module name in MBCS and UTF-16, NUL-terminated ([MS-OVBA] 2.3.3)."""
    names = b"".join(
        m.name.encode(_ENCODING) + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00" for m in modules
    )
    return names + b"\x00\x00"


def build_vba_project(
    modules: Mapping[str, str],
    sheet_codenames: Sequence[str],
    workbook_codename: str = "ThisWorkbook",
) -> bytes:
    """Return vbaProject.bin bytes for XlsxWriter's `add_vba_project`.

    `modules` maps module name to its exported text (.bas, or .cls for a class
    module); a leading `Attribute VB_Name` line must agree with the name and
    any line ending is accepted. The workbook and sheet document modules are
    generated empty, so their code names must match XlsxWriter's `set_vba_name`
    calls. Raises ValueError for bad or clashing names and non-ASCII source.
    """
    built = [_document_module(workbook_codename, _WORKBOOK_BASE)]
    built += [_document_module(name, _WORKSHEET_BASE) for name in sheet_codenames]
    for name, text in modules.items():
        lines = _lines(name, text)
        if lines and _CLASS_HEADER.fullmatch(lines[0]):
            built.append(_class_module(name, lines))
        else:
            built.append(_standard_module(name, lines))
    seen: set[str] = set()
    for module in built:
        _check_name(module.name)
        # VBA identifiers are case-insensitive, as are the CFB stream names.
        if module.name.upper() in seen:
            raise ValueError(f"module name {module.name!r} is used twice")
        seen.add(module.name.upper())

    # Derived from the content so the same sources always give the same bytes.
    digest = hashlib.sha256(b"".join(m.name.encode() + m.source for m in built)).digest()
    project_id = "{" + str(uuid.UUID(bytes=digest[:16], version=4)).upper() + "}"
    streams = {
        "PROJECT": _project_stream(project_id, built),
        "PROJECTwm": _project_wm(built),
        "VBA/_VBA_PROJECT": _VBA_PROJECT_STREAM,
        "VBA/dir": compress(_dir_stream(built)),
    }
    streams.update({f"VBA/{m.name}": compress(m.source) for m in built})
    return build_compound_file(streams)
