"""Running the report again into the same folder: untouched files are replaced, a file the user
edited is kept and the new one is written beside it as "name (2).ext", said in a warning."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from complaint_xl.demo import write_demo_register
from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.outputs.drafts import MANIFEST
from complaint_xl.outputs.weekly import WeeklyFiles, write_weekly
from complaint_xl.sample import sample_settings_sheets
from conftest import STANDARD_HEADER, write_xlsx
from kpi_helpers import AS_OF, ROWS

STEM = "weekly-2026-W41"


@pytest.fixture
def run(tmp_path: Path) -> Any:
    """run() writes the report into tmp_path/out and returns (files, warning messages)."""
    path = write_xlsx(tmp_path / "register.xlsx", {"登记表": [STANDARD_HEADER, *ROWS],
                                                   **sample_settings_sheets()})
    loaded = load(path, as_of=AS_OF, lang="en")
    report = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)

    def again() -> tuple[WeeklyFiles, list[str]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            files = write_weekly(report, tmp_path / "out", loaded.settings)
        return files, [str(w.message) for w in caught]

    return again


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_rerun_replaces_its_own_untouched_files(run: Any) -> None:
    first, _ = run()
    folder = first.xlsx.parent
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(manifest) == {p.name for p in first}
    second, said = run()
    assert list(second) == list(first)
    assert _names(folder) == [MANIFEST, f"{STEM}.eml", f"{STEM}.html", f"{STEM}.xlsx"]
    assert not any("kept" in m for m in said)


def test_an_edited_page_is_kept_and_the_new_one_written_beside_it(run: Any) -> None:
    first, _ = run()
    edited = first.html.read_text(encoding="utf-8").replace("</body>", "<p>my note</p></body>")
    first.html.write_text(edited, encoding="utf-8")
    second, said = run()
    assert first.html.read_text(encoding="utf-8") == edited
    assert second.html.name == f"{STEM} (2).html" and second.html.is_file()
    assert second.xlsx == first.xlsx and second.eml == first.eml  # untouched: replaced in place
    assert any(str(first.html) in m and second.html.name in m for m in said), said
    # A third run replaces its own "(2)" file rather than piling up "(3)", "(4)" ...
    third, _ = run()
    assert third.html == second.html
    assert _names(first.html.parent) == [MANIFEST, f"{STEM} (2).html", f"{STEM}.eml",
                                         f"{STEM}.html", f"{STEM}.xlsx"]


def test_the_draft_attaches_the_workbook_written_in_this_run(run: Any) -> None:
    first, _ = run()
    first.xlsx.write_bytes(first.xlsx.read_bytes() + b"\0")  # saved again by the user
    second, said = run()
    assert second.xlsx.name == f"{STEM} (2).xlsx"
    assert any(str(first.xlsx) in m for m in said), said
    message = email.message_from_bytes(second.eml.read_bytes(), policy=email.policy.default)
    attached = [(p.get_filename(), p.get_content()) for p in message.iter_attachments()
                if p.get_filename()]
    assert attached == [(second.xlsx.name, second.xlsx.read_bytes())]


def test_chase_and_report_share_a_folder_without_removing_each_others_drafts(tmp_path) -> None:
    register = write_demo_register(tmp_path / "r.xlsx", today=dt.date(2026, 11, 30))
    out = tmp_path / "out"
    base = [sys.executable, "-m", "complaint_xl"]
    for args in (["report", str(register), "--out", str(out)], ["chase", str(register), "--out", str(out)],
                 ["chase", str(register), "--out", str(out)]):
        done = subprocess.run([*base, *args, "--today", "2026-11-30"], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    assert (out / "weekly-2026-W48.eml").exists()
    assert sorted(p.name for p in out.glob("催办-*.eml"))
