"""xlwings Lite's side of running the workbook's main.py: the same code in CPython and Pyodide.

xlwings Lite loads the workbook's main.py and, for a button, builds an ``xw.Book`` from
the JSON the add-in sends (every sheet's values) and hands it to xlwings'
``custom_scripts_call``; the actions the book recorded go back to the add-in, which
applies them to Excel. A worksheet function goes through ``custom_functions_call``.
This file does the Python half of that with xlwings' own functions, so what it returns
is what the add-in would be asked to do.

tests/test_lite.py runs it in a CPython subprocess and, through run.mjs, in Pyodide
0.27.7 (this file at /data/lite_runtime.py, the input at /data/lite-input.json, main.py
at /data/main.py, and :data:`DRIVER` as the script). The input is
``{"book": <book JSON>, "calls": [{"script", "args"}], "funcs": [{"name", "args"}]}``;
the answer is ``{"scripts": <custom_scripts_meta>, "functions": <custom_functions_meta>,
"calls": [{"actions"} | {"error"}], "funcs": [{"value"} | {"error"}]}``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import sys
import traceback
from typing import Any

INPUT = "/data/lite-input.json"
MAIN = "/data/main.py"


def load_main(path: str) -> Any:
    """main.py as the module ``main``, the way xlwings Lite runs it."""
    spec = importlib.util.spec_from_file_location("main", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["main"] = module
    spec.loader.exec_module(module)
    return module


async def run(doc: dict[str, Any], main_path: str) -> dict[str, Any]:
    # Before xlwings is first imported: its decorators then register (as in Lite), and the
    # remote engine runs under xlwings' noncommercial licence (tests only).
    os.environ["XLWINGS_ON_SERVER"] = "true"
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    import xlwings as xw
    from xlwings.server import (
        custom_functions_call,
        custom_functions_meta,
        custom_scripts_call,
        custom_scripts_meta,
    )

    main = load_main(main_path)
    out: dict[str, Any] = {"scripts": custom_scripts_meta(main), "functions": custom_functions_meta(main),
                           "calls": [], "funcs": []}
    for call in doc.get("calls", []):
        book = xw.Book(json=copy.deepcopy(doc["book"]))
        try:
            done = await custom_scripts_call(main, call["script"], typehint_to_value={xw.Book: book},
                                             args=call["args"])
            out["calls"].append({"actions": done.json()["actions"]})
        except Exception as exc:
            out["calls"].append({"error": str(exc), "type": type(exc).__name__,
                                 "details": traceback.format_exc()})
    for call in doc.get("funcs", []):
        data = {"func_name": call["name"], "args": call["args"], "version": xw.__version__,
                "client": "Office.js", "runtime": "1.4", "culture_info_name": "zh-CN",
                "date_format": "yyyy-mm-dd"}
        try:
            out["funcs"].append({"value": await custom_functions_call(data, main)})
        except Exception:
            out["funcs"].append({"error": traceback.format_exc()})
    return json.loads(json.dumps(out, ensure_ascii=False, default=str))


DRIVER = f"""
import json, sys
sys.path.insert(0, "/data")
import lite_runtime
with open({INPUT!r}, encoding="utf-8") as f:
    result = await lite_runtime.run(json.load(f), {MAIN!r})
"""
"""What run.mjs runs in Pyodide (top-level await is allowed there, not in a module)."""
