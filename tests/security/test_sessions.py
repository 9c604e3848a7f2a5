"""Sessions that end on the server, and a lockout that holds under parallel guesses.

- A session cookie saved before logout (or before a role, area or password change, a disabled account, a revoked
  wall-screen token) opens nothing afterwards, in another client too: the server ended the session.
- Thirty wrong passwords sent at once, each from its own address, check at most five before the account locks, and
  the right password is then refused like a wrong one; the answer never tells whether an account exists.
- One address gets a limited number of password logins, whatever names it tries.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from dashboard.access import throttle
from dashboard.access.accounts import MAX_FAILURES, issue_login_token, revoke_login_tokens, update_user
from dashboard.data.db import session_scope
from dashboard.data.vocab import AuditAction, Role
from tests.security.conftest import audited
from tests.support.accounts import PASSWORD, account, signed_in_client

COOKIE = "gridcc_session"


def replay(dash_app: Any, client: Any) -> Any:
    """A second client holding a copy of `client`'s session cookie, as someone who saved it would."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = dash_app.server.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def change(**changes: Any) -> Callable[[], None]:
    def apply() -> None:
        with session_scope() as session:
            update_user(session, "luqiao", **changes)

    return apply


@pytest.mark.parametrize(
    "end",
    [
        "logout",
        change(role=Role.TOWNSHIP_STAFF, area_code="331004001"),
        change(area_code="331081"),
        change(password="another long password"),
        change(disabled=True),
    ],
    ids=["logout", "role", "area", "password", "disabled"],
)
def test_a_saved_session_cookie_opens_nothing_once_the_session_ended(dash_app, city, end):
    client = signed_in_client(dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    thief = replay(dash_app, client)
    assert thief.get("/_dash-layout").status_code == 200  # the copy works while the session holds
    if end == "logout":
        assert client.get("/logout").status_code == 302
    else:
        end()
    assert thief.get("/_dash-layout").status_code == 401 and client.get("/_dash-layout").status_code == 401
    assert thief.get("/").status_code == 302


def test_a_revoked_wall_token_ends_the_screens_session_and_its_remember_me_cookie(dash_app, city):
    account("wall-luqiao", Role.WALL_SCREEN, "331004")
    with session_scope() as session:
        token = issue_login_token(session, "wall-luqiao")
    screen = dash_app.server.test_client()
    assert screen.get(f"/login?token={token}").status_code == 302
    remembered = dash_app.server.test_client()  # a restarted browser: only the remember-me cookie
    remembered.set_cookie("gridcc_wall", screen.get_cookie("gridcc_wall").value)
    assert screen.get("/_dash-layout").status_code == 200 and remembered.get("/_dash-layout").status_code == 200
    with session_scope() as session:
        revoke_login_tokens(session, "wall-luqiao")
    assert screen.get("/_dash-layout").status_code == 401 and remembered.get("/_dash-layout").status_code == 401


def test_a_wall_screen_cannot_log_in_by_password(dash_app, city):
    account("wall-luqiao", Role.WALL_SCREEN, "331004")
    response = dash_app.server.test_client().post("/login", data={"username": "wall-luqiao", "password": PASSWORD})
    assert response.status_code == 401


def login_burst(dash_app: Any, passwords: list[str]) -> list[int]:
    """Every password posted at once, each from its own address (a guesser spreading over many machines)."""
    start = threading.Barrier(len(passwords))
    statuses: list[int] = [0] * len(passwords)

    def post(number: int) -> None:
        client = dash_app.server.test_client()
        start.wait()
        response = client.post(
            "/login",
            data={"username": "luqiao", "password": passwords[number]},
            environ_base={"REMOTE_ADDR": f"10.0.{number // 250}.{number % 250 + 1}"},
        )
        statuses[number] = response.status_code

    threads = [threading.Thread(target=post, args=(number,)) for number in range(len(passwords))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_thirty_parallel_guesses_check_at_most_five_passwords_and_the_account_locks(dash_app, city):
    account("luqiao", Role.COUNTY_LEADER, "331004")
    statuses = login_burst(dash_app, [f"guess number {n}" for n in range(30)])
    assert Counter(statuses) == {401: 30}
    reasons = Counter(entry["reason"] for entry in audited(AuditAction.LOGIN_FAILED))
    assert reasons == {"wrong": MAX_FAILURES, "locked": 30 - MAX_FAILURES}
    assert len(audited(AuditAction.LOCKED_OUT)) == 1
    right = dash_app.server.test_client().post("/login", data={"username": "luqiao", "password": PASSWORD})
    unknown = dash_app.server.test_client().post("/login", data={"username": "nobody", "password": PASSWORD})
    assert right.status_code == unknown.status_code == 401 and right.text == unknown.text


def test_one_address_gets_a_limited_number_of_login_attempts_whatever_the_names(dash_app, city):
    client = dash_app.server.test_client()
    for number in range(throttle.LOGIN_ATTEMPTS):
        response = client.post("/login", data={"username": f"name{number}", "password": "guess"})
        assert response.status_code == 401
    refused = client.post("/login", data={"username": "luqiao", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    elsewhere = dash_app.server.test_client()
    account("luqiao", Role.COUNTY_LEADER, "331004")
    other_address = elsewhere.post(
        "/login", data={"username": "luqiao", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other_address.status_code == 302
