"""Logging in, the guard in front of every route, and what the session cookie allows (Flask test client, with
the real database)."""

from __future__ import annotations

import pytest
from flask import Flask

from dashboard.access import login
from dashboard.access.accounts import create_user, issue_login_token, update_user
from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.support.factories import add_city

PASSWORD = "correct horse battery"


@pytest.fixture
def client(monkeypatch):
    with session_scope() as session:
        add_city(session)
        create_user(session, "luqiao", PASSWORD, Role.COUNTY_LEADER, "331004")
        create_user(session, "wall", PASSWORD, Role.WALL_SCREEN, "331004")
    app = Flask(__name__)
    login.install(app)

    @app.get("/records")
    def records() -> str:
        return f"records of {login.current_user.scope.code}"

    @app.post("/_dash-update-component")
    def callback() -> str:
        return "{}"

    return app.test_client()


def sign_in(client, password=PASSWORD, next_path="/records"):
    return client.post("/login", data={"username": "luqiao", "password": password, "next": next_path})


def test_without_a_login_pages_redirect_and_everything_else_answers_401(client):
    page = client.get("/records?area=331004")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/records?area=331004"
    callback = client.post("/_dash-update-component", json={})
    assert callback.status_code == 401 and callback.json == {"error": "login: not logged in"}
    assert client.get("/login").status_code == 200


def test_a_login_opens_the_pages_with_a_safe_cookie(client):
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/records"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/records").text == "records of 331004"
    assert client.post("/_dash-update-component", json={}).status_code == 200
    client.get("/logout")
    assert client.get("/records").status_code == 302


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(client):
    response = sign_in(client, "guess")
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    assert client.get("/records").status_code == 302


def test_a_locked_account_gets_the_answer_an_unknown_name_gets(client):
    for _ in range(5):
        sign_in(client, "guess")
    locked = sign_in(client)
    unknown = client.post("/login", data={"username": "nobody", "password": PASSWORD, "next": "/records"})
    assert locked.status_code == unknown.status_code == 401 and "锁定15分钟" in locked.text
    assert locked.text.replace("luqiao", "nobody") == unknown.text
    assert client.get("/records").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)"])
def test_next_never_leads_off_the_site(client, target):
    assert sign_in(client, next_path=target).headers["Location"] == "/"


def test_the_login_page_shows_untrusted_values_as_text(client):
    page = client.get('/login?next=/"><script>alert(1)</script>')
    assert "<script>alert(1)" not in page.text


def test_a_changed_role_ends_the_session(client):
    sign_in(client)
    with session_scope() as session:
        update_user(session, "luqiao", role=Role.TOWNSHIP_STAFF, area_code="331004001")
    assert client.get("/records").status_code == 302


def test_a_wall_screen_logs_in_by_token_and_stays_in(client):
    with session_scope() as session:
        token = issue_login_token(session, "wall")
    response = client.get(f"/login?token={token}")
    assert response.status_code == 302 and response.headers["Location"] == "/wall"
    assert "gridcc_wall=" in ";".join(response.headers.getlist("Set-Cookie"))  # the remember-me cookie
    assert client.get("/records").text == "records of 331004"
    assert client.get("/login?token=not-a-token").status_code == 401


def test_processes_of_one_install_share_one_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", "")
    var_dir = tmp_path / "var"
    keys = {login.secret_key(var_dir) for _ in range(3)}
    assert len(keys) == 1 and len(keys.pop()) >= 48
    assert (var_dir / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert [path.name for path in var_dir.iterdir()] == ["secret_key"]  # no candidate left behind
