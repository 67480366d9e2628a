"""The shape of the code: which layer may import which, and how large a module may grow.

These hold the layout the design names (register below settings, checks, chase,
KPIs, outputs and Excel) so that a later change cannot quietly undo it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from complaint_xl.register.options import ReadOptions
from complaint_xl.register.schema import CLOSED_NO, CLOSED_YES, closed_flag
from complaint_xl.settings import Settings

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "complaint_xl"
REGISTER_MAY_IMPORT = ("complaint_xl.register", "complaint_xl.errors", "complaint_xl.lazy",
                       "complaint_xl.speed", "complaint_xl.words", "complaint_xl.workdays")
"""What the register may use besides itself: base modules that import nothing of ours above them."""
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every complaint_xl module a file imports, wherever the statement stands."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from .book import Book
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # maybe submodules
    return {m for m in found if m == "complaint_xl" or m.startswith("complaint_xl.")}


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel / "__init__.py").exists()


@pytest.mark.parametrize("path", sorted((PACKAGE / "register").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_register_imports_nothing_above_it(path: Path) -> None:
    # settings read their sheets through the register: the register cannot read the settings
    wrong = sorted(m for m in _imports(path) if _is_module(m) and m != "complaint_xl"
                   and not m.startswith(REGISTER_MAY_IMPORT))
    assert wrong == [], f"{path.name} imports {wrong}"


def test_the_import_check_sees_every_form_of_import() -> None:
    source = PACKAGE / "register" / "reader.py"
    assert {"complaint_xl.speed", "complaint_xl.register.book", "complaint_xl.workdays"} <= \
        _imports(source)  # the last only under TYPE_CHECKING
    assert "complaint_xl.settings" in _imports(PACKAGE / "loading.py")


def test_no_module_is_over_450_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these by what each part is about: {long}"


def test_the_register_reads_grids_without_python_calamine() -> None:
    # Excel on the web runs Python (Pyodide) without python-calamine: the grid path must work.
    code = textwrap.dedent("""
        import datetime as dt, sys
        from pathlib import Path

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "python_calamine":
                    raise ModuleNotFoundError(f"No module named {name!r} (blocked)")

        sys.meta_path.insert(0, Block())
        import complaint_xl.loading as loading
        from complaint_xl.register.book import Book, Grid

        rows = [["序号", "客户", "投诉项目", "问题点", "跟进人员", "提出日期", "是否结案"],
                [1, "甲公司(经销商)", "售后", "开裂 3 张", "李明", dt.datetime(2026, 11, 2), "否"],
                [2, "乙公司", "质量", "批号 B12 漏液", "王芳", "2026-11-03", "是"]]
        grids = {"登记表": Grid(rows), "设置": Grid([["项目", "值"], ["默认时限", 9]])}
        loaded = loading.load_grids(Book(Path("excel"), "xlsx", list(grids)), grids,
                                    as_of=dt.date(2026, 11, 29))
        frame = loaded.register.frame
        print(len(frame), loaded.settings.sla_days, frame["is_closed"].tolist(),
              frame["customer_attr"].tolist(), "python_calamine" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "2 9 [False, True] ['经销商', None] False"


def test_the_reader_s_defaults_are_the_settings_defaults() -> None:
    assert Settings().read_options() == ReadOptions()


@pytest.mark.parametrize(("text", "flag"), [
    *((w, True) for w in sorted(CLOSED_YES)), *((w, False) for w in sorted(CLOSED_NO)),
    ("ＹＥＳ", True), (" 已结案 ", True), ("Open", False), ("", None), ("待定", None),
])
def test_one_reading_of_the_closed_flag(text: str, flag: bool | None) -> None:
    assert closed_flag(text) is flag


# -- no circles between the rooms ------------------------------------------------------------

COMPUTING = ("register", "settings", "workdays", "deadlines", "loading", "checks", "chase", "kpi")
"""Rooms that compute; they never reach for a writer, a job or a front end."""
FRONT = ("outputs", "jobs", "grid", "xl", "cli", "workbook", "demo")


def _room(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def _room_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        here = _room(_module_name(path))
        for module in _imports(path):
            if module.startswith("complaint_xl.") and _room(module) != here:
                graph.setdefault(here, set()).add(_room(module))
    return graph


def test_the_rooms_import_each_other_without_a_cycle() -> None:
    graph = _room_graph()
    state: dict[str, int] = {}

    def visit(room: str, trail: list[str]) -> None:
        if state.get(room) == 1:
            raise AssertionError("import cycle: " + " -> ".join([*trail, room]))
        if state.get(room) == 2:
            return
        state[room] = 1
        for other in sorted(graph.get(room, ())):
            visit(other, [*trail, room])
        state[room] = 2

    for room in sorted(graph):
        visit(room, [])
    assert "outputs" in graph["jobs"] and "chase" in graph["outputs"]  # the graph is not empty


@pytest.mark.parametrize("room", COMPUTING)
def test_computing_rooms_reach_for_no_writer_or_front_end(room: str) -> None:
    reached = _room_graph().get(room, set())
    assert not reached & set(FRONT), f"{room} imports {sorted(reached & set(FRONT))}"


def test_writers_see_only_the_chase_result() -> None:
    for path in (PACKAGE / "outputs").glob("*.py"):
        chase = {m for m in _imports(path) if m.startswith("complaint_xl.chase")}
        assert chase <= {"complaint_xl.chase.result"} | {
            m for m in chase if m.startswith("complaint_xl.chase.result.")}, (path.name, chase)


# -- the README's layout is the tree -----------------------------------------------------------

def _layout_block() -> dict[str, str]:
    """Top-level entry of src/complaint_xl in the README's layout block -> its description."""
    text = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    block = text.split("## How the code is laid out", 1)[1].split("```", 2)[1]
    body = block.split("src/complaint_xl/", 1)[1].split("\ntemplates/", 1)[0]
    entries: dict[str, str] = {}
    name = ""
    for line in body.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            head, _, rest = line.strip().partition("  ")
            for part in head.split(","):
                if part.strip():
                    name = part.strip()
                    entries[name] = rest
        elif name:
            entries[name] += " " + line.strip()
    return entries


def test_the_readme_layout_names_every_module_there_is() -> None:
    entries = _layout_block()
    there = {p.name + ("/" if p.is_dir() else "") for p in PACKAGE.iterdir()
             if p.name not in ("__init__.py", "py.typed", "__pycache__")}
    assert set(entries) == there
    for name, words in entries.items():
        if name.endswith("/"):
            modules = {p.stem for p in (PACKAGE / name).glob("*.py")} - {"__init__"}
            subpackages = {p.name + "/" for p in (PACKAGE / name).iterdir()
                           if p.is_dir() and p.name != "__pycache__"}
            said = set(words.replace(",", " ").replace("(", " ").replace(")", " ").split())
            assert modules | subpackages <= said, (name, sorted((modules | subpackages) - said))
