"""The month's 通报 as a document and its files: it names the best and worst areas an independent count finds, its
存在问题 are what the rules select, its 下步工作要求 is kept with the month (audited) and printed in the deck and the
PDF, its 文号 runs; the deck's charts are native charts holding the page's figures; the PDF prints page numbers, the
文号 and every table's heading and never breaks a code; the XLSX keeps percentages as numbers in a percent format."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import datetime, timedelta

from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import select

from dashboard.bulletin import RATE_FALL_POINTS, RISE_PERCENT
from dashboard.data import bulletins
from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry, Grid
from dashboard.data.monthly import SMALL_BASE, grid_place
from dashboard.data.periods import CITY, Area, utc_now
from dashboard.data.vocab import AuditAction
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.deck import build_deck
from dashboard.exports.monthly_charts import HAZARDS, PATROLS, RANKING, RISING, month_pack
from dashboard.exports.report_pdf import build_pdf
from dashboard.exports.tables import table_xlsx
from dashboard.figures.monthly import COMPLIANCE_TARGET
from tests.exports.test_monthly_exports import deck_text as whole_deck_text
from tests.exports.test_monthly_exports import squeeze
from tests.support.factories import incident
from tests.support.monthly_data import HOURS, MONTH, add_month_city, county_counts, hazards_by_department, patrol_days

JUNE = {"month": "2025-06"}
NAMES = {"331004": "路桥区", "331081": "温岭市"}


def add_worsened_month() -> None:
    """On top of the month city: 路桥区's criminal cases (in rental housing) double on June 2024, and 温岭市 solves
    all of June 2024's cases but none of June 2025's."""
    with session_scope() as session:
        for number in range(60):
            year = 2024 if number < 20 else 2025
            moment = datetime(year, 6, 3 + number % 20, 10) - HOURS
            session.add(incident(moment, grid="331004-001-0002", place_type="rental_housing"))
        for number in range(50):
            year = 2024 if number < 25 else 2025
            moment = datetime(year, 6, 3 + number % 25, 10) - HOURS
            solved = moment + timedelta(days=2) if year == 2024 else None
            session.add(incident(moment, grid="331081-001-0001", solved_at=solved))
    from dashboard.data.db import get_engine
    from dashboard.data.rollups import rebuild_rollups

    with get_engine().begin() as connection:
        rebuild_rollups(connection)


def residents() -> dict[str, int]:
    with session_scope() as session:
        rows = session.execute(select(Grid.county_code, Grid.residents, Grid.migrants)).all()
    found: Counter[str] = Counter()
    for county, registered, migrants in rows:
        found[county] += registered + migrants
    return dict(found)


def lowest_and_highest(values: dict[str, float]) -> tuple[str, str]:
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    highest = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return ordered[0][0], highest[0][0]


def test_the_bulletin_names_the_best_and_worst_areas_an_independent_count_finds():
    add_month_city()
    pack = month_pack(ExportRequest(JUNE, CITY, "zh-CN"))
    counts, people = county_counts(MONTH), residents()
    standings = {standing.measure: standing for standing in pack.bulletin.standings}

    filed = {county: 10_000 * counts[county]["filed"] / people[county] for county in people}
    best, worst = lowest_and_highest(filed)
    assert (standings["filed"].best, standings["filed"].worst) == (best, worst)
    assert (
        f"最少的是{NAMES[best]}（{counts[best]['filed']} 起，每万人 {filed[best]:.1f} 起）" in standings["filed"].text
    )
    assert (
        f"最多的是{NAMES[worst]}（{counts[worst]['filed']} 起，每万人 {filed[worst]:.1f} 起）"
        in standings["filed"].text
    )

    rates = {county: 100 * c["solved"] / c["filed"] for county, c in counts.items() if c["filed"]}
    worst, best = lowest_and_highest(rates)
    assert (standings["rate"].best, standings["rate"].worst) == (best, worst)
    assert f"最高的是{NAMES[best]}（{rates[best]:.1f}%" in standings["rate"].text
    assert f"最低的是{NAMES[worst]}（{rates[worst]:.1f}%" in standings["rate"].text

    rental = {county: 10_000 * counts[county]["rental"] / people[county] for county in people}
    best, worst = lowest_and_highest(rental)
    assert (standings["rental"].best, standings["rental"].worst) == (best, worst)

    patrols = {county: 100 * ok / due for county, (due, ok) in patrol_days(MONTH).items() if due}
    worst, best = lowest_and_highest(patrols)
    assert (standings["patrols"].best, standings["patrols"].worst) == (best, worst)
    # one number style: no figure in the 通报 has two decimals
    whole = "\n".join(text for _, texts in pack.bulletin.sections("zh-CN") for text in texts)
    assert not re.search(r"\d\.\d\d", whole), whole


def test_its_problems_are_what_the_rules_select():
    add_month_city()
    add_worsened_month()
    pack = month_pack(ExportRequest(JUNE, CITY, "zh-CN"))
    now, then = county_counts(MONTH), county_counts(MONTH.same_period_last_year())
    expected: dict[str, set[str]] = {}

    def change(county: str, key: str) -> float:
        return 100 * (now[county][key] - then[county][key]) / then[county][key]

    expected["filed_rise"] = {c for c in now if then[c]["filed"] >= SMALL_BASE and change(c, "filed") >= RISE_PERCENT}
    expected["rental_rise"] = {
        c for c in now if then[c]["rental"] >= SMALL_BASE and change(c, "rental") >= RISE_PERCENT
    }
    expected["rate_fall"] = {  # last year's cases counted solved by the same moment a year before now
        c
        for c in now
        if then[c]["filed"] >= SMALL_BASE
        and 100 * (now[c]["solved"] / now[c]["filed"] - then[c]["solved"] / then[c]["filed"]) <= -RATE_FALL_POINTS
    }
    late = hazards_by_department(MONTH, utc_now())
    expected["overdue_hazards"] = {department for department, (_, _, overdue) in late.items() if overdue}
    expected["patrols_below"] = {
        c for c, (due, ok) in patrol_days(MONTH).items() if due and 100 * ok / due < COMPLIANCE_TARGET
    }
    found = {problem.rule: set(problem.subjects) for problem in pack.bulletin.problems}
    assert found == {rule: subjects for rule, subjects in expected.items() if subjects}
    assert expected["filed_rise"] == {"331004"} and expected["rate_fall"] == {"331081"}  # the data did worsen
    texts = {problem.rule: problem.text for problem in pack.bulletin.problems}
    assert f"路桥区（上升 {change('331004', 'filed'):.1f}%）" in texts["filed_rise"]
    assert "温岭市" in texts["rate_fall"] and "个百分点" in texts["rate_fall"]
    # the generated 下步工作要求 takes each problem up, the areas named
    assert "路桥区要分析刑事案件上升原因" in pack.bulletin.requirements


def test_the_leaders_requirements_are_kept_audited_and_printed():
    add_month_city()
    written = "1. 路桥区要在7月底前完成出租房专项整治。\n2. 各地加强夜间巡查。"
    with session_scope() as session:
        bulletins.save_requirements(session, CITY, MONTH, f"  {written}\r\n", "leader")
    pack = month_pack(ExportRequest(JUNE, CITY, "zh-CN"), issue=True)
    assert pack.bulletin.requirements == written and pack.bulletin.requirements_edited
    assert written.split("\n")[0] in deck_text(build_deck(pack))
    pdf = pdf_pages(build_pdf(pack))
    assert all(line in squeeze("".join(pdf)) for line in map(squeeze, written.split("\n")))
    with session_scope() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.BULLETIN_EDITED)).all()
        detail = json.loads(entries[-1].detail)
        assert (entries[-1].actor, detail["after"], detail["before"], detail["month"]) == (
            "leader",
            written,
            None,
            "2025-06",
        )
        bulletins.save_requirements(session, CITY, MONTH, "", "leader")  # emptied: the generated text returns
    again = month_pack(ExportRequest(JUNE, CITY, "zh-CN"))
    assert not again.bulletin.requirements_edited and again.bulletin.requirements != written


def test_the_number_runs_within_the_area_and_year_and_stays_with_the_bulletin():
    add_month_city()
    first = month_pack(ExportRequest(JUNE, CITY, "zh-CN"))
    assert first.bulletin.number == ""  # shown on the page, not issued: no number taken
    june = month_pack(ExportRequest(JUNE, CITY, "zh-CN"), issue=True).bulletin.number
    may = month_pack(ExportRequest({"month": "2025-05"}, CITY, "zh-CN"), issue=True).bulletin.number
    county = month_pack(ExportRequest(JUNE, Area.county("331004"), "zh-CN"), issue=True).bulletin.number
    assert (june, may, county) == ("台综治通〔2025〕1号", "台综治通〔2025〕2号", "台综治通〔2025〕1号")
    assert month_pack(ExportRequest(JUNE, CITY, "zh-CN"), issue=True).bulletin.number == june  # built again


def test_the_issuing_body_and_prefix_come_from_the_configuration(monkeypatch):
    add_month_city()
    monkeypatch.setenv("DASHBOARD_BULLETIN_ISSUER", "中共台州市委政法委员会")
    monkeypatch.setenv("DASHBOARD_BULLETIN_PREFIX", "台政法")
    from dashboard.config import get_settings

    get_settings.cache_clear()
    document = month_pack(ExportRequest(JUNE, CITY, "zh-CN"), issue=True).bulletin
    assert (document.issuer, document.number) == ("中共台州市委政法委员会", "台政法〔2025〕1号")


def deck_text(body: bytes) -> str:
    return whole_deck_text(body)[0]


def pdf_pages(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def test_the_decks_charts_are_native_charts_holding_the_pages_figures():
    add_month_city()
    pack = month_pack(ExportRequest(JUNE, CITY, "zh-CN"), issue=True)
    deck = Presentation(io.BytesIO(build_deck(pack)))
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert pictures == []
    expected = []
    for name in (RANKING, RISING, HAZARDS, PATROLS):
        figure = pack.contents[name].figure
        assert figure is not None
        for trace_axis in {str(trace.yaxis or "y") for trace in figure.data}:  # one chart per value axis
            traces = [trace for trace in figure.data if str(trace.yaxis or "y") == trace_axis]
            across = traces[0].orientation == "h"
            expected.append(
                (
                    [str(value) for value in (traces[0].y if across else traces[0].x)],
                    [(trace.name, [float(v) for v in (trace.x if across else trace.y)]) for trace in traces],
                )
            )
    drawn = [
        (
            list(chart.plots[0].categories),
            [(series.name, [float(value) for value in series.values]) for series in chart.plots[0].series],
        )
        for chart in charts
    ]
    assert sorted(map(repr, drawn)) == sorted(map(repr, expected))
    text = deck_text(build_deck(pack))
    assert pack.bulletin.number in text and "三、存在问题" in text and "四、下步工作要求" in text
    assert re.search(r"[▲▼]\d+\.\d%", text) and "-41.01" not in text  # changes with their marks and units


def test_the_pdf_has_page_numbers_the_number_every_table_heading_and_whole_codes():
    add_month_city()
    pack = month_pack(ExportRequest({**JUNE, "area": "331004"}, CITY, "zh-CN"), issue=True)
    pages = pdf_pages(build_pdf(pack))
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert pack.bulletin.number in text  # in the header of every page
    whole = "\n".join(pages)
    for heading in ("一、总体情况", "二、各地情况", "三、存在问题", "四、下步工作要求"):
        assert heading in whole
    tables = [content for content in pack.contents.values() if not content.table.empty and content.figure is not None]
    for content in [pack.contents["monthly.headline"], *tables]:
        assert re.search(rf"表\d+\s*{re.escape(content.title)}", whole), content.title
    lines = whole.split("\n")
    for code in [*pack.contents[RANKING].table["编码"], *pack.contents[RISING].table["编码"]]:
        assert any(code in line for line in lines), code  # each code whole on one line


def test_the_xlsx_keeps_percentages_as_numbers_in_a_percent_format():
    add_month_city()
    pack = month_pack(ExportRequest(JUNE, CITY, "zh-CN"))
    content = pack.contents[RANKING]
    sheet = load_workbook(io.BytesIO(table_xlsx(content, "zh-CN"))).active
    rows = list(sheet.iter_rows())
    header_row = next(index for index, row in enumerate(rows) if row[0].value == "排名")
    header = [cell.value for cell in rows[header_row]]
    assert sheet.freeze_panes == f"A{header_row + 2}"  # everything down to the header row stays in view
    assert "破案率" in header and "立案同比" in header and "破案率同比（百分点）" in header
    frame = pack.report.ranking
    for offset, (_, expected) in enumerate(frame.iterrows(), start=1):
        cells = dict(zip(header, rows[header_row + offset], strict=True))
        rate, change = cells["破案率"], cells["立案同比"]
        assert isinstance(rate.value, int | float) and "%" in rate.number_format
        assert abs(rate.value - round(expected["rate"], 2) / 100) < 1e-9
        assert isinstance(change.value, int | float) and "%" in change.number_format
        assert abs(change.value - round(expected["filed_change"], 2) / 100) < 1e-9
        points = cells["破案率同比（百分点）"]
        assert abs(points.value - round(expected["rate_change"], 2)) < 1e-9 and "%" not in points.number_format
    widths = {cell.column_letter: sheet.column_dimensions[cell.column_letter].width for cell in rows[header_row]}
    assert all(width >= 2 * len(name) for name, width in zip(header, widths.values(), strict=True))  # Chinese fits


def test_a_grid_is_named_with_its_county_and_township_once():
    assert grid_place("玉环市", "坎门街道", "坎门街道第34网格") == "玉环市坎门街道第34网格"
    assert grid_place("玉环市", "坎门街道", "第34网格") == "玉环市坎门街道第34网格"
    add_month_city()
    rising = month_pack(ExportRequest(JUNE, CITY, "zh-CN")).report.rising
    for _, row in rising.iterrows():
        county = NAMES[str(row["code"])[:6]]
        assert row["place"] == f"{county}{row['township_name']}{row['name']}"
