"""Region × category (kpi/cross.py): the week's new complaints by customer attribute × type and by
type × support unit, in the JSON, the workbook and the page, with the sentence on the weak spot.

The register below was counted by hand. Report week 2026-W41 (10-05..10-11), as of 2026-10-12.

    row  customer (attribute)   type  support unit  raised
    a    甲(经销商)              售后   工厂           10-05  new
    b    乙(经销商)              售后   工厂           10-06  new
    c    丙(经销商)              品质   工厂           10-08  new
    d    丁(终端客户)            售后   销售           10-08  new
    e    戊(终端客户)            物流   —              10-09  new (no support unit)
    f    己 (no attribute)      品质   工厂           10-09  new (no attribute)
    g    庚(工程客户)            售后   内务           10-11  new
    h    辛(经销商)              售后   工厂           09-28  W40: not counted

customer_attr_by_type over a, b, c, d, e, g (f has no attribute: blank 1); rows and columns most
first, ties in order of appearance (品质 at c before 物流 at e):
    经销商   售后 2  品质 1  物流 0
    终端客户 售后 1  品质 0  物流 1
    工程客户 售后 1  品质 0  物流 0      -> 经销商 × 售后 is the largest: 2 of 6 = 33.3%
type_by_support_unit over a, b, c, d, f, g (e has no unit: blank 1; 销售 at d before 内务 at g):
    售后  工厂 2  销售 1  内务 1
    品质  工厂 2  销售 0  内务 0         -> 售后 × 工厂 and 品质 × 工厂 tie: 2 each, 33.3%
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from complaint_xl.cli import cli
from complaint_xl.kpi import weekly
from complaint_xl.loading import load
from complaint_xl.outputs.weekly import write_weekly
from complaint_xl.sample import sample_settings_sheets
from conftest import STANDARD_HEADER, row, write_xlsx
from kpi_helpers import without

AS_OF = dt.date(2026, 10, 12)


def _r(seq: int, customer: str, type_: str, unit: str | None, raised: str, owner: str = "李明"
       ) -> list[Any]:
    return row(seq=seq, customer=customer, owner=owner, type=type_, support_unit=unit,
               raised_on=dt.date.fromisoformat(raised), deadline=dt.date(2026, 10, 30), closed="否",
               problem=f"{customer}反映第{seq}批板材开裂，涉及型号A3-18共20张")


ROWS = [
    _r(1, "甲(经销商)", "售后", "工厂", "2026-10-05"),
    _r(2, "乙(经销商)", "售后", "工厂", "2026-10-06", owner="王芳"),
    _r(3, "丙(经销商)", "品质", "工厂", "2026-10-08"),
    _r(4, "丁(终端客户)", "售后", "销售", "2026-10-08", owner="王芳"),
    _r(5, "戊(终端客户)", "物流", None, "2026-10-09"),
    _r(6, "己", "品质", "工厂", "2026-10-09"),
    _r(7, "庚(工程客户)", "售后", "内务", "2026-10-11"),
    _r(8, "辛(经销商)", "售后", "工厂", "2026-09-28"),
]
ATTR_BY_TYPE = {"经销商": {"售后": 2, "品质": 1, "物流": 0},
                "终端客户": {"售后": 1, "品质": 0, "物流": 1},
                "工程客户": {"售后": 1, "品质": 0, "物流": 0}}
TYPE_BY_UNIT = {"售后": {"工厂": 2, "销售": 1, "内务": 1}, "品质": {"工厂": 2, "销售": 0, "内务": 0}}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cross")
    return write_xlsx(folder / "register.xlsx",
                      {"登记表": [STANDARD_HEADER, *ROWS], **sample_settings_sheets()})


def _json(*args: str) -> dict[str, Any]:
    done = CliRunner().invoke(cli, ["report", *args, "--today", AS_OF.isoformat(), "--json"],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_the_json_counts_the_week_s_new_rows_by_two_fields(register: Path) -> None:
    cross = _json(str(register))["cross"]
    assert cross["customer_attr_by_type"] == ATTR_BY_TYPE
    assert list(cross["customer_attr_by_type"]) == ["经销商", "终端客户", "工程客户"]
    assert list(cross["customer_attr_by_type"]["经销商"]) == ["售后", "品质", "物流"]
    assert cross["type_by_support_unit"] == TYPE_BY_UNIT
    assert list(cross["type_by_support_unit"]["售后"]) == ["工厂", "销售", "内务"]
    assert cross["blank"] == {"customer_attr_by_type": 1, "type_by_support_unit": 1}


def test_a_filter_narrows_the_cross_tables(register: Path) -> None:
    cross = _json(str(register), "--owner", "王芳")["cross"]  # b and d
    assert cross["customer_attr_by_type"] == {"经销商": {"售后": 1}, "终端客户": {"售后": 1}}
    assert cross["type_by_support_unit"] == {"售后": {"工厂": 1, "销售": 1}}
    assert cross["blank"] == {"customer_attr_by_type": 0, "type_by_support_unit": 0}


def test_the_weak_spot_sentences(register: Path) -> None:
    loaded = load(register, as_of=AS_OF)
    kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    assert kpis.cross is not None
    assert kpis.cross.weak_spots("zh") == [
        "本周新增中同时填写客户属性和投诉项目的 6 件投诉里，“经销商 × 售后”最多：2 件，占 33.3%。",
        "本周新增中同时填写投诉项目和支援单位的 6 件投诉里，“售后 × 工厂”、“品质 × 工厂”并列最多："
        "各 2 件，各占 33.3%。",
    ]
    assert kpis.cross.weak_spots("en")[0] == (
        "Of the 6 complaints raised this week with both customer attribute and type, "
        "经销商 × 售后 has the most: 2, 33.3%.")


def test_the_workbook_and_the_page_show_counts_and_shares(register: Path, tmp_path: Path) -> None:
    loaded = load(register, as_of=AS_OF)
    kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    files = write_weekly(kpis, tmp_path / "out", loaded.settings)
    cells = [[c for c in r] for r in openpyxl.load_workbook(files.xlsx)["交叉分析"].iter_rows(
        values_only=True)]
    at = cells.index(["客户属性", "售后", "品质", "物流", "合计", None, None, None])
    assert cells[at + 1][:5] == ["经销商", 2, 1, 0, 3]
    assert cells[at + 4][:5] == ["合计", 4, 1, 1, 6]
    assert cells[at + 6][0] == "客户属性 × 投诉项目（占表内合计）"
    shares = cells[at + 7:at + 12]
    assert shares[0][:5] == ["客户属性", "售后", "品质", "物流", "合计"]
    assert shares[1][:5] == ["经销商", pytest.approx(2 / 6), pytest.approx(1 / 6), 0, 0.5]
    assert any(str(c[0]).startswith("本周新增中同时填写客户属性") for c in cells)
    assert any(c[0] == "另有 1 件本周新增因投诉项目或支援单位为空，未计入此表。" for c in cells)
    html = files.html.read_text(encoding="utf-8")
    assert "客户属性 × 投诉项目（本周新增，件）" in html
    assert "<th>经销商</th><td class=\"\">2<span class=\"share\">33.3%</span></td>" in html
    assert "“经销商 × 售后”最多：2 件，占 33.3%。" in html


def test_no_raised_dates_no_cross_tables(tmp_path: Path) -> None:
    header, rows = without("提出日期")
    path = write_xlsx(tmp_path / "r.xlsx", {"登记表": [header, *rows], **sample_settings_sheets()})
    loaded = load(path, as_of=AS_OF)  # the command line stops without it; the grid API does not
    kpis = weekly(loaded.register, loaded.settings, loaded.calendar, loaded.as_of)
    assert kpis.to_json()["cross"] == {"customer_attr_by_type": None, "type_by_support_unit": None,
                                       "blank": None}
    page = write_weekly(kpis, tmp_path / "out", loaded.settings).html.read_text(encoding="utf-8")
    assert "登记表没有“提出日期”列，无法统计新增数" in page
