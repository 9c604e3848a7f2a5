"""The export menus: shown to roles that may export, their links kept in step with the page's address (and with the
grid page's period choice, which its address does not hold)."""

from __future__ import annotations

from typing import Any

from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback

from dashboard import ids
from dashboard.access.current import current_account
from dashboard.access.roles import may_export
from dashboard.components.export_menu import HIDDEN


@callback(Output(ids.export_menu(ALL), "style"), Input(ids.export_menu(ALL), "id"))
def show_export_menus(menus: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Visible for a role that may export; hidden for any other (the export route refuses them too)."""
    shown: dict[str, str] = {} if may_export(current_account().role) else HIDDEN
    return [shown for _ in menus]


clientside_callback(  # in the browser: each link is its export's URL with the page's query, as it is now
    """function (search, extra, links) {
        const query = new URLSearchParams(search || "");
        Object.entries(extra || {}).forEach(([name, value]) => query.set(name, value));
        const text = query.toString();
        return links.map((link) => `/export/${link.export}.${link.format}` + (text ? `?${text}` : ""));
    }""",
    Output(ids.export_link(MATCH, ALL), "href"),
    Input(ids.App.URL, "search"),
    Input(ids.export_extra(MATCH), "data"),
    State(ids.export_link(MATCH, ALL), "id"),
)


@callback(
    Output(ids.export_extra(ALL), "data"),
    Input(ids.GridDetail.PERIOD, "value"),
    State(ids.export_extra(ALL), "id"),
)
def add_grid_period(period: str | None, menus: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The grid page's tables count over the period picked on the page: their exports too."""
    return [{"period": period} if period else {} for _ in menus]
