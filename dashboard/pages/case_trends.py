"""案件趋势, case trends: incidents over time against last year or the period before, by hour and weekday, the top
subtypes (click one: every other chart, the map and the table show it alone), the areas one level down (click a
bar or an area on the map: drill into it), the density map with its replay, and the incidents behind it all."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.analysis_map import analysis_map
from dashboard.components.cards import kpi_row
from dashboard.components.filter_bar import chart, filter_bar, kpi_area, kpi_period, selection_line
from dashboard.components.page import page_frame
from dashboard.components.record_table import record_table
from dashboard.data.records import RecordKind
from dashboard.filter_url import PeriodChoice, parse_query
from dashboard.i18n import t
from dashboard.kpis import Headline

PATH = "/trends"
GRAINS = {PeriodChoice.MONTH: "day", PeriodChoice.YEAR: "week", PeriodChoice.LAST_12_MONTHS: "month"}

dash.register_page(__name__, path=PATH, name=t("page.case_trends"), order=10)


def layout(**query: str | list[str]) -> html.Div:
    # Structure only (Dash calls this bare for validation): the callbacks scope the filter and query.
    parsed = parse_query(query)
    params = parsed.params
    grain = dcc.RadioItems(
        id=ids.Trends.GRAIN,
        options=[{"label": t(f"chart.grain.{value}"), "value": value} for value in ("day", "week", "month")],
        value=params.grain or GRAINS.get(params.period, "week"),  # the address's, or the period's default
        inline=True,
        className="filter-radio",
    )
    return page_frame(
        "case_trends",
        filter_bar(PATH, parsed),
        kpi_row(
            "trends", [Headline.CRIMINAL_FILED, Headline.RENTAL_CASES], area=kpi_area(params), period=kpi_period(params)
        ),
        selection_line(ids.Trends.SELECTION, ids.Trends.CLEAR),
        html.Div(
            [
                chart(ids.Trends.SERIES, grain, wide=True),
                chart(ids.Trends.SUBTYPES),
                chart(ids.Trends.AREAS),
                chart(ids.Trends.HEATMAP, wide=True),
            ],
            className="drill-charts",
        ),
        html.Div(
            [
                analysis_map(ids.DrillViews.TRENDS_MAP, drillable=True),
                record_table(ids.DrillViews.TRENDS_TABLE, RecordKind.INCIDENTS),
            ],
            className="drill-views",
        ),
    )
