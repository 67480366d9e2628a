"""Golden files: what validate, chase and report write for a fixed register, and a comparer.

The register ``tests/data/golden/register.xlsx`` is committed (made once by
:func:`make_register_file`, so it does not drift with ``complaint_xl.sample``). The real
command line runs on it with ``--today 2026-11-30`` into ``validate/``, ``chase/`` and
``report/`` beside it; tests/test_golden.py runs it again and compares every file with
its reference, part by part, as XlsxWriter's own tests do. After a deliberate change
to an output, regenerate the references (from the repository root) with::

    .venv/bin/python tests/golden_helpers.py --regen

and read ``git diff --stat tests/data/golden`` before committing. ``--new-register``
also remakes the register itself from ``complaint_xl.sample`` (rarely wanted).

What the comparer ignores, because it changes from one run to the next:

- ``docProps/core.xml``'s ``dcterms:created``/``dcterms:modified`` (the time of writing);
- an e-mail's ``Date`` and ``Message-ID`` headers and its MIME ``boundary`` parameters;
- the bytes of PNG images (matplotlib's charts, inline in the drafts and the page): their
  anti-aliasing and embedded version text change with matplotlib and FreeType, so only
  their format, size in pixels and colour mode are compared;
- the sha256 values in ``.complaint-xl-manifest.json`` (hashes of files that carry the
  times above); its file list is compared.

Everything else is compared: each XML part element by element (tag, attributes, text;
a worksheet's shared-string cells by their text, so one inserted string does not shift
every later cell), the drafts' other headers and each MIME part's decoded content (the
attached weekly workbook as a workbook), and the page element by element with its text
whitespace-normalised. A difference is reported as ``file: part: path: what differs``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import email
import email.policy
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

__all__ = [
    "GOLDEN", "REGEN", "REGISTER", "TODAY", "build", "compare_eml", "compare_file", "compare_html",
    "compare_trees", "compare_xlsx", "make_register_file", "output_files", "reference_files", "regen",
]

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
REGISTER = GOLDEN / "register.xlsx"
TODAY = "2026-11-30"
"""A Monday: the report covers 2026-W48, chase finds items overdue at every level."""
REGEN = "regenerate with: .venv/bin/python tests/golden_helpers.py --regen"
FOLDERS = ("validate", "chase", "report")
"""One folder of references per command."""
MANIFEST = ".complaint-xl-manifest.json"

_CORE_TIMES = {"{http://purl.org/dc/terms/}created", "{http://purl.org/dc/terms/}modified"}
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


# -- the fixed input and the runs -------------------------------------------------------------

def make_register_file(path: Path = REGISTER) -> Path:
    """The golden register: 60 sample rows with planted mistakes, staff, settings, a day off.

    Run once and committed; ``--new-register`` remakes it. The staff sheet gives every
    draft an address except 杨帆's (whose draft is written without one).
    """
    from complaint_xl.sample import make_register, sample_settings_sheets, write_register_xlsx

    frame = make_register(60, as_of=dt.date(2026, 11, 27), seed=13)
    sheets = sample_settings_sheets("zh")
    sheets["节假日"] = [["日期", "类型", "说明"], ["2026-11-13", "休息", "公司年会（全员放假）"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_register_xlsx(frame, path, title="客户投诉管理表", extra_sheets=sheets)


def _commands() -> dict[str, list[str]]:
    """Each command's arguments, relative to the folder it runs in (which holds the register)."""
    register = REGISTER.name
    return {
        "validate": ["validate", register, "--today", TODAY, "--out", "validate/findings.xlsx"],
        "chase": ["chase", register, "--today", TODAY, "--out", "chase"],
        "report": ["report", register, "--today", TODAY, "--out", "report"],
    }


def build(out: Path, register: Path = REGISTER) -> Path:
    """Run the real command line (``python -m complaint_xl``) for each command into ``out``.

    The register is copied into ``out`` and the commands run there with relative paths:
    the findings workbook shows the register's path as given and links to its cells by a
    path relative to itself, which are then the same wherever the run happens.
    """
    (out / "validate").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(register, out / REGISTER.name)
    for name, args in _commands().items():
        done = subprocess.run([sys.executable, "-m", "complaint_xl", *args], capture_output=True,
                              text=True, timeout=300, cwd=out, check=False)
        ok = (0, 1) if name == "validate" else (0,)  # validate exits 1: the register has errors
        if done.returncode not in ok:
            raise RuntimeError(f"complaint-xl {name} exited {done.returncode}:\n{done.stderr}")
    return out


def output_files(root: Path) -> list[str]:
    """Every file below ``root``'s command folders, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for folder in FOLDERS if (root / folder).is_dir()
                  for p in (root / folder).rglob("*") if p.is_file())


def reference_files() -> list[str]:
    """The committed references (empty if they were never generated)."""
    return output_files(GOLDEN)


# -- comparing trees and files ----------------------------------------------------------------

def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Differences between two output trees: missing and extra files, then each file's."""
    want, got = output_files(expected), output_files(actual)
    diffs = [f"{name}: missing (the reference has it)" for name in want if name not in got]
    diffs += [f"{name}: not in the references" for name in got if name not in want]
    for name in want:
        if name in got:
            diffs += compare_file(expected / name, actual / name, name)
    return diffs


def compare_file(expected: Path, actual: Path, label: str | None = None) -> list[str]:
    """Differences between a reference file and a new one, by kind (.xlsx, .eml, .html, …)."""
    label = label or actual.name
    want, got = expected.read_bytes(), actual.read_bytes()
    suffix = expected.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return compare_xlsx(want, got, label)
    if suffix == ".eml":
        return compare_eml(want, got, label)
    if suffix in (".html", ".htm"):
        return compare_html(want.decode("utf-8"), got.decode("utf-8"), label)
    if expected.name == MANIFEST:
        return _compare_manifest(want, got, label)
    return [] if want == got else [f"{label}: bytes differ ({len(want)} vs {len(got)} bytes)"]


def _compare_manifest(want: bytes, got: bytes, label: str) -> list[str]:
    a, b = json.loads(want), json.loads(got)
    a["files"], b["files"] = sorted(a.get("files", {})), sorted(b.get("files", {}))
    return [] if a == b else [f"{label}: reference {a}, now {b} (hashes not compared)"]


# -- .xlsx: part by part, XML element by element ------------------------------------------------

def compare_xlsx(want: bytes, got: bytes, label: str) -> list[str]:
    """Differences between two workbooks: missing/extra parts, then the first per part."""
    a, b = _zip_parts(want), _zip_parts(got)
    diffs = [f"{label}: {name}: part missing" for name in a if name not in b]
    diffs += [f"{label}: {name}: part not in the reference" for name in b if name not in a]
    sheets_a, sheets_b = _sheet_names(a), _sheet_names(b)
    strings_a, strings_b = _shared_strings(a), _shared_strings(b)
    for name in sorted(set(a) & set(b)):
        where = f"{label}: {name}" + (f" (sheet {sheets_a[name]})" if name in sheets_a else "")
        if _is_xml(name):
            x, y = _xml(a[name], name, strings_a), _xml(b[name], name, strings_b)
            if (diff := _first_xml_diff(x, y, "")) is not None:
                diffs.append(f"{where}: {diff}")
            elif name in sheets_a and sheets_a[name] != sheets_b.get(name):
                diffs.append(f"{where}: now the sheet {sheets_b.get(name)}")
        elif _image(a[name]) is not None:
            if _image(a[name]) != _image(b[name]):
                diffs.append(f"{where}: image {_image(a[name])}, now {_image(b[name])}")
        elif a[name] != b[name]:
            diffs.append(f"{where}: bytes differ ({len(a[name])} vs {len(b[name])} bytes)")
    return diffs


def _zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def _xml(data: bytes, name: str, strings: list[str]) -> Element:
    root = ElementTree.fromstring(data)
    if name == "docProps/core.xml":
        for child in list(root):
            if child.tag in _CORE_TIMES:  # the time of writing
                root.remove(child)
    elif name.startswith("xl/worksheets/") and strings:
        # A shared-string cell by its text: an inserted string does not shift every later cell.
        for cell in root.iter(f"{_MAIN}c"):
            v = cell.find(f"{_MAIN}v")
            if cell.get("t") == "s" and v is not None and (v.text or "").isdigit():
                index = int(v.text or "")
                v.text = f"shared string: {strings[index] if index < len(strings) else '?'}"
    return root


def _shared_strings(parts: dict[str, bytes]) -> list[str]:
    data = parts.get("xl/sharedStrings.xml")
    if data is None:
        return []
    root = ElementTree.fromstring(data)
    return ["".join(t.text or "" for t in si.iter(f"{_MAIN}t")) for si in root.findall(f"{_MAIN}si")]


def _sheet_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part -> its sheet's name, to say which sheet a difference is on."""
    if "xl/workbook.xml" not in parts or "xl/_rels/workbook.xml.rels" not in parts:
        return {}
    rels = {r.get("Id"): r.get("Target", "") for r in
            ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"]).iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in ElementTree.fromstring(parts["xl/workbook.xml"]).iter(f"{_MAIN}sheet"):
        target = rels.get(sheet.get(f"{_REL}id"), "")
        out[target.lstrip("/") if target.startswith("/") else f"xl/{target}"] = sheet.get("name", "")
    return out


_KEYS = ("r", "name", "sheetId", "Id", "sqref", "ref", "id", "priority")
"""Attributes that name an element in a path better than its position does."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _step(element: Element, siblings: list[Element]) -> str:
    for key in _KEYS:
        if element.get(key) is not None:
            return f"{_local(element.tag)}[@{key}={element.get(key)!r}]"
    same = [s for s in siblings if s.tag == element.tag]
    return _local(element.tag) + (f"[{same.index(element) + 1}]" if len(same) > 1 else "")


def _first_xml_diff(a: Element, b: Element, path: str) -> str | None:
    """The first difference between two elements, with its path, or None."""
    here = path or f"/{_local(a.tag)}"
    if a.tag != b.tag:
        return f"{here}: element <{_local(a.tag)}>, now <{_local(b.tag)}>"
    if a.attrib != b.attrib:
        keys = sorted(set(a.attrib) | set(b.attrib))
        changed = [f"@{_local(k)} {a.get(k)!r} -> {b.get(k)!r}" for k in keys if a.get(k) != b.get(k)]
        return f"{here}: attributes differ: {'; '.join(changed)}"
    if (a.text or "") != (b.text or ""):
        return f"{here}: text {_clip(a.text or '', b.text or '')}"
    if (a.tail or "").strip() != (b.tail or "").strip():
        return f"{here}: text after the element {_clip(a.tail or '', b.tail or '')}"
    kids_a, kids_b = list(a), list(b)
    for x, y in zip(kids_a, kids_b, strict=False):
        if (diff := _first_xml_diff(x, y, f"{here}/{_step(x, kids_a)}")) is not None:
            return diff
    if len(kids_a) != len(kids_b):
        longer = kids_a if len(kids_a) > len(kids_b) else kids_b
        first = longer[min(len(kids_a), len(kids_b))]
        return (f"{here}: {len(kids_a)} child elements, now {len(kids_b)}; first "
                f"{'missing' if longer is kids_a else 'extra'}: {_step(first, longer)}")
    return None


def _clip(a: str, b: str, width: int = 60) -> str:
    """'reference' -> 'now', cut around the first differing character."""
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, i - width // 2)

    def cut(s: str) -> str:
        return ("…" if start else "") + s[start:start + width] + ("…" if len(s) > start + width else "")
    return f"{cut(a)!r} -> {cut(b)!r}"


def _image(data: bytes) -> str | None:
    """'PNG 836x374 RGBA' for an image, None for anything else."""
    if not data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8")):
        return None
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        return f"{img.format} {img.width}x{img.height} {img.mode}"


# -- .eml: headers and each MIME part's decoded content ------------------------------------------

_VOLATILE_HEADERS = {"date", "message-id"}


def compare_eml(want: bytes, got: bytes, label: str) -> list[str]:
    """Differences between two drafts: headers (not Date, Message-ID, boundaries), then parts."""
    a = email.message_from_bytes(want, policy=email.policy.strict)
    b = email.message_from_bytes(got, policy=email.policy.strict)
    parts_a, parts_b = list(a.walk()), list(b.walk())
    shape_a, shape_b = [p.get_content_type() for p in parts_a], [p.get_content_type() for p in parts_b]
    if shape_a != shape_b:
        return [f"{label}: MIME parts {shape_a}, now {shape_b}"]
    diffs = []
    for i, (x, y) in enumerate(zip(parts_a, parts_b, strict=True)):
        where = f"{label}: " + ("headers" if i == 0 else f"part {i} ({x.get_content_type()})")
        hx, hy = _headers(x), _headers(y)
        if hx != hy:
            diffs.append(f"{where}: {_first_header_diff(hx, hy)}")
        if not x.is_multipart():
            where = f"{label}: part {i} ({x.get_content_type()})"
            diffs += _compare_content(x, y, where)
    return diffs


def _headers(part: Message) -> list[tuple[str, str]]:
    out = []
    for name, value in part.items():
        if name.lower() in _VOLATILE_HEADERS:
            continue
        if name.lower() == "content-type":
            params = sorted((k, v) for k, v in part["Content-Type"].params.items() if k != "boundary")
            value = part.get_content_type() + "".join(f"; {k}={v}" for k, v in params)
        out.append((name, str(value)))
    return out


def _first_header_diff(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> str:
    for x, y in zip(a, b, strict=False):
        if x != y:
            return f"header {x[0]}: {_clip(x[1], y[1])}" if x[0] == y[0] else \
                f"header {x[0]!r}, now {y[0]!r}"
    longer, word = (a, "missing") if len(a) > len(b) else (b, "extra")
    return f"header {word}: {longer[min(len(a), len(b))][0]}"


def _compare_content(x: Message, y: Message, where: str) -> list[str]:
    assert isinstance(x, EmailMessage) and isinstance(y, EmailMessage)
    kind = x.get_content_type()
    if kind == "text/html":
        return compare_html(x.get_content(), y.get_content(), where)
    if x.get_content_maintype() == "text":
        return _compare_lines(x.get_content(), y.get_content(), where)
    data_x, data_y = x.get_content(), y.get_content()
    if kind == _XLSX_TYPE:
        return compare_xlsx(data_x, data_y, where)
    if x.get_content_maintype() == "image":
        ix, iy = _image(data_x), _image(data_y)
        return [] if ix == iy else [f"{where}: image {ix}, now {iy}"]
    return [] if data_x == data_y else [f"{where}: content differs ({len(data_x)} vs {len(data_y)} bytes)"]


def _compare_lines(a: str, b: str, where: str) -> list[str]:
    la, lb = a.splitlines(), b.splitlines()
    for n, (x, y) in enumerate(zip(la, lb, strict=False), start=1):
        if x != y:
            return [f"{where}: line {n}: {_clip(x, y, 100)}"]
    if len(la) != len(lb):
        longer = la if len(la) > len(lb) else lb
        return [f"{where}: {len(la)} lines, now {len(lb)}; line {min(len(la), len(lb)) + 1} "
                f"{'missing' if longer is la else 'extra'}: {longer[min(len(la), len(lb))]!r}"]
    return []


# -- .html: element by element, text whitespace-normalised ---------------------------------------

@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                      "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: _attr_value(k, v or "") for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: _attr_value(k, v or "") for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text:
            return
        kids = self.stack[-1].children
        if kids and isinstance(kids[-1], str):
            kids[-1] += " " + text
        else:
            kids.append(text)

    def handle_decl(self, decl: str) -> None:
        self.root.children.append(f"<!{decl}>")


def _attr_value(name: str, value: str) -> str:
    m = re.match(r"data:(image/[\w.+-]+);base64,(.*)", value, re.DOTALL) if name == "src" else None
    if m is None:
        return value
    return f"data:{m[1]} ({_image(base64.b64decode(m[2])) or 'not an image'})"


def _html_tree(text: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def compare_html(want: str, got: str, label: str) -> list[str]:
    """The first difference between two pages, element by element (images by size)."""
    diff = _first_html_diff(_html_tree(want), _html_tree(got), "")
    return [] if diff is None else [f"{label}: {diff}"]


def _html_step(node: _Node | str, siblings: list[_Node | str]) -> str:
    if isinstance(node, str):
        texts = [s for s in siblings if isinstance(s, str)]
        return "text()" + (f"[{texts.index(node) + 1}]" if len(texts) > 1 else "")
    # siblings of the same tag and classes: the step reads as the CSS selector it is
    same = [s for s in siblings if isinstance(s, _Node) and s.tag == node.tag
            and s.attrs.get("class") == node.attrs.get("class")]
    classes = "".join(f".{c}" for c in node.attrs.get("class", "").split())
    index = next(i for i, s in enumerate(same) if s is node) + 1
    return node.tag + classes + (f"[{index}]" if len(same) > 1 else "")


def _first_html_diff(a: _Node | str, b: _Node | str, path: str) -> str | None:
    if isinstance(a, str) or isinstance(b, str):
        if a == b:
            return None
        if isinstance(a, str) and isinstance(b, str):
            return f"{path or '/'}: text {_clip(a, b, 100)}"
        return f"{path or '/'}: {_describe(a)}, now {_describe(b)}"
    if a.tag != b.tag:
        return f"{path or '/'}: <{a.tag}>, now <{b.tag}>"
    if a.attrs != b.attrs:
        keys = sorted(set(a.attrs) | set(b.attrs))
        changed = [f"@{k} {_clip(a.attrs.get(k) or '', b.attrs.get(k) or '')}" for k in keys
                   if a.attrs.get(k) != b.attrs.get(k)]
        return f"{path or '/'}: attributes differ: {'; '.join(changed)}"
    for x, y in zip(a.children, b.children, strict=False):
        if (diff := _first_html_diff(x, y, f"{path}/{_html_step(x, a.children)}")) is not None:
            return diff
    if len(a.children) != len(b.children):
        longer = a.children if len(a.children) > len(b.children) else b.children
        first = longer[min(len(a.children), len(b.children))]
        return (f"{path or '/'}: {len(a.children)} children, now {len(b.children)}; first "
                f"{'missing' if longer is a.children else 'extra'}: {_describe(first)}")
    return None


def _describe(node: _Node | str) -> str:
    return f"text {node[:80]!r}" if isinstance(node, str) else f"<{node.tag}>"


# -- regenerating ---------------------------------------------------------------------------------

def regen(*, new_register: bool = False) -> list[str]:
    """Rewrite the references from two runs of the command line; return those that changed.

    Two runs that differ anywhere the comparer looks mean something volatile is not
    ignored yet: nothing is written then. A reference equal to the new file (as the
    comparer sees it) is left as it is, so ``git diff`` shows only real changes.
    """
    if new_register or not REGISTER.exists():
        make_register_file()
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        first, second = build(Path(tmp) / "first"), build(Path(tmp) / "second")
        unstable = compare_trees(first, second)
        if unstable:
            raise SystemExit("two runs differ where the comparer looks (volatile, not ignored):\n"
                             + "\n".join(unstable))
        new, old = output_files(first), reference_files()
        for name in old:
            if name not in new:
                (GOLDEN / name).unlink()
        changed = []
        for name in new:
            target = GOLDEN / name
            if name in old and not compare_file(target, first / name, name):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(first / name, target)
            changed.append(name)
    return sorted(changed + [f"{name} (removed)" for name in old if name not in new])


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--regen", action="store_true", help="rewrite tests/data/golden/ from the CLI")
    parser.add_argument("--new-register", action="store_true",
                        help="also remake register.xlsx from complaint_xl.sample")
    args = parser.parse_args(argv)
    if not (args.regen or args.new_register):
        parser.error("nothing to do: give --regen")
    changed = regen(new_register=args.new_register)
    for name in changed:
        print(GOLDEN.relative_to(ROOT) / name)
    print(f"{len(changed)} reference file(s) changed, {len(reference_files())} in all")


if __name__ == "__main__":  # .venv/bin/python tests/golden_helpers.py --regen
    _main()
