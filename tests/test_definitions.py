"""Every chart and table states its 口径, from one table (dashboard/definitions.py): under it on the page, and in the
footer of each of its exports (CSV, XLSX, the meeting image), the comparison rule and the N-day choice included."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from openpyxl import load_workbook

from dashboard.data.periods import CITY
from dashboard.definitions import DEFINITIONS, definition
from dashboard.exports.catalog import CATALOG, ExportRequest, exportable
from dashboard.exports.images import display_width, meeting_figure, wrapped
from tests.support.accounts import signed_in_client
from tests.support.drill_data import add_drill_city
from tests.support.export_files import csv_parts

DRILL = "period=custom&from=2025-03-01&to=2025-08-31"


def query_for(name: str) -> str:
    if name.startswith("monthly."):
        return "month=2025-06"
    if name.startswith("grid."):
        return "code=331004-001-0001&period=last_year"
    return DRILL


def test_every_export_has_a_written_definition_in_both_languages():
    assert set(CATALOG) <= set(DEFINITIONS)
    for name in DEFINITIONS:
        zh, en = definition(name, "zh-CN"), definition(name, "en")
        assert zh.startswith("口径：") and en.startswith("Definition: "), name
        assert zh.count("口径：") == 1 and en.count("Definition:") == 1, name  # one label, then the sentences
    assert "截至去年同期" in definition("solve.areas", "zh-CN")  # the like-for-like rule, for solve rates
    assert "同比：与去年同一日历时段相比" in definition("rental.areas", "zh-CN")  # the comparison rule, for counts
    assert "立案后30日内破案" in definition("monthly.county_ranking", "zh-CN", within=30)
    with pytest.raises(KeyError, match=r"nowhere\.chart"):
        definition("nowhere.chart", "zh-CN")


def test_every_csv_export_ends_with_its_definition(dash_app):
    add_drill_city()
    client = signed_in_client(dash_app, "analyst")
    written = 0
    for name in sorted(CATALOG):
        query = dict(pair.split("=", 1) for pair in query_for(name).split("&"))
        content = exportable(name).build(ExportRequest(query, CITY, "zh-CN"))
        assert content.definition == definition(name, "zh-CN"), name
        if content.is_empty:  # nothing to write: the route says so instead of a file
            continue
        response = client.get(f"/export/{name}.csv?{query_for(name)}")
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        written += 1
        _rows, footer = csv_parts(response.data)
        assert footer[0] == definition(name, "zh-CN"), name
        assert footer[1].startswith("数据来源"), name
    assert written >= len(CATALOG) - 4  # the tiny city has no hazards, patrols or key persons
    _rows, footer = csv_parts(client.get(f"/export/solve.areas.csv?{DRILL}&within=90").data)
    assert footer[0] == definition("solve.areas", "zh-CN", within=90) and "90日内" in footer[0]


def test_the_xlsx_and_the_image_carry_the_definition_in_their_footer(dash_app):
    add_drill_city()
    client = signed_in_client(dash_app, "analyst")
    sheet = load_workbook(io.BytesIO(client.get("/export/monthly.county_ranking.xlsx?month=2025-06").data)).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[-2] == definition("monthly.county_ranking", "zh-CN") and values[-3] is None  # after a blank row
    content = exportable("solve.months").build(ExportRequest({"period": "year", "within": "30"}, CITY, "zh-CN"))
    annotations = [note.text for note in meeting_figure(content, "zh-CN").layout.annotations]
    assert "<br>".join(wrapped(definition("solve.months", "zh-CN", within=30))) in annotations


def test_wrapped_lines_keep_every_character_and_their_width():
    text = definition("monthly.summary", "en")
    lines = wrapped(text, 100)
    assert " ".join(lines).replace("  ", " ") == text and all(len(line) <= 100 for line in lines)
    chinese = wrapped(definition("monthly.summary", "zh-CN"), 100)
    assert "".join(chinese).replace(" ", "") == definition("monthly.summary", "zh-CN").replace(" ", "")
    assert all(display_width(line) <= 100 for line in chinese) and len(chinese) > 3


def components(node: Any) -> list[Any]:
    found = [node]
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += components(child)
    return found


PAGES = {
    "dashboard.pages.case_trends": {},
    "dashboard.pages.solve_rates": {"within": "30"},
    "dashboard.pages.rental_housing": {},
    "dashboard.pages.monthly_report": {"within": "90"},
    "dashboard.pages.grid_detail": {"code": "331004-001-0001"},
    "dashboard.pages.sla": {},
    "dashboard.pages.patrols": {},
}


@pytest.mark.parametrize("module", PAGES)
def test_every_exportable_chart_and_table_on_a_page_has_its_definition_under_it(dash_app, module):
    query = PAGES[module]
    tree = components(sys.modules[module].layout(**query))
    menus = {
        c.id["export"] for c in tree if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == "export-menu"
    }
    notes = {
        getattr(c, "data-of", None): c.children for c in tree if "chart-footnote" in str(getattr(c, "className", ""))
    }
    assert menus <= set(notes), (module, menus - set(notes))
    assert notes, module
    within = int(query["within"]) if "within" in query else None
    for name, text in notes.items():
        assert text == definition(name, "zh-CN", within=within), name
