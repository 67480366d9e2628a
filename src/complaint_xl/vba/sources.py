"""Collect the VBA module sources that go into the workbook's project."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from complaint_xl.vba.project import declared_name

__all__ = ["XLWINGS_MODULES", "load_macro_sources"]

# xlwings' standalone VBA, read from the installed package so it always matches
# the Python side's version. Dictionary is what xlwings.bas uses on Mac in place
# of Scripting.Dictionary; without it that module does not compile there.
XLWINGS_MODULES = {"xlwings": "xlwings.bas", "Dictionary": "addin/Dictionary.cls"}


def load_macro_sources(macros_dir: Path, include_xlwings: bool = True) -> dict[str, str]:
    """Map module name to source for every `macros_dir/*.bas`, plus xlwings' modules.

    The name comes from the file's `Attribute VB_Name` line (else the file
    stem), as Excel's own import does. Files are read as code page 1252, the
    project's code page; `build_vba_project` then rejects anything not ASCII.
    Embedding xlwings' modules makes RunPython work without the xlwings add-in.
    """
    found = [(p.stem, p.read_text(encoding="cp1252")) for p in sorted(macros_dir.glob("*.bas"))]
    if include_xlwings:
        package = resources.files("xlwings")
        found += [
            (name, package.joinpath(resource).read_text(encoding="cp1252"))
            for name, resource in XLWINGS_MODULES.items()
        ]
    sources: dict[str, str] = {}
    for stem, text in found:
        name = declared_name(text) or stem
        if name.upper() in (known.upper() for known in sources):
            raise ValueError(f"VBA module {name!r} is defined twice")
        sources[name] = text
    return sources
