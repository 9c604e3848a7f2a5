"""Accounts for tests that go through the login: made in the test's database, signed in as a person would."""

from __future__ import annotations

from typing import Any

from dashboard.data.db import session_scope
from dashboard.data.users import create_user, find_user
from dashboard.data.vocab import Role

PASSWORD = "correct horse battery"


def account(username: str = "operator", role: Role = Role.CITY_OPERATOR, area: str | None = None) -> str:
    """An account (made once per test database); its name."""
    with session_scope() as session:
        if find_user(session, username) is None:
            create_user(session, username, PASSWORD, role, area)
    return username


def sign_in(dash_duo: Any, app: Any, username: str = "operator", role: Role = Role.CITY_OPERATOR, **kw: Any) -> None:
    """Start the app and log in through the login form; the browser ends on the command wall."""
    account(username, role, kw.get("area"))
    dash_duo.start_server(app, navigate=False)
    dash_duo.driver.get(f"{dash_duo.server.url}/login")
    dash_duo.wait_for_element("#login-username").send_keys(username)
    dash_duo.find_element("#login-password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    dash_duo.server_url = dash_duo.server.url  # the start page, logged in; waits for Dash to render
    dash_duo.wait_for_element(".topbar .user-name")


def signed_in_client(app: Any, username: str = "operator", role: Role = Role.CITY_OPERATOR, **kw: Any) -> Any:
    """A Flask test client with a logged-in session."""
    account(username, role, kw.get("area"))
    client = app.server.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client
