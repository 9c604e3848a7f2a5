"""指挥大屏, the command wall: the city's headline figures (the live map and feed arrive with the wall issue)."""

import dash
from dash import html

from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.i18n import t
from dashboard.kpis import Headline

dash.register_page(__name__, path="/", name=t("page.command_wall"), order=0)


def layout(**_unused_query: str) -> html.Div:
    return page_frame("command_wall", kpi_row("wall", list(Headline)))
