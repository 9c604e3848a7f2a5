"""案件趋势, case trends: incidents over time against last year or the period before, by hour and weekday, the top
subtypes (click one: every other chart, the map and the table show it alone), the areas one level down (click a
bar or an area on the map: drill into it), the density map with its replay, and the incidents behind it all."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.analysis_map import analysis_map
from dashboard.components.cards import kpi_row
from dashboard.components.export_menu import with_export
from dashboard.components.filter_bar import (
    chart,
    definition_line,
    filter_bar,
    kpi_area,
    kpi_period,
    selection_line,
    shown_query,
)
from dashboard.components.page import page_frame
from dashboard.components.record_table import record_table
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.views.case_trends import default_grain
from dashboard.views.records import RecordKind

PATH = "/trends"

dash.register_page(__name__, path=PATH, name=t("page.case_trends"), order=10)


def layout(**query: str | list[str]) -> html.Div:
    # Structure only (Dash calls this bare for validation): the callbacks scope the filter and query.
    parsed = shown_query(query)
    params = parsed.params
    grain = dcc.RadioItems(
        id=ids.Trends.GRAIN,
        options=[{"label": t(f"chart.grain.{value}"), "value": value} for value in ("day", "week", "month")],
        value=default_grain(params),  # the address's, or the period's default
        inline=True,
        className="filter-radio",
    )
    return page_frame(
        "case_trends",
        filter_bar(PATH, parsed),
        kpi_row(
            "trends", [Headline.CRIMINAL_FILED, Headline.RENTAL_CASES], area=kpi_area(params), period=kpi_period(params)
        ),
        definition_line("incidents_reported", "criminal_filed", "rental_cases"),
        selection_line(ids.Trends.SELECTION, ids.Trends.CLEAR),
        html.Div(
            [
                with_export(chart(ids.Trends.SERIES, grain, wide=True), "trends.series"),
                with_export(chart(ids.Trends.SUBTYPES), "trends.subtypes"),
                with_export(chart(ids.Trends.AREAS), "trends.areas"),
                with_export(chart(ids.Trends.HEATMAP, wide=True), "trends.heatmap"),
            ],
            className="drill-charts",
        ),
        html.Div(
            [
                analysis_map(ids.DrillViews.TRENDS_MAP, drillable=True),
                record_table(ids.DrillViews.TRENDS_TABLE, RecordKind.INCIDENTS, export="trends.records"),
            ],
            className="drill-views",
        ),
    )
