"""出租房, rental housing: cases inside rental housing."""

import dash
from dash import html

from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.i18n import t
from dashboard.kpis import Headline

dash.register_page(__name__, path="/rental-housing", name=t("page.rental_housing"), order=30)


def layout(**_unused_query: str) -> html.Div:
    return page_frame("rental_housing", kpi_row("rental", [Headline.RENTAL_CASES]))
