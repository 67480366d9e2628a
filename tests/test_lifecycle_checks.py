"""The lifecycle's findings, each at its cell, counted in working days by hand (劳动节 2026)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import complaint_xl
from complaint_xl.checks import CATALOGUE, Findings
from lifecycle_helpers import AS_OF, LIFECYCLE, closed, complaint, d, read, write

CODES = {
    "accepted-before-raised", "pause-before-raised", "pause-end-before-start",
    "followup-before-closed", "date-in-future", "accepted-late", "not-accepted",
    "pause-without-start", "pause-too-long", "extension-not-later", "extension-too-long",
    "extension-not-informed", "abnormal-closure-incomplete", "unknown-closure-kind",
    "followup-not-closed", "dissatisfied", "unknown-satisfaction", "closed-but-ineffective",
}
"""The lifecycle's codes, and the older one the 新措施 column answers."""


def _open(seq: int, **fields: Any) -> dict[str, Any]:
    """Accepted on its raised day (05-06) unless said otherwise."""
    return complaint(seq, f"客户{seq:02d}", **{"accepted_on": d("2026-05-06"), **fields})


def _closed(seq: int, **fields: Any) -> dict[str, Any]:
    return closed(seq, f"客户{seq:02d}", "2026-05-12", **{"accepted_on": d("2026-05-06"), **fields})


ROWS = [
    # row 2: raised Thu 04-30, accepted Wed 05-06: (04-30, 05-06] = 6 only (05-01..05 off): on time
    _open(1, raised_on=d("2026-04-30")),
    # row 3: raised Fri 05-08, accepted Mon 05-11: (8, 11] = 9 (调休 Sat), 11 = 2 > 1
    _open(2, raised_on=d("2026-05-08"), accepted_on=d("2026-05-11")),
    # row 4: raised Mon 05-18, not accepted: (18, 20] = 2 > 1; row 5 raised 05-19: 1, fine
    _open(3, raised_on=d("2026-05-18"), accepted_on=None),
    _open(4, raised_on=d("2026-05-19"), accepted_on=None),
    # row 6: accepted the day before it was raised
    _open(5, accepted_on=d("2026-05-05")),
    # row 7: paused since Mon 04-27, still: 27-30 (4), 6-9 (4), 11-15 (5), 18-20 (3) = 16 > 10
    _open(6, raised_on=d("2026-04-24"), accepted_on=d("2026-04-24"), paused_from=d("2026-04-27")),
    # row 8: an end without a start; row 9: an end before the start
    _open(7, paused_to=d("2026-05-11")),
    _open(8, paused_from=d("2026-05-12"), paused_to=d("2026-05-11")),
    # row 10: deadline Fri 05-08 extended to Fri 06-05: 9, 11-15, 18-22, 25-29, June 1-5 = 21
    #         working days > 15 (latest: 9, 11-15, 18-22, 25-28 -> Thu 05-28); nobody told
    _open(9, deadline=d("2026-05-08"), extended_to=d("2026-06-05")),
    # row 11: extended to 05-22, 11 working days, and told
    _open(10, deadline=d("2026-05-08"), extended_to=d("2026-05-22"), customer_informed="已告知"),
    # row 12: "extended" to a day before the deadline
    _open(11, deadline=d("2026-05-08"), extended_to=d("2026-05-07"), customer_informed="是"),
    # row 13: abnormal closure approved but without its reason; the call found him dissatisfied
    _closed(12, closure_kind="异常结案", approved_by="周强", followup_on=d("2026-05-14"),
            satisfaction="很不满意"),
    # row 14: a closure kind nobody knows
    _closed(13, closure_kind="撤诉", followup_on=d("2026-05-14"), satisfaction="一般"),
    # row 15: called back the day before closing; a satisfaction nobody knows
    _closed(14, followup_on=d("2026-05-11"), satisfaction="还凑合吧"),
    # row 16: called back, but still open
    _open(15, followup_on=d("2026-05-14")),
    # row 17: called back next Monday (after today)
    _closed(16, followup_on=d("2026-05-25"), satisfaction="非常满意"),
    # rows 18, 19: ineffective, with a new action and without
    _closed(17, effect="无效", new_action="更换供应商批次并复检", followup_on=d("2026-05-13")),
    _closed(18, effect="无效", followup_on=d("2026-05-13")),
]


def _check(path: Path, lang: str | None = None) -> Findings:
    loaded = read(path, lang=lang)
    return complaint_xl.check_register(loaded.register, loaded.settings, loaded.as_of,
                                       loaded.calendar)


def _found(findings: Findings) -> set[tuple[int, str, str]]:
    return {(f["row"], f["column"], f["code"]) for f in findings.to_json()["findings"]
            if f["code"] in CODES}


def _message(findings: Findings, row: int, code: str) -> str:
    (hit,) = [f for f in findings.to_json()["findings"] if (f["row"], f["code"]) == (row, code)]
    return hit["message"]


def test_every_lifecycle_finding_at_its_cell(tmp_path: Path) -> None:
    findings = _check(write(tmp_path / "r.xlsx", ROWS))
    assert _found(findings) == {
        (3, "M", "accepted-late"), (4, "M", "not-accepted"), (6, "M", "accepted-before-raised"),
        (7, "N", "pause-too-long"), (8, "N", "pause-without-start"),
        (9, "O", "pause-end-before-start"), (10, "P", "extension-too-long"),
        (10, "Q", "extension-not-informed"), (12, "P", "extension-not-later"),
        (13, "S", "abnormal-closure-incomplete"), (13, "V", "dissatisfied"),
        (14, "R", "unknown-closure-kind"), (15, "U", "followup-before-closed"),
        (15, "V", "unknown-satisfaction"), (16, "U", "followup-not-closed"),
        (17, "U", "date-in-future"), (19, "I", "closed-but-ineffective"),
    }
    severity = {f["code"]: f["severity"] for f in findings.to_json()["findings"]}
    assert severity["abnormal-closure-incomplete"] == "error"
    assert severity["accepted-late"] == severity["dissatisfied"] == "warning"


def test_the_messages_carry_the_counts_and_the_fix(tmp_path: Path) -> None:
    findings = _check(write(tmp_path / "r.xlsx", ROWS))
    assert _message(findings, 3, "accepted-late") == (
        "受理时间 2026-05-11 在提出日期后第 2 个工作日，超过受理时限 1 个工作日（最迟 2026-05-09）："
        "投诉应在时限内受理；如有原因，请在进展情况中注明。")
    assert _message(findings, 4, "not-accepted").startswith(
        "提出已 2 个工作日，超过受理时限 1 个工作日（最迟 2026-05-19），受理时间仍为空")
    assert "共 16 个工作日，超过最长暂停 10 个工作日" in _message(findings, 7, "pause-too-long")
    assert _message(findings, 10, "extension-too-long").startswith(
        "延期期限 2026-06-05 比原解决期限 2026-05-08 晚 21 个工作日，超过最长延期 15 个工作日"
        "（最迟 2026-05-28）")
    assert _message(findings, 10, "extension-not-informed").startswith("已延期至 2026-06-05")
    assert "请补填非正常结案原因" in _message(findings, 13, "abnormal-closure-incomplete")
    assert _message(findings, 15, "unknown-satisfaction").startswith(
        "客户满意度“还凑合吧”无法识别，应为：满意、基本满意、不满意")
    english = _check(write(tmp_path / "en.xlsx", ROWS), lang="en")
    assert _message(english, 3, "accepted-late").startswith(
        "受理时间 2026-05-11 is 2 working days after the raised-on date, beyond the 1-day "
        "acceptance limit (latest 2026-05-09)")


def test_the_settings_move_the_limits(tmp_path: Path) -> None:
    settings = [["受理时限(工作日)", 2], ["最长暂停(工作日)", 16], ["最长延期(工作日)", 21]]
    found = _found(_check(write(tmp_path / "r.xlsx", ROWS, settings=settings)))
    gone = {(3, "M", "accepted-late"), (7, "N", "pause-too-long"), (10, "P", "extension-too-long")}
    assert not gone & found
    assert (4, "M", "not-accepted") not in found  # (18, 20] = 2 is within 2
    assert (10, "Q", "extension-not-informed") in found


def test_without_the_columns_to_point_at_the_finding_sits_where_it_can(tmp_path: Path) -> None:
    rows = [_open(1, deadline=d("2026-05-08"), extended_to=d("2026-05-20")),
            _closed(2, closure_kind="非正常")]
    path = write(tmp_path / "r.xlsx", rows,
                 drop=("customer_informed", "abnormal_reason", "approved_by"))
    findings = _check(path)
    # extended_to stays in P; without 是否告知客户 (Q) the 结案类型 column moves from R to Q
    assert _found(findings) == {(2, "P", "extension-not-informed"),
                                (3, "Q", "abnormal-closure-incomplete")}
    assert _message(findings, 3, "abnormal-closure-incomplete") == (
        "结案类型为“非正常”，但登记表没有非正常结案原因、批准人列：非正常结案须记录原因并经批准，"
        "请增加该列并填写。")


def test_a_register_without_the_lifecycle_columns_gets_none_of_these(tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k not in LIFECYCLE} for r in ROWS]
    findings = _check(write(tmp_path / "r.xlsx", rows, drop=LIFECYCLE))
    # only the older finding, for both ineffective closures now (no 新措施 column to answer it)
    assert _found(findings) == {(18, "I", "closed-but-ineffective"),
                                (19, "I", "closed-but-ineffective")}


def test_the_catalogue_has_the_lifecycle_s_codes() -> None:
    assert set(CATALOGUE) >= CODES
    assert CATALOGUE["extension-not-informed"].template("zh", "no-column")
    assert AS_OF.isoformat() == "2026-05-20"
