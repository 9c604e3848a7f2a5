"""/wall: the entry of a wall screen. It checks the rotation asked for in the address, then hands over to the first
page in wall mode (assets/13-wall-mode.js turns the pages). A bad parameter is named on the page."""

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.wall_mode import PAGES, WallModeError, parse_plan

dash.register_page(__name__, path="/wall", name=t("page.wall"), order=90)


def layout(
    pages: str | None = None,
    every: str | None = None,
    period: str | None = None,
    within: str | None = None,
    sound: str | None = None,
    tour: str | None = None,
    **_unused_query: str,
) -> html.Div:
    try:
        plan = parse_plan(pages, every, period, within, sound, tour)
    except WallModeError as error:
        help_text = t("wall.help", pages=", ".join(PAGES))
        return html.Div(
            [html.H1(t("page.wall")), html.P(str(error), className="page-message"), html.P(help_text)],
            className="page page-wall",
        )
    first = plan.paths()[0]
    return html.Div(
        [
            html.H1(t("page.wall")),
            html.P(t("wall.starting")),
            dcc.Location(id=ids.WallMode.GO, href=first, refresh=True),
        ],
        className="page page-wall",
    )
