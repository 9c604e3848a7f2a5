"""The exported files themselves: the PNG is a 1920×1080 image, the SVG carries the Chinese title, area, period,
source and time stamp as text, and the CSV and XLSX open (csv, openpyxl) and hold the same figures as plain SQL
over the raw rows, numbers as numbers, Chinese headers and labels intact.

The builders run as the route runs them (catalog name, the page's query, the account's scope); the images go
through the real browser (Debian's chromium, kaleido)."""

from __future__ import annotations

import io
import struct
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

import dashboard.exports.drill_charts  # noqa: F401  (registers the drill-down exports)
from dashboard.data.db import session_scope
from dashboard.data.models import RentalHouse
from dashboard.data.periods import CITY, Area
from dashboard.exports.catalog import ExportContent, ExportRequest, exportable
from dashboard.exports.images import RENDERER, figure_png, figure_svg
from dashboard.exports.tables import table_csv, table_xlsx
from tests.callbacks.test_drill_pages import END, START, rows
from tests.support.drill_data import add_drill_city
from tests.support.export_files import csv_rows

QUERY = {"period": "custom", "from": "2025-03-01", "to": "2025-08-31"}


@pytest.fixture
def city() -> dict[str, int]:
    return add_drill_city()


@pytest.fixture(scope="module", autouse=True)
def browser() -> Iterator[None]:
    yield
    RENDERER.close()  # the warm browser of this test process


def build(name: str, query: dict[str, str] = QUERY, scope: Area = CITY) -> ExportContent:
    return exportable(name).build(ExportRequest(query=query, scope=scope, lang="zh-CN"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def sheet_rows(data: bytes) -> tuple[list[Any], list[list[Any]], list[Any]]:
    """The title block's first cells, the table (header first) below it, and the footer's cells under that."""
    sheet = load_workbook(io.BytesIO(data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    blanks = [index for index, row in enumerate(values) if all(value is None for value in row)]
    first, last = blanks[0], blanks[-1]
    return [row[0] for row in values[:first]], values[first + 1 : last], [row[0] for row in values[last + 1 :]]


def test_a_chart_png_is_a_1920_by_1080_image_and_its_svg_holds_the_chinese_text(city):
    content = build("trends.areas")
    assert png_size(figure_png(content, "zh-CN")) == (1920, 1080)
    svg = figure_svg(content, "zh-CN").decode("utf-8")
    assert 'width="1920"' in svg and 'height="1080"' in svg
    for text in (
        "各区域案事件数",
        "台州市",
        "2025年3月1日",
        "数据来源：台州市网格化管理指挥中心",
        "导出时间：",
        "路桥区",
    ):
        assert text in svg, text
    assert "点击下钻" not in svg  # a hint for the screen, not for a slide


def test_the_area_chart_csv_and_xlsx_hold_the_sql_counts(city):
    content = build("trends.areas")
    by_county = Counter(
        row.county_code
        for row in rows("SELECT county_code FROM incident WHERE reported_at >= :s AND reported_at < :e", s=START, e=END)
    )
    found = csv_rows(table_csv(content, "zh-CN"))
    assert {row["编号"]: int(row["案事件数"]) for row in found} == dict(by_county)
    assert {row["区域"] for row in found} == {"路桥区", "温岭市"}
    title, table, _footer = sheet_rows(table_xlsx(content, "zh-CN"))
    assert title[0] == "各区域案事件数" and "台州市" in title[1] and "数据来源" in title[2]
    header, *data = table
    assert header == ["排名", "区域", "编号", "案事件数", "每万人"]
    assert {row[2]: row[3] for row in data} == dict(by_county)
    assert all(isinstance(row[0], int) and isinstance(row[3], int) for row in data)  # numbers, not text


def test_the_solve_rate_table_equals_sql_over_the_criminal_cases(city):
    content = build("solve.areas")
    cases = rows(
        "SELECT county_code, solved_at FROM incident WHERE kind = 'criminal' AND filed_at >= :s AND filed_at < :e",
        s=START,
        e=END,
    )
    filed = Counter(row.county_code for row in cases)
    solved = Counter(row.county_code for row in cases if row.solved_at is not None)
    _title, (header, *data), footer = sheet_rows(table_xlsx(content, "zh-CN"))
    assert "口径" in footer[0] and "截至去年同期" in footer[0]  # the definition, comparison rule and all
    assert "截至去年同期" in figure_svg(content, "zh-CN").decode("utf-8")  # and in the image's footer
    got = {row[header.index("编号")]: row for row in data}
    for code, n in filed.items():
        row = got[code]
        assert row[header.index("立案数")] == n and row[header.index("已破")] == solved[code]
        # a percentage cell holds the fraction, under a heading without "（%）": the cell's format shows the sign
        assert row[header.index("破案率")] == pytest.approx(round(100 * solved[code] / n, 1) / 100)


def test_the_record_table_export_masks_personal_numbers(city):
    with session_scope() as session:
        session.add(RentalHouse(grid_id=1, address="东路1号", landlord_name="王房东", landlord_phone="13812345678"))
    body = table_csv(build("rental.houses"), "zh-CN")
    text, found = body.decode("utf-8-sig"), csv_rows(body)
    assert len(found) == rows("SELECT COUNT(*) AS n FROM rental_house")[0].n
    assert "13812345678" not in text
    assert [row["房东电话"] for row in found if row["房东"] == "王房东"] == ["138****5678"]


def test_a_table_only_export_has_no_image(city):
    content = build("trends.records")
    assert content.figure is None and not content.is_empty
    with pytest.raises(ValueError, match="CSV"):
        figure_png(content, "zh-CN")
