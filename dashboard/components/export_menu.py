"""The export menu under a chart or table: links to PNG, SVG, CSV and XLSX of it, as the page shows it now.

Each link is /export/<name>.<fmt> plus the page's current URL query (kept in step in the browser as the filter
changes), its area the one the page shows (an address's area outside the account's is shown, and exported, as the
account's own). A click fetches the file in the browser (assets/32-export-menu.js): a refused or failed export
says why beside the links instead of failing silently in the download bar. The menu starts hidden and is shown only
to roles that may export (dashboard/callbacks/export_menu.py); the route checks the role again anyway.
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.components.footnote import footnote
from dashboard.i18n import t

CHART_FORMATS = ("png", "svg", "csv", "xlsx")
TABLE_FORMATS = ("csv", "xlsx")
HIDDEN = {"display": "none"}


def export_menu(name: str, *, table: bool = False) -> html.Div:
    """The menu for the export `name` (dashboard.exports.catalog); `table`: a table only (no PNG or SVG)."""
    formats = TABLE_FORMATS if table else CHART_FORMATS
    links = [
        html.A(
            fmt.upper(),
            id=ids.export_link(name, fmt),
            href=f"/export/{name}.{fmt}",
            download="",  # a download, never a page the browser leaves for
            title=t("export.menu.title", format=fmt.upper()),
            className=f"export-link export-{fmt}",
        )
        for fmt in formats
    ]
    texts: Any = {"data-busy": t("export.busy"), "data-failed": t("export.failed")}  # what the script says
    return html.Div(
        [
            html.Span(t("export.menu"), className="export-label"),
            *links,
            html.Span(className="export-status", role="status"),
        ],
        id=ids.export_menu(name),
        className="export-menu",
        style=HIDDEN,
        **texts,
    )


def with_export(panel: html.Div, name: str, *, table: bool = False, within: int | None = None) -> html.Div:
    """A chart panel (dashboard.components.filter_bar.chart) with its 口径 and the export menu under its graph (the
    solve rate's as the `within`-day rate when given)."""
    children = panel.children if isinstance(panel.children, list) else [panel.children]
    panel.children = [*children, footnote(name, within=within), export_menu(name, table=table)]
    return panel
