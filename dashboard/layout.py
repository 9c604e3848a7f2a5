"""The app shell: navigation bar, the refresh clock, and the page container."""

from __future__ import annotations

from functools import partial
from typing import Any

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.access.current import NotLoggedIn, current_account
from dashboard.access.roles import may_manage_users
from dashboard.config import get_settings
from dashboard.data.active_city import city_name, city_title
from dashboard.data.city_zone import city_zone
from dashboard.first_page import page_container
from dashboard.i18n import current_language, t
from dashboard.pipeline.feed import area_name

STATUS_MS = 3_000  # a broken connection shows on the wall within a few seconds


OFF_NAV = {
    "dashboard.pages.not_found_404",
    "dashboard.pages.wall",
    "dashboard.pages.record",
}  # record: opened from an item
ADMIN_PAGES = {"dashboard.pages.audit"}  # in the navigation of administrators only (the page checks again)


def tab_title(page_name: str, **_path: str) -> str:
    """A page's browser-tab title: the page and the city shown, asked each time a page is shown (so a wall's tab
    names an imported city without a restart)."""
    return f"{page_name} · {city_title()}"


def title_tabs() -> None:
    """Every registered page's tab title from `tab_title` (Dash calls a callable title per page view; the static
    title Dash would use is the default city's)."""
    for page in dash.page_registry.values():
        page["title"] = partial(tab_title, page["name"])


def nav_links() -> list[dcc.Link]:
    try:
        hidden = OFF_NAV if may_manage_users(current_account().role) else OFF_NAV | ADMIN_PAGES
    except NotLoggedIn:
        hidden = OFF_NAV | ADMIN_PAGES
    pages = sorted(
        (page for page in dash.page_registry.values() if page["module"] not in hidden),
        key=lambda page: page["order"],
    )
    return [dcc.Link(page["name"], href=page["relative_path"], className="nav-link") for page in pages]


def user_box() -> html.Div:
    """Who is logged in, their role and area, and the way out (empty outside a request: Dash's start-up check)."""
    try:
        account = current_account()
    except NotLoggedIn:
        return html.Div(className="user-box")
    area = city_name(current_language()) if account.area_code is None else area_name(account.area_code)
    return html.Div(
        [
            html.Span(account.username, className="user-name"),
            html.Span(f"{t(f'role.{account.role.value}')} · {area}", className="user-role"),
            html.A(t("login.logout"), href="/logout", className="user-logout", id=ids.App.LOGOUT),
        ],
        className="user-box",
    )


def build_shell() -> html.Div:
    """Evaluated per page load (a function, not a value), after every page has registered."""
    clock_zone: dict[str, Any] = {"data-zone": city_zone()}
    return html.Div(
        [
            dcc.Location(id=ids.App.URL, refresh="callback-nav"),  # a callback may navigate, without a reload
            dcc.Interval(id=ids.App.REFRESH, interval=get_settings().refresh_ms),
            dcc.Interval(id=ids.App.STATUS_CLOCK, interval=STATUS_MS),
            html.Div(id=ids.App.STATUS, className="status-banner", role="alert", hidden=True),
            html.Header(
                [
                    html.Div(city_title(), className="brand"),
                    html.Nav(nav_links(), className="nav"),
                    user_box(),
                ],
                className="topbar",
            ),
            html.Header(  # shown only in wall mode (assets/13-wall-mode.js), instead of the navigation
                [
                    html.Div(city_title(), className="brand"),
                    html.Div(id=ids.WallMode.UPDATED, className="wall-updated"),
                    # on the city's clock (assets/13-wall-mode.js), whatever the screen's own zone
                    html.Div(id=ids.WallMode.CLOCK, className="wall-clock", **clock_zone),
                ],
                className="wallbar",
            ),
            html.Main(page_container(), className="content"),
        ],
        className="shell",
    )
