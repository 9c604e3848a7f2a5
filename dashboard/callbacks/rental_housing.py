"""出租房: read the filter the bar resolved, query the rental-housing cases, hand the frames to the figure builders;
a click on an area (a bar, or on the map) drills into it, a click on a grid opens that grid's page. The map counts
the page's incidents; the tables list the cases in rental housing and the area's rental houses."""

from __future__ import annotations

from functools import partial
from typing import Any

from dash import Input, Output, State, callback, ctx, html

from dashboard import ids
from dashboard.callbacks.drawing import drawn, unavailable
from dashboard.callbacks.filter_bar import drill_href, map_drill_href, scoped_store, view_query
from dashboard.config import get_settings
from dashboard.data.vocab import PlaceType
from dashboard.figures import rental_housing as figures
from dashboard.views import rental_housing as view

MAP, CASES, HOUSES = ids.DrillViews.RENTAL_MAP, ids.DrillViews.RENTAL_TABLE, ids.DrillViews.RENTAL_HOUSES


def facts_list(facts: list[figures.Fact]) -> list[html.Div]:
    return [
        html.Div(
            [html.Dt(fact.label), html.Dd(fact.value, className=f"trend-{fact.trend.value}")],
            className=f"drill-fact fact-{fact.key.replace('_', '-')}",
        )
        for fact in facts
    ]


@callback(
    Output(ids.Rental.FACTS, "children"),
    Output(ids.Rental.AREAS, "figure"),
    Output(ids.Rental.GRIDS, "figure"),
    Input(ids.Drill.FILTER, "data"),
)
def update_rental_figures(stored: dict[str, Any] | None) -> tuple[Any, ...]:
    lang, shown = get_settings().language, scoped_store(stored)
    builders = (view.rental_summary_facts, view.rental_areas_chart, view.rental_grids_chart)
    charts = drawn([partial(builder, shown=shown, lang=lang) for builder in builders], "rental-housing cases")
    if charts is None:
        return [], unavailable(lang), unavailable(lang)
    facts, by_area, grids = charts
    return facts_list(facts), by_area, grids


@callback(
    Output(ids.analysis("query", MAP), "data"),
    Output(ids.record("query", CASES), "data"),
    Output(ids.record("query", HOUSES), "data"),
    Input(ids.Drill.FILTER, "data"),
)
def follow_rental_filter(stored: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """The map and the cases table count the page's cases in rental housing, the registry its houses, with the
    page's filter (scoped again here: the store is the client's)."""
    rental = view_query(stored, place=PlaceType.RENTAL_HOUSING)
    return rental, rental, view_query(stored)


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Rental.AREAS, "clickData"),
    Input(ids.Rental.GRIDS, "clickData"),
    Input(ids.analysis("areas", MAP), "clickData"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def drill_into_rental_area(
    area_click: dict[str, Any] | None,
    grid_click: dict[str, Any] | None,
    feature: dict[str, Any] | None,
    stored: dict[str, Any] | None,
) -> Any:
    if ctx.triggered_id == ids.Rental.GRIDS:
        return drill_href(grid_click, stored)
    if ctx.triggered_id == ids.Rental.AREAS:
        return drill_href(area_click, stored)
    return map_drill_href(feature, stored)
