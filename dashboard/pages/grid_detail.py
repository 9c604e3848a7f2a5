"""网格, one grid: its headline figures (its map, registries, incidents and patrols arrive with the drill-downs)."""

import dash
from dash import html

from dashboard import ids
from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.i18n import t
from dashboard.kpis import Headline

dash.register_page(__name__, path="/grid", name=t("page.grid"), order=40)


def layout(code: str | None = None, **_unused_query: str) -> html.Div:
    # No query here (Dash calls layout() bare for validation): the callback checks the code and says what is wrong.
    area = {"level": "grid", "code": (code or "").strip()}
    message = html.P(id=ids.Grid.MESSAGE, className="page-message")
    tiles = html.Div(kpi_row("grid", list(Headline), area=area), id=ids.Grid.TILES, style={"display": "none"})
    return page_frame("grid", message, tiles)
