"""The export menus: shown to roles that may export, their links kept in step with the page's address and the area
it shows."""

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
    """function (search, scopes, links) {
        const query = new URLSearchParams(search || "");
        // the area the page shows: the address's, unless the page refused it for the account's own (its tiles'
        // scope holds the area shown)
        const shown = (scopes || []).find((scope) => scope && scope.area);
        if (query.has("area") && shown) {
            if (shown.area.code) { query.set("area", shown.area.code); } else { query.delete("area"); }
        }
        const text = query.toString();
        return links.map((link) => `/export/${link.export}.${link.format}` + (text ? `?${text}` : ""));
    }""",
    Output(ids.export_link(MATCH, ALL), "href"),
    Input(ids.App.URL, "search"),
    Input(ids.kpi_scope(ALL), "data"),
    State(ids.export_link(MATCH, ALL), "id"),
)
