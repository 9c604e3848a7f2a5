"""出租房, rental housing: cases inside rental housing, their share of all incidents and change, by area (click a bar
or an area on the map: drill into it) and the grids with the most (click one: open its page), set against the
rental houses registered; the density map with its replay, the cases in rental housing and the registry."""

from __future__ import annotations

import dash
from dash import html

from dashboard import ids
from dashboard.components.analysis_map import analysis_map
from dashboard.components.cards import kpi_row
from dashboard.components.export_menu import export_menu, with_export
from dashboard.components.filter_bar import chart, filter_bar, kpi_area, kpi_period, shown_query
from dashboard.components.footnote import footnote
from dashboard.components.page import page_frame
from dashboard.components.record_table import record_table
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.views.records import RecordKind

PATH = "/rental-housing"

dash.register_page(__name__, path=PATH, name=t("page.rental_housing"), order=30)


def layout(**query: str | list[str]) -> html.Div:
    parsed = shown_query(query)
    return page_frame(
        "rental_housing",
        filter_bar(PATH, parsed),
        kpi_row("rental", [Headline.RENTAL_CASES], area=kpi_area(parsed.params), period=kpi_period(parsed.params)),
        html.Dl(id=ids.Rental.FACTS, className="drill-facts"),
        footnote("rental.summary"),
        export_menu("rental.summary", table=True),
        html.Div(
            [
                with_export(chart(ids.Rental.AREAS, wide=True), "rental.areas"),
                with_export(chart(ids.Rental.GRIDS, wide=True), "rental.grids"),
            ],
            className="drill-charts",
        ),
        html.Div(
            [
                analysis_map(ids.DrillViews.RENTAL_MAP, drillable=True),
                record_table(
                    ids.DrillViews.RENTAL_TABLE,
                    RecordKind.INCIDENTS,
                    title=t("records.title.rental_incidents"),
                    export="rental.records",
                ),
                record_table(ids.DrillViews.RENTAL_HOUSES, RecordKind.RENTAL_HOUSES, export="rental.houses"),
            ],
            className="drill-views",
        ),
    )
