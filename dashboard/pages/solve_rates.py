"""破案率, solve rates: the share of criminal cases solved, and its change in points."""

import dash
from dash import html

from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.i18n import t
from dashboard.kpis import Headline

dash.register_page(__name__, path="/solve-rates", name=t("page.solve_rates"), order=20)


def layout(**_unused_query: str) -> html.Div:
    return page_frame("solve_rates", kpi_row("solve", [Headline.CRIMINAL_FILED, Headline.SOLVE_RATE]))
