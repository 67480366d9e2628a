"""The jobs (complaint_xl.jobs) and the rules the front ends now share, each defined once."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from complaint_xl.errors import UsageError
from complaint_xl.jobs import run_chase, run_validate
from complaint_xl.kpi.weeks import parse_week
from complaint_xl.loading import load
from complaint_xl.outputs.chase import ChaseWarning
from complaint_xl.outputs.files import output_folder, workbook_folder
from complaint_xl.outputs.findings_xlsx import findings_filename
from complaint_xl.workbook import build_workbook
from complaint_xl.xl.udfs import _week
from conftest import AS_OF, write_xlsx

HEADER = ["序号", "客户(属性)", "跟进人员", "投诉项目", "问题点", "提出日期", "解决期限", "是否结案"]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    late = [1, "长沙恒达(经销商)", "李明", "售后", "型号 A3 的门板开裂 3 张", dt.date(2026, 10, 8),
            dt.date(2026, 10, 29), "否"]
    return write_xlsx(tmp_path / "r.xlsx", {"登记": [HEADER, late], "人员": [["姓名", "邮箱"], ["李明", ""]]})


def test_validate_into_a_folder_names_the_file_by_language(register: Path, tmp_path: Path) -> None:
    for lang in ("zh", "en"):
        run = run_validate(load(register, as_of=AS_OF, lang=lang), tmp_path)
        assert run.files == [tmp_path / findings_filename(lang)] and run.files[0].exists()
        assert run.document["rows"] == 1 and run.lines[-1]  # the summary line comes last
    assert findings_filename("zh") == "检查结果.xlsx" and findings_filename("en") == "findings.xlsx"


def test_a_jobs_warnings_are_kept_and_can_be_raised_again(register: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = run_chase(load(register, as_of=AS_OF), tmp_path / "chase")
        assert not [w for w in caught if issubclass(w.category, ChaseWarning)]  # kept, not shown
        run.warn_again()
    assert any("李明" in str(w) for w in run.warnings)  # no address in the staff sheet
    assert [str(w.message) for w in caught if issubclass(w.category, ChaseWarning)] == \
        [str(w) for w in run.warnings if isinstance(w, ChaseWarning)]
    assert run.files == [run.outputs.workbook, *run.outputs.drafts]


def test_the_output_folder_follows_the_settings_then_the_front_end(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    monkeypatch.chdir(tmp_path)
    book = tmp_path / "team" / "登记.xlsm"
    book.parent.mkdir()
    assert output_folder("催办-x", None, book) == tmp_path / "催办-x"  # the command line: here
    assert output_folder("催办-x", None, book, beside_workbook=True) == book.parent / "催办-x"
    assert output_folder("催办-x", "草稿", book) == book.parent / "草稿" / "催办-x"
    assert output_folder("催办-x", str(tmp_path / "abs"), book) == tmp_path / "abs" / "催办-x"
    assert output_folder("催办-x", "草稿", None) == Path("草稿") / "催办-x"  # a CSV: no workbook
    url = "https://contoso.sharepoint.com/sites/x/登记.xlsm"
    assert workbook_folder(url) == Path.home() / "Documents"
    assert output_folder("催办-x", None, url, beside_workbook=True) == Path.home() / "Documents" / "催办-x"


def test_one_reading_of_a_typed_week() -> None:
    for text in ("2026-W48", "2026W48", "2026-w48", " 2026 - W 48 "):
        assert parse_week(text) == (2026, 48) == _week(text, "zh")
    for bad in ("2026-48", "2025-W53", "W48"):
        with pytest.raises(ValueError):
            parse_week(bad)


def test_build_workbook_never_replaces_a_file_unasked(tmp_path: Path) -> None:
    existing = tmp_path / "投诉登记.xlsm"
    existing.write_bytes(b"the team's register")
    with pytest.raises(UsageError) as caught:
        build_workbook(existing, today=AS_OF)
    assert caught.value.key == "workbook-exists"
    assert existing.read_bytes() == b"the team's register"
    with pytest.raises(UsageError) as caught:
        build_workbook(tmp_path / "x.xlsx", today=AS_OF)
    assert caught.value.key == "xlsm-needed"
    assert build_workbook(existing, today=AS_OF, force=True) == existing
    assert existing.read_bytes()[:2] == b"PK"
