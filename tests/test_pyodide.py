"""The grid API inside Pyodide (issue 18): what xlwings Lite runs in Excel, tested under Node.

Pyodide 0.27.7 (Python 3.12, numpy 2.0.2, pandas 2.2.3: a release xlwings Lite has
shipped) runs from the cache that scripts/pyodide-setup fills (.pyodide/, pinned in
tests/pyodide/pins.toml), offline: tests/pyodide/run.mjs refuses any http(s) request.
complaint_xl goes in as its own wheel, built from the work tree, without its declared
dependencies (no xlwings, matplotlib or python-calamine in there).

One Node process per register size: a Pyodide start and the package loads take several
seconds. These tests are not skipped when Node or the cache is missing: they fail and
say why (scripts/test installs Node and runs the setup).
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "pyodide"
CACHE = ROOT / ".pyodide"
TODAY = dt.date(2026, 11, 27)
JOBS = [{"job": job, "lang": lang} for job in ("validate", "chase", "report") for lang in ("zh", "en")]
BIG_ROWS = 10_000
MEMORY_LIMIT = 2 * 2**30  # what a browser grants a WebAssembly page; xlwings Lite runs in one
DRAFT_FIELDS = ("to", "cc", "subject", "text", "html")

_spec = importlib.util.spec_from_file_location("pyodide_grid_jobs", HERE / "grid_jobs.py")
assert _spec and _spec.loader
grid_jobs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(grid_jobs)


# -- the register's values, as Excel hands them over ---------------------------------

def _cell(value: Any) -> Any:
    """A cell as xlwings gives it: datetime, float, str or None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return str(value)  # text stays text, even "13812345678"
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        return float(value)
    raise TypeError(f"no Excel value for {value!r}")


def register_values(rows: int, seed: int) -> list[list[Any]]:
    """A sample register (with its planted mistakes) as a list of rows, header first."""
    from complaint_xl.register.schema import FIELDS
    from complaint_xl.sample import make_register

    frame = make_register(rows, as_of=TODAY, seed=seed)
    labels = {f.name: f.header("zh") for f in FIELDS}
    columns = [c for c in frame.columns if c in labels]
    cells = [frame[c].to_numpy(dtype=object) for c in columns]
    return [[labels[c] for c in columns], *([_cell(col[i]) for col in cells] for i in range(len(frame)))]


def settings_values() -> dict[str, list[list[Any]]]:
    from complaint_xl.sample import sample_settings_sheets

    return {name: [[_cell(v) if v != "" else None for v in row] for row in rows]
            for name, rows in sample_settings_sheets().items()}


def input_doc(rows: int, seed: int) -> dict[str, Any]:
    doc = {"today": TODAY.isoformat(), "values": register_values(rows, seed),
           "settings": settings_values(), "jobs": JOBS}
    assert grid_jobs.decode(grid_jobs.encode(doc)) == doc, "the JSON date encoding must round-trip"
    return doc


# -- Pyodide under Node ----------------------------------------------------------------

@pytest.fixture(scope="module")
def pyodide_ready(tmp_path_factory: pytest.TempPathFactory, project_wheel: Path) -> dict[str, Any]:
    """Node, the checked cache, and complaint_xl's wheel from the work tree as it is now."""
    node = shutil.which("node")
    if not node:
        pytest.fail("Node.js is not installed: apt-get install nodejs npm (scripts/test does)")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "pyodide-setup"), "--cache", str(CACHE)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode:
        pytest.fail(f"scripts/pyodide-setup could not prepare {CACHE} (it needs PyPI and npm the first "
                    f"time):\n{done.stderr[-3000:]}")
    return {"node": node, "wheel": project_wheel, "tmp": tmp_path_factory.mktemp("pyodide")}


def run_in_pyodide(ready: dict[str, Any], doc: dict[str, Any], name: str) -> dict[str, Any]:
    """grid_jobs.py over ``doc`` in a fresh Pyodide: run.mjs's answer (result, versions, memory)."""
    data = ready["tmp"] / f"{name}.json"
    data.write_text(grid_jobs.encode(doc), encoding="utf-8")
    cmd = [ready["node"], str(HERE / "run.mjs"), "--cache", str(CACHE), "--wheel", str(ready["wheel"]),
           "--file", f"{data}={grid_jobs.INPUT}", str(HERE / "grid_jobs.py")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if done.returncode or not done.stdout.strip():
        pytest.fail(f"Pyodide run failed ({done.returncode}):\n{done.stderr[-6000:]}")
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def small(pyodide_ready: dict[str, Any]) -> dict[str, Any]:
    doc = input_doc(200, seed=7)
    return {"doc": doc, "pyodide": run_in_pyodide(pyodide_ready, doc, "small")}


@pytest.fixture(scope="module")
def big(pyodide_ready: dict[str, Any]) -> dict[str, Any]:
    doc = input_doc(BIG_ROWS, seed=11)
    return {"doc": doc, "pyodide": run_in_pyodide(pyodide_ready, doc, "big")}


# -- comparing answers -------------------------------------------------------------------

def differences(a: Any, b: Any, where: str = "", limit: int = 20) -> list[str]:
    """Where two JSON values differ (paths and both values), the first ``limit`` places."""
    out: list[str] = []

    def walk(x: Any, y: Any, at: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y), key=str):
                if k not in x or k not in y:
                    out.append(f"{at}/{k}: only in {'Pyodide' if k in x else 'CPython'}")
                else:
                    walk(x[k], y[k], f"{at}/{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{at}: {len(x)} items in Pyodide, {len(y)} in CPython")
            for i, (u, v) in enumerate(zip(x, y, strict=False)):
                walk(u, v, f"{at}[{i}]")
        elif x != y:
            out.append(f"{at}: Pyodide {x!r:.300} != CPython {y!r:.300}")

    walk(a, b, where)
    return out


def answers(run: dict[str, Any]) -> dict[str, Any]:
    """The jobs' answers ({json, warnings}), failing with the traceback of any job that raised."""
    errors = {key: answer["error"] for key, answer in run.items() if "error" in answer}
    if errors:
        pytest.fail("\n".join(f"{key} raised:\n{error}" for key, error in errors.items()))
    return {key: {"json": answer["json"], "warnings": answer["warnings"]} for key, answer in run.items()}


def compare(pyodide_run: dict[str, Any], cpython_run: dict[str, Any]) -> None:
    py, cp = copy.deepcopy(answers(pyodide_run)), copy.deepcopy(answers(cpython_run))
    assert set(py) == set(cp) == {f"{j['job']}/{j['lang']}" for j in JOBS}
    problems: list[str] = []
    for key in sorted(py):
        a, b = py[key]["json"], cp[key]["json"]
        if key.startswith("chase/"):
            drafts_a, drafts_b = a.pop("drafts", None), b.pop("drafts", None)
            assert isinstance(drafts_a, list) and isinstance(drafts_b, list), f"{key}: drafts is not a list"
            if len(drafts_a) != len(drafts_b):
                problems.append(f"{key}: {len(drafts_a)} drafts in Pyodide, {len(drafts_b)} in CPython")
            for i, (da, db) in enumerate(zip(drafts_a, drafts_b, strict=False)):
                assert set(DRAFT_FIELDS) <= set(da), f"{key} draft {i}: fields {sorted(da)}"
                for field in sorted(set(da) | set(db)):
                    if da.get(field) != db.get(field):
                        problems += differences(da.get(field), db.get(field), f"{key}/drafts[{i}].{field}", 5)
        problems += differences(a, b, key)
        problems += differences(py[key]["warnings"], cp[key]["warnings"], f"{key} warnings")
    assert not problems, "Pyodide and CPython disagree:\n" + "\n".join(problems[:40])


# -- the tests ----------------------------------------------------------------------------

def test_pyodide_runs_the_versions_xlwings_lite_ships(small: dict[str, Any]) -> None:
    versions = small["pyodide"]["versions"]
    assert versions["python"].startswith("3.12.")
    assert versions["numpy"] == "2.0.2"
    assert versions["pandas"] == "2.2.3"
    for absent in ("xlwings", "matplotlib", "python-calamine"):
        assert absent not in versions, f"{absent} must not be needed inside Excel"
    assert versions["complaint-xl"]


def test_every_wheel_installed_is_used(small: dict[str, Any]) -> None:
    """tests/pyodide/pins.toml lists what the grid path imports, no more (an xlwings Lite
    requirements list can follow it)."""
    run = small["pyodide"]
    answers(run["result"])  # every job ran to its end
    installed = set(run["versions"]) - {"python", "micropip", "packaging"}
    assert installed - set(run["imported"]) == set(), "installed in Pyodide but never imported"


def test_grid_in_pyodide_gives_cpythons_json(small: dict[str, Any]) -> None:
    cpython = grid_jobs.run_jobs(grid_jobs.decode(grid_jobs.encode(small["doc"])))
    compare(small["pyodide"]["result"], cpython)
    validate = answers(small["pyodide"]["result"])["validate/zh"]["json"]
    assert validate, "validate gave an empty document"


def test_ten_thousand_rows_fit_in_pyodide_memory(big: dict[str, Any],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    run = big["pyodide"]
    answers(run["result"])  # every job finished
    memory = run["wasm_memory_bytes"]
    seconds = {k: v["seconds"] for k, v in run["result"].items()}
    with capsys.disabled():
        print(f"\nPyodide {BIG_ROWS}-row register: WebAssembly memory after validate/chase/report "
              f"(zh and en) {memory / 2**20:.0f} MiB (limit {MEMORY_LIMIT / 2**30:.0f} GiB); "
              f"seconds per job {seconds}; run.mjs laps {run['seconds']}")
    assert memory < MEMORY_LIMIT


def test_ten_thousand_rows_same_as_cpython(big: dict[str, Any]) -> None:
    cpython = grid_jobs.run_jobs(grid_jobs.decode(grid_jobs.encode(big["doc"])))
    compare(big["pyodide"]["result"], cpython)
