"""LibreOffice as an independent reader of the built workbook: what it sees, what it draws.

``to_fods`` converts the .xlsm to flat ODF XML, in which the buttons (with their
macro bindings), validations, conditional formats and names can be read with
ElementTree. ``render_png`` draws the register sheet: buttons are not printable in
Excel's default, so the flat file is patched to print them before it becomes a PDF.

Regenerate the README picture with ``python tests/workbook_helpers.py docs/workbook.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "form": "urn:oasis:names:tc:opendocument:xmlns:form:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def convert(source: Path, fmt: str, out_dir: Path) -> Path:
    """``soffice --headless --convert-to`` with a private profile (parallel runs don't clash)."""
    with tempfile.TemporaryDirectory(prefix="lo-wb-") as profile:
        result = subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(out_dir), str(source)],
            capture_output=True, text=True, timeout=180, check=False,
        )
    target = out_dir / f"{source.stem}.{fmt.split(':')[0]}"
    if not target.exists():
        raise RuntimeError(f"LibreOffice did not convert {source}: {result.stdout} {result.stderr}")
    return target


def to_fods(source: Path, out_dir: Path) -> ElementTree.Element:
    return ElementTree.parse(convert(source, "fods", out_dir)).getroot()


def buttons(root: ElementTree.Element) -> dict[str, str]:
    """Button label -> the macro its 'perform action' event runs."""
    found = {}
    for button in root.iter(f"{{{NS['form']}}}button"):
        for listener in button.iter(f"{{{NS['script']}}}event-listener"):
            href = listener.get(f"{{{NS['xlink']}}}href", "")
            m = re.search(r"vnd\.sun\.star\.script:VBAProject\.(\w+)\.(\w+)\?", href)
            if m and listener.get(f"{{{NS['script']}}}event-name") == "form:performaction":
                found[button.get(f"{{{NS['form']}}}label", "")] = f"{m[1]}.{m[2]}"
    return found


def sheet_validations(root: ElementTree.Element, sheet: str) -> dict[str, dict[str, str]]:
    """Validation name -> {condition, help title, help text, error type} for those a sheet uses."""
    used: set[str] = set()
    for table in root.iter(f"{{{NS['table']}}}table"):
        if table.get(f"{{{NS['table']}}}name") == sheet:
            for cell in table.iter(f"{{{NS['table']}}}table-cell"):
                name = cell.get(f"{{{NS['table']}}}content-validation-name")
                if name:
                    used.add(name)
    out = {}
    for v in root.iter(f"{{{NS['table']}}}content-validation"):
        name = v.get(f"{{{NS['table']}}}name", "")
        if name not in used:
            continue
        help_ = v.find("table:help-message", NS)
        error = v.find("table:error-message", NS)
        out[name] = {
            "condition": v.get(f"{{{NS['table']}}}condition", ""),
            "help_title": help_.get(f"{{{NS['table']}}}title", "") if help_ is not None else "",
            "help_text": "".join(help_.itertext()) if help_ is not None else "",
            "error_type": error.get(f"{{{NS['table']}}}message-type", "") if error is not None else "",
        }
    return out


def conditional_formats(root: ElementTree.Element) -> list[tuple[str, str]]:
    """(target range, formula condition) of every conditional format."""
    out = []
    for cf in root.iter(f"{{{NS['calcext']}}}conditional-format"):
        target = cf.get(f"{{{NS['calcext']}}}target-range-address", "")
        for cond in cf.iter(f"{{{NS['calcext']}}}condition"):
            out.append((target, cond.get(f"{{{NS['calcext']}}}value", "")))
    return out


def names(root: ElementTree.Element) -> dict[str, str]:
    """Defined name -> its range or expression."""
    out = {}
    for nr in root.iter(f"{{{NS['table']}}}named-range"):
        out[nr.get(f"{{{NS['table']}}}name", "")] = nr.get(f"{{{NS['table']}}}cell-range-address", "")
    for ne in root.iter(f"{{{NS['table']}}}named-expression"):
        out[ne.get(f"{{{NS['table']}}}name", "")] = ne.get(f"{{{NS['table']}}}expression", "")
    return out


def render_png(source: Path, out_dir: Path, *, dpi: int = 60, pages: int = 1,
               actual_size: bool = False) -> list[Path]:
    """PNG pages of the workbook's first sheet as LibreOffice draws it, buttons included.

    ``actual_size`` prints at 100% on a wide page instead of the workbook's fit-to-width, which
    LibreOffice applies to cells but not to the buttons' captions: a screen-like picture.
    """
    fods = convert(source, "fods", out_dir)
    text = fods.read_text(encoding="utf-8").replace('form:printable="false"', 'form:printable="true"')
    if actual_size:  # the first sheet's page layout only
        first = re.search(r'<table:table table:name="[^"]*" table:style-name="([^"]+)"', text)[1]
        master = re.search(rf'<style:style style:name="{first}"[^>]*style:master-page-name="([^"]+)"',
                           text)[1]
        layout = re.search(rf'<style:master-page style:name="{master}"[^>]*'
                           r'style:page-layout-name="([^"]+)"', text)[1]
        block = re.search(rf'<style:page-layout style:name="{layout}".*?</style:page-layout>', text,
                          re.DOTALL)
        wide = re.sub(r'fo:page-width="[^"]*" fo:page-height="[^"]*"',
                      'fo:page-width="25in" fo:page-height="11.693in"', block[0])
        wide = wide.replace('style:scale-to-X="1"', 'style:scale-to="100%"')
        text = text[:block.start()] + wide + text[block.end():]
    fods.write_text(text, encoding="utf-8")
    pdf = convert(fods, "pdf", out_dir)
    stem = out_dir / source.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(pdf),
                    str(stem)], check=True, timeout=120)
    return sorted(out_dir.glob(f"{source.stem}-*.png"))


if __name__ == "__main__":  # python tests/workbook_helpers.py docs/workbook.png
    import datetime as dt

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from complaint_xl.workbook import build_workbook
    from complaint_xl.workbook.build import BUILD_DATE

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/workbook.png")
    dpi = int(os.environ.get("DPI", "80"))
    with tempfile.TemporaryDirectory() as tmp:
        book = build_workbook(Path(tmp) / "complaints-demo.xlsm", demo=True, today=BUILD_DATE)
        page = render_png(book, Path(tmp), dpi=dpi, actual_size=True)[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        from PIL import Image

        with Image.open(page) as image:  # buttons, legend and the first rows, to 进展情况
            part = image.crop((0, 0, int(image.width * 0.8), int(image.height * 0.6))).convert("RGB")
            part.quantize(colors=96).save(target, optimize=True)  # a small file for the README
    print(target, dt.date.today())
