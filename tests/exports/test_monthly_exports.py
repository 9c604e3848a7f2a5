"""The month as files: the deck opens in python-pptx and the PDF's text extracts, both with the page's figures and
the summary; an empty month is refused, not written; the area scope holds; the cron command. The page's background
builds of the same files: tests/exports/test_month_builds.py."""

from __future__ import annotations

import io
import re

import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.data.periods import CITY, Area
from dashboard.data.vocab import Role
from dashboard.definitions import definition
from dashboard.exports import pack
from dashboard.exports.catalog import ExportRequest, exportable
from dashboard.exports.deck import build_deck
from dashboard.exports.month_files import EmptyMonth
from dashboard.exports.monthly_charts import RANKING, SUMMARY, month_pack
from dashboard.exports.report_pdf import build_pdf
from tests.support.accounts import signed_in_client
from tests.support.monthly_data import MONTH, add_month_city, county_counts

JUNE = {"month": "2025-06"}


def deck_text(body: bytes) -> tuple[str, int, int]:
    """All the deck's text, its slide count and its charts."""
    deck = Presentation(io.BytesIO(body))
    texts, charts = [], 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            charts += shape.has_chart
    return "\n".join(texts), len(deck.slides), charts


def pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_deck_and_pdf_hold_the_page_figures_and_summary():
    add_month_city()
    month = month_pack(ExportRequest(JUNE, CITY, "zh-CN"))
    counts = county_counts(MONTH)
    filed = sum(c["filed"] for c in counts.values())
    text, slides, charts = deck_text(build_deck(month))
    assert month.summary.startswith(f"2025年6月，全市刑事立案 {filed} 起")
    assert month.summary in text and "路桥区" in text and "温岭市" in text
    ranking = month.contents[RANKING].table
    assert list(ranking["刑事立案（起）"]) == sorted((c["filed"] for c in counts.values()), reverse=True)
    assert slides >= 8 and charts == 5  # title, 通报, headline, four chart slides (hazards: two), the area table
    pdf = squeeze(pdf_text(build_pdf(month)))
    assert squeeze(month.summary) in pdf and "路桥区" in pdf and "各部门隐患整改率与逾期未整改数" in pdf
    for name in month.contents:  # each slide's and each section's footer states its 口径, comparison rule included
        assert definition(name, "zh-CN") in text, name
        assert squeeze(definition(name, "zh-CN")) in pdf, name


def test_an_empty_month_is_refused_with_its_name():
    add_month_city()
    empty = month_pack(ExportRequest({"month": "2023-02"}, CITY, "zh-CN"))
    assert empty.empty
    for build in (build_deck, build_pdf):
        with pytest.raises(EmptyMonth, match="2023年2月"):
            build(empty)
    assert exportable(RANKING).build(ExportRequest({"month": "2023-02"}, CITY, "zh-CN")).is_empty


def test_a_county_scope_shows_its_own_county_only():
    add_month_city()
    month = month_pack(ExportRequest({"month": "2025-06", "area": ""}, Area.county("331004"), "zh-CN"))
    assert month.view.area == Area.county("331004")
    text, _, _ = deck_text(build_deck(month))
    assert "温岭市" not in text and "路桥区" in text
    codes = set(month.contents[RANKING].table["编码"])
    assert codes == {"331004001", "331004002"}
    filed = county_counts(MONTH)["331004"]["filed"]
    assert month.summary.startswith(f"2025年6月，路桥区刑事立案 {filed} 起")


def test_bad_query_values_name_the_field():
    add_month_city()
    with pytest.raises(ValueError, match="month"):
        month_pack(ExportRequest({"month": "2025-13"}, CITY, "zh-CN"))
    with pytest.raises(ValueError, match="area"):
        month_pack(ExportRequest({"month": "2025-06", "area": "33"}, CITY, "zh-CN"))


def test_the_summary_export_is_the_page_summary():
    add_month_city()
    content = exportable(SUMMARY).build(ExportRequest(JUNE, CITY, "en"))
    whole = month_pack(ExportRequest(JUNE, CITY, "en"))
    assert content.notes == (whole.summary,) and whole.summary.startswith("In June 2025, the city filed")


def test_the_cron_pack_writes_both_files_and_refuses_an_empty_month(tmp_path, capsys):
    add_month_city()
    assert pack.main(["--month", "2025-06", "--out", str(tmp_path / "out")]) == 0
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == ["台州市网格化管理月度通报-2025-06.pdf", "台州市网格化管理月度通报-2025-06.pptx"]
    assert pack.main(["--month", "2023-02", "--out", str(tmp_path / "empty")]) == 2
    assert "2023年2月" in capsys.readouterr().err and not (tmp_path / "empty").exists()
    assert pack.main(["--month", "June", "--out", str(tmp_path / "bad")]) == 2
    assert "month" in capsys.readouterr().err


def test_the_export_route_serves_the_monthly_tables_and_refuses_an_empty_month(dash_app):
    add_month_city()
    client = signed_in_client(dash_app, "leader", Role.COUNTY_LEADER, area="331004")
    response = client.get("/export/monthly.county_ranking.csv?month=2025-06")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    assert "镇001" in text and "温岭市" not in text  # the leader's townships, not the other county
    assert client.get("/export/monthly.county_ranking.csv?month=2023-02").status_code == 404
    assert client.get("/export/monthly.county_ranking.csv?month=2025-06&area=331081").status_code == 403
    assert client.get("/export/monthly.county_ranking.csv?month=June").status_code == 400
