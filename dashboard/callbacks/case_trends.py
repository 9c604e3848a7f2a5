"""案件趋势: read the filter the bar resolved, query the trends, hand the frames to the figure builders; a click on
a subtype selects it (the series show it alone), a click on an area drills into it."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.callbacks.filter_bar import drill_href, picked, scoped_store
from dashboard.config import get_settings
from dashboard.data import rental, trends
from dashboard.data.db import session_scope
from dashboard.data.vocab import IncidentKind
from dashboard.figures import case_trends as figures
from dashboard.figures.common import empty, vocab_label
from dashboard.i18n import t

log = logging.getLogger(__name__)


def selected_subtype(selected: dict[str, Any] | None) -> tuple[IncidentKind, str] | None:
    if not selected:
        return None
    try:
        return IncidentKind(str(selected["kind"])), str(selected["subtype"])
    except (KeyError, ValueError):
        return None


@callback(
    Output(ids.Trends.SERIES, "figure"),
    Output(ids.Trends.SUBTYPES, "figure"),
    Output(ids.Trends.AREAS, "figure"),
    Output(ids.Trends.HEATMAP, "figure"),
    Input(ids.Drill.FILTER, "data"),
    Input(ids.Trends.GRAIN, "value"),
    Input(ids.Trends.SELECTED, "data"),
)
def update_case_trend_figures(
    stored: dict[str, Any] | None, grain: str, selected: dict[str, Any] | None
) -> tuple[go.Figure, ...]:
    lang, shown = get_settings().language, scoped_store(stored)
    f, compare = shown.drill, shown.drill.compare.value
    pick = selected_subtype(selected)
    bucket: trends.Grain = next((each for each in trends.GRAINS if each == grain), "week")
    try:
        with session_scope() as session:
            if pick is None:
                series = trends.case_trend(session, f, grain=bucket)
            else:  # under a kind filter the series are subtypes: keep the picked one
                series = trends.case_trend(session, replace(f, kind=pick[0]), grain=bucket)
                series = series[series["series"] == pick[1]]
            top = trends.top_subtypes(session, f)
            by_area = rental.rental_by_area(session, f)
            heat = trends.hour_weekday(session, f)
    except SQLAlchemyError:
        log.exception("case trends unavailable")
        blank = empty("", t("status.unavailable", lang))
        return blank, blank, blank, blank
    family = "subtype" if pick is not None or f.kind is not None else "kind"
    return (
        figures.case_trend(series, family=family, compare=compare, lang=lang),
        figures.top_subtypes(top, compare=compare, lang=lang, selected=None if pick is None else pick[1]),
        figures.area_counts(by_area, value="total", title=t("chart.incidents_by_area", lang), lang=lang),
        figures.hour_weekday(heat, lang=lang),
    )


@callback(
    Output(ids.Trends.SELECTED, "data"),
    Input(ids.Trends.SUBTYPES, "clickData"),
    Input(ids.Trends.CLEAR, "n_clicks"),
    State(ids.Trends.SELECTED, "data"),
    prevent_initial_call=True,
)
def select_subtype(click: dict[str, Any] | None, _clear: int | None, selected: dict[str, Any] | None) -> Any:
    if ctx.triggered_id == ids.Trends.CLEAR:
        return None
    custom = picked(click)
    if custom is None or len(custom) < 2:
        return no_update
    choice = {"kind": str(custom[0]), "subtype": str(custom[1])}
    return None if choice == selected else choice  # a second click on the same bar lets go


@callback(Output(ids.Trends.SELECTION, "children"), Input(ids.Trends.SELECTED, "data"))
def show_subtype_selection(selected: dict[str, Any] | None) -> str:
    pick = selected_subtype(selected)
    lang = get_settings().language
    return "" if pick is None else t("selection.shown", lang, name=vocab_label("subtype", pick[1], lang))


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Trends.AREAS, "clickData"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def drill_into_trend_area(click: dict[str, Any] | None, stored: dict[str, Any] | None) -> Any:
    return drill_href(click, stored)
