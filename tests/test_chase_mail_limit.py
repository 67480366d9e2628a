"""A chase mail lists at most 邮件最多列出条数 items, the most overdue, and points to the chase list."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from chase_helpers import SETTINGS, bodies, load_register, parse, positions, row, write_register
from complaint_xl.chase import chase
from complaint_xl.outputs.chase import ChaseWarning, write_chase

NOW = dt.datetime(2026, 10, 12, 9, 0).astimezone()

# 李明 has eight overdue items (raised 2026-09-01, deadlines a working day apart, so each
# is one working day less overdue than the one before) and one due soon; all ask 工厂.
DEADLINES = ["2026-09-14", "2026-09-15", "2026-09-16", "2026-09-17", "2026-09-18",
             "2026-09-21", "2026-09-22", "2026-09-23"]
NAMES = [f"客户{c}" for c in "甲乙丙丁戊己庚辛"]
ROWS = [
    *(row(i + 1, d, customer=name, support_unit="工厂", support_need="出报告")
      # the register lists the least overdue first
      for i, (name, d) in enumerate(zip(NAMES, reversed(DEADLINES), strict=True))),
    row(9, "2026-10-13", customer="客户壬", support_unit="工厂", support_need="出报告"),
]
MOST_OVERDUE_FIRST = NAMES[::-1]


def run(tmp_path, limit: object, lang: str | None = None, rows=ROWS):
    settings = [*SETTINGS, ["邮件最多列出条数" if lang != "en" else "Max items per mail", limit]]
    loaded = load_register(write_register(tmp_path / "r.xlsx", rows, settings=settings), lang=lang)
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    return loaded, write_chase(result, loaded.settings, tmp_path / "out", now=NOW)


def listed(text: str, customers: list[str]) -> list[str]:
    return [c for c in customers if c in text]


def test_the_setting_is_read_from_the_settings_sheet(tmp_path):
    loaded, _ = run(tmp_path, 3)
    assert loaded.settings.chase_mail_max_items == 3 and loaded.settings.problems == []
    loaded, _ = run(tmp_path, 7, lang="en")
    assert loaded.settings.chase_mail_max_items == 7


def test_a_bad_value_is_a_settings_problem_and_the_default_stands(tmp_path):
    loaded, _ = run(tmp_path, "很多")
    assert loaded.settings.chase_mail_max_items == 50
    [problem] = loaded.settings.problems
    assert problem.key == "邮件最多列出条数" and problem.sheet == "设置" and "50" in problem.message("zh")


def test_owner_digest_lists_the_most_overdue_and_says_how_many_more(tmp_path):
    _, outputs = run(tmp_path, 3)
    msg = parse(outputs.folder / "催办-李明.eml")
    # The subject and the summary still count every item.
    assert msg["Subject"] == "【催办】李明：逾期 8 项，即将到期 1 项（截至 2026-10-12）"
    plain, html = bodies(msg)
    every = [*MOST_OVERDUE_FIRST, "客户壬"]
    for text in (plain, html):
        assert "有 8 项已逾期" in re.sub(r"</?b>", "", text)
        assert listed(text, every) == MOST_OVERDUE_FIRST[:3]
        a, b, c = positions(text, MOST_OVERDUE_FIRST[:3])
        assert a < b < c
    assert "…及另外 6 项，见催办清单 chase-2026-10-12.xlsx" in plain
    assert "<p>…及另外 6 项，见催办清单 chase-2026-10-12.xlsx</p>" in html
    assert plain.count("\n1. ") == 1 and "\n3. " in plain and "\n4. " not in plain
    assert html.count('<tr style="background:#FF') == 3  # item rows: red or amber
    # The list after the table; the thanks after that.
    assert plain.index(MOST_OVERDUE_FIRST[2]) < plain.index("…及另外") < plain.index("谢谢")


def test_unit_and_manager_mails_are_capped_and_count_everything(tmp_path):
    _, outputs = run(tmp_path, 2)
    unit = parse(outputs.folder / "支援-工厂.eml")
    assert unit["Subject"] == "【支援请求】工厂：9 项投诉待支援（其中逾期 8 项）（截至 2026-10-12）"
    plain, html = bodies(unit)
    assert "以下 9 项投诉需要 工厂 支援或协助" in plain
    for text in (plain, html):
        assert listed(text, [*MOST_OVERDUE_FIRST, "客户壬"]) == MOST_OVERDUE_FIRST[:2]
        assert "…及另外 7 项，见催办清单 chase-2026-10-12.xlsx" in text
    # Level 3: more than 10 working days overdue (the five oldest deadlines).
    manager = parse(outputs.folder / "升级-孙建国.eml")
    assert manager["Subject"].startswith("【投诉升级】5 项投诉")
    plain, html = bodies(manager)
    for text in (plain, html):
        assert listed(text, MOST_OVERDUE_FIRST) == MOST_OVERDUE_FIRST[:2]
        assert "…及另外 3 项，见催办清单 chase-2026-10-12.xlsx" in text


def test_english_mail_says_how_many_more(tmp_path):
    _, outputs = run(tmp_path, 4, lang="en")
    msg = parse(outputs.folder / "chase-李明.eml")
    assert msg["Subject"] == "[Chase] 李明: 8 overdue, 1 due soon (as of 2026-10-12)"
    plain, html = bodies(msg)
    for text in (plain, html):
        assert listed(text, MOST_OVERDUE_FIRST) == MOST_OVERDUE_FIRST[:4]
        assert "…and 5 more, see the chase list chase-2026-10-12.xlsx" in text
    unit = parse(outputs.folder / "support-工厂.eml")
    assert unit["Subject"].startswith("[Support request] 工厂: 9 complaints need your help (8 overdue)")


def test_no_line_when_everything_fits(tmp_path):
    _, outputs = run(tmp_path, 9)
    plain, html = bodies(parse(outputs.folder / "催办-李明.eml"))
    for text in (plain, html):
        assert listed(text, [*MOST_OVERDUE_FIRST, "客户壬"]) == [*MOST_OVERDUE_FIRST, "客户壬"]
        assert "另外" not in text and "chase-2026-10-12.xlsx" not in text


def test_zero_lists_nothing_and_still_points_to_the_list(tmp_path):
    _, outputs = run(tmp_path, 0)
    plain, html = bodies(parse(outputs.folder / "催办-李明.eml"))
    for text in (plain, html):
        assert listed(text, [*MOST_OVERDUE_FIRST, "客户壬"]) == []
        assert "…及另外 9 项，见催办清单 chase-2026-10-12.xlsx" in text
    assert "<table" in html  # the heads stay, so the mail reads as a (short) list


def test_the_mail_names_the_workbook_actually_written(tmp_path):
    _, first = run(tmp_path, 3)
    first.workbook.write_bytes(first.workbook.read_bytes() + b"edited")  # kept, not replaced
    with pytest.warns(ChaseWarning, match="chase-2026-10-12 \\(2\\).xlsx"):
        _, second = run(tmp_path, 3)
    assert second.workbook.name == "chase-2026-10-12 (2).xlsx"
    plain, html = bodies(parse(second.folder / "催办-李明.eml"))
    assert "见催办清单 chase-2026-10-12 (2).xlsx" in plain and "chase-2026-10-12 (2).xlsx" in html


def test_a_teams_older_templates_still_count_and_list_every_item(tmp_path):
    # Copies made before the limit print `items | length` and loop over `items`.
    folder = tmp_path / "模板" / "zh"
    folder.mkdir(parents=True)
    (folder / "chase_owner.subject.txt").write_text("{{ owner }}：共 {{ items | length }} 项",
                                                   encoding="utf-8")
    (folder / "chase_owner.txt").write_text(
        "{% for item in items %}{{ item.customer }}；{% endfor %}\n", encoding="utf-8")
    settings = [*SETTINGS, ["模板文件夹", "模板"], ["邮件最多列出条数", 2]]
    loaded = load_register(write_register(tmp_path / "r.xlsx", ROWS, settings=settings))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    msg = parse(write_chase(result, loaded.settings, tmp_path / "out", now=NOW).folder
                / "催办-李明.eml")
    assert msg["Subject"] == "李明：共 9 项"
    plain, html = bodies(msg)
    assert plain.strip() == "；".join([*MOST_OVERDUE_FIRST, "客户壬"]) + "；"
    assert listed(html, MOST_OVERDUE_FIRST) == MOST_OVERDUE_FIRST[:2]  # the shipped HTML


def test_a_teams_labels_copied_before_the_limit_still_render(tmp_path):
    from complaint_xl.outputs.templating import template_dirs

    shipped = next(d / "chase_labels.txt" for d in template_dirs("zh")
                   if (d / "chase_labels.txt").is_file()).read_text(encoding="utf-8")
    old = re.sub(r"\{#- After the list.*?\{% endmacro %\}\n", "", shipped, flags=re.S)
    old = old.replace("n_items", "items | length")
    assert "more_items" not in old
    folder = tmp_path / "模板" / "zh"
    folder.mkdir(parents=True)
    (folder / "chase_labels.txt").write_text(old, encoding="utf-8")
    settings = [*SETTINGS, ["模板文件夹", "模板"], ["邮件最多列出条数", 2]]
    loaded = load_register(write_register(tmp_path / "r.xlsx", ROWS, settings=settings))
    result = chase(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    outputs = write_chase(result, loaded.settings, tmp_path / "out", now=NOW)
    unit = parse(outputs.folder / "支援-工厂.eml")
    assert unit["Subject"].startswith("【支援请求】工厂：9 项投诉待支援")
    for text in bodies(unit):
        assert listed(text, MOST_OVERDUE_FIRST) == MOST_OVERDUE_FIRST[:2]
        assert "… +7: chase-2026-10-12.xlsx" in text
