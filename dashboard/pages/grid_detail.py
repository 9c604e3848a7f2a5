"""网格, one grid: where it lies, its outline and incident density, its worker and population, its headline figures,
and the records behind them: incidents, hazards, patrols, rental houses and key persons (personal fields masked)."""

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.analysis_map import analysis_map
from dashboard.components.cards import kpi_row
from dashboard.components.page import page_frame
from dashboard.components.record_table import record_table
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.views.grid_profile import GRID_PERIODS
from dashboard.views.records import RecordKind

dash.register_page(__name__, path="/grid", name=t("page.grid"), order=40)


def layout(code: str | None = None, period: str | None = None, **_unused_query: str) -> html.Div:
    # No query here (Dash calls layout() bare for validation): the callback checks the code and says what is wrong.
    # The period is the address's too (`?code=…&period=ytd`), so a link reopens the grid as it was shown.
    area = {"level": "grid", "code": (code or "").strip()}
    message = html.P(id=ids.Grid.MESSAGE, className="page-message")
    tiles = html.Div(kpi_row("grid", list(Headline), area=area), id=ids.Grid.TILES, style={"display": "none"})
    period_choice = html.Label(
        [
            t("gridpage.period"),
            dcc.RadioItems(
                id=ids.GridDetail.PERIOD,
                options=[{"label": t(f"gridpage.period.{choice}"), "value": choice} for choice in GRID_PERIODS],
                value=period if period in GRID_PERIODS else GRID_PERIODS[0],
                inline=True,
            ),
        ],
        className="grid-period",
    )
    body = html.Div(
        [
            html.Div(id=ids.GridDetail.PROFILE, className="grid-profile"),
            period_choice,
            analysis_map(ids.GridDetail.MAP),
            html.Div(
                [
                    record_table(key, RecordKind(kind), export=f"grid.{kind}")
                    for kind, key in ids.GridDetail.TABLES.items()
                ],
                className="grid-records",
            ),
        ],
        id=ids.GridDetail.BODY,
        style={"visibility": "hidden", "height": 0, "overflow": "hidden"},  # a map laid out while hidden has no size
    )
    return page_frame("grid", message, tiles, body)
