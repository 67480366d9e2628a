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
                       "complaint_xl.speed", "complaint_xl.workdays")
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
