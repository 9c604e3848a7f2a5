"""Any unknown path: say so, and point at the navigation."""

import dash
from dash import html

from dashboard.i18n import t

dash.register_page(__name__, name=t("page.not_found"))


def layout(**_unused_query: str) -> html.Div:
    return html.Div(
        [html.H1(t("page.not_found")), html.P(t("not_found.body"))],
        className="page page-not-found",
    )
