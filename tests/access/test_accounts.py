"""Accounts: hashed passwords, lockout after repeated failures, scope checks, and every step in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.access import accounts
from dashboard.access.accounts import LoginOutcome, UserError, authenticate, create_user, update_user
from dashboard.cli import users as users_cli
from dashboard.data.audit import verify_chain
from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry, UserAccount
from dashboard.data.vocab import AuditAction, Role
from tests.support.factories import add_city

PASSWORD = "correct horse battery"


@pytest.fixture
def leader():
    with session_scope() as session:
        add_city(session)
        create_user(session, "luqiao", PASSWORD, Role.COUNTY_LEADER, "331004")


def actions() -> list[str]:
    with session_scope() as session:
        return [str(action) for action in session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))]


def login(password: str, name: str = "luqiao") -> accounts.Login:
    with session_scope() as session:
        return authenticate(session, name, password, source="127.0.0.1")


def test_the_password_is_stored_hashed_and_checks(leader):
    with session_scope() as session:
        stored = session.scalar(select(UserAccount.password_hash).where(UserAccount.username == "luqiao"))
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert login(PASSWORD).outcome is LoginOutcome.OK
    assert login("wrong password").outcome is LoginOutcome.WRONG
    assert login(PASSWORD, "nobody").outcome is LoginOutcome.WRONG  # no telling which of the two was wrong
    assert actions() == ["user_created", "login", "login_failed", "login_failed"]


def test_five_failures_lock_the_account_even_against_the_right_password(leader):
    outcomes = [login(f"guess {n}").outcome for n in range(accounts.MAX_FAILURES)]
    assert outcomes == [LoginOutcome.WRONG] * (accounts.MAX_FAILURES - 1) + [LoginOutcome.LOCKED]
    locked = login(PASSWORD)
    assert locked.outcome is LoginOutcome.LOCKED and locked.locked_until is not None
    assert AuditAction.LOCKED_OUT in actions()
    with session_scope() as session:  # the lock runs out
        user = accounts.find_user(session, "luqiao")
        user.locked_until -= accounts.LOCKOUT + timedelta(seconds=1)
    assert login(PASSWORD).outcome is LoginOutcome.OK


@pytest.mark.parametrize(
    ("role", "area", "message"),
    [
        (Role.COUNTY_LEADER, None, "area: a county_leader is bound to a county, not a city"),
        (Role.COUNTY_LEADER, "331004001", "not a township"),
        (Role.TOWNSHIP_STAFF, "331004", "area: a township_staff is bound to a township, not a county"),
        (Role.COUNTY_LEADER, "331099", "area: no county 331099"),
        (Role.CITY_OPERATOR, "not-a-code", "area: 'not-a-code' is not a county"),
    ],
)
def test_a_role_is_bound_to_its_kind_of_area(leader, role, area, message):
    with pytest.raises(UserError, match=message), session_scope() as session:
        create_user(session, "someone", PASSWORD, role, area)


def test_weak_passwords_and_duplicate_names_are_refused(leader):
    with pytest.raises(UserError, match=r"^password: at least"), session_scope() as session:
        create_user(session, "short", "abc", Role.ANALYST)
    with pytest.raises(UserError, match=r"^username: 'luqiao' exists"), session_scope() as session:
        create_user(session, "luqiao", PASSWORD, Role.ANALYST)


def test_a_role_change_is_audited_and_ends_the_users_sessions(leader):
    with session_scope() as session:
        before = accounts.find_user(session, "luqiao").session_version
        update_user(session, "luqiao", role=Role.TOWNSHIP_STAFF, area_code="331004002", actor="admin")
    with session_scope() as session:
        user = accounts.find_user(session, "luqiao")
        assert (user.role, user.area_code, user.session_version) == (Role.TOWNSHIP_STAFF, "331004002", before + 1)
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last.actor == "admin" and last.action is AuditAction.USER_CHANGED and "331004002" in last.detail
        assert verify_chain(session).intact


def test_the_command_line_creates_lists_and_changes_users(leader, capsys):
    assert users_cli.main(["create", "ana", "--role", "analyst", "--password", PASSWORD]) == 0
    assert users_cli.main(["set", "ana", "--area", "331081"]) == 0
    assert users_cli.main(["create", "bad", "--role", "county_leader", "--password", PASSWORD]) == 2
    assert users_cli.main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "ana" in out and "331081" in out and "error: area: a county_leader is bound to a county" in err


def test_a_wall_screen_token_logs_in_only_while_not_revoked(leader):
    with session_scope() as session:
        create_user(session, "wall-luqiao", PASSWORD, Role.WALL_SCREEN, "331004")
        token = accounts.issue_login_token(session, "wall-luqiao")
        with pytest.raises(UserError, match="is not a wall screen"):
            accounts.issue_login_token(session, "luqiao")
    with session_scope() as session:
        assert accounts.user_for_token(session, token).username == "wall-luqiao"
        assert accounts.user_for_token(session, token + "x") is None
        assert accounts.revoke_login_tokens(session, "wall-luqiao") == 1
    with session_scope() as session:
        assert accounts.user_for_token(session, token) is None
        assert accounts.find_user(session, "wall-luqiao").session_version == 1


def test_a_new_install_gets_an_admin_and_a_wall_screen_once():
    with session_scope() as session:
        first = accounts.ensure_first_accounts(session)
    assert first is not None and len(first.password) >= accounts.MIN_PASSWORD
    assert login(first.password, "admin").outcome is LoginOutcome.OK
    with session_scope() as session:
        wall = accounts.user_for_token(session, first.wall_token)
        assert (wall.username, wall.role, wall.area_code) == ("wall", Role.WALL_SCREEN, None)
        assert accounts.ensure_first_accounts(session) is None
