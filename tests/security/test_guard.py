"""One guard for every path. Without a login, no path that merely starts like a public one, and no path that
a router or proxy would normalise into a page, opens the Dash shell, its layout, its dependencies or its versioned
script bundles; only the login page, the health check, the favicon, static assets and the phones' API are public."""

from __future__ import annotations

import dash
import pytest

from dashboard.data.vocab import Role
from tests.support.accounts import signed_in_client

NOT_PUBLIC = [
    "/", "/loginx", "/login/", "/login/../audit", "/login/..%2Faudit", "/login/./", "//login", "/healthz/../audit",
    "/assets/../audit", "/assets/", "/api/v1/../../audit", "/api/v1/events/../../audit", "/_favicon.ico/..",
    "/_dash-layout", "/_dash-dependencies", "/_reload-hash", "/audit", "/wall",
    f"/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v{dash.__version__.replace('.', '_')}m1.min.js",
]  # fmt: skip
SHELL_MARKS = ("_dash-config", "dash-renderer", "dash_renderer", dash.__version__, "react-entry-point")


@pytest.mark.parametrize("path", NOT_PUBLIC)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_path_opens_the_dash_shell_without_a_login(dash_app, path, method):
    response = dash_app.server.test_client().open(path, method=method)
    assert response.status_code in (302, 401), (path, response.status_code)
    assert not any(mark in response.get_data(as_text=True) for mark in SHELL_MARKS)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login?next=")


def test_the_public_paths_answer_without_a_login(dash_app):
    client = dash_app.server.test_client()
    assert client.get("/login").status_code == 200 and client.get("/assets/00-base.css").status_code == 200
    assert client.get("/healthz").status_code in (200, 503) and client.get("/_favicon.ico").status_code == 200
    assert client.post("/api/v1/events", json={}).status_code == 401  # the API's own answer: a device token needed


def test_after_a_login_the_shell_and_its_scripts_load(dash_app, city):
    client = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    shell = client.get("/")
    assert shell.status_code == 200 and "_dash-config" in shell.text
    assert client.get("/_dash-layout").status_code == 200
