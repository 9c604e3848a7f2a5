"""案件趋势: read the filter the bar resolved, query the trends, hand the frames to the figure builders. A click on
a subtype picks it in the address (every chart but the subtype chart, the map and the table then count that subtype
alone; the subtype chart outlines it); a click on an area, as a bar or on the map, drills into it; the grain of the
series is in the address too."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, no_update

from dashboard import ids
from dashboard.callbacks.drawing import drawn, unavailable
from dashboard.callbacks.filter_bar import (
    drill_href,
    grain_href,
    map_drill_href,
    picked,
    scoped_store,
    subtype_href,
    view_query,
)
from dashboard.config import get_settings
from dashboard.data import trends
from dashboard.figures.common import vocab_label
from dashboard.i18n import t
from dashboard.views import case_trends as view

MAP, TABLE = ids.DrillViews.TRENDS_MAP, ids.DrillViews.TRENDS_TABLE


@callback(
    Output(ids.Trends.SERIES, "figure"),
    Output(ids.Trends.SUBTYPES, "figure"),
    Output(ids.Trends.AREAS, "figure"),
    Output(ids.Trends.HEATMAP, "figure"),
    Input(ids.Drill.FILTER, "data"),
    Input(ids.Trends.GRAIN, "value"),
)
def update_case_trend_figures(stored: dict[str, Any] | None, grain: str) -> tuple[go.Figure, ...]:
    lang, shown = get_settings().language, scoped_store(stored)
    bucket: trends.Grain = next((each for each in trends.GRAINS if each == grain), "week")
    charts = drawn(
        [
            lambda session: view.trend_series_chart(session, shown, lang, grain=bucket),
            lambda session: view.trend_subtypes_chart(session, shown, lang),
            lambda session: view.trend_areas_chart(session, shown, lang),
            lambda session: view.trend_heatmap_chart(session, shown, lang),
        ],
        "case trends",
    )
    return tuple(charts) if charts is not None else (unavailable(lang),) * 4


@callback(
    Output(ids.analysis("query", MAP), "data"),
    Output(ids.record("query", TABLE), "data"),
    Input(ids.Drill.FILTER, "data"),
)
def follow_trend_filter(stored: dict[str, Any] | None) -> tuple[Any, Any]:
    """The map and the table count with the page's filter (scoped again here: the store is the client's)."""
    query = view_query(stored)
    return query, query


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Trends.SUBTYPES, "clickData"),
    Input(ids.Trends.CLEAR, "n_clicks"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def select_subtype(click: dict[str, Any] | None, _clear: int | None, stored: dict[str, Any] | None) -> Any:
    """A subtype's bar picks it (a second click lets go); the clear button lets go. Bars carry [kind, subtype]."""
    if ctx.triggered_id == ids.Trends.CLEAR:
        return subtype_href(None, stored)
    custom = picked(click)
    if custom is None or len(custom) < 2:
        return no_update
    return subtype_href(custom[1], stored, kind=custom[0])


@callback(Output(ids.Trends.SELECTION, "children"), Input(ids.Drill.FILTER, "data"))
def show_subtype_selection(stored: dict[str, Any] | None) -> str:
    subtype = scoped_store(stored).drill.subtype
    lang = get_settings().language
    return "" if subtype is None else t("selection.shown", lang, name=vocab_label("subtype", subtype, lang))


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Trends.GRAIN, "value"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def write_grain_to_url(grain: str | None, stored: dict[str, Any] | None) -> Any:
    return grain_href(grain, stored)


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Trends.AREAS, "clickData"),
    Input(ids.analysis("areas", MAP), "clickData"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def drill_into_trend_area(
    click: dict[str, Any] | None, feature: dict[str, Any] | None, stored: dict[str, Any] | None
) -> Any:
    if ctx.triggered_id == ids.Trends.AREAS:
        return drill_href(click, stored)
    return map_drill_href(feature, stored)
