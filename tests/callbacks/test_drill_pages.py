"""The three drill-down pages' callbacks, called inside a signed-in request on the real database: every figure they
draw equals a plain SQL count over the raw incident rows, written here; the filter bar scopes, names and links.

The view is a fixed custom period (1 March – 31 August 2025), so the tests do not depend on today's date; times
are stored as naive UTC and the city's clock is UTC+8, which the bounds below spell out by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from dash import no_update
from sqlalchemy import text

from dashboard import ids
from dashboard.callbacks.case_trends import update_case_trend_figures
from dashboard.callbacks.filter_bar import drill_href, resolve_filter
from dashboard.callbacks.rental_housing import update_rental_figures
from dashboard.callbacks.solve_rates import update_solve_rate_figures
from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from dashboard.filter_url import parse_search
from tests.support.accounts import signed_in_client
from tests.support.drill_data import add_drill_city

SEARCH = "?period=custom&from=2025-03-01&to=2025-08-31"
HOURS = timedelta(hours=8)  # Asia/Shanghai, no daylight saving
START, END = datetime(2025, 3, 1) - HOURS, datetime(2025, 9, 1) - HOURS  # the period, as stored (UTC)
BASE_START, BASE_END = datetime(2024, 3, 1) - HOURS, datetime(2024, 9, 1) - HOURS  # the same period last year
COUNTY_NAMES = {"331004": "路桥区", "331081": "温岭市"}
SUBTYPES = {
    "criminal": ["theft", "fraud", "assault"],
    "dispute": ["neighbourhood", "wages"],
    "stability": ["gathering"],
}


@pytest.fixture
def city() -> dict[str, int]:
    return add_drill_city()


@contextmanager
def signed_in(dash_app: Any, role: Role = Role.CITY_OPERATOR, area: str | None = None) -> Iterator[Any]:
    """Inside a request of a logged-in account: the callbacks' current_scope() is that account's."""
    client = signed_in_client(dash_app, f"user-{role.value}-{area}", role, area=area)
    with client:
        assert client.get("/_dash-layout").status_code == 200
        yield client


def resolved(search: str = SEARCH, path: str = "/trends") -> tuple[Any, ...]:
    parsed = parse_search(search)
    return resolve_filter({**parsed.params.as_dict(), "path": path, "errors": parsed.messages()})


def rows(sql: str, **bounds: Any) -> list[Any]:
    with session_scope() as session:
        return list(session.execute(text(sql), bounds))


def when(value: Any) -> datetime:
    """A stored moment as a datetime (SQLite hands raw SQL text back)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def local(moment: Any) -> datetime:
    return when(moment) + HOURS


def trace(fig: Any, meta: list[str]) -> Any:
    return next(each for each in fig.data if list(each.meta or []) == meta)


def texts(children: Any) -> list[str]:
    """The text of a list of Dash components (breadcrumbs, messages)."""
    return [getattr(child, "children", child) for child in children]


def test_the_filter_bar_resolves_the_address_names_the_area_and_links_each_level(dash_app, city):
    with signed_in(dash_app):
        stored, message, crumbs, summary, counties, townships, grids, *values = resolved(
            SEARCH + "&area=331004-001-0002"
        )
    assert message == []
    assert stored["area"] == "331004-001-0002" and (stored["start"], stored["end"]) == ("2025-03-01", "2025-09-01")
    labels = [text for text in texts(crumbs) if text != "›"]
    assert labels == ["台州市", "路桥区", "镇001", "网格331004-001-0002"]
    links = [child.href for child in crumbs if hasattr(child, "href")]
    assert links == [f"/trends{SEARCH}", f"/trends{SEARCH}&area=331004", f"/trends{SEARCH}&area=331004001"]
    assert summary == "网格331004-001-0002，2025年3月1日 至 2025年8月31日，对比2024年3月1日 至 2024年8月31日"
    expected = rows("SELECT code, name FROM county ORDER BY code")
    assert [(option["value"], option["label"]) for option in counties] == [tuple(row) for row in expected]
    assert [option["value"] for option in townships] == ["331004001", "331004002"]
    assert [option["value"] for option in grids] == ["331004-001-0001", "331004-001-0002"]
    assert values == ["331004", "331004001", "331004-001-0002"]  # the dropdowns show the area, level by level


def test_an_area_outside_the_account_is_refused_and_the_account_area_is_shown(dash_app, city):
    with signed_in(dash_app, Role.COUNTY_LEADER, "331004"):
        stored, message, crumbs, _summary, counties, _townships, _grids, *values = resolved(SEARCH + "&area=331081")
    assert texts(message) == ["温岭市（331081）不在本账号的辖区内，本页显示本辖区路桥区的数据。"]
    assert stored["area"] == "331004"
    assert [option["value"] for option in counties] == ["331004"]  # the picker offers only the account's area
    assert values == ["331004", None, None]  # and shows it
    assert not hasattr(crumbs[0], "href")  # the whole city is not this account's to open


def test_an_unknown_area_and_a_bad_value_are_said_and_the_default_is_shown(dash_app, city):
    with signed_in(dash_app):
        stored, message, *_ = resolved("?area=331099&kind=arson")
    said = texts(message)
    assert any("kind" in line and "arson" in line for line in said)
    assert "没有编号为“331099”的区域。" in said
    assert stored["area"] is None and stored["kind"] is None


def test_case_trend_figures_equal_sql_over_the_raw_rows(dash_app, city):
    with signed_in(dash_app):
        stored = resolved()[0]
        series, subtypes, areas, heatmap = update_case_trend_figures(stored, "week")
    period = rows("SELECT kind, subtype, reported_at, county_code FROM incident WHERE reported_at >= :s AND "
                  "reported_at < :e", s=START, e=END)  # fmt: skip
    baseline = rows("SELECT kind, subtype, reported_at FROM incident WHERE reported_at >= :s AND reported_at < :e",
                    s=BASE_START, e=BASE_END)  # fmt: skip
    # the series: each kind's weekly buckets, counted from the period's first day, and the baseline's likewise
    for kind in ("criminal", "dispute", "stability"):
        weeks = Counter(
            (local(row.reported_at).date() - date(2025, 3, 1)).days // 7 for row in period if row.kind == kind
        )
        then = Counter(
            (local(row.reported_at).date() - date(2024, 3, 1)).days // 7 for row in baseline if row.kind == kind
        )
        current, last_year = trace(series, ["current", kind]), trace(series, ["baseline", kind])
        assert list(current.y) == [weeks[n] for n in range(len(current.y))]
        assert list(last_year.y) == [then[n] for n in range(len(last_year.y))]
        assert current.x[0] == "2025-03-01" and len(current.y) == 27  # 184 days: 26 weeks and 2 days
    # top subtypes, most reported first (drawn bottom-up)
    counts = Counter(row.subtype for row in period)
    bars = trace(subtypes, ["current"])
    assert sorted(zip(bars.x, (custom[1] for custom in bars.customdata), strict=True), reverse=True) == sorted(
        ((n, subtype) for subtype, n in counts.items()), reverse=True
    )
    assert list(trace(subtypes, ["baseline"]).x) == [
        Counter(row.subtype for row in baseline)[custom[1]] for custom in bars.customdata
    ]
    # by county: the bars a click drills into
    by_county = Counter(row.county_code for row in period)
    assert [(custom[0], n) for custom, n in zip(areas.data[0].customdata, areas.data[0].y, strict=True)] == [
        (code, by_county[code]) for code in sorted(COUNTY_NAMES)
    ]
    assert list(areas.data[0].x) == [COUNTY_NAMES[code] for code in sorted(COUNTY_NAMES)]
    # hour × weekday on the city clock
    cells = Counter((local(row.reported_at).weekday(), local(row.reported_at).hour) for row in period)
    assert heatmap.data[0].z == tuple(tuple(cells[(day, hour)] for hour in range(24)) for day in range(7)) or [
        [cells[(day, hour)] for hour in range(24)] for day in range(7)
    ] == [list(row) for row in heatmap.data[0].z]


def test_a_picked_subtype_filters_the_series_to_it(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH + "&subtype=fraud")[0]
        series, subtypes, *_ = update_case_trend_figures(stored, "month")
    period = rows("SELECT reported_at FROM incident WHERE subtype = 'fraud' AND reported_at >= :s AND reported_at < :e",
                  s=START, e=END)  # fmt: skip
    months = Counter(local(row.reported_at).month for row in period)
    assert [each.meta[1] for each in series.data] == ["fraud", "fraud"]
    assert list(trace(series, ["current", "fraud"]).y) == [months[month] for month in range(3, 9)]
    bar = trace(subtypes, ["current"])
    outlined = [custom[1] for custom, width in zip(bar.customdata, bar.marker.line.width, strict=True) if width]
    assert outlined == ["fraud"]


def solve_rate(solved: int, filed: int) -> float | None:
    return 100.0 * solved / filed if filed else None


def test_solve_rate_figures_equal_sql_over_the_raw_rows(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH + "&area=331004", "/solve-rates")[0]
        areas, subtypes, days, months = update_solve_rate_figures(stored)
    sql = ("SELECT township_code AS area, subtype, filed_at, solved_at FROM incident WHERE kind = 'criminal' "
           "AND county_code = '331004' AND filed_at >= :s AND filed_at < :e")  # fmt: skip
    now, then = rows(sql, s=START, e=END), rows(sql, s=BASE_START, e=BASE_END)

    def rates(cases: list[Any], key: str) -> dict[str, float | None]:
        filed = Counter(getattr(row, key) for row in cases)
        solved = Counter(getattr(row, key) for row in cases if row.solved_at is not None)
        return {value: solve_rate(solved[value], filed[value]) for value in filed}

    bars = trace(areas, ["current"])
    assert [custom[0] for custom in bars.customdata] == ["331004001", "331004002"]
    assert list(bars.x) == ["镇001", "镇002"]
    for custom, height in zip(bars.customdata, bars.y, strict=True):
        assert height == pytest.approx(rates(now, "area").get(custom[0]) or 0.0)
    for custom, height in zip(bars.customdata, trace(areas, ["baseline"]).y, strict=True):
        assert height == pytest.approx(rates(then, "area").get(custom[0]))
    by_subtype = trace(subtypes, ["current"])
    assert {custom[0]: height for custom, height in zip(by_subtype.customdata, by_subtype.x, strict=True)} == (
        pytest.approx({subtype: rate or 0.0 for subtype, rate in rates(now, "subtype").items()})
    )
    monthly = {f"2025-{m:02d}": rates([r for r in now if local(r.filed_at).month == m], "area") for m in range(3, 9)}
    assert list(trace(months, ["current"]).x) == list(monthly)
    for month, value in zip(trace(months, ["current"]).x, trace(months, ["current"]).y, strict=True):
        cases = [row for row in now if f"{local(row.filed_at):%Y-%m}" == month]
        assert value == pytest.approx(solve_rate(sum(r.solved_at is not None for r in cases), len(cases)))
    # days to solve: the median of whole days from filing to solving, nearest rank, all cases first
    spans = sorted(
        (when(row.solved_at) - when(row.filed_at)) // timedelta(days=1) for row in now if row.solved_at is not None
    )
    median = spans[math.ceil(0.5 * len(spans)) - 1]
    assert trace(days, ["current"]).x[-1] == median  # horizontal bars, all cases on top (drawn last)


def test_rental_figures_equal_sql_over_the_raw_rows(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH, "/rental-housing")[0]
        facts, areas, grids = update_rental_figures(stored)
    sql = ("SELECT i.county_code, g.code AS grid, i.place_type FROM incident i JOIN grid g ON g.id = i.grid_id "
           "WHERE i.reported_at >= :s AND i.reported_at < :e")  # fmt: skip
    now, then = rows(sql, s=START, e=END), rows(sql, s=BASE_START, e=BASE_END)
    houses = dict(rows("SELECT g.county_code, count(*) FROM rental_house r JOIN grid g ON g.id = r.grid_id "
                       "GROUP BY g.county_code"))  # fmt: skip
    rental_now = Counter(row.county_code for row in now if row.place_type == "rental_housing")
    rental_then = Counter(row.county_code for row in then if row.place_type == "rental_housing")
    bars = trace(areas, ["current"])
    assert [custom[0] for custom in bars.customdata] == sorted(COUNTY_NAMES)
    assert list(bars.y) == [rental_now[code] for code in sorted(COUNTY_NAMES)]
    assert list(trace(areas, ["baseline"]).y) == [rental_then[code] for code in sorted(COUNTY_NAMES)]
    assert list(trace(areas, ["per_100_houses"]).y) == pytest.approx(
        [100 * rental_now[code] / houses[code] for code in sorted(COUNTY_NAMES)]
    )
    by_grid = Counter(row.grid for row in now if row.place_type == "rental_housing")
    top = trace(grids, ["current"])
    expected = sorted(by_grid.items(), key=lambda item: (-item[1], item[0]))
    assert [(custom[0], n) for custom, n in zip(top.customdata, top.x, strict=True)][::-1] == expected
    total, rental = len(now), sum(rental_now.values())
    change = 100 * (rental - sum(rental_then.values())) / sum(rental_then.values())
    shown = {fact.className.split()[-1]: fact.children[1].children for fact in facts}
    assert shown["fact-rental"] == f"{rental}起"
    assert shown["fact-share"].startswith(f"{100 * rental / total:.1f}%")
    assert shown["fact-change"] == f"{'+' if change > 0 else '−'}{abs(change):.1f}%"
    assert shown["fact-houses"] == str(sum(houses.values()))


def test_a_click_on_an_area_drills_into_it_and_a_grid_opens_its_page(dash_app, city):
    with signed_in(dash_app):
        stored = resolved(SEARCH + "&kind=criminal")[0]
        county = {"points": [{"customdata": ["331004", "county"]}]}
        assert drill_href(county, stored) == f"/trends{SEARCH}&area=331004&kind=criminal"
        grid = {"points": [{"customdata": ["331004-001-0002"]}]}
        assert drill_href(grid, stored) == "/grid?code=331004-001-0002"
        assert drill_href({"points": [{"customdata": ["../etc"]}]}, stored) is no_update  # nothing, not an error
        assert drill_href({"points": [{}]}, stored) is no_update


def post(client: Any, output: str, inputs: list[dict[str, Any]], state: list[dict[str, Any]], changed: str) -> Any:
    """One callback through Dash's own endpoint, as the browser posts it."""
    outputs = {"id": output.split(".")[0], "property": output.split(".")[1]}
    body = {"output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": [changed]}
    response = client.post("/_dash-update-component", json=body)
    return None if response.status_code == 204 else response.get_json()["response"]


def test_changing_a_control_writes_the_address(dash_app, city):
    with signed_in(dash_app) as client:
        stored = resolved(SEARCH + "&area=331004001")[0]
        values = {
            ids.Drill.PERIOD: ("value", "custom"),
            ids.Drill.DATES: ("start_date", "2025-03-01"),
            "end": ("end_date", "2025-08-31"),
            ids.Drill.COMPARE: ("value", "yoy"),
            ids.Drill.COUNTY: ("value", "331004"),
            ids.Drill.TOWNSHIP: ("value", "331004001"),
            ids.Drill.GRID: ("value", None),
            ids.Drill.KIND: ("value", None),
        }

        def change(control: str, prop: str, value: Any) -> Any:
            inputs = [
                {
                    "id": ids.Drill.DATES if key == "end" else key,
                    "property": p,
                    "value": value if key == control and p == prop else v,
                }
                for key, (p, v) in values.items()
            ]
            state = [{"id": ids.Drill.FILTER, "property": "data", "value": stored}]
            return post(client, f"{ids.App.URL}.search", inputs, state, f"{control}.{prop}")

        assert change(ids.Drill.COMPARE, "value", "prev") == {
            ids.App.URL: {"search": f"{SEARCH}&compare=prev&area=331004001"}
        }
        assert change(ids.Drill.TOWNSHIP, "value", None) == {ids.App.URL: {"search": f"{SEARCH}&area=331004"}}
        assert change(ids.Drill.COUNTY, "value", "331081") == {ids.App.URL: {"search": f"{SEARCH}&area=331081"}}
        assert change(ids.Drill.PERIOD, "value", "month") == {ids.App.URL: {"search": "?period=month&area=331004001"}}
        assert change(ids.Drill.KIND, "value", "dispute") == {
            ids.App.URL: {"search": f"{SEARCH}&area=331004001&kind=dispute"}
        }
        assert not change(ids.Drill.COUNTY, "value", "x' OR 1=1")  # a tampered value changes nothing


@pytest.mark.parametrize("path", ["/trends", "/solve-rates", "/rental-housing"])
@pytest.mark.parametrize("query", [{}, {"period": "<b>", "area": ["1", "2"], "from": "x"}, {"junk": "1"}])
def test_each_page_lays_out_whatever_the_address_says(dash_app, path, query):
    import dash

    page = next(page for page in dash.page_registry.values() if page["path"] == path)
    layout = page["layout"](**query)
    assert ids.Drill.PARAMS in str(layout) and ids.Drill.MESSAGE in str(layout)
