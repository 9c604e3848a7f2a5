"""月度通报, the leaders' month: last month against the same month last year and the month before."""

import dash
from dash import html

from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.i18n import t
from dashboard.kpis import Headline

dash.register_page(__name__, path="/monthly", name=t("page.monthly_report"), order=50)


def layout(**_unused_query: str) -> html.Div:
    return page_frame("monthly_report", kpi_row("monthly", list(Headline), period="last_month"))
