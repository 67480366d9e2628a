"""Code that runs where most users are: Windows, macOS and Linux alike.

Python's strftime hands its format to the C library: ``%-d`` works on Linux and
macOS and raises on Windows, ``%#d`` is the reverse. Only the codes every platform's
C library knows may appear anywhere in the product.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from complaint_xl.sample import make_register

ROOT = Path(__file__).resolve().parent.parent
PORTABLE = set("aAbBcdHIjmMpSUwWxXyYZGuVgCDeFhnrRtT%")
"""C99's strftime codes, which the Microsoft C runtime also implements."""
_CODE = re.compile(r"%(.)")


def _format_strings() -> list[tuple[str, int, str]]:
    """Every string constant of src/ that is a strftime/strptime format (place and text)."""
    found = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("strftime", "strptime")):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.append((str(path.relative_to(ROOT)), arg.lineno, arg.value))
    return found


def test_the_scan_sees_the_formats_the_product_uses() -> None:
    formats = {text for _, _, text in _format_strings()}
    assert "%Y-%m-%d" in formats  # the scan is not blind


@pytest.mark.parametrize(("place", "line", "text"), _format_strings())
def test_every_date_format_is_portable(place: str, line: int, text: str) -> None:
    odd = [c for c in _CODE.findall(text) if c not in PORTABLE]
    assert not odd, f"{place}:{line}: {text!r} uses {odd}, which Windows (or POSIX) lacks"


def test_templates_format_no_dates_with_platform_codes() -> None:
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            for call in re.findall(r"strftime\(([^)]*)\)", path.read_text(encoding="utf-8")):
                assert not set(_CODE.findall(call)) - PORTABLE, (path, call)


def test_the_sample_register_is_made_as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows' C library rejects '%-d': do the same here, and the demo data must still come out.
    real = pd.Timestamp.strftime

    def windows_strftime(self: pd.Timestamp, fmt: str) -> str:
        if re.search(r"%[-#]", fmt):
            raise ValueError("Invalid format string")
        return real(self, fmt)

    monkeypatch.setattr(pd.Timestamp, "strftime", windows_strftime)
    frame = make_register(240, as_of=pd.Timestamp("2026-11-30").date(), seed=7)
    texts = [v for v in frame["raised_on"] if isinstance(v, str)]
    assert texts and all(re.fullmatch(r"\d{4}\.\d{1,2}\.\d{1,2}", t) for t in texts)


def test_xlsxwriter_is_pinned_to_the_minor_version_whose_private_parts_we_use() -> None:
    # outputs/xlsx_rows.py streams rows past XlsxWriter (its _get_xf_index, its sheet XML):
    # a new minor release may change those, so it must be tested here before users get it.
    from importlib.metadata import version

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    spec = re.search(r'"xlsxwriter>=(\d+)\.(\d+)[^,"]*,<(\d+)\.(\d+)"', text)
    assert spec, "xlsxwriter must have a lower and an upper bound"
    low, high = (int(spec[1]), int(spec[2])), (int(spec[3]), int(spec[4]))
    assert high == (low[0], low[1] + 1), "one minor version only"
    installed = tuple(int(p) for p in version("xlsxwriter").split(".")[:2])
    assert installed == low
