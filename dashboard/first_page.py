"""The shell's page container, holding the page the browser opened already.

Dash Pages leaves its container empty in the layout: once React has drawn the shell, the container's dcc.Location
reads the address and asks the server's router for the page, a round trip and a second render before anything of the
page shows (on a wall screen's first load, 100–150 ms of the map's first paint). The layout is fetched by the page
itself, so its Referer is the page's address: the container comes with that page's layout in it (the same layout
function, title and query parameters as Dash's router uses), and with a Location that already holds the address, so
it has nothing to tell the router on its first draw. Every later move (a link, the wall's rotation, back and forward)
changes the address and goes through the router.

Without a usable Referer the container is Dash's own, empty, and the router fills it. The app asks browsers for a
full same-origin Referer (`Referrer-Policy: same-origin`, which also keeps its addresses from other sites), and if
the address the browser is on differs all the same from the one filled in, the shell's script has the router answer
the real one (assets/05-first-page.js)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import dash
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page  # the router's own reading of an address (dash 4.4)
from dash.dash import _ID_CONTENT as CONTENT  # the ids of Dash's page container
from dash.dash import _ID_DUMMY as DUMMY
from dash.dash import _ID_LOCATION as LOCATION
from dash.dash import _ID_STORE as STORE
from flask import Flask, Response, has_request_context, request

from dashboard.i18n import t

log = logging.getLogger(__name__)

FILLED_FOR = "data-page"  # the address the container was filled for, on the content (read by 05-first-page.js)
NOT_FOUND_MODULE = "not_found_404"


def page_container() -> html.Div:
    """Dash's page container; with the page of the Referer in it when the layout is fetched by one of our pages."""
    empty: html.Div = dash.page_container
    address = opened_address()
    if address is None:
        return empty
    path, search = address
    try:
        content, title = page_for(path, search)
    except Exception:  # the router will answer the same address, and show its error in the page
        log.exception("the page %s%s could not be drawn into the layout; the router will draw it", path, search)
        return empty
    filled: dict[str, Any] = {FILLED_FOR: path + search}
    return html.Div(
        [
            dcc.Location(id=LOCATION, refresh="callback-nav", pathname=path, search=search),
            html.Div(content, id=CONTENT, disable_n_clicks=True, **filled),
            dcc.Store(id=STORE, data={"title": title}),
            html.Div(id=DUMMY, disable_n_clicks=True),
        ]
    )


def opened_address() -> tuple[str, str] | None:
    """(path, search) of the page that fetches the layout, as the browser's `location` spells them; None when the
    request does not say (outside a request, no Referer, no path in it). The Referer's host is not compared with the
    request's: behind a proxy the app sees another host than the browser's, and only this app's pages send the layout's
    request a Referer at all (same-origin)."""
    if not has_request_context():
        return None
    referer = request.headers.get("Referer")
    if not referer:
        return None
    try:
        parts = urlsplit(referer.strip())
    except ValueError:  # not an address ("http://[::1")
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path, f"?{parts.query}" if parts.query else ""


def page_for(path: str, search: str) -> tuple[Any, str]:
    """What Dash's router returns for the address: the page's layout (called with the address's query parameters
    and path variables) and its tab title; the 404 page for an address that names none."""
    page, path_variables = _path_to_page(dash.strip_relative_path(path) or "")  # type: ignore[no-untyped-call]
    if not page:
        page = next(p for p in dash.page_registry.values() if p["module"].split(".")[-1] == NOT_FOUND_MODULE)
        path_variables = None
    layout, title = page.get("layout", ""), page.get("title", t("app.title"))
    if callable(layout):
        query = _parse_query_string(search)  # type: ignore[no-untyped-call]
        layout = layout(**{**(path_variables or {}), **query})
    if callable(title):
        title = title(**(path_variables or {}))
    return layout, str(title)


def ask_for_same_origin_referer(server: Flask) -> None:
    def referrer_policy(response: Response) -> Response:
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    server.after_request(referrer_policy)
