"""案件趋势, case trends: criminal cases filed and other incidents over time."""

import dash
from dash import html

from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.i18n import t
from dashboard.kpis import Headline

dash.register_page(__name__, path="/trends", name=t("page.case_trends"), order=10)


def layout(**_unused_query: str) -> html.Div:
    return page_frame("case_trends", kpi_row("trends", [Headline.CRIMINAL_FILED]))
