"""破案率, solve rates: the share of criminal cases solved and its change in points, by area (click one: drill into
it), subtype (click one: the days-to-solve chart shows it alone) and month, and the days a case takes."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.cards import kpi_row
from dashboard.components.filter_bar import chart, filter_bar, kpi_area, kpi_period, selection_line
from dashboard.components.page import page_frame
from dashboard.filter_url import parse_query
from dashboard.i18n import t
from dashboard.kpis import Headline

PATH = "/solve-rates"

dash.register_page(__name__, path=PATH, name=t("page.solve_rates"), order=20)


def layout(**query: str | list[str]) -> html.Div:
    parsed = parse_query(query)
    return page_frame(
        "solve_rates",
        filter_bar(PATH, parsed),
        kpi_row(
            "solve",
            [Headline.CRIMINAL_FILED, Headline.SOLVE_RATE],
            area=kpi_area(parsed.params),
            period=kpi_period(parsed.params),
        ),
        dcc.Store(id=ids.Solve.SELECTED),
        selection_line(ids.Solve.SELECTION, ids.Solve.CLEAR),
        html.Div(
            [
                chart(ids.Solve.AREAS, wide=True),
                chart(ids.Solve.SUBTYPES),
                chart(ids.Solve.DAYS),
                chart(ids.Solve.MONTHS, wide=True),
            ],
            className="drill-charts",
        ),
    )
