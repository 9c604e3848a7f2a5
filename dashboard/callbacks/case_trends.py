"""案件趋势: read the filter the bar resolved, query the trends, hand the frames to the figure builders. A click on
a subtype picks it in the address (every chart but the subtype chart, the map and the table then count that subtype
alone; the subtype chart outlines it); a click on an area, as a bar or on the map, drills into it; the grain of the
series is in the address too."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, no_update
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.callbacks.drawing import Chart, drawn, unavailable
from dashboard.callbacks.filter_bar import (
    drill_href,
    grain_href,
    map_drill_href,
    picked,
    scoped_store,
    subtype_href,
    view_query,
)
from dashboard.config import Language, get_settings
from dashboard.data import rental, trends
from dashboard.data.city_zone import city_today
from dashboard.data.ranking import ranked, residents_by_child
from dashboard.figures import case_trends as figures
from dashboard.figures.common import vocab_label
from dashboard.filter_url import FilterParams, PeriodChoice, StoredFilter
from dashboard.i18n import t

MAP, TABLE = ids.DrillViews.TRENDS_MAP, ids.DrillViews.TRENDS_TABLE


DEFAULT_GRAINS: dict[PeriodChoice, trends.Grain] = {
    PeriodChoice.MONTH: "day",
    PeriodChoice.YEAR: "week",
    PeriodChoice.LAST_12_MONTHS: "month",
}


def default_grain(params: FilterParams) -> trends.Grain:
    """The series' buckets: the address's grain, or the period's (a month by day, a year by week, 12 months by
    month, a custom span by week)."""
    chosen = params.grain or DEFAULT_GRAINS.get(params.period, "week")
    return next((each for each in trends.GRAINS if each == chosen), "week")


def trend_series_chart(session: Session, shown: StoredFilter, lang: Language, *, grain: trends.Grain) -> Chart:
    f = shown.drill
    series = trends.case_trend(session, f, grain=grain)
    if f.subtype is not None:  # under a kind the series are subtypes: the picked one alone
        series = series[series["series"] == f.subtype]
    family = "subtype" if f.kind is not None else "kind"
    running = f.period.runs_past(city_today())  # its last bucket is not over
    return series, figures.case_trend(
        series, family=family, compare=f.compare.value, lang=lang, grain=grain, incomplete=running
    )


def trend_subtypes_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    f = shown.drill
    # the subtype chart is the one a subtype is picked in: it shows every subtype of the kind the bar chose
    top = trends.top_subtypes(session, replace(f, kind=shown.params.kind, subtype=None))
    return top, figures.top_subtypes(top, compare=f.compare.value, lang=lang, selected=f.subtype)


def trend_areas_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    by_area = ranked(
        rental.rental_by_area(session, shown.drill), "total", residents_by_child(session, shown.drill.area)
    )
    title = t("chart.incidents_by_area", lang)
    return by_area, figures.area_counts(by_area, value="total", title=title, lang=lang)


def trend_heatmap_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    heat = trends.hour_weekday(session, shown.drill)
    return heat, figures.hour_weekday(heat, lang=lang)


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
            lambda session: trend_series_chart(session, shown, lang, grain=bucket),
            lambda session: trend_subtypes_chart(session, shown, lang),
            lambda session: trend_areas_chart(session, shown, lang),
            lambda session: trend_heatmap_chart(session, shown, lang),
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
