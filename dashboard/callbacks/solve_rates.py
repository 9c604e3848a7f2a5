"""破案率: read the filter the bar resolved, query the solve rates, hand the frames to the figure builders. A click
on a subtype picks it in the address (the area, month and days-to-solve charts, the map and the table then count
that subtype alone; the subtype chart outlines it); a click on an area, as a bar or on the map, drills into it."""

from __future__ import annotations

from functools import partial
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, no_update

from dashboard import ids
from dashboard.callbacks.drawing import drawn, unavailable
from dashboard.callbacks.filter_bar import (
    drill_href,
    map_drill_href,
    picked,
    scoped_store,
    subtype_href,
    view_query,
    within_href,
)
from dashboard.config import get_settings
from dashboard.data.vocab import IncidentKind
from dashboard.figures.common import subtype_label
from dashboard.i18n import t
from dashboard.views import solve_rates as view

MAP, TABLE = ids.DrillViews.SOLVE_MAP, ids.DrillViews.SOLVE_TABLE


@callback(
    Output(ids.Solve.AREAS, "figure"),
    Output(ids.Solve.SUBTYPES, "figure"),
    Output(ids.Solve.DAYS, "figure"),
    Output(ids.Solve.MONTHS, "figure"),
    Input(ids.Drill.FILTER, "data"),
)
def update_solve_rate_figures(stored: dict[str, Any] | None) -> tuple[go.Figure, ...]:
    lang, shown = get_settings().language, scoped_store(stored)
    builders = (view.solve_areas_chart, view.solve_subtypes_chart, view.solve_days_chart, view.solve_months_chart)
    charts = drawn([partial(builder, shown=shown, lang=lang) for builder in builders], "solve rates")
    return tuple(charts) if charts is not None else (unavailable(lang),) * 4


@callback(
    Output(ids.analysis("query", MAP), "data"),
    Output(ids.record("query", TABLE), "data"),
    Input(ids.Drill.FILTER, "data"),
)
def follow_solve_filter(stored: dict[str, Any] | None) -> tuple[Any, Any]:
    """The map and the table: the criminal cases of the page's filter (scoped again here)."""
    query = view_query(stored, criminal=True)
    return query, query


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Solve.SUBTYPES, "clickData"),
    Input(ids.Solve.CLEAR, "n_clicks"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def select_solve_subtype(click: dict[str, Any] | None, _clear: int | None, stored: dict[str, Any] | None) -> Any:
    """A subtype's bar picks it (a second click lets go); the clear button lets go. Bars carry [subtype]."""
    if ctx.triggered_id == ids.Solve.CLEAR:
        return subtype_href(None, stored)
    custom = picked(click)
    if custom is None or str(custom[0]) == "all":
        return no_update
    return subtype_href(custom[0], stored, kind=IncidentKind.CRIMINAL)  # solve rates count criminal cases


@callback(Output(ids.Solve.SELECTION, "children"), Input(ids.Drill.FILTER, "data"))
def show_solve_selection(stored: dict[str, Any] | None) -> str:
    subtype = scoped_store(stored).drill.subtype
    lang = get_settings().language
    return "" if subtype is None else t("selection.shown", lang, name=subtype_label(subtype, lang))


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Solve.AREAS, "clickData"),
    Input(ids.analysis("areas", MAP), "clickData"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def drill_into_solve_area(
    click: dict[str, Any] | None, feature: dict[str, Any] | None, stored: dict[str, Any] | None
) -> Any:
    if ctx.triggered_id == ids.Solve.AREAS:
        return drill_href(click, stored)
    return map_drill_href(feature, stored)


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Solve.WITHIN, "value"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def select_solve_window(days: str | None, stored: dict[str, Any] | None) -> Any:
    """Solved by now, or the 30- or 90-day solve rate: written into the address, so every figure counts with it."""
    return within_href(days, stored)
