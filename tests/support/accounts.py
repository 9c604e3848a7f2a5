"""Accounts for tests that go through the login: made in the test's database, signed in as a person would."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from dash.testing.wait import until

from dashboard.access.accounts import create_user, find_user, issue_login_token
from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.support.servers import free_port

PASSWORD = "correct horse battery"


def account(username: str = "operator", role: Role = Role.CITY_OPERATOR, area: str | None = None) -> str:
    """An account (made once per test database); its name."""
    with session_scope() as session:
        if find_user(session, username) is None:
            create_user(session, username, PASSWORD, role, area)
    return username


def sign_in(
    dash_duo: Any,
    app: Any,
    username: str = "operator",
    role: Role = Role.CITY_OPERATOR,
    *,
    path: str = "/",
    **kw: Any,
) -> None:
    """Start the app and log in through the login form at `/login?next=<path>`; the browser ends on `path`, rendered.

    The form's POST must finish before anything else loads: navigating away at once cancels it (the server then
    never sees the login). So this waits for the redirect to leave /login, not only for the click."""
    account(username, role, kw.get("area"))
    # a free port of its own: test processes run side by side (pytest-xdist), each with its own server
    dash_duo.start_server(app, navigate=False, port=free_port())
    dash_duo.driver.get(f"{dash_duo.server.url}/login?next={quote(path, safe='/')}")
    dash_duo.wait_for_element("#login-username").send_keys(username)
    dash_duo.find_element("#login-password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    until(lambda: urlsplit(dash_duo.driver.current_url).path != "/login", timeout=10)
    dash_duo._url = dash_duo.server.url  # what server_url's setter stores, without loading the page again
    dash_duo.wait_for_element(".topbar .user-name")


def signed_in_client(app: Any, username: str = "operator", role: Role = Role.CITY_OPERATOR, **kw: Any) -> Any:
    """A Flask test client with a logged-in session (a wall screen's by a login token: it has no password)."""
    account(username, role, kw.get("area"))
    client = app.server.test_client()
    if role is Role.WALL_SCREEN:
        with session_scope() as session:
            token = issue_login_token(session, username)
        response = client.get(f"/login?token={token}")
    else:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client
