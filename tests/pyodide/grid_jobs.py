"""complaint_xl.grid's jobs over values from a JSON document: the same code in CPython and Pyodide.

tests/test_pyodide.py imports this file in CPython and hands it, through run.mjs, to
Pyodide as the script to run, with the document at /data/input.json. The document is
``{"today": "YYYY-MM-DD", "values": rows, "settings": {sheet: rows}, "jobs": [{"job":
"validate" | "chase" | "report", "lang": "zh" | "en"}]}``, datetimes written as
``{"$date": "<isoformat>"}`` (JSON has no dates). The answer maps ``"<job>/<lang>"`` to
``{"json": <the job's dict after a JSON round trip>, "warnings": [text], "seconds": s}``
or ``{"error": <traceback>, "seconds": s}``; inside Pyodide it is left in the global
``result`` for run.mjs.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import traceback
import warnings
from typing import Any

INPUT = "/data/input.json"


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not a grid value")


def _hook(obj: dict[str, Any]) -> Any:
    if obj.keys() == {"$date"}:
        return dt.datetime.fromisoformat(obj["$date"])
    return obj


def encode(doc: dict[str, Any]) -> str:
    return json.dumps(doc, default=_default, ensure_ascii=False)


def decode(text: str) -> dict[str, Any]:
    return json.loads(text, object_hook=_hook)


def run_jobs(doc: dict[str, Any]) -> dict[str, Any]:
    today = dt.date.fromisoformat(doc["today"])
    answers: dict[str, Any] = {}
    for spec in doc["jobs"]:
        key = f"{spec['job']}/{spec['lang']}"
        started = time.perf_counter()
        try:
            from complaint_xl import grid

            job = getattr(grid, spec["job"])
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                answer = job(doc["values"], today=today, settings=doc["settings"], lang=spec["lang"])
            # strict JSON: the answer is meant to be the CLI's --json document
            answers[key] = {"json": json.loads(json.dumps(answer, ensure_ascii=False, allow_nan=False)),
                            "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}
        except Exception:
            answers[key] = {"error": traceback.format_exc()}
        answers[key]["seconds"] = round(time.perf_counter() - started, 3)
    return answers


if __name__ == "__main__":
    with open(INPUT, encoding="utf-8") as f:
        result = run_jobs(decode(f.read()))
