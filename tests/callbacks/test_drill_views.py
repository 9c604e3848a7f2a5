"""The area pages' map analysis, record tables and cross-filtering, called inside a signed-in request on the real
database: the map's clickable areas are the area's children, its density the period's incidents, the tables the
incidents (of the picked subtype; in rental housing) and rental houses of the filter, each equal to plain SQL over
the raw rows written here; a subtype picked in the address filters every other chart; clicks lead where they say.

The view is the fixed custom period of tests/callbacks/test_drill_pages.py (1 March – 31 August 2025, city clock UTC+8).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from dash import no_update

from dashboard.callbacks.analysis_map import load_areas, load_density
from dashboard.callbacks.case_trends import follow_trend_filter, update_case_trend_figures
from dashboard.callbacks.filter_bar import grain_href, map_drill_href, subtype_href
from dashboard.callbacks.record_table import serve_records
from dashboard.callbacks.rental_housing import follow_rental_filter
from dashboard.callbacks.solve_rates import follow_solve_filter, update_solve_rate_figures
from dashboard.data.vocab import Role
from dashboard.filter_url import parse_search
from tests.callbacks.test_drill_pages import END, SEARCH, START, local, resolved, rows, signed_in, trace
from tests.support.drill_data import add_drill_city

BLOCK = {"startRow": 0, "endRow": 500, "sortModel": [], "filterModel": {}}


@pytest.fixture
def city() -> dict[str, int]:
    return add_drill_city()


def served(kind: str, query: dict[str, Any]) -> tuple[list[dict[str, Any]], int, str]:
    response, status = serve_records(BLOCK, kind, query)
    return response["rowData"], response["rowCount"], status


def test_a_subtype_in_the_address_filters_every_other_trend_chart_the_map_and_the_table(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH + "&subtype=theft")[0]
        _series, subtypes, areas, heatmap = update_case_trend_figures(stored, "week")
        map_query, table_query = follow_trend_filter(stored)
        density = load_density(map_query, None)[0]
        records, count, _status = served("incidents", table_query)
    period = rows("SELECT id, kind, subtype, county_code, reported_at FROM incident WHERE reported_at >= :s "
                  "AND reported_at < :e", s=START, e=END)  # fmt: skip
    theft = [row for row in period if row.subtype == "theft"]
    assert theft and len(theft) < len(period)
    by_county = Counter(row.county_code for row in theft)
    assert [(custom[0], n) for custom, n in zip(areas.data[0].customdata, areas.data[0].y, strict=True)] == [
        (code, by_county[code]) for code in ("331004", "331081")
    ]
    cells = Counter((local(row.reported_at).weekday(), local(row.reported_at).hour) for row in theft)
    assert [list(line) for line in heatmap.data[0].z] == [[cells[(d, h)] for h in range(24)] for d in range(7)]
    # the subtype chart is where the pick is made: it keeps every subtype, the picked one outlined
    bar = trace(subtypes, ["current"])
    assert sorted(custom[1] for custom in bar.customdata) == sorted({row.subtype for row in period})
    assert [c[1] for c, width in zip(bar.customdata, bar.marker.line.width, strict=True) if width] == ["theft"]
    # the table and the map count the same incidents
    assert count == len(theft) and sorted(record["id"] for record in records) == sorted(row.id for row in theft)
    assert sum(point[2] for point in density["points"]) == len(theft)


def test_a_subtype_filters_the_solve_rate_charts_but_the_subtype_chart(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH + "&area=331004&subtype=fraud", "/solve-rates")[0]
        areas, subtypes, _days, _months = update_solve_rate_figures(stored)
        _map, table_query = follow_solve_filter(stored)
        _records, count, _status = served("incidents", table_query)
    cases = rows("SELECT township_code, subtype, solved_at FROM incident WHERE kind = 'criminal' AND "
                 "county_code = '331004' AND filed_at >= :s AND filed_at < :e", s=START, e=END)  # fmt: skip
    fraud = [row for row in cases if row.subtype == "fraud"]
    bars = trace(areas, ["current"])
    for custom, height in zip(bars.customdata, bars.y, strict=True):
        mine = [row for row in fraud if row.township_code == custom[0]]
        solved = sum(row.solved_at is not None for row in mine)
        assert height == pytest.approx(100.0 * solved / len(mine) if mine else 0.0)
    assert sorted(custom[0] for custom in trace(subtypes, ["current"]).customdata) == sorted(
        {row.subtype for row in cases}
    )
    reported = rows("SELECT count(*) FROM incident WHERE kind = 'criminal' AND subtype = 'fraud' AND "
                    "county_code = '331004' AND reported_at >= :s AND reported_at < :e", s=START, e=END)  # fmt: skip
    assert count == reported[0][0]  # the table lists the cases by report time, as every incident table does


def test_the_rental_page_map_and_tables_hold_its_cases_in_rental_housing_and_its_rental_houses(dash_app, city):
    with signed_in(dash_app, Role.COUNTY_LEADER, "331004"):
        stored = resolved(SEARCH, "/rental-housing")[0]  # the city, asked by a county leader: Luqiao
        map_query, cases_query, houses_query = follow_rental_filter(stored)
        cases, cases_count, _ = served("incidents", cases_query)
        houses, houses_count, _ = served("rental_houses", houses_query)
        density = load_density(map_query, None)[0]
    expected = rows("SELECT id FROM incident WHERE place_type = 'rental_housing' AND county_code = '331004' "
                    "AND reported_at >= :s AND reported_at < :e", s=START, e=END)  # fmt: skip
    assert cases_count == len(expected)
    assert sum(point[2] for point in density["points"]) == len(expected)  # the map: rental-housing cases only
    assert sorted(record["id"] for record in cases) == sorted(row.id for row in expected)
    registry = rows("SELECT r.id FROM rental_house r JOIN grid g ON g.id = r.grid_id WHERE g.county_code = '331004'")
    assert houses_count == len(registry) and sorted(h["id"] for h in houses) == sorted(r.id for r in registry)


@pytest.mark.parametrize(
    ("search", "sql"),
    [
        ("", "SELECT code, name FROM county ORDER BY code"),
        ("&area=331004", "SELECT code, name FROM township WHERE county_code = '331004' ORDER BY code"),
        ("&area=331004001", "SELECT code, name FROM grid WHERE township_code = '331004001' ORDER BY code"),
        ("&area=331004-001-0001", "SELECT code, name FROM grid WHERE 1 = 0"),
    ],
)
def test_the_maps_clickable_areas_are_the_areas_one_level_down(dash_app, city, search, sql):
    with signed_in(dash_app):
        query = follow_trend_filter(resolved(SEARCH + search)[0])[0]
        areas = load_areas(query)
    shown = [(f["properties"]["code"], f["properties"]["name"]) for f in areas["features"]]
    assert shown == [tuple(row) for row in rows(sql)]
    assert all(feature["geometry"]["type"] in ("Polygon", "MultiPolygon") for feature in areas["features"])


def test_a_county_leader_gets_only_its_countys_areas_and_density_whatever_it_sends(dash_app, city):
    with signed_in(dash_app, Role.COUNTY_LEADER, "331004"):
        forged = {"period": {"start": "2025-03-01", "end": "2025-09-01"}, "area": {"level": "city", "code": None}}
        areas = load_areas(forged)  # the whole city asked: cut down to Luqiao, so its townships
        density = load_density(forged, None)[0]
    assert [f["properties"]["code"] for f in areas["features"]] == [
        row.code for row in rows("SELECT code FROM township WHERE county_code = '331004' ORDER BY code")
    ]
    luqiao = rows("SELECT count(*) FROM incident WHERE county_code = '331004' AND reported_at >= :s AND "
                  "reported_at < :e", s=START, e=END)  # fmt: skip
    assert sum(point[2] for point in density["points"]) == luqiao[0][0]


def test_clicks_lead_where_they_say(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH + "&kind=criminal")[0]
        county = {"type": "Feature", "properties": {"code": "331004", "level": "county", "name": "路桥区"}}
        assert map_drill_href(county, stored) == f"/trends{SEARCH}&area=331004&kind=criminal"
        grid = {"properties": {"code": "331004-001-0002"}}
        assert map_drill_href(grid, stored) == "/grid?code=331004-001-0002"
        assert map_drill_href({"properties": {"code": "<script>"}}, stored) is no_update
        assert map_drill_href("junk", stored) is no_update  # type: ignore[arg-type]
        assert subtype_href("theft", stored) == f"/trends{SEARCH}&kind=criminal&subtype=theft"
        assert subtype_href("wages", stored) is no_update  # not a criminal subtype
        every_kind = resolved(SEARCH)[0]
        assert subtype_href("other", every_kind) is no_update  # every kind has `other`: which one?
        assert subtype_href("other", every_kind, kind="dispute") == f"/trends{SEARCH}&kind=dispute&subtype=other"
        assert subtype_href("other", stored, kind="dispute") == f"/trends{SEARCH}&kind=criminal&subtype=other"
        picked = resolved(SEARCH + "&kind=criminal&subtype=theft")[0]
        assert subtype_href("theft", picked) == f"/trends{SEARCH}&kind=criminal"  # a second click lets go
        assert subtype_href(None, picked) == f"/trends{SEARCH}&kind=criminal"
        assert grain_href("day", picked) == f"/trends{SEARCH}&kind=criminal&subtype=theft&grain=day"
        assert grain_href("hour", picked) is no_update


@pytest.mark.db_independent
@pytest.mark.parametrize(
    ("search", "kept", "named"),
    [
        ("?subtype=theft&grain=day", "?subtype=theft&grain=day", None),
        ("?kind=criminal&subtype=fraud", "?kind=criminal&subtype=fraud", None),
        ("?kind=dispute&subtype=theft", "?kind=dispute", "subtype"),  # not a subtype of that kind
        ("?subtype=arson", "", "subtype"),
        ("?kind=arson&subtype=theft", "", "kind"),  # the kind is named; the subtype cannot be checked
        ("?grain=hour", "", "grain"),
        ("?grain=day&grain=week", "", "grain"),
    ],
)
def test_subtype_and_grain_in_the_address(search, kept, named):
    parsed = parse_search(search)
    assert parsed.params.to_search() == kept
    assert [error.param.value for error in parsed.errors] == ([] if named is None else [named])
    if named:
        assert f"地址参数 {named}（" in parsed.messages("zh-CN")[0]
        assert f"Address parameter {named} (" in parsed.messages("en")[0]


@pytest.mark.db_independent
def test_a_subtype_without_a_kind_counts_with_its_own_kind():
    from datetime import date

    drill = parse_search("?subtype=wages").params.resolve(date(2025, 6, 1))
    assert (drill.kind, drill.subtype) == ("dispute", "wages")
