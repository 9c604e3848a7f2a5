"""破案率, solve rates: the share of criminal cases solved and its change in points, by area (click a bar or an area
on the map: drill into it), subtype (click one: every other chart, the map and the table show it alone) and month,
the days a case takes, the density map with its replay, and the criminal cases behind it all."""

from __future__ import annotations

import dash
from dash import html

from dashboard import ids
from dashboard.components.analysis_map import analysis_map
from dashboard.components.cards import kpi_row
from dashboard.components.export_menu import with_export
from dashboard.components.filter_bar import (
    chart,
    filter_bar,
    kpi_area,
    kpi_period,
    selection_line,
    shown_query,
    solve_window,
)
from dashboard.components.page import page_frame
from dashboard.components.record_table import record_table
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.views.records import RecordKind

PATH = "/solve-rates"

dash.register_page(__name__, path=PATH, name=t("page.solve_rates"), order=20)


def layout(**query: str | list[str]) -> html.Div:
    parsed = shown_query(query)
    within = parsed.params.solve_within
    return page_frame(
        "solve_rates",
        filter_bar(PATH, parsed, kinds=False),  # criminal cases only: no kind to choose
        kpi_row(
            "solve",
            [Headline.CRIMINAL_FILED, Headline.SOLVE_RATE],
            area=kpi_area(parsed.params),
            period=kpi_period(parsed.params),
            within=parsed.params.solve_within,
        ),
        solve_window(ids.Solve.WITHIN, parsed.params.solve_within),
        selection_line(ids.Solve.SELECTION, ids.Solve.CLEAR),
        html.Div(
            [
                with_export(chart(ids.Solve.AREAS, wide=True), "solve.areas", within=within),
                with_export(chart(ids.Solve.SUBTYPES), "solve.subtypes", within=within),
                with_export(chart(ids.Solve.DAYS), "solve.days"),
                with_export(chart(ids.Solve.MONTHS, wide=True), "solve.months", within=within),
            ],
            className="drill-charts",
        ),
        html.Div(
            [
                analysis_map(ids.DrillViews.SOLVE_MAP, drillable=True),
                record_table(
                    ids.DrillViews.SOLVE_TABLE,
                    RecordKind.INCIDENTS,
                    title=t("records.title.criminal_cases"),
                    export="solve.records",
                ),
            ],
            className="drill-views",
        ),
    )
